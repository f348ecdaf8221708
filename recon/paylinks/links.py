"""Reading pay links and drawing their QR codes (segno: a maintained, dependency-free QR
library that writes SVG and PNG itself)."""

from __future__ import annotations

from collections.abc import Iterable

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.models import PayLink

__all__ = ["GATEWAY_ORDER", "links_for", "qr_png", "qr_svg_uri"]

# which link a reminder shows first when an invoice has several
GATEWAY_ORDER = ("stripe", "alipay", "wechatpay")


def links_for(session: Session, invoice_ids: Iterable[int]) -> dict[int, PayLink]:
    """The preferred pay link of each invoice that has one."""
    best: dict[int, PayLink] = {}
    ids = list(invoice_ids)
    if not ids:
        return best
    for link in session.scalars(select(PayLink).where(PayLink.invoice_id.in_(ids))):
        have = best.get(link.invoice_id)
        if have is None or _rank(link) < _rank(have):
            best[link.invoice_id] = link
    return best


def _rank(link: PayLink) -> int:
    return GATEWAY_ORDER.index(link.gateway) if link.gateway in GATEWAY_ORDER else 99


def qr_svg_uri(url: str) -> str:
    """A ``data:image/svg+xml`` URI of the QR code of ``url`` (for pages and statements)."""
    return segno.make(url, error="m").svg_data_uri(scale=3)


def qr_png(url: str) -> bytes:
    import io

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4)
    return out.getvalue()
