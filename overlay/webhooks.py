"""Receive Sendmux webhooks safely: verify the signature, then turn the body into a typed event.

Sendmux POSTs each event with these headers::

    X-Sendmux-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the subscription's secret>
    X-Sendmux-Event-Id: evt_...          (the same on every retry of one event)
    X-Sendmux-Event-Type: message.delivered
    X-Sendmux-Delivery-Attempt: 1

Decisions (documented in the README, "Webhooks"):

- The HMAC key is the secret string exactly as the API returned it (``whsec_...``), UTF-8 encoded.
- The ``sha256=`` prefix must be lowercase, but the hex digest is accepted in either case: it is normalised to
  lowercase before the constant-time compare.  Hex case carries no information, so this loses nothing.
- A ``str`` payload is refused with ``TypeError``: decoded or re-serialised JSON is not the signed bytes.
- Secrets are a configuration matter: an empty secret (or an empty list of them) is a ``ConfigurationError``
  (a ``ValueError``), not a signature failure, so a misconfigured receiver fails loudly instead of rejecting every delivery as forged.
- A correctly signed body decodes as leniently as an API response: a field that does not match its documented
  type keeps its raw value, a missing one reads None, and the first occurrence per (model, field) is logged at
  WARNING (naming the event id, never a value).  Refusing such a delivery would only make Sendmux retry it
  forever.  ``construct_event(..., strict=True)`` raises ``WebhookPayloadError`` instead.
- A correctly signed body that cannot become an event at all (not JSON, not an object, no usable ``id`` or
  ``type``, headers that disagree with the body) raises ``WebhookPayloadError``.  Both it and
  ``WebhookSignatureError`` are ``SendmuxError`` and ``ValueError``, so ``except ValueError`` (or both names)
  rejects every bad delivery with a 400.

No repr contains a secret or a payload; the only log lines are lenient decoding's (model and field names).  The generated event model is imported lazily,
so ``import sendmux.webhooks`` stays light.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias

from ._errors import ConfigurationError, SendmuxError, WebhookSignatureError

if TYPE_CHECKING:
    from ._generated.models.webhook_event_data import WebhookEventData
    from ._generated.models.webhook_event_payload import WebhookEventPayload

__all__ = [
    "DELIVERY_ATTEMPT_HEADER",
    "EVENT_ID_HEADER",
    "EVENT_TYPE_HEADER",
    "SIGNATURE_HEADER",
    "SupportsHeaderItems",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "construct_event",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER: Final = "X-Sendmux-Signature"
EVENT_ID_HEADER: Final = "X-Sendmux-Event-Id"
EVENT_TYPE_HEADER: Final = "X-Sendmux-Event-Type"
DELIVERY_ATTEMPT_HEADER: Final = "X-Sendmux-Delivery-Attempt"

_PREFIX: Final = "sha256="
# fullmatch with an explicit ASCII class: `$` would let a trailing newline through, `\d`/`isdigit` would let
# non-ASCII digits through.
_HEX64: Final = re.compile(r"[0-9a-fA-F]{64}")

BytesLike: TypeAlias = bytes | bytearray | memoryview
Secrets: TypeAlias = str | Sequence[str]


class SupportsHeaderItems(Protocol):
    """Anything with ``items()`` of (name, value): dict, ``httpx.Headers``, werkzeug/Starlette/Django headers,
    and ``BaseHTTPRequestHandler.headers`` (an ``email.message.Message``, which is not a ``Mapping``)."""

    def items(self) -> Iterable[tuple[str, str]]: ...


Headers: TypeAlias = Mapping[str, str] | SupportsHeaderItems


class WebhookPayloadError(SendmuxError, ValueError):
    """A delivery whose signature is valid but which cannot be turned into a :class:`WebhookEvent`.

    The body is not a JSON object, has no usable ``id`` or ``type``, or (with ``strict=True``) does not match
    the ``WebhookEventPayload`` schema; or the ``X-Sendmux-Event-Id`` / ``X-Sendmux-Event-Type`` /
    ``X-Sendmux-Delivery-Attempt`` headers disagree with the body or are malformed.
    """


def _raw_bytes(payload: object) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, bytearray | memoryview):
        return bytes(payload)
    if isinstance(payload, str):
        raise TypeError(
            "webhook payload must be the raw request body as bytes, not str: decoded or re-serialised JSON "
            "differs from the signed bytes (read it e.g. with `request.get_data()`, `await request.body()`, "
            "or `self.rfile.read(length)`)"
        )
    raise TypeError(f"webhook payload must be bytes, not {type(payload).__name__}")


def _secret_list(secret: object) -> list[bytes]:
    # A str is itself a Sequence[str]; treat it as one secret, never as a list of one-character secrets.
    candidates: Sequence[object] = [secret] if isinstance(secret, str) else _as_sequence(secret)
    if not candidates:
        raise ConfigurationError(
            "no webhook secret given: pass the subscription's secret (or a list of them)"
        )
    keys: list[bytes] = []
    for candidate in candidates:
        if not isinstance(candidate, str):
            raise TypeError(f"webhook secret must be str, not {type(candidate).__name__}")
        if not candidate:
            raise ConfigurationError("webhook secret is empty: check the configuration that supplies it")
        keys.append(candidate.encode("utf-8"))
    return keys


def _as_sequence(secret: object) -> Sequence[object]:
    if isinstance(secret, bytes | bytearray | memoryview) or not isinstance(secret, Sequence):
        raise TypeError(
            f"webhook secret must be a str or a sequence of str, not {type(secret).__name__}",
        )
    return secret


def _digest(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def sign(payload: BytesLike, secret: str) -> str:
    """Return the ``X-Sendmux-Signature`` value for ``payload``: ``"sha256=<lowercase hex HMAC-SHA256>"``.

    Useful in your own tests, to post deliveries that :func:`verify_signature` accepts.
    """
    body = _raw_bytes(payload)
    if not isinstance(secret, str):
        raise TypeError(f"webhook secret must be str, not {type(secret).__name__}")
    (key,) = _secret_list(secret)
    return _PREFIX + _digest(key, body)


def verify_signature(payload: BytesLike, signature: str | None, secret: Secrets) -> None:
    """Check that ``signature`` (the ``X-Sendmux-Signature`` header) signs ``payload`` with ``secret``.

    ``payload`` is the raw request body, byte for byte.  ``secret`` may be a list of secrets: the signature is
    accepted if any of them produced it (use ``[old, new]`` for the window after ``rotate_secret``).

    Raises :class:`WebhookSignatureError` for a missing or empty, malformed, wrong-prefix or wrong signature;
    ``TypeError`` for a ``str`` payload; ``ConfigurationError`` for an empty secret.
    """
    body = _raw_bytes(payload)
    keys = _secret_list(secret)
    if signature is None:
        raise WebhookSignatureError(f"missing {SIGNATURE_HEADER} header")
    if not isinstance(signature, str):
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} must be a str, not {type(signature).__name__}")
    # Surrounding whitespace is not part of an HTTP field value (RFC 9110 §5.5); servers usually strip it.
    received = signature.strip(" \t")
    if not received:
        raise WebhookSignatureError(f"empty {SIGNATURE_HEADER} header")
    if not received.startswith(_PREFIX):
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} must start with {_PREFIX!r}")
    hex_part = received[len(_PREFIX) :]
    if not _HEX64.fullmatch(hex_part):
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} must be {_PREFIX!r} followed by 64 hex digits")
    # Normalise the case of the received hex only (never of anything secret-derived); then compare the whole
    # `sha256=<hex>` value in constant time against every candidate, without stopping at the first match, so
    # timing does not reveal which secret of a rotation pair matched.
    normalised = (_PREFIX + hex_part.lower()).encode("ascii")
    matched = False
    for key in keys:
        expected = (_PREFIX + _digest(key, body)).encode("ascii")
        matched |= hmac.compare_digest(expected, normalised)
    if not matched:
        raise WebhookSignatureError("webhook signature does not match the payload and secret")


def _header(headers: Headers, name: str) -> str | None:
    """Case-insensitive lookup that works for dicts, ``httpx.Headers`` and werkzeug-style ``Headers``.

    Scans ``items()`` rather than iterating keys: werkzeug's ``Headers`` iterates as (key, value) pairs.  A name
    given more than once with different values is ambiguous and returned as a comma-joined list, which no
    valid value matches.
    """
    wanted = name.lower()
    values: list[str] = []
    for key, value in headers.items():
        if not isinstance(key, str) or key.lower() != wanted:
            continue
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str):
            raise TypeError(f"header {name} must be a str, not {type(value).__name__}")
        if value not in values:
            values.append(value)
    if not values:
        return None
    return ", ".join(values)


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified webhook delivery.

    ``event_id`` and ``event_type`` are the body's, and equal to the headers when those are sent (the headers
    are not signed, so they are checked, never trusted alone); retries of one event share its ``event_id``,
    so use it to deduplicate.  ``delivery_attempt`` is ``None`` when the header is
    absent.  ``payload`` is the typed ``WebhookEventPayload``; ``raw`` is the exact signed body.
    """

    event_id: str
    event_type: str
    delivery_attempt: int | None
    payload: WebhookEventPayload = field(repr=False, compare=False)
    raw: bytes = field(repr=False)

    @property
    def data(self) -> WebhookEventData:
        return self.payload.data

    @property
    def occurred_at(self) -> datetime:
        return self.payload.occurred_at

    @property
    def team_public_id(self) -> str:
        return self.payload.team_public_id


