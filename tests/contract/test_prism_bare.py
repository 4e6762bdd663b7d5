"""The published specs as they are (no overlays of ours) through Prism, with the clients' default lenient decoding.

The bare spec types its timestamps as plain strings: Prism's static mode serves the examples (the
placeholder `"string"` for a timestamp) and its dynamic mode random words.  A strict client fails on
those (issue 11: 25 of 54 static operations, 59 of 135 dynamic GETs decoded); the default client keeps
such a field's raw value and decodes the rest, so every operation and every GET must decode here, for
every client (the Sending spec on its own Prism server).  One adaptation stays: Prism cannot serve an
object schema as `text/event-stream`, so the event stream serves the fixed SSE text of `conftest`.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from client_calls import call, check_decoded, make_clients
from contract_specs import TEST_TOKENS, serve, serve_events_as_text
from operation_args import CALLS
from prism_support import PrismServer

import sendmux
from generator import config, fetch, surface

ROUNDS = int(os.environ.get("SENDMUX_PRISM_DYNAMIC_CALLS", "20"))
OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}
GETS = sorted(op_id for op_id, entry in OPERATIONS.items() if entry.http_method == "GET")


def _bare(api: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = fetch.load_pinned(config.load().specs[api].pin)
    bare: dict[str, Any] = serve_events_as_text(surface.prune(surface.select_spec(spec, api)))
    path = tmp_path_factory.mktemp("prism-bare") / f"{api}-bare.json"
    path.write_text(json.dumps(bare, indent=1))
    return path


@pytest.fixture(scope="module")
def bare_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, PrismServer]]:
    yield from _servers(tmp_path_factory, dynamic=False)


@pytest.fixture(scope="module")
def bare_dynamic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, PrismServer]]:
    yield from _servers(tmp_path_factory, dynamic=True)


def _servers(tmp_path_factory: pytest.TempPathFactory, *, dynamic: bool) -> Iterator[dict[str, PrismServer]]:
    app = serve(_bare("app", tmp_path_factory), tmp_path_factory, dynamic=dynamic)
    sending = serve(_bare("sending", tmp_path_factory), tmp_path_factory, dynamic=dynamic)
    try:
        yield {"app": next(app), "sending": next(sending)}
    finally:
        for gen in (app, sending):
            gen.close()


def _clients(servers: dict[str, PrismServer], **options: Any) -> dict[str, Any]:
    urls = {api: server.url for api, server in servers.items()}
    return make_clients(urls, TEST_TOKENS, max_retries=0, etag_cache=False, **options)


def _close(clients: dict[str, Any]) -> None:
    for client in clients.values():
        client.close()


def test_static_every_operation_decodes(
    bare_static: dict[str, PrismServer], prism_stats: Counter[str]
) -> None:
    failures: list[str] = []
    clients = _clients(bare_static)
    try:
        for operation_id in sorted(CALLS):
            entry = OPERATIONS[operation_id]
            try:
                check_decoded(entry, call(clients, entry))
            except sendmux.SendmuxError as exc:
                failures.append(f"{entry.qualified_name}: {type(exc).__name__}: {exc}")
    finally:
        _close(clients)
    prism_stats["bare_static_decoded"] = len(CALLS) - len(failures)
    assert not failures, "\n".join(failures)
    assert len(CALLS) == len(OPERATIONS) == 104


def test_static_strict_client_still_refuses_the_placeholder_timestamps(
    bare_static: dict[str, PrismServer],
) -> None:
    # The same bodies through a strict client: the examples' `"string"` timestamps are refused, by name.
    clients = _clients(bare_static, strict_response_validation=True)
    try:
        with pytest.raises(sendmux.APIResponseValidationError, match=r"created_at|updated_at|_at\b"):
            clients["management"].domains.get("mdom_123")
    finally:
        _close(clients)


def test_static_odd_fields_are_logged_with_model_field_and_request_id(
    bare_static: dict[str, PrismServer], caplog: pytest.LogCaptureFixture
) -> None:
    from sendmux import _model

    _model._warned.clear()
    clients = _clients(bare_static)
    try:
        with caplog.at_level(logging.WARNING, logger="sendmux"):
            domain = clients["management"].domains.get("mdom_123")
    finally:
        _close(clients)
    assert domain.created_at == "string"  # type: ignore[comparison-overlap]  # the example, kept raw
    messages = [
        r.getMessage() for r in caplog.records if r.name == "sendmux" and r.levelno == logging.WARNING
    ]
    assert any("MailboxDomain.created_at" in m and str(sendmux.get_request_id(domain)) in m for m in messages)


@pytest.mark.parametrize("operation_id", GETS)
def test_dynamic_every_get_decodes(
    operation_id: str, bare_dynamic: dict[str, PrismServer], prism_stats: Counter[str]
) -> None:
    entry = OPERATIONS[operation_id]
    failures: list[str] = []
    clients = _clients(bare_dynamic)
    try:
        for attempt in range(ROUNDS):
            try:
                check_decoded(entry, call(clients, entry))
            except sendmux.SendmuxError as exc:
                failures.append(
                    f"  round {attempt}: {type(exc).__name__}: {exc}\n      body: {getattr(exc, 'body', None)!r:.600}"
                )
    finally:
        _close(clients)
    prism_stats["bare_dynamic_decoded_gets"] += ROUNDS - len(failures)
    prism_stats["bare_dynamic_failed_gets"] += len(failures)
    assert not failures, f"{entry.qualified_name}: {len(failures)}/{ROUNDS} failed\n" + "\n".join(
        failures[:3]
    )
