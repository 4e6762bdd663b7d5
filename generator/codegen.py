"""Python snippets for the templates: type annotations, decode statements, argument types.

openapi-python-client parses the spec into Property objects; these functions turn one Property
into code.  The templates decide layout; this module decides the per-type expressions, so that
the decode path is straight-line code with no per-field function calls beyond what a type needs.
"""

from __future__ import annotations

import keyword
from typing import Any

from openapi_python_client.parser.properties import AnyProperty, EnumProperty, ModelProperty, Property

# The rest from their own modules: the package's __init__ does not export them (__all__) for mypy.
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
from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import snake_case


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
    """Spec prose made safe inside a triple-quoted docstring (complete: never cut)."""
    text = raw(value).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    lines = [line.rstrip() for line in text.splitlines()]
    text = "\n".join(lines).strip()
    if text.endswith('"'):
        text += " "  # a closing quote would merge with the docstring's own
    return text


def md_text(text: str) -> str:
    """Docstring-escaped spec prose back as plain Markdown text (for REFERENCE.md)."""
    return text.replace('\\"\\"\\"', '"""').replace("\\\\", "\\")


def md_cell(text: str) -> str:
    """Text fit for one Markdown table cell: one line, pipes escaped."""
    return " ".join(md_text(str(text)).split()).replace("|", "\\|")


def doc_block(text: str, indent: int) -> str:
    """`text` with its continuation lines indented to sit inside a docstring at `indent` spaces."""
    pad = " " * indent
    return "\n".join(line if i == 0 or not line else pad + line for i, line in enumerate(text.splitlines()))


# Names the generated files use themselves (module, builtins in annotations, the model base's members):
# a field of that name would shadow them, so it gets a trailing `_` like a keyword.  Other builtins
# (`type`, `min`, `max`, `id`, `format`, ...) keep the API's name.
_TAKEN_NAMES = frozenset(
    {
        "self",
        "datetime",
        "list",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "object",
        "Any",
        "Mapping",
        "Sequence",
    }
    | {"Unset", "UNSET", "additional_properties", "from_dict", "to_dict", "field", "define", "Model"}
    | {"ABSENT", "fields_set", "masked_repr"}
)


SECRET_MARK = "x-sendmux-secret"


def is_secret(model: ModelProperty, prop: Any) -> bool:
    """A field whose value is a secret: named `secret`, or marked `x-sendmux-secret: true` by an overlay."""
    name = raw(prop.name)
    if name == "secret":
        return True
    for key, schema in (model.data.properties or {}).items():
        if raw(key) == name:
            extra = getattr(schema, "model_extra", None) or {}
            return extra.get(SECRET_MARK) is True
    return False


def python_name(prop: Any) -> str:
    """The attribute/argument name: the JSON name in snake_case; a keyword gets a trailing `_`."""
    name = snake_case(raw(prop.name))
    if not name or name[0].isdigit():
        name = f"field_{name}"
    if keyword.iskeyword(name):
        name += "_"
    elif name in _TAKEN_NAMES:
        name += "_"
    return name


_PRIMITIVES: dict[type, str] = {
    StringProperty: "str",
    IntProperty: "int",
    FloatProperty: "float",
    BooleanProperty: "bool",
}


def non_null(prop: UnionProperty) -> list[Any]:
    return [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]


def model_fields(model: ModelProperty) -> list[Property]:
    """A model's properties, required first (the parser leaves both lists None until it has run)."""
    return [*(model.required_properties or []), *(model.optional_properties or [])]


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
        for member in prop.inner_properties:
            text = "None" if isinstance(member, NoneProperty) else base_type(member, arg=arg)
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
    """A model field's annotation: an optional field reads None when absent (one "absent" for users)."""
    text = base_type(prop)
    if prop.required or text.endswith("| None") or text == "None" or text == "Any":
        return text
    return f"{text} | None"


def arg_type(prop: Any) -> str:
    text = base_type(prop, arg=True)
    return text if prop.required else f"{text} | Unset"


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
