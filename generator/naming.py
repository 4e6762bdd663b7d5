"""Where each operation lives on the client: `x-sendmux-resource` / `x-sendmux-method`.

Name overlays (`openapi/overlays/10-names.yaml`, `11-mailbox-names.yaml`,
`openapi/overlays/sending/10-names.yaml`) name every operation of the pinned specs.  Any operation
they do not name (an older or newer spec) gets a derived name, so every version generates.  Names
are unique per surface (each surface is its own client):

* resource: the operation's first tag in snake_case (`"Sending accounts"` -> `sending_accounts`;
  no tag -> `default`); for a surface configured `resource_from: path` (one tag for everything),
  the first path segment after the surface's `path_prefix` (`/mailbox/messages:batch-get` ->
  `messages`);
* method: the operationId in snake_case, without the surface's operationId prefix and without a
  trailing resource noun (`managementGetFoo` on `foos` -> `get`, `mailboxListMessages` on
  `messages` -> `list`); if that clashes, the whole name (`get_foo`), then with the HTTP method
  prepended (`post_get_foo`).
"""

from __future__ import annotations

import copy
import keyword
import re
from typing import Any

from . import config as _config
from .surface import SURFACE_KEY, iter_operations

RESOURCE_KEY = "x-sendmux-resource"
METHOD_KEY = "x-sendmux-method"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


class NamingError(Exception):
    """Two operations claim the same client method, or a name is not a Python identifier."""


def snake(text: str) -> str:
    text = re.sub(r"[^0-9A-Za-z]+", "_", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"_+", "_", text).strip("_").lower()
    if not text or text[0].isdigit():
        text = f"op_{text}"
    return f"{text}_" if keyword.iskeyword(text) else text


def derive_resource(op: dict[str, Any], path: str = "", surface: _config.SurfaceConfig | None = None) -> str:
    if surface is not None and surface.resource_from == "path":
        rest = path[len(surface.path_prefix) :] if path.startswith(surface.path_prefix) else path
        for segment in rest.split("/"):
            segment = segment.split(":", 1)[0]
            if segment and not segment.startswith("{"):
                return snake(segment)
    tags = op.get("tags") or ["default"]
    return snake(str(tags[0]))


def derive_method(
    op: dict[str, Any], http_method: str, path: str, surface: _config.SurfaceConfig | None = None
) -> str:
    op_id = str(op.get("operationId") or f"{http_method}_{path}")
    name = snake(op_id)
    prefix = snake(surface.operation_prefix) + "_" if surface and surface.operation_prefix else "management_"
    if name.startswith(prefix) and len(name) > len(prefix):
        name = name[len(prefix) :]
    return name


def without_noun(method: str, resource: str) -> str:
    """`messages.list_messages` -> `messages.list`, `emails.send_email` -> `emails.send`.

    The resource already says the noun; a verb alone reads like the API's own names.
    """
    noun = resource.rsplit(".", 1)[-1]
    forms = {
        noun,
        noun[:-1] if noun.endswith("s") else noun,
        noun[:-3] + "y" if noun.endswith("ies") else noun,
    }
    for form in sorted(forms, key=len, reverse=True):
        if method.endswith("_" + form) and len(method) > len(form) + 1:
            return method[: -len(form) - 1]
    return method


def assign_names(spec: dict[str, Any], config: _config.Config | None = None) -> dict[str, Any]:
    """Fill in derived names where no overlay gave one; refuse clashes and bad identifiers."""
    config = config or _config.load()
    taken: dict[tuple[str, str, str], str] = {}
    pending = []
    for path, http_method, op in iter_operations(spec):
        where = str(op.get(SURFACE_KEY, ""))
        if RESOURCE_KEY in op and METHOD_KEY in op:
            _claim(taken, where, op[RESOURCE_KEY], op[METHOD_KEY], op, path, http_method)
        else:
            pending.append((path, http_method, op))
    for path, http_method, op in pending:
        where = str(op.get(SURFACE_KEY, ""))
        surface = config.surfaces.get(where)
        resource = op.get(RESOURCE_KEY) or derive_resource(op, path, surface)
        full = op.get(METHOD_KEY) or derive_method(op, http_method, path, surface)
        candidates = [full, f"{http_method}_{full}"]
        if METHOD_KEY not in op:
            candidates.insert(0, without_noun(full, resource))
        method = next((m for m in candidates if (where, resource, m) not in taken), candidates[-1])
        op[RESOURCE_KEY], op[METHOD_KEY] = resource, method
        _claim(taken, where, resource, method, op, path, http_method)
    return spec


def _claim(
    taken: dict[tuple[str, str, str], str],
    where: str,
    resource: str,
    method: str,
    op: dict[str, Any],
    path: str,
    verb: str,
) -> None:
    label = f"{verb.upper()} {path} ({op.get('operationId')})"
    for part in [*resource.split("."), method]:
        if not _IDENT.match(part) or keyword.iskeyword(part):
            raise NamingError(f"{label}: {resource}.{method} is not a valid Python name")
    if (where, resource, method) in taken:
        raise NamingError(f"{label} and {taken[(where, resource, method)]} both map to {resource}.{method}")
    taken[(where, resource, method)] = label


