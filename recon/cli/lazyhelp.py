"""Short help of a lazy subcommand read from its module's source, without importing it.

``recon --help`` lists every subcommand with a one-line help. Importing each module for that
line would load the matcher, scipy, celery, Flask and the rest (about two seconds of CPU), so
the line is taken from the command function's ``short_help=``/``help=`` argument or docstring,
found with ``ast`` in the module file located (not imported) through the import system. When
the source does not say it plainly (no stand-in is made), the caller imports the command.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
from functools import cache
from pathlib import Path

import click

_COMMAND_DECORATORS = {"command", "group"}


def _locate(module: str) -> Path | None:
    """The source file of ``module``, found package by package without running any of them."""
    head, *rest = module.split(".")
    spec = importlib.util.find_spec(head)  # a top-level find imports nothing
    for part in rest:
        if spec is None or not spec.submodule_search_locations:
            return None
        spec = importlib.machinery.PathFinder.find_spec(
            f"{spec.name}.{part}", list(spec.submodule_search_locations)
        )
    origin = spec.origin if spec else None
    return Path(origin) if origin and origin.endswith(".py") else None


def _decorator_call(func: ast.FunctionDef) -> ast.Call | None:
    for dec in func.decorator_list:
        if isinstance(dec, ast.Call):
            name = (
                dec.func.attr
                if isinstance(dec.func, ast.Attribute)
                else getattr(dec.func, "id", "")
            )
            if name in _COMMAND_DECORATORS:
                return dec
    return None


@cache
def _help_texts(module: str, attr: str) -> tuple[str, str] | None:
    """(short_help, help) of the command function ``attr``; None if unclear or hidden."""
    path = _locate(module)
    if path is None:
        return None
    tree = ast.parse(path.read_text(encoding="utf-8"))
    func = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == attr),
                None)  # fmt: skip
    call = _decorator_call(func) if func else None
    if func is None or call is None:
        return None
    words: dict[str, object] = {}
    for kw in call.keywords:
        if kw.arg in {"help", "short_help", "hidden", "deprecated"}:
            if not isinstance(kw.value, ast.Constant):
                return None
            words[kw.arg] = kw.value.value
    if words.get("hidden") or words.get("deprecated"):
        return None
    text = words.get("help") or ast.get_docstring(func) or ""
    return str(words.get("short_help") or ""), str(text)


def help_stand_in(name: str, target: str) -> click.Command | None:
    """A command carrying only the help texts of ``module:attr`` (for listing, never run), or
    None when the source does not say them plainly and the real command must be imported."""
    module, _, attr = target.partition(":")
    try:
        texts = _help_texts(module, attr)
    except (OSError, SyntaxError, ImportError, ValueError):
        return None
    if texts is None:
        return None
    short, text = texts
    return click.Command(name, help=text or None, short_help=short or None)
