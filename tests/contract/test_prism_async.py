"""`AsyncSendmux` against Prism: every operation sends a valid request (static) and decodes random
responses (dynamic), like the sync tests, fewer dynamic calls since the decoding code is shared."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from client_calls import call_async, check_decoded
from operation_args import CALLS
from prism_support import TEST_API_KEY, ExchangeRecorder, PrismServer, format_exchanges

import sendmux

OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}
ASYNC_DYNAMIC_CALLS = 5
pytestmark = pytest.mark.anyio


async def _run(server: PrismServer, operation_id: str, calls: int, *, etag_cache: bool) -> list[str]:
    """Failures (empty when every call was valid and decoded) for `calls` calls of one operation."""
    entry = OPERATIONS[operation_id]
    recorder = ExchangeRecorder()
    failures: list[str] = []
    async with httpx.AsyncClient(event_hooks={"response": [recorder.async_hook]}) as http:
        client = sendmux.AsyncSendmux(
            api_key=TEST_API_KEY, base_url=server.url, http_client=http, max_retries=0, etag_cache=etag_cache
        )
        async with client:
            for attempt in range(calls):
                recorder.clear()
                try:
                    check_decoded(entry, await call_async(client, entry))
                except sendmux.SendmuxError as exc:
                    failures.append(f"call {attempt}: {type(exc).__name__}: {exc}")
                bad = [
                    e for e in recorder.exchanges if e.request_violations() or not 200 <= e.status_code < 300
                ]
                if bad:
                    failures.append(f"call {attempt}:\n{format_exchanges(bad)}")
    return failures


@pytest.mark.parametrize("operation_id", sorted(CALLS))
async def test_async_call_is_valid_and_decodes(
    operation_id: str, prism_static: PrismServer, prism_stats: Counter[str]
) -> None:
    failures = await _run(prism_static, operation_id, 1, etag_cache=True)
    assert not failures, f"{OPERATIONS[operation_id].qualified_name}: " + "\n".join(failures)
    prism_stats["async_static_clean_operations"] += 1


@pytest.mark.parametrize("operation_id", sorted(CALLS))
async def test_async_random_responses_decode(
    operation_id: str, prism_dynamic: PrismServer, prism_stats: Counter[str]
) -> None:
    failures = await _run(prism_dynamic, operation_id, ASYNC_DYNAMIC_CALLS, etag_cache=False)
    assert not failures, f"{OPERATIONS[operation_id].qualified_name}: " + "\n".join(failures[:3])
    prism_stats["async_dynamic_decoded_responses"] += ASYNC_DYNAMIC_CALLS
