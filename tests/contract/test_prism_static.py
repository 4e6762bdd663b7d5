"""Static mode: every operation of every client sends a request Prism finds valid, and decodes.

Prism (request validation on, the default) answers with the spec's examples and lists what it
found wrong in `sl-violations`.  A request violation is a client bug.  Response violations are the
spec's examples disagreeing with its own schemas (e.g. `meta.property1` against a closed
ResponseMeta); the client has to decode those bodies anyway, so they are counted, not failed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from client_calls import call, call_raw, check_decoded, make_clients
from contract_specs import TEST_TOKENS
from operation_args import CALLS
from prism_support import ExchangeRecorder, PrismServer, format_exchanges, parse_violations
from spec_ops import SpecOperation, spec_operations

import sendmux

OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}


def test_table_covers_every_operation() -> None:
    assert len(OPERATIONS) == len(sendmux.OPERATIONS), "duplicate operation_id in sendmux.OPERATIONS"
    missing = sorted(set(OPERATIONS) - set(CALLS))
    assert not missing, f"add valid arguments for these operations to operation_args.CALLS: {missing}"
    assert sorted(OPERATIONS) == sorted(CALLS)


def test_operations_match_the_spec(spec_ops: dict[str, SpecOperation]) -> None:
    assert sorted(spec_ops) == sorted(OPERATIONS)
    assert len(OPERATIONS) == 104
    for operation_id, entry in OPERATIONS.items():
        op = spec_ops[operation_id]
        assert (entry.http_method, entry.path) == (op.http_method, op.path), operation_id


@pytest.fixture(scope="module")
def spec_ops(app_spec: dict[str, Any], sending_spec: dict[str, Any]) -> dict[str, SpecOperation]:
    return {**spec_operations(app_spec), **spec_operations(sending_spec)}


@pytest.fixture(scope="module")
def recorder() -> ExchangeRecorder:
    return ExchangeRecorder()


@pytest.fixture(scope="module")
def client(
    prism_static: PrismServer, prism_sending_static: PrismServer, recorder: ExchangeRecorder
) -> Iterator[dict[str, Any]]:
    """One client per surface, each on the Prism server of its spec."""
    # max_retries=0: a retried failure must not hide behind a later success.
    http = httpx.Client(event_hooks={"response": [recorder]})
    urls = {"app": prism_static.url, "sending": prism_sending_static.url}
    clients = make_clients(urls, TEST_TOKENS, http_client=http, max_retries=0)
    yield clients
    for each in clients.values():
        each.close()
    http.close()


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_call_is_valid_and_decodes(
    operation_id: str,
    client: dict[str, Any],
    recorder: ExchangeRecorder,
    spec_ops: dict[str, SpecOperation],
    prism_stats: Counter[str],
) -> None:
    entry = OPERATIONS[operation_id]
    recorder.clear()
    failure = None
    try:
        # Read to the bottom first: a feed sends its requests as it is iterated.
        check_decoded(entry, call(client, entry))
    except sendmux.SendmuxError as exc:
        failure = f"{entry.qualified_name} raised {type(exc).__name__}: {exc}"
    if failure is not None:
        pytest.fail(f"{failure}\n{format_exchanges(recorder.exchanges)}", pytrace=False)
    # A feed follows `has_more` (Prism's example may say so): every request counts, the first is checked.
    assert len(recorder.exchanges) == 1 or entry.response == "feed", format_exchanges(recorder.exchanges)
    assert not [e for e in recorder.exchanges if e.request_violations()], format_exchanges(recorder.exchanges)
    exchange = recorder.exchanges[0]
    assert 200 <= exchange.status_code < 300, str(exchange)
    # The spec, OPERATIONS and the wire agree on which calls carry an Idempotency-Key (the client
    # makes one when the caller gives none).
    accepts_key = "Idempotency-Key" in spec_ops[operation_id].headers
    assert entry.idempotency_key == accepts_key
    assert ("idempotency-key" in exchange.request_headers) == accepts_key, exchange.request_headers
    prism_stats["static_clean_operations"] += 1
    prism_stats["static_idempotency_keyed_operations"] += accepts_key
    prism_stats["static_response_violations"] += len(exchange.response_violations())


# Event streams and feeds are many responses: they have no `.with_raw_response` twin.
RAW_CALLS = sorted(i for i in CALLS if i in OPERATIONS and OPERATIONS[i].response not in ("events", "feed"))


def test_streams_and_feeds_have_no_raw_twin() -> None:
    assert len(RAW_CALLS) == 104 - sum(e.response in ("events", "feed") for e in OPERATIONS.values())


@pytest.mark.parametrize("operation_id", RAW_CALLS)
def test_raw_response_is_valid_and_parses(
    operation_id: str, client: dict[str, Any], prism_stats: Counter[str]
) -> None:
    entry = OPERATIONS[operation_id]
    raw = call_raw(client, entry)
    assert 200 <= raw.status_code < 300
    violations = [str(v) for v in parse_violations(raw.headers) if v.is_request]
    assert violations == [], f"{entry.qualified_name}: {violations}"
    check_decoded(entry, raw.parse())
    if entry.response == "envelope":
        assert raw.request_id, f"{entry.qualified_name}: no request id on the raw response"
        # The spec's examples put fields in `meta` that ResponseMeta does not list (property1, ...);
        # counted to show the decode above tolerated them.
        meta = json.loads(raw.content)["meta"]
        prism_stats["static_envelopes_with_unlisted_meta_fields"] += bool(set(meta) - {"request_id"})


def test_an_invalid_call_is_caught(client: dict[str, Any], recorder: ExchangeRecorder) -> None:
    # The client forwards a plain-string enum as given, so Prism sees the bad value: proof that a
    # request violation made through the client does reach the recorder.
    recorder.clear()
    with pytest.raises(sendmux.BadRequestError):
        client["management"].domains.create(domain="mail.acme.com", mode="not-a-mode")
    (exchange,) = recorder.exchanges
    assert [(v.location, v.code) for v in exchange.request_violations()] == [
        (("request", "body", "mode"), "enum")
    ]
