"""The generated Mailbox and Sending clients end to end: real HTTP over loopback against FakeSendmux.

Every call goes through the generated resource methods (`SendmuxMailbox().events.stream`, ...), so
what is checked here is the whole way: the rendered signature and runtime call, the runtime's
streams, resumes and retries, and the fake's faults.
"""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

import sendmux
from sendmux import (
    APIConnectionError,
    AsyncSendmuxMailbox,
    ConfigurationError,
    InsufficientCreditsError,
    NotFoundError,
    SendmuxMailbox,
    SendmuxSending,
    batch_failures,
)
from sendmux.testing import FakeSendmux
from sendmux.types import (
    BatchResultItem,
    BatchSendSuccessData,
    MailboxChanges,
    MailboxRealtimeEvent,
    MailboxTypedChanges,
)

EMAIL = {"from_": {"email": "me@example.com"}, "subject": "Hi", "html_body": "<p>Hi</p>"}


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(sse_ping=0.02, sse_retry=0.01) as f:
        yield f


@pytest.fixture
def mb(fake: FakeSendmux) -> Iterator[SendmuxMailbox]:
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True) as client:
        client._sleep = lambda seconds: None  # type: ignore[method-assign]  # retries without waiting
        yield client


@pytest.fixture
def sending(fake: FakeSendmux) -> Iterator[SendmuxSending]:
    with SendmuxSending(
        api_key=fake.mailbox_api_key, base_url=fake.sending_url, allow_insecure_http=True
    ) as client:
        client._sleep = lambda seconds: None  # type: ignore[method-assign]
        yield client


# ---------------------------------------------------------------------------- Mailbox


def test_300_events_across_a_stream_broken_twice_come_out_once_in_order(
    fake: FakeSendmux, mb: SendmuxMailbox
) -> None:
    ids = [fake.emit_mailbox_event(event_type="sync_required") for _ in range(300)]
    fake.close_event_streams()
    fake.faults.add("drop_mid_stream", route="mailboxStreamEvents", times=2, after=120)
    with mb.events.stream(last_event_id="0") as stream:
        events = list(stream)
    assert [int(e.id or 0) for e in events] == ids
    assert all(isinstance(e.data, MailboxRealtimeEvent) for e in events)
    assert {e.data.event_type for e in events} == {"sync_required"}
    connections = [r for r in fake.requests if r.operation_id == "mailboxStreamEvents"]
    assert len(connections) == 3 and fake.counters.faults["drop_mid_stream"] == 2
    # The reconnects resume from the last event seen, by header.
    resumed = [int(r.headers["last-event-id"]) for r in connections[1:]]
    assert resumed == sorted(resumed) and set(resumed) <= set(ids)


def test_a_received_message_reaches_the_stream_typed(fake: FakeSendmux, mb: SendmuxMailbox) -> None:
    message = fake.add_message(subject="Invoice 42", sender="billing@example.com")
    fake.close_event_streams()
    with mb.events.stream(last_event_id="0") as stream:
        (event,) = list(stream)
    assert event.event == "message.received"
    assert event.data.message_id == message["id"]
    assert event.data.message is not None and event.data.message.subject == "Invoice 42"


def test_a_download_token_never_reaches_an_error(fake: FakeSendmux, mb: SendmuxMailbox) -> None:
    token = "dlt_secret_never_shown"
    message = fake.add_message(attachments={"a.txt": b"hi"}, event=False)
    with pytest.raises(NotFoundError) as info:
        mb.attachments.download(message["id"], "att_missing", download_token=token)
    assert info.value.url is not None and "download_token=[redacted]" in info.value.url
    with (
        SendmuxMailbox(
            api_key=fake.mailbox_api_key,
            base_url="http://127.0.0.1:9",
            allow_insecure_http=True,
            max_retries=0,
        ) as unreachable,
        pytest.raises(APIConnectionError) as broken,
    ):
        unreachable.attachments.download(message["id"], "att_1", download_token=token)
    for error in (info.value, broken.value):
        assert token not in f"{error!s} {error!r} {vars(error)!r}"


