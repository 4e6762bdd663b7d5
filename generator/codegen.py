"""Python snippets for the templates: type annotations, decode statements, argument types.

openapi-python-client parses the spec into Property objects; these functions turn one Property
into code.  The templates decide layout; this module decides the per-type expressions, so that
the decode path is straight-line code with no per-field function calls beyond what a type needs.
"""

from __future__ import annotations

from typing import Any

from openapi_python_client.parser.properties import (
    AnyProperty,
    BooleanProperty,
    ConstProperty,
    DateProperty,
    DateTimeProperty,
    EnumProperty,
    FileProperty,
    FloatProperty,
    IntProperty,
    ListProperty,
    ModelProperty,
    NoneProperty,
    StringProperty,
    UnionProperty,
    UuidProperty,
)
from openapi_python_client.schema.untrusted_string import UntrustedString


class CodegenError(Exception):
    """A schema construct the templates cannot express."""


def raw(value: Any) -> str:
    """The plain text of a spec string (names, descriptions)."""
    if isinstance(value, UntrustedString):
        return value.get_untrusted_value()
    return "" if value is None else str(value)


def literal(value: Any) -> str:
    """A safe Python string literal for a spec string."""
    return repr(raw(value))


def docstring_text(value: Any) -> str:
    """Spec prose made safe inside a triple-quoted docstring."""
    text = raw(value).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    return text


_PRIMITIVES: dict[type, str] = {
    StringProperty: "str",
    IntProperty: "int",
    FloatProperty: "float",
    BooleanProperty: "bool",
}


def _non_null(prop: UnionProperty) -> list[Any]:
    return [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]


def is_nullable(prop: Any) -> bool:
    return isinstance(prop, UnionProperty) and any(isinstance(p, NoneProperty) for p in prop.inner_properties)


def class_name(prop: Any) -> str:
    return str(prop.class_info.name)


def module_name(prop: Any) -> str:
    return str(prop.class_info.module_name)


def base_type(prop: Any, *, arg: bool = False) -> str:
    """The annotation of a value of this property (without Unset).

    With `arg`, the forgiving argument form: enums also take their plain value, models also take a
    mapping of their wire shape, timestamps also take an RFC 3339 string, lists any sequence.
    """
    for cls, name in _PRIMITIVES.items():
        if type(prop) is cls:
            return "float" if name == "float" else name
    if isinstance(prop, DateTimeProperty):
        return "datetime.datetime | str" if arg else "datetime.datetime"
    if isinstance(prop, DateProperty):
        return "datetime.date | str" if arg else "datetime.date"
    if isinstance(prop, EnumProperty):
        plain = "int" if prop.value_type is int else "str"
        return f"{class_name(prop)} | {plain}" if arg else class_name(prop)
    if isinstance(prop, ModelProperty):
        return f"{class_name(prop)} | Mapping[str, Any]" if arg else class_name(prop)
    if isinstance(prop, ListProperty):
        inner = base_type(prop.inner_property, arg=arg)
        return f"Sequence[{inner}]" if arg else f"list[{inner}]"
    if isinstance(prop, UnionProperty):
        parts: list[str] = []
        for inner in prop.inner_properties:
            text = "None" if isinstance(inner, NoneProperty) else base_type(inner, arg=arg)
            for piece in text.split(" | "):
                if piece not in parts:
                    parts.append(piece)
        if "None" in parts:  # None last reads best
            parts.remove("None")
            parts.append("None")
        return " | ".join(parts)
    if isinstance(prop, NoneProperty):
        return "None"
    if isinstance(prop, UuidProperty):
        return "str"
    if isinstance(prop, ConstProperty):
        return type(prop.value.python_code if hasattr(prop.value, "python_code") else prop.value).__name__
    if isinstance(prop, AnyProperty | FileProperty):
        return "Any"
    raise CodegenError(f"no annotation for {type(prop).__name__} {raw(prop.name)!r}")


def field_type(prop: Any) -> str:
    text = base_type(prop)
    return text if prop.required else f"{text} | Unset"


