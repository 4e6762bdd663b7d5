"""The client's defaults: what a constructor uses when an option is not given."""

from __future__ import annotations

import platform

import httpx

from ._surface import DEFAULT_SURFACE
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_WAIT",
    "USER_AGENT",
]

DEFAULT_BASE_URL = DEFAULT_SURFACE.default_base_url
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_WAIT = 60.0

USER_AGENT = f"sendmux-python/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
