"""The ``sendmux`` logger; ``SENDMUX_LOG=debug|info`` attaches a stderr handler at that level.

Log lines carry method, path (no query string), status, request id, attempt and timing: never headers,
bodies or credentials.
"""

from __future__ import annotations

import logging
import os

from ._redact import redact_url

__all__ = ["logger", "setup_from_env", "redact_stack_logs"]

logger = logging.getLogger("sendmux")

_configured = False
_filtered = False


class _RedactQueryTokens(logging.Filter):
    """Scrubs token query values (``download_token=``, ``access_token=``...) from the lines the HTTP stack
    logs about our requests (httpx's ``HTTP Request: GET <url>`` at INFO): the record stays, the token goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = tuple(_scrubbed(arg) for arg in args)
        elif isinstance(record.msg, str) and "?" in record.msg:
            record.msg = redact_url(record.msg) or record.msg
        return True


def _scrubbed(arg: object) -> object:
    if isinstance(arg, (bytes, int, float)):
        return arg
    text = str(arg)  # an httpx.URL among them
    return redact_url(text) if "?" in text else arg


def redact_stack_logs() -> None:
    """Put the scrubbing filter on the loggers of both HTTP stacks, once per process."""
    global _filtered
    if _filtered:
        return
    _filtered = True
    for name in ("httpx", "httpx2"):
        logging.getLogger(name).addFilter(_RedactQueryTokens())


def setup_from_env() -> None:
    """Honour SENDMUX_LOG once per process (called when a client is made)."""
    global _configured
    redact_stack_logs()
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
