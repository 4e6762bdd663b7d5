"""The stages in order: fetch → normalise → overlays → select → prune → name → render → write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import fetch, naming, normalise, overlays, render, surface


def strip_error_bodies(spec: dict[str, Any]) -> dict[str, Any]:
    """Drop non-2xx response schemas: the runtime decodes every error envelope itself."""
    for _path, _method, op in surface.iter_operations(spec):
        for status, response in (op.get("responses") or {}).items():
            if not str(status).startswith("2") and isinstance(response, dict):
                response.pop("content", None)
    return spec


def prepare(spec: dict[str, Any], *, lenient: bool = False) -> dict[str, Any]:
    """The spec as the templates see it (pure: the input is not modified)."""
    spec = normalise.normalise(spec)
    spec = overlays.apply_overlays(spec, lenient=lenient)
    spec = surface.select_management(spec)
    spec = strip_error_bodies(spec)
    spec = surface.prune(spec)
    spec = naming.assign_names(spec)
    return naming.name_inline_schemas(spec)


def generate(source: str | None, out: Path, *, lenient: bool = False) -> render.Rendered:
    """Generate from the pinned spec (source None, sha256-verified) or any spec path/URL."""
    spec = fetch.load_spec(source)
    rendered = render.render(prepare(spec, lenient=lenient))
    render.write(rendered, out)
    return rendered
