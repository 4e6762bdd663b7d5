"""Stage 0: get the spec bytes a pin names, verify them, keep them in a cache.

Each configured spec has its own pin (`openapi/pin.json` for the app spec, `openapi/pin-sending.json`
for the Sending spec; see `openapi/surfaces.yaml`): same package, its own member and sha256.

The spec is never committed; it lives in `.cache/openapi/<sha256>.json` and is reused
offline once there.  Sources: a PyPI package member (fetched with `pip download`),
an http(s) URL, or a local file.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PIN_FILE = ROOT / "openapi" / "pin.json"
CACHE_DIR = ROOT / ".cache" / "openapi"


class SpecError(Exception):
    """The spec could not be fetched, verified or parsed."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_pin(path: Path = PIN_FILE) -> dict[str, Any]:
    try:
        pin = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise SpecError(f"{path}: cannot read the pin: {exc}") from exc
    for key in ("source", "sha256"):
        if key not in pin:
            raise SpecError(f"{path}: the pin lacks {key!r}")
    return dict(pin)


def verify(data: bytes, expected: str, origin: str) -> None:
    actual = sha256(data)
    if actual != expected:
        raise SpecError(
            f"spec from {origin} has sha256 {actual}, but the pin expects {expected}; "
            "refusing it (run `make spec-update` to move the pin deliberately)"
        )


def _from_pypi(source: dict[str, Any]) -> bytes:
    requirement = f"{source['package']}=={source['version']}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, requirement],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise SpecError(f"pip download {requirement} failed:\n{proc.stderr.strip()}")
        wheels = sorted(Path(tmp).glob("*.whl"))
        if not wheels:
            raise SpecError(f"pip download {requirement} produced no wheel")
        with zipfile.ZipFile(wheels[0]) as zf:
            try:
                return zf.read(source["member"])
            except KeyError as exc:
                raise SpecError(f"{wheels[0].name} has no member {source['member']}") from exc


def read_source(source: str) -> bytes:
    """Bytes of a spec given as a path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=30) as resp:
                body: bytes = resp.read()
                return body
        except OSError as exc:
            raise SpecError(f"cannot fetch {source}: {exc}") from exc
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read {source}: {exc}") from exc


def fetch_source(source: dict[str, Any]) -> bytes:
    kind = source.get("kind")
    if kind == "pypi":
        return _from_pypi(source)
    if kind == "url":
        return read_source(str(source["url"]))
    if kind == "file":
        return read_source(str(ROOT / source["path"]))
    raise SpecError(f"unknown pin source kind {kind!r}")


def pinned_spec_path(pin_path: Path = PIN_FILE, cache_dir: Path = CACHE_DIR) -> Path:
    """Path of the verified pinned spec, fetching it on a cache miss."""
    pin = load_pin(pin_path)
    expected = str(pin["sha256"])
    cached = cache_dir / f"{expected}.json"
    if cached.exists():
        verify(cached.read_bytes(), expected, str(cached))
        return cached
    data = fetch_source(pin["source"])
    verify(data, expected, describe(pin["source"]))
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(cached)
    return cached


def describe(source: dict[str, Any]) -> str:
    if source.get("kind") == "pypi":
        return f"{source['package']}=={source['version']}:{source['member']}"
    return str(source.get("url") or source.get("path"))


def parse(data: bytes, origin: str) -> dict[str, Any]:
    try:
        doc = json.loads(data)
    except ValueError:
        try:
            import yaml

            doc = yaml.safe_load(data)
        except Exception as exc:
            raise SpecError(f"{origin}: neither JSON nor YAML: {exc}") from exc
    if not isinstance(doc, dict) or "paths" not in doc:
        raise SpecError(f"{origin}: not an OpenAPI document (no 'paths')")
    return doc


def load_pinned(pin_path: Path = PIN_FILE) -> dict[str, Any]:
    """The spec a pin file names, sha256-verified (fetched on a cache miss)."""
    path = pinned_spec_path(pin_path)
    return parse(path.read_bytes(), str(path))


def load_spec(source: str | None = None) -> dict[str, Any]:
    """The pinned app spec (verified), or any spec by path/URL (not verified)."""
    if source is None:
        return load_pinned()
    return parse(read_source(source), source)


if __name__ == "__main__":
    from . import config

    for spec in config.load().specs.values():
        print(spec.name, pinned_spec_path(spec.pin))
