"""How request arguments are typed, the way openai-python types them.

An enum value is `Literal["a", "b"] | TheEnum` (a typo is a type error; the member is still accepted); a
nested object is `TheModel | TheModelParam`, where `TheModelParam` is a generated `TypedDict` of the
object's JSON shape (`total=False`, `Required[...]` per the spec's `required`, each key documented); a
union of several object shapes gets one name (`AttachmentParam`); a free-form object is
`TheModel | Mapping[str, V]`. The TypedDicts are public in `sendmux.types` beside the models.

Annotations here are of one value; whether `None` or `UNSET` may stand in for it is decided per argument
(`argument_type`): `None` omits a header, a query parameter or a body field the API does not let be null,
and sends JSON null where it does (omitting it then takes the `UNSET` default).
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment
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
from .naming import pascal, snake

SUFFIX = "Param"
ATTACHMENT_FILE = "AttachmentFile"
ATTACHMENT_FILE_MODULE = "attachment_file"
"""The runtime's type of a file given as an attachment, re-exported by `params/attachment_file.py`."""


def _is_address(fields: list[Any]) -> bool:
    """An object of `email` (required) and at most `name`: the API's address shape."""
    names = {codegen.raw(f.name): bool(f.required) for f in fields}
    return names.get("email") is True and set(names) <= {"email", "name"}


class ParamsError(Exception):
    """A request schema the argument types cannot express."""


@dataclass
class Uses:
    """What an annotation names: models and enums (imported from `models`), TypedDicts and aliases."""

    models: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)

    def update(self, other: Uses) -> None:
        self.models |= other.models
        self.params |= other.params


@dataclass
class ParamKey:
    """One key of a TypedDict."""

    wire_name: str
    annotation: str
    required: bool
    description: str

    @property
    def identifier(self) -> bool:
        """Usable as a class-syntax field name (else it is declared in a functional-form base)."""
        return self.wire_name.isidentifier() and not keyword.iskeyword(self.wire_name)


@dataclass
class TypedDictView:
    """`<Model>Param`: the JSON shape of a request-side object."""

    name: str
    module: str
    model: str
    description: str
    keys: list[ParamKey]
    uses: Uses
    model_modules: dict[str, str]
    """Module of each model or enum the keys name."""

    @property
    def total(self) -> bool:
        return all(k.required for k in self.keys)


@dataclass
class UnionView:
    """A named union of object shapes (`AttachmentParam = InlineAttachment | InlineAttachmentParam | …`)."""

    name: str
    module: str
    members: list[str]
    description: str
    uses: Uses
    model_modules: dict[str, str]


def _literal(values: list[Any]) -> str:
    """`Literal["a", "b"]`, quoted as ruff formats it (REFERENCE.md shows it unformatted)."""
    return "Literal[" + ", ".join(json.dumps(v) if isinstance(v, str) else repr(v) for v in values) + "]"


_PLURAL = [(re.compile(r"ies$"), "y"), (re.compile(r"(ss|x|ch|sh)es$"), r"\1"), (re.compile(r"(?<!s)s$"), "")]


def singular(word: str) -> str:
    """`attachments` -> `attachment`, `addresses` -> `address`, `entries` -> `entry`."""
    for pattern, repl in _PLURAL:
        if pattern.search(word):
            return pattern.sub(repl, word)
    return word


def _component_unions(spec: dict[str, Any]) -> dict[frozenset[str], str]:
    """Union components of object shapes (`Attachment: anyOf [InlineAttachment, UploadedAttachmentRef]`)."""
    out: dict[frozenset[str], str] = {}
    for name, schema in ((spec.get("components") or {}).get("schemas") or {}).items():
        if not isinstance(schema, dict):
            continue
        branches = schema.get("anyOf") or schema.get("oneOf")
        if not isinstance(branches, list):
            continue
        refs = [str(b["$ref"]).rsplit("/", 1)[-1] for b in branches if isinstance(b, dict) and "$ref" in b]
        if len(refs) >= 2:
            out[frozenset(refs)] = pascal(name)
    return out


