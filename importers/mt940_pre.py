"""MT940/MT942 pre-processing (layers 1-2: bytes -> clean tag text for ``mt-940``).

Decodes (strict UTF-8, else the best of cp1252/cp852/cp1250 by letters produced:
Raiffeisen HU is cp852), strips SOH/ETX bytes and SWIFT envelopes ``{1:}{2:}{4:...-}``,
drops preamble lines (``ABNANL2A``/``940``, ``:940:``), repairs hard-wrapped tokens
(``:28C:0000`` / ``0``, ``//00000000001`` / ``005``, a ``:61:`` split before its amount,
a tag split as ``:`` / ``86:``) and keeps a lone ``-`` inside ``:86:`` as text. Returns
the text and the warnings about what was dropped; raises ``BadEncoding``, and ``BadRecord``
for an amount longer than SWIFT's ``15d`` (``checked_amounts``).
"""

from __future__ import annotations

import re

from importers.decoding import Decoded, decode
from importers.errors import BadEncoding, BadRecord

TAG = re.compile(r"^:(\d{2}[A-Z]?|NS):")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENVELOPE = re.compile(r"\{[1235]:(?:[^{}]|\{[^{}]*\})*\}")
_NO_AMOUNT = re.compile(r"^:61:\d{6}(\d{4}|\s{4})?R?[CDE][A-Z]?$")
_BANK_REF_OPEN = re.compile(r"//(?!NONREF)([^/\s]{1,15})$")
_JOIN_TAGS = {"25", "28", "28C", "60F", "60M", "62F", "62M", "64", "65", "13D", "34F"}
_CLOSING = {"62F", "62M", "90D", "90C"}


def decode_mt940(data: bytes, file: str, encoding: str | None = None) -> Decoded:
    """Decode with ``encoding`` if configured, else UTF-8 or the most plausible 8-bit codec."""
    if encoding:
        try:
            return Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError as exc:
            raise BadEncoding(f"not valid {encoding}", file=file, field="encoding") from exc
    try:
        return decode(data, file=file, fallbacks=())
    except BadEncoding:
        pass
    scored = []
    for i, codec in enumerate(("cp1252", "cp852", "cp1250")):
        try:  # cp1252 and cp1250 leave a few bytes undefined: such a codec is out
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        scored.append((_letters(text), -i, codec, text))
    if not scored:
        raise BadEncoding("bytes are not valid UTF-8, cp1252, cp852 or cp1250", file=file,
                          field="encoding")
    _, _, best, text = max(scored)
    return Decoded(text, best)


def _letters(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127 and ch.isalpha())


_SUBFIELD_LINE = re.compile(r"\?\d\d")


