"""Web layer: the sentences a daily run stored (English, for the CLI and the e-mail) said again
in the person's language on the run page.

``recon.run`` keeps its attention reasons (``"8 unmatched item(s) at least 3 day(s) old"``) and
each file's note (``ImportReport.summary()``, ``GatewayReport.summary()``) as text in
``ReconRun.counts``. ``reason(text)`` and ``file_note(text)`` read the numbers back out of the
known shapes and say them with plurals in words; a text of any other shape (an importer's
refusal, a run stored by an older release) is shown as it was stored. Raises nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import ngettext

__all__ = ["GLOBALS", "file_note", "reason"]

_N = r"(\d+)"
_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(rf"{_N} file\(s\) quarantined(?:, {_N} of them by a bug)?"),
     lambda m: ngettext("%(num)d file set aside", "%(num)d files set aside", int(m[1]))
     + ("" if m[2] is None else _(", %(bugs)s of them by a bug", bugs=m[2]))),
    (re.compile(rf"{_N} payout difference\(s\)"),
     lambda m: ngettext("%(num)d payout differs from its deposit",
                        "%(num)d payouts differ from their deposits", int(m[1]))),
    (re.compile(rf"{_N} unmatched item\(s\)(?: at least {_N} day\(s\) old)?"),
     lambda m: ngettext("%(num)d receipt not matched", "%(num)d receipts not matched", int(m[1]))
     + ("" if m[2] is None else " " + ngettext("(%(num)d day old or more)",
                                              "(%(num)d days old or more)", int(m[2])))),
]
_BANK = re.compile(rf"(?P<file>.+): (?P<fmt>[\w.-]+), {_N} statement\(s\), {_N} new line\(s\), "
                   rf"{_N} already known, {_N} flagged as possible duplicate\(s\)"
                   rf"(?:, {_N} warning\(s\))?")
_GATEWAY = re.compile(rf"(?P<file>.+) \((?P<fmt>[\w.-]+)\): {_N} new, {_N} updated, "
                      rf"{_N} unchanged, {_N} invoice\(s\) settled(?:; {_N} warning\(s\))?")


def reason(text: str) -> str:
    """An attention reason in words (its stored text when its shape is unknown)."""
    for pattern, say in _REASONS:
        if (m := pattern.fullmatch(text)) is not None:
            return say(m)
    return text


def _warnings(raw: str | None) -> list[str]:
    n = int(raw or 0)
    return [ngettext("%(num)d warning", "%(num)d warnings", n)] if n else []


def file_note(text: str) -> str:
    """A file's import note in words (its stored text when its shape is unknown)."""
    if (m := _BANK.fullmatch(text)) is not None:
        n = [int(x) for x in m.groups()[2:6]]
        parts = [ngettext("%(num)d statement", "%(num)d statements", n[0]),
                 ngettext("%(num)d new line", "%(num)d new lines", n[1]),
                 ngettext("%(num)d already known", "%(num)d already known", n[2]),
                 ngettext("%(num)d flagged as a possible duplicate",
                          "%(num)d flagged as possible duplicates", n[3]),
                 *_warnings(m.groups()[6])]
        return f"{m['fmt']}: " + _(", ").join(parts)
    if (m := _GATEWAY.fullmatch(text)) is not None:
        n = [int(x) for x in m.groups()[2:6]]
        parts = [ngettext("%(num)d new record", "%(num)d new records", n[0]),
                 ngettext("%(num)d updated", "%(num)d updated", n[1]),
                 ngettext("%(num)d unchanged", "%(num)d unchanged", n[2]),
                 ngettext("%(num)d invoice settled", "%(num)d invoices settled", n[3]),
                 *_warnings(m.groups()[6])]
        return _("settlement report") + ": " + _(", ").join(parts)
    return text


GLOBALS = {"run_reason": reason, "run_file_note": file_note}
