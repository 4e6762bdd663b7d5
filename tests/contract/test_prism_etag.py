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
from client_calls import call, raw_method_of
from operation_args import CALLS
from prism_support import TEST_API_KEY, PrismServer
from spec_ops import SpecOperation, spec_operations

import sendmux

OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}
NOT_MODIFIED = {"Prefer": "code=304"}


@pytest.fixture(scope="module")
def spec_ops(management_spec: dict[str, Any]) -> dict[str, SpecOperation]:
    return spec_operations(management_spec)


@pytest.fixture
def client(prism_static: PrismServer) -> Iterator[sendmux.Sendmux]:
    # A fresh client (and cache) per test, so one operation's entries never serve another's.
    with sendmux.Sendmux(api_key=TEST_API_KEY, base_url=prism_static.url, max_retries=0) as smx:
        yield smx


def test_the_spec_documents_304_on_the_if_none_match_gets(spec_ops: dict[str, SpecOperation]) -> None:
    with_304 = sorted(o for o, op in spec_ops.items() if 304 in op.error_statuses)
    assert with_304 == sorted(o for o, e in OPERATIONS.items() if e.if_none_match)
    assert len(with_304) == 8


@pytest.mark.parametrize("operation_id", sorted(o for o, e in OPERATIONS.items() if e.if_none_match))
def test_not_modified_is_served_from_the_cache(
    operation_id: str, client: sendmux.Sendmux, prism_stats: Counter[str]
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
