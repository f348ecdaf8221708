"""Reference normalisation (leaf layer): invoice numbers and the references found in payments.

An invoice number gets two keys: `full` (letters and digits, upper case, no separators:
"inv-2024/00123" -> "INV202400123") and `core` (its digits without leading zeros:
"202400123"). A payment text yields candidate keys from every run of 1..4 adjacent tokens
("Payment for INV 2024 00123" -> "INV202400123", "202400123", ...), so dashes, spaces, case,
prefixes, dropped leading zeros and several numbers in one text all meet the same keys.
Creditor references are unwrapped (ISO 11649 "RF18 ..." and Swiss QR/ISR 27-digit refs).
Nothing here raises.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Z0-9]+")
_RF = re.compile(r"^RF\d\d([A-Z0-9]{1,21})$")
MIN_CORE = 4  # shorter digit cores are too common to be a reference on their own
MIN_FUZZY = 4  # typo-tolerant matching only for keys at least this long
SHORT_FUZZY = 5  # shorter typo'd keys count only with an exactly equal amount
MAX_JOIN = 4
FIELD_LENGTHS = (35, 70, 105, 140)  # bank text fields that cut references short


def _fold(text: str) -> str:
    if text.isascii():  # NFKC leaves ASCII as it is; most numbers and texts are ASCII
        return text.upper()
    return unicodedata.normalize("NFKC", text).upper()


def account_key(number: str) -> str:
    """A bank account number or IBAN as one comparable key: spaces dropped, upper case
    ('nl91 abna 0417 1643 00' -> 'NL91ABNA0417164300'). Payer accounts, customer accounts and
    statement accounts are all compared through it."""
    return "".join(_fold(number).split())


def full_key(number: str) -> str:
    """Letters and digits of an invoice number, upper case: 'inv-2024/00123' -> 'INV202400123'."""
    return "".join(_TOKEN.findall(_fold(number)))


_NON_DIGIT = re.compile(r"[^0-9]+")


def core_key(number: str) -> str:
    """Digits of an invoice number without leading zeros: 'INV-000123' -> '123'."""
    return _NON_DIGIT.sub("", _fold(number)).lstrip("0")


_NO_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def zero_key(full: str) -> str:
    """A full key with leading zeros dropped in each number: 'INV0042' -> 'INV42'."""
    return _LEADING_ZEROS.sub("", full) if "0" in full else full


@dataclass(frozen=True)
class TextKeys:
    """Keys found in one payment: exact candidates, and the last token when text looks cut."""

    full: frozenset[str]
    core: frozenset[str]
    digits: frozenset[str]  # digit strings with their zeros, for typo matching
    tails: tuple[str, ...]  # last 1..3 tokens joined (a reference cut by a field limit ends here)
    truncated: bool  # remittance length hits a bank field limit


def unwrap_structured(ref: str) -> str:
    """The payload of a creditor reference: RF18 5390 0754 7034 -> 539007547034; QRR -> number."""
    key = full_key(ref)
    m = _RF.match(key)
    if m:
        return m.group(1)
    if len(key) in (26, 27) and key.isdigit():  # Swiss QR/ISR reference: number + check digit
        return key[:-1].lstrip("0")
    return key


def _joins(tokens: list[str]) -> set[str]:
    out: set[str] = set()
    digit = [not tok.isalpha() for tok in tokens]  # tokens are [A-Z0-9]+
    n = len(tokens)
    for start in range(n):
        joined, seen = "", False
        for k in range(start, min(start + MAX_JOIN, n)):
            joined += tokens[k]
            if len(joined) > 30:
                break
            seen = seen or digit[k]
            if seen:  # the joined run has a digit
                out.add(joined)
    return out


def text_keys(remittance: str, refs: tuple[str, ...] = ()) -> TextKeys:
    """All candidate reference keys of a payment's text and structured references."""
    tokens = _TOKEN.findall(_fold(remittance))
    fulls = _joins(tokens)
    for ref in refs:
        ref_tokens = _TOKEN.findall(_fold(ref))
        fulls |= _joins(ref_tokens)
        unwrapped = unwrap_structured(ref)
        if unwrapped:
            fulls.add(unwrapped)
    only_digits = [f.translate(_NO_LETTERS) for f in fulls]  # keys are [A-Z0-9]+
    cores = {c for c in (d.lstrip("0") for d in only_digits) if len(c) >= MIN_CORE}
    cores |= {z for z in map(zero_key, fulls) if len(z) >= 3 and not z.isdigit()}
    digits = {d for d in only_digits if MIN_FUZZY <= len(d) <= 16}
    tails = tuple("".join(tokens[-n:]) for n in (1, 2, 3) if len(tokens) >= n)
    cut = len(remittance.rstrip()) in FIELD_LENGTHS or len(remittance) in FIELD_LENGTHS
    return TextKeys(frozenset(fulls), frozenset(cores), frozenset(digits), tails, cut)


