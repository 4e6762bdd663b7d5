"""Stage: split a spec into its surfaces (configured in `openapi/surfaces.yaml`), then prune.

Which operations form which client is data (`generator/config.py`): every operation a surface of
the spec selects by tag is kept and marked with its surface (`x-sendmux-surface`); the rest go.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

from . import config as _config

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
KEEP_MARK = "x-sendmux-keep"
SURFACE_KEY = "x-sendmux-surface"


def iter_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation, in document order."""
    for path, item in spec.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield path, method, op


def surface_for(op: dict[str, Any], surfaces: Iterable[_config.SurfaceConfig]) -> str | None:
    """The first of `surfaces` that selects the operation (None: no client has it)."""
    for surface in surfaces:
        if surface.selects(op):
            return surface.name
    return None


def select(spec: dict[str, Any], surfaces: Iterable[_config.SurfaceConfig]) -> dict[str, Any]:
    """A copy of the spec holding only the operations of `surfaces`, each marked with its surface."""
    chosen = list(surfaces)
    out = copy.deepcopy(spec)
    paths: dict[str, Any] = {}
    for path, item in out.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        kept: dict[str, Any] = {}
        for key, value in item.items():
            if key not in HTTP_METHODS:
                kept[key] = value
                continue
            name = surface_for(value, chosen) if isinstance(value, dict) else None
            if name is not None:
                value[SURFACE_KEY] = name
                kept[key] = value
        if any(m in kept for m in HTTP_METHODS):
            paths[path] = kept
    out["paths"] = paths
    used_tags = {t for _, _, op in iter_operations(out) for t in op.get("tags") or []}
    if "tags" in out:
        out["tags"] = [t for t in out["tags"] if t.get("name") in used_tags]
    return out


def select_spec(spec: dict[str, Any], spec_name: str, config: _config.Config | None = None) -> dict[str, Any]:
    """Every operation that one of the spec's surfaces selects."""
    config = config or _config.load()
    return select(spec, config.surfaces_of(spec_name))


def select_surface(
    spec: dict[str, Any], surface: str, config: _config.Config | None = None
) -> dict[str, Any]:
    """Only the operations of one surface (e.g. the Management subset of the app spec)."""
    config = config or _config.load()
    return select(spec, [config.surfaces[surface]])


def select_management(spec: dict[str, Any]) -> dict[str, Any]:
    return select_surface(spec, "management")


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            ref = cur.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)


def prune(spec: dict[str, Any]) -> dict[str, Any]:
    """Drop components unreachable from paths (and from schemas marked `x-sendmux-keep`)."""
    out = copy.deepcopy(spec)
    components: dict[str, dict[str, Any]] = out.get("components", {})
    roots: list[Any] = [out.get("paths", {})]
    for name, schema in components.get("schemas", {}).items():
        if isinstance(schema, dict) and schema.get(KEEP_MARK):
            roots.append({"$ref": f"#/components/schemas/{name}"})
    reachable: set[str] = set()
    pending = [ref for root in roots for ref in _refs(root)]
    while pending:
        ref = pending.pop()
        if ref in reachable or not ref.startswith("#/components/"):
            continue
        reachable.add(ref)
        _, _, section, name = ref.split("/", 3)
        target = components.get(section, {}).get(name)
        if target is not None:
            pending.extend(_refs(target))
    for section, entries in components.items():
        if section == "securitySchemes" or not isinstance(entries, dict):
            continue
        for name in list(entries):
            if f"#/components/{section}/{name}" not in reachable:
                del entries[name]
    return out
