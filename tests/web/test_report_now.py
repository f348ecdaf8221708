"""The daily report on demand from the web page and the API (in-process, no broker): files
written where the job says, served only from there; clerks and up may start it."""

from __future__ import annotations

from tests.web.test_api import token  # noqa: F401  (fixture)


def test_web_and_api(client, login, token):  # noqa: F811
    login(client, "clerk1", "clerk")
    assert "Write today's report now" in client.get("/runs").get_data(as_text=True)
    response = client.post("/reports/run")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is written" in page and "report.xlsx" in page and "hx-get" not in page
    job = response.headers["Location"].rsplit("/", 1)[1]
    served = client.get(f"/reports/{job}/files/index.html")
    assert served.status_code == 200 and b"<html" in served.data
    served.close()
    assert client.get(f"/reports/{job}/files/..%2Fsecret").status_code == 404
    assert client.get("/reports/nojob/files/index.html").status_code == 404
    login(client, "viewer1", "viewer")
    assert client.post("/reports/run").status_code == 403
    headers = token("clerk")
    api = client.post("/api/v1/reports?day=2026-12-01", headers=headers)
    assert api.status_code == 202
    body = client.get(api.headers["Location"], headers=headers).get_json()
    assert body["state"] == "done" and body["day"] == "2026-12-01"
    assert client.post("/api/v1/reports?day=nope", headers=headers).status_code == 400