class RequestTypes:
    """The request-side types of one spec: argument annotations, and the TypedDicts and unions they name."""

    def __init__(self, spec: dict[str, Any], models: list[ModelProperty], taken: set[str]) -> None:
        self._models = {codegen.class_name(m): m for m in models}
        self._unions = _component_unions(spec)
        self._taken = taken  # model and enum names: a TypedDict must not take one
        self.typed_dicts: dict[str, TypedDictView] = {}
        self.unions: dict[str, UnionView] = {}
        self.modules: dict[str, str] = {}
        """Module of every model and enum an annotation has named (for imports)."""

    # -- one value ------------------------------------------------------------------------------------

    def value_type(self, prop: Any, owner: str, name: str, uses: Uses) -> str:
        """The annotation of one value of `prop` (a property `name` of `owner`), neither None nor UNSET."""
        if isinstance(prop, BooleanProperty):
            return "bool"
        if isinstance(prop, IntProperty):
            return "int"
        if isinstance(prop, FloatProperty):
            return "float"
        if isinstance(prop, StringProperty | UuidProperty):
            return "str"
        if isinstance(prop, DateTimeProperty):
            return "datetime.datetime | str"
        if isinstance(prop, DateProperty):
            return "datetime.date | str"
        if isinstance(prop, EnumProperty):
            cls = self._named(prop, uses)
            return f"{_literal(list(prop.values.values()))} | {cls}"
        if isinstance(prop, ConstProperty):
            value = prop.value.python_code if hasattr(prop.value, "python_code") else prop.value
            return f"Literal[{value}]"
        if isinstance(prop, ModelProperty):
            return self._object(prop, uses)
        if isinstance(prop, ListProperty):
            item = self.value_type(prop.inner_property, owner, singular(name), uses)
            if name == "attachments":
                # A file may stand for an attachment: the runtime sends it inline or uploads it first.
                uses.params.add(ATTACHMENT_FILE)
                item += f" | {ATTACHMENT_FILE}"
            return f"Sequence[{item}]"
        if isinstance(prop, UnionProperty):
            return self._union(prop, owner, name, uses)
        if isinstance(prop, AnyProperty | FileProperty):
            return "Any"
        if isinstance(prop, NoneProperty):
            return "None"
        raise ParamsError(f"no argument type for {type(prop).__name__} {codegen.raw(prop.name)!r} of {owner}")

    def _named(self, prop: Any, uses: Uses) -> str:
        cls = codegen.class_name(prop)
        uses.models.add(cls)
        self.modules[cls] = codegen.module_name(prop)
        return cls

    def _object(self, prop: ModelProperty, uses: Uses) -> str:
        model = self._models.get(codegen.class_name(prop), prop)
        cls = self._named(model, uses)
        fields = codegen.model_fields(model)
        extra = model.additional_properties
        if not fields:
            value = "Any"
            if extra is not None and not isinstance(extra, bool | AnyProperty):
                value = self.value_type(extra, cls, "value", uses)
            return f"{cls} | Mapping[str, {value}]"
        uses.params.add(self._typed_dict(model))
        if _is_address(fields):
            # The runtime parses "addr" and "Name <addr>" where an address object goes (`_addresses`).
            return f"{cls} | {cls}{SUFFIX} | str"
        return f"{cls} | {cls}{SUFFIX}"

    def _union(self, prop: UnionProperty, owner: str, name: str, uses: Uses) -> str:
        members = codegen.non_null(prop)
        shapes = [m for m in members if isinstance(m, ModelProperty)]
        parts: list[str] = []
        if len(shapes) >= 2:
            parts.append(self._union_alias(shapes, owner, name))
            uses.params.add(parts[0])
        for member in members:
            if len(shapes) >= 2 and isinstance(member, ModelProperty):
                continue
            for piece in self.value_type(member, owner, name, uses).split(" | "):
                if piece not in parts:
                    parts.append(piece)
        if len(members) != len(prop.inner_properties):
            parts.append("None")
        return " | ".join(parts)

    # -- the named request types ----------------------------------------------------------------------

    def _unique(self, name: str) -> str:
        if name in self._taken:
            raise ParamsError(f"{name}: a model or enum already has the name a request type needs")
        return name

    def _typed_dict(self, model: ModelProperty) -> str:
        cls = codegen.class_name(model)
        name = cls + SUFFIX
        if name in self.typed_dicts:
            return name
        view = TypedDictView(
            name=self._unique(name),
            module=codegen.module_name(model) + "_param",
            model=cls,
            description=codegen.docstring_text(model.description),
            keys=[],
            uses=Uses(),
            model_modules={},
        )
        self.typed_dicts[name] = view  # before the keys: a schema may contain itself
        for prop in codegen.model_fields(model):
            wire = codegen.raw(prop.name)
            text = self.value_type(prop, cls, wire, view.uses)
            if codegen.is_nullable(prop) and not text.endswith("None"):
                text += " | None"
            if re.search(rf"\b{name}\b", text):
                text = repr(text)  # the schema contains itself: a forward reference
            view.keys.append(
                ParamKey(wire, text, bool(prop.required), codegen.docstring_text(prop.description))
            )
        view.uses.params.discard(name)
        view.model_modules = {m: self.modules[m] for m in sorted(view.uses.models)}
        return name

    def _union_alias(self, shapes: list[ModelProperty], owner: str, name: str) -> str:
        branches = [codegen.class_name(s) for s in shapes]
        component = self._unions.get(frozenset(branches))
        base = component or owner.removesuffix("Body") + pascal(singular(name))
        alias = base + SUFFIX
        if alias not in self.unions:
            uses = Uses()
            members = [self._object(s, uses) for s in shapes]
            self.unions[alias] = UnionView(
                name=self._unique(alias),
                module=snake(alias),
                members=[piece for m in members for piece in m.split(" | ")],
                description=f"One of {len(shapes)} object shapes: "
                + ", ".join(f"`{b}`" for b in branches)
                + " (the model, or a dict of its JSON shape).",
                uses=uses,
                model_modules={m: self.modules[m] for m in sorted(uses.models)},
            )
        return alias


