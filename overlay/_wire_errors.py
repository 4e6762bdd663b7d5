"""`TransportFailure`: a request that failed below HTTP, as one type whichever stack raised it.

httpx, httpcore, httpx2 and httpcore2 each raise their own exception classes, with the same names
(`ConnectError`, `ReadTimeout`, ...). The wire layer catches them where they happen and raises this
instead, carrying only the class name and message: no request object (which holds the Authorization
header) travels up, and everything above the wire classifies failures the same way on every stack.
"""

from __future__ import annotations

from ._stack import STACK_ROOTS

__all__ = ["TransportFailure", "translate", "WireClosed"]

# The names both stacks use, most specific first.
_KNOWN = (
    "ConnectTimeout",
    "ReadTimeout",
    "WriteTimeout",
    "PoolTimeout",
    "TimeoutException",
    "ConnectError",
    "ReadError",
    "WriteError",
    "CloseError",
    "RemoteProtocolError",
    "LocalProtocolError",
    "UnsupportedProtocol",
    "ProxyError",
    "DecodingError",
    "NetworkError",
    "ProtocolError",
    "TransportError",
)
_TIMEOUTS = frozenset({"ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout", "TimeoutException"})
# Failures that prove the request never left: safe to retry even a non-idempotent POST.
_NEVER_SENT = frozenset({"ConnectError", "ConnectTimeout", "PoolTimeout"})
# A body that stops mid-way: reset, incomplete chunk or short Content-Length, or a read timeout.
_BROKEN_BODY = frozenset({"ReadError", "RemoteProtocolError", "ReadTimeout", "CloseError", "NetworkError"})


class TransportFailure(Exception):
    """The request failed below HTTP (``kind`` is the stack's class name, e.g. ``"ConnectError"``)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind = kind
        self.detail = message

    @property
    def is_timeout(self) -> bool:
        return self.kind in _TIMEOUTS

    @property
    def never_sent(self) -> bool:
        return self.kind in _NEVER_SENT

    @property
    def broken_body(self) -> bool:
        return self.kind in _BROKEN_BODY


class WireClosed(Exception):
    """The transport was closed (by the client's close()) before or while this request ran."""


def translate(exc: BaseException) -> TransportFailure | None:
    """Our failure for an exception of one of the HTTP stacks; None for anything else."""
    if isinstance(exc, TransportFailure):
        return exc
    for cls in type(exc).__mro__:
        if cls.__name__ in _KNOWN and cls.__module__.partition(".")[0] in STACK_ROOTS:
            return TransportFailure(cls.__name__, str(exc))
    return None
