"""Native OpenTelemetry spans: one span per call, named after the operation (optional).

With ``opentelemetry-api`` installed (``pip install 'sendmux[otel]'``) every call is a span
``sendmux <operationId>`` carrying ``sendmux.operation``, ``sendmux.surface``, ``sendmux.attempts``,
``sendmux.request_id``, ``http.request.method``, ``http.route``, ``http.response.status_code`` or
``error.type``, and an event ``sendmux.retry`` per retry with its reason and wait. The span is current
while the call runs, so the spans of httpx's own instrumentation nest under it. Without the package (or
with ``tracing=False`` / ``SENDMUX_TRACING=0``) the loop holds a do-nothing object: no import, no cost
beyond a method call that returns at once.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ._errors import APIStatusError, ConfigurationError
from ._version import __version__

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._prepare import Prepared

__all__ = ["tracer_for", "CallSpan"]

_OFF = frozenset({"0", "false", "off", "no"})


def tracer_for(enabled: bool | None) -> Any:
    """An OpenTelemetry tracer, or None when spans are off (not installed, ``tracing=False``, or the env)."""
    if enabled is False:
        return None
    if enabled is None and os.environ.get("SENDMUX_TRACING", "").strip().lower() in _OFF:
        return None
    try:
        from opentelemetry import trace
    except ImportError:
        if enabled:
            raise ConfigurationError(
                "tracing=True needs the OpenTelemetry API: pip install 'sendmux[otel]'"
            ) from None
        return None
    return trace.get_tracer("sendmux", __version__)


class _NoSpan:
    """What the loop holds when spans are off."""

    __slots__ = ()

    def succeeded(self, status: int, headers: Mapping[str, str], attempts: int) -> None:
        pass

    def retrying(self, error: Exception, wait: float, attempt: int) -> None:
        pass

    def failed(self, exc: BaseException, attempts: int) -> None:
        pass


_NO_SPAN = _NoSpan()


class CallSpan:
    """One call's span, current from `start` until it succeeds or fails."""

    __slots__ = ("_span", "_token", "_otel")

    def __init__(self, span: Any, token: Any, otel: Any) -> None:
        self._span = span
        self._token = token
        self._otel = otel

    @staticmethod
    def start(tracer: Any, prep: Prepared) -> CallSpan | _NoSpan:
        if tracer is None:
            return _NO_SPAN
        from opentelemetry import context, trace

        op = prep.op
        span = tracer.start_span(
            f"sendmux {op.operation_id}",
            attributes={
                "sendmux.operation": op.operation_id,
                "sendmux.surface": op.surface,
                "http.request.method": prep.method,
                "http.route": op.path,
            },
        )
        token = context.attach(trace.set_span_in_context(span))
        return CallSpan(span, token, trace)

    def _end(self, attempts: int) -> None:
        from opentelemetry import context

        self._span.set_attribute("sendmux.attempts", attempts)
        context.detach(self._token)
        self._span.end()

    def succeeded(self, status: int, headers: Mapping[str, str], attempts: int) -> None:
        span = self._span
        span.set_attribute("http.response.status_code", status)
        request_id = headers.get("x-request-id")
        if request_id:
            span.set_attribute("sendmux.request_id", request_id)
        self._end(attempts)

    def retrying(self, error: Exception, wait: float, attempt: int) -> None:
        reason = f"{error.status_code}" if isinstance(error, APIStatusError) else type(error).__name__
        self._span.add_event(
            "sendmux.retry",
            {"sendmux.retry.reason": reason, "sendmux.retry.wait_s": wait, "sendmux.attempt": attempt},
        )

    def failed(self, exc: BaseException, attempts: int) -> None:
        span = self._span
        span.set_attribute("error.type", type(exc).__name__)
        if isinstance(exc, APIStatusError):
            span.set_attribute("http.response.status_code", exc.status_code)
            if exc.request_id:
                span.set_attribute("sendmux.request_id", exc.request_id)
        span.set_status(self._otel.Status(self._otel.StatusCode.ERROR, type(exc).__name__))
        self._end(attempts)