def arg_type(prop: Any) -> str:
    text = base_type(prop, arg=True)
    return text if prop.required else f"{text} | Unset"


def _type_is(kind: str, var: str) -> str:
    """True when `var` holds the JSON kind (a JSON number without a fraction is an int)."""
    if kind == "float":
        return f"(type({var}) is float or type({var}) is int)"
    return f"type({var}) is {kind}"


def _type_is_not(kind: str, var: str) -> str:
    if kind == "float":
        return f"type({var}) is not float and type({var}) is not int"
    return f"type({var}) is not {kind}"


def _check(kind: str, var: str) -> list[str]:
    return [f"if {_type_is_not(kind, var)}:", f"    raise expected({kind!r}, {var})"]


def from_dict_name(prop: ModelProperty) -> str:
    """Module-level alias of a nested model's `from_dict` (bound once, saves a lookup per object)."""
    return f"_{class_name(prop)}_from_dict"


def referenced_models(prop: Any) -> list[ModelProperty]:
    return [p for p in _leaves(prop) if isinstance(p, ModelProperty)]


def enum_lookup_name(prop: EnumProperty) -> str:
    return f"_{class_name(prop)}_member"


def decode_lines(prop: Any, var: str, depth: int = 0) -> list[str]:
    """Statements that turn the JSON value in `var` into the typed value, in place (rebinding `var`)."""
    for cls, kind in _PRIMITIVES.items():
        if type(prop) is cls:
            return _check(kind, var)
    if isinstance(prop, UuidProperty):
        return _check("str", var)
    if isinstance(prop, DateTimeProperty):
        # fromisoformat inline (3.11 reads RFC 3339 incl. `Z`); odd-but-valid forms take the slow path.
        return [
            "try:",
            f"    {var} = _fromisoformat({var})",
            "except (TypeError, ValueError):",
            f"    {var} = parse_datetime({var})",
            f"if {var}.tzinfo is None:",
            f"    {var} = {var}.replace(tzinfo=_UTC)",
        ]
    if isinstance(prop, DateProperty):
        return [f"{var} = parse_date({var})"]
    if isinstance(prop, EnumProperty):
        # A dict lookup for known values; the enum call keeps unknown ones (open enum).
        return [f"{var} = {enum_lookup_name(prop)}({var}) or {class_name(prop)}({var})"]
    if isinstance(prop, ModelProperty):
        return [f"{var} = {from_dict_name(prop)}({var})"]
    if isinstance(prop, ListProperty):
        return _list_lines(prop, var, depth)
    if isinstance(prop, UnionProperty):
        return _union_lines(prop, var, depth)
    if isinstance(prop, NoneProperty):
        return [f"if {var} is not None:", f"    raise expected('null', {var})"]
    if isinstance(prop, AnyProperty | ConstProperty | FileProperty):
        return []
    raise CodegenError(f"cannot decode {type(prop).__name__} {raw(prop.name)!r}")


def _list_lines(prop: ListProperty, var: str, depth: int) -> list[str]:
    inner = prop.inner_property
    lines = [f"if type({var}) is not list:", f"    raise expected('list', {var})"]
    item = f"_i{depth}"
    for cls, kind in _PRIMITIVES.items():
        if type(inner) is cls:
            return lines + [
                f"for {item} in {var}:",
                f"    if {_type_is_not(kind, item)}:",
                f"        raise expected('list of {kind}', {item})",
            ]
    if isinstance(inner, ModelProperty):
        return lines + [f"{var} = [{from_dict_name(inner)}({item}) for {item} in {var}]"]
    if isinstance(inner, EnumProperty):
        lookup = enum_lookup_name(inner)
        return lines + [f"{var} = [{lookup}({item}) or {class_name(inner)}({item}) for {item} in {var}]"]
    if isinstance(inner, DateTimeProperty):
        return lines + [f"{var} = [parse_datetime({item}) for {item} in {var}]"]
    if isinstance(inner, AnyProperty):
        return lines
    # Anything else: decode element by element.
    body = decode_lines(inner, item, depth + 1)
    out = f"_l{depth}"
    return lines + [
        f"{out} = []",
        f"for {item} in {var}:",
        *(f"    {line}" for line in body),
        f"    {out}.append({item})",
        f"{var} = {out}",
    ]


