"""Stage: keep the Management surface, then drop components nothing references."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
EXCLUDED_TAGS = frozenset({"Mailbox API"})
KEEP_MARK = "x-sendmux-keep"


def iter_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation, in document order."""
    for path, item in spec.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield path, method, op


def is_management(op: dict[str, Any]) -> bool:
    return not EXCLUDED_TAGS.intersection(op.get("tags") or [])


def select_management(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of the spec holding only Management operations (every tag but "Mailbox API")."""
    out = copy.deepcopy(spec)
    paths: dict[str, Any] = {}
    for path, item in out.get("paths", {}).items():
        kept = {
            key: value
            for key, value in item.items()
            if key not in HTTP_METHODS or (isinstance(value, dict) and is_management(value))
        }
        if any(m in kept for m in HTTP_METHODS):
            paths[path] = kept
    out["paths"] = paths
    used_tags = {t for _, _, op in iter_operations(out) for t in op.get("tags") or []}
    if "tags" in out:
        out["tags"] = [t for t in out["tags"] if t.get("name") in used_tags]
    return out


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
