"""sendmux.webhooks.construct_event and WebhookEvent."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from http.client import parse_headers
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.webhook_events import event_body

from sendmux._errors import SendmuxError, WebhookSignatureError
from sendmux.webhooks import WebhookEvent, WebhookPayloadError, construct_event

SECRET = "whsec_evt_secret_51c0"
NEW_SECRET = "whsec_evt_secret_rotated_9d2e"


# The spec's own example of WebhookEventPayload (an inbound event: bounce_type and friends are null).
SPEC_EXAMPLE: dict[str, Any] = {
    "data": {
        "bounce_subtype": None,
        "bounce_type": None,
        "complaint_subtype": None,
        "complaint_type": None,
        "delay_expires_at": None,
        "delay_type": None,
        "is_spam": False,
        "mailbox_id": "mbx_123",
        "message_id": "ME3P282MB076951B3AAD3255D686EA8EDCA0F2@example.com",
        "message_id_kind": "rfc5322",
        "recipients": ["inbox@example.com"],
        "reject_reason": None,
        "sender": "sender@example.com",
        "sendmux_message_id": None,
        "webhook_id": None,
    },
    "id": "evt_clxxxxxxxxxxxxxxxxxxxxxxxxx",
    "occurred_at": "2026-05-21T09:12:00Z",
    "team_public_id": "team_clxxxxxxxxxxxxxxxxxxxxxxxxx",
    "type": "message.received",
}


def raw(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def signature(payload: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def headers_for(payload: bytes, *, secret: str = SECRET, **overrides: str | None) -> dict[str, str]:
    decoded = json.loads(payload)
    headers: dict[str, str | None] = {
        "X-Sendmux-Signature": signature(payload, secret),
        "X-Sendmux-Event-Id": decoded["id"],
        "X-Sendmux-Event-Type": decoded["type"],
        "X-Sendmux-Delivery-Attempt": "1",
        "Content-Type": "application/json",
    }
    headers.update(overrides)
    return {k: v for k, v in headers.items() if v is not None}


class WerkzeugStyleHeaders:
    """Like werkzeug's Headers: not a Mapping subclass, iterates as (key, value) pairs, case-insensitive get."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, key: str) -> str:
        for k, v in self._pairs:
            if k.lower() == key.lower():
                return v
        raise KeyError(key)

    def get(self, key: str, default: str | None = None) -> str | None:
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self) -> list[str]:
        return [k for k, _ in self._pairs]

    def items(self) -> list[tuple[str, str]]:
        return list(self._pairs)


# --- the happy path --------------------------------------------------------------------------------------


def test_construct_event_verifies_and_parses() -> None:
    payload = raw(event_body())
    event = construct_event(payload, headers_for(payload, **{"X-Sendmux-Delivery-Attempt": "3"}), SECRET)

    assert isinstance(event, WebhookEvent)
    assert event.event_id == "evt_clabc123"
    assert event.event_type == "message.bounced"
    assert event.delivery_attempt == 3
    assert event.raw == payload
    assert event.payload.id == "evt_clabc123"
    assert event.team_public_id == "team_clxyz"
    assert event.occurred_at == datetime(2026, 5, 21, 9, 12, tzinfo=UTC)
    assert event.data is event.payload.data
    assert event.data.recipients == ["inbox@example.com"]
    assert event.data.bounce_type == "Permanent"
    assert event.data.mailbox_id is None


def test_the_spec_example_decodes_with_its_null_fields() -> None:
    # Most real events carry null in the enum-typed fields that do not apply to them (bounce_type,
    # message_id_kind): the spec declares them `type: [string, "null"]` with an enum that omits null.
    payload = raw(SPEC_EXAMPLE)
    event = construct_event(payload, headers_for(payload), SECRET)
    assert event.event_type == "message.received"
    assert event.data.bounce_type is None
    assert event.data.message_id_kind == "rfc5322"
    assert event.data.mailbox_id == "mbx_123"
    assert event.data.is_spam is False


def test_payload_is_the_generated_model_with_an_open_enum_type() -> None:
    from sendmux._generated.models.webhook_event_payload import WebhookEventPayload
    from sendmux._generated.models.webhook_event_payload_type import WebhookEventPayloadType

    payload = raw(event_body(type="message.bounced"))
    event = construct_event(payload, headers_for(payload), SECRET)
    assert isinstance(event.payload, WebhookEventPayload)
    assert event.payload.type == WebhookEventPayloadType("message.bounced")
    assert event.event_type == "message.bounced"


