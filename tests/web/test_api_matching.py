"""``POST /api/v1/matching`` ("run matching now") and ``POST /api/v1/runs`` hand their work to
the task queue; without a broker it runs in-process before the answer, with one that is away
the call answers 503 and nothing is queued."""

from __future__ import annotations

from sqlalchemy import select

from recon.config import TaskSettings
from recon.models import AuditEvent, Match
from recon.run.lock import run_lock
from tests.recon.factories import make_customer, make_invoice, make_line
from tests.web.test_api import token  # noqa: F401 (fixture)
from web import create_app


def _seed(session_factory) -> None:
    with session_factory.begin() as session:
        acme = make_customer(session, name="Acme GmbH")
        make_invoice(session, "42.00", customer=acme, invoice_no="INV-4242")
        make_line(session, "42.00", counterparty_name="ACME GMBH", remittance="INV 4242")


def test_match_now_applies_what_it_is_sure_of(client, token, session_factory):  # noqa: F811
    _seed(session_factory)
    assert client.post("/api/v1/matching", headers=token("viewer")).status_code == 403
    response = client.post("/api/v1/matching", headers=token("clerk"))
    assert response.status_code == 202, response.get_json()
    with session_factory() as session:
        assert session.scalars(select(Match.status)).one() == "auto"
        actors = session.scalars(select(AuditEvent.actor).where(
            AuditEvent.object_type == "match")).all()
    assert actors and set(actors) == {"api:api-clerk"}


def test_match_now_while_a_run_holds_the_lock_is_409(app, client, token,  # noqa: F811
                                                      session_factory):
    _seed(session_factory)
    with run_lock(app.extensions["recon.engine"]):
        response = client.post("/api/v1/matching", headers=token("clerk"))
    assert response.status_code == 409 and "in progress" in response.get_json()["error"]
    with session_factory() as session:
        assert session.scalars(select(Match)).all() == []


def test_broker_away_is_503_and_nothing_runs(settings, token, session_factory):  # noqa: F811
    _seed(session_factory)
    app = create_app({"RECON_SETTINGS": settings.with_(tasks=TaskSettings(
        broker_url="amqp://guest:guest@127.0.0.1:1//")), "TESTING": True})
    client = app.test_client()
    for url in ("/api/v1/matching", "/api/v1/runs"):
        response = client.post(url, headers=token("admin"))
        assert response.status_code == 503, (url, response.get_json())
    with session_factory() as session:
        assert session.scalars(select(Match)).all() == []
    app.extensions["recon.engine"].dispose()
