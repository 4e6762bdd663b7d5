"""Each model's decoder as readable Python, rendered by `templates/decoder.py.jinja` into `decoders/`.

A decoder reads one JSON object into its model in straight-line code: every field read, the plain ones
checked in one condition, timestamps, enums and nested models converted in place, the object filled in
without running `__init__`.  Anything unexpected raises inside its `try` (a missing key, a wrong type, a
value an enum or a timestamp parser refuses) and the object goes to the runtime's field-by-field path
(`sendmux._field_decoding.checked`), which names the field or, leniently, keeps the raw value.

This module decides the per-type statements; the template decides the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.parser.properties import AnyProperty, EnumProperty, ModelProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.const import ConstProperty
from openapi_python_client.parser.properties.date import DateProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.file import FileProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.parser.properties.uuid import UuidProperty

from . import codegen

__all__ = ["DecoderView", "decoder_views", "reference_cycles"]

# Names a decoder module uses itself: a field's local variable never takes one of them (`type_`).
_RESERVED = frozenset(
    {"type", "len", "list", "dict", "Exception", "TypeError", "datetime", "Any"}
    | {"d", "self", "item", "value", "ABSENT", "checked", "complete", "new"}
)


@dataclass
class FieldDecode:
    attr: str
    local: str
    wire: str
    required: bool
    check: str | None
    """A condition true when the JSON value has the type this field takes (None: anything goes)."""
    convert: list[str]
    """Statements turning the JSON value in `local` into the field's value, in place."""


@dataclass
class Helper:
    """A module-level function converting one value (a union, or list items that need statements)."""

    name: str
    body: list[str]


@dataclass
class DecoderView:
    model: str
    module: str
    fields: list[FieldDecode]
    imports: list[str] = field(default_factory=list)
    enum_maps: list[tuple[str, str]] = field(default_factory=list)
    helpers: list[Helper] = field(default_factory=list)
    uses_datetime: bool = False
    uses_date: bool = False

    @property
    def function(self) -> str:
        return f"decode_{self.module}"

    @property
    def optional(self) -> list[FieldDecode]:
        return [f for f in self.fields if not f.required]

    @property
    def mismatch(self) -> str | None:
        """The condition under which some plain field has the wrong JSON type (None: nothing to check)."""
        checks = [f.check for f in self.fields if f.check]
        if not checks:
            return None
        return _negate(checks[0]) if len(checks) == 1 else f"not ({' and '.join(checks)})"


def _indent(lines: list[str], by: int = 1) -> list[str]:
    return [("    " * by) + line for line in lines]


