"""Decoding a model field by field: the path a generated decoder hands an object to when it does not fit.

A generated decoder (`sendmux._generated.decoders.<module>`) reads a well-formed object in straight-line
code.  Anything unexpected (a wrong type, a missing required field, a value an enum cannot hold) sends the
object here, to `checked`, which converts each field on its own, from the model's type hints: it raises
`ModelDecodeError` naming the field or, while `lenient_decoding()` is active, keeps the raw value (None for
a missing required field), logs the first occurrence per (model, field) at WARNING and goes on.  Nothing
here compiles code: converters are closures built once per class.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import enum
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar

import attrs

from ._decoding import ModelDecodeError, decode_failure, parse_date, parse_datetime
from ._fields import ABSENT, field_table
from ._logging import logger
from ._types import Unset

__all__ = ["checked", "complete", "lenient_decoding"]

_T = TypeVar("_T")
_NoneType = type(None)

# Set while a client re-decodes a response leniently: what to name in warnings (the request id).
_lenient: ContextVar[tuple[str] | None] = ContextVar("sendmux_lenient_decoding", default=None)
_warned: set[tuple[str, str]] = set()


@contextlib.contextmanager
def lenient_decoding(request_id: str | None = None, *, source: str | None = None) -> Iterator[None]:
    """Within this block a field that does not match its type keeps its raw value instead of failing.

    Warnings name the response's `request_id`, or `source` (e.g. "webhook event evt_1") when given.
    """
    token = _lenient.set((source or f"request id {request_id}",))
    try:
        yield
    finally:
        _lenient.reset(token)


def complete(model: Any, d: Mapping[str, Any]) -> None:
    """The rarer end of a generated decoder, when `d` lacks an optional field or has unknown keys.

    The decoder left each absent optional field at `ABSENT`: it becomes None and is recorded as absent
    (out of `fields_set` and `to_dict()`).  Keys this client version does not know go to
    `additional_properties`.
    """
    table = field_table(type(model))
    absent = [name for name in table.optional if getattr(model, name) is ABSENT]
    for name in absent:
        setattr(model, name, None)
    if absent:
        model._absent = frozenset(absent)
    if len(d) + len(absent) != len(table.names):
        model.additional_properties = {k: d[k] for k in d if k not in table.known}


def checked(cls: type[_T], d: Any) -> _T:
    """Decode `d` into `cls` one field at a time (see the module docstring)."""
    decode = _checked.get(cls)
    if decode is None:
        decode = _checked[cls] = _field_by_field(cls)
    result: _T = decode(d)
    return result


_checked: dict[type, Callable[[Any], Any]] = {}


def _field_by_field(cls: type) -> Callable[[Any], Any]:
    table = field_table(cls)
    hints = typing.get_type_hints(cls)
    fields = [
        (name, wire, _converter(hints[name]), name in table.required)
        for name, wire in zip(table.names, table.wires, strict=True)
    ]
    known = table.known
    model = cls.__name__

    def decode(d: Any) -> Any:
        if type(d) is not dict:
            if not isinstance(d, Mapping):
                raise ModelDecodeError(model, "", f"expected a JSON object, got {type(d).__name__}")
            d = dict(d)
        lenient = _lenient.get()
        self: Any = object.__new__(cls)
        absent: list[str] = []
        for name, wire, convert, required in fields:
            if wire in d:
                value = d[wire]
                try:
                    value = convert(value)
                except Exception as exc:
                    if lenient is None:
                        raise decode_failure(cls, name, exc) from exc
                    _warn(model, name, lenient[0], str(exc) or type(exc).__name__)
            else:
                if required:
                    if lenient is None:
                        raise ModelDecodeError(model, name, "required field is missing")
                    _warn(model, name, lenient[0], "required field is missing")
                value = None
                absent.append(name)
            setattr(self, name, value)
        self.additional_properties = {k: d[k] for k in d if k not in known}
        self._request_id = None
        self._absent = frozenset(absent)
        return self

    return decode


def _warn(model: str, attr: str, source: str, reason: str) -> None:
    if (model, attr) in _warned:
        return
    _warned.add((model, attr))
    logger.warning(
        "%s.%s does not match the documented type (%s); kept the raw value (%s)",
        model,
        attr,
        reason,
        source,
    )


# --- one converter per type: JSON value -> typed value, raising TypeError/ValueError on a mismatch -------

_PLAIN: dict[Any, tuple[type, ...]] = {str: (str,), int: (int,), bool: (bool,), float: (float, int)}


def _converter(tp: Any) -> Callable[[Any], Any]:
    if tp in _PLAIN:
        return _plain(_PLAIN[tp], tp.__name__)
    if tp is _dt.datetime:
        return parse_datetime
    if tp is _dt.date:
        return parse_date
    origin = typing.get_origin(tp)
    if origin is list:
        (inner,) = typing.get_args(tp) or (Any,)
        return _list(_converter(inner))
    if origin is typing.Union or origin is types.UnionType:
        return _union(typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if isinstance(tp, type) and attrs.has(tp) and hasattr(tp, "from_dict"):
        return _model(tp)
    return _identity  # Any, dict[...], object: whatever JSON holds


def _identity(value: Any) -> Any:
    return value


def _plain(accept: tuple[type, ...], name: str) -> Callable[[Any], Any]:
    def plain(value: Any) -> Any:
        if type(value) not in accept:
            raise TypeError(f"expected {name}, got {type(value).__name__}")
        return value

    return plain


def _model(cls: Any) -> Callable[[Any], Any]:
    def model(value: Any) -> Any:
        return cls.from_dict(value)

    return model


def _list(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def listed(value: Any) -> list[Any]:
        if type(value) is not list:
            raise TypeError(f"expected list, got {type(value).__name__}")
        return [item(x) for x in value]

    return listed


def _json_kinds(tp: Any) -> tuple[type, ...]:
    """The JSON types (as Python reads them) a value of `tp` comes from."""
    if tp in _PLAIN:
        return _PLAIN[tp]
    if tp in (_dt.datetime, _dt.date):
        return (str,)
    if typing.get_origin(tp) is list:
        return (list,)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return (int,) if issubclass(tp, int) else (str,)
    if isinstance(tp, type) and attrs.has(tp):
        return (dict,)
    return (object,)


def _union(args: tuple[Any, ...]) -> Callable[[Any], Any]:
    args = tuple(a for a in args if a is not Unset)  # a hand-written model's `x: T | Unset = UNSET`
    if len(args) == 1:
        return _converter(args[0])
    nullable = _NoneType in args
    branches = [(_json_kinds(a), _converter(a), a) for a in args if a is not _NoneType]
    models = [a for kinds, _c, a in branches if kinds == (dict,)]
    names = sorted({getattr(a, "__name__", str(a)) for a in args if a is not _NoneType})
    names += ["null"] if nullable else []
    if len(models) > 1:
        pick = _by_keys(models)
        branches = [b for b in branches if b[0] != (dict,)] + [
            ((dict,), lambda v: pick(v).from_dict(v), None)
        ]

    def union(value: Any) -> Any:
        if value is None and nullable:
            return None
        for kinds, convert, _tp in branches:
            if kinds == (object,) or type(value) in kinds:
                return convert(value)
        raise TypeError(f"expected {' or '.join(names)}, got {type(value).__name__}")

    return union


def _by_keys(models: list[Any]) -> Callable[[Mapping[str, Any]], Any]:
    """Which of several models an object is: the one whose required keys are all there (the most of them
    wins), else the first."""
    required = []
    for model in models:
        table = field_table(model)
        keys = {wire for name, wire in zip(table.names, table.wires, strict=True) if name in table.required}
        required.append((model, keys))

    def pick(value: Mapping[str, Any]) -> Any:
        fitting = [(len(keys), -i) for i, (_m, keys) in enumerate(required) if keys <= value.keys()]
        return required[-max(fitting)[1]][0] if fitting else required[0][0]

    return pick
