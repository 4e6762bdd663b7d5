"""The two pinned specs for tests: the app spec (Management + Mailbox) and the Sending spec.

Each is read through its pin (`openapi/pin.json`, `openapi/pin-sending.json`) and verified.
"""

from __future__ import annotations

from typing import Any

from generator import config
from generator.fetch import load_pinned
from generator.surface import surface_for


def load_sending_spec() -> dict[str, Any]:
    """The Sending spec its pin names (`openapi/pin-sending.json`, see `openapi/surfaces.yaml`), verified."""
    return load_pinned(config.load().specs["sending"].pin)


def surface_of(op: dict[str, Any]) -> str:
    """The app spec's surface of an operation, as `openapi/surfaces.yaml` selects it."""
    return surface_for(op, config.load().surfaces_of("app")) or "management"
