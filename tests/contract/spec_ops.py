"""Every operation as its spec states it, and a raw-httpx rendering of a table `Call`.

The raw rendering lets a test check the argument table against Prism without the client, so a
violation seen through the client is the client's, not the table's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from operation_args import Call

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Header parameters the client takes as keyword arguments.
HEADER_KWARGS = {
    "Idempotency-Key": "idempotency_key",
    "If-Match": "if_match",
    "If-None-Match": "if_none_match",
    "X-Sendmux-Upload-Token": "upload_token",
}
# Header parameters the runtime sets itself (never arguments; see openapi/surfaces.yaml).
RUNTIME_HEADERS = frozenset({"Content-Length", "Last-Event-ID", "Range"})


@dataclass(frozen=True)
class SpecOperation:
    operation_id: str
    http_method: str
    path: str
    path_params: tuple[str, ...]
    query: dict[str, bool]
    """Query parameter name -> required."""
    headers: dict[str, bool]
    """Header parameter name -> required."""
    body: dict[str, bool] | None
    """Top-level body field -> required; None when the operation takes no body."""
    error_statuses: tuple[int, ...] = ()
    """Documented 3xx/4xx/5xx statuses."""
    binary_body: bool = False
    """The body is raw bytes (`file=`), not JSON."""


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        _, _, section, name = node["$ref"].split("/", 3)
        node = spec["components"][section][name]
    return node


def spec_operations(spec: dict[str, Any]) -> dict[str, SpecOperation]:
    out: dict[str, SpecOperation] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params = [_resolve(spec, p) for p in item.get("parameters", []) + op.get("parameters", [])]
            body: dict[str, bool] | None = None
            content = _resolve(spec, op["requestBody"])["content"] if "requestBody" in op else {}
            if "application/json" in content:
                schema = _resolve(spec, content["application/json"]["schema"])
                required = set(schema.get("required", ()))
                body = {name: name in required for name in schema.get("properties", {})}
            out[op["operationId"]] = SpecOperation(
                operation_id=op["operationId"],
                http_method=method.upper(),
                path=path,
                path_params=tuple(re.findall(r"{([^}]+)}", path)),
                query={p["name"]: bool(p.get("required")) for p in params if p["in"] == "query"},
                headers={p["name"]: bool(p.get("required")) for p in params if p["in"] == "header"},
                body=body,
                error_statuses=tuple(sorted(int(c) for c in op.get("responses", {}) if c[0] in "345")),
                binary_body=bool(content) and "application/json" not in content,
            )
    return out


def wire_name(kwarg: str) -> str:
    """The spec's name for a client keyword argument (`from_` -> `from`)."""
    return kwarg[:-1] if kwarg.endswith("_") else kwarg


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def build_request(base_url: str, op: SpecOperation, call: Call, headers: dict[str, str]) -> httpx.Request:
    """The HTTP request the client should send for `call` (by the spec's wire names)."""
    path = op.path
    for name, value in zip(op.path_params, call.args, strict=True):
        path = path.replace("{" + name + "}", value)
    by_kwarg = {kw: header for header, kw in HEADER_KWARGS.items()}
    query: dict[str, Any] = {}
    body: dict[str, Any] = {}
    sent_headers = dict(headers)
    content: bytes | None = None
    for kwarg, value in call.kwargs.items():
        name = wire_name(kwarg)
        if name == "file" and op.binary_body:
            content = value
        elif name in by_kwarg:
            sent_headers[by_kwarg[name]] = value
        elif name in op.query:
            query[name] = _query_value(value)
        else:
            body[name] = value
    return httpx.Request(
        op.http_method,
        base_url + path,
        params=query,
        json=body if op.body is not None else None,
        content=content,
        headers={**sent_headers, "Content-Type": "application/octet-stream"}
        if content is not None
        else sent_headers,
    )