def test_a_48_mib_download_broken_once_resumes_identical_without_holding_the_file(
    fake: FakeSendmux, mb: SendmuxMailbox, tmp_path: Path
) -> None:
    blob = os.urandom(48 * 1024 * 1024)
    message = fake.add_message(attachments={"big.bin": blob}, event=False)
    attachment_id = message["attachments"][0]["id"]
    fake.faults.add("drop_mid_stream", route="mailboxGetMessageAttachment", after=20_000_000)
    target = tmp_path / "big.bin"
    tracemalloc.start()
    try:
        with mb.attachments.download(message["id"], attachment_id) as download:
            assert download.filename == "big.bin"
            written = download.write_to_file(target)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == len(blob)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(blob).digest()
    # Streamed: Python allocations peak far below the file's size (the fake's copy predates tracing).
    print(f"48 MiB download, resumed once: Python allocation peak {peak / 2**20:.2f} MiB")
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB while downloading 48 MiB"
    ranges = [
        r.headers.get("range") for r in fake.requests if r.operation_id == "mailboxGetMessageAttachment"
    ]
    assert len(ranges) == 2 and ranges[0] is None and str(ranges[1]).startswith("bytes=")


def test_an_upload_streams_from_disk_named_after_the_file(
    fake: FakeSendmux, mb: SendmuxMailbox, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"n" * 300_000)
    result = mb.attachments.upload(file=path)
    assert (result.filename, result.size_bytes) == ("notes.txt", 300_000)
    sent = fake.requests[-1]
    assert sent.headers["content-length"] == "300000" and "transfer-encoding" not in sent.headers
    # A file object and bytes work too; a name given wins over the file's.
    with path.open("rb") as f:
        assert mb.attachments.upload(file=f, filename="renamed.txt").filename == "renamed.txt"
    assert mb.attachments.upload(file=b"abc", filename="abc.txt").size_bytes == 3
    with pytest.raises(TypeError, match="file"):
        mb.attachments.upload(file=12345, filename="x")  # type: ignore[arg-type]


def test_the_client_level_mailbox_id_fills_every_call_and_a_per_call_value_wins(fake: FakeSendmux) -> None:
    one = fake.add_message(subject="in the default mailbox", event=False)
    agent_key = fake.create_agent_key([fake.mailbox_id, _second_mailbox(fake)])
    with SendmuxMailbox(api_key=agent_key, base_url=fake.url, allow_insecure_http=True) as bare:
        with pytest.raises(sendmux.BadRequestError, match="mailbox_id"):
            bare.messages.list().data  # noqa: B018 - an agent key must say which mailbox
    with SendmuxMailbox(
        api_key=agent_key, base_url=fake.url, allow_insecure_http=True, mailbox_id=fake.mailbox_id
    ) as client:
        assert [m.id for m in client.messages.list()] == [one["id"]]
        # The second mailbox is empty: the per-call value reached the server instead of the default.
        assert client.messages.list(mailbox_id=_second_mailbox(fake)).data == []


_SECOND: dict[int, str] = {}


def _second_mailbox(fake: FakeSendmux) -> str:
    """A second mailbox of the fake's team (made once per fake)."""
    if id(fake) not in _SECOND:
        key = fake.create_mailbox_key()
        with SendmuxMailbox(api_key=key, base_url=fake.url, allow_insecure_http=True) as client:
            _SECOND[id(fake)] = client.me.get().id
    return _SECOND[id(fake)]


def test_pages_carry_the_whole_meta_and_feeds_leave_their_state(
    fake: FakeSendmux, mb: SendmuxMailbox
) -> None:
    made = [fake.add_message(subject=f"m{i}", event=False)["id"] for i in range(5)]
    page = mb.messages.list(limit=2)
    assert page.meta.sync_state == fake.mailbox_state() and page.meta.request_id
    assert sorted(m.id for m in mb.messages.list(limit=2)) == sorted(made)
    feed = mb.folders.changes(limit=1)
    assert all(isinstance(step, MailboxChanges) for step in feed)
    assert feed.state == fake.mailbox_state()


