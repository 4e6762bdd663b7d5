"""FakeSendmux's Mailbox and Sending APIs driven by the real runtime (`SyncAPIClient`'s `_request_events`,
`_request_binary`, `_request_feed` and uploads), as the generated Mailbox and Sending clients will call it:
the fake's breaks are the ones the runtime must survive."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sendmux import InsufficientCreditsError
from sendmux._base_client import SyncAPIClient
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions
from sendmux._surface import Surface
from sendmux.testing import FakeSendmux


def op(op_id: str, method: str, path: str, surface: str, **kw: Any) -> Operation:
    return Operation(op_id, method, path, "r", "m", None, surface=surface, **kw)


EVENTS = op("mailboxStreamEvents", "GET", "/mailbox/events", "mailbox", response="events")
DOWNLOAD = op(
    "mailboxGetMessageAttachment",
    "GET",
    "/mailbox/messages/{message_id}/attachments/{attachment_id}",
    "mailbox",
    response="binary",
)
CHANGES = op(
    "mailboxGetChanges",
    "GET",
    "/mailbox/changes",
    "mailbox",
    response="feed",
    state_param="since_state",
    state_field="new_state",
)
UPLOAD = op(
    "mailboxUploadAttachment", "POST", "/mailbox/attachments:upload", "mailbox", request_body="binary"
)
CREATE_UPLOAD = op("sendingCreateAttachmentUpload", "POST", "/emails/attachment-uploads", "sending")
COMPLETE_UPLOAD = op(
    "sendingCompleteAttachmentUpload",
    "PUT",
    "/emails/attachment-uploads/{upload_id}",
    "sending",
    auth=False,
    request_body="binary",
)
SEND = op("sendingSendEmail", "POST", "/emails/send", "sending", idempotency_key=True)


class MailboxClient(SyncAPIClient):
    _surface: ClassVar[Surface] = Surface("mailbox", "https://app.sendmux.ai/api/v1", "X_KEY", "X_URL")


class SendingClient(SyncAPIClient):
    _surface: ClassVar[Surface] = Surface("sending", "https://smtp.sendmux.ai/api/v1", "X_KEY", "X_URL")


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(sse_ping=0.02, sse_retry=0.01) as f:
        yield f


@pytest.fixture
def mailbox(fake: FakeSendmux) -> Iterator[MailboxClient]:
    with MailboxClient(api_key=fake.mailbox_api_key, base_url=fake.url) as client:
        client._sleep = lambda seconds: None  # type: ignore[method-assign]
        yield client


@pytest.fixture
def sending(fake: FakeSendmux) -> Iterator[SendingClient]:
    with SendingClient(api_key=fake.mailbox_api_key, base_url=fake.sending_url) as client:
        client._sleep = lambda seconds: None  # type: ignore[method-assign]
        yield client


def test_300_events_across_two_drops_come_out_once_in_order(
    fake: FakeSendmux, mailbox: MailboxClient
) -> None:
    ids = [fake.emit_mailbox_event(event_type="sync_required") for _ in range(300)]
    fake.close_event_streams()
    fake.faults.add("drop_mid_stream", route="mailboxStreamEvents", times=2, after=120)
    with mailbox._request(EVENTS, RequestOptions(headers={"Last-Event-ID": "0"}, cast=dict)) as stream:
        events = list(stream)
    assert [int(e.id or 0) for e in events] == ids
    assert {e.data["event_type"] for e in events} == {"sync_required"}
    connections = [r for r in fake.requests if r.operation_id == "mailboxStreamEvents"]
    assert len(connections) == 3 and fake.counters.faults["drop_mid_stream"] == 2


def test_a_download_dropped_mid_body_resumes_byte_identical(
    fake: FakeSendmux, mailbox: MailboxClient, tmp_path: Path
) -> None:
    blob = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(100_000))  # 3.2 MB
    message = fake.add_message(attachments={"big.bin": blob}, event=False)
    fake.faults.add("drop_mid_stream", route="mailboxGetMessageAttachment", after=1_234_567)
    params = (message["id"], message["attachments"][0]["id"])
    with mailbox._request(DOWNLOAD, RequestOptions(path_params=params)) as resp:
        assert resp.filename == "big.bin"
        written = resp.write_to_file(tmp_path / "big.bin")
    assert written == len(blob) and (tmp_path / "big.bin").read_bytes() == blob
    ranges = [
        r.headers.get("range") for r in fake.requests if r.operation_id == "mailboxGetMessageAttachment"
    ]
    assert ranges[0] is None and ranges[1] is not None and ranges[1].startswith("bytes=")


def test_the_change_feed_follows_has_more_and_keeps_the_state(
    fake: FakeSendmux, mailbox: MailboxClient
) -> None:
    made = [fake.add_message(subject=f"m{i}", event=False)["id"] for i in range(5)]
    feed = mailbox._request(CHANGES, RequestOptions(query={"limit": 2}, cast=dict))
    pages = list(feed)
    assert [i for page in pages for i in page["created"]] == made
    assert feed.state == fake.mailbox_state()


def test_an_upload_streams_a_file_with_its_length(
    fake: FakeSendmux, mailbox: MailboxClient, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"n" * 200_000)
    result = mailbox._request(
        UPLOAD, RequestOptions(query={"filename": "notes.txt"}, cast=dict, content=path)
    )
    assert result["size_bytes"] == 200_000
    assert fake.requests[-1].headers["content-length"] == "200000"


def test_the_presigned_put_carries_the_token_and_no_api_key(
    fake: FakeSendmux, sending: SendingClient
) -> None:
    intent = sending._request(
        CREATE_UPLOAD, RequestOptions(body={"filename": "a.pdf", "size_bytes": 4}, cast=dict)
    )
    token = intent["headers"]["X-Sendmux-Upload-Token"]
    done = sending._request(
        COMPLETE_UPLOAD,
        RequestOptions(
            path_params=(intent["upload_id"],),
            headers={"X-Sendmux-Upload-Token": token},
            cast=dict,
            content=b"%PDF",
        ),
    )
    assert fake.uploaded_attachment(done["attachment_id"]) == b"%PDF"
    put = fake.requests[-1]
    assert put.operation_id == "sendingCompleteAttachmentUpload" and "authorization" not in put.headers


def test_a_send_reset_after_apply_is_sent_once_and_402_has_its_class(
    fake: FakeSendmux, sending: SendingClient
) -> None:
    email = {
        "from": {"email": "me@example.com"},
        "to": {"email": "bob@example.com"},
        "subject": "Hi",
        "html_body": "<p>Hi</p>",
    }
    fake.faults.add("reset_after_apply", route="sendingSendEmail")
    sent = sending._request(SEND, RequestOptions(body=email, cast=dict))
    assert [e["id"] for e in fake.sent_emails()] == [sent["message_id"]]
    keys = {r.headers.get("idempotency-key") for r in fake.requests if r.operation_id == "sendingSendEmail"}
    assert len(keys) == 1 and None not in keys
    fake.faults.add("insufficient_credits", route="sendingSendEmail")
    with pytest.raises(InsufficientCreditsError):
        sending._request(SEND, RequestOptions(body=email, cast=dict))
    assert len(fake.sent_emails()) == 1
