"""The argument table itself: complete against the spec, and valid on the wire (raw httpx, no client)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from operation_args import CALLS
from prism_support import TEST_API_KEY, ExchangeRecorder, PrismServer, format_exchanges
from spec_ops import HEADER_KWARGS, SpecOperation, build_request, spec_operations, wire_name


@pytest.fixture(scope="module")
def operations(management_spec: dict[str, Any]) -> dict[str, SpecOperation]:
    return spec_operations(management_spec)


def test_table_names_exactly_the_spec_operations(operations: dict[str, SpecOperation]) -> None:
    assert len(operations) == 54
    assert sorted(CALLS) == sorted(operations)


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_table_entry_fits_the_spec(operation_id: str, operations: dict[str, SpecOperation]) -> None:
    op = operations[operation_id]
    call = CALLS[operation_id]
    assert len(call.args) == len(op.path_params), f"{op.path} takes {op.path_params}"
    header_kwargs = {HEADER_KWARGS[h] for h in op.headers if h in HEADER_KWARGS}
    known = set(op.query) | header_kwargs | set(op.body or {})
    given = {wire_name(kwarg) for kwarg in call.kwargs}
    assert given <= known, f"not in the spec: {sorted(given - known)}"
    required = {n for n, r in op.query.items() if r} | {n for n, r in (op.body or {}).items() if r}
    assert required <= given, f"required but missing: {sorted(required - given)}"
    assert not any(op.headers.values()), "a required header parameter needs a table column"


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_table_entry_is_valid_for_prism(
    operation_id: str, operations: dict[str, SpecOperation], prism_static: PrismServer
) -> None:
    recorder = ExchangeRecorder()
    auth = {"Authorization": f"Bearer {TEST_API_KEY}"}
    with httpx.Client(event_hooks={"response": [recorder]}) as http:
        http.send(build_request(prism_static.url, operations[operation_id], CALLS[operation_id], auth))
    (exchange,) = recorder.exchanges
    assert 200 <= exchange.status_code < 300 and not exchange.request_violations(), format_exchanges(
        recorder.exchanges
    )