def test_changes_decode_to_the_shape_the_server_sent(fake: FakeSendmux, mb: SendmuxMailbox) -> None:
    fake.add_message(event=False)
    legacy = mb.changes.get(since_state="s0")
    assert isinstance(legacy, MailboxChanges) and legacy.created
    typed = mb.changes.get(types="messages,folders", messages_since_state="s0")
    assert isinstance(typed, MailboxTypedChanges)


def test_keys_of_the_wrong_kind_are_refused_naming_the_right_client(fake: FakeSendmux) -> None:
    with pytest.raises(ConfigurationError, match="Sendmux"):
        SendmuxMailbox(api_key="smx_root_abc", base_url=fake.url, allow_insecure_http=True)
    with pytest.raises(ConfigurationError, match="SendmuxSending|SendmuxMailbox"):
        sendmux.Sendmux(api_key="smx_mbx_abc", base_url=fake.url, allow_insecure_http=True)
    with pytest.raises(ConfigurationError, match="Sendmux"):
        SendmuxSending(api_key="smx_root_abc", base_url=fake.sending_url, allow_insecure_http=True)


def test_each_client_reads_its_own_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDMUX_MAILBOX_API_KEY", "smx_mbx_from_env")
    monkeypatch.setenv("SENDMUX_SENDING_BASE_URL", "https://sending.example.test/api/v1")
    monkeypatch.setenv("SENDMUX_SENDING_API_KEY", "smx_agent_from_env")
    assert SendmuxMailbox().base_url == "https://app.sendmux.ai/api/v1"
    assert SendmuxSending().base_url == "https://sending.example.test/api/v1"
    monkeypatch.delenv("SENDMUX_SENDING_BASE_URL")
    assert SendmuxSending().base_url == "https://smtp.sendmux.ai/api/v1"
    assert "from_env" not in repr(SendmuxSending())


# ---------------------------------------------------------------------------- Sending


def test_a_send_reset_after_apply_is_retried_once_with_the_same_key_and_creates_one_message(
    fake: FakeSendmux, sending: SendmuxSending
) -> None:
    fake.faults.add("reset_after_apply", route="sendingSendEmail")
    sent = sending.emails.send(**EMAIL, to={"email": "bob@example.com"})
    assert [e["id"] for e in fake.sent_emails()] == [sent.message_id]
    attempts = [r for r in fake.requests if r.operation_id == "sendingSendEmail"]
    assert len(attempts) == 2
    keys = {r.headers.get("idempotency-key") for r in attempts}
    assert len(keys) == 1 and None not in keys


def test_a_batch_with_one_failed_item_returns_both_typed_results(
    fake: FakeSendmux, sending: SendmuxSending
) -> None:
    fake.reject_recipients("blocked@example.com")
    wire = {"from": EMAIL["from_"], "subject": "Hi", "html_body": "<p>Hi</p>"}
    result = sending.emails.send_batch(
        messages=[
            {**wire, "to": {"email": "ann@example.com"}},
            {**wire, "to": {"email": "blocked@example.com"}},
        ]
    )
    assert isinstance(result, BatchSendSuccessData)
    assert len(result.results) == 2 and all(isinstance(r, BatchResultItem) for r in result.results)
    assert (result.summary.total, result.summary.queued, result.summary.failed) == (2, 1, 1)
    (failed,) = batch_failures(result)
    assert failed.index == 1 and failed.status == "failed" and failed.error
    assert len(fake.sent_emails()) == 1


