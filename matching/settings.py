"""Typed settings of the matching engine (leaf layer), built once at the edge and passed in.

`MatchSettings` holds the decision thresholds, fee tolerances per channel, FX rate rules, date
windows, subset-sum bounds and the noise vocabulary. `validate()` raises `InvalidSettings`.
The default `auto_threshold` comes from the benchmark (see benchmarks/README.md): the lowest
confidence at which auto precision on the synthetic ground truth stays >= 99.9 %, rounded up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from iso4217 import Currency

from matching.errors import InvalidSettings


@lru_cache(maxsize=256)
def exponent(currency: str) -> int:
    """ISO 4217 minor-unit digits of `currency` (JPY 0, USD 2, KWD 3, HUF 2), from the project's
    one table (the ``iso4217`` package); 2 for a code ISO gives none (the engine never refuses)."""
    try:
        places = Currency(currency.upper()).exponent
    except ValueError:
        return 2
    return 2 if places is None else places


@dataclass(frozen=True)
class FeeRule:
    """A payment may arrive short by at most `fixed` + `percent` % of the invoice (per channel)."""

    channel: str
    fixed: Decimal = Decimal("0")
    percent: Decimal = Decimal("0")
    currency: str | None = None  # None: `fixed` applies in any currency


@dataclass(frozen=True)
class FxRule:
    """Receipts in `from_currency` may pay invoices in `to_currency` at `rate` +/- tolerance."""

    from_currency: str
    to_currency: str
    rate: Decimal  # 1 unit of from_currency = rate units of to_currency
    tolerance_percent: Decimal = Decimal("1.0")


@dataclass(frozen=True)
class DateWindow:
    """Plausible payment dates relative to the invoice's issue date, in days."""

    early_grace: int = 5  # paid this many days before the issue date is still plausible
    plausible: int = 120  # paid within this many days after issue: normal
    weak: int = 400  # beyond this: years later, weak evidence


@dataclass(frozen=True)
class SubsetBounds:
    """Bounds of the subset-sum search over one customer's open invoices."""

    max_invoices: int = 24  # invoices considered per receipt (referenced ones first)
    max_size: int = 4  # at most this many invoices in one combined payment
    max_alternatives: int = 3


DEFAULT_FEES = (
    FeeRule("bank", Decimal("25"), Decimal("0")),
    FeeRule("swift", Decimal("50"), Decimal("0.2")),
    FeeRule("sepa", Decimal("5"), Decimal("0")),
    FeeRule("stripe", Decimal("0.30"), Decimal("3.5")),
    FeeRule("paypal", Decimal("0.50"), Decimal("4.0")),
    FeeRule("alipay", Decimal("0"), Decimal("1.0")),
    FeeRule("wechat", Decimal("0"), Decimal("1.0")),
)

DEFAULT_NOISE = (
    "interest", "zinsen", "habenzins", "intérêts", "credit interest", "利息", "结息", "存息",
    "own transfer", "own account", "internal transfer", "account transfer", "sweep",
    "cash pool", "umbuchung", "übertrag", "内部转账", "调拨", "资金归集",
    "supplier refund", "vendor refund", "refund from", "rückerstattung", "gutschrift lieferant",
    "退款", "退货", "tax refund", "vat refund", "dividend", "reversal", "storno", "chargeback",
    "returned payment", "rücklastschrift", "cashback", "rebate",
    "zinsgutschrift", "refund", "erstattung", "kaution", "deposit return", "保证金", "退还",
)  # fmt: skip

DEFAULT_NOISE_CODES = ("INTR", "INT", "ACMT", "CAPL", "SWEEP", "RRTN", "RPCR", "CHRG")


@dataclass(frozen=True)
class MatchSettings:
    """Every tunable of a matching run. Weights are documented in matching/features.py."""

    auto_threshold: float = 0.97
    suggest_threshold: float = 0.50
    fee_rules: tuple[FeeRule, ...] = DEFAULT_FEES
    fx_rules: tuple[FxRule, ...] = ()
    dates: DateWindow = field(default_factory=DateWindow)
    subset: SubsetBounds = field(default_factory=SubsetBounds)
    noise_keywords: tuple[str, ...] = DEFAULT_NOISE
    noise_codes: tuple[str, ...] = DEFAULT_NOISE_CODES
    own_accounts: tuple[str, ...] = ()  # our own IBANs: a credit from one is an own transfer
    max_block: int = 40  # an amount block larger than this is not used to make candidates
    max_customer_invoices: int = 400  # a customer block larger than this is cut by date
    frequent_payer_min: int = 25  # a payer name seen this often may be an intermediary
    name_cutoff: int = 70  # rapidfuzz score under which names do not agree at all
    calibrate: bool = True  # confidence = observed precision of the score (calibration.py)
    learn_weights: bool = True  # estimate level weights by EM (learn.py); False: declared ones

    def validate(self) -> MatchSettings:
        """Return self, or raise `InvalidSettings` naming the first bad field."""
        if not 0.0 <= self.suggest_threshold <= self.auto_threshold <= 1.0:
            raise InvalidSettings(
                "need 0 <= suggest_threshold <= auto_threshold <= 1", field="auto_threshold"
            )
        for rule in self.fee_rules:
            if rule.fixed < 0 or not 0 <= rule.percent < 100:
                raise InvalidSettings(f"bad fee rule {rule}", field="fee_rules")
        for fx in self.fx_rules:
            if fx.rate <= 0 or fx.tolerance_percent < 0:
                raise InvalidSettings(f"bad FX rule {fx}", field="fx_rules")
        if self.subset.max_size < 1 or self.subset.max_invoices < 1:
            raise InvalidSettings("subset bounds must be >= 1", field="subset")
        return self

    def fee_rule(self, channel: str, currency: str) -> FeeRule:
        """The fee rule for a channel and currency (exact currency first), else no tolerance."""
        generic = None
        for rule in self.fee_rules:
            if rule.channel.lower() != channel.lower():
                continue
            if rule.currency and rule.currency.upper() == currency.upper():
                return rule
            if rule.currency is None:
                generic = rule
        return generic or FeeRule(channel)

    def fx_rule(self, from_currency: str, to_currency: str) -> FxRule | None:
        """The explicit rate rule between two currencies, or None (then they never match)."""
        for fx in self.fx_rules:
            if (fx.from_currency.upper(), fx.to_currency.upper()) == (
                from_currency.upper(),
                to_currency.upper(),
            ):
                return fx
        return None