def test_unknown_event_type_is_kept_as_its_string() -> None:
    # Open enum: a type added to the API later must not break existing receivers.
    payload = raw(event_body(type="message.opened"))
    event = construct_event(payload, headers_for(payload), SECRET)
    assert event.event_type == "message.opened"


@pytest.mark.parametrize(
    "event_type",
    [
        "message.delivered",
        "message.bounced",
        "message.complained",
        "message.rejected",
        "message.delivery_delayed",
        "message.received",
        "message.received.spam",
        "sendmux.test",
    ],
)
def test_every_documented_event_type(event_type: str) -> None:
    payload = raw(event_body(type=event_type))
    assert construct_event(payload, headers_for(payload), SECRET).event_type == event_type


def test_accepts_bytearray_payload() -> None:
    payload = raw(event_body())
    event = construct_event(bytearray(payload), headers_for(payload), SECRET)
    assert event.raw == payload and type(event.raw) is bytes


def test_rotation_list_of_secrets() -> None:
    payload = raw(event_body())
    for secret in (SECRET, NEW_SECRET):
        event = construct_event(payload, headers_for(payload, secret=secret), [SECRET, NEW_SECRET])
        assert event.event_id == "evt_clabc123"
    with pytest.raises(WebhookSignatureError):
        construct_event(payload, headers_for(payload, secret=NEW_SECRET), [SECRET])


def test_optional_headers_fall_back_to_the_body() -> None:
    payload = raw(event_body())
    event = construct_event(payload, {"X-Sendmux-Signature": signature(payload)}, SECRET)
    assert event.event_id == "evt_clabc123"
    assert event.event_type == "message.bounced"
    assert event.delivery_attempt is None


# --- headers: case-insensitive, any mapping ------------------------------------------------------------------


@pytest.mark.parametrize("transform", [str.lower, str.upper, str.title, lambda s: s])
def test_header_names_are_case_insensitive_in_a_plain_dict(transform: Any) -> None:
    payload = raw(event_body())
    headers = {
        transform(k): v for k, v in headers_for(payload, **{"X-Sendmux-Delivery-Attempt": "2"}).items()
    }
    event = construct_event(payload, headers, SECRET)
    assert (event.event_id, event.delivery_attempt) == ("evt_clabc123", 2)


def test_httpx_headers() -> None:
    payload = raw(event_body())
    event = construct_event(payload, httpx.Headers(headers_for(payload)), SECRET)
    assert event.event_id == "evt_clabc123"


def test_werkzeug_style_headers() -> None:
    payload = raw(event_body())
    pairs = [(k.lower(), v) for k, v in headers_for(payload, **{"X-Sendmux-Delivery-Attempt": "4"}).items()]
    event = construct_event(payload, WerkzeugStyleHeaders(pairs), SECRET)
    assert event.delivery_attempt == 4


def test_stdlib_http_server_headers() -> None:
    # BaseHTTPRequestHandler.headers is an http.client.HTTPMessage (email.message.Message), not a Mapping.
    payload = raw(event_body())
    block = "".join(f"{k.lower()}: {v}\r\n" for k, v in headers_for(payload).items()) + "\r\n"
    message = parse_headers(io.BytesIO(block.encode("latin-1")))
    event = construct_event(payload, message, SECRET)
    assert event.event_type == "message.bounced"


def test_conflicting_duplicate_signature_headers_are_rejected() -> None:
    payload = raw(event_body())
    headers = headers_for(payload)
    headers["x-sendmux-signature"] = signature(payload, NEW_SECRET)
    with pytest.raises(WebhookSignatureError):
        construct_event(payload, headers, [SECRET, NEW_SECRET])


def test_uppercase_hex_in_the_header_is_accepted() -> None:
    payload = raw(event_body())
    sig = signature(payload)
    event = construct_event(
        payload, headers_for(payload, **{"X-Sendmux-Signature": "sha256=" + sig[7:].upper()}), SECRET
    )
    assert event.event_id == "evt_clabc123"


# --- signature failures come first ---------------------------------------------------------------------------


def test_missing_signature_header() -> None:
    payload = raw(event_body())
    headers = headers_for(payload)
    del headers["X-Sendmux-Signature"]
    with pytest.raises(WebhookSignatureError, match="missing"):
        construct_event(payload, headers, SECRET)


def test_empty_signature_header() -> None:
    payload = raw(event_body())
    with pytest.raises(WebhookSignatureError, match="empty"):
        construct_event(payload, headers_for(payload, **{"X-Sendmux-Signature": ""}), SECRET)


