"""Finds every service error ``recon/`` raises, with its message id, code and parameters.

``scripts/zh_errors.py`` builds the Chinese catalog of these ids; the test
``tests/recon/test_error_messages.py`` fails on a raise without a literal id and a code, on
placeholders and parameters that disagree, and on an id without Chinese. Reads source only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASES = frozenset({"ServiceError", "InvariantError", "ApprovalError", "NotFound"})
# Errors of a file being imported: they name the file, line and field and carry the
# importer's own text (the upload area words them); they are not checked here.
FILE_ERRORS = frozenset({"StatementImportError", "InvoiceImportError", "UnknownAccount"})
# The first argument of these is the field, the message id is the second.
FIELD_FIRST = frozenset({"SettingError"})
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Raise:
    where: str
    cls: str
    msgid: str | None  # None: not a literal (an f-string, a variable, a concatenation)
    code: str | None
    params: frozenset[str]

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(PLACEHOLDER.findall(self.msgid or ""))


def _trees() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((ROOT / "recon").rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text("utf-8"), str(path))


def error_classes() -> frozenset[str]:
    """The names of every ``ServiceError`` subclass defined in ``recon/``."""
    known, bases = set(BASES), {}
    for _path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id for b in node.bases if isinstance(b, ast.Name)}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in known and parents & known:
                known.add(name)
                grew = True
    return frozenset(known)


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def raises() -> list[Raise]:
    """Every ``raise SomeServiceError(...)`` in ``recon/`` (file errors left out)."""
    classes, out = error_classes() - FILE_ERRORS, []
    for path, tree in _trees():
        for node in ast.walk(tree):
            call = node.exc if isinstance(node, ast.Raise) else None
            if not isinstance(call, ast.Call) or _name(call.func) not in classes:
                continue
            cls = _name(call.func) or ""
            args = call.args[1:] if cls in FIELD_FIRST else call.args
            first = args[0] if args else None
            msgid = (first.value if isinstance(first, ast.Constant)
                     and isinstance(first.value, str) else None)
            kw = {k.arg: k.value for k in call.keywords if k.arg}
            code = kw.get("code")
            out.append(Raise(
                where=f"{path.relative_to(ROOT)}:{node.lineno}", cls=cls, msgid=msgid,
                code=code.value if isinstance(code, ast.Constant) else None,
                params=frozenset(kw) - {"code"} | ({"setting"} if cls in FIELD_FIRST else set()),
            ))
    return out
