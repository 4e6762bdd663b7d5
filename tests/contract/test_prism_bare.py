"""The published spec as it is (no overlays of ours) through Prism, with the client's default lenient decoding.

The bare spec types its timestamps as plain strings: Prism's static mode serves the examples (the
placeholder `"string"` for a timestamp) and its dynamic mode random words.  A strict client fails on
those (issue 11: 25 of 54 static operations, 59 of 135 dynamic GETs decoded); the default client keeps
such a field's raw value and decodes the rest, so every operation and every GET must decode here.
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
from client_calls import call, check_decoded
from conftest import _serve
from operation_args import CALLS
from prism_support import TEST_API_KEY, PrismServer

import sendmux
from generator import fetch, surface

ROUNDS = int(os.environ.get("SENDMUX_PRISM_DYNAMIC_CALLS", "20"))
OPERATIONS = {entry.operation_id: entry for entry in sendmux.OPERATIONS}
GETS = sorted(op_id for op_id, entry in OPERATIONS.items() if entry.http_method == "GET")


@pytest.fixture(scope="module")
def bare_spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec: dict[str, Any] = surface.prune(surface.select_management(fetch.load_spec()))
    path = tmp_path_factory.mktemp("prism-bare") / "management-bare.json"
    path.write_text(json.dumps(spec, indent=1))
    return path


@pytest.fixture(scope="module")
def bare_static(bare_spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    yield from _serve(bare_spec_path, tmp_path_factory, dynamic=False)


@pytest.fixture(scope="module")
def bare_dynamic(bare_spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    yield from _serve(bare_spec_path, tmp_path_factory, dynamic=True)


def _client(server: PrismServer, **options: Any) -> sendmux.Sendmux:
    return sendmux.Sendmux(
        api_key=TEST_API_KEY, base_url=server.url, max_retries=0, etag_cache=False, **options
    )


def test_static_every_operation_decodes(bare_static: PrismServer, prism_stats: Counter[str]) -> None:
    failures: list[str] = []
    with _client(bare_static) as client:
        for operation_id in sorted(CALLS):
            entry = OPERATIONS[operation_id]
            try:
                check_decoded(entry, call(client, entry))
            except sendmux.SendmuxError as exc:
                failures.append(f"{entry.qualified_name}: {type(exc).__name__}: {exc}")
    prism_stats["bare_static_decoded"] = len(CALLS) - len(failures)
    assert not failures, "\n".join(failures)
    assert len(CALLS) == len(OPERATIONS) == 54


def test_static_strict_client_still_refuses_the_placeholder_timestamps(bare_static: PrismServer) -> None:
    # The same bodies through a strict client: the examples' `"string"` timestamps are refused, by name.
    with _client(bare_static, strict_response_validation=True) as client:
        with pytest.raises(sendmux.APIResponseValidationError, match=r"created_at|updated_at|_at\b"):
            client.domains.get("mdom_123")


def test_static_odd_fields_are_logged_with_model_field_and_request_id(
    bare_static: PrismServer, caplog: pytest.LogCaptureFixture
) -> None:
    from sendmux import _model

    _model._warned.clear()
    with caplog.at_level(logging.WARNING, logger="sendmux"), _client(bare_static) as client:
        domain = client.domains.get("mdom_123")
    assert domain.created_at == "string"  # type: ignore[comparison-overlap]  # the example, kept raw
    messages = [
        r.getMessage() for r in caplog.records if r.name == "sendmux" and r.levelno == logging.WARNING
    ]
    assert any("MailboxDomain.created_at" in m and str(sendmux.get_request_id(domain)) in m for m in messages)


@pytest.mark.parametrize("operation_id", GETS)
def test_dynamic_every_get_decodes(
    operation_id: str, bare_dynamic: PrismServer, prism_stats: Counter[str]
) -> None:
    entry = OPERATIONS[operation_id]
    failures: list[str] = []
    with _client(bare_dynamic) as client:
        for attempt in range(ROUNDS):
            try:
                check_decoded(entry, call(client, entry))
            except sendmux.SendmuxError as exc:
                failures.append(
                    f"  round {attempt}: {type(exc).__name__}: {exc}\n      body: {getattr(exc, 'body', None)!r:.600}"
                )
    prism_stats["bare_dynamic_decoded_gets"] += ROUNDS - len(failures)
    prism_stats["bare_dynamic_failed_gets"] += len(failures)
    assert not failures, f"{entry.qualified_name}: {len(failures)}/{ROUNDS} failed\n" + "\n".join(
        failures[:3]
    )
