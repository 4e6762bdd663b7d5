"""One field of a request body, found by a path the generator wrote (`Operation.address_fields`, …).

A path joins body keys with ``.``; ``[]`` after a key marks a list, walked item by item on the way down
(``messages[].to``). The last key is handed over whole, ``[]`` and all, to the function that turns it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["argument_name", "map_field"]


def argument_name(wire: str) -> str:
    """The keyword a generated method takes for a top-level body field (``from`` is ``from_``)."""
    return "from_" if wire == "from" else wire


def _map(value: Any, steps: list[str], fn: Callable[[Any, str], Any], where: str) -> Any:
    step = steps[0]
    key = step.removesuffix("[]")
    if not isinstance(value, Mapping) or key not in value:
        return value  # a model instance, or the field is not given: nothing to turn
    inner = value[key]
    label = f"{where}.{key}" if where else argument_name(key)
    if len(steps) == 1:
        turned = fn(inner, label)
    elif step.endswith("[]") and isinstance(inner, Sequence) and not isinstance(inner, str | bytes):
        items = [_map(item, steps[1:], fn, f"{label}[{i}]") for i, item in enumerate(inner)]
        turned = inner if all(a is b for a, b in zip(items, inner, strict=True)) else items
    else:
        turned = _map(inner, steps[1:], fn, label)
    if turned is inner:
        return value
    copy = dict(value)  # the caller's dict is never changed
    copy[key] = turned
    return copy


def map_field(body: Any, path: str, fn: Callable[[Any, str], Any]) -> Any:
    """``body`` with ``fn(value, argument label)`` applied at ``path``; unchanged parts are shared."""
    return _map(body, path.split("."), fn, "")
