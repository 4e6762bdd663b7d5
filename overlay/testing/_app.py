"""One request through the fake: auth, rate limit, route, permission, faults, validation, handler, envelope.

Independent of sockets: `_server.py` feeds it parsed requests and acts on the `Outcome`.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlsplit

from ._faults import BEFORE_APPLY, Fault, Faults, error_response, spoil_body
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
from ._state import ApiKey, Record, State, Team
from ._validate import check

if TYPE_CHECKING:
    from ._webhook_delivery import Deliverer

API_PREFIX = "/api/v1"
MAX_BODY = 1_048_576


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


@dataclass(slots=True)
class Outcome:
    response: Response
    action: Literal["send", "reset", "truncate"] = "send"


@dataclass
class Ctx:
    """What a handler sees of its request."""

    app: App
    team: Team
    key: ApiKey
    route: Route
    path_params: dict[str, str]
    query: dict[str, Any]
    body: dict[str, Any]
    headers: Mapping[str, str]

    def if_match(self, current: Any) -> None:
        """409 conflict when `If-Match` names another version than `current` (the GET representation)."""
        given = self.headers.get("if-match")
        tag = weak_etag(current)
        if given is not None and not etag_matches(given, tag):
            # The current ETag is echoed so the caller can decide whether to re-fetch.
            raise ApiError(
                "conflict",
                "The resource changed since you fetched it (If-Match mismatch).",
                headers={"ETag": tag},
            )

    def created(self, kind: str) -> None:
        self.app.counters.created[kind] += 1

    @property
    def deliverer(self) -> Deliverer:
        return self.app.deliverer

    def page(
        self,
        records: list[Record],
        render: Callable[[Record], Any],
        *,
        default_limit: int = 50,
        descending: bool = False,
    ) -> Result:
        """A cursor page over `records` (already filtered, in seq order); the cursor is the last id sent."""
        limit = int(self.query.get("limit", default_limit))
        ordered = sorted(records, key=lambda r: r.seq, reverse=descending)
        cursor = self.query.get("cursor")
        if cursor:
            after = self.team.seq_of.get(str(cursor))
            if after is None:
                raise ApiError("invalid_parameter", "Unknown pagination cursor.", param="cursor")
            ordered = [r for r in ordered if (r.seq < after if descending else r.seq > after)]
        items = ordered[:limit]
        pagination: dict[str, Any] = {"has_more": len(ordered) > limit}
        if pagination["has_more"]:
            pagination["next_cursor"] = items[-1].id
        return Result([render(r) for r in items], pagination=pagination)


class App:
    def __init__(
        self,
        *,
        rate_limit: int | None,
        rate_window: float,
        fault_seed: int | None,
        record_requests: int,
    ) -> None:
        self.state = State()
        self.lock = threading.RLock()
        self.counters = Counters(lock=self.lock)
        self.faults = Faults(fault_seed)
        self.limiter = RateLimiter(rate_limit, rate_window)
        self.idempotency = IdempotencyStore()
        self.requests: deque[RecordedRequest] = deque(maxlen=record_requests)
        self.stopping = threading.Event()
        self.crashes: list[str] = []
        self.deliverer: Deliverer  # set by FakeSendmux

    # ---- entry point --------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Outcome:
        request_id = new_id("req")
        split = urlsplit(target)
        path = split.path
        found = match(method, path[len(API_PREFIX) :]) if path.startswith(API_PREFIX) else None
        route_name = f"{method} {found[0].path}" if found else f"{method} {path}"
        op_id = found[0].operation_id if found else None
        auth = headers.get("authorization", "")
        rate = self.limiter.hit(auth or "anonymous")
        fault: Fault | None = None
        try:
            with self.lock:
                self.counters.requests[route_name] += 1
                key = self.state.authenticate(auth)
            if not rate.allowed:
                raise ApiError(
                    "rate_limit_exceeded",
                    "Rate limit exceeded; retry after the window resets.",
                    headers={"Retry-After": str(rate.retry_after())},
                )
            if found is None:
                raise ApiError("not_found", f"No route {method} {path}.")
            route, path_params = found
            if not permits(key.granted, route.permission):
                raise ApiError(
                    "insufficient_permissions",
                    f"This API key lacks the {route.permission!r} permission.",
                    param=route.permission,
                )
            fault = self.faults.pick(op_id, route_name, f"{method} {path[len(API_PREFIX) :]}")
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

    # ---- the real work ------------------------------------------------------------------------------

    def _apply(
        self,
        route: Route,
        path_params: dict[str, str],
        key: ApiKey,
        raw_query: str,
        headers: Mapping[str, str],
        raw_body: bytes,
        request_id: str,
        rate: RateState,
    ) -> Response:
        if len(raw_body) > MAX_BODY:
            raise ApiError("payload_too_large", f"Request body exceeds {MAX_BODY} bytes.")
        query = route.parse_query(parse_qsl(raw_query, keep_blank_values=True))
        body = self._parse_body(route, raw_body)
        idem_key = headers.get("idempotency-key") if route.idempotency_key else None
        if idem_key is not None and not 0 < len(idem_key) <= 255:
            raise ApiError(
                "invalid_parameter", "Idempotency-Key must be 1 to 255 characters.", param="Idempotency-Key"
            )
        with self.lock:
            team = self.state.teams[key.team_id]
            scope = (team.id, route.operation_id, idem_key or "")
            request_print = fingerprint(route.path + "|" + "/".join(path_params.values()), body)
            if idem_key:
                stored = self.idempotency.lookup(scope, request_print)
                if stored is not None:
                    self.counters.replayed[f"{route.method} {route.path}"] += 1
                    return self._replay(stored, rate)
            ctx = Ctx(self, team, key, route, path_params, query, body, headers)
            result = route.handler(ctx)
            response = self._success(result, request_id, rate, headers)
            if 200 <= response.status < 300:
                self.counters.applied[f"{route.method} {route.path}"] += 1
                if idem_key:
                    self.idempotency.store(scope, request_print, response)
            return response

    @staticmethod
    def _parse_body(route: Route, raw: bytes) -> dict[str, Any]:
        if route.body_schema is None:
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
        if result.text is not None:
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
            return Response(result.status, headers, result.text.encode())
        if result.etag:
            tag = weak_etag(result.data)
            headers.append(("ETag", tag))
            given = req_headers.get("if-none-match")
            if given is not None and etag_matches(given, tag):
                return Response(304, headers, b"")
        envelope: dict[str, Any] = {"ok": True, "data": result.data}
        if result.pagination is not None:
            envelope["pagination"] = result.pagination
        envelope["meta"] = {"request_id": request_id}
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
