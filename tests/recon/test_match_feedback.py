"""People's decisions reach the engine as labelled level counts (recon/matchrun/feedback.py)."""

from __future__ import annotations

from recon.allocation.decisions import confirm_match, reject_match
from recon.matchrun.feedback import load_feedback
from recon.matchrun.load import load
from recon.matchrun.service import run_matching
from recon.models import Match
from tests.recon.factories import make_customer, make_invoice, make_line


def _suggestions(session):
    return [m for m in session.query(Match).filter_by(status="suggested")]


def test_accepted_and_rejected_suggestions_become_labelled_levels(session):
    assert load_feedback(session).confirmed == () and load_feedback(session).refused == ()
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "120.00", customer=acme, invoice_no="INV-1")
    make_invoice(session, "300.00", customer=acme, invoice_no="INV-2")
    make_line(session, "120.00", counterparty_name="MUELLER HOLDING", remittance="INV-1")
    make_line(session, "300.00", counterparty_name="Acme GmbH", remittance="")
    run_matching(session, actor="tester", auto_threshold=1.0)
    first, second = sorted(_suggestions(session), key=lambda m: m.id)
    confirm_match(session, first.id, actor="clerk")
    reject_match(session, second.id, actor="clerk")
    fb = load_feedback(session)
    confirmed = {(f, lv) for f, lv, _ in fb.confirmed}
    refused = {(f, lv) for f, lv, _ in fb.refused}
    assert ("reference", "exact") in confirmed and ("amount", "exact") in confirmed
    assert ("payer", "exact") in refused and ("reference", "none") in refused
    assert all(n == 1 for *_, n in fb.confirmed + fb.refused)
    # the run's input carries them to the engine
    assert load(session).data.feedback == fb
