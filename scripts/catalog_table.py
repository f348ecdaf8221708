"""Writes a Flask-Babel catalog (``messages.po`` and the compiled ``messages.mo``) from a
table of English ids and their Chinese, for the catalogs kept as a table in a script
(``zh_errors.py``, ``zh_triage.py``) rather than extracted with pybabel: their ids come from
code pybabel cannot see (service errors raised in ``recon/``, labels built at run time)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

__all__ = ["write_table"]


def write_table(out: Path, project: str, table: Mapping[str | tuple[str, str], object], *,
                python_format: bool = False) -> Catalog:
    """Write ``table`` (id -> Chinese; a ``(singular, plural)`` id takes a tuple of forms) to
    ``out``/messages.po and .mo; ``python_format`` flags ids with ``%(name)s`` placeholders."""
    catalog = Catalog(locale="zh_Hans", project=project, fuzzy=False)
    for msgid, msgstr in table.items():
        flags = ("python-format",) if python_format and "%(" in str(msgid) else ()
        catalog.add(msgid, msgstr, flags=flags)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "messages.po", "wb") as po:
        write_po(po, catalog, omit_header=False, sort_output=True)
    with open(out / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    return catalog
