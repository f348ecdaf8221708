"""Signed links that let a customer open its own statement without an account: the token names
the customer and the month and is signed with the service's secret key (itsdangerous, the
signer Flask's sessions use), valid for ``MAX_AGE`` seconds. Returns ``None`` for a token that
is forged, altered or expired."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = ["MAX_AGE", "read_token", "statement_token"]

MAX_AGE = 60 * 24 * 3600  # a reminder's link works for 60 days
_SALT = "recon.customer-statement"


def statement_token(secret: str, customer_id: int, period: str) -> str:
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps([customer_id, period])


def read_token(secret: str, token: str, max_age: int = MAX_AGE) -> tuple[int, str] | None:
    try:
        customer_id, period = URLSafeTimedSerializer(secret, salt=_SALT).loads(
            token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(customer_id), str(period)
