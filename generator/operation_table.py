"""The operation table: what every operation of a prepared spec is, extracted once, by one rule.

Both tables the package carries are rendered from these facts: `generated/operations.py` (the client's
`OPERATIONS`, which the CLI reads too) and `generated/spec_data.py` (the fake server's static copy, data
only). So the client, the fake and the command line agree on every route, permission and credential rule.

The rules:
- **security**: an operation's own `security`, else the document's; absent in both, the operation takes
  the API's credential (every Sendmux API is authenticated).
- **permission**: the first scope that an OAuth2 scheme (whatever the spec calls it) names in the first
  requirement that names one; None when no requirement does.
- **auth**: False only where the effective security is an explicit empty list (`security: []`): no
  credential at all (a presigned upload, a public document).
- **request body**: `json` for a JSON media type, `binary` for any other, `none` without a body.
- **success**: the lowest 2xx status the operation documents.
- **batch**: a JSON body whose top-level, required array property `ids` has `maxItems` is a batch over
  ids; the client may split a longer list into chunks of at most `maxItems` (`sendmux._chunking`).  Only
  `ids`: other bounded arrays (a send batch's `messages`, a filter's `rules`) are one unit the server
  must see whole (one Idempotency-Key, one replacement), never chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .surface import SURFACE_KEY, iter_operations

# Schema keywords that only describe: the fake validates without them.
ANNOTATIONS = frozenset(
    {"description", "example", "examples", "title", "deprecated", "readOnly", "writeOnly"}
)


@dataclass(frozen=True)
class OperationFacts:
    """One operation as both tables see it."""

    operation_id: str
    surface: str
    http_method: str
    """Upper case."""
    path: str
    permission: str | None
    auth: bool
    success: int
    request_body: str
    """`json`, `binary` or `none`."""
    params: list[dict[str, Any]]
    """Each parameter's name, location, required flag and schema (`$ref`s inlined, annotations dropped)."""
    body: dict[str, Any] | None
    """The JSON request body's schema (inlined like the parameters'), None for other bodies."""
    batch_field: str | None = None
    """The body's array of ids a longer list may be chunked over (see **batch**), None for other bodies."""
    batch_max: int | None = None
    """That array's `maxItems`: the most ids one request takes."""


BATCH_FIELD = "ids"


def batch_limit(body: dict[str, Any] | None) -> tuple[str, int] | None:
    """(field, maxItems) of a body that is a batch over ids (see **batch**), else None."""
    if not body or BATCH_FIELD not in (body.get("required") or []):
        return None
    prop = (body.get("properties") or {}).get(BATCH_FIELD)
    if not isinstance(prop, dict) or prop.get("type") != "array":
        return None
    limit = prop.get("maxItems")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        return None
    return BATCH_FIELD, limit


def oauth_schemes(spec: dict[str, Any]) -> set[str]:
    """The names of the spec's OAuth2 security schemes (`oauth2` in one spec, `OAuth2` in another)."""
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    return {name for name, s in schemes.items() if isinstance(s, dict) and s.get("type") == "oauth2"}


def security(spec: dict[str, Any], op: dict[str, Any]) -> list[Any] | None:
    """The requirements that apply to the operation (its own, else the document's); None if neither says."""
    declared = op["security"] if "security" in op else spec.get("security")
    return list(declared) if isinstance(declared, list) else None


def permission(spec: dict[str, Any], op: dict[str, Any]) -> str | None:
    """The first scope an OAuth2 scheme names in the first requirement naming one."""
    schemes = oauth_schemes(spec)
    for requirement in security(spec, op) or []:
        if not isinstance(requirement, dict):
            continue
        for name, scopes in requirement.items():
            if name in schemes and isinstance(scopes, list) and scopes:
                return str(scopes[0])
    return None


def takes_credential(spec: dict[str, Any], op: dict[str, Any]) -> bool:
    """False only for an explicit `security: []` (the operation's own, or the document's)."""
    return security(spec, op) != []


def _media_kind(content: dict[str, Any]) -> str:
    if not content:
        return "none"
    return "json" if any("json" in str(media) for media in content) else "binary"


def request_body_kind(op: dict[str, Any]) -> str:
    """`json`, `binary` or `none`, by the body's media types."""
    body = op.get("requestBody")
    content = body.get("content") if isinstance(body, dict) else None
    return _media_kind(content if isinstance(content, dict) else {})


def success_status(op: dict[str, Any]) -> int:
    statuses = [int(s) for s in (op.get("responses") or {}) if str(s).isdigit() and str(s).startswith("2")]
    return min(statuses) if statuses else 200


def resolve(spec: dict[str, Any], node: Any, seen: frozenset[str] = frozenset()) -> Any:
    """Inline `$ref`s and drop annotation keywords (walking schema positions, not property names)."""
    if isinstance(node, list):
        return [resolve(spec, x, seen) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = str(node["$ref"])
        if ref in seen:
            return {}  # a recursive schema: the fake validates one level of it
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return resolve(spec, target, seen | {ref})
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        if key in ("properties", "patternProperties"):
            out[key] = {name: resolve(spec, sub, seen) for name, sub in value.items()}
        else:
            out[key] = resolve(spec, value, seen)
    return out


def facts(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> OperationFacts:
    """Everything both tables say about one operation of a prepared spec."""
    params = [
        {
            "name": p["name"],
            "in": p["in"],
            "required": bool(p.get("required", False)),
            "schema": resolve(spec, p.get("schema", {})),
        }
        for p in (resolve(spec, raw) for raw in op.get("parameters") or [])
    ]
    kind = request_body_kind(op)
    body = None
    if kind == "json":
        content = resolve(spec, op["requestBody"]).get("content") or {}
        media = next(m for m in content if "json" in m)
        body = resolve(spec, content[media].get("schema", {}))
    batch = batch_limit(body)
    return OperationFacts(
        operation_id=str(op.get("operationId") or f"{method} {path}"),
        surface=str(op.get(SURFACE_KEY) or "management"),
        http_method=method.upper(),
        path=path,
        permission=permission(spec, op),
        auth=takes_credential(spec, op),
        success=success_status(op),
        request_body=kind,
        params=params,
        body=body,
        batch_field=batch[0] if batch else None,
        batch_max=batch[1] if batch else None,
    )


def extract(spec: dict[str, Any]) -> dict[tuple[str, str], OperationFacts]:
    """Facts for every operation of a prepared spec, by (path, lower-case method)."""
    return {(path, method): facts(spec, path, method, op) for path, method, op in iter_operations(spec)}
