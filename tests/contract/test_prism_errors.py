"""Every documented error response of every operation maps to the right typed error.

Prism answers with a documented status when asked with `Prefer: code=<status>`: in static mode the
spec's error example, in dynamic mode a random body from the error schema.  Either way the client
must raise the `APIStatusError` subclass for that status (issue 3 §3) and nothing else — no
KeyError or decode error escaping from an odd error body, no retry (max_retries=0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from client_calls import make_clients, method_of
from contract_specs import TEST_TOKENS
from operation_args import CALLS
from prism_support import PrismServer
from spec_ops import SpecOperation, spec_operations

import sendmux

OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}
EXPECTED: dict[int, type[sendmux.APIStatusError]] = {
    400: sendmux.BadRequestError,
    401: sendmux.AuthenticationError,
    402: sendmux.InsufficientCreditsError,
    403: sendmux.PermissionDeniedError,
    404: sendmux.NotFoundError,
    409: sendmux.ConflictError,
    413: sendmux.PayloadTooLargeError,
    422: sendmux.UnprocessableEntityError,
    429: sendmux.RateLimitError,
    500: sendmux.InternalServerError,
    503: sendmux.ServiceUnavailableError,
}
DYNAMIC_ERROR_CALLS = 3
# The app spec's one error example (every error response shares it); the Sending spec has none, so
# Prism's static body there is built from the schema and only the typed class and status are checked.
EXAMPLE_CODE = "invalid_parameter"


@pytest.fixture(scope="module")
def spec_ops(app_spec: dict[str, Any], sending_spec: dict[str, Any]) -> dict[str, SpecOperation]:
    return {**spec_operations(app_spec), **spec_operations(sending_spec)}


def _clients(app: PrismServer, sending: PrismServer) -> Iterator[dict[str, Any]]:
    urls = {"app": app.url, "sending": sending.url}
    clients = make_clients(urls, TEST_TOKENS, max_retries=0, etag_cache=False)
    yield clients
    for client in clients.values():
        client.close()


@pytest.fixture(scope="module")
def static_client(prism_static: PrismServer, prism_sending_static: PrismServer) -> Iterator[dict[str, Any]]:
    yield from _clients(prism_static, prism_sending_static)


@pytest.fixture(scope="module")
def dynamic_client(
    prism_dynamic: PrismServer, prism_sending_dynamic: PrismServer
) -> Iterator[dict[str, Any]]:
    yield from _clients(prism_dynamic, prism_sending_dynamic)


def _raise_with(client: dict[str, Any], entry: Any, status: int) -> BaseException | None:
    """Call asking Prism for `status`; the exception raised (None if the call returned)."""
    call = CALLS[entry.operation_id]
    try:
        result = method_of(client, entry)(
            *call.args, **call.kwargs, extra_headers={"Prefer": f"code={status}"}
        )
        if entry.response in ("events", "feed"):
            next(iter(result))  # streams and feeds send their request on first use
    except Exception as exc:  # anything, so a wrong kind of exception is reported, not raised
        return exc
    return None


def _statuses(op: SpecOperation) -> list[int]:
    unknown = sorted(set(op.error_statuses) - set(EXPECTED) - {304})
    assert not unknown, f"{op.operation_id}: no expected error class for {unknown}; extend EXPECTED"
    return [s for s in op.error_statuses if s != 304]  # 304 is the ETag path, tested elsewhere


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_documented_errors_raise_typed_errors(
    operation_id: str,
    static_client: dict[str, Any],
    spec_ops: dict[str, SpecOperation],
    prism_stats: Counter[str],
) -> None:
    entry = OPERATIONS[operation_id]
    problems: list[str] = []
    for status in _statuses(spec_ops[operation_id]):
        exc = _raise_with(static_client, entry, status)
        expected = EXPECTED[status]
        if type(exc) is not expected:
            problems.append(f"{status}: expected {expected.__name__}, got {type(exc).__name__}: {exc}")
            continue
        assert isinstance(exc, sendmux.APIStatusError)
        prism_stats["static_error_responses_typed"] += 1
        if entry.surface == "sending":
            if exc.status_code != status:
                problems.append(f"{status}: status_code={exc.status_code}")
            continue
        if exc.status_code != status or exc.code != EXAMPLE_CODE or not exc.request_id or exc.retryable:
            problems.append(
                f"{status}: status_code={exc.status_code} code={exc.code!r} "
                f"request_id={exc.request_id!r} retryable={exc.retryable!r}"
            )
        if [(e.field, e.code) for e in exc.errors] != [("recipient.email", "invalid_string")]:
            problems.append(f"{status}: errors={exc.errors!r}")
        if "\n" in str(exc) or str(status) not in str(exc):
            problems.append(f"{status}: str(error) is not one line naming the status: {str(exc)!r}")
        if status == 403 and entry.permission and entry.permission not in str(exc):
            problems.append(
                f"403: str(error) does not name the permission {entry.permission!r}: {str(exc)!r}"
            )
    assert not problems, f"{entry.qualified_name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_random_error_bodies_still_raise_typed_errors(
    operation_id: str,
    dynamic_client: dict[str, Any],
    spec_ops: dict[str, SpecOperation],
    prism_stats: Counter[str],
) -> None:
    entry = OPERATIONS[operation_id]
    problems: list[str] = []
    for status in _statuses(spec_ops[operation_id]):
        for _ in range(DYNAMIC_ERROR_CALLS):
            exc = _raise_with(dynamic_client, entry, status)
            if not isinstance(exc, EXPECTED[status]) or exc.status_code != status:
                problems.append(
                    f"{status}: expected {EXPECTED[status].__name__}, got {type(exc).__name__}: {exc}"
                )
            else:
                prism_stats["dynamic_error_responses_typed"] += 1
    assert not problems, f"{entry.qualified_name}:\n  " + "\n  ".join(problems[:5])
