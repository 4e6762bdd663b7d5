"""Calling a `sendmux.OPERATIONS` entry on the client of its surface, and checking what came back was decoded."""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from typing import Any

import attrs
from operation_args import CALLS

import sendmux

# At most this many events/feed responses are read from one stream (Prism's feeds may say has_more forever).
STREAM_LIMIT = 20
CLIENT_CLASSES: dict[str, tuple[type[Any], type[Any]]] = {
    "management": (sendmux.Sendmux, sendmux.AsyncSendmux),
    "mailbox": (sendmux.SendmuxMailbox, sendmux.AsyncSendmuxMailbox),
    "sending": (sendmux.SendmuxSending, sendmux.AsyncSendmuxSending),
}
API_OF_SURFACE = {"management": "app", "mailbox": "app", "sending": "sending"}


def make_clients(
    urls: dict[str, str], tokens: dict[str, str], *, is_async: bool = False, **options: Any
) -> dict[str, Any]:
    """One client per surface: `urls` maps the API (`app`, `sending`) to its Prism server."""
    return {
        surface: classes[1 if is_async else 0](
            api_key=tokens[surface], base_url=urls[API_OF_SURFACE[surface]], **options
        )
        for surface, classes in CLIENT_CLASSES.items()
    }


def resource_of(client: Any, dotted: str) -> Any:
    target = client
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def _client_for(client: Any, entry: Any) -> Any:
    """`client` itself, or from a `make_clients` mapping the client of the entry's surface."""
    return client[entry.surface] if isinstance(client, dict) else client


def method_of(client: Any, entry: Any) -> Callable[..., Any]:
    """`client.<resource>[.<sub>].<method>` for one OPERATIONS entry."""
    method: Callable[..., Any] = getattr(
        resource_of(_client_for(client, entry), entry.resource), entry.method
    )
    return method


def raw_method_of(client: Any, entry: Any) -> Callable[..., Any]:
    """`client.<resource>[.<sub>].with_raw_response.<method>` for one OPERATIONS entry."""
    resource = resource_of(_client_for(client, entry), entry.resource)
    method: Callable[..., Any] = getattr(resource.with_raw_response, entry.method)
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
    if entry.response == "binary":
        with result:
            assert isinstance(result.read(), bytes)
        return
    if entry.response == "events":
        with result:
            seen = [touch(event.data) for _, event in zip(range(STREAM_LIMIT), result, strict=False)]
        assert all(seen), f"{entry.qualified_name}: an event decoded to nothing"
        return
    if entry.response == "feed":
        # The first response: Prism's static example repeats its state with has_more (the feed stops that).
        touch(next(iter(result)))
        return
    if entry.paginated:
        assert isinstance(result.data, list), f"{entry.qualified_name}: page.data is {type(result.data)}"
        assert isinstance(result.has_more, bool)
        touch(result.data)
    elif entry.response == "text":
        # Plain text, or a JSON document that is not the envelope (decoded to its model).
        assert result is not None, f"{entry.qualified_name} returned None"
        touch(result)
    elif entry.response == "empty":
        assert result is None
    else:
        assert result is not None, f"{entry.qualified_name} returned None"
        touch(result)
