"""The surfaces and pinned specs, as configured in `openapi/surfaces.yaml` (data, not code).

A *spec* is one pinned OpenAPI document with its overlays; a *surface* is one generated client: a
spec's operations selected by tag, plus the defaults its runtime reads (base URL, env variables,
credential kinds).  `recognise` tells which configured API an arbitrary document describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OPENAPI_DIR = ROOT / "openapi"
CONFIG_FILE = OPENAPI_DIR / "surfaces.yaml"


class ConfigError(Exception):
    """`openapi/surfaces.yaml` is malformed, or a document matches no configured API."""


@dataclass(frozen=True)
class SpecConfig:
    name: str
    title: str
    pin: Path
    overlays: Path
    servers: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    operation_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MixinRef:
    """A hand-written class of the runtime package, as `module.Class` (`_waiting.MessagesWaitMixin`)."""

    module: str
    name: str

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Mixins:
    """The extra base classes of one resource: one for its sync class, one for its async class."""

    sync: MixinRef
    async_: MixinRef


@dataclass(frozen=True)
class SurfaceConfig:
    name: str
    spec: str
    client: str
    title: str
    default_base_url: str
    api_key_env: str
    base_url_env: str
    key_prefixes: tuple[str, ...]
    refused_prefixes: dict[str, str]
    operation_prefix: str
    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    resource_from: str = "tag"
    path_prefix: str = ""
    class_prefix: str = ""
    default_query: tuple[str, ...] = ()
    mixins: dict[str, Mixins] = field(default_factory=dict)
    """Resource path (dotted) -> the hand-written classes its generated sync and async classes inherit."""

    def selects(self, op: dict[str, Any]) -> bool:
        """Whether an operation of this surface's spec belongs to this surface (by its tags)."""
        tags = set(op.get("tags") or [])
        if self.include_tags and not tags.intersection(self.include_tags):
            return False
        return not tags.intersection(self.exclude_tags)

    @property
    def async_client(self) -> str:
        return f"Async{self.client}"


@dataclass(frozen=True)
class Config:
    specs: dict[str, SpecConfig]
    surfaces: dict[str, SurfaceConfig]
    runtime_headers: frozenset[str] = field(default_factory=frozenset)
    """Lower-cased names of request headers the runtime sets itself (never method arguments)."""

    def surfaces_of(self, spec: str) -> list[SurfaceConfig]:
        return [s for s in self.surfaces.values() if s.spec == spec]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{CONFIG_FILE.name}: {where} must be a list of strings")
    return tuple(value)


_MIXIN_REF = re.compile(r"^(_?[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)\.([A-Z][A-Za-z0-9]*)$")


def _mixin_ref(value: Any, where: str) -> MixinRef:
    match = _MIXIN_REF.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f"{CONFIG_FILE.name}: {where} must be `module.Class`, got {value!r}")
    return MixinRef(module=match.group(1), name=match.group(2))


def _mixins(value: Any, where: str) -> dict[str, Mixins]:
    """`{resource: [SyncClass, AsyncClass]}`, each as `module.Class` of the runtime package."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{CONFIG_FILE.name}: {where} must map resource paths to [sync, async] classes")
    out: dict[str, Mixins] = {}
    for resource, pair in value.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise ConfigError(f"{CONFIG_FILE.name}: {where}.{resource} must be [sync class, async class]")
        out[str(resource)] = Mixins(
            sync=_mixin_ref(pair[0], f"{where}.{resource}"), async_=_mixin_ref(pair[1], f"{where}.{resource}")
        )
    return out


def parse_config(doc: Any, base: Path = OPENAPI_DIR) -> Config:
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("specs"), dict)
        or not isinstance(doc.get("surfaces"), dict)
    ):
        raise ConfigError(f"{CONFIG_FILE.name}: needs `specs` and `surfaces` mappings")
    specs: dict[str, SpecConfig] = {}
    for name, raw in doc["specs"].items():
        rec = raw.get("recognise") or {}
        specs[name] = SpecConfig(
            name=name,
            title=str(raw.get("title", name)),
            pin=base / str(raw["pin"]),
            overlays=base / str(raw["overlays"]),
            servers=_strings(rec.get("servers"), f"specs.{name}.recognise.servers"),
            paths=_strings(rec.get("paths"), f"specs.{name}.recognise.paths"),
            operation_prefixes=_strings(rec.get("operation_prefixes"), f"specs.{name}.recognise"),
        )
    surfaces: dict[str, SurfaceConfig] = {}
    for name, raw in doc["surfaces"].items():
        where = f"surfaces.{name}"
        try:
            surfaces[name] = SurfaceConfig(
                name=name,
                spec=str(raw["spec"]),
                client=str(raw["client"]),
                title=str(raw["title"]),
                default_base_url=str(raw["default_base_url"]),
                api_key_env=str(raw["api_key_env"]),
                base_url_env=str(raw["base_url_env"]),
                key_prefixes=_strings(raw.get("key_prefixes"), f"{where}.key_prefixes"),
                refused_prefixes={str(k): str(v) for k, v in (raw.get("refused_prefixes") or {}).items()},
                operation_prefix=str(raw.get("operation_prefix") or ""),
                include_tags=_strings(raw.get("include_tags"), f"{where}.include_tags"),
                exclude_tags=_strings(raw.get("exclude_tags"), f"{where}.exclude_tags"),
                resource_from=str(raw.get("resource_from", "tag")),
                path_prefix=str(raw.get("path_prefix") or ""),
                class_prefix=str(raw.get("class_prefix") or ""),
                default_query=_strings(raw.get("default_query"), f"{where}.default_query"),
                mixins=_mixins(raw.get("mixins"), f"{where}.mixins"),
            )
        except KeyError as exc:
            raise ConfigError(f"{CONFIG_FILE.name}: {where} lacks {exc.args[0]!r}") from None
        if surfaces[name].spec not in specs:
            raise ConfigError(f"{CONFIG_FILE.name}: {where}.spec names no configured spec")
        if surfaces[name].resource_from not in ("tag", "path"):
            raise ConfigError(f"{CONFIG_FILE.name}: {where}.resource_from must be `tag` or `path`")
    headers = frozenset(h.lower() for h in _strings(doc.get("runtime_headers"), "runtime_headers"))
    return Config(specs=specs, surfaces=surfaces, runtime_headers=headers)


@cache
def load(path: Path = CONFIG_FILE) -> Config:
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    return parse_config(doc, path.parent)


def _score(spec: dict[str, Any], cfg: SpecConfig) -> int:
    score = 0
    servers = " ".join(str(s.get("url", "")) for s in spec.get("servers") or [] if isinstance(s, dict))
    score += sum(3 for host in cfg.servers if host in servers)
    paths = spec.get("paths") or {}
    score += sum(2 for p in cfg.paths if p in paths)
    op_ids = [
        str(op.get("operationId", ""))
        for item in paths.values()
        if isinstance(item, dict)
        for op in item.values()
        if isinstance(op, dict)
    ]
    score += sum(1 for prefix in cfg.operation_prefixes if any(i.startswith(prefix) for i in op_ids))
    return score


def recognise(spec: dict[str, Any], config: Config | None = None) -> SpecConfig:
    """The configured API a document describes (by its servers, paths and operationIds)."""
    config = config or load()
    scored = sorted(((_score(spec, c), name) for name, c in config.specs.items()), reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        known = ", ".join(config.specs)
        raise ConfigError(f"cannot tell which API this document describes (configured: {known})")
    return config.specs[scored[0][1]]
