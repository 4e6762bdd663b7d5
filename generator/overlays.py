"""Stage: apply OpenAPI Overlay 1.0.0 documents (`openapi/overlays/*.yaml`) in file-name order.

Targets are RFC 9535 JSONPath expressions evaluated by python-jsonpath in strict mode.
`update` deep-merges into every matched object; `remove: true` deletes every matched node.
An action whose target matches nothing is an error naming the file and the action, unless
`lenient` (used for other spec versions, where a reviewed patch may no longer apply).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonpath
import yaml

OVERLAY_DIR = Path(__file__).resolve().parent.parent / "openapi" / "overlays"
_ENV = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(Exception):
    """A malformed overlay document or an action that cannot be applied."""


class OverlayWarning(UserWarning):
    """An action that matched nothing under `--lenient`."""


def overlay_files(directory: Path = OVERLAY_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def load_overlay(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise OverlayError(f"{path}: cannot read overlay: {exc}") from exc
    if not isinstance(doc, dict):
        raise OverlayError(f"{path}: an overlay must be a mapping")
    if str(doc.get("overlay", "")).split(".")[0] != "1":
        raise OverlayError(f"{path}: `overlay` must be 1.x.x (got {doc.get('overlay')!r})")
    info = doc.get("info")
    if not isinstance(info, dict) or "title" not in info or "version" not in info:
        raise OverlayError(f"{path}: `info` needs `title` and `version`")
    actions = doc.get("actions")
    if not isinstance(actions, list) or not actions:
        raise OverlayError(f"{path}: `actions` must be a non-empty list")
    return doc


def deep_merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Overlay `update` semantics: objects merge recursively, anything else replaces."""
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            deep_merge(current, value)
        else:
            target[key] = copy.deepcopy(value)


def _describe(path: Path, index: int, action: dict[str, Any]) -> str:
    label = f"{path.name}: action #{index}"
    if action.get("description"):
        label += f" ({action['description']})"
    return label


def apply_action(spec: dict[str, Any], action: dict[str, Any], label: str, *, lenient: bool) -> int:
    """Apply one action in place; return how many nodes it touched."""
    if not isinstance(action, dict) or not isinstance(action.get("target"), str):
        raise OverlayError(f"{label}: an action needs a string `target`")
    has_update = "update" in action
    removes = action.get("remove") is True
    if has_update == removes:
        raise OverlayError(f"{label}: an action needs exactly one of `update` or `remove: true`")
    try:
        matches = list(_ENV.finditer(action["target"], spec))
    except jsonpath.JSONPathError as exc:
        raise OverlayError(f"{label}: bad JSONPath {action['target']!r}: {exc}") from exc
    if not matches:
        message = f"{label}: target {action['target']!r} matches nothing"
        if not lenient:
            raise OverlayError(message)
        warnings.warn(message, OverlayWarning, stacklevel=2)
        return 0
    if removes:
        # Delete deepest-last-first so list indexes stay valid.
        for match in sorted(matches, key=lambda m: m.parts, reverse=True):
            parent = match.parent.obj if match.parent is not None else None
            key = match.parts[-1]
            if isinstance(parent, dict):
                del parent[key]
            elif isinstance(parent, list) and isinstance(key, int):
                del parent[key]
            else:  # JSON: only the root has no container
                raise OverlayError(f"{label}: cannot remove the document root")
        return len(matches)
    update = action["update"]
    for match in matches:
        if isinstance(update, dict):
            if not isinstance(match.obj, dict):
                raise OverlayError(f"{label}: `update` is an object but {match.path} is not")
            deep_merge(match.obj, update)
        elif isinstance(match.obj, list):
            match.obj.append(copy.deepcopy(update))
        else:
            raise OverlayError(f"{label}: cannot update {match.path} with {type(update).__name__}")
    return len(matches)


def apply_overlays(
    spec: dict[str, Any], files: Iterable[Path] | None = None, *, lenient: bool = False
) -> dict[str, Any]:
    out = copy.deepcopy(spec)
    for path in overlay_files() if files is None else files:
        doc = load_overlay(path)
        for index, action in enumerate(doc["actions"]):
            apply_action(out, action, _describe(path, index, action), lenient=lenient)
    return out
