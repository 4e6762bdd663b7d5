"""The ``sendmux`` logger; ``SENDMUX_LOG=debug|info`` attaches a stderr handler at that level.

Log lines carry method, path (no query string), status, request id, attempt and timing: never headers,
bodies or credentials.
"""

from __future__ import annotations

import logging
import os

__all__ = ["logger", "setup_from_env"]

logger = logging.getLogger("sendmux")

_configured = False


def setup_from_env() -> None:
    """Honour SENDMUX_LOG once per process (called when a client is made)."""
    global _configured
    if _configured:
        return
    _configured = True
    level_name = os.environ.get("SENDMUX_LOG", "").strip().lower()
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(level_name)
    if level is None:
        return
    logger.setLevel(level)
    if not any(getattr(h, "_sendmux_env", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._sendmux_env = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