def reference_cycles(models: list[ModelProperty]) -> set[tuple[str, str]]:
    """Edges (model, nested model) inside a reference cycle: decoders that would import each other."""
    edges: dict[str, set[str]] = {}
    for model in models:
        name = codegen.class_name(model)
        edges[name] = {
            codegen.class_name(ref)
            for prop in codegen.model_fields(model)
            for ref in codegen.referenced_classes(prop)
            if isinstance(ref, ModelProperty)
        }

    def reaches(start: str, goal: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        return False

    return {(a, b) for a, targets in edges.items() for b in targets if a != b and reaches(b, a)}


class _Writer:
    """Writes the decoder of one model: field statements, enum tables, helper functions, imports."""

    def __init__(
        self, model: ModelProperty, cyclic: set[tuple[str, str]], models: dict[str, ModelProperty]
    ) -> None:
        self.model = model
        # A model met inside a union or list may be the parser's early copy, without its fields filled in.
        self.models = models
        self.name = codegen.class_name(model)
        self.module = codegen.module_name(model)
        self.cyclic = cyclic
        self.imports: set[tuple[str, str]] = {(f"..models.{self.module}", self.name)}
        self.enum_maps: dict[str, str] = {}
        self.helpers: dict[str, Helper] = {}
        self.uses_datetime = False
        self.uses_date = False

    def view(self) -> DecoderView:
        fields = []
        for prop in codegen.model_fields(self.model):
            attr = codegen.python_name(prop)
            local = f"{attr}_" if attr in _RESERVED or attr.startswith("decode_") else attr
            check, convert = self.value(prop, local, attr)
            if not prop.required:
                # Optional: ABSENT when the key is not there (`complete` turns it into None); null is fine.
                if check is not None:
                    check = f"({local} is ABSENT or {local} is None or {check})"
                if convert:
                    convert = [f"if {local} is not None and {local} is not ABSENT:", *_indent(convert)]
            fields.append(
                FieldDecode(attr, local, codegen.raw(prop.name), bool(prop.required), check, convert)
            )
        lines = [f"from {module} import {name}" for module, name in sorted(self.imports)]
        return DecoderView(
            model=self.name,
            module=self.module,
            fields=fields,
            imports=lines,
            enum_maps=sorted(self.enum_maps.items()),
            helpers=[self.helpers[k] for k in sorted(self.helpers)],
            uses_datetime=self.uses_datetime,
            uses_date=self.uses_date,
        )

    # -- one value --------------------------------------------------------------------------------------

    def value(self, prop: Any, var: str, label: str) -> tuple[str | None, list[str]]:
        """(a condition true when `var` holds the right JSON type, statements converting it in place)."""
        if isinstance(prop, UnionProperty):
            members = codegen.non_null(prop)
            nullable = len(members) != len(prop.inner_properties)
            if len(members) == 1:
                check, convert = self.value(members[0], var, label)
                if nullable:
                    check = f"({var} is None or {check})" if check else None
                    convert = [f"if {var} is not None:", *_indent(convert)] if convert else []
                return check, convert
            return None, [f"{var} = {self.union_helper(prop, label)}({var})"]
        plain = _plain_check(prop, var)
        if plain is not None or _is_any(prop):
            return plain, []
        if isinstance(prop, DateTimeProperty):
            self.uses_datetime = True
            return None, [
                f"{var} = _fromisoformat({var})",
                f"if {var}.tzinfo is None:",
                f"    {var} = {var}.replace(tzinfo=_UTC)",
            ]
        if isinstance(prop, DateProperty):
            self.uses_date = True
            return None, [f"{var} = _date_fromisoformat({var})"]
        if isinstance(prop, EnumProperty):
            enum, table = self.enum_table(prop)
            return None, [f"{var} = {table}[{var}] if {var} in {table} else {enum}({var})"]
        if isinstance(prop, ModelProperty):
            return None, [f"{var} = {self.nested(prop)}({var})"]
        if isinstance(prop, ListProperty):
            return f"type({var}) is list", self.items(prop.inner_property, var, label)
        raise codegen.CodegenError(f"{self.name}.{label}: no decoder for {type(prop).__name__}")

    def items(self, inner: Any, var: str, label: str) -> list[str]:
        label = f"{label}_item"
        check, convert = self.value(inner, "item", label)
        if not convert:
            if check is None:
                return []
            return [f"for item in {var}:", *_indent(self.guard(check))]
        if len(convert) == 1 and check is None and convert[0].startswith("item = "):
            return [f"{var} = [{convert[0][len('item = ') :]} for item in {var}]"]
        # Statements per item: a function of its own, called in a comprehension.
        check, convert = self.value(inner, "value", label)
        name = self.helper(f"_{_type_word(inner)}", [*self.guard(check), *convert, "return value"])
        return [f"{var} = [{name}(item) for item in {var}]"]

    @staticmethod
    def guard(check: str | None) -> list[str]:
        return [] if check is None else [f"if {_negate(check)}:", "    raise TypeError"]

    def helper(self, name: str, body: list[str]) -> str:
        self.helpers[name] = Helper(name=name, body=body)
        return name

    def union_helper(self, prop: UnionProperty, label: str) -> str:
        """A function that picks the branch by the JSON value's type (objects: by their keys)."""
        members = codegen.non_null(prop)
        body: list[str] = []
        if len(members) != len(prop.inner_properties):
            body += ["if value is None:", "    return None"]
        models = [m for m in members if isinstance(m, ModelProperty)]
        for member in members:
            if isinstance(member, ModelProperty):
                if member is models[0]:
                    body += ["if type(value) is dict:", *_indent(self.pick_model(models))]
                continue
            check, convert = self.value(member, "value", label)
            kind = _json_kind(member, "value")
            if kind is None:  # Any: takes whatever is left
                body += [*convert, "return value"]
                break
            guard = self.guard(check) if check != kind else []
            body += [f"if {kind}:", *_indent([*guard, *convert, "return value"])]
        else:
            body.append("raise TypeError")
        return self.helper("_" + "_or_".join(_type_word(m) for m in prop.inner_properties), body)

    def pick_model(self, models: list[ModelProperty]) -> list[str]:
        """Decode an object with the model its keys name: a required key only that model has."""
        keys = [
            {codegen.raw(p.name) for p in self.models.get(codegen.class_name(m), m).required_properties or []}
            for m in models
        ]
        lines: list[str] = []
        for i, model in enumerate(models[:-1]):
            others = set().union(*(k for j, k in enumerate(keys) if j != i))
            own = sorted(keys[i] - others)
            if own:
                lines += [f"if {own[0]!r} in value:", f"    return {self.nested(model)}(value)"]
        return [*lines, f"return {self.nested(models[-1])}(value)"]

    def enum_table(self, prop: EnumProperty) -> tuple[str, str]:
        enum = codegen.class_name(prop)
        self.imports.add((f"..models.{codegen.module_name(prop)}", enum))
        table = "_" + codegen.module_name(prop).upper()
        self.enum_maps[table] = enum
        return enum, table

    def nested(self, prop: ModelProperty) -> str:
        """The function that decodes a nested model (its class's `from_dict` inside a reference cycle)."""
        other = codegen.class_name(prop)
        module = codegen.module_name(prop)
        if other == self.name:
            return f"decode_{module}"
        if (self.name, other) in self.cyclic:
            # Decoders in a cycle would import each other: go through the class, resolved on first use.
            self.imports.add((f"..models.{module}", other))
            return f"{other}.from_dict"
        self.imports.add((f".{module}", f"decode_{module}"))
        return f"decode_{module}"


def _negate(check: str) -> str:
    """`type(x) is str` -> `type(x) is not str`; anything else -> `not (...)`."""
    if check.startswith("type(") and check.count(" is ") == 1 and " or " not in check:
        return check.replace(" is ", " is not ")
    return f"not {check}" if check.startswith("(") else f"not ({check})"


def _type_word(prop: Any) -> str:
    """A name for a type in helper names: `int_or_provider_quota_range`, `list_of_timestamp`."""
    if isinstance(prop, EnumProperty | ModelProperty):
        return codegen.module_name(prop)
    if isinstance(prop, ListProperty):
        return f"list_of_{_type_word(prop.inner_property)}"
    if isinstance(prop, UnionProperty):
        return "_or_".join(_type_word(p) for p in prop.inner_properties)
    if isinstance(prop, DateTimeProperty):
        return "timestamp"
    words = {StringProperty: "str", UuidProperty: "str", IntProperty: "int", FloatProperty: "float"}
    words |= {BooleanProperty: "bool", DateProperty: "date", NoneProperty: "none"}
    return words.get(type(prop), "any")


def _is_any(prop: Any) -> bool:
    return isinstance(prop, AnyProperty | FileProperty)


def _plain_check(prop: Any, var: str) -> str | None:
    if type(prop) in (StringProperty, UuidProperty):
        return f"type({var}) is str"
    if type(prop) is IntProperty:
        return f"type({var}) is int"
    if type(prop) is FloatProperty:
        return f"(type({var}) is float or type({var}) is int)"
    if type(prop) is BooleanProperty:
        return f"({var} is True or {var} is False)"  # identity tests: cheaper than a type() call
    if isinstance(prop, ConstProperty):
        return f"{var} == {prop.value.python_code}"
    if isinstance(prop, NoneProperty):
        return f"{var} is None"
    return None


def _json_kind(prop: Any, var: str) -> str | None:
    """A condition on the JSON type alone, to choose a union's branch (None: any value)."""
    if isinstance(prop, EnumProperty):
        return f"type({var}) is int" if prop.value_type is int else f"type({var}) is str"
    if isinstance(prop, DateTimeProperty | DateProperty):
        return f"type({var}) is str"
    if isinstance(prop, ListProperty):
        return f"type({var}) is list"
    return _plain_check(prop, var)


def decoder_views(models: list[ModelProperty]) -> list[DecoderView]:
    cyclic = reference_cycles(models)
    by_name = {codegen.class_name(m): m for m in models}
    return sorted((_Writer(m, cyclic, by_name).view() for m in models), key=lambda v: v.model)
