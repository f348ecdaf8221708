"""Every route × role: anonymous → login redirect (pages) / 401 (API); wrong role → 403;
allowed → 200. Routes of every area are covered for the anonymous case, so a blueprint that
forgets ``require_login`` fails here."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from recon.allocation.aliases import remember_alias
from recon.models import ReconRun
from tests.recon.factories import make_invoice

ROLES = ("viewer", "clerk", "approver", "admin")
ANY = ROLES
CLERKS = ("clerk", "approver", "admin")
# GET pages of the platform and who may open them.
PAGES = {
    "/": ANY,
    "/invoices": ANY,
    "/invoices/{invoice}": ANY,
    "/gateways": ANY,
    "/runs": ANY,
    "/runs/{run}": ANY,
    "/runs/{run}/files/summary.txt": ANY,
    "/audit": ANY,
    "/upload": CLERKS,
    "/settings": ("admin",),
    "/settings/aliases": ("admin",),
}
POSTS = {  # state-changing platform routes: who is refused
    "/upload": CLERKS,
    "/settings": ("admin",),
    "/settings/aliases/{alias}": ("admin",),
    "/settings/aliases/{alias}/delete": ("admin",),
}
# /s/<token>: a customer opens its statement through a signed link (web.statement_links)
PUBLIC = {"/login", "/locale", "/logout", "/static/<path:filename>", "/s/<token>",
          "/favicon.ico"}


@pytest.fixture
def ids(session_factory, tmp_path):
    reports = tmp_path / "run1"
    reports.mkdir()
    (reports / "summary.txt").write_text("all clean\n")
    with session_factory.begin() as s:
        invoice = make_invoice(s)
        run = ReconRun(run_date=invoice.issue_date, status="clean", report_dir=str(reports),
                       counts={})
        s.add(run)
        alias = remember_alias(s, customer_id=invoice.customer_id, payer_name="ACME GMBH",
                               polarity="positive", actor="t", source="manual")
        s.flush()
        return {"invoice": invoice.id, "run": run.id, "alias": alias.id}


def _fill(rule: str, ids: dict[str, int]) -> str:
    return rule.format(**ids)


def _sample_url(rule: str) -> str:
    """A concrete URL for any rule (unknown ids are fine: the login check comes first)."""
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule)


def test_every_route_refuses_anonymous(app: Flask, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC or rule.rule.startswith("/webhooks/"):
            continue
        url = _sample_url(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response.headers["Location"].startswith("/login"), (method, url)
            checked += 1
    assert checked >= len(PAGES) + len(POSTS)


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(app, client, login, ids, role):
    login(client, f"u-{role}", role)
    for rule, allowed in PAGES.items():
        response = client.get(_fill(rule, ids))
        response.close()  # file responses hold the file open until closed
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (rule, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_actions_refuse_wrong_roles(app, client, login, ids, role):
    login(client, f"u-{role}", role)
    for rule, allowed in POSTS.items():
        if role in allowed:
            continue
        response = client.post(_fill(rule, ids), data={"alias": "x", "polarity": "positive"})
        assert response.status_code == 403, (rule, role)


def test_run_files_cannot_leave_the_report_folder(client, login, ids, tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    login(client, "v", "viewer")
    for name in ("../secret.txt", "..%2Fsecret.txt", "/etc/passwd", "%2e%2e/secret.txt"):
        response = client.get(f"/runs/{ids['run']}/files/{name}", follow_redirects=True)
        assert response.status_code == 404, name
    ok = client.get(f"/runs/{ids['run']}/files/summary.txt")
    assert ok.get_data(as_text=True) == "all clean\n"
    ok.close()
    assert "default-src 'none'" in ok.headers["Content-Security-Policy"]
