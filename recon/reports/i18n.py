"""The language of the daily report and its e-mail: the catalog, and money, dates and numbers.

The report is written for people in English or Simplified Chinese (``REPORT_LANGUAGES`` of
``recon.access.runtime``; the setting ``report_language`` chooses, ``recon run --lang``
overrides). Strings are gettext messages in ``recon/reports/translations`` (extracted with
``recon/reports/babel.cfg``, filled and compiled by ``scripts/zh_reports.py``); code marks a
string it only names with ``N_`` and translates it where it is shown. ``words(lang)`` gives the
gettext functions and babel formatting for one language: amounts keep their currency's digits,
dates are CLDR medium dates ("Jun 30, 2026" / "2026年6月30日"). CSV files stay in the
machine column names of every language (programs read them). Raises ``ValueError`` for an
unknown language.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

from recon.access.runtime import REPORT_LANGUAGES
from recon.money import from_minor

__all__ = ["BABEL_LOCALES", "CATALOG", "N_", "Words", "translations", "words"]

CATALOG = Path(__file__).with_name("translations")
BABEL_LOCALES = {"en": "en", "zh_Hans": "zh_Hans_CN"}


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it here."""
    return message


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    return Translations.load(str(CATALOG), [lang], domain="messages")


@dataclass(frozen=True)
class Words:
    """Translation and formatting for one report language."""

    lang: str

    @property
    def locale(self) -> str:
        return BABEL_LOCALES[self.lang]

    def gettext(self, message: str) -> str:
        """``message`` translated ("" stays "": gettext would answer the catalog header)."""
        return translations(self.lang).gettext(message) if message else ""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.lang).ngettext(singular, plural, n)

    def __call__(self, message: str, **values: object) -> str:
        """``message`` translated, then its ``%(name)s`` placeholders filled; as in Jinja's
        new-style gettext, a literal per cent sign is written ``%%`` in every message."""
        return self.gettext(message) % values

    def decimal(self, value: Decimal | int) -> str:
        """A number with the digits it has (an amount keeps its currency's minor units)."""
        exp = value.as_tuple().exponent if isinstance(value, Decimal) else 0
        places = -exp if isinstance(exp, int) and exp < 0 else 0
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def number(self, value: float | None, places: int = 1) -> str:
        if value is None:
            return "–"
        return format_decimal(round(value, places), format="#,##0." + "0" * places,
                              locale=self.locale)

    def percent(self, value: float | None) -> str:
        return "–" if value is None else format_percent(value, format="#,##0.0%",
                                                       locale=self.locale)

    def money(self, amount: Decimal | int | str, currency: str) -> str:
        return format_currency(Decimal(str(amount)), currency, locale=self.locale)

    def money_minor(self, minor: int | float, currency: str) -> str:
        return self.money(from_minor(round(minor), currency), currency)

    def date(self, value: dt.date | str | None) -> str:
        if value is None or value == "":
            return ""
        day = dt.date.fromisoformat(str(value)[:10]) if isinstance(value, str) else value
        return format_date(day, format="medium", locale=self.locale)

    def moment(self, value: str | None) -> str:
        """An ISO timestamp of the run (UTC) as a medium date and time."""
        if not value:
            return "–"
        stamp = dt.datetime.fromisoformat(value)
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
        return format_datetime(stamp, format="medium", tzinfo=dt.UTC, locale=self.locale)


def words(lang: str | None) -> Words:
    """The ``Words`` of ``lang`` (None: English)."""
    code = lang or "en"
    if code not in REPORT_LANGUAGES:
        raise ValueError(f"report language {code!r} is not one of {', '.join(REPORT_LANGUAGES)}")
    return Words(code)
