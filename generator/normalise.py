"""Stage: generic rewrites that make any version of the spec digestible for openapi-python-client.

Each rule handles a construct, never a schema name, so every historical version generates:

* `allOf: [{$ref: X}, {type: object}]` (a reference narrowed by a bare type constraint) becomes
  `$ref: X`.  openapi-python-client refuses it ("Cannot take allOf a non-object" when X is nullable,
  "Invalid property in union" inside anyOf).  The constraint adds nothing a Python client can use.
* The response envelope `{ok, data, meta[, pagination]}` is unwrapped: the success response schema
  becomes the `data` schema (an `anyOf` of envelopes, the `anyOf` of their `data`) and the operation is marked `x-sendmux-envelope` (`paginated` when the
  envelope carries `pagination`).  Models are generated for what users get back, and the runtime
  handles the envelope once for all operations.  Inline `data` object schemas are hoisted into
  components, named after their envelope (`DomainDeletedResponse` -> `DomainDeleted`).
* An `enum` whose `type` list admits null (`type: [string, null], enum: [a, b]`) becomes
  `anyOf: [{type: string, enum: [a, b]}, {type: null}]`.  The API sends null there (`bounce_type: null`
  on most webhook events); openapi-python-client otherwise makes a non-nullable enum that rejects it.
* A component schema whose `type` list admits null (`MailboxRealtimeMessage: {type: [object, null]}`)
  becomes the plain type, and every `$ref` to it becomes `anyOf: [{$ref}, {type: null}]`.  Parsed as
  is, the component turns into a union named `...Type0` whose inline parts are generated twice
  ("duplicate models"); nullability belongs to where the schema is used.
"""

from __future__ import annotations

import copy
from typing import Any

from .surface import iter_operations

ENVELOPE_MARK = "x-sendmux-envelope"
_CONSTRAINT_KEYS = frozenset({"type", "description", "title", "nullable"})


def _is_bare_constraint(node: Any) -> bool:
    return isinstance(node, dict) and bool(node) and set(node) <= _CONSTRAINT_KEYS and "type" in node