def _json_kind(prop: Any) -> str:
    """The JSON type a branch of a union claims, for dispatching on `type(value)`."""
    if type(prop) in _PRIMITIVES:
        return _PRIMITIVES[type(prop)]
    if isinstance(prop, EnumProperty):
        return "int" if prop.value_type is int else "str"
    if isinstance(prop, DateTimeProperty | DateProperty | UuidProperty):
        return "str"
    if isinstance(prop, ModelProperty):
        return "dict"
    if isinstance(prop, ListProperty):
        return "list"
    raise CodegenError(f"union branch {type(prop).__name__} has no JSON kind")


def _union_lines(prop: UnionProperty, var: str, depth: int) -> list[str]:
    branches = _non_null(prop)
    nullable = is_nullable(prop)
    if len(branches) == 1:
        inner = decode_lines(branches[0], var, depth + 1)
        if not nullable:
            return inner
        if not inner:
            return []
        return [f"if {var} is not None:", *(f"    {line}" for line in inner)]
    lines: list[str] = []
    keyword = "if"
    if nullable:
        lines.append(f"if {var} is None:")
        lines.append("    pass")
        keyword = "elif"
    seen: set[str] = set()
    for branch in branches:
        kind = _json_kind(branch)
        if kind in seen:
            continue  # two branches of one JSON kind: the first decodes it
        seen.add(kind)
        cond = _type_is(kind, var)
        body = [
            line
            for line in decode_lines(branch, var, depth + 1)
            if not line.startswith(("if type(", "    raise expected("))
        ]
        lines.append(f"{keyword} {cond}:")
        lines.extend(f"    {line}" for line in body or ["pass"])
        keyword = "elif"
    names = " or ".join(sorted(seen | ({"null"} if nullable else set())))
    lines += ["else:", f"    raise expected({names!r}, {var})"]
    return lines


def _leaves(prop: Any) -> list[Any]:
    """The properties a type is made of, looking through lists and unions."""
    if isinstance(prop, ListProperty):
        return _leaves(prop.inner_property)
    if isinstance(prop, UnionProperty):
        return [leaf for p in prop.inner_properties for leaf in _leaves(p)]
    return [prop]


def referenced_enums(prop: Any) -> list[EnumProperty]:
    """Every enum a property's decoding looks up (for module-level lookup tables)."""
    return [p for p in _leaves(prop) if isinstance(p, EnumProperty)]


def referenced_classes(prop: Any) -> list[Any]:
    """Models and enums a property's type names (for imports)."""
    return [p for p in _leaves(prop) if isinstance(p, EnumProperty | ModelProperty)]


def uses_datetime(prop: Any) -> bool:
    return any(isinstance(p, DateTimeProperty | DateProperty) for p in _leaves(prop))


def simple_kind(prop: Any) -> tuple[str, bool] | None:
    """(JSON kind, nullable) for a field that needs a type check but no conversion, else None.

    Such fields are read together and checked with one combined condition; only a failure pays
    for finding out which field was wrong (`sendmux._decoding.wrong_type`).
    """
    if type(prop) in _PRIMITIVES:
        return _PRIMITIVES[type(prop)], False
    if isinstance(prop, UuidProperty):
        return "str", False
    if isinstance(prop, AnyProperty):
        return "any", False
    if isinstance(prop, UnionProperty) and is_nullable(prop):
        branches = _non_null(prop)
        if len(branches) == 1:
            inner = simple_kind(branches[0])
            if inner is not None:
                return inner[0], True
    return None


def check_expr(kind: str, nullable: bool, var: str, optional: bool) -> str | None:
    """A condition true when `var` has the right JSON type (None: anything goes)."""
    if kind == "any":
        return None
    cond = _type_is(kind, var)
    if nullable:
        cond = f"({var} is None or {cond})"
    if optional:
        cond = f"({var} is UNSET or {cond})"
    return cond
