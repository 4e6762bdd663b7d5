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
