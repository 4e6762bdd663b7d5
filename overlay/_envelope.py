"""The response envelope: ``{"ok", "data", "pagination"?, "meta": {"request_id"}}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import APIResponseValidationError
from ._json import loads

__all__ = ["parse_envelope", "envelope_request_id", "parse_pagination"]


def parse_envelope(content: bytes, status_code: int, headers: Mapping[str, str]) -> dict[str, Any]:
    """The decoded envelope of a success body; APIResponseValidationError when it is not one."""
    try:
        envelope = loads(content)
    except (ValueError, RecursionError) as exc:
        # ValueError: not JSON, invalid UTF-8, a number past Python's digit limit; RecursionError: nesting
        # deeper than the interpreter's stack (200,000 `[`). Either way the body cannot be read.
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(":", 1)[0]
        raise APIResponseValidationError(
            f"the success body is not valid JSON ({reason})",
            status_code=status_code,
            request_id=headers.get("x-request-id"),
            body=content.decode("utf-8", "replace"),
            headers=headers,
        ) from None
    if type(envelope) is not dict or "data" not in envelope:
        raise APIResponseValidationError(
            "the success body is not an envelope with `data`",
            status_code=status_code,
            request_id=headers.get("x-request-id"),
            body=envelope,
            headers=headers,
        )
    return envelope


def envelope_request_id(envelope: Mapping[str, Any], headers: Mapping[str, str]) -> str | None:
    """``meta.request_id``, else the X-Request-Id header."""
    meta = envelope.get("meta")
    if type(meta) is dict:
        rid = meta.get("request_id")
        if type(rid) is str:
            return rid
    return headers.get("x-request-id")


def parse_pagination(
    envelope: Mapping[str, Any], status_code: int, headers: Mapping[str, str]
) -> tuple[list[Any], bool, str | None]:
    """``(data, has_more, next_cursor)`` of a list response."""
    data = envelope["data"]
    pagination = envelope.get("pagination")
    if type(data) is not list or (pagination is not None and type(pagination) is not dict):
        raise APIResponseValidationError(
            "a list response needs a `data` array and a `pagination` object",
            status_code=status_code,
            request_id=envelope_request_id(envelope, headers),
            body=envelope,
            headers=headers,
        )
    if pagination is None:
        return data, False, None
    has_more = pagination.get("has_more") is True
    cursor = pagination.get("next_cursor")
    return data, has_more, cursor if type(cursor) is str and cursor else None
