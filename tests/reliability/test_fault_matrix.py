"""Issue 4 §2e: every fault the fake offers x {GET, POST with key, PATCH with If-Match, DELETE}.

Each cell's expected outcome is written down in MATRIX below and checked by one parametrized test over
real sockets.  The operations are on domains:

    GET    /domains/{id}   domains.get      always retry-safe
    POST   /domains        domains.create   retry-safe: the client sends its own Idempotency-Key
    PATCH  /domains/{id}   domains.update   If-Match but no Idempotency-Key (the spec takes none): NOT retried
    DELETE /domains/{id}   domains.delete   always retry-safe

Retry rules (issue 3 §5): 408/429/500/502/503/504 and connection errors are retried (default 2 retries)
unless the request is unsafe to repeat; a success whose body is malformed is an
`APIResponseValidationError` and never retried (the server did the work; repeating could redo it).

Read the table with three facts about the fake's faults in mind:
- `truncated_json` sends a full Content-Length but half the body and resets: httpx sees a broken
  transfer, so it is a *connection* error (retried when safe), not a decode error;
- `reset_after_apply`, `truncated_json` and `delay` apply the write before the client gives up, so a
  retried DELETE finds the object already gone: 404 (what the real API does too, and why a PATCH without
  an idempotency key must not be retried: the caller has to look before trying again);
- `unknown_enum` changes the first enum-like field (`mode` on a domain); a DomainDeleted body has none.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from reliability_helpers import FIGURES, record_figures, wait_for

import sendmux
from sendmux import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    Sendmux,
    SendmuxError,
    ServiceUnavailableError,
)
from sendmux.testing import FAULT_KINDS, FakeSendmux

TIMEOUT = 0.5  # the client's timeout in this module
DELAY = 1.5  # the fake's `delay` fault: well past TIMEOUT, and past TIMEOUT + one fast retry

Method = Literal["GET", "POST", "PATCH", "DELETE"]
METHODS: tuple[Method, ...] = ("GET", "POST", "PATCH", "DELETE")
ROUTES: dict[Method, str] = {
    "GET": "GET /domains/{public_id}",
    "POST": "POST /domains",
    "PATCH": "PATCH /domains/{public_id}",
    "DELETE": "DELETE /domains/{public_id}",
}


@dataclass(frozen=True)
class Expect:
    """One cell: what the call does, how many attempts reach the server, and whether the write happened."""

    outcome: Literal["ok", "error", "decoded", "lenient"]
    attempts: int
    error: type[SendmuxError] | None = None
    applied: bool | None = None  # None: a read, nothing to apply
    kept: Literal["enum", "field"] | None = None  # for "decoded": what unknown thing must survive

    def __str__(self) -> str:
        if self.outcome == "error":
            assert self.error is not None
            tried = "retried, then" if self.attempts > 1 else "not retried:"
            return f"{tried} {self.error.__name__}"
        if self.outcome == "decoded":
            return f"decoded, unknown {self.kept} kept"
        if self.outcome == "lenient":
            return "decoded leniently, the missing field is None"
        return "retried and succeeded" if self.attempts > 1 else "succeeded"


def retried(*, applied: bool | None = True) -> Expect:
    return Expect("ok", 2, applied=applied)


def fails(error: type[SendmuxError], *, attempts: int = 1, applied: bool | None) -> Expect:
    return Expect("error", attempts, error, applied)


def decoded(kept: Literal["enum", "field"], *, applied: bool | None = True) -> Expect:
    return Expect("decoded", 1, applied=applied, kept=kept)


def lenient(*, applied: bool | None = True) -> Expect:
    """The default client keeps a response with a missing required field (`id`), as None."""
    return Expect("lenient", 1, applied=applied)


OK_ONCE = Expect("ok", 1, applied=True)
# 402 gets its own class in the runtime (contract item 8); until then the generic status error.
CREDITS: type[SendmuxError] = getattr(sendmux, "InsufficientCreditsError", APIStatusError)
INVALID = APIResponseValidationError

# fault                  GET                                POST + Idempotency-Key          PATCH + If-Match (no key)                    DELETE
MATRIX: dict[str, tuple[Expect, Expect, Expect, Expect]] = {
    "rate_limit":         (retried(applied=None),           retried(),                      retried(),                                     retried()),
    "unavailable":        (retried(applied=None),           retried(),                      fails(ServiceUnavailableError, applied=False), retried()),
    "server_error":       (retried(applied=None),           retried(),                      fails(InternalServerError, applied=False),     retried()),
    "bad_gateway":        (retried(applied=None),           retried(),                      fails(InternalServerError, applied=False),     retried()),
    "reset_before_apply": (retried(applied=None),           retried(),                      fails(APIConnectionError, applied=False),      retried()),
    "reset_after_apply":  (retried(applied=None),           retried(),                      fails(APIConnectionError, applied=True),       fails(NotFoundError, attempts=2, applied=True)),
    "delay":              (retried(applied=None),           retried(),                      fails(APITimeoutError, applied=True),          retried()),
    "truncated_json":     (retried(applied=None),           retried(),                      fails(APIConnectionError, applied=True),       fails(NotFoundError, attempts=2, applied=True)),
    "invalid_json":       (fails(INVALID, applied=None),    fails(INVALID, applied=True),   fails(INVALID, applied=True),                  fails(INVALID, applied=True)),
    "missing_field":      (lenient(applied=None),           lenient(),                      lenient(),                                     lenient()),
    "unknown_enum":       (decoded("enum", applied=None),   decoded("enum"),                decoded("enum"),                               OK_ONCE),
    "unknown_field":      (decoded("field", applied=None),  decoded("field"),               decoded("field"),                              decoded("field")),
    # On a JSON (not streamed) body the fake's drop_mid_stream is a truncated body.
    "drop_mid_stream":    (retried(applied=None),           retried(),                      fails(APIConnectionError, applied=True),       fails(NotFoundError, attempts=2, applied=True)),
    "insufficient_credits": (fails(CREDITS, applied=None),  fails(CREDITS, applied=False),  fails(CREDITS, applied=False),                 fails(CREDITS, applied=False)),
}  # fmt: skip


def test_matrix_covers_every_fault_kind() -> None:
    # A fault kind added to the fake must get its row here.
    assert set(MATRIX) == set(FAULT_KINDS)


CELLS = [
    pytest.param(kind, method, MATRIX[kind][i], id=f"{kind}-{method}")
    for kind, (i, method) in itertools.product(MATRIX, enumerate(METHODS))
]


class Cell:
    """Sets up one cell's object, runs the call, and reads the server's state afterwards."""

    def __init__(self, fake: FakeSendmux, client: Sendmux, kind: str, method: Method) -> None:
        self.fake, self.client, self.kind, self.method = fake, client, kind, method
        self.route = ROUTES[method]
        self.name = f"cell-{kind.replace('_', '-')}.example.com"
        self.domain_id = ""
        self.etag: str | None = None
        if method != "POST":
            self.domain_id = fake.seed("domains", 1, domain=self.name, mode="send_only")[0]["id"]
        if method == "PATCH":
            # The caller's ETag from an earlier read, as If-Match would be used in real code.
            self.etag = client.domains.with_raw_response.get(self.domain_id).etag
            assert self.etag

    def call(self) -> Callable[[], Any]:
        c, i = self.client, self.domain_id
        return {
            "GET": lambda: c.domains.get(i),
            "POST": lambda: c.domains.create(domain=self.name, mode="send_only"),
            "PATCH": lambda: c.domains.update(i, mode="send_receive", if_match=self.etag or ""),
            "DELETE": lambda: c.domains.delete(i),
        }[self.method]

    def applied(self) -> bool:
        if self.method == "POST":
            return any(d["domain"] == self.name for d in self.fake.objects("domains"))
        if self.method == "PATCH":
            current = self.fake.get("domains", self.domain_id)
            return current is not None and current["mode"] == "send_receive"
        return self.fake.get("domains", self.domain_id) is None

    def delayed_attempt_done(self) -> bool:
        return any(r.route == self.route and r.fault == "delay" for r in self.fake.requests)


@pytest.mark.parametrize(("kind", "method", "expect"), CELLS)
def test_fault_cell(
    fake: FakeSendmux, make_client: Callable[..., Sendmux], kind: str, method: Method, expect: Expect
) -> None:
    client = make_client(timeout=TIMEOUT, max_retries=2)
    cell = Cell(fake, client, kind, method)
    before = fake.counters.requests[cell.route]
    fake.faults.add(kind, route=cell.route, times=1, retry_after=0, delay=DELAY)  # type: ignore[arg-type]

    result: Any = None
    error: SendmuxError | None = None
    try:
        result = cell.call()()
    except SendmuxError as exc:  # anything else (KeyError, httpx errors) fails the test as it should
        error = exc

    attempts = fake.counters.requests[cell.route] - before
    assert fake.counters.faults[kind] == 1, "the fault did not fire"
    assert attempts == expect.attempts, f"{kind} x {method}: expected {expect}, saw {attempts} attempt(s)"

    if expect.outcome == "error":
        assert error is not None, f"{kind} x {method}: expected {expect}, got {result!r}"
        assert type(error) is expect.error, f"{kind} x {method}: expected {expect}, got {error!r}"
        if isinstance(error, APIStatusError | APIResponseValidationError):
            assert error.request_id and error.request_id.startswith("req_")
    else:
        assert error is None, f"{kind} x {method}: expected {expect}, got {error!r}"
        assert result is not None
        if expect.outcome == "lenient":
            assert result.id is None  # the fault removed `id`; the rest decoded
        elif method == "DELETE":
            assert result.deleted is True and result.id == cell.domain_id
        else:
            assert result.id.startswith("mdom_")
        if expect.kept == "enum":
            assert result.mode == "x_future_value" and not result.mode.is_known
        elif expect.kept == "field":
            assert result.additional_properties["x_future_field"] == {"added_in": "a later API version"}

    if kind == "delay":
        # The timed-out first attempt is still sleeping in the fake; let it finish before judging state.
        assert wait_for(cell.delayed_attempt_done, timeout=DELAY + 3)
    if expect.applied is not None:
        assert cell.applied() is expect.applied, f"{kind} x {method}: applied should be {expect.applied}"

    sent = [r for r in fake.requests if r.route == cell.route][-attempts:]
    if method == "POST":
        # Every attempt carried the same client-made key, so the server created the domain at most once.
        keys = {r.headers.get("idempotency-key") for r in sent}
        assert len(keys) == 1 and None not in keys
        assert fake.count("domains") == (1 if expect.applied else 0)
    if method == "PATCH":
        assert all("idempotency-key" not in r.headers for r in sent)
        assert all(r.headers.get("if-match") == cell.etag for r in sent)

    # Reached only when the cell behaved as written: the table as observed, for the lead's note.
    observed = dict(FIGURES.get("2e_fault_matrix", {}))
    observed[f"{kind} x {method}"] = (
        f"{expect} ({attempts} attempt(s), applied={cell.applied() if expect.applied is not None else 'n/a'})"
    )
    record_figures("2e_fault_matrix", observed)