def simplify_ref_allof(node: Any) -> Any:
    """Rewrite `allOf` of one `$ref` plus bare type constraints into that `$ref`, everywhere."""
    if isinstance(node, list):
        return [simplify_ref_allof(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: simplify_ref_allof(v) for k, v in node.items()}
    members = out.get("allOf")
    if isinstance(members, list) and len(members) >= 2:
        refs = [m for m in members if isinstance(m, dict) and set(m) == {"$ref"}]
        rest = [m for m in members if m not in refs]
        if len(refs) == 1 and all(_is_bare_constraint(m) for m in rest):
            del out["allOf"]
            # Keep siblings such as description; OpenAPI 3.1 allows them beside $ref.
            out = {"$ref": refs[0]["$ref"], **{k: v for k, v in out.items() if k != "$ref"}}
    return out


def nullable_enums(node: Any, name: str = "") -> Any:
    """`{type: [T, null], enum: [...]}` -> `{anyOf: [{type: T, enum: [...]}, {type: null}]}`.

    The enum branch is titled after its property so it is named like any other inline enum.
    """
    if isinstance(node, list):
        return [nullable_enums(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: {p: nullable_enums(s, p) for p, s in v.items()}
        if k == "properties" and isinstance(v, dict)
        else nullable_enums(v)
        for k, v in node.items()
    }
    types, values = out.get("type"), out.get("enum")
    if isinstance(types, list) and "null" in types and isinstance(values, list):
        concrete = [t for t in types if t != "null"]
        enum_schema: dict[str, Any] = {
            "type": concrete[0] if len(concrete) == 1 else concrete,
            "enum": [v for v in values if v is not None],
        }
        if name:
            enum_schema["title"] = name
        rest = {k: v for k, v in out.items() if k not in ("type", "enum")}
        out = {**rest, "anyOf": [enum_schema, {"type": "null"}]}
    return out


def _nullable_ref(node: Any, refs: frozenset[str]) -> Any:
    if isinstance(node, list):
        return [_nullable_ref(x, refs) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_ref(v, refs) for k, v in node.items()}
    if out.get("$ref") in refs:
        rest = {k: v for k, v in out.items() if k != "$ref"}
        return {**rest, "anyOf": [{"$ref": out["$ref"]}, {"type": "null"}]}
    return out


def nullable_components(spec: dict[str, Any]) -> dict[str, Any]:
    """Move the `null` of a component's `type` list to every reference of that component."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    nullable = {
        name
        for name, schema in schemas.items()
        if isinstance(schema, dict)
        and isinstance(schema.get("type"), list)
        and "null" in schema["type"]
        and "enum" not in schema
        and len([t for t in schema["type"] if t != "null"]) == 1
    }
    if not nullable:
        return spec
    out = copy.deepcopy(spec)
    for name in nullable:
        schema = out["components"]["schemas"][name]
        schema["type"] = next(t for t in schema["type"] if t != "null")
    refs = frozenset(f"#/components/schemas/{name}" for name in nullable)
    rewritten: dict[str, Any] = _nullable_ref(out, refs)  # a dict in, a dict out
    return rewritten


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            return node
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            )
        node = target
    return node


def _envelope_parts(spec: dict[str, Any], schema: Any) -> tuple[Any, bool] | None:
    """(data schema, paginated) when `schema` is a success envelope, else None."""
    resolved = _resolve(spec, schema)
    if not isinstance(resolved, dict):
        return None
    members = [_resolve(spec, m) for m in resolved.get("allOf", [])] or [resolved]
    props: dict[str, Any] = {}
    for member in members:
        if isinstance(member, dict):
            props.update(member.get("properties") or {})
    if "data" not in props or "ok" not in props and "meta" not in props:
        return None
    return props["data"], "pagination" in props


def _hoist_name(spec: dict[str, Any], schema: Any, operation_id: str) -> str:
    base = schema["$ref"].rsplit("/", 1)[-1] if isinstance(schema, dict) and "$ref" in schema else ""
    if base.endswith("Response") and len(base) > len("Response"):
        base = base[: -len("Response")]
    base = base or operation_id[:1].upper() + operation_id[1:] + "Data"
    existing = spec.setdefault("components", {}).setdefault("schemas", {})
    name, n = base, 2
    while name in existing:
        name, n = f"{base}{n}", n + 1
    return name


def _data_schema(
    out: dict[str, Any], envelope: Any, data: Any, op: dict[str, Any], hoisted: dict[str, str]
) -> Any:
    """The envelope's `data` schema, inline objects hoisted into a named component."""
    if isinstance(data, dict) and "$ref" not in data and data.get("type") == "object":
        key = str(envelope.get("$ref", id(envelope))) if isinstance(envelope, dict) else str(id(envelope))
        if key not in hoisted:
            hoisted[key] = _hoist_name(out, envelope, str(op.get("operationId", "")))
            out["components"]["schemas"][hoisted[key]] = copy.deepcopy(data)
        return {"$ref": f"#/components/schemas/{hoisted[key]}"}
    return copy.deepcopy(data)


def unwrap_envelopes(spec: dict[str, Any]) -> dict[str, Any]:
    """Success bodies become their `data`; an `anyOf`/`oneOf` of envelopes becomes the union of their data."""
    out = copy.deepcopy(spec)
    hoisted: dict[str, str] = {}  # envelope $ref -> hoisted component name (shared envelopes)
    for _path, _method, op in iter_operations(out):
        for status, response in (op.get("responses") or {}).items():
            if not str(status).startswith("2"):
                continue
            response = _resolve(out, response)
            media = (
                (response.get("content") or {}).get("application/json")
                if isinstance(response, dict)
                else None
            )
            if not isinstance(media, dict) or "schema" not in media:
                continue
            schema = media["schema"]
            parts = _envelope_parts(out, schema)
            if parts is not None:
                data, paginated = parts
                media["schema"] = _data_schema(out, schema, data, op, hoisted)
                op[ENVELOPE_MARK] = {"paginated": paginated}
                continue
            resolved = _resolve(out, schema)
            key = next((k for k in ("anyOf", "oneOf") if isinstance(resolved, dict) and k in resolved), None)
            members = resolved[key] if key else []
            found = [_envelope_parts(out, m) for m in members]
            if not members or any(f is None for f in found):
                continue
            media["schema"] = {
                key: [
                    _data_schema(out, member, f[0], op, hoisted)
                    for member, f in zip(members, found, strict=True)
                    if f is not None
                ]
            }
            op[ENVELOPE_MARK] = {"paginated": all(f is not None and f[1] for f in found)}
    return out


def normalise(spec: dict[str, Any]) -> dict[str, Any]:
    return unwrap_envelopes(nullable_components(nullable_enums(simplify_ref_allof(spec))))