def comment_block(text: str, indent: int) -> str:
    """`text` as `#` comment lines, continuation lines indented to `indent` spaces (a Jinja filter)."""
    lines = [f"# {line}".rstrip() for line in text.splitlines()] or ["#"]
    return ("\n" + " " * indent).join(lines)


def table_cell(text: str) -> str:
    """`text` on one line, safe inside a Markdown table cell (a Jinja filter for REFERENCE.md)."""
    return " ".join(text.split()).replace("|", "\\|")


def argument_type(value: str, *, required: bool, nullable: bool, body: bool) -> tuple[str, str]:
    """(annotation, default) of an argument whose value type is `value`.

    Optional arguments take `None` for "omit" and default to it, except a body field the API lets be
    null: there `None` sends null and omitting it takes the `UNSET` default.
    """
    has_none = value == "None" or value.endswith(" | None")
    if required:
        return (value if has_none or not nullable else f"{value} | None"), ""
    if body and nullable:
        base = value if has_none else f"{value} | None"
        return f"{base} | Unset", "UNSET"
    return (value if has_none else f"{value} | None"), "None"


def reference_views(typesets: list[RequestTypes]) -> list[TypedDictView | UnionView]:
    """Every request type of every spec once, by name: what REFERENCE.md documents."""
    views: dict[str, TypedDictView | UnionView] = {}
    for types in typesets:
        found: list[TypedDictView | UnionView] = [*types.typed_dicts.values(), *types.unions.values()]
        for view in found:
            views.setdefault(view.name, view)
    return [views[name] for name in sorted(views)]


def render_files(env: Environment, typesets: list[RequestTypes]) -> dict[str, str]:
    """`params/<module>.py` per TypedDict or union of every spec, and `params/__init__.py`.

    Two specs may need the same request type (a shared model name): it must render the same.
    """
    param_t, union_t = env.get_template("param.py.jinja"), env.get_template("param_union.py.jinja")
    files: dict[str, str] = {}
    names: dict[str, str] = {}
    for types in typesets:
        modules = {v.name: v.module for v in types.typed_dicts.values()}
        modules.update({u.name: u.module for u in types.unions.values()})
        modules[ATTACHMENT_FILE] = ATTACHMENT_FILE_MODULE
        views: list[tuple[TypedDictView | UnionView, str]] = [
            *((v, param_t.render(param=v, modules=modules)) for v in types.typed_dicts.values()),
            *((u, union_t.render(union=u, modules=modules)) for u in types.unions.values()),
        ]
        for view, text in views:
            path = f"params/{view.module}.py"
            if files.setdefault(path, text) != text:
                raise ParamsError(f"two specs need different request types named {view.name}")
            names[view.name] = view.module
    files[f"params/{ATTACHMENT_FILE_MODULE}.py"] = env.get_template("param_runtime.py.jinja").render(
        name=ATTACHMENT_FILE
    )
    names[ATTACHMENT_FILE] = ATTACHMENT_FILE_MODULE
    exports = sorted(((module, name) for name, module in names.items()), key=lambda x: x[1])
    files["params/__init__.py"] = env.get_template("models_init.py.jinja").render(
        exports=exports,
        docstring="Request types: the TypedDicts and unions arguments take (`FilterRuleParam`), imported on "
        "first use.",
    )
    return files
