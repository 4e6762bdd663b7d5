"""The stages in order, per spec: fetch → normalise → overlays → select → prune → name; then render → write.

Each configured spec (`openapi/surfaces.yaml`) goes through the stages with its own overlays; the
renderer turns all of them into one package (one client class pair per surface).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import config as _config
from . import fetch, naming, normalise, overlays, render, surface

SPEC_KEY = "x-sendmux-spec"


class PipelineError(Exception):
    """The inputs cannot be combined into one package (e.g. two documents of the same API)."""


def strip_error_bodies(spec: dict[str, Any]) -> dict[str, Any]:
    """Drop non-2xx response schemas: the runtime decodes every error envelope itself."""
    for _path, _method, op in surface.iter_operations(spec):
        for status, response in (op.get("responses") or {}).items():
            if not str(status).startswith("2") and isinstance(response, dict):
                response.pop("content", None)
    return spec


def prepare(spec: dict[str, Any], *, lenient: bool = False, api: str | None = None) -> dict[str, Any]:
    """The spec as the templates see it (pure: the input is not modified).

    `api` names the configured spec (`app`, `sending`); by default the document is recognised.
    Only that spec's overlays apply.
    """
    config = _config.load()
    spec_cfg = config.specs[api] if api else _config.recognise(spec, config)
    spec = normalise.normalise(spec)
    spec = overlays.apply_overlays(spec, overlays.overlay_files(spec_cfg.overlays), lenient=lenient)
    spec = surface.select_spec(spec, spec_cfg.name, config)
    spec = strip_error_bodies(spec)
    spec = surface.prune(spec)
    spec = naming.assign_names(spec, config)
    spec = naming.name_inline_schemas(spec)
    spec[SPEC_KEY] = spec_cfg.name
    return spec


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_rename_refs(x, renames) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _rename_refs(v, renames) for k, v in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref in renames:
        out["$ref"] = renames[ref]
    return out


def separate_model_names(specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give the schemas of a later spec that share a name with an earlier one its surfaces' prefix.

    All models land in one package; the Sending spec's `Attachment` must not replace the app's.
    """
    config = _config.load()
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for spec in specs:
        schemas = (spec.get("components") or {}).get("schemas") or {}
        surfaces = config.surfaces_of(str(spec.get(SPEC_KEY, "")))
        prefix = next((s.class_prefix for s in surfaces if s.class_prefix), "")
        clashes = [name for name in schemas if name in seen]
        if clashes and not prefix:
            raise PipelineError(
                f"schemas {sorted(clashes)} are defined by two specs and no prefix is configured"
            )
        if clashes:
            renames: dict[str, str] = {}
            for name in clashes:
                new = prefix + name
                while new in schemas or new in seen:
                    new = prefix + new
                renames[f"#/components/schemas/{name}"] = f"#/components/schemas/{new}"
            spec = _rename_refs(copy.deepcopy(spec), renames)
            spec["components"]["schemas"] = {
                renames.get(f"#/components/schemas/{k}", f"#/components/schemas/{k}").rsplit("/", 1)[-1]: v
                for k, v in spec["components"]["schemas"].items()
            }
        seen.update((spec.get("components") or {}).get("schemas") or {})
        out.append(spec)
    return out


def load_sources(sources: Sequence[str] | None) -> list[tuple[str, dict[str, Any]]]:
    """(api, document) for every source given, or for every pinned spec (sha256-verified)."""
    config = _config.load()
    if not sources:
        return [(name, fetch.load_pinned(cfg.pin)) for name, cfg in config.specs.items()]
    loaded: list[tuple[str, dict[str, Any]]] = []
    for source in sources:
        doc = fetch.load_spec(source)
        api = _config.recognise(doc, config).name
        if any(api == other for other, _ in loaded):
            raise PipelineError(f"{source}: a second document of the {api!r} API")
        loaded.append((api, doc))
    order = list(config.specs)
    return sorted(loaded, key=lambda pair: order.index(pair[0]))


def generate(source: str | Sequence[str] | None, out: Path, *, lenient: bool = False) -> render.Rendered:
    """Generate from the pinned specs (source None, sha256-verified) or any spec paths/URLs.

    Each document is recognised as one configured API; only the surfaces of the APIs given are
    generated (`--spec old-sending.json` makes a package with the Sending client only).
    """
    sources = [source] if isinstance(source, str) else source
    documents = load_sources(sources)
    prepared = [prepare(doc, lenient=lenient, api=api) for api, doc in documents]
    rendered = render.render(separate_model_names(prepared))
    render.write(rendered, out)
    return rendered
