"""The upload flow in the browser and the API: the job page (progress while it runs, the
importer's warnings when done), the question before a new bank account is created, in English
and Simplified Chinese; the API's 202 + job URL."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from recon.models import BankAccount, ImportJob, StatementLine
from tests.tasks.statement_files import ACCOUNT, mt940
from tests.web.test_api import token  # noqa: F401  (fixture)


def upload(client, data: bytes, name: str = "stmt.sta", kind: str = "bank"):
    return client.post("/upload", data={"kind": kind, "file": (io.BytesIO(data), name)})


def lines(session_factory) -> int:
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(StatementLine))


def test_new_account_is_asked_and_warnings_shown_in_english(client, login, session_factory):
    login(client, "clerk1", "clerk")
    with session_factory.begin() as s:
        s.add(BankAccount(account_key="Main EUR", currency="EUR"))
        s.add(BankAccount(account_key="Main USD", currency="USD"))
    response = upload(client, mt940(12, closing_off_cents=250))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "not set up yet" in page and f"Account in the file: {ACCOUNT} (EUR)" in page
    assert "It is the existing account Main EUR (EUR)" in page
    assert "Main USD" not in page  # only accounts in the statement's currency are offered
    assert lines(session_factory) == 0
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    unanswered = client.post(f"/upload/{job_id}/accounts", data={})
    assert unanswered.status_code == 422 and "for every account found" in unanswered.get_data(
        as_text=True)
    done = client.post(f"/upload/{job_id}/accounts", data={"account-0": "new"})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "stmt.sta imported." in page and "1 warning" in page
    assert "off by 250 minor units" in page
    assert "hx-get" not in page  # finished: the page stops polling
    assert lines(session_factory) == 12


def test_the_same_flow_in_chinese(client, login, session_factory):
    login(client, "clerk1", "clerk")
    client.post("/locale", data={"lang": "zh_Hans"})
    response = upload(client, mt940(5, closing_off_cents=1))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "该对账单所属的银行账户尚未设置" in page and "新建账户" in page
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    done = client.post(f"/upload/{job_id}/accounts", data={"account-0": "new"})
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已导入" in page and "1 条警告" in page
    bad = upload(client, b"not a statement at all\n", "bad.sta")
    assert bad.status_code == 422 and "未导入" in bad.get_data(as_text=True)


def test_a_running_job_polls_with_htmx_and_others_cannot_see_it(client, login,
                                                               session_factory):
    from recon.run.upload_jobs import create_job

    with session_factory.begin() as s:
        job = create_job(s, "bank", "big.sta", b"x", actor="clerk1", max_bytes=10)
        job.state, job.done_lines, job.total_lines = "running", 5000, 20000
        job_id = job.id
    login(client, "clerk1", "clerk")
    page = client.get(f"/upload/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page and "5000 of 20000 lines written (25 %)" in page
    assert "<script" not in page  # htmx attributes only: no inline JS (CSP)
    login(client, "clerk2", "clerk")
    assert client.get(f"/upload/{job_id}").status_code == 404


def test_api_import_answers_202_with_the_job_url(client, token, session_factory):  # noqa: F811
    headers = token("clerk")
    response = client.post("/api/v1/imports?kind=bank", headers=headers,
                           data={"file": (io.BytesIO(mt940(4, closing_off_cents=5)), "a.sta")})
    assert response.status_code == 202
    url = response.headers["Location"]
    assert url == response.get_json()["url"] and url.startswith("/api/v1/imports/")
    assert client.get(url, headers=headers).get_json()["state"] == "needs_account"
    answer = client.post(f"{url}/accounts", headers=headers, json={"create": True})
    assert answer.status_code == 202
    body = client.get(url, headers=headers).get_json()
    assert body["state"] == "done" and body["result"]["lines_new"] == 4
    assert any("off by 5 minor units" in w for w in body["result"]["warnings"])
    again = client.post(f"{url}/accounts", headers=headers, json={"create": True})
    assert again.status_code == 409  # not waiting any more
    viewer = client.get(url, headers=token("viewer"))
    assert viewer.status_code == 403
    direct = client.post("/api/v1/imports?kind=bank&create_accounts=1", headers=headers,
                         data={"file": (io.BytesIO(mt940(3, ref="B")), "b.sta")})
    assert direct.status_code == 202 and direct.get_json()["state"] == "done"
    refused = client.post("/api/v1/imports?kind=invoices", headers=headers,
                          data={"file": (io.BytesIO(b"invoice_no\nX\n"), "i.csv")})
    assert refused.status_code == 422 and refused.get_json()["job"].startswith("/api/v1/imports/")
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ImportJob)) == 3
