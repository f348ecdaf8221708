"""Declarative CSV/XLSX bank profiles (configuration layer for :mod:`importers.tabular`).

One TOML file per bank export under ``importers/profiles/``: which header columns
identify it, its encodings, date formats, amount convention (signed, split credit/debit,
direction column, description prefix), currency, reference, counterparty, text and
running-balance columns, status values, footer rows and metadata regexes. Raises
``ValueError`` for a profile file that does not describe a usable layout.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

AMOUNT_MODES = ("signed", "split", "direction", "prefix")


def norm(name: str) -> str:
    """Header names compare without whitespace (ABC writes ``日 志 号``)."""
    return re.sub(r"\s+", "", name)


@dataclass(frozen=True, slots=True)
class Profile:
    """A bank export layout; see ``profiles/generic.toml`` for the documented keys."""

    name: str
    title: str
    header: tuple[str, ...]
    date: tuple[str, ...]
    date_formats: tuple[str, ...]
    amount: dict[str, Any]
    kind: str = "bank"
    encodings: tuple[str, ...] = ("utf-8", "gb18030", "cp1252")
    delimiter: str = ","
    forbid: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    detect: str | None = None
    value_date: tuple[str, ...] = ()
    currency: tuple[str, ...] = ()
    default_currency: str | None = None
    ref: tuple[str, ...] = ()
    counterparty: tuple[str, ...] = ()
    counterparty_account: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    balance: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    status_map: dict[str, str] = field(default_factory=dict)
    stop: tuple[str, ...] = ()
    year_from: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    decimal_comma: bool | None = None
    invert: bool = False
    auto: bool = True

    @property
    def format_name(self) -> str:
        """The ``--format`` value naming this profile."""
        return f"csv:{self.name}"


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def load(data: dict[str, Any], origin: str) -> Profile:
    """Build and check a ``Profile`` from parsed TOML."""
    tuples = ("header", "date", "date_formats", "encodings", "forbid", "columns", "value_date",
              "currency", "ref", "counterparty", "counterparty_account", "text", "balance",
              "status", "stop")
    values = {k: (_tuple(v) if k in tuples else v) for k, v in data.items()}
    try:
        profile = Profile(**values)
    except TypeError as exc:
        raise ValueError(f"profile {origin}: {exc}") from exc
    mode = profile.amount.get("mode")
    if mode not in AMOUNT_MODES:
        raise ValueError(f"profile {origin}: amount.mode must be one of {AMOUNT_MODES}")
    if not profile.header and not (profile.columns and profile.detect):
        raise ValueError(f"profile {origin}: needs header columns, or columns + detect")
    return profile


@cache
def shipped() -> tuple[Profile, ...]:
    """Every profile shipped in ``importers/profiles``, sorted by name."""
    folder = resources.files("importers") / "profiles"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            found.append(load(tomllib.loads(entry.read_text("utf-8")), entry.name))
    return tuple(found)
