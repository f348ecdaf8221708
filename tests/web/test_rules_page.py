"""The rules page: a rule from a hand match, mistakes beside the form, hits and history shown."""

from __future__ import annotations

from sqlalchemy import select

from recon.models import Rule
from recon.queue import cache as queue_cache
from recon.rules.apply import apply_rules
from tests.recon.factories import make_customer, make_invoice, make_line


def test_hand_match_offers_a_rule_prefilled_with_payer_and_customer(client, login, session_factory) -> None:
    queue_cache.clear()
    with session_factory.begin() as s:
        acme = make_customer(s, name="Acme Works")
        make_invoice(s, "40.00", customer=acme, invoice_no="INV-4000")
        line = make_line(s, "40.00", counterparty_name="J SMITH", remittance="thanks")
        line_id = line.id
    login(client, "clara", "clerk")
    body = client.post(f"/triage/line/{line_id}/match", headers={"HX-Request": "true"},
                       data={"invoice_no": "INV-4000", "amount": "40.00"}).get_data(as_text=True)
    assert "Matched by hand." in body and 'id="offer-rule"' in body
    assert "/rules?payer=J+SMITH&amp;customer=Acme+Works&amp;outcome=customer" in body
    form = client.get("/rules?payer=J+SMITH&customer=Acme+Works&outcome=customer").get_data(as_text=True)
    assert 'value="J SMITH"' in form and 'value="Acme Works"' in form
    saved = client.post("/rules", data={"payer": "J SMITH", "outcome": "customer",
                                        "customer": "acme works", "name": ""})
    assert saved.status_code == 302
    with session_factory() as s:
        rule = s.scalars(select(Rule)).one()
        assert (rule.payer_contains, rule.outcome, rule.name) == ("J SMITH", "customer", "J SMITH")


def test_mistakes_stay_beside_the_form_with_the_values(client, login) -> None:
    login(client, "clara", "clerk")
    answer = client.post("/rules", data={"text": "interest", "outcome": "category",
                                         "category": "other_income", "min": "1O", "currency": "EUR"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="rule-error"' in html
    assert "“1O” is not an amount" in html and 'value="interest"' in html
    nobody = client.post("/rules", data={"payer": "x", "outcome": "customer", "customer": "Nobody"})
    assert "No single customer is named “Nobody”." in nobody.get_data(as_text=True)
    bad = client.post("/rules", data={"outcome": "category", "category": "bank_fee"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "a rule needs a payer or a text to look for" in text


def test_list_shows_words_hits_and_history(client, login, session_factory) -> None:
    login(client, "clara", "clerk")
    client.post("/rules", data={"text": "interest", "outcome": "category", "category": "other_income"})
    with session_factory.begin() as s:
        make_line(s, "2.00", remittance="INTEREST")
        apply_rules(s, actor="matcher")
    html = client.get("/rules").get_data(as_text=True)
    row = html[html.index('id="rule-1"'):]
    assert "book as other income" in row and "other_income" not in row.split("</tr>")[0]
    assert ">1</td>" in row and "applied" in row and "created" in row


def test_viewer_reads_but_may_not_write(client, login) -> None:
    login(client, "vic", "viewer")
    assert client.get("/rules").status_code == 200
    assert client.post("/rules", data={"text": "x", "outcome": "category",
                                       "category": "bank_fee"}).status_code == 403
