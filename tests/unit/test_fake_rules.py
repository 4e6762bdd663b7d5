"""Pure pieces of the fake server: permissions, ETags, rate windows, idempotency, body checks, spoilers."""

from __future__ import annotations

import json
import time

import pytest

from sendmux.testing._faults import Fault, Faults, error_response, spoil_body
from sendmux.testing._protocol import (
    ApiError,
    IdempotencyStore,
    RateLimiter,
    Response,
    etag_matches,
    expand,
    fingerprint,
    permits,
    weak_etag,
)
from sendmux.testing._routes import ROUTES, match
from sendmux.testing._validate import check


@pytest.mark.parametrize(
    ("granted", "needed", "ok"),
    [
        (["domain.read"], "domain.read", True),
        (["domain.read"], "domain.create", False),
        (["domain.*"], "domain.verify", True),
        (["domain.*"], "webhook.read", False),
        (["mailbox.admin.*"], "mailbox.admin.manage", True),
        (["mailbox.*"], "mailbox.admin.read", True),
        (["root:readonly"], "logs.read", True),
        (["root:readonly"], "mailbox.admin.read", True),
        (["root:readonly"], "domain.create", False),
        (["root:full"], "billing.read", True),
        (["root:webhook_admin"], "webhook.manage", True),
        (["root:webhook_admin"], "domain.read", False),
        (["root:provider_admin"], "provider.update", True),
        (["root:provider_admin"], "logs.read", True),
        (["root:provider_admin"], "billing.read", False),
        ([], None, True),  # /me needs no permission
        ([], "domain.read", False),
    ],
)
def test_permissions_and_wildcards(granted: list[str], needed: str | None, ok: bool) -> None:
    assert permits(expand(granted), needed) is ok


def test_weak_etags_follow_content_and_compare_weakly() -> None:
    tag = weak_etag({"a": 1, "b": [1, 2]})
    assert tag.startswith('W/"') and tag == weak_etag({"b": [1, 2], "a": 1})
    assert tag != weak_etag({"a": 2, "b": [1, 2]})
    assert etag_matches(tag, tag)
    assert etag_matches(tag.removeprefix("W/"), tag)
    assert etag_matches(f'"nope", {tag}', tag)
    assert etag_matches("*", tag)
    assert not etag_matches('W/"other"', tag)


def test_rate_limiter_counts_per_key_and_resets_with_the_window() -> None:
    limiter = RateLimiter(2, window=0.5)  # wide enough for a loaded machine
    first, second, third = (limiter.hit("k") for _ in range(3))
    assert (first.allowed, second.allowed, third.allowed) == (True, True, False)
    assert (first.remaining, second.remaining, third.remaining) == (1, 0, 0)
    assert third.retry_after() >= 1
    assert third.headers()["X-RateLimit-Limit"] == "2"
    assert limiter.hit("other").allowed  # keys do not share a window
    deadline = time.monotonic() + 5
    while not limiter.hit("k").allowed:  # the window passes; no timing assertion beyond "eventually"
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_rate_limiter_without_limit_always_allows() -> None:
    limiter = RateLimiter(None, 60)
    assert all(limiter.hit("k").allowed for _ in range(1000))


def test_idempotency_store_replays_and_refuses_other_bodies() -> None:
    store = IdempotencyStore()
    scope = ("team", "op", "key-1")
    response = Response(201, [("X-Request-Id", "req_1")], b"{}")
    assert store.lookup(scope, fingerprint("/domains", {"domain": "a"})) is None
    store.store(scope, fingerprint("/domains", {"domain": "a"}), response)
    assert store.lookup(scope, fingerprint("/domains", {"domain": "a"})) is response
    with pytest.raises(ApiError) as exc:
        store.lookup(scope, fingerprint("/domains", {"domain": "b"}))
    assert (exc.value.status, exc.value.code) == (409, "idempotency_conflict")
    # Key order does not matter; the path does (rotate-secret on another webhook is a conflict).
    assert fingerprint("/x", {"a": 1, "b": 2}) == fingerprint("/x", {"b": 2, "a": 1})
    assert fingerprint("/webhooks/a", {}) != fingerprint("/webhooks/b", {})


def test_error_body_shape() -> None:
    body = ApiError("validation_error", "Bad", param="email").body("req_1")
    assert body == {
        "ok": False,
        "error": {
            "code": "validation_error",
            "message": "Bad",
            "doc_url": "https://sendmux.ai/docs/api/errors#validation_error",
            "retryable": False,
            "param": "email",
        },
        "meta": {"request_id": "req_1"},
    }
    assert ApiError("service_unavailable", "x").retryable is True