def _type_value(value: object) -> str | None:
    # Open enum: known types are enum members, unknown ones plain strings.
    inner = getattr(value, "value", value)
    return inner if isinstance(inner, str) else None


def construct_event(
    payload: BytesLike, headers: Headers, secret: Secrets, *, strict: bool = False
) -> WebhookEvent:
    """Verify a delivery and parse it into a :class:`WebhookEvent`.

    ``headers`` is the request's header mapping (looked up case-insensitively); ``payload`` the raw body bytes.
    The signature is checked before anything in the body is parsed.  The body decodes leniently, like an API
    response (see the module docstring); ``strict=True`` raises :class:`WebhookPayloadError` for any field
    that does not match the schema.

    Raises :class:`WebhookSignatureError` (bad or missing signature), :class:`WebhookPayloadError` (signed body
    that is not a valid event, or headers that disagree with it), ``TypeError`` for a ``str`` payload and
    ``ConfigurationError`` for an empty secret.
    """
    body = _raw_bytes(payload)
    if not callable(getattr(headers, "items", None)):
        raise TypeError(f"headers must be a mapping, not {type(headers).__name__}")
    verify_signature(body, _header(headers, SIGNATURE_HEADER), secret)

    try:
        decoded: Any = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise WebhookPayloadError("webhook body is not valid JSON") from exc
    if not isinstance(decoded, dict):
        raise WebhookPayloadError(f"webhook body must be a JSON object, not {type(decoded).__name__}")
    event = _decode_payload(decoded, strict)

    # Checked here, not trusted to the model: these become the str fields of WebhookEvent.
    body_id: object = event.id
    body_type = _type_value(event.type)
    if not isinstance(body_id, str) or not body_id:
        raise WebhookPayloadError("webhook body's id must be a non-empty string")
    if body_type is None or not body_type:
        raise WebhookPayloadError("webhook body's type must be a non-empty string")
    header_id = _header(headers, EVENT_ID_HEADER)
    if header_id is not None and header_id.strip() != body_id:
        raise WebhookPayloadError(f"{EVENT_ID_HEADER} header does not match the event id in the body")
    header_type = _header(headers, EVENT_TYPE_HEADER)
    if header_type is not None and header_type.strip() != body_type:
        raise WebhookPayloadError(f"{EVENT_TYPE_HEADER} header does not match the event type in the body")

    return WebhookEvent(
        event_id=body_id,
        event_type=body_type,
        delivery_attempt=_delivery_attempt(_header(headers, DELIVERY_ATTEMPT_HEADER)),
        payload=event,
        raw=body,
    )


