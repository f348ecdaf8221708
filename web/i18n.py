"""Languages and locale formatting for templates: English and Simplified Chinese (Flask-Babel).

The locale is the user's choice (``session["lang"]``, set by ``POST /locale``), else the browser's
``Accept-Language``, else English. Jinja filters (all per the current locale):

- ``money(amount, currency)``: a ``Decimal`` → ``"CN¥1,234.50"`` (en), ``"¥1,234.50"`` (zh_Hans)
- ``money_minor(minor, currency)``: integer minor units → the same
- ``date`` / ``datetime``: ``format_date`` / ``format_datetime`` (medium; "2026年11月22日" in zh)
- ``number`` and ``percent`` (e.g. a 0.93 rate → ``93%``)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask, request, session
from flask_babel import Babel, get_locale

from recon.money import from_minor

__all__ = ["LOCALES", "init_app", "select_locale"]

# Code → name shown in the language switch (in its own language).
LOCALES = {"en": "English", "zh_Hans": "简体中文"}
_BROWSER = {"en": "en", "zh": "zh_Hans"}


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(list(_BROWSER))
    return _BROWSER.get(best or "en", "en")


def _locale() -> str:
    return str(get_locale() or "en")


def money(amount: Decimal | int | None, currency: str) -> str:
    if amount is None:
        return ""
    return format_currency(Decimal(amount), currency, locale=_locale())


def money_minor(minor: int | None, currency: str) -> str:
    return "" if minor is None else money(from_minor(minor, currency), currency)


def date(value: dt.date | None) -> str:
    return "" if value is None else format_date(value, format="medium", locale=_locale())


def datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value, format="medium", tzinfo=dt.UTC, locale=_locale())


def number(value: Decimal | int | float | None) -> str:
    return "" if value is None else format_decimal(value, locale=_locale())


def percent(value: Decimal | float | None) -> str:
    return "" if value is None else format_percent(value, format="#,##0.#%", locale=_locale())


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    for name, fn in {
        "money": money,
        "money_minor": money_minor,
        "date": date,
        "datetime": datetime,
        "number": number,
        "percent": percent,
    }.items():
        app.add_template_filter(fn, name)
    app.context_processor(lambda: {"locales": LOCALES, "current_locale": _locale()})
