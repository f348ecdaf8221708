"""Reminder templates: shipped TOML files per language, an admin's edits in the database, and
rendering in a sandboxed Jinja2 environment (a template is text an admin types, so it must not
reach Python objects). Returns ``Rendered`` (subject, text, HTML, SMS); raises
``TemplateProblem`` naming the part for a template that does not compile or render, or an SMS
longer than one message: 160 characters of the GSM alphabet, 70 otherwise (Chinese).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.numbers import format_currency
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.errors import ServiceError
from recon.models import ReminderTemplate

__all__ = ["PARTS", "Rendered", "TemplateProblem", "format_money", "render", "save_template",
           "shipped", "sms_limit", "template_source"]

PARTS = ("subject", "text", "html", "sms")
_FOLDER = Path(__file__).with_name("templates")
_LOCALE = {"en": "en", "zh-CN": "zh_Hans_CN"}
# GSM 03.38 basic character set: an SMS of only these holds 160 characters, else 70 (UCS-2).
_GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMN"
           "OPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


class TemplateProblem(ServiceError):
    """A template that cannot be used; the message names the part and the reason."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    sms: str


@functools.cache
def shipped(language: str) -> dict[str, dict[str, str]]:
    """The shipped templates of ``language`` (``en`` or ``zh-CN``), by key."""
    with (_FOLDER / f"{language}.toml").open("rb") as fh:
        return tomllib.load(fh)


def template_source(session: Session, key: str, language: str) -> dict[str, str]:
    """The parts in force: the admin's edit when there is one, else the shipped text."""
    row = session.scalar(select(ReminderTemplate).filter_by(key=key, language=language))
    if row is not None:
        return {p: getattr(row, p) for p in PARTS}
    try:
        return dict(shipped(language)[key])
    except KeyError as exc:
        raise TemplateProblem("there is no template %(key)s in %(language)s",
                              code="template_not_found", key=key, language=language) from exc


def sms_limit(text: str) -> int:
    """Characters one SMS holds for ``text``: 160 (GSM alphabet) or 70 (anything else)."""
    return 160 if set(text) <= _GSM else 70


def format_money(amount: Any, currency: str, language: str) -> str:
    return format_currency(amount, currency, locale=_LOCALE.get(language, "en"))


@functools.cache
def _env(autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=autoescape, trim_blocks=False)


def render(source: dict[str, str], context: dict[str, Any]) -> Rendered:
    """Render every part; the HTML part escapes what the variables carry."""
    out: dict[str, str] = {}
    for part in PARTS:
        try:
            out[part] = _env(part == "html").from_string(source.get(part, "")).render(context)
        except TemplateError as exc:
            raise TemplateProblem("%(part)s: %(reason)s", code="template_error", part=part,
                                  reason=str(exc)) from exc
    out["subject"] = " ".join(out["subject"].split())
    out["sms"] = " ".join(out["sms"].split())
    limit = sms_limit(out["sms"])
    if len(out["sms"]) > limit:
        raise TemplateProblem("SMS: %(count)s characters, one message holds %(limit)s",
                              code="sms_too_long", count=len(out["sms"]), limit=limit)
    return Rendered(**out)


def save_template(session: Session, key: str, language: str, parts: dict[str, str],
                  sample: dict[str, Any], *, actor: str) -> ReminderTemplate:
    """Store an admin's edit after rendering it with ``sample`` (a bad template is refused)."""
    render(parts, sample)
    row = session.scalar(select(ReminderTemplate).filter_by(key=key, language=language))
    before = {p: getattr(row, p) for p in PARTS} if row else None
    if row is None:
        row = ReminderTemplate(key=key, language=language, updated_by=actor, **parts)
        session.add(row)
    for part in PARTS:
        setattr(row, part, parts[part])
    row.updated_by = actor
    audit.record(session, actor=actor, action="reminder_template.save", obj=row,
                 before=before, after=parts)
    return row