# --- inline schemas ------------------------------------------------------------------------------------------

_SCHEMA_PREFIX = "#/components/schemas/"


def pascal(text: str) -> str:
    if not text.strip("_ "):
        return ""
    return "".join(part[:1].upper() + part[1:] for part in snake(text).rstrip("_").split("_") if part)


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and (node.get("type") == "null" or node.get("type") == ["null"])


def _is_object(node: dict[str, Any]) -> bool:
    types = node.get("type")
    kinds = types if isinstance(types, list) else [types]
    return "object" in kinds or (types is None and bool(node.get("properties")))


def _deserves_name(node: dict[str, Any]) -> bool:
    """An object (with or without properties) or an enum: openapi-python-client makes a class of it."""
    return _is_object(node) or (isinstance(node.get("enum"), list) and "anyOf" not in node)


def _telling_key(branch: Any, shapes: list[dict[str, Any]]) -> str:
    """`With<Key>` for an object shape of a union: the first key (required ones first) no other shape has.

    Names a union's object shapes for what they are (`...AttachmentsItemWithContent`,
    `...AttachmentsItemWithBlobId`) instead of by position; "" when no key tells this shape apart.
    """
    if not isinstance(branch, dict) or branch not in shapes:
        return ""

    def keys(shape: dict[str, Any]) -> list[str]:
        required = [k for k in shape.get("required") or [] if isinstance(k, str)]
        return required + [k for k in shape.get("properties") or {} if k not in required]

    others = {k for shape in shapes if shape is not branch for k in keys(shape)}
    own = [k for k in keys(branch) if k not in others]
    return f"With{pascal(own[0])}" if own else ""


