"""From a generated method to a description of its command-line parameters (pure: no click, no I/O).

Everything comes from the method's signature and docstring, so a renamed argument or a new operation needs no
change here: the Python name picks the option name (``type_`` -> ``--type``, ``from_date`` -> ``--from-date``),
the annotation picks how a value is read, the docstring's ``Args:`` section gives the help.
"""

from __future__ import annotations

import builtins
import enum
import inspect
import os
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import attrs

__all__ = [
    "ParamInfo",
    "ValueKind",
    "address_name_required",
    "classify",
    "describe_method",
    "parse_docstring",
    "RUNTIME_PARAMS",
]

ValueKind = Literal["str", "int", "float", "bool", "choice", "json", "file", "address"]

RUNTIME_PARAMS = frozenset({"self", "extra_headers", "extra_query", "timeout", "max_retries", "retry"})
"""Per-call knobs of every generated method; the CLI sets them once, as global options."""


@dataclass(frozen=True, slots=True)
class ParamInfo:
    name: str
    """The Python argument name (what the method is called with)."""
    positional: bool
    """A path parameter: a command argument rather than an option."""
    kind: ValueKind
    multiple: bool = False
    """A list of scalars: the option may be repeated."""
    choices: tuple[str, ...] = ()
    required: bool = False
    nullable: bool = False
    help: str = ""
    null_name: bool = False
    """An address object whose ``name`` the API wants present: JSON null when the text gives none."""

    @property
    def flag(self) -> str:
        """The option name without dashes: Python's keyword-avoiding ``_`` dropped, ``_`` -> ``-``."""
        return self.name.rstrip("_").replace("_", "-")


def _union_args(tp: Any) -> tuple[Any, ...]:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return typing.get_args(tp)
    return (tp,)


def _is_sentinel(tp: Any) -> bool:
    # sendmux._types.Unset / NotGiven, matched by name so this module needs no runtime import.
    return isinstance(tp, type) and tp.__name__ in ("Unset", "NotGiven")