# What a generated decoder raises for a body of the wrong shape (see sendmux._parse).
_DECODE_ERRORS = (SendmuxError, LookupError, TypeError, ValueError, AttributeError, RecursionError)


def _decode_payload(decoded: dict[str, Any], strict: bool) -> WebhookEventPayload:
    # Lazy: the generated models are only needed once a delivery is actually verified.
    from ._generated.models.webhook_event_payload import WebhookEventPayload

    try:
        return WebhookEventPayload.from_dict(decoded)
    except _DECODE_ERRORS as exc:
        if strict:
            raise _payload_error(exc) from exc
    from ._model import lenient_decoding

    event_id = decoded.get("id")
    source = (
        f"webhook event {event_id[:64]!r}" if isinstance(event_id, str) else "webhook event without an id"
    )
    try:
        with lenient_decoding(source=source):
            return WebhookEventPayload.from_dict(decoded)
    except _DECODE_ERRORS as exc:  # not reached for a JSON object; kept so nothing escapes raw
        raise _payload_error(exc) from exc


def _payload_error(exc: BaseException) -> WebhookPayloadError:
    # Name the field, never echo its value: the body may hold personal data.
    where = type(exc).__name__
    model, path = getattr(exc, "model", None), getattr(exc, "field", None)
    if isinstance(model, str) and isinstance(path, str):  # sendmux._decoding.ModelDecodeError
        where = f"{model}.{path}" if path else model
    return WebhookPayloadError(f"webhook body does not match the WebhookEventPayload schema ({where})")


def _delivery_attempt(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    # ASCII digits only: int() would also accept "+1", "1_0" and non-ASCII digits.
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < 1:
        raise WebhookPayloadError(f"{DELIVERY_ATTEMPT_HEADER} header must be a positive integer")
    return int(text)
