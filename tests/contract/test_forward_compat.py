"""Forward compatibility, proven: clients generated from the OLDEST shared spec of each API decode
responses shaped by the pinned (newest) spec — new fields, new enum values, new nullability — over
real HTTP.

Prism serves each pinned spec in dynamic mode (random data from its schemas); the old clients (the
app spec's Management and Mailbox clients; the Sending client from the oldest Sending spec) call
every operation the two specs share, with the arguments of `operation_args.CALLS` filtered to what
the old method accepts.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from client_calls import check_decoded
from contract_specs import TEST_TOKENS
from operation_args import CALLS
from prism_support import PrismServer

import sendmux
from generator import config, diff, fetch, pipeline
from tests.generator.helpers import import_generated, shared_specs

CALLS_PER_OPERATION = 5
SPECS = shared_specs()
SENDING_SPECS = shared_specs("sending")
CLIENT_NAMES = {"management": "Sendmux", "mailbox": "SendmuxMailbox", "sending": "SendmuxSending"}


def _oldest(tmp_path_factory: pytest.TempPathFactory, specs: list[Path], label: str) -> ModuleType:
    """The package generated from the oldest of `specs` (skipped when the history is not on disk)."""
    if not specs:
        pytest.skip(f"no historical specs on disk for {label}")
    out = tmp_path_factory.mktemp(label) / "gen"
    rendered = pipeline.generate(str(specs[0]), out, lenient=True)
    assert rendered.warnings == []
    return import_generated(out, f"sendmux_{label.replace('-', '_')}_generated")


@pytest.fixture(scope="module")
def old_package(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return _oldest(tmp_path_factory, SPECS, "oldest")


@pytest.fixture(scope="module")
def old_sending_package(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return _oldest(tmp_path_factory, SENDING_SPECS, "oldest-sending")


def _shared(old_ops: tuple[Any, ...]) -> list[tuple[Any, Any]]:
    new = {(e.http_method, e.path): e for e in sendmux.OPERATIONS}
    return [(old, new[(old.http_method, old.path)]) for old in old_ops if (old.http_method, old.path) in new]


def _accepted(method: Any, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """The kwargs the old method takes, or None when it needs one the table cannot give."""
    params = inspect.signature(method).parameters
    taken = {k: v for k, v in kwargs.items() if k in params}
    for name, param in params.items():
        if param.kind is inspect.Parameter.KEYWORD_ONLY and param.default is inspect.Parameter.empty:
            if name not in taken:
                return None
    return taken


def _breaking(old_spec: Any, api: str) -> set[str]:
    """Operations `generator.diff` reports a breaking change for, between the old spec and the pinned one.

    Forward compatibility is promised for everything else; for these the old client may rightly fail
    (e.g. a field the old spec called required may now be null).
    """
    new = fetch.load_pinned(config.load().specs[api].pin)
    report = diff.compare(fetch.load_spec(str(old_spec)), new)
    return {c.operation for c in report.breaking if c.operation}


def _decode_shared(
    package: ModuleType,
    url: str,
    breaking: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[dict[str, int], dict[str, str], int]:
    """(decoded calls per operation, refused operations, shared operation count) for one old package."""
    operations = importlib.import_module(f"{package.__name__}.operations").OPERATIONS
    client_module = importlib.import_module(f"{package.__name__}.client")
    shared = _shared(operations)
    clients: dict[str, Any] = {}
    decoded: dict[str, int] = {}
    refused: dict[str, str] = {}
    try:
        for old, new in shared:
            if old.surface not in clients:
                cls = getattr(client_module, CLIENT_NAMES[old.surface])
                clients[old.surface] = cls(
                    api_key=TEST_TOKENS[old.surface], base_url=url, max_retries=0, etag_cache=False
                )
            target: Any = clients[old.surface]
            for part in old.resource.split("."):
                target = getattr(target, part)
            method = getattr(target, old.method)
            call = CALLS[new.operation_id]
            kwargs = _accepted(method, call.kwargs)
            if kwargs is None:
                refused[new.operation_id] = "old method needs an argument the table lacks"
                continue
            for _ in range(CALLS_PER_OPERATION):
                try:
                    check_decoded(old, method(*call.args, **kwargs))
                except sendmux.APIStatusError as exc:
                    # The pinned spec may require what the old client never sends: Prism refuses the
                    # request (422), which is not a decoding failure.
                    assert exc.status_code in (400, 422), exc
                    refused[new.operation_id] = f"request refused by the newer spec: {exc.status_code}"
                    break
                except sendmux.APIResponseValidationError as exc:
                    # Only where the diff reports a breaking change may the old client fail to decode.
                    assert new.operation_id in breaking, f"{new.operation_id}: {exc}"
                    refused[new.operation_id] = "breaking change reported by generator.diff"
                    break
                decoded[new.operation_id] = decoded.get(new.operation_id, 0) + 1
    finally:
        for client in clients.values():
            client.close()
    return decoded, refused, len(shared)


def test_oldest_client_decodes_newest_responses(old_package: ModuleType, prism_dynamic: PrismServer) -> None:
    breaking = _breaking(SPECS[0], "app")
    decoded, refused, shared = _decode_shared(old_package, prism_dynamic.url, breaking)
    assert shared >= 60, "the oldest spec shares most operations with the pinned one"
    print(f"\nforward compat (app): {len(decoded)}/{shared} shared operations decoded; refused: {refused}")
    sys.stdout.flush()
    assert len(decoded) >= shared - 5 - len(breaking), refused


def test_oldest_sending_client_decodes_newest_responses(
    old_sending_package: ModuleType, prism_sending_dynamic: PrismServer
) -> None:
    breaking = _breaking(SENDING_SPECS[0], "sending")
    decoded, refused, shared = _decode_shared(old_sending_package, prism_sending_dynamic.url, breaking)
    assert shared == 3  # send, send batch and the spec document: what the oldest Sending spec had
    print(
        f"\nforward compat (sending): {len(decoded)}/{shared} shared operations decoded; refused: {refused}"
    )
    sys.stdout.flush()
    assert len(decoded) == shared, refused
