"""The webhook benchmark's load: signed Stripe events, with re-deliveries among them (plan).

Why a plan made up front: each request is built and signed once, before the clock starts, so
the load generator only sends bytes; re-deliveries are the very same bytes placed right after
their original, as a gateway retrying an answer it did not see would send them. Signatures
carry a timestamp (Stripe's tolerance is 300 s), so the plan is made once the server is up.
"""

from __future__ import annotations

import json
import random
import time

import stripe

__all__ = ["SECRET", "build_requests", "event_body", "warm_unique"]

SECRET = "whsec_benchmark_secret"


def event_body(n: int, rng: random.Random) -> dict:
    """One of the reconciliation-relevant event types (or an unknown one)."""
    created = int(time.time())
    kind = rng.random()
    meta = {"invoice_no": f"BENCH-{n // 3}"} if n % 3 == 0 else {"invoice_no": f"ORD-{n}"}
    if kind < 0.55:
        obj = {"id": f"ch_{n}", "object": "charge", "amount": 10000, "amount_captured": 10000,
               "currency": "usd", "created": created, "metadata": meta,
               "billing_details": {"name": f"Payer {n}"}}
        etype = "charge.succeeded"
    elif kind < 0.75:
        obj = {"id": f"pi_{n}", "object": "payment_intent", "amount": 10000,
               "amount_received": 10000, "currency": "usd", "latest_charge": f"ch_{n - 1}",
               "metadata": meta}
        etype = "payment_intent.succeeded"
    elif kind < 0.85:
        obj = {"id": f"ch_{n - 2}", "object": "charge", "amount": 10000,
               "amount_refunded": 2500, "currency": "usd", "created": created}
        etype = "charge.refunded"
    elif kind < 0.95:
        obj = {"id": f"po_{n}", "object": "payout", "amount": 250000, "currency": "usd",
               "status": "paid", "arrival_date": created + 86400}
        etype = "payout.paid"
    else:
        obj = {"id": f"cus_{n}", "object": "customer"}
        etype = "customer.created"
    return {"id": f"evt_bench_{n}", "object": "event", "type": etype, "created": created,
            "api_version": "2024-06-20", "livemode": False, "data": {"object": obj}}



def build_requests(events: int, dup_rate: float, seed: int) -> tuple[list, int]:
    """Pre-signed (body, header) pairs; duplicates follow their original closely."""
    rng = random.Random(seed)
    plan: list[tuple[bytes, str]] = []
    for n in range(events):
        payload = json.dumps(event_body(n, rng))
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        item = (payload.encode(), {"Content-Type": "application/json",
                                   "Stripe-Signature": header})
        plan.append(item)
        if rng.random() < dup_rate / (1 - dup_rate):
            plan.append(item)  # a re-delivery racing the original
    return plan, events



def warm_unique(plan: list, warmup: int) -> int:
    return len({body for body, _ in plan[:warmup]})
