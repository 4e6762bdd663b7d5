"""Error mapping over loopback HTTP, sync and async."""

from __future__ import annotations

import pytest
from support.mini_client import SECRET, AsyncMini, Mini, make_client
from support.scripted_server import Reply, ScriptedServer, error_envelope, free_port

import sendmux
from sendmux import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    IdempotencyConflictError,
    InternalServerError,
    LimitExceededError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)

CASES = [
    (400, "invalid_parameter", BadRequestError),
    (401, "authentication_required", AuthenticationError),
    (403, "insufficient_permissions", PermissionDeniedError),
    (404, "not_found", NotFoundError),
    (409, "conflict", ConflictError),
    (409, "limit_exceeded", LimitExceededError),
    (409, "idempotency_conflict", IdempotencyConflictError),
    (409, "brand_new_code", ConflictError),
    (413, "payload_too_large", PayloadTooLargeError),
    (422, "validation_error", UnprocessableEntityError),
    (429, "rate_limit_exceeded", RateLimitError),
    (500, "internal_error", InternalServerError),
    (503, "service_unavailable", ServiceUnavailableError),
    (418, "teapot", APIStatusError),
]


@pytest.mark.parametrize(("status", "code", "cls"), CASES)
def test_status_maps_to_class(
    scripted: ScriptedServer, mini: Mini, status: int, code: str, cls: type
) -> None:
    scripted.on(
        "GET",
        "/things/t1",
        Reply(status, json=error_envelope(code, "boom", retryable=False, request_id="req_e")),
    )
    with pytest.raises(cls) as info:
        mini.things.get("t1")
    err = info.value
    assert type(err) is cls
    assert err.status_code == status and err.code == code and err.message == "boom"
    assert err.request_id == "req_e" and err.retryable is False
    assert isinstance(err, sendmux.SendmuxError)
    line = str(err)
    assert "\n" not in line and str(status) in line and code in line and "boom" in line and "req_e" in line


def test_403_names_permission(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET",
        "/things/t1",
        Reply(403, json=error_envelope("insufficient_permissions", "Key lacks permission")),
    )
    with pytest.raises(PermissionDeniedError) as info:
        mini.things.get("t1")
    assert info.value.permission == "thing.read"
    assert "thing.read" in str(info.value)


def test_validation_details_and_fields(scripted: ScriptedServer, mini: Mini) -> None:
    body = error_envelope(
        "validation_error",
        "Invalid body",
        param="name",
        doc_url="https://example.invalid/docs#validation_error",
        errors=[
            {"field": "name", "code": "too_long", "message": "max 64"},
            {"field": "tags[0]", "code": "bad"},
        ],
    )
    scripted.on("POST", "/things", Reply(422, json=body))
    with pytest.raises(UnprocessableEntityError) as info:
        mini.things.create(name="x" * 100)
    err = info.value
    assert err.param == "name" and err.doc_url and err.doc_url.endswith("validation_error")
    assert [(e.field, e.code, e.message) for e in err.errors] == [
        ("name", "too_long", "max 64"),
        ("tags[0]", "bad", None),
    ]
    assert err.body == body
    assert "name: max 64" in str(err)
    assert err.method == "POST" and err.url and err.url.endswith("/things")


def test_non_json_error_bodies_still_map_by_status(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET",
        "/things/t1",
        Reply(
            502,
            body=b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            headers={"X-Request-Id": "req_px"},
        ),
    )
    with pytest.raises(InternalServerError) as info:
        mini.things.get("t1", max_retries=0)
    err = info.value
    assert err.status_code == 502 and err.code is None and err.request_id == "req_px"
    assert "Bad Gateway" in str(err) and isinstance(err.body, str)
    scripted.on("GET", "/things/t2", Reply(503, body=b""))
    with pytest.raises(ServiceUnavailableError):
        mini.things.get("t2", max_retries=0)
    scripted.on("GET", "/things/t3", Reply(404, body=b"not json {"))
    with pytest.raises(NotFoundError):
        mini.things.get("t3")


def test_if_match_conflict(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("PATCH", "/things/t1", Reply(409, json=error_envelope("conflict", "ETag mismatch")))
    with pytest.raises(ConflictError):
        mini.things.update("t1", name="n", if_match='W/"old"')
    assert scripted.requests[0].headers["if-match"] == 'W/"old"'


def test_connection_error_is_typed_and_secret_free() -> None:
    port = free_port()  # nothing listens here
    c = make_client(f"http://127.0.0.1:{port}/api/v1", max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        c.things.get("t1")
    err = info.value
    assert err.__context__ is None and err.__cause__ is None  # no httpx.Request (with Authorization) attached
    assert SECRET not in repr(err.__dict__) and SECRET not in str(err) and SECRET not in repr(err.args)
    assert "GET /things/t1" in str(err)
    c.close()


def test_status_error_never_holds_the_secret(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things/t1", Reply(401, json=error_envelope("authentication_required", "bad key")))
    with pytest.raises(AuthenticationError) as info:
        mini.things.get("t1")
    err = info.value
    blob = repr(err.__dict__) + str(err) + repr(err.args) + repr(dict(err.headers or {}))
    assert SECRET not in blob
    assert err.__context__ is None


@pytest.mark.anyio
async def test_async_errors(scripted: ScriptedServer, amini: AsyncMini) -> None:
    scripted.on("GET", "/things/t1", Reply(403, json=error_envelope("insufficient_permissions", "no")))
    with pytest.raises(PermissionDeniedError) as info:
        await amini.things.get("t1")
    assert "thing.read" in str(info.value)
    scripted.on("POST", "/things", Reply(409, json=error_envelope("limit_exceeded", "too many")))
    with pytest.raises(LimitExceededError):
        await amini.things.create(name="x")
    scripted.on("GET", "/things/t2", Reply(502, body=b"<html>bad gateway</html>"))
    with pytest.raises(InternalServerError):
        await amini.things.get("t2", max_retries=0)
