"""The base of every generated model: decoding and encoding compiled from the model's own fields.

A generated model file only declares its attrs fields (with their docs).  On the first `from_dict` of a
class, this module reads the field table (attrs fields + evaluated type hints + the JSON name kept in
field metadata where it differs) and compiles, with one `exec`, a decoder specialised for that class:
straight-line code that reads every field, checks plain fields with one combined condition and converts
timestamps, enums and nested models inline.  That fast path is strict; on any mismatch it hands the
object to a field-by-field path that either raises `ModelDecodeError` naming the field (strict) or,
while `lenient_decoding()` is active, keeps the raw value, logs it once per (model, field) and goes on.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import enum
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, ClassVar

import attrs

from ._decoding import ModelDecodeError, decode_failure, parse_date, parse_datetime
from ._encoding import encode_value
from ._logging import logger
from ._types import UNSET, Unset

__all__ = ["Model", "lenient_decoding", "JSON_NAME"]

#: attrs field metadata key for the JSON name when it differs from the attribute (`from_` <- `from`).
JSON_NAME = "json"

_UTC = _dt.UTC
_NoneType = type(None)

# Set while a client re-decodes a response leniently: the request id to name in warnings.
_lenient: ContextVar[tuple[str | None] | None] = ContextVar("sendmux_lenient_decoding", default=None)
_warned: set[tuple[str, str]] = set()


@contextlib.contextmanager
def lenient_decoding(request_id: str | None = None) -> Iterator[None]:
    """Within this block a field that does not match its type keeps its raw value instead of failing."""
    token = _lenient.set((request_id,))
    try:
        yield
    finally:
        _lenient.reset(token)


_M = typing.TypeVar("_M", bound="Model")


class _FromDict:
    """`Model.from_dict`: compiles the decoder of the class it is read from, on first access."""

    def __get__(self, obj: object, owner: type[_M]) -> Callable[[Mapping[str, Any]], _M]:
        return _decoder(owner)


@attrs.define
class Model:
    """Common behaviour of the generated models (fields live in the subclasses)."""

    #: Fields the server sent that this client version does not know (kept, never an error).
    additional_properties: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    # Set by the client from the response envelope; private so it can never collide with an API field.
    _request_id: str | None = attrs.field(default=None, init=False, repr=False, eq=False)

    _sendmux_encode: ClassVar[tuple[tuple[str, str], ...]]

    #: `Cls.from_dict(d)`: decode the JSON object `d`; raises `ModelDecodeError` naming the field on a bad
    #: shape. The first access compiles the class's decoder and puts it in place of this descriptor.
    from_dict: ClassVar[_FromDict] = _FromDict()

    def to_dict(self) -> dict[str, Any]:
        """The JSON object for this model (unset fields left out, unknown fields kept)."""
        table = type(self).__dict__.get("_sendmux_encode")
        if table is None:
            table = _encode_table(type(self))
        out: dict[str, Any] = dict(self.additional_properties)
        for attr, wire in table:
            value = getattr(self, attr)
            if value is not UNSET:
                out[wire] = encode_value(value)
        return out

    if not typing.TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute name

        def __getattr__(self, name: str) -> Any:
            # The compiled decoder leaves these two slots empty when there is nothing to put in them (no
            # unknown field, no request id yet): two stores and an empty dict less per decoded object.
            # The first read fills the dict in, so the object behaves as if it had been there all along.
            if name == "additional_properties":
                value: dict[str, Any] = {}
                object.__setattr__(self, name, value)
                return value
            if name == "_request_id":
                return None
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
            )

    def __getitem__(self, key: str) -> Any:
        """Unknown fields by their wire name: `model["new_field"]`."""
        return self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# --- the field table -------------------------------------------------------------------------------------

# A type, reduced to what decoding needs: ("str"|"int"|"float"|"bool"|"any"|"datetime"|"date",),
# ("enum", E), ("model", M), ("list", inner), ("union", (branches...), nullable).
_Spec = tuple[Any, ...]
_PLAIN = {str: "str", int: "int", float: "float", bool: "bool"}


@attrs.frozen
class _Field:
    attr: str
    wire: str
    spec: _Spec
    required: bool


def _spec_of(tp: Any) -> _Spec:
    if tp in _PLAIN:
        return (_PLAIN[tp],)
    if tp is Any or tp is object:
        return ("any",)
    if tp is _dt.datetime:
        return ("datetime",)
    if tp is _dt.date:
        return ("date",)
    origin = typing.get_origin(tp)
    if origin is list:
        (inner,) = typing.get_args(tp) or (Any,)
        return ("list", _spec_of(inner))
    if origin is dict:
        return ("any",)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not Unset]
        nullable = _NoneType in args
        branches = tuple(_spec_of(a) for a in args if a is not _NoneType)
        if len(branches) == 1 and not nullable:
            return branches[0]
        return ("union", branches, nullable)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return ("enum", tp)
    if isinstance(tp, type) and issubclass(tp, Model):
        return ("model", tp)
    if tp is _NoneType:
        return ("union", (), True)
    return ("any",)


def _fields(cls: type[Model]) -> list[_Field]:
    hints = typing.get_type_hints(cls)
    out: list[_Field] = []
    for a in attrs.fields(cls):
        if a.name in ("additional_properties", "_request_id"):
            continue
        out.append(
            _Field(
                attr=a.name,
                wire=a.metadata.get(JSON_NAME, a.name),
                spec=_spec_of(hints[a.name]),
                required=a.default is attrs.NOTHING,
            )
        )
    return out


def _encode_table(cls: type[Model]) -> tuple[tuple[str, str], ...]:
    table = tuple(
        (a.name, a.metadata.get(JSON_NAME, a.name))
        for a in attrs.fields(cls)
        if a.name not in ("additional_properties", "_request_id")
    )
    cls._sendmux_encode = table
    return table


# --- converting one value (the field-by-field path; also the fast path's fallback for rare shapes) ---------


def _json_kind(spec: _Spec) -> type | tuple[type, ...]:
    kind = spec[0]
    if kind in ("str", "datetime", "date"):
        return str
    if kind == "enum":
        return int if issubclass(spec[1], int) else str
    if kind == "model":
        return dict
    if kind == "list":
        return list
    if kind == "float":
        return (float, int)
    return {"int": int, "bool": bool}.get(kind, object)


def _converter(spec: _Spec) -> Callable[[Any], Any]:
    """A function JSON value -> typed value that raises TypeError/ValueError/ModelDecodeError on a mismatch."""
    kind = spec[0]
    if kind == "any":
        return _identity
    if kind in ("str", "int", "bool", "float"):
        accept = _json_kind(spec)

        def plain(v: Any) -> Any:
            if type(v) not in (accept if isinstance(accept, tuple) else (accept,)):
                raise TypeError(f"expected {kind}, got {type(v).__name__}")
            return v

        return plain
    if kind == "datetime":
        return parse_datetime
    if kind == "date":
        return parse_date
    if kind == "enum":
        return typing.cast(Callable[[Any], Any], spec[1])
    if kind == "model":
        model = spec[1]
        return lambda v: _decoder(model)(v)
    if kind == "list":
        item = _converter(spec[1])

        def listed(v: Any) -> list[Any]:
            if type(v) is not list:
                raise TypeError(f"expected list, got {type(v).__name__}")
            return [item(x) for x in v]

        return listed
    branches, nullable = spec[1], spec[2]
    by_kind: list[tuple[type | tuple[type, ...], Callable[[Any], Any]]] = [
        (_json_kind(b), _converter(b)) for b in branches
    ]
    names = " or ".join(sorted({b[0] for b in branches} | ({"null"} if nullable else set())))

    def union(v: Any) -> Any:
        if v is None and nullable:
            return None
        for accept, conv in by_kind:
            if accept is object or type(v) in (accept if isinstance(accept, tuple) else (accept,)):
                return conv(v)
        raise TypeError(f"expected {names}, got {type(v).__name__}")

    return union


def _identity(v: Any) -> Any:
    return v


def _slow_path(cls: type[Model], fields: list[_Field]) -> Callable[[Any], Any]:
    table = [(f.attr, f.wire, _converter(f.spec), f.required) for f in fields]
    known = frozenset(f.wire for f in fields)
    name = cls.__name__

    def decode(d: Any) -> Any:
        if type(d) is not dict:
            if not isinstance(d, Mapping):
                raise ModelDecodeError(name, "", f"expected a JSON object, got {type(d).__name__}")
            d = dict(d)
        lenient = _lenient.get()
        self = object.__new__(cls)
        for attr, wire, conv, required in table:
            if wire in d:
                value = d[wire]
                try:
                    value = conv(value)
                except Exception as exc:
                    if lenient is None:
                        raise decode_failure(cls, attr, exc) from exc
                    _warn(name, attr, lenient[0], str(exc) or type(exc).__name__)
            elif required:
                if lenient is None:
                    raise ModelDecodeError(name, attr, "required field is missing")
                _warn(name, attr, lenient[0], "required field is missing")
                value = None
            else:
                value = UNSET
            object.__setattr__(self, attr, value)
        self.additional_properties = {k: d[k] for k in d if k not in known}
        self._request_id = None
        return self

    return decode


def _warn(model: str, attr: str, request_id: str | None, reason: str) -> None:
    if (model, attr) in _warned:
        return
    _warned.add((model, attr))
    logger.warning(
        "%s.%s does not match the documented type (%s); kept the raw value (request id %s)",
        model,
        attr,
        reason,
        request_id,
    )


# --- the compiled fast path ---------------------------------------------------------------------------------

_decoders: dict[type, Callable[[Any], Any]] = {}


def _decoder(cls: type[Model]) -> Callable[[Any], Any]:
    fn = _decoders.get(cls)
    if fn is None:
        fn = _compile(cls)
    return fn


def _compile(cls: type[Model]) -> Callable[[Any], Any]:
    fields = _fields(cls)
    slow = _slow_path(cls, fields)
    # While compiling (nested models compile first), a self-reference goes through the table lookup.
    _decoders[cls] = lambda d: _decoders[cls](d)
    try:
        fn = _build(cls, fields, slow)
    except BaseException:
        del _decoders[cls]
        raise
    _decoders[cls] = fn
    # Later calls skip the classmethod: `Cls.from_dict` becomes the compiled function itself.
    type.__setattr__(cls, "from_dict", staticmethod(fn))
    return fn


def _build(cls: type[Model], fields: list[_Field], slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    ns: dict[str, Any] = {
        "_new": object.__new__,
        "_slow": slow,
        "UNSET": UNSET,
        "_fromiso": _dt.datetime.fromisoformat,
        "_UTC": _UTC,
        "type": type,
        "len": len,
    }
    body = _Emitter(ns).model(cls, fields, "d", "self", depth=0)
    lines = [
        "def from_dict(d):",
        "    if type(d) is not dict:",
        "        return _slow(d)",
        "    try:",
        *(f"        {line}" for line in body),
        "    except Exception:",  # anything off: the field-by-field path says what (or keeps it, leniently)
        "        return _slow(d)",
        "    return self",
    ]
    # The function is made inside a factory whose parameters are every name it uses: they become closure
    # cells (LOAD_DEREF), cheaper than global and builtin lookups on this hot path.
    names = sorted(ns)
    source = "\n".join(
        [f"def make({', '.join(names)}):", *(f"    {line}" for line in lines), "    return from_dict"]
    )
    scope: dict[str, Any] = {}
    exec(compile(source, f"<sendmux decoder {cls.__qualname__}>", "exec"), scope)  # noqa: S102
    fn: Callable[[Any], Any] = scope["make"](**ns)
    return fn


# Nested models up to this depth are decoded inline (no call per nested object); deeper ones, and any
# model still being compiled (a recursive schema), through their own decoder.
_INLINE_DEPTH = 2


class _Emitter:
    """Writes the statements that decode the JSON object in one variable into a model in another.

    Every mismatch raises (a KeyError for a missing field, TypeError/ValueError otherwise); the compiled
    function catches it and falls back to the field-by-field path.
    """

    def __init__(self, ns: dict[str, Any]) -> None:
        self.ns = ns
        self.n = 0

    def name(self, prefix: str, value: Any) -> str:
        self.n += 1
        key = f"{prefix}{self.n}"
        self.ns[key] = value
        return key

    def model(self, cls: type[Model], fields: list[_Field], src: str, dst: str, depth: int) -> list[str]:
        tag = f"v{depth}_"
        var = {f.attr: f"{tag}{f.attr}" for f in fields}
        required = [f for f in fields if f.required]
        optional = [f for f in fields if not f.required]
        lines = [f"{var[f.attr]} = {src}[{f.wire!r}]" for f in required]
        lines += [f"{var[f.attr]} = {src}.get({f.wire!r}, UNSET)" for f in optional]
        checks: list[str] = []
        convert: list[str] = []
        for f in fields:
            check, body = self.value(f.spec, var[f.attr], depth)
            if check is not None:
                checks.append(check if f.required else f"({var[f.attr]} is UNSET or {check})")
            if body:
                if not f.required:
                    body = [f"if {var[f.attr]} is not UNSET:", *(f"    {line}" for line in body)]
                convert += body
        if checks:
            lines += ["if not (" + " and ".join(checks) + "):", "    raise TypeError"]
        lines += convert
        klass = self.name("_C", cls)
        known = self.name("_K", frozenset(f.wire for f in fields))
        lines.append(f"{dst} = _new({klass})")
        lines += [f"{dst}.{f.attr} = {var[f.attr]}" for f in fields]
        count = " + ".join([str(len(required))] + [f"({var[f.attr]} is not UNSET)" for f in optional])
        # Only unknown fields need the dict; `_request_id` stays unset too (`Model.__getattr__` answers).
        lines += [
            f"if len({src}) != {count}:",
            f"    {dst}.additional_properties = {{k: {src}[k] for k in {src} if k not in {known}}}",
        ]
        return lines

    def value(self, spec: _Spec, var: str, depth: int) -> tuple[str | None, list[str]]:
        """(a condition true when `var` has the right JSON type, statements converting it in place)."""
        kind = spec[0]
        nullable = False
        if kind == "union" and len(spec[1]) == 1 and spec[2]:
            spec, nullable = spec[1][0], True
            kind = spec[0]
        if kind in _PLAIN.values() or kind == "any":
            check = _plain_check(kind, var)
            if check is not None and nullable:
                check = f"({var} is None or {check})"
            return check, []
        body: list[str]
        if kind == "datetime":
            body = [
                f"{var} = _fromiso({var})",
                f"if {var}.tzinfo is None:",
                f"    {var} = {var}.replace(tzinfo=_UTC)",
            ]
        elif kind == "enum":
            lookup = self.name("_e", spec[1]._value2member_map_)
            member = self.name("_E", spec[1])
            body = [f"{var} = {lookup}[{var}] if {var} in {lookup} else {member}({var})"]
        elif kind == "model" and depth < _INLINE_DEPTH and spec[1] not in _decoders:
            inner = f"o{depth + 1}_{self.n}"
            # No `type(...) is dict` test: subscripting anything else JSON holds raises TypeError, and a
            # non-dict Mapping (possible only from a caller's own objects) decodes the same either way.
            body = [
                *self.model(spec[1], _fields(spec[1]), var, inner, depth + 1),
                f"{var} = {inner}",
            ]
        elif kind == "model":
            body = [f"{var} = {self.name('_m', _decoder(spec[1]))}({var})"]
        elif kind == "list" and spec[1][0] == "model":
            fn = self.name("_m", _decoder(spec[1][1]))
            body = [
                f"if type({var}) is not list:",
                "    raise TypeError",
                f"{var} = [{fn}(x) for x in {var}]",
            ]
        elif kind == "list" and spec[1][0] in _PLAIN.values():
            body = [
                f"if type({var}) is not list:",
                "    raise TypeError",
                f"for x in {var}:",
                f"    if not {_plain_check(spec[1][0], 'x')}:",
                "        raise TypeError",
            ]
        else:
            body = [f"{var} = {self.name('_c', _converter(spec))}({var})"]
        if nullable:
            body = [f"if {var} is not None:", *(f"    {line}" for line in body)]
        return None, body


def _plain_check(kind: str, var: str) -> str | None:
    if kind == "any":
        return None
    if kind == "float":
        return f"(type({var}) is float or type({var}) is int)"
    if kind == "bool":
        return f"({var} is True or {var} is False)"  # identity tests: cheaper than a type() call
    return f"type({var}) is {kind}"