class _Namer:
    """Moves every inline object/enum schema into components under a name read from where it sits.

    The rule: a property `p` of schema `S` is `S` + `P` (`ProviderQuotas.per_second` -> `ProviderQuotasPerSecond`);
    array items add `Item`; the single non-null branch of a union is named like the union itself (never `Type0`);
    further branches add their title, else `With` + the key only that object shape has (`...ItemWithBlobId`),
    else their JSON type; a request body is the operation's name + `Body`, a parameter
    the operation's name + the parameter (`ListProvidersStatus`), where the operation's name is its operationId
    without the namespace word most ids start with (`managementCreateDomain` -> `CreateDomain`), or the
    client's method and resource where the spec has no operationId.  A nullable
    component names its non-null shape and the null moves to the places that refer to it.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
        self.taken = set(self.schemas)

    def unique(self, *candidates: str) -> str:
        for name in candidates:
            if name and name not in self.taken:
                self.taken.add(name)
                return name
        base, n = candidates[-1], 2
        while f"{base}{n}" in self.taken:  # only when two rule names collide
            n += 1
        self.taken.add(f"{base}{n}")
        return f"{base}{n}"

    def hoist(self, node: Any, name: str, *fallbacks: str) -> Any:
        if not isinstance(node, dict) or "$ref" in node:
            return node
        types = node.get("type")
        if isinstance(types, list) and "null" in types and len(types) > 1 and _is_object(node):
            rest = [t for t in types if t != "null"]
            shape = {**node, "type": rest[0] if len(rest) == 1 else rest}
            description = shape.get("description")
            out: dict[str, Any] = {"anyOf": [self.hoist(shape, name, *fallbacks), {"type": "null"}]}
            if description is not None:
                out["description"] = description
            return out
        for key in ("anyOf", "oneOf"):
            branches = node.get(key)
            if isinstance(branches, list):
                # Branches that become classes; a union with just one names it like the union itself.
                solid = [b for b in branches if isinstance(b, dict) and "$ref" not in b and _deserves_name(b)]
                for i, branch in enumerate(branches):
                    if _is_null(branch):
                        continue
                    if len(solid) == 1:
                        branches[i] = self.hoist(branch, name, *fallbacks)
                    else:
                        suffix = pascal(str(branch.get("title") or "")) if isinstance(branch, dict) else ""
                        suffix = suffix or _telling_key(branch, solid)
                        kind = branch.get("type") if isinstance(branch, dict) else None
                        suffix = suffix or (pascal(kind) if isinstance(kind, str) else "") or "Variant"
                        branches[i] = self.hoist(branch, name + suffix, f"{name}{suffix}{i + 1}")
        for member in node.get("allOf") or []:
            if isinstance(member, dict) and "$ref" not in member:
                self.children(member, name)
        if _deserves_name(node):
            final = self.unique(name, *fallbacks)
            node.pop("title", None)  # the class is named by its component key
            self.schemas[final] = node
            self.children(node, final)
            ref: dict[str, Any] = {"$ref": _SCHEMA_PREFIX + final}
            if node.get("description") is not None:
                ref["description"] = node["description"]
            return ref
        self.children(node, name)
        return node

    def children(self, node: dict[str, Any], name: str) -> None:
        props = node.get("properties")
        if isinstance(props, dict):
            for prop, schema in props.items():
                props[prop] = self.hoist(schema, name + pascal(prop))
        if isinstance(node.get("items"), dict):
            node["items"] = self.hoist(node["items"], name + "Item")
        if isinstance(node.get("additionalProperties"), dict):
            node["additionalProperties"] = self.hoist(node["additionalProperties"], name + "Value")

    def nullable_components(self) -> None:
        nullable: set[str] = set()
        for key in sorted(self.schemas):
            schema = self.schemas[key]
            types = schema.get("type") if isinstance(schema, dict) else None
            if isinstance(types, list) and "null" in types and len(types) > 1 and _is_object(schema):
                rest = [t for t in types if t != "null"]
                schema["type"] = rest[0] if len(rest) == 1 else rest
                nullable.add(_SCHEMA_PREFIX + key)
                continue
            branches = (schema.get("anyOf") or schema.get("oneOf")) if isinstance(schema, dict) else None
            if isinstance(branches, list) and len(branches) == 2 and any(_is_null(b) for b in branches):
                (solid,) = [b for b in branches if not _is_null(b)]
                if isinstance(solid, dict) and "$ref" not in solid and _deserves_name(solid):
                    rest_keys = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
                    self.schemas[key] = {**solid, **rest_keys}
                    nullable.add(_SCHEMA_PREFIX + key)
        if nullable:
            self.spec.update(_nullable_refs(dict(self.spec), nullable))
            self.schemas = self.spec["components"]["schemas"]

    def run(self) -> None:
        self.nullable_components()
        for key in sorted(self.schemas):
            schema = self.schemas[key]
            if isinstance(schema, dict):
                if _deserves_name(schema):
                    schema.pop("title", None)
                for member in schema.get("anyOf") or schema.get("oneOf") or []:
                    if isinstance(member, dict):
                        member.pop("title", None)
                self.children(schema, key)
                for branch_key in ("anyOf", "oneOf"):
                    if isinstance(schema.get(branch_key), list):
                        self.hoist({branch_key: schema[branch_key]}, key)
        prefix = _namespace_word(self.spec)
        for path, verb, op in iter_operations(self.spec):
            op_id = str(op.get("operationId") or "")
            # Without an operationId: the client's own name for it (`sending_accounts.create` -> CreateSendingAccounts).
            derived = pascal(
                f"{op.get(METHOD_KEY, verb)}_{str(op.get(RESOURCE_KEY, path)).replace('.', '_')}"
            )
            full = pascal(op_id) if op_id else derived
            short = pascal(op_id[len(prefix) :]) if op_id and prefix and op_id.startswith(prefix) else full
            for param in op.get("parameters") or []:
                if isinstance(param, dict) and isinstance(param.get("schema"), dict):
                    label = pascal(str(param.get("name", "")))
                    param["schema"] = self.hoist(param["schema"], short + label, full + label)
            body = op.get("requestBody")
            for media in ((body or {}).get("content") or {}).values() if isinstance(body, dict) else []:
                if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                    media["schema"] = self.hoist(media["schema"], short + "Body", full + "Body")
            for status, response in (op.get("responses") or {}).items():
                if not str(status).startswith("2") or not isinstance(response, dict):
                    continue
                for media in (response.get("content") or {}).values():
                    if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                        media["schema"] = self.hoist(media["schema"], short + "Result", full + "Result")


def _nullable_refs(node: Any, refs: set[str]) -> Any:
    """Every `$ref` to a nullable component becomes `anyOf: [$ref, null]` (unless already in such a union)."""
    if isinstance(node, list):
        return [_nullable_refs(x, refs) for x in node]
    if not isinstance(node, dict):
        return node
    if node.get("$ref") in refs:
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return {**siblings, "anyOf": [{"$ref": node["$ref"]}, {"type": "null"}]}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("anyOf", "oneOf") and isinstance(value, list) and any(_is_null(v) for v in value):
            out[key] = [
                v if isinstance(v, dict) and v.get("$ref") in refs else _nullable_refs(v, refs) for v in value
            ]
        else:
            out[key] = _nullable_refs(value, refs)
    return out


def _namespace_word(spec: dict[str, Any]) -> str:
    """The lowercase word most operationIds start with (`management`), if at least half share it."""
    words: dict[str, int] = {}
    ids = [str(op.get("operationId") or "") for _p, _v, op in iter_operations(spec)]
    for op_id in ids:
        match = re.match(r"^([a-z]+)[A-Z]", op_id)
        if match:
            words[match.group(1)] = words.get(match.group(1), 0) + 1
    if not words:
        return ""
    word, count = max(sorted(words.items()), key=lambda item: item[1])
    return word if count * 2 >= len(ids) and count >= 2 else ""


def name_inline_schemas(spec: dict[str, Any]) -> dict[str, Any]:
    """Give every inline object and enum schema a readable component name (see `_Namer`)."""
    out = copy.deepcopy(spec)
    _Namer(out).run()
    return out
