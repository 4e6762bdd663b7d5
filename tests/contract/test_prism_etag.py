"""The documented 304s: a repeated GET answered `304 Not Modified` is served from the ETag cache.

Prism static mode sends each GET's example ETag; `Prefer: code=304` makes it answer the
revalidation with the spec's 304 response.  The client must hand back an equal, separate copy of
the first result, and say so on the raw response.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from client_calls import call, make_clients, raw_method_of
from contract_specs import TEST_TOKENS, contract_spec
from operation_args import CALLS
from prism_support import PrismServer
from spec_ops import SpecOperation, spec_operations

import sendmux

OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}
NOT_MODIFIED = {"Prefer": "code=304"}


def _documents_etag(spec: dict[str, Any], operation_id: str) -> bool:
    """The operation's success response documents an ETag header (Prism sends it only then)."""
    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return any(
                    "etag" in {h.lower() for h in (r.get("headers") or {})}
                    for code, r in op["responses"].items()
                    if code.startswith("2")
                )
    return False


# The GETs whose spec documents the 304 and the ETag to revalidate (Prism can play both parts).
DOCUMENTED_304 = sorted(
    o
    for spec in (contract_spec("app"), contract_spec("sending"))
    for o, op in spec_operations(spec).items()
    if 304 in op.error_statuses and _documents_etag(spec, o)
)


@pytest.fixture(scope="module")
def spec_ops(app_spec: dict[str, Any], sending_spec: dict[str, Any]) -> dict[str, SpecOperation]:
    return {**spec_operations(app_spec), **spec_operations(sending_spec)}


@pytest.fixture
def client(prism_static: PrismServer, prism_sending_static: PrismServer) -> Iterator[dict[str, Any]]:
    # Fresh clients (and caches) per test, so one operation's entries never serve another's.
    clients = make_clients(
        {"app": prism_static.url, "sending": prism_sending_static.url}, TEST_TOKENS, max_retries=0
    )
    yield clients
    for each in clients.values():
        each.close()


def test_the_spec_documents_304_on_the_if_none_match_gets(spec_ops: dict[str, SpecOperation]) -> None:
    with_304 = sorted(o for o, op in spec_ops.items() if 304 in op.error_statuses)
    # Every GET documenting a 304 takes If-None-Match (some take it without documenting the 304).
    assert set(with_304) <= {o for o, e in OPERATIONS.items() if e.if_none_match}
    assert len([o for o in with_304 if OPERATIONS[o].surface == "management"]) == 8
    assert {o for o in DOCUMENTED_304 if OPERATIONS[o].surface == "management"} == {
        o for o in with_304 if OPERATIONS[o].surface == "management"
    }


@pytest.mark.parametrize("operation_id", DOCUMENTED_304)
def test_not_modified_is_served_from_the_cache(
    operation_id: str, client: dict[str, Any], prism_stats: Counter[str]
) -> None:
    entry = OPERATIONS[operation_id]
    first = call(client, entry)
    args = CALLS[operation_id]
    raw = raw_method_of(client, entry)(*args.args, **args.kwargs, extra_headers=NOT_MODIFIED)
    assert raw.status_code == 304
    assert raw.from_cache, f"{entry.qualified_name}: a 304 not answered from the cache"
    again = raw.parse()
    assert again == first
    assert again is not first, "the cache must hand out a copy, not the object it keeps"
    prism_stats["static_304_served_from_cache"] += 1
