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
