"""The OpenAPI 3.1 document of ``/api/v1`` (served at ``/api/v1/openapi.json``).

Written by hand next to the views so it says what they do; ``tests/web/test_api.py`` checks that
its paths and methods are exactly the API routes in ``app.url_map``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["document"]

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


# Every operation may answer these: a bad parameter (a NUL byte, a malformed cursor), no or a
# bad token, a role too low, a value refused, too many requests. Others are listed per operation.
_ALWAYS = ("400", "401", "403", "422", "429")


def _op(summary: str, role: str, ok: str = "200", params: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, ok_type: str = "application/json",
        errors: tuple[str, ...] = ()) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "description": f"Needs a token of a user with role `{role}` or above (admin: all).",
        "responses": {ok: {"description": "OK", "content": {ok_type: {}}},
                      **{code: _ERROR for code in sorted((*_ALWAYS, *errors))}},
    }
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, "content": body}
    return op


def _q(name: str, kind: str = "string", text: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind},
            "description": text}


_EXPORT = [_q("confirmed_only", "boolean", "only auto/manual matches"),
           _q("since", "string", "YYYY-MM-DD, matched on or after")]

def _path(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


_FILE = {"multipart/form-data": {"schema": {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}
_IMPORT_PARAMS = [_q("kind", "string", "bank (default), gateway or invoices"),
                  _q("create_accounts", "boolean", "create bank accounts the file names that "
                     "are not stored yet, without asking (needs_account)")]

PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/openapi.json": {"get": _op("This document", "viewer")},
    "/api/v1/invoices": {"post": _op(
        "Upsert open invoices by invoice_no", "clerk", errors=("413", "415"),
        params=[_q("skip_bad", "boolean", "import good rows, report bad ones")],
        body={"application/json": {"schema": {"oneOf": [
            {"type": "array", "items": {"$ref": "#/components/schemas/Invoice"}},
            {"type": "object", "properties": {"invoices": {
                "type": "array", "items": {"$ref": "#/components/schemas/Invoice"}}}}]}}})},
    "/api/v1/statements": {"post": _op(
        "Import a bank statement (or a gateway settlement file with kind=gateway) as a job: "
        "202 with Location /api/v1/imports/{job_id}; 422 when refused at once",
        "clerk", ok="202", errors=("413",), params=_IMPORT_PARAMS,
        body=_FILE)},
    "/api/v1/imports": {"post": _op(
        "Import a bank statement, gateway settlement file or invoice file as a job: 202 with "
        "Location /api/v1/imports/{job_id} (a small file is imported by then, a large one on a "
        "worker); 422 when refused at once", "clerk", ok="202", errors=("413",),
        params=_IMPORT_PARAMS, body=_FILE)},
    "/api/v1/imports/{job_id}": {"get": {**_op(
        "An import job: state (queued, running, needs_account, done, failed), lines written / "
        "to write, result with the importer's warnings, or error", "clerk", errors=("404",)),
        "parameters": [_path("job_id", "integer")]}},
    "/api/v1/imports/{job_id}/accounts": {"post": {**_op(
        "Answer needs_account: create the bank accounts found, or assign existing ones; the "
        "job is queued again (202); 409 when it is not waiting", "clerk", ok="202",
        errors=("404", "409"), body={"application/json": {"schema": {"type": "object",
            "properties": {"create": {"type": "boolean"}, "assign": {
                "type": "object", "additionalProperties": {"type": "integer"}}}}}}),
        "parameters": [_path("job_id", "integer")]}},
    "/api/v1/reports": {"post": _op(
        "Write the daily report files (HTML, XLSX, CSV, JSON) now on a worker: 202 with "
        "Location /api/v1/reports/{job}; 503 when the task broker is unavailable", "clerk",
        ok="202", errors=("503",), params=[_q("day", "string", "YYYY-MM-DD, default today")])},
    "/api/v1/reports/{job}": {"get": {**_op(
        "A report job: queued, or done with its folder and files, or failed with the error",
        "viewer"), "parameters": [_path("job", "string")]}},
    "/api/v1/unmatched": {"get": _op(
        "Unmatched receipts (the exception queue)", "viewer",
        params=[_q("cause"), _q("account"), _q("currency"), _q("cursor"),
                _q("limit", "integer", "1-1000, default 100")])},
    "/api/v1/matches": {"get": _op(
        "Matches as cash-application rows", "viewer",
        params=[*_EXPORT, _q("offset", "integer"), _q("limit", "integer")])},
    "/api/v1/matches/export.csv": {"get": _op(
        "Matches as a CSV file (formula-safe)", "viewer", params=_EXPORT, ok_type="text/csv")},
    "/api/v1/matching": {"post": _op(
        "Run matching now on a worker (202; new matches show in GET /api/v1/matches); 409 "
        "while a run or another matching holds the lock", "clerk", ok="202",
        errors=("409", "503"))},
    "/api/v1/runs": {
        "post": _op("Queue the daily job for a worker now (202; GET /api/v1/runs shows it); "
                    "409 while another run holds the lock, 503 when the task broker is "
                    "unavailable", "admin", ok="202", errors=("409", "503"),
                    params=[_q("wait", "boolean", "run inside the request and answer the summary "
                               "(200)")]),
        "get": _op("The latest runs, newest first", "viewer",
                   params=[_q("limit", "integer", "1-1000, default 100")]),
    },
    "/api/v1/runs/{run_id}": {"get": {**_op("One run: status, times, counts", "viewer",
                                            errors=("404",)),
                                      "parameters": [{"name": "run_id", "in": "path",
                                                      "required": True,
                                                      "schema": {"type": "integer"}}]}},
    "/api/v1/customers/{customer_id}/credit": {"get": {
        **_op("A customer's credit: tier in force with reasons, override, limit, exposure, "
              "available, hold (tier D or over the limit), suggested terms, payment measures; "
              "404 for an unknown customer", "viewer", errors=("404",)),
        "parameters": [{"name": "customer_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}]}},
}

_SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "status"], "properties": {
        "error": {"type": "string", "description": "in the request's language"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "a service error's stable machine code"}}},
    "Invoice": {"type": "object", "required": ["invoice_no", "customer_id", "customer_name",
                                               "amount", "currency", "issue_date"],
                "properties": {k: {"type": "string"} for k in (
                    "invoice_no", "customer_id", "customer_name", "amount", "currency",
                    "issue_date", "due_date")}},
}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "recon API", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _SCHEMAS,
        },
        "security": [{"bearer": []}],
        "paths": PATHS,
    }
