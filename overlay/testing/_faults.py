"""Fault injection: per route or for the next N requests, replacing or spoiling the real response."""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass
from typing import Any, Literal, get_args

FaultKind = Literal[
    "rate_limit",  # 429 rate_limit_exceeded + Retry-After, nothing applied
    "unavailable",  # 503 service_unavailable + Retry-After, nothing applied
    "server_error",  # 500 with a JSON error or an HTML page (body="html"), nothing applied
    "bad_gateway",  # 502 with an HTML page (default) or a JSON error, nothing applied
    "reset_before_apply",  # connection reset after reading the request, nothing applied
    "reset_after_apply",  # the request is applied (and kept for idempotent replay), then the connection resets
    "delay",  # sleep `delay` seconds before handling (longer than the client's timeout), then respond
    "truncated_json",  # applied; Content-Length of the full body but only half is sent, then the socket closes
    "invalid_json",  # applied; a complete response whose body is not JSON
    "missing_field",  # applied; `field` (default "id") removed from `data` (every item of a list)
    "unknown_enum",  # applied; `field` (default: the first enum-like field) set to a value the spec lacks
    "unknown_field",  # applied; extra keys added to `data` objects and to the envelope
    "drop_mid_stream",  # applied; a streamed body (SSE, download) stops mid-way with a reset (else: truncated)
    "insufficient_credits",  # 402 insufficient_credits (the Sending API), nothing applied
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
BEFORE_APPLY = frozenset(
    {"rate_limit", "unavailable", "server_error", "bad_gateway", "reset_before_apply", "insufficient_credits"}
)
ENUM_FIELDS = ("status", "type", "mode", "verification_status", "result", "event_type", "reason")
UNKNOWN_ENUM_VALUE = "x_future_value"


@dataclass(eq=False)
class Fault:
    """One injection rule.  `hits` counts the requests it spoiled; `times=None` means until removed."""

    kind: FaultKind
    route: str | None = None
    times: int | None = 1
    probability: float = 1.0
    retry_after: float | None = 1.0
    body: Literal["json", "html"] | None = None
    delay: float = 5.0
    field: str | None = None
    after: int | None = None
    skip: int = 0
    """Matching requests let through untouched before the rule starts spoiling (the 2nd chunk of a batch)."""
    hits: int = 0
    skipped: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, operation_id: str | None, route: str, target: str = "") -> bool:
        if self.route is None or self.route == "*":
            return True
        return self.route in (operation_id, route, target)


class Faults:
    """`fake.faults`: add rules, inspect them, clear them.  Thread-safe; random choices are seedable."""

    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)

    def add(
        self,
        kind: FaultKind,
        *,
        route: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
        retry_after: float | None = 1.0,
        body: Literal["json", "html"] | None = None,
        delay: float = 5.0,
        field: str | None = None,
        after: int | None = None,
        skip: int = 0,
    ) -> Fault:
        """Spoil matching requests.

        `route` is `"POST /domains"` (method + path template), a concrete `"GET /domains/mdom_1"`, an
        operation id (`"managementCreateDomain"`), or None for any route.  `times` requests are spoiled
        (None: all); `probability` < 1 spoils a random share of them (seed with `FakeSendmux(fault_seed=)`).
        `retry_after` (seconds, sent as written) applies to 429/503, `body` to 500/502, `delay` to
        `"delay"`, `field` to `"missing_field"`/`"unknown_enum"`, `after` to `"drop_mid_stream"`: the
        events (SSE: then half of the next event) or bytes (downloads; default half) sent before the drop.
        `skip` lets that many matching requests through first (`skip=1`: spoil the second one on).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        if skip < 0:
            raise ValueError(f"skip must be 0 or more, got {skip}")
        rule = Fault(kind, route, times, probability, retry_after, body, delay, field, after, skip)
        with self._lock:
            self._rules.append(rule)
        return rule

    def next(self, n: int, kind: FaultKind, **options: Any) -> Fault:
        """Spoil the next `n` requests, whatever their route."""
        return self.add(kind, route=None, times=n, **options)

    def remove(self, rule: Fault) -> None:
        with self._lock:
            if rule in self._rules:
                self._rules.remove(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def active(self) -> list[Fault]:
        with self._lock:
            return [r for r in self._rules if not r.exhausted]

    def pick(self, operation_id: str | None, route: str, target: str = "") -> Fault | None:
        """The rule that spoils this request, if any (its hit is counted now).  `route` is the method and
        path template (`"GET /domains/{public_id}"`), `target` the method and concrete path."""
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(operation_id, route, target):
                    continue
                if rule.skipped < rule.skip:
                    rule.skipped += 1
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.hits += 1
                return rule
        return None


# ---- what the spoiled responses look like ---------------------------------------------------------

_HTML = b"<html><head><title>%d</title></head><body><h1>%d %s</h1><hr>nginx</body></html>\n"


def error_response(rule: Fault, request_id: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a fault that answers instead of the handler."""
    status, code, reason = {
        "rate_limit": (429, "rate_limit_exceeded", "Too Many Requests"),
        "unavailable": (503, "service_unavailable", "Service Unavailable"),
        "server_error": (500, "internal_error", "Internal Server Error"),
        "bad_gateway": (502, "internal_error", "Bad Gateway"),
        "insufficient_credits": (402, "insufficient_credits", "Insufficient credits"),
    }[rule.kind]
    headers: dict[str, str] = {}
    if rule.retry_after is not None and rule.kind in ("rate_limit", "unavailable"):
        headers["Retry-After"] = f"{rule.retry_after:g}"
    html = rule.body == "html" or (rule.body is None and rule.kind == "bad_gateway")
    if html:
        headers["Content-Type"] = "text/html"
        return status, headers, _HTML % (status, status, reason.encode())
    payload = {
        "ok": False,
        "error": {
            "code": code,
            "message": f"{reason} (injected by FakeSendmux).",
            "doc_url": "https://sendmux.ai/docs/api/errors#" + code,
            "retryable": rule.kind != "insufficient_credits",
        },
        "meta": {"request_id": request_id},
    }
    headers["Content-Type"] = "application/json"
    return status, headers, json.dumps(payload).encode()


def _objects_in(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict)]
    return []


def spoil_body(rule: Fault, body: bytes) -> bytes:
    """The JSON body changed the way `rule` says (missing/unknown fields, unknown enums, not JSON)."""
    if rule.kind == "invalid_json":
        return b'{"ok": true, "data": {"id": <not json>'
    try:
        envelope = json.loads(body)
    except ValueError:
        return body
    if not isinstance(envelope, dict):
        return body
    targets = _objects_in(envelope.get("data"))
    for obj in targets:
        if rule.kind == "missing_field":
            obj.pop(rule.field or "id", None)
        elif rule.kind == "unknown_enum":
            name = rule.field or next((f for f in ENUM_FIELDS if isinstance(obj.get(f), str)), None)
            if name is not None:
                obj[name] = UNKNOWN_ENUM_VALUE
        elif rule.kind == "unknown_field":
            obj["x_future_field"] = {"added_in": "a later API version"}
    if rule.kind == "unknown_field":
        envelope["x_future_envelope_field"] = True
    return json.dumps(envelope).encode()
