"""Where each operation lives on the client: `x-sendmux-resource` / `x-sendmux-method`.

The overlay `openapi/overlays/10-names.yaml` names every operation of the pinned spec.  Any
operation it does not name (an older or newer spec) gets a derived name, so every version
generates:

* resource: the operation's first tag in snake_case (`"Sending accounts"` -> `sending_accounts`,
  `"Domain Filters"` -> `domain_filters`; no tag -> `default`);
* method: the operationId in snake_case, without a leading `management` (`managementGetFoo` ->
  `get_foo`); if that clashes with another method of the same resource, the HTTP method is
  prepended (`post_get_foo`).
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from .surface import iter_operations

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


def derive_resource(op: dict[str, Any]) -> str:
    tags = op.get("tags") or ["default"]
    return snake(str(tags[0]))


def derive_method(op: dict[str, Any], http_method: str, path: str) -> str:
    op_id = str(op.get("operationId") or f"{http_method}_{path}")
    name = snake(op_id)
    if name.startswith("management_") and len(name) > len("management_"):
        name = name[len("management_") :]
    return name


def assign_names(spec: dict[str, Any]) -> dict[str, Any]:
    """Fill in derived names where no overlay gave one; refuse clashes and bad identifiers."""
    taken: dict[tuple[str, str], str] = {}
    pending = []
    for path, http_method, op in iter_operations(spec):
        if RESOURCE_KEY in op and METHOD_KEY in op:
            _claim(taken, op[RESOURCE_KEY], op[METHOD_KEY], op, path, http_method)
        else:
            pending.append((path, http_method, op))
    for path, http_method, op in pending:
        resource = op.get(RESOURCE_KEY) or derive_resource(op)
        method = op.get(METHOD_KEY) or derive_method(op, http_method, path)
        if (resource, method) in taken:
            method = f"{http_method}_{method}"
        op[RESOURCE_KEY], op[METHOD_KEY] = resource, method
        _claim(taken, resource, method, op, path, http_method)
    return spec


def _claim(
    taken: dict[tuple[str, str], str], resource: str, method: str, op: dict[str, Any], path: str, verb: str
) -> None:
    label = f"{verb.upper()} {path} ({op.get('operationId')})"
    for part in [*resource.split("."), method]:
        if not _IDENT.match(part) or keyword.iskeyword(part):
            raise NamingError(f"{label}: {resource}.{method} is not a valid Python name")
    if (resource, method) in taken:
        raise NamingError(f"{label} and {taken[(resource, method)]} both map to {resource}.{method}")
    taken[(resource, method)] = label