def test_tampered_body() -> None:
    payload = raw(event_body())
    headers = headers_for(payload)
    tampered = raw(event_body(data={**event_body()["data"], "recipients": ["attacker@example.com"]}))
    with pytest.raises(WebhookSignatureError):
        construct_event(tampered, headers, SECRET)


def test_wrong_secret() -> None:
    payload = raw(event_body())
    with pytest.raises(WebhookSignatureError):
        construct_event(payload, headers_for(payload), NEW_SECRET)


def test_reserialised_json_does_not_verify() -> None:
    # Why the raw bytes matter: the same JSON with different whitespace is a different signed message.
    payload = raw(event_body())
    headers = headers_for(payload)
    with pytest.raises(WebhookSignatureError):
        construct_event(json.dumps(json.loads(payload)).encode(), headers, SECRET)


def test_unsigned_garbage_is_a_signature_error_not_a_parse_error() -> None:
    # The body is never parsed before the signature is checked.
    with pytest.raises(WebhookSignatureError):
        construct_event(b"{not json", {"X-Sendmux-Signature": signature(b"other")}, SECRET)


def test_str_payload_is_refused() -> None:
    payload = raw(event_body())
    with pytest.raises(TypeError, match="bytes, not str"):
        construct_event(payload.decode(), headers_for(payload), SECRET)  # type: ignore[arg-type]


def test_empty_secret_is_refused() -> None:
    payload = raw(event_body())
    with pytest.raises(ValueError, match="empty"):
        construct_event(payload, headers_for(payload), "")


# --- signed, but not a valid event ---------------------------------------------------------------------------


def test_event_id_mismatch_between_header_and_body() -> None:
    payload = raw(event_body())
    with pytest.raises(WebhookPayloadError, match="X-Sendmux-Event-Id"):
        construct_event(payload, headers_for(payload, **{"X-Sendmux-Event-Id": "evt_other"}), SECRET)