def _is_sequence(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    return origin in (list, tuple, Sequence, set, frozenset) or (
        isinstance(origin, type) and issubclass(origin, Sequence) and origin not in (str, bytes)
    )


def _is_plain_mapping(tp: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    return origin in (dict, Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping))


def _is_mapping_or_model(tp: Any) -> bool:
    return _is_plain_mapping(tp) or (isinstance(tp, type) and hasattr(tp, "from_dict"))


def _is_file(tp: Any) -> bool:
    return tp in (typing.BinaryIO, typing.IO) or typing.get_origin(tp) in (os.PathLike, typing.IO)


def _address_model(tp: Any) -> bool | None:
    """For a model of exactly ``email`` and optionally ``name`` (an email address object): whether ``name`` is
    required; None for any other type. Read off the class's own fields, so no model is named here."""
    if not (isinstance(tp, type) and hasattr(tp, "from_dict") and attrs.has(tp)):
        return None
    fields = attrs.fields_dict(tp)
    own = set(inspect.get_annotations(tp))
    if own not in ({"email"}, {"email", "name"}) or fields["email"].default is not attrs.NOTHING:
        return None
    return "name" in own and fields["name"].default is attrs.NOTHING


def _address_union(args: list[Any]) -> bool | None:
    """For a union of address models and plain mappings (how an object argument is typed): whether ``name``
    is required; None for any other union."""
    # The argument's TypedDict (imported for type checkers only, so it resolves to _Unknown here) takes
    # the same keys as the model: it neither makes nor breaks an address.
    # `str` is address text, which the runtime parses: it too takes the same address.
    found = [
        _address_model(a)
        for a in args
        if not (
            _is_plain_mapping(a)
            or (isinstance(a, type) and issubclass(a, _Unknown))
            or typing.is_typeddict(a)
            or a is str
        )
    ]
    if not found or None in found:
        return None
    return any(found)


def address_name_required(tp: Any) -> bool:
    """For a type `classify` calls ``address``: whether its objects must carry ``name``."""
    args = [a for a in _union_args(tp) if not _is_sentinel(a) and a is not type(None)]
    seqs = [a for a in args if _is_sequence(a)]
    if seqs:
        inner = typing.get_args(seqs[0])
        return address_name_required(inner[0]) if inner else False
    return bool(_address_union(args))


def classify(tp: Any) -> tuple[ValueKind, bool, tuple[str, ...], bool]:
    """How a command line spells a value of type ``tp``: (kind, multiple, choices, nullable).

    Scalars read as themselves; an enum (open or not, usually ``Enum | str``) offers its values as choices; a
    list of scalars is a repeatable option; an email address object (a model of ``email`` and ``name``) is
    address text, a list of them a repeatable option; any other model, a mapping, a list of those or anything
    unknown is JSON text (``@file``, ``-`` for stdin); an upload (`FileInput`) is a path.
    """
    args = [a for a in _union_args(tp) if not _is_sentinel(a)]
    nullable = type(None) in args
    args = [a for a in args if a is not type(None)]
    if any(_is_file(a) for a in args):
        return "file", False, (), nullable
    seqs = [a for a in args if _is_sequence(a)]
    if seqs:
        inner = typing.get_args(seqs[0])
        kind, multiple, choices, _ = classify(inner[0] if inner else Any)
        if kind in ("str", "int", "float", "choice", "address") and not multiple:
            return kind, True, choices, nullable
        return "json", False, (), nullable
    enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
    if enums:
        values: list[str] = []
        for e in enums:
            values.extend(str(m.value) for m in e if str(m.value) not in values)
        return "choice", False, tuple(values), nullable
    if _address_union(args) is not None:
        return "address", False, (), nullable
    if any(_is_mapping_or_model(a) for a in args):
        return "json", False, (), nullable
    if typing.get_origin(args[0] if args else None) is Literal and len(args) == 1:
        return "choice", False, tuple(str(v) for v in typing.get_args(args[0])), nullable
    plain = set(args)
    if plain == {bool}:
        return "bool", False, (), nullable
    if plain == {int}:
        return "int", False, (), nullable
    if plain and plain <= {int, float}:
        return "float", False, (), nullable
    if plain and plain <= {str, datetime, date}:
        return "str", False, (), nullable
    return "json", False, (), nullable


def parse_docstring(doc: str | None) -> tuple[str, str, dict[str, str]]:
    """Google-style docstring -> (summary, text before ``Args:``, {argument: help})."""
    text = inspect.cleandoc(doc or "")
    head, _, args_part = text.partition("\nArgs:\n")
    lines = head.strip().splitlines()
    summary = lines[0].strip() if lines else ""
    args: dict[str, str] = {}
    current: str | None = None
    indent: int | None = None
    for line in args_part.splitlines():
        if not line.strip():
            current = None
            continue
        stripped = line.lstrip()
        depth = len(line) - len(stripped)
        if indent is None:
            indent = depth
        name, sep, rest = stripped.partition(":")
        if depth == indent and sep and name.isidentifier():
            current = name
            args[name] = rest.strip()
        elif depth < indent:
            break  # a section after Args:
        elif current is not None:
            args[current] = f"{args[current]} {stripped}".strip()
    return summary, head.strip(), args


class _Unknown:
    """Stands for a name an annotation uses but the module imports only for type checkers."""

    def __class_getitem__(cls, item: Any) -> type[_Unknown]:
        return cls


class _LenientNames(dict[str, Any]):
    # eval() looks names up here first; a dict subclass's __missing__ answers for any name not found.
    def __init__(self, globalns: Mapping[str, Any]) -> None:
        super().__init__()
        self.globalns = globalns

    def __missing__(self, key: str) -> Any:
        if key in self.globalns:
            return self.globalns[key]
        if hasattr(builtins, key):
            raise KeyError(key)  # eval goes on to the builtins
        if key == "FileInput":  # sendmux._files.FileInput: an upload, read from a path
            return typing.BinaryIO
        return type(key, (_Unknown,), {})


def _annotation(func: Callable[..., Any], name: str, annotation: Any) -> Any:
    """The parameter's type, evaluated one parameter at a time (a return type naming a class that exists
    only under TYPE_CHECKING must not stop the CLI from reading the arguments)."""
    if not isinstance(annotation, str):
        return annotation
    globalns = getattr(func, "__globals__", {})
    try:
        return eval(annotation, globalns, _LenientNames(globalns))  # noqa: S307 - generated source text
    except Exception:
        return Any


def describe_method(method: Callable[..., Any]) -> list[ParamInfo]:
    """The command-line parameters of a generated resource method, in signature order."""
    func = getattr(method, "__func__", method)
    hints = {
        name: _annotation(func, name, p.annotation)
        for name, p in inspect.signature(func).parameters.items()
        if p.annotation is not p.empty
    }
    _, _, helps = parse_docstring(func.__doc__)
    out: list[ParamInfo] = []
    for name, param in inspect.signature(func).parameters.items():
        if name in RUNTIME_PARAMS or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        tp = hints.get(name, Any)
        kind, multiple, choices, nullable = classify(tp)
        help_text = helps.get(name, "")
        if help_text == f"`{name.rstrip('_')}`":  # the generator's placeholder when the spec says nothing
            help_text = ""
        out.append(
            ParamInfo(
                name=name,
                positional=param.kind is param.POSITIONAL_OR_KEYWORD or param.kind is param.POSITIONAL_ONLY,
                kind=kind,
                multiple=multiple,
                choices=choices,
                required=param.default is param.empty,
                nullable=nullable,
                help=help_text,
                null_name=kind == "address" and address_name_required(tp),
            )
        )
    return out