def test_body_checker_collects_every_issue() -> None:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "port"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "port": {"type": "integer", "minimum": 1, "maximum": 65535},
            "mode": {"enum": ["a", "b"], "type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "note": {"type": ["string", "null"], "maxLength": 3},
        },
    }
    assert check(schema, {"name": "x", "port": 25, "note": None}) == []
    issues = check(schema, {"name": "", "port": 0, "mode": "c", "tags": [1], "note": "long", "extra": 1})
    assert {(i.field, i.code) for i in issues} == {
        ("name", "too_short"),
        ("port", "too_small"),
        ("mode", "invalid_enum"),
        ("tags[0]", "invalid_type"),
        ("note", "too_long"),
        ("extra", "unknown_field"),
    }
    assert [(i.field, i.code) for i in check(schema, {})] == [("name", "required"), ("port", "required")]
    assert check(schema, {"name": "x", "port": True})[0].code == "invalid_type"  # bool is not an integer


def test_every_operation_has_a_handler() -> None:
    surfaces = {s: sum(r.surface == s for r in ROUTES) for s in ("management", "mailbox", "sending")}
    assert surfaces == {"management": 54, "mailbox": 42, "sending": 8}
    assert not [r.operation_id for r in ROUTES if r.handler.__name__ == "_unimplemented"]


def test_the_sending_api_is_matched_apart() -> None:
    management = match("GET", "/me")
    sending = match("GET", "/me", sending=True)
    assert management and management[0].operation_id == "managementGetConnection"
    assert sending and sending[0].operation_id == "sendingGetConnection"
    assert match("POST", "/emails/send") is None
    colon = match("POST", "/mailbox/messages:batch-get")
    assert colon and colon[0].operation_id == "mailboxBatchGetMessages"
    literal = match("GET", "/mailbox/folders/changes")
    assert literal and literal[0].operation_id == "mailboxGetFolderChanges"


def test_literal_routes_win_over_parameters() -> None:
    found = match("GET", "/providers/limits")
    assert found and found[0].operation_id == "managementGetProviderLimits"
    found = match("GET", "/mailboxes/availability")
    assert found and found[0].operation_id == "managementCheckMailboxAvailability"
    found = match("DELETE", "/mailboxes/mbx_1/keys/smx%2F1")
    assert found and found[1] == {"public_id": "mbx_1", "key_id": "smx/1"}
    assert match("PUT", "/domains") is None


def test_fault_rules_match_routes_and_run_out() -> None:
    faults = Faults(seed=1)
    rule = faults.add("unavailable", route="POST /domains", times=2)
    assert faults.pick("managementListDomains", "GET /domains") is None
    assert faults.pick("managementCreateDomain", "POST /domains") is rule
    assert faults.pick("managementCreateDomain", "POST /domains") is rule
    assert faults.pick("managementCreateDomain", "POST /domains") is None
    assert rule.hits == 2 and rule.exhausted and faults.active == []
    by_id = faults.add("server_error", route="managementCreateDomain", times=None)
    assert faults.pick("managementCreateDomain", "POST /domains") is by_id
    faults.clear()
    nxt = faults.next(1, "rate_limit")
    assert faults.pick(None, "GET /anything") is nxt
    with pytest.raises(ValueError):
        faults.add("meteor_strike")  # type: ignore[arg-type]


def test_probabilistic_faults_are_repeatable_with_a_seed() -> None:
    def run() -> list[bool]:
        faults = Faults(seed=7)
        faults.add("unavailable", times=None, probability=0.3)
        return [faults.pick(None, "GET /x") is not None for _ in range(200)]

    first = run()
    assert first == run()
    assert 20 < sum(first) < 100


def test_fault_error_responses() -> None:
    status, headers, body = error_response(Fault("rate_limit", retry_after=2), "req_1")
    assert status == 429 and headers["Retry-After"] == "2"
    assert json.loads(body)["error"]["code"] == "rate_limit_exceeded"
    status, headers, body = error_response(Fault("bad_gateway"), "req_1")
    assert status == 502 and headers["Content-Type"] == "text/html" and body.startswith(b"<html>")
    status, headers, body = error_response(Fault("server_error", body="html"), "req_1")
    assert status == 500 and body.startswith(b"<html>")
    status, headers, body = error_response(Fault("server_error"), "req_1")
    assert json.loads(body)["error"]["retryable"] is True


def test_body_spoilers() -> None:
    body = json.dumps(
        {"ok": True, "data": [{"id": "a", "status": "active"}], "meta": {"request_id": "r"}}
    ).encode()
    missing = json.loads(spoil_body(Fault("missing_field"), body))
    assert missing["data"] == [{"status": "active"}]
    enum = json.loads(spoil_body(Fault("unknown_enum"), body))
    assert enum["data"][0]["status"] == "x_future_value"
    extra = json.loads(spoil_body(Fault("unknown_field"), body))
    assert "x_future_field" in extra["data"][0] and extra["x_future_envelope_field"] is True
    chosen = json.loads(spoil_body(Fault("missing_field", field="status"), body))
    assert chosen["data"] == [{"id": "a"}]
    with pytest.raises(ValueError):
        json.loads(spoil_body(Fault("invalid_json"), body))