def test_the_presigned_upload_put_carries_the_token_and_no_authorization(
    fake: FakeSendmux, sending: SendmuxSending, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7 " + b"x" * 10_000)
    intent = sending.attachments.create_upload(filename="report.pdf", size_bytes=path.stat().st_size)
    token = intent.headers["X-Sendmux-Upload-Token"]
    done = sending.attachments.complete_upload(intent.upload_id, file=path, upload_token=token)
    assert fake.uploaded_attachment(done.attachment_id) == path.read_bytes()
    put = fake.requests[-1]
    assert put.operation_id == "sendingCompleteAttachmentUpload"
    assert put.headers.get("x-sendmux-upload-token") == token and "authorization" not in put.headers
    assert put.headers["content-length"] == str(path.stat().st_size)


def test_a_direct_upload_streams_the_file_and_the_send_uses_it(
    fake: FakeSendmux, sending: SendmuxSending, tmp_path: Path
) -> None:
    path = tmp_path / "terms.pdf"
    path.write_bytes(b"%PDF-1.7 terms")
    uploaded = sending.attachments.upload(file=path)
    assert (
        uploaded.filename == "terms.pdf" and sending.attachments.get(uploaded.attachment_id).size_bytes == 14
    )
    sent = sending.emails.send(
        **EMAIL, to={"email": "bob@example.com"}, attachments=[{"attachment_id": uploaded.attachment_id}]
    )
    assert sent.message_id


def test_insufficient_credits_raise_their_own_class_and_send_nothing(
    fake: FakeSendmux, sending: SendmuxSending
) -> None:
    fake.faults.add("insufficient_credits", route="sendingSendEmail")
    with pytest.raises(InsufficientCreditsError) as info:
        sending.emails.send(**EMAIL, to={"email": "bob@example.com"})
    assert info.value.status_code == 402 and not info.value.retryable
    assert fake.sent_emails() == []


# ---------------------------------------------------------------------------- async


@pytest.mark.anyio
async def test_async_mailbox_streams_and_downloads(fake: FakeSendmux, tmp_path: Path) -> None:
    ids = [fake.emit_mailbox_event(event_type="sync_required") for _ in range(30)]
    fake.close_event_streams()
    fake.faults.add("drop_mid_stream", route="mailboxStreamEvents", times=1, after=10)
    blob = os.urandom(2 * 1024 * 1024)
    message = fake.add_message(attachments={"a.bin": blob}, event=False)
    async with AsyncSendmuxMailbox(
        api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True
    ) as amb:
        amb._sleep = _no_sleep  # type: ignore[method-assign]
        async with amb.events.stream(last_event_id="0") as stream:
            got = [int(e.id or 0) async for e in stream]
        assert got == ids
        async with await amb.attachments.download(message["id"], message["attachments"][0]["id"]) as dl:
            assert await dl.read() == blob


async def _no_sleep(seconds: float) -> None:
    return None


def test_with_options_keeps_the_client_level_mailbox_id(fake: FakeSendmux) -> None:
    one = fake.add_message(subject="kept", event=False)
    agent_key = fake.create_agent_key([fake.mailbox_id, _second_mailbox(fake)])
    with SendmuxMailbox(
        api_key=agent_key, base_url=fake.url, allow_insecure_http=True, mailbox_id=fake.mailbox_id
    ) as client:
        quick = client.with_options(timeout=5.0, max_retries=0)
        assert [m.id for m in quick.messages.list()] == [one["id"]]


def test_inline_attachments_are_sent_with_the_message(
    fake: FakeSendmux, mb: SendmuxMailbox, sending: SendmuxSending, tmp_path: Path
) -> None:
    path = tmp_path / "terms.pdf"
    path.write_bytes(b"%PDF-1.7 inline terms")
    sent = sending.emails.send(
        **EMAIL, to={"email": "bob@example.com"}, attachments=[sendmux.sending_attachment(path)]
    )
    assert sent.message_id
    result = mb.messages.send(
        to=[{"email": "ann@example.com", "name": None}],
        subject="Terms",
        text_body="Attached.",
        attachments=[sendmux.mailbox_attachment(path)],
    )
    assert result is not None
