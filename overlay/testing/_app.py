"""One request through the fake: auth, rate limit, route, permission, faults, validation, handler, envelope.

Independent of sockets: `_server.py` feeds it parsed requests and acts on the `Outcome`.
"""

from __future__ import annotations

import hashlib
import json
import threading
import traceback
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from ._context import Ctx, Outcome
from ._faults import BEFORE_APPLY, Fault, Faults, error_response, spoil_body
from ._mail_messages import TOKEN_ROUTES, UPLOAD_PREFIX, presigned_put
from ._protocol import (
    ApiError,
    IdempotencyStore,
    RateLimiter,
    RateState,
    Response,
    Result,
    body_error,
    etag_matches,
    fingerprint,
    new_id,
    permits,
    weak_etag,
)
from ._routes import Route, match
from ._state import ApiKey, State
from ._validate import check

if TYPE_CHECKING:
    from ._webhook_delivery import Deliverer

API_PREFIX = "/api/v1"
# One fake serves the Sending API (another server in production) under this prefix: `fake.sending_url`.
SENDING_PREFIX = "/sending/api/v1"
MAX_BODY = 1_048_576
MAX_UPLOAD = 26_214_400  # binary uploads (the Sending API's attachment limit: 25 MiB)
MAILBOX_LIMITS: dict[str, int] = {  # GET /mailbox/session's `limits`, as the real API states them
    "list_limit_max": 100,
    "changes_limit_max": 500,
    "batch_ids_max": 100,
    "message_body_chars_default": 100_000,
    "thread_body_chars_default": 20_000,
    "body_chars_max": 1_000_000,
    "inline_attachment_bytes_max": 5_242_880,
    "attachment_upload_bytes_max": 26_214_400,
    "outbound_raw_message_bytes_max": 36_700_160,
    "keywords_per_update_max": 50,
}
# Which key kinds each API takes; tokens with none of these prefixes are OAuth tokens, taken everywhere.
KEY_PREFIXES = {
    "management": ("smx_root_",),
    "mailbox": ("smx_mbx_", "smx_agent_"),
    "sending": ("smx_mbx_", "smx_agent_"),
}
KNOWN_PREFIXES = ("smx_root_", "smx_mbx_", "smx_agent_")


