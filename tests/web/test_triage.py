"""The triage screen through the web layer: one item beside its proposal, auto-advance to the
next item of the same view, mistakes shown beside the form with what was typed kept."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import Adjustment, Invoice, Match
from recon.queue import cache as queue_cache
from tests.recon.factories import make_customer, make_invoice, make_line

REASONS = [
    {"feature": "prior", "level": "candidate", "weight": -6.0, "detail": "x"},
    {"feature": "reference", "level": "typo", "weight": 6.0, "detail": "text has 'INV-1'"},
    {"feature": "amount", "level": "fee", "weight": 4.0, "detail": "80 received, 100 open"},
    {"feature": "payer", "level": "different", "weight": -5.0, "detail": "x"},
]


@pytest.fixture(autouse=True)
def _fresh_counts():
    queue_cache.clear()


@pytest.fixture
def three(session_factory):
    """Three receipts with suggestions, oldest first in the default view."""
    out = []
    with session_factory.begin() as s:
        acme = make_customer(s, name="Acme Trading GmbH")
        for n, (amount, paid) in enumerate((("100.00", "80.00"), ("50.00", "50.00"),
                                            ("70.00", "70.00"))):  # fmt: skip
            inv = make_invoice(s, amount, customer=acme, invoice_no=f"INV-90{n}")
            line = make_line(s, paid, counterparty_name="ACME", remittance=f"INV-90{n}")
            m = create_match(
                s, receipt=line, allocations=[AllocationSpec(inv.id, Decimal(paid))],
                status="suggested", actor="matcher", confidence=0.7, reasons=REASONS,
            )  # fmt: skip
            out.append((line.id, m.id, inv.id))
    return out


def test_page_shows_receipt_proposal_reasons_in_words(client, login, three) -> None:
    login(client, "clara", "clerk")
    html = client.get(f"/triage?item=line-{three[0][0]}").get_data(as_text=True)
    assert "Acme Trading GmbH" in html and "INV-900" in html
    assert "invoice number found in the text, one digit different" in html
    assert "amount is €20.00 less than the invoice: within the bank-fee tolerance" in html
    assert "The receipt is €20.00 less than the invoice." in html
    assert "3 items need you in this view" in html
    for code in ("bank_fee", "write_off", "pending_approval", "other_income", "typo"):
        assert code not in re.sub(r'(name|value|id|for)="[^"]*"', "", html), code


def test_accept_advances_to_the_next_item_and_updates_the_count(client, login, three) -> None:
    login(client, "clara", "clerk")
    (line1, m1, _), (line2, _, _) = three[0], three[1]
    html = client.get(f"/triage?item=line-{line1}").get_data(as_text=True)
    nxt = re.search(r'name="next" value="((?:line|charge)-\d+)"', html).group(1)
    answer = client.post(f"/triage/line/{line1}/accept",
                         data={"match_id": m1, "next": nxt}, headers={"HX-Request": "true"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Suggestion accepted." in body
    assert "2 items need you in this view" in body
    assert answer.headers["HX-Push-Url"].endswith(nxt)
    assert f"/triage/line/{line2}/accept" in body  # the next item, not the list


def test_typo_in_amount_is_shown_beside_the_form_and_kept(client, login, three, session_factory) -> None:
    login(client, "clara", "clerk")
    line1 = three[0][0]
    answer = client.post(f"/triage/line/{line1}/match", headers={"HX-Request": "true"},
                         data={"invoice_no": "INV-900", "amount": "99O.00"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "“99O.00” is not an amount" in body and 'id="hand-error"' in body
    assert 'value="99O.00"' in body and 'value="INV-900"' in body
    with session_factory() as s:
        assert s.scalar(select(Match).where(Match.status == "manual")) is None


def test_unknown_invoice_names_the_number(client, login, three) -> None:
    login(client, "clara", "clerk")
    answer = client.post(f"/triage/line/{three[0][0]}/match",
                         data={"invoice_no": "INV-999", "amount": "80.00"})
    assert answer.status_code == 422
    assert "There is no invoice numbered “INV-999”." in answer.get_data(as_text=True)


def test_hand_match_with_bank_charges_settles_the_invoice(client, login, three, session_factory) -> None:
    login(client, "clara", "clerk")
    line1, _, inv1 = three[0]
    answer = client.post(f"/triage/line/{line1}/match",
                         data={"invoice_no": "inv-900", "amount": "80.00",
                               "difference": "bank_fee"})
    assert answer.status_code == 302
    with session_factory() as s:
        assert s.get(Invoice, inv1).status == "paid"


def test_write_off_above_limit_waits_for_approval(client, login, three, session_factory) -> None:
    login(client, "clara", "clerk")
    answer = client.post(f"/triage/line/{three[0][0]}/write-off",
                         data={"wo_amount": "80.00", "reason": "customer gone"},
                         headers={"HX-Request": "true"})
    body = answer.get_data(as_text=True)
    assert "waits for a second person" in body and "pending_approval" not in body
    with session_factory() as s:
        assert s.scalar(select(Adjustment.status)) == "pending_approval"


def test_viewer_sees_no_buttons_and_may_not_act(client, login, three) -> None:
    login(client, "vic", "viewer")
    html = client.get("/triage").get_data(as_text=True)
    assert 'id="btn-accept"' not in html
    assert client.post(f"/triage/line/{three[0][0]}/accept",
                       data={"match_id": three[0][1]}).status_code == 403


def test_expired_session_answers_401_to_htmx(client, three) -> None:
    answer = client.post(f"/triage/line/{three[0][0]}/accept", data={"match_id": three[0][1]},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 401


def test_chinese_page(client, login, three) -> None:
    login(client, "clara", "clerk")
    client.post("/locale", data={"lang": "zh_Hans"})
    html = client.get("/triage").get_data(as_text=True)
    assert "发票号码出现在附言中，有一位数字不同" in html
    assert "金额比发票少 €20.00：在银行手续费容差之内" in html and "分拣" in html


def test_queue_rows_say_what_accept_does(client, login, three) -> None:
    login(client, "clara", "clerk")
    html = client.get("/queue").get_data(as_text=True)
    row = html[html.index(f'id="row-line-{three[0][0]}"') :]
    row = row[: row.index("</tr>")]
    assert "INV-900" in row and "Acme Trading GmbH" in row and "€80.00" in row
    assert 'data-amount="80.00"' in row and 'data-currency="EUR"' in row
    assert f"/triage?item=line-{three[0][0]}" in row


def test_a_refused_hand_match_is_said_beside_its_form(client, login, three) -> None:
    login(client, "clara", "clerk")
    # 80 on a 100 invoice with the rest as bank charges: 20 is within the 50 limit, so make it
    # 10 on 100 (90 above the limit): the service refuses and says so beside the form
    answer = client.post(f"/triage/line/{three[0][0]}/match",
                         data={"invoice_no": "INV-900", "amount": "10.00",
                               "difference": "bank_fee"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="hand-error"' in body
    assert "is above the limit" in body and "bank_fee" not in body.split('id="hand-error"')[1][:300]


def test_next_wraps_round_to_the_first_item_of_the_view(session_factory, three) -> None:
    from recon.queue import listing as q
    from recon.queue.triage import triage_view

    with session_factory() as s:
        order = [i.key for i in q.queue_page(s, q.QueueFilter()).items]
        assert sorted(order) == sorted(f"line-{t[0]}" for t in three)
        assert triage_view(s, q.QueueFilter(), key=order[0]).next_key == order[1]
        assert triage_view(s, q.QueueFilter(), key=order[-1]).next_key == order[0]
        assert triage_view(s, q.QueueFilter(), key="line-999999").item.key == order[0]
