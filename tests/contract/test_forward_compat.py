"""Forward compatibility, proven: a client generated from the OLDEST shared spec decodes responses
shaped by the pinned (newest) spec — new fields, new enum values, new nullability — over real HTTP.

Prism serves the pinned Management spec in dynamic mode (random data from its schemas); the old
client calls every operation the two specs share, with the arguments of `operation_args.CALLS`
filtered to what the old method accepts.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from types import ModuleType
from typing import Any

import pytest
from client_calls import touch
from operation_args import CALLS
from prism_support import TEST_API_KEY, PrismServer

import sendmux
from generator import pipeline
from tests.generator.helpers import import_generated, shared_specs

CALLS_PER_OPERATION = 5
SPECS = shared_specs()
pytestmark = pytest.mark.skipif(not SPECS, reason="../shared/specs not found")


@pytest.fixture(scope="module")
def old_package(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("oldest") / "gen"
    rendered = pipeline.generate(str(SPECS[0]), out, lenient=True)
    assert rendered.warnings == []
    return import_generated(out, "sendmux_oldest_generated")


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


def test_oldest_client_decodes_newest_responses(old_package: ModuleType, prism_dynamic: PrismServer) -> None:
    operations = importlib.import_module(f"{old_package.__name__}.operations").OPERATIONS
    client_cls = importlib.import_module(f"{old_package.__name__}.client").Sendmux
    shared = _shared(operations)
    assert len(shared) >= 30, "the oldest spec shares most operations with the pinned one"
    decoded: dict[str, int] = {}
    refused: dict[str, str] = {}
    with client_cls(
        api_key=TEST_API_KEY, base_url=prism_dynamic.url, max_retries=0, etag_cache=False
    ) as client:
        for old, new in shared:
            target: Any = client
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
                    result = method(*call.args, **kwargs)
                except sendmux.APIStatusError as exc:
                    # The pinned spec may require what the old client never sends: Prism refuses the
                    # request (422), which is not a decoding failure.
                    assert exc.status_code in (400, 422), exc
                    refused[new.operation_id] = f"request refused by the newer spec: {exc.status_code}"
                    break
                items = list(result.data) if isinstance(result, sendmux.SyncCursorPage) else [result]
                for item in items:
                    touch(item)
                decoded[new.operation_id] = decoded.get(new.operation_id, 0) + 1
    print(f"\nforward compat: {len(decoded)}/{len(shared)} shared operations decoded; refused: {refused}")
    sys.stdout.flush()
    assert len(decoded) >= len(shared) - 5, refused
