"""The client class and `Surface` of each API, looked up on the package this CLI belongs to (under any name)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._tree import SURFACE_CLIENTS

if TYPE_CHECKING:
    from .._surface import Surface

__all__ = ["client_class", "surfaces"]


def client_class(surface: str) -> type[Any] | None:
    """The surface's sync client class, or None when this version of the package has none."""
    sendmux = importlib.import_module("..", __package__)
    name = SURFACE_CLIENTS.get(surface)
    return getattr(sendmux, name, None) if name else None


def surfaces() -> dict[str, Surface]:
    """Every API this version has a client for: its name -> the client's `Surface` (keys, URLs, env names)."""
    found: dict[str, Surface] = {}
    for name in SURFACE_CLIENTS:
        cls = client_class(name)
        surface = getattr(cls, "_surface", None)
        if surface is not None:
            found[name] = surface
    return found
