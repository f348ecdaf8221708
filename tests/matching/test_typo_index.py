"""The integer typo index finds exactly the pairs the string deletion neighbourhoods share."""

from __future__ import annotations

import random

import numpy as np

from matching.typoindex import MAX_DIGITS, TypoIndex, deletion_codes, digit_codes


def _deletions(key: str) -> set[str]:
    return {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}


def _strings(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        length = rng.randint(4, MAX_DIGITS)
        digits = rng.choice(["0123456789", "0012", "7"])  # repeated digits and leading zeros
        out.append("".join(rng.choice(digits) for _ in range(length)))
    return out


def test_deletion_codes_are_the_deletion_strings() -> None:
    keys = ["0042", "42000", "1234567890123456", "1111"]
    owner, codes = deletion_codes(*digit_codes(keys))
    for k, key in enumerate(keys):
        expected = {int(d) * 32 + len(d) for d in _deletions(key)}
        assert set(codes[owner == k].tolist()) == expected


def test_candidates_equal_the_string_join() -> None:
    rng = random.Random(7)
    invoices = [*_strings(rng, 300), "123"]  # too short: never indexed
    # queries: invoice strings with one digit changed, swapped or dropped, and random ones
    queries = []
    for key in rng.sample(invoices[:300], 150):
        pos = rng.randrange(len(key) - 1)
        swapped = key[:pos] + key[pos + 1] + key[pos] + key[pos + 2 :]
        queries += [key[:pos] + "9" + key[pos + 1 :], swapped]
    queries += _strings(rng, 100)
    query, inv = TypoIndex(invoices, 4).candidates(queries)
    assert np.all(np.diff(query) >= 0)  # ordered by query
    got = set(zip(query.tolist(), inv.tolist(), strict=True))
    want = {(q, k) for q, key in enumerate(queries) for k, other in enumerate(invoices)
            if len(other) >= 4 and _deletions(key) & _deletions(other)}  # fmt: skip
    assert got == want and len(want) > 300


def test_leading_zeros_keep_numbers_apart() -> None:
    query, inv = TypoIndex(["00420042"], 4).candidates(["420042", "0420042", "00420043"])
    assert query.tolist() == [1, 2] and inv.tolist() == [0, 0]


def test_each_string_has_each_code_once() -> None:
    owner, codes = deletion_codes(*digit_codes(["1122330", "0000", "9"]))
    pairs = list(zip(owner.tolist(), codes.tolist(), strict=True))
    assert len(pairs) == len(set(pairs)) == 1 + 4 + 2 + 1 + 1
