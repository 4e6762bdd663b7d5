"""Helpers the generated models call while decoding: kept tiny because they sit on the hot path."""

from __future__ import annotations

import datetime as _dt
from enum import Enum, IntEnum, StrEnum
from typing import Any, TypeVar, cast

from ._errors import SendmuxError

_UTC = _dt.UTC


class ModelDecodeError(SendmuxError, ValueError):
    """A JSON value does not have the shape the spec documents for a model.

    `model` is the model that failed, `field` the dotted path of the offending field inside it
    (empty when the value itself is not an object), `reason` what was wrong.
    """

    def __init__(self, model: str, field: str, reason: str) -> None:
        self.model = model
        self.field = field
        self.reason = reason
        where = f"{model}.{field}" if field else model
        super().__init__(f"{where}: {reason}")


class _OpenEnumMixin:
    """Unknown values decode to a pseudo-member that keeps the raw value (never an error)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        base = cls._member_type_  # type: ignore[attr-defined]
        if base is object or type(value) is not base:
            return None
        member = base.__new__(cls, value)  # type: ignore[call-arg]
        member._name_ = "UNKNOWN"  # type: ignore[attr-defined]
        member._value_ = value  # type: ignore[attr-defined]
        # Cached in the value map so the next decode of this value is one dict lookup.
        cls._value2member_map_[value] = member  # type: ignore[attr-defined]
        return member

    @property
    def is_known(self) -> bool:
        """False for a value this client version does not know (kept from the server as-is)."""
        return type(self)._member_map_.get(self._name_) is self  # type: ignore[attr-defined]


class OpenStrEnum(_OpenEnumMixin, StrEnum):
    """A string enum that accepts values added to the API after this client was generated."""


class OpenIntEnum(_OpenEnumMixin, IntEnum):
    """An integer enum that accepts values added to the API after this client was generated."""


_E = TypeVar("_E", bound=Enum)


def known_values(enum: type[_E]) -> dict[Any, _E]:
    """The enum's value -> member table itself (typed), for a decoder's direct lookup.

    The very dict the enum keeps, so an unknown value an open enum has met once is found there too.
    """
    return cast("dict[Any, _E]", enum._value2member_map_)


def parse_datetime(value: Any) -> _dt.datetime:
    """RFC 3339 / ISO 8601 text to an aware datetime (naive input is taken as UTC)."""
    try:
        parsed = _fromisoformat(value)
    except (TypeError, ValueError):
        parsed = _parse_datetime_slow(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_UTC)


_fromisoformat = _dt.datetime.fromisoformat


def _parse_datetime_slow(value: Any) -> _dt.datetime:
    if type(value) is not str:
        raise TypeError(f"expected an RFC 3339 timestamp string, got {type(value).__name__}")
    from dateutil import parser as _dateutil_parser  # rare: valid ISO forms fromisoformat refuses

    try:
        return _dateutil_parser.isoparse(value)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not an RFC 3339 timestamp: {value!r}") from exc


def parse_date(value: Any) -> _dt.date:
    if type(value) is not str:
        raise TypeError(f"expected an ISO date string, got {type(value).__name__}")
    return _dt.date.fromisoformat(value)


def decode_failure(model: type, field: str, exc: BaseException) -> ModelDecodeError:
    """Name the model and field for any failure while decoding one field."""
    name = model.__name__
    if isinstance(exc, ModelDecodeError):
        inner = f"{exc.model}.{exc.field}" if exc.field else exc.model
        return ModelDecodeError(name, f"{field} ({inner})", exc.reason)
    if isinstance(exc, KeyError):
        return ModelDecodeError(name, field, "required field is missing")
    return ModelDecodeError(name, field, str(exc) or type(exc).__name__)
