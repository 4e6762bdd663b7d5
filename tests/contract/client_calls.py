"""Calling a `sendmux.OPERATIONS` entry on a client, and checking what came back was fully decoded."""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from typing import Any

import attrs
from operation_args import CALLS


def resource_of(client: Any, dotted: str) -> Any:
    target = client
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def method_of(client: Any, entry: Any) -> Callable[..., Any]:
    """`client.<resource>[.<sub>].<method>` for one OPERATIONS entry."""
    method: Callable[..., Any] = getattr(resource_of(client, entry.resource), entry.method)
    return method


def raw_method_of(client: Any, entry: Any) -> Callable[..., Any]:
    """`client.<resource>[.<sub>].with_raw_response.<method>` for one OPERATIONS entry."""
    method: Callable[..., Any] = getattr(resource_of(client, entry.resource).with_raw_response, entry.method)
    return method


def call(client: Any, entry: Any) -> Any:
    args = CALLS[entry.operation_id]
    return method_of(client, entry)(*args.args, **args.kwargs)


def call_raw(client: Any, entry: Any) -> Any:
    args = CALLS[entry.operation_id]
    return raw_method_of(client, entry)(*args.args, **args.kwargs)


async def call_async(client: Any, entry: Any) -> Any:
    """The same call on an `AsyncSendmux`; a list method's paginator is awaited to its first page."""
    args = CALLS[entry.operation_id]
    result = method_of(client, entry)(*args.args, **args.kwargs)
    return await result if inspect.isawaitable(result) else result


def touch(value: Any, depth: int = 0) -> int:
    """Read every attribute of a decoded value, so lazily decoded fields are decoded too.

    Returns how many values were visited (a decode that silently produced nothing shows up as 1).
    """
    assert depth < 50, "decoded value nests implausibly deep"
    if attrs.has(type(value)):
        seen = 1
        for f in attrs.fields(type(value)):
            # Private fields are client bookkeeping (e.g. `_request_id`), not decoded API data.
            if not f.name.startswith("_"):
                seen += touch(getattr(value, f.name), depth + 1)
        return seen
    if isinstance(value, list | tuple):
        return 1 + sum(touch(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return 1 + sum(touch(v, depth + 1) for v in value.values())
    if isinstance(value, enum.Enum):
        return 1
    return 1


def check_decoded(entry: Any, result: Any) -> None:
    """The result has the shape the operation's kind promises, read to the bottom."""
    if entry.paginated:
        assert isinstance(result.data, list), f"{entry.qualified_name}: page.data is {type(result.data)}"
        assert isinstance(result.has_more, bool)
        touch(result.data)
    elif entry.response == "text":
        assert isinstance(result, str), f"{entry.qualified_name}: expected str, got {type(result)}"
    elif entry.response == "empty":
        assert result is None
    else:
        assert result is not None, f"{entry.qualified_name} returned None"
        touch(result)