def clean(text: str) -> tuple[str, list[str]]:
    """Tag text ``mt-940`` can parse, and warnings about what was dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ENVELOPE.sub("", _CONTROL.sub("", text))
    text = text.replace("{4:", "\n").replace("-}", "\n-\n")
    return _Cleaner().run(_rejoin_split_tags(text.split("\n")))


def _rejoin_split_tags(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() == ":" and re.match(r"^\d{2}[A-Z]?:", line):
            out[-1] = ":" + line
        else:
            out.append(line)
    return out


class _Cleaner:
    """Line state machine: outside a statement, or inside one under the current tag."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.notes: list[str] = []
        self.inside = False
        self.tag = ""
        self.closed = False
        self.statements = 0
        self.supplementary = False

    def run(self, lines: list[str]) -> tuple[str, list[str]]:
        spaced = False
        for number, line in enumerate(lines, start=1):
            if spaced and _SUBFIELD_LINE.match(line):
                line = f"{line[:3]} {line[3:]}"
            self.line(number, line.rstrip())
            # A German :86: sub-field holds 27 characters, one per line; a blank that ends one
            # separates it from the next ("...MANUFACTURING 4 " + "S.A."), but mt-940 strips
            # line ends, so it moves to the front of the next sub-field, which is kept.
            spaced = self.inside and self.tag == "86" and line[-1:] in (" ", "\t")
        return "\n".join(self.out) + "\n", self.notes

    def line(self, number: int, line: str) -> None:
        match = TAG.match(line)
        if match:
            self.start_tag(number, match[1], line)
            return
        stripped = line.strip()  # once per line, not once per test
        if stripped == "-" or stripped.startswith("-XXX"):
            self.dash(line)
        elif not stripped:
            return
        elif not self.inside:
            if line.startswith(":"):
                self.notes.append(f"line {number}: unknown preamble {stripped!r} ignored")
        else:
            self.continuation(line)

    def start_tag(self, number: int, tag: str, line: str) -> None:
        if tag == "20":
            self.statements += 1
            self.closed = False
        elif not self.inside and self.statements == 0:
            self.notes.append(f"line {number}: no :20: before :{tag}: (statement fragment)")
            self.out.append(":20:NONREF")
            self.statements = 1
        elif not self.inside:
            self.notes.append(f"line {number}: :{tag}: after the end of a statement, kept with it")
        self.inside, self.tag, self.supplementary = True, tag, False
        self.closed |= tag in _CLOSING
        self.out.append(line)

    def dash(self, line: str) -> None:
        if self.inside and self.tag == "86" and not self.closed:
            self.out[-1] += "\n" + line.strip()  # a lone "-" inside wrapped :86: text
        else:
            self.inside = False

    def continuation(self, line: str) -> None:
        if self.tag in _JOIN_TAGS:
            self.out[-1] += line.strip()
        elif self.tag == "61":
            self.statement_line(line)
        else:
            self.out[-1] += "\n" + line

    def statement_line(self, line: str) -> None:
        last = self.out[-1]
        first = not self.supplementary
        if first and (_NO_AMOUNT.match(last) or self._wrapped_ref(last, line.strip())):
            self.out[-1] = last + line.strip()
        elif not self.supplementary:
            self.out[-1] = last + "\n" + line.strip()
            self.supplementary = True
        else:
            self.out[-1] = last + line.strip()

    @staticmethod
    def _wrapped_ref(last: str, line: str) -> bool:
        """A bank reference hard-wrapped onto the next line (``//00000000001`` + ``005``)."""
        match = _BANK_REF_OPEN.search(last)
        return bool(match) and line.isdigit() and len(match[1]) + len(line) <= 16


_LINE_AMOUNT = re.compile(r"(:61:\d{6}(?:\d{4}|\s{4})?(?:R?[CD]|E[CD])[A-Z]?)([\d,]+)")
_BALANCE_AMOUNT = re.compile(r"(:(?:6[02][FM]|64|65):[CD]\d{6}[A-Z]{3})([\d,]+)")
MAX_AMOUNT_CHARS = 15
"""SWIFT's ``15d``: an amount, its decimal comma included, is at most 15 characters."""


def checked_amounts(text: str, file: str) -> str:
    """The text with amounts' leading zeros dropped; an amount still longer than ``15d`` is
    refused. mt-940 reads at most 15 characters of a ``:61:`` amount (16 of a balance) and
    silently cuts the rest (``1234567890123,45`` becomes ``1234567890123,4``), so only the
    balance check would notice; Rabobank pads balances to 16 with zeros, which is harmless."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.startswith(":6"):
            continue
        match = _LINE_AMOUNT.match(line) or _BALANCE_AMOUNT.match(line)
        if match is None:
            continue
        amount = match[2].lstrip("0")
        amount = "0" + amount if not amount or amount.startswith(",") else amount
        if len(amount) > MAX_AMOUNT_CHARS:
            tag = line[:line.index(":", 1) + 1]
            raise BadRecord(f"amount {match[2]!r} is longer than the {MAX_AMOUNT_CHARS} "
                            "characters MT940 allows", file=file, line=number, field=tag,
                            value=match[2])
        if amount != match[2]:
            lines[number - 1] = match[1] + amount + line[match.end():]
    return "\n".join(lines)
