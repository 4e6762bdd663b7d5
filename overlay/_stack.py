"""Which HTTP stack a client runs on: httpx + httpcore (the default) or httpx2 + httpcore2.

The two are API-compatible but distinct packages (their classes and exceptions are not each other's), so
the runtime never names one directly below this module: it asks the client's `Stack` for the modules, and
the wire layer (`_transport.py`) turns whatever either raises into our own `TransportFailure`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ._errors import ConfigurationError

__all__ = ["Stack", "DEFAULT_STACK", "stack_named", "stack_of_client", "STACK_ROOTS"]

DEFAULT_STACK = "httpx"
"""Measured (docs/benchmarks.md, the httpx2 section): see the README's "HTTP stack" section for why."""

# Top-level package -> its connection-pool package.
_CORE = {"httpx": "httpcore", "httpx2": "httpcore2"}
STACK_ROOTS = frozenset({*_CORE, *_CORE.values()})
"""The packages whose exceptions the wire layer translates."""


@dataclass(frozen=True, slots=True)
class Stack:
    name: str
    """``"httpx"`` or ``"httpx2"``."""
    httpx: ModuleType
    httpcore: ModuleType


_STACKS: dict[str, Stack] = {}


def stack_named(name: str) -> Stack:
    stack = _STACKS.get(name)
    if stack is None:
        if name not in _CORE:
            raise ConfigurationError(f"unknown HTTP stack {name!r}; use 'httpx' or 'httpx2'")
        try:
            http, core = importlib.import_module(name), importlib.import_module(_CORE[name])
        except ImportError:
            raise ConfigurationError(f"the {name} package is not installed (pip install {name})") from None
        stack = _STACKS[name] = Stack(name, http, core)
    return stack


def stack_of_client(http_client: Any, *, sync: bool) -> Stack:
    """The stack an injected client belongs to; a clear error for anything else."""
    root = type(http_client).__module__.partition(".")[0]
    wanted = "Client" if sync else "AsyncClient"
    if root in _CORE:
        stack = stack_named(root)
        if isinstance(http_client, getattr(stack.httpx, wanted)):
            return stack
    other = "AsyncClient" if sync else "Client"
    hint = " (use the async client for an AsyncClient)" if sync else " (use the sync client for a Client)"
    if root in _CORE and isinstance(http_client, getattr(stack_named(root).httpx, other)):
        raise ConfigurationError(f"http_client must be an httpx.{wanted} or httpx2.{wanted}{hint}")
    raise ConfigurationError(
        f"http_client must be an httpx.{wanted} or httpx2.{wanted}, got {type(http_client).__name__}"
    )
