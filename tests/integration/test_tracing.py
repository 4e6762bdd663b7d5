"""Observability: with OpenTelemetry's `HTTPXClientInstrumentor`, every attempt of a default client is a
span (JSON, page, download, event stream and upload calls, retries included); and the client's own spans,
one per call named after the operation, carry its attributes and an event per retry. Real SDK, in-memory
exporter, real HTTP to the fake server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.instrumentation import httpx as otel_httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from support.wire_paths import STACK

from sendmux import AsyncSendmuxMailbox, NotFoundError, SendmuxMailbox
from sendmux.testing import FakeSendmux

_EXPORTER = InMemorySpanExporter()
_PROVIDER = TracerProvider()
_PROVIDER.add_span_processor(SimpleSpanProcessor(_EXPORTER))


@pytest.fixture(scope="module", autouse=True)
def provider() -> Iterator[TracerProvider]:
    # The global provider can be set once per process; later tests only pay for recording spans.
    trace.set_tracer_provider(_PROVIDER)
    yield _PROVIDER


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()


@pytest.fixture
def instrumented() -> Iterator[None]:
    # The instrumentor of the stack this run uses (make test runs the suite on httpx and on httpx2).
    name = "HTTPX2ClientInstrumentor" if STACK == "httpx2" else "HTTPXClientInstrumentor"
    instrumentor = getattr(otel_httpx, name)()
    instrumentor.instrument(tracer_provider=_PROVIDER)
    try:
        yield
    finally:
        instrumentor.uninstrument()


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(rate_limit=None) as server:
        yield server


def _http_spans(exporter: InMemorySpanExporter) -> list[str]:
    return [
        str(s.attributes.get("url.full") or s.attributes.get("http.url") or s.name)
        for s in exporter.get_finished_spans()
        if s.kind is SpanKind.CLIENT
    ]


def _sent(fake: FakeSendmux) -> int:
    return len(fake.requests)


def _journey(fake: FakeSendmux, mb: SendmuxMailbox, tmp: Path) -> None:
    fake.add_message(subject="Traced", attachments={"a.txt": b"attached"})
    fake.close_event_streams()
    fake.faults.next(1, "unavailable", retry_after=0)  # one retry, which must be a span too
    message = mb.messages.list().data[0]  # a page
    detail = mb.messages.get(message.id)  # JSON
    with mb.attachments.download(message.id, detail.attachments[0].id) as download:  # a download
        assert download.read() == b"attached"
    assert [e.event for e in mb.events.stream(last_event_id="0")]  # an event stream
    path = tmp / "up.txt"
    path.write_bytes(b"upload me")
    mb.attachments.upload(file=path)  # an upload


def test_every_attempt_is_an_httpx_span(
    fake: FakeSendmux, exporter: InMemorySpanExporter, instrumented: None, tmp_path: Path
) -> None:
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url, tracing=False) as mb:
        mb._sleep = lambda seconds: None  # type: ignore[method-assign]
        before = _sent(fake)
        _journey(fake, mb, tmp_path)
        sent = _sent(fake) - before
    spans = _http_spans(exporter)
    assert sent >= 6 and len(spans) == sent, spans  # the retried attempt included


@pytest.mark.anyio
async def test_every_async_attempt_is_an_httpx_span(
    fake: FakeSendmux, exporter: InMemorySpanExporter, instrumented: None
) -> None:
    fake.add_message(subject="Traced async", attachments={"a.txt": b"attached"})
    fake.close_event_streams()
    fake.faults.next(1, "unavailable", retry_after=0)
    async with AsyncSendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url, tracing=False) as mb:
        before = _sent(fake)
        message = (await mb.messages.list()).data[0]
        detail = await mb.messages.get(message.id)
        async with mb.attachments.download(message.id, detail.attachments[0].id) as download:
            assert await download.read() == b"attached"
        assert [e.event async for e in mb.events.stream(last_event_id="0")]
        sent = _sent(fake) - before
    assert sent >= 5 and len(_http_spans(exporter)) == sent


def test_native_spans_name_the_operation_and_carry_its_attributes(
    fake: FakeSendmux, exporter: InMemorySpanExporter
) -> None:
    fake.add_message(subject="Native")
    fake.faults.next(1, "unavailable", retry_after=0)
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as mb:
        mb._sleep = lambda seconds: None  # type: ignore[method-assign]
        mb.messages.list()
        with pytest.raises(NotFoundError):
            mb.messages.get("msg_missing")
    spans = [s for s in exporter.get_finished_spans() if s.name.startswith("sendmux ")]
    listed, missing = spans
    assert listed.name == "sendmux mailboxListMessages"
    attrs = dict(listed.attributes or {})
    assert attrs["sendmux.operation"] == "mailboxListMessages" and attrs["sendmux.surface"] == "mailbox"
    assert attrs["sendmux.attempts"] == 2 and attrs["http.response.status_code"] == 200
    assert attrs["http.request.method"] == "GET" and str(attrs["sendmux.request_id"]).startswith("req_")
    (retry,) = listed.events
    assert retry.name == "sendmux.retry" and dict(retry.attributes or {})["sendmux.retry.reason"] == "503"
    failed = dict(missing.attributes or {})
    assert failed["error.type"] == "NotFoundError" and failed["http.response.status_code"] == 404
    assert not missing.status.is_ok


def test_httpx_spans_nest_under_the_native_span(
    fake: FakeSendmux, exporter: InMemorySpanExporter, instrumented: None
) -> None:
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as mb:
        mb.messages.list()
    spans = exporter.get_finished_spans()
    (call,) = [s for s in spans if s.name.startswith("sendmux ")]
    (attempt,) = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert attempt.parent is not None and attempt.parent.span_id == call.context.span_id


def test_tracing_off_makes_no_spans(fake: FakeSendmux, exporter: InMemorySpanExporter) -> None:
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url, tracing=False) as mb:
        mb.messages.list()
    assert exporter.get_finished_spans() == ()
