"""`batch_failures`: the failed items of a batch call's result, which is a success (no exception) as a whole."""

from __future__ import annotations

from typing import Any

__all__ = ["batch_failures"]


def _value(item: Any, name: str) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def batch_failures(result: Any) -> list[Any]:
    """The per-item results that failed, in request order.

    A batch send answers 200 with one result per message and a summary; items that failed carry
    `status == "failed"` and their own `error`.  Takes the decoded result (any model or mapping with a
    `results` list) and returns those items, so a caller can retry or report exactly them.
    """
    items = _value(result, "results")
    if not isinstance(items, list):
        raise TypeError(f"result has no `results` list: got {type(result).__name__}")
    failed: list[Any] = []
    for item in items:
        status = _value(item, "status")
        status = getattr(status, "value", status)
        error = _value(item, "error")
        if status == "failed" or (error is not None and not _is_unset(error)):
            failed.append(item)
    return failed


def _is_unset(value: Any) -> bool:
    from ._types import Unset

    return isinstance(value, Unset)
