"""Dynamic mode (`prism mock -d`): random responses generated from the schemas all decode, for every
operation of every client (the Sending API on its own Prism server).

Each operation is called DYNAMIC_CALLS times on one client; every response must decode (and be
read to the bottom, so lazily decoded fields count) without error, and every request must still
pass Prism's validation.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from client_calls import call, check_decoded, make_clients
from contract_specs import TEST_TOKENS
from operation_args import CALLS
from prism_support import ExchangeRecorder, PrismServer, format_exchanges

import sendmux

DYNAMIC_CALLS = int(os.environ.get("SENDMUX_PRISM_DYNAMIC_CALLS", "20"))
OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}


@pytest.fixture(scope="module")
def recorder() -> ExchangeRecorder:
    return ExchangeRecorder()


@pytest.fixture(scope="module")
def client(
    prism_dynamic: PrismServer, prism_sending_dynamic: PrismServer, recorder: ExchangeRecorder
) -> Iterator[dict[str, Any]]:
    # No ETag cache: every call must decode a body from the wire, never a cached copy.
    http = httpx.Client(event_hooks={"response": [recorder]})
    urls = {"app": prism_dynamic.url, "sending": prism_sending_dynamic.url}
    clients = make_clients(urls, TEST_TOKENS, http_client=http, max_retries=0, etag_cache=False)
    yield clients
    for each in clients.values():
        each.close()
    http.close()


def _describe(exc: sendmux.SendmuxError) -> str:
    body = getattr(exc, "body", None)
    text = f"{type(exc).__name__}: {exc}"
    return f"{text}\n      body: {body!r:.800}" if body is not None else text


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_random_responses_decode(
    operation_id: str, client: dict[str, Any], recorder: ExchangeRecorder, prism_stats: Counter[str]
) -> None:
    entry = OPERATIONS[operation_id]
    failures: list[str] = []
    decoded = 0
    for attempt in range(DYNAMIC_CALLS):
        recorder.clear()
        try:
            check_decoded(entry, call(client, entry))
        except sendmux.SendmuxError as exc:
            failures.append(f"  call {attempt}: {_describe(exc)}\n{format_exchanges(recorder.exchanges)}")
            continue
        bad = [e for e in recorder.exchanges if e.request_violations()]
        if bad:
            failures.append(f"  call {attempt}: request violation\n{format_exchanges(bad)}")
            continue
        decoded += 1
    prism_stats["dynamic_decoded_responses"] += decoded
    prism_stats["dynamic_failed_responses"] += len(failures)
    shown = "\n".join(failures[:3])
    assert not failures, f"{entry.qualified_name}: {len(failures)}/{DYNAMIC_CALLS} responses failed\n{shown}"
    assert decoded == DYNAMIC_CALLS
