"""Byte decoding, decided in one place (layer 1: bytes -> text).

Headers lie (OFX files declare cp1252 and are UTF-8), so the order is fixed and
deterministic rather than guessed: BOM, UTF-16 by NUL bytes, strict UTF-8, then the
format's fallbacks (declared charset, GB18030, cp1252, cp852 ...). Returns the text and
the codec that won; raises :class:`~importers.errors.BadEncoding`, also for decoded text holding
a NUL character: no statement field carries one, and PostgreSQL cannot store it in text.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass

from importers.errors import BadEncoding

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

CHARSET_ALIASES = {
    "1252": "cp1252",
    "8859-1": "latin-1",
    "iso-8859-1": "latin-1",
    "usascii": "ascii",
    "utf8": "utf-8",
    "unicode": "utf-8",
    "gbk": "gb18030",
    "gb2312": "gb18030",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the codec that produced it."""

    text: str
    encoding: str


def normalise_charset(name: str | None) -> str | None:
    """Map a charset label as files write it (``1252``, ``NONE``) to a Python codec."""
    if not name:
        return None
    key = name.strip().lower()
    if key in ("none", ""):
        return None
    key = CHARSET_ALIASES.get(key, key)
    if key.isdigit():
        key = f"cp{key}"
    try:
        return codecs.lookup(key).name
    except (LookupError, ValueError):  # ValueError: a NUL inside the label
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:200]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    return "utf-16-le" if sample[1] == 0 else "utf-16-be"


def decode(data: bytes, *, file: str, fallbacks: Sequence[str | None] = ("cp1252",),
           allow_nul: bool = False) -> Decoded:
    """Decode ``data``: BOM, UTF-16 by NULs, strict UTF-8, then ``fallbacks`` in order.
    ``allow_nul`` is for identification only, so the parse names the line of the NUL."""
    check = (lambda d, _file: d) if allow_nul else _no_nul
    for bom, codec in BOMS:
        if data.startswith(bom):
            return check(_strict(data, codec, file), file)
    utf16 = _utf16_without_bom(data)
    candidates = [utf16] if utf16 else []
    candidates += ["utf-8", *[f for f in fallbacks if f]]
    for codec in candidates:
        try:
            return check(Decoded(data.decode(codec), codec), file)
        except UnicodeDecodeError:
            continue
    raise BadEncoding(
        "bytes are not valid in any allowed encoding (" + ", ".join(candidates) + ")",
        file=file,
        field="encoding",
    )


def _no_nul(decoded: Decoded, file: str) -> Decoded:
    at = decoded.text.find("\x00")
    if at >= 0:
        raise BadEncoding("the text holds a NUL character", file=file,
                          line=decoded.text.count("\n", 0, at) + 1, field="encoding")
    return decoded


def _strict(data: bytes, codec: str, file: str) -> Decoded:
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError as exc:
        raise BadEncoding(
            f"file starts with a {codec} byte-order mark but is not valid {codec}: {exc.reason}",
            file=file,
            line=data[: exc.start].count(b"\n") + 1,
            field="encoding",
        ) from exc


def looks_binary(data: bytes) -> bool:
    """True for bytes that are clearly not text (control bytes outside UTF-16)."""
    sample = data[:4096]
    if not sample or _utf16_without_bom(sample) or sample.startswith(tuple(b for b, _ in BOMS)):
        return False
    controls = sum(1 for b in sample if b < 9 or (13 < b < 32 and b not in (26, 27)))
    return controls > len(sample) // 20
