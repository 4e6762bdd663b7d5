"""`Surface`: what differs between the clients of one runtime (Management, Mailbox, Sending).

Generated client classes set ``_surface = Surface(...)`` (data rendered from the surface configuration under
``openapi/``); the base client reads it for its default base URL, the environment variables it falls back on,
and which key kinds it refuses.  The runtime itself names no surface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ._errors import ConfigurationError

__all__ = ["Surface", "DEFAULT_SURFACE"]


@dataclass(frozen=True, slots=True, eq=False)
class Surface:
    """Per-client defaults: base URL, environment variables, and which credential kinds it takes."""

    name: str
    """``"management"``, ``"mailbox"`` or ``"sending"``."""
    default_base_url: str
    api_key_env: str
    """Environment variable read when no ``api_key=`` / ``access_token=`` is given."""
    base_url_env: str
    """Environment variable read when no ``base_url=`` is given."""
    key_prefixes: tuple[str, ...] = ()
    """Prefixes of the API keys this surface takes (informational; anything else with no refused prefix,
    such as an OAuth access token, is accepted)."""
    refused_prefixes: Mapping[str, str] = field(default_factory=dict)
    """Key prefix -> the message of the ConfigurationError raised for such a key (naming the right client)."""

    def check_key(self, value: str, kind: str) -> None:
        """Refuse a key of a kind this surface never accepts, before anything is sent; never echo it."""
        for prefix, message in self.refused_prefixes.items():
            if value.startswith(prefix):
                raise ConfigurationError(
                    message or f"the {kind} is a {prefix}... key, which the {self.name} API does not accept"
                )


DEFAULT_SURFACE = Surface(
    name="management",
    default_base_url="https://app.sendmux.ai/api/v1",
    api_key_env="SENDMUX_API_KEY",
    base_url_env="SENDMUX_BASE_URL",
)
"""What a client class without its own ``_surface`` uses: today's Management defaults, no key checks."""