@dataclass
class Counters:
    """What the server saw and did.  Keys of `requests`/`applied`/`replayed` are routes like
    `"POST /domains"`; `created` counts objects created through the API by kind (`"domains"`)."""

    requests: Counter[str] = field(default_factory=Counter)
    applied: Counter[str] = field(default_factory=Counter)
    created: Counter[str] = field(default_factory=Counter)
    replayed: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    # The server's lock: counters change while requests run, so copies are taken under it.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def reset(self) -> None:
        with self.lock:
            for c in (self.requests, self.applied, self.created, self.replayed, self.faults, self.statuses):
                c.clear()

    def snapshot(self) -> dict[str, dict[Any, int]]:
        """Plain-dict copies of every counter, consistent with each other."""
        with self.lock:
            return {
                "requests": dict(self.requests),
                "applied": dict(self.applied),
                "created": dict(self.created),
                "replayed": dict(self.replayed),
                "faults": dict(self.faults),
                "statuses": dict(self.statuses),
            }


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the server received it (headers lower-cased), with what it answered."""

    method: str
    path: str
    route: str
    operation_id: str | None
    headers: dict[str, str]
    body: bytes
    status: int | None
    fault: str | None
    request_id: str


class App:
    def __init__(
        self,
        *,
        rate_limit: int | None,
        rate_window: float,
        fault_seed: int | None,
        record_requests: int,
        sending_rate_limit: int | None = 1800,
    ) -> None:
        self.state = State()
        self.lock = threading.RLock()
        self.counters = Counters(lock=self.lock)
        self.faults = Faults(fault_seed)
        self.limiter = RateLimiter(rate_limit, rate_window)
        self.sending_limiter = RateLimiter(sending_rate_limit, rate_window)
        self.idempotency = IdempotencyStore()
        self.requests: deque[RecordedRequest] = deque(maxlen=record_requests)
        self.stopping = threading.Event()
        self.crashes: list[str] = []
        # Mailbox event streams wait on this (it shares the server lock) for new events.
        self.mail_changed = threading.Condition(self.lock)
        self.sse_ping: float | None = None  # seconds between `: ping` comments (None: the request's `ping`)
        self.sse_retry_ms = 1000  # the `retry:` an event stream announces
        self.rejected_recipients: set[str] = set()  # the Sending API refuses these (lower-cased) addresses
        self.max_upload = MAX_UPLOAD  # largest binary upload / attachment, in bytes
        self.mailbox_limits: dict[str, int] = dict(MAILBOX_LIMITS)  # what GET /mailbox/session states
        self.deliverer: Deliverer  # set by FakeSendmux

    # ---- entry point --------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Outcome:
        request_id = new_id("req")
        split = urlsplit(target)
        path = split.path
        sending = path.startswith(SENDING_PREFIX)
        prefix = SENDING_PREFIX if sending else API_PREFIX
        found = match(method, path[len(prefix) :], sending=sending) if path.startswith(prefix) else None
        route_name = found[0].name if found else f"{method} {path}"
        op_id = found[0].operation_id if found else None
        auth = headers.get("authorization", "")
        needs_key = found is None or found[0].auth
        if found and not auth and found[0].operation_id in TOKEN_ROUTES and "download_token=" in split.query:
            needs_key = False  # a `download_url` carries its own short-lived credential
        limiter = self.sending_limiter if sending else self.limiter
        rate = limiter.hit(auth if needs_key and auth else "anonymous")
        fault: Fault | None = None
        if path.startswith(UPLOAD_PREFIX):
            return self._presigned(method, path, split.query, headers, body, request_id, rate)
        try:
            with self.lock:
                self.counters.requests[route_name] += 1
                key = self.state.authenticate(auth) if needs_key else None
            if not rate.allowed:
                raise ApiError(
                    "rate_limit_exceeded",
                    "Rate limit exceeded; retry after the window resets.",
                    headers={"Retry-After": str(rate.retry_after())},
                )
            if found is None:
                raise ApiError("not_found", f"No route {method} {path}.")
            route, path_params = found
            if key is not None:
                self._check_key_kind(key, route)
                if not permits(key.granted, route.permission):
                    raise ApiError(
                        "insufficient_permissions",
                        f"This API key lacks the {route.permission!r} permission.",
                        param=route.permission,
                    )
            fault = self.faults.pick(op_id, route_name, f"{method} {path[len(prefix) :]}")
            if fault is not None:
                with self.lock:
                    self.counters.faults[fault.kind] += 1
                if fault.kind == "delay":
                    self.stopping.wait(fault.delay)
            if fault is not None and fault.kind in BEFORE_APPLY:
                outcome = self._before_apply(fault, request_id, rate)
            else:
                response = self._apply(route, path_params, key, split.query, headers, body, request_id, rate)
                outcome = Outcome(response)
                if fault is not None and fault.kind != "delay":
                    outcome = self._after_apply(fault, response)
        except ApiError as exc:
            outcome = Outcome(self._error(exc, request_id, rate))
        except Exception as exc:  # a bug in the fake: answer like the API would, and keep the traceback
            with self.lock:
                self.crashes.append(traceback.format_exc())
            error = ApiError("internal_error", f"FakeSendmux failed: {type(exc).__name__}: {exc}")
            outcome = Outcome(self._error(error, request_id, rate))
        self._record(
            method, path, route_name, op_id, headers, body, outcome.response.status, fault, request_id
        )
        return outcome

    def _presigned(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        request_id: str,
        rate: RateState,
    ) -> Outcome:
        """A PUT to a Mailbox API presigned `upload_url` (not an operation of the spec)."""
        try:
            with self.lock:
                self.counters.requests[f"{method} {UPLOAD_PREFIX}{{upload_id}}"] += 1
                result = presigned_put(self, method, path, query, dict(headers), body)
            response = self._success(result, request_id, rate, headers)
        except ApiError as exc:
            response = self._error(exc, request_id, rate)
        self._record(method, path, f"{method} {path}", None, headers, body, response.status, None, request_id)
        return Outcome(response)

    @staticmethod
    def _check_key_kind(key: ApiKey, route: Route) -> None:
        """Management takes `smx_root_` keys, the Mailbox and Sending APIs mailbox/agent keys; OAuth
        tokens (no known prefix) work on all three."""
        if not key.token.startswith(KNOWN_PREFIXES):
            return
        if not key.token.startswith(KEY_PREFIXES[route.surface]):
            wanted = " or ".join(f"`{p}`" for p in KEY_PREFIXES[route.surface])
            raise ApiError(
                "authentication_required",
                f"The {route.surface.capitalize()} API takes {wanted} keys or an OAuth token.",
            )

    # ---- the real work ------------------------------------------------------------------------------

    def _apply(
        self,
        route: Route,
        path_params: dict[str, str],
        key: ApiKey | None,
        raw_query: str,
        headers: Mapping[str, str],
        raw_body: bytes,
        request_id: str,
        rate: RateState,
    ) -> Response:
        limit = self.max_upload if route.request_body == "binary" else MAX_BODY
        if len(raw_body) > limit:
            raise ApiError("payload_too_large", f"Request body exceeds {limit} bytes.")
        if route.request_body == "binary" and "content-length" not in headers:
            # Uploads need their exact size up front (no chunked transfer encoding).
            raise ApiError(
                "missing_parameter", "Uploads need a Content-Length header.", param="Content-Length"
            )
        query = route.parse_query(parse_qsl(raw_query, keep_blank_values=True))
        body = self._parse_body(route, raw_body)
        idem_key = headers.get("idempotency-key") if route.idempotency_key else None
        if idem_key is not None and not 0 < len(idem_key) <= 255:
            raise ApiError(
                "invalid_parameter", "Idempotency-Key must be 1 to 255 characters.", param="Idempotency-Key"
            )
        with self.lock:
            team = self.state.teams[key.team_id] if key else self.state.default_team()
            owner = team.id
            if route.surface == "mailbox" and key is not None:
                # Mailbox API keys are cached per (mailbox, endpoint, key), says the spec.
                owner += "/" + str(query.get("mailbox_id") or ",".join(key.mailbox_ids))
            scope = (owner, route.operation_id, idem_key or "")
            printed: Any = body if route.request_body != "binary" else hashlib.sha256(raw_body).hexdigest()
            request_print = fingerprint(route.path + "|" + "/".join(path_params.values()), printed)
            if idem_key:
                stored = self.idempotency.lookup(scope, request_print)
                if stored is not None:
                    self.counters.replayed[route.name] += 1
                    return self._replay(stored, rate)
            ctx = Ctx(self, team, key, route, path_params, query, body, headers, raw_body)
            result = route.handler(ctx)
            response = self._success(result, request_id, rate, headers)
            if 200 <= response.status < 300:
                self.counters.applied[route.name] += 1
                if idem_key:
                    self.idempotency.store(scope, request_print, response)
            return response

    @staticmethod
    def _parse_body(route: Route, raw: bytes) -> dict[str, Any]:
        if route.body_schema is None or route.request_body != "json":
            return {}
        if not raw.strip():
            value: Any = {}
        else:
            try:
                value = json.loads(raw)
            except ValueError as exc:
                raise ApiError(
                    "invalid_parameter", f"Request body is not valid JSON: {exc}", param="body"
                ) from exc
        issues = check(route.body_schema, value)
        if issues:
            raise body_error(issues)
        return dict(value)

    # ---- responses ----------------------------------------------------------------------------------

    @staticmethod
    def _base_headers(request_id: str, rate: RateState) -> list[tuple[str, str]]:
        headers = [("X-Request-Id", request_id), ("Cache-Control", "no-store")]
        headers.extend(rate.headers().items())
        return headers

    def _success(
        self, result: Result, request_id: str, rate: RateState, req_headers: Mapping[str, str]
    ) -> Response:
        headers = self._base_headers(request_id, rate)
        headers.extend(result.headers.items())
        if result.stream is not None:
            headers.append(("Content-Type", result.content_type or "application/octet-stream"))
            return Response(result.status, headers, b"", result.stream, result.length)
        if result.text is not None:
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
            return Response(result.status, headers, result.text.encode())
        if result.etag:
            tag = weak_etag(result.data)
            headers.append(("ETag", tag))
            given = req_headers.get("if-none-match")
            if given is not None and etag_matches(given, tag):
                return Response(304, headers, b"")
        if result.raw:
            headers.append(("Content-Type", "application/json"))
            return Response(result.status, headers, json.dumps(result.data).encode())
        envelope: dict[str, Any] = {"ok": True, "data": result.data}
        if result.pagination is not None:
            envelope["pagination"] = result.pagination
        envelope["meta"] = {"request_id": request_id, **result.meta}
        headers.append(("Content-Type", "application/json"))
        return Response(result.status, headers, json.dumps(envelope, separators=(",", ":")).encode())

    def _error(self, exc: ApiError, request_id: str, rate: RateState) -> Response:
        headers = self._base_headers(request_id, rate)
        headers.extend(exc.headers.items())
        headers.append(("Content-Type", "application/json"))
        return Response(exc.status, headers, json.dumps(exc.body(request_id)).encode())

    @staticmethod
    def _replay(stored: Response, rate: RateState) -> Response:
        """The first response again, with current rate-limit headers (request id kept: it names the body)."""
        fresh = rate.headers()
        headers = [(k, fresh.get(k, v)) for k, v in stored.headers]
        headers.append(("Idempotent-Replayed", "true"))
        return Response(stored.status, headers, stored.body)

    def _before_apply(self, fault: Fault, request_id: str, rate: RateState) -> Outcome:
        if fault.kind == "reset_before_apply":
            return Outcome(Response(0, [], b""), "reset")
        status, extra, payload = error_response(fault, request_id)
        return Outcome(Response(status, self._base_headers(request_id, rate) + list(extra.items()), payload))

    @staticmethod
    def _after_apply(fault: Fault, response: Response) -> Outcome:
        if fault.kind == "reset_after_apply":
            return Outcome(response, "reset")
        if fault.kind == "drop_mid_stream":
            if response.stream is None:
                return Outcome(response, "truncate")
            return Outcome(response, "drop", fault.after)
        if fault.kind == "truncated_json":
            return Outcome(response, "truncate")
        is_json = any(k == "Content-Type" and v.startswith("application/json") for k, v in response.headers)
        if not is_json or not response.body:
            return Outcome(response)
        return Outcome(Response(response.status, response.headers, spoil_body(fault, response.body)))

    def _record(
        self,
        method: str,
        path: str,
        route_name: str,
        op_id: str | None,
        headers: Mapping[str, str],
        body: bytes,
        status: int,
        fault: Fault | None,
        request_id: str,
    ) -> None:
        with self.lock:
            self.counters.statuses[status] += 1
            self.requests.append(
                RecordedRequest(
                    method,
                    path,
                    route_name,
                    op_id,
                    dict(headers),
                    body,
                    status or None,
                    fault.kind if fault else None,
                    request_id,
                )
            )
