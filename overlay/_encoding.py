"""Generic argument encoding: Python values → JSON bodies, query strings and path segments.

Rules (see docs/runtime-contract.md): UNSET is dropped everywhere; None is JSON null in bodies (generated
methods leave out a field the API does not let be null with `omit_none` first) and dropped from query and
headers; enums → value; objects with ``to_dict()`` → that; aware datetimes → RFC 3339 with ``Z``
(naive ones are refused: the API is UTC and guessing a zone silently shifts times); dates → ISO.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from ._types import Unset

__all__ = ["encode_value", "encode_body", "encode_query", "encode_path_param", "format_datetime", "omit_none"]

_UTC = UTC
_ZERO = timedelta(0)


def format_datetime(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix."""
    offset = value.utcoffset()
    if offset is None:
        raise TypeError(
            f"naive datetime {value.isoformat()!r}: pass an aware datetime (e.g. tzinfo=timezone.utc)"
        )
    if offset != _ZERO:
        value = value.astimezone(_UTC)
    text = value.replace(tzinfo=None).isoformat()
    return text + "Z"


def omit_none(fields: Mapping[str, object], nullable: Collection[str] = ()) -> dict[str, object]:
    """A JSON body from a method's keyword arguments: a field given as ``None`` is left out.

    Except the ``nullable`` fields (wire names), which the API lets be null: there ``None`` is sent as
    JSON null, and leaving the argument out (its ``UNSET`` default, dropped like everywhere) sends nothing.
    """
    return {name: value for name, value in fields.items() if value is not None or name in nullable}


def encode_value(value: Any) -> Any:
    """Turn one argument into plain JSON data (UNSET entries of containers are dropped)."""
    # Fast path first: most arguments are already JSON scalars.
    if value is None or isinstance(value, (str, int, float)):
        if isinstance(value, enum.Enum):  # str/int enums are also str/int
            return value.value
        return value
    if isinstance(value, enum.Enum):
        return encode_value(value.value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): encode_value(v) for k, v in value.items() if not isinstance(v, Unset)}
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value if not isinstance(v, Unset)]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return encode_value(to_dict())
    raise TypeError(f"cannot encode a value of type {type(value).__name__} for the API")


def encode_body(body: Mapping[str, Any]) -> bytes:
    """A JSON request body: UNSET fields dropped, None sent as null.

    A value JSON cannot carry (NaN, a set, an object without ``to_dict``) raises TypeError/ValueError naming
    the field, e.g. ``body field `filters.tags[2]```.
    """
    try:
        data = {k: encode_value(v) for k, v in body.items() if not isinstance(v, Unset)}
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        found = _find_unencodable(body, "")
        if found is None:
            raise
        path, error = found
        raise type(error)(f"body field `{path}`: {error}") from None


def _find_unencodable(value: Any, path: str) -> tuple[str, TypeError | ValueError] | None:
    """Where the first value JSON cannot carry sits (only walked after encoding failed)."""
    if isinstance(value, float) and not isinstance(value, enum.Enum) and not math.isfinite(value):
        return path, ValueError(f"{value!r} is not a JSON number (NaN and infinities are not)")
    if isinstance(value, enum.Enum):
        return _find_unencodable(value.value, path)
    if isinstance(value, (set, frozenset)):
        return path, TypeError(f"a {type(value).__name__} is not JSON: pass a list")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(item, Unset):
                found = _find_unencodable(item, f"{path}.{key}" if path else str(key))
                if found is not None:
                    return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _find_unencodable(item, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return _find_unencodable(to_dict(), path)
    try:
        encode_value(value)
    except (TypeError, ValueError) as exc:
        return path, exc
    return None


def _query_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    value = encode_value(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    if isinstance(value, float) and not math.isfinite(value):
        # `?limit=nan` would reach the server as a string; refuse it like a NaN in a JSON body.
        raise ValueError(f"{value!r} is not a finite number")
    return str(value)


def query_pairs(query: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query items as (name, text) pairs: UNSET/None dropped, bools lower-case, lists as repeated keys."""
    pairs: list[tuple[str, str]] = []
    if not query:
        return pairs
    for key, value in query.items():
        if value is None or isinstance(value, Unset):
            continue
        try:
            if isinstance(value, (list, tuple, set, frozenset)):
                items: Iterable[Any] = value
                for item in items:
                    if item is not None and not isinstance(item, Unset):
                        pairs.append((key, _query_scalar(item)))
            else:
                pairs.append((key, _query_scalar(value)))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"query parameter `{key}`: {exc}") from None
    return pairs


def encode_query(query: Mapping[str, Any] | None, extra: Mapping[str, Any] | None = None) -> str:
    """The query string (without ``?``); ``extra`` replaces keys of ``query``."""
    if extra:
        merged = dict(query or {})
        merged.update(extra)
        query = merged
    pairs = query_pairs(query)
    return urlencode(pairs) if pairs else ""


def encode_path_param(value: Any) -> str:
    """One path segment, percent-encoded with no safe characters (``/`` and ``..`` cannot escape)."""
    if isinstance(value, Unset) or value is None:
        raise ValueError("a path parameter is required")
    text = _query_scalar(value)
    if not text:
        raise ValueError("a path parameter must not be empty")
    if text in (".", ".."):
        # Dot segments would be normalised away by URL handling; refuse rather than hit another route.
        raise ValueError(f"invalid path parameter {text!r}")
    return quote(text, safe="")