def test_event_type_mismatch_between_header_and_body() -> None:
    payload = raw(event_body())
    with pytest.raises(WebhookPayloadError, match="X-Sendmux-Event-Type"):
        construct_event(
            payload, headers_for(payload, **{"X-Sendmux-Event-Type": "message.delivered"}), SECRET
        )


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", "+1", "1_0", "\u0661", "99999999999999"])
def test_bad_delivery_attempt_header(value: str) -> None:
    payload = raw(event_body())
    with pytest.raises(WebhookPayloadError, match="Delivery-Attempt"):
        construct_event(payload, headers_for(payload, **{"X-Sendmux-Delivery-Attempt": value}), SECRET)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
        pytest.param(b"[1, 2]", id="array"),
        pytest.param(b'"evt"', id="string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested"),
    ],
)
def test_signed_body_that_is_not_a_json_object(payload: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        construct_event(payload, {"X-Sendmux-Signature": signature(payload)}, SECRET)


WRONG_SHAPES = [
    pytest.param({k: v for k, v in event_body().items() if k != "data"}, id="missing-data"),
    pytest.param(event_body(occurred_at="yesterday"), id="bad-timestamp"),
    pytest.param(event_body(data="nope"), id="data-not-object"),
    pytest.param(event_body(data={"recipients": 5}), id="data-wrong-shape"),
    pytest.param(event_body(type=7), id="type-not-a-string"),
]
UNUSABLE = [
    pytest.param({k: v for k, v in event_body().items() if k != "id"}, id="missing-id"),
    pytest.param(event_body(id=""), id="empty-id"),
    pytest.param(event_body(type=7), id="type-not-a-string"),
    pytest.param({}, id="empty-object"),
]


@pytest.mark.parametrize("body", WRONG_SHAPES + UNUSABLE)
def test_strict_refuses_a_signed_body_of_the_wrong_shape(body: dict[str, Any]) -> None:
    payload = raw(body)
    with pytest.raises(WebhookPayloadError) as info:
        construct_event(payload, {"X-Sendmux-Signature": signature(payload)}, SECRET, strict=True)
    assert isinstance(info.value, SendmuxError) and isinstance(info.value, ValueError)
    assert not isinstance(info.value, WebhookSignatureError)


@pytest.mark.parametrize("body", UNUSABLE)
def test_a_body_without_a_usable_id_or_type_is_refused_even_leniently(body: dict[str, Any]) -> None:
    payload = raw(body)
    with pytest.raises(WebhookPayloadError):
        construct_event(payload, {"X-Sendmux-Signature": signature(payload)}, SECRET)


@pytest.fixture
def fresh_warnings() -> None:
    from sendmux._field_decoding import _warned

    _warned.clear()  # once per (model, field) per process: each test starts from none


def test_a_signed_body_missing_a_nullable_field_decodes_leniently(
    fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    body = event_body()
    del body["data"]["bounce_subtype"]
    payload = raw(body)
    with caplog.at_level(logging.WARNING, logger="sendmux"):
        event = construct_event(payload, headers_for(payload), SECRET)
        again = construct_event(payload, headers_for(payload), SECRET)
    assert event.data.bounce_subtype is None and "bounce_subtype" not in event.data.fields_set
    assert event.data.bounce_type == "Permanent" and again.event_id == "evt_clabc123"
    (record,) = caplog.records  # logged once, not per delivery
    assert "WebhookEventData.bounce_subtype" in record.getMessage() and "evt_clabc123" in record.getMessage()
    with pytest.raises(WebhookPayloadError, match=r"WebhookEventData\.bounce_subtype"):
        construct_event(payload, headers_for(payload), SECRET, strict=True)


def test_a_signed_body_with_an_odd_field_keeps_the_raw_value(
    fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    body = event_body(occurred_at="yesterday", data={**event_body()["data"], "recipients": "x@example.com"})
    payload = raw(body)
    with caplog.at_level(logging.WARNING, logger="sendmux"):
        event = construct_event(payload, headers_for(payload), SECRET)
    assert event.occurred_at == "yesterday"  # type: ignore[comparison-overlap]
    assert event.data.recipients == "x@example.com"  # type: ignore[comparison-overlap]
    assert event.data.sender == "sender@example.com"  # the rest decodes as usual
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "WebhookEventPayload.occurred_at" in messages and "WebhookEventData.recipients" in messages
    assert "x@example.com" not in messages  # names fields, never values


def test_payload_error_message_does_not_echo_the_body() -> None:
    body = event_body(data={"recipients": "secret-person@example.com"})
    payload = raw(body)
    with pytest.raises(WebhookPayloadError) as info:
        construct_event(payload, {"X-Sendmux-Signature": signature(payload)}, SECRET, strict=True)
    assert "secret-person" not in str(info.value)


# --- the event object ---------------------------------------------------------------------------------------


def test_event_is_frozen_and_its_repr_hides_payload_and_secret() -> None:
    payload = raw(event_body())
    event = construct_event(payload, headers_for(payload), SECRET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.event_id = "evt_x"  # type: ignore[misc]
    text = repr(event)
    assert "evt_clabc123" in text and "message.bounced" in text
    for hidden in (SECRET, "inbox@example.com", "sender@example.com", "team_clxyz"):
        assert hidden not in text


def test_import_is_light() -> None:
    code = (
        "import sys, sendmux.webhooks; "
        "print(any(m.startswith('sendmux._generated.models.webhook_event') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- properties ---------------------------------------------------------------------------------------------

header_names = st.sampled_from(
    ["X-Sendmux-Signature", "x-sendmux-signature", "X-Sendmux-Event-Id", "x-sendmux-event-type"]
    + ["X-Sendmux-Delivery-Attempt", "Content-Type"]
)
headers_st = st.dictionaries(st.one_of(header_names, st.text(max_size=20)), st.text(max_size=80), max_size=6)


@given(body=st.binary(max_size=512), headers=headers_st)
def test_property_random_bytes_and_headers_raise_only_value_errors(
    body: bytes, headers: dict[str, str]
) -> None:
    # WebhookSignatureError and WebhookPayloadError are both ValueErrors; nothing else may escape.
    with pytest.raises(ValueError):
        construct_event(body, headers, SECRET)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
fields = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=12), json_values),
        "type": st.one_of(st.sampled_from(["message.delivered", "sendmux.test", "x"]), json_values),
        "team_public_id": json_values,
        "occurred_at": st.one_of(st.just("2026-05-21T09:12:00Z"), st.text(max_size=25), json_values),
        "data": st.one_of(st.just(event_body()["data"]), json_values),
    },
)


@settings(max_examples=200)
@given(body=fields, attempt=st.one_of(st.none(), st.text(max_size=5)))
def test_property_signed_json_becomes_an_event_or_a_payload_error(
    body: dict[str, Any], attempt: str | None
) -> None:
    payload = raw(body)
    headers = {"X-Sendmux-Signature": signature(payload)}
    if attempt is not None:
        headers["X-Sendmux-Delivery-Attempt"] = attempt
    try:
        event = construct_event(payload, headers, SECRET)
    except WebhookPayloadError:
        return
    assert event.event_id == body["id"]
    assert event.raw == payload
