"""The two pinned specs for tests: the app spec (Management + Mailbox) and the Sending spec.

Each is read through its pin (`openapi/pin.json`, `openapi/pin-sending.json`) and verified.
"""

from __future__ import annotations

from typing import Any

from generator import config
from generator.fetch import load_pinned, load_spec
from generator.surface import iter_operations, surface_for


def load_sending_spec() -> dict[str, Any]:
    """The Sending spec its pin names (`openapi/pin-sending.json`, see `openapi/surfaces.yaml`), verified."""
    return load_pinned(config.load().specs["sending"].pin)


def surface_of(op: dict[str, Any]) -> str:
    """The app spec's surface of an operation, as `openapi/surfaces.yaml` selects it."""
    return surface_for(op, config.load().surfaces_of("app")) or "management"


def all_operations() -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    """(surface, path, method, operation, its spec) for every operation of both pinned specs."""
    app, sending = load_spec(), load_sending_spec()
    out = [(surface_of(op), path, method, op, app) for path, method, op in iter_operations(app)]
    out += [("sending", path, method, op, sending) for path, method, op in iter_operations(sending)]
    return out
