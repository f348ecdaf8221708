#!/bin/sh
# Vendor the front-end assets the web UI serves itself (no CDN at runtime).
# Run once when upgrading a version; the fetched files are committed, so a clean checkout
# and the wheel work without network. Needs `npm` (only for this script).
set -eu
HTMX_VERSION="${HTMX_VERSION:-2.0.4}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/web/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest"
(cd "$tmp" && npm pack --silent "htmx.org@$HTMX_VERSION" >/dev/null)
tar -xzf "$tmp"/htmx.org-*.tgz -C "$tmp"
cp "$tmp/package/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$tmp/package/LICENSE" "$dest/htmx.LICENSE"
echo "htmx $HTMX_VERSION -> $dest/htmx.min.js"

# axe-core: only for the accessibility check of the browser tests (never served to users).
AXE_VERSION="${AXE_VERSION:-4.14.1}"
axe_dest="$here/tests/web/vendor/axe-core"
mkdir -p "$axe_dest"
(cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null)
mkdir -p "$tmp/axe" && tar -xzf "$tmp"/axe-core-*.tgz -C "$tmp/axe"
cp "$tmp/axe/package/axe.min.js" "$tmp/axe/package/LICENSE" "$axe_dest/"
echo "axe-core $AXE_VERSION -> $axe_dest/axe.min.js"