_TRAILING = re.compile(r"([0-9]+)[^0-9]*$")
# A stand-alone number in a text: not part of a longer number or of an amount like 124.50.
_SHORT_TOKEN = re.compile(r"(?<![0-9])(?<![0-9][.,])0*([1-9][0-9]{2,8})(?![0-9])(?![.,][0-9])")
SHORT_MIN = 3  # digits of a short invoice number (without its zeros) worth looking up


def short_key(number: str) -> str:
    """The last digit group of a longer number, zeros dropped: 'INV-2024-00124' -> '124'.

    Empty when the number is just that group (its core key already covers it).
    """
    folded = _fold(number)
    m = _TRAILING.search(folded)
    if not m:
        return ""
    key = m.group(1).lstrip("0")
    if len(key) < SHORT_MIN or full_key(folded) == key:
        return ""
    return key


def short_tokens(remittance: str) -> frozenset[str]:
    """Stand-alone numbers of 3..9 digits in a text, zeros dropped ('00124' -> '124').

    Years (1990-2099) and parts of amounts or longer numbers are left out.
    """
    out = set()
    for m in _SHORT_TOKEN.finditer(_fold(remittance)):
        key = m.group(1)
        if not (len(key) == 4 and 1990 <= int(key) <= 2099):
            out.add(key)
    return frozenset(out)


# Letters that OCR and people put for digits ("INV2026-2OO2"), read back as digits when they
# touch a digit; the digits found that way count as a typo (with an amount that fits).
_OCR = str.maketrans("OISBLZ", "015812")
_OCR_LETTER = re.compile(r"(?<=[0-9])[OISBLZ]+|[OISBLZ]+(?=[0-9])")


def ocr_digits(text: str) -> str:
    """`text` with look-alike letters next to digits read as digits; "" when there are none."""
    folded = text.upper()
    out = _OCR_LETTER.sub(lambda m: m.group(0).translate(_OCR), folded)
    return "" if out == folded else out


def digit_key(number: str) -> str:
    """All digits of a number, zeros kept: 'INV-00020583' -> '00020583' (typo matching)."""
    return _NON_DIGIT.sub("", _fold(number))


def chance_bits(key: str, per_length: dict[int, int]) -> float:
    """log2 odds a number standing alone in a text can add when it names an invoice: at most the
    information in hitting one of the `per_length[len(key)]` open invoice numbers of its length
    among all numbers of that length. At 10,000 invoices numbered RE-1..RE-9999 a random 4-digit
    number in a text ("TRANSFER 3359") names one of them almost surely: ~0 bits, not 11. Inf for
    keys with letters or written leading zeros (their space is far larger)."""
    if not key.isdigit() or key.startswith("0"):
        return float("inf")
    space = 9 * 10 ** (len(key) - 1)  # numbers of that length (no leading zero: core keys)
    return max(math.log2(space / max(per_length.get(len(key), 0), 1)), 0.0)
