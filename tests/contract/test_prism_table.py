"""The argument table itself: complete against the spec, and valid on the wire (raw httpx, no client)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from operation_args import CALLS
from prism_support import TEST_API_KEY, ExchangeRecorder, PrismServer, format_exchanges
from spec_ops import HEADER_KWARGS, RUNTIME_HEADERS, SpecOperation, build_request, spec_operations, wire_name

import sendmux

SURFACE = {entry.operation_id: entry.surface for entry in sendmux.OPERATIONS}
TOKENS = {"management": TEST_API_KEY, "mailbox": "smx_mbx_test_table", "sending": "smx_mbx_test_table"}


@pytest.fixture(scope="module")
def operations(app_spec: dict[str, Any], sending_spec: dict[str, Any]) -> dict[str, SpecOperation]:
    return {**spec_operations(app_spec), **spec_operations(sending_spec)}


def test_table_names_exactly_the_spec_operations(operations: dict[str, SpecOperation]) -> None:
    assert len(operations) == 104
    assert sorted(CALLS) == sorted(operations)


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_table_entry_fits_the_spec(operation_id: str, operations: dict[str, SpecOperation]) -> None:
    op = operations[operation_id]
    call = CALLS[operation_id]
    assert len(call.args) == len(op.path_params), f"{op.path} takes {op.path_params}"
    header_kwargs = {HEADER_KWARGS[h] for h in op.headers if h in HEADER_KWARGS}
    known = set(op.query) | header_kwargs | set(op.body or {}) | ({"file"} if op.binary_body else set())
    given = {wire_name(kwarg) for kwarg in call.kwargs}
    assert given <= known, f"not in the spec: {sorted(given - known)}"
    required = {n for n, r in op.query.items() if r} | {n for n, r in (op.body or {}).items() if r}
    required |= {HEADER_KWARGS[h] for h, r in op.headers.items() if r and h in HEADER_KWARGS}
    required |= {"file"} if op.binary_body else set()
    assert required <= given, f"required but missing: {sorted(required - given)}"
    unknown = {h for h, r in op.headers.items() if r and h not in HEADER_KWARGS and h not in RUNTIME_HEADERS}
    assert not unknown, f"a required header parameter needs a table column: {sorted(unknown)}"


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_table_entry_is_valid_for_prism(
    operation_id: str,
    operations: dict[str, SpecOperation],
    prism_static: PrismServer,
    prism_sending_static: PrismServer,
) -> None:
    recorder = ExchangeRecorder()
    surface = SURFACE[operation_id]
    auth = {"Authorization": f"Bearer {TOKENS[surface]}"}
    server = prism_sending_static if surface == "sending" else prism_static
    with httpx.Client(event_hooks={"response": [recorder]}) as http:
        http.send(build_request(server.url, operations[operation_id], CALLS[operation_id], auth))
    (exchange,) = recorder.exchanges
    assert 200 <= exchange.status_code < 300 and not exchange.request_violations(), format_exchanges(
        recorder.exchanges
    )
