"""The async clients against Prism: every operation of every surface sends a valid request (static) and
decodes random responses (dynamic), like the sync tests, fewer dynamic calls since decoding is shared."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from client_calls import STREAM_LIMIT, call_async, check_decoded, make_clients, touch
from contract_specs import TEST_TOKENS
from operation_args import CALLS
from prism_support import ExchangeRecorder, PrismServer, format_exchanges

import sendmux

OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}
ASYNC_DYNAMIC_CALLS = 5
pytestmark = pytest.mark.anyio


async def check_decoded_async(entry: Any, result: Any) -> None:
    """`check_decoded` for what an async method returns: streams and feeds are read asynchronously."""
    if entry.response == "binary":
        async with result:
            assert isinstance(await result.read(), bytes)
    elif entry.response == "events":
        async with result:
            count = 0
            async for event in result:
                touch(event.data)
                count += 1
                if count >= STREAM_LIMIT:
                    break
    elif entry.response == "feed":
        async for item in result:  # the first response (see check_decoded)
            touch(item)
            break
    else:
        check_decoded(entry, result)


async def _run(
    servers: dict[str, PrismServer], operation_id: str, calls: int, *, etag_cache: bool
) -> list[str]:
    """Failures (empty when every call was valid and decoded) for `calls` calls of one operation."""
    entry = OPERATIONS[operation_id]
    recorder = ExchangeRecorder()
    failures: list[str] = []
    urls = {api: server.url for api, server in servers.items()}
    async with httpx.AsyncClient(event_hooks={"response": [recorder.async_hook]}) as http:
        clients = make_clients(
            urls, TEST_TOKENS, is_async=True, http_client=http, max_retries=0, etag_cache=etag_cache
        )
        client = clients[entry.surface]
        async with client:
            for attempt in range(calls):
                recorder.clear()
                try:
                    await check_decoded_async(entry, await call_async(client, entry))
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
    operation_id: str, prism_static: PrismServer, prism_sending_static: PrismServer, prism_stats: Counter[str]
) -> None:
    servers = {"app": prism_static, "sending": prism_sending_static}
    failures = await _run(servers, operation_id, 1, etag_cache=True)
    assert not failures, f"{OPERATIONS[operation_id].qualified_name}: " + "\n".join(failures)
    prism_stats["async_static_clean_operations"] += 1


@pytest.mark.parametrize("operation_id", sorted(CALLS))
async def test_async_random_responses_decode(
    operation_id: str,
    prism_dynamic: PrismServer,
    prism_sending_dynamic: PrismServer,
    prism_stats: Counter[str],
) -> None:
    servers = {"app": prism_dynamic, "sending": prism_sending_dynamic}
    failures = await _run(servers, operation_id, ASYNC_DYNAMIC_CALLS, etag_cache=False)
    assert not failures, f"{OPERATIONS[operation_id].qualified_name}: " + "\n".join(failures[:3])
    prism_stats["async_dynamic_decoded_responses"] += ASYNC_DYNAMIC_CALLS
