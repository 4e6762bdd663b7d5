"""Issue 20's send journeys against FakeSendmux, sync and async: files as attachments (inline or uploaded by
the API's limits, idempotent across a retried call) and addresses as strings."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sendmux import (
    APIResponseValidationError,
    AsyncSendmuxMailbox,
    AsyncSendmuxSending,
    SendmuxMailbox,
    SendmuxSending,
)
from sendmux.testing import FakeSendmux

# A real 1x1 PNG: the API would take any bytes, a reader checks the signature.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
INLINE_MAX = 4096  # the fake's Mailbox inline limit here: bigger files must be uploaded


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(mailbox_limits={"inline_attachment_bytes_max": INLINE_MAX}) as f:
        yield f


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "chart.png"
    path.write_bytes(PNG)
    return path


def big(tmp_path: Path, size: int = 3 * INLINE_MAX) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(range(256)) * (size // 256))
    return path


def routes(fake: FakeSendmux) -> list[str]:
    return [f"{r.method} {r.path.split('?')[0]}" for r in fake.requests]


def mailbox(fake: FakeSendmux) -> SendmuxMailbox:
    return SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True)


def sending(fake: FakeSendmux) -> SendmuxSending:
    return SendmuxSending(api_key=fake.mailbox_api_key, base_url=fake.sending_url, allow_insecure_http=True)


def sent_attachments(mb: SendmuxMailbox, message_id: str) -> dict[str, tuple[str, bytes]]:
    """Each attachment of a sent message by name: (content type, bytes downloaded back)."""
    msg = mb.messages.get(message_id)
    out: dict[str, tuple[str, bytes]] = {}
    for att in msg.attachments or []:
        with mb.attachments.download(message_id, att.id) as dl:
            out[att.filename or ""] = (att.content_type, dl.read())
    return out


# -- Mailbox ---------------------------------------------------------------------------------------


def test_mailbox_png_by_path_arrives_with_its_bytes_and_type(fake: FakeSendmux, png: Path) -> None:
    with mailbox(fake) as mb:
        sent = mb.messages.send(
            subject="Chart", to=["Bob <bob@example.com>"], text_body="hi", attachments=[png]
        )
        assert sent_attachments(mb, sent.message_id) == {"chart.png": ("image/png", PNG)}
        msg = mb.messages.get(sent.message_id)
    assert [(a.email, a.name) for a in msg.to] == [("bob@example.com", "Bob")]
    # Small: inline, after one look at the mailbox's limits; nothing uploaded.
    assert routes(fake)[:2] == ["GET /api/v1/mailbox/session", "POST /api/v1/mailbox/messages/send"]


def test_mailbox_large_file_goes_through_the_presigned_upload(fake: FakeSendmux, tmp_path: Path) -> None:
    report = big(tmp_path)
    with mailbox(fake) as mb:
        sent = mb.messages.send(
            subject="Report",
            to="ann@example.com",
            text_body="attached",
            attachments=[report, ("notes.txt", b"hi")],
        )
        got = sent_attachments(mb, sent.message_id)
    assert got["report.pdf"] == ("application/pdf", report.read_bytes())
    assert got["notes.txt"] == ("text/plain", b"hi")
    seen = routes(fake)
    assert "POST /api/v1/mailbox/attachment-uploads" in seen
    assert any(r.startswith("PUT /_uploads/mailbox/") for r in seen)
    put = next(r for r in fake.requests if r.method == "PUT")
    assert "authorization" not in put.headers  # the signed URL authenticates itself
    assert put.headers["content-type"] == "application/pdf"


def test_mailbox_file_over_the_upload_limit_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    with FakeSendmux(
        mailbox_limits={"attachment_upload_bytes_max": 1000, "inline_attachment_bytes_max": 100}
    ) as fake:
        with mailbox(fake) as mb:
            with pytest.raises(ValueError, match=r"attachments\[1\].*report.pdf.*1,000-byte"):
                mb.messages.send(
                    subject="x", to="a@example.com", attachments=[("a.txt", b"a"), big(tmp_path, 4096)]
                )
        assert routes(fake) == ["GET /api/v1/mailbox/session"]


def test_retried_call_with_its_key_reuses_its_uploads(fake: FakeSendmux, tmp_path: Path) -> None:
    report = big(tmp_path)
    with mailbox(fake) as mb:
        first = mb.messages.send(
            subject="R", to="a@example.com", attachments=[report], idempotency_key="send-42"
        )
        again = mb.messages.send(
            subject="R", to="a@example.com", attachments=[report], idempotency_key="send-42"
        )
    assert again.message_id == first.message_id  # the same body: the server replayed the send
    assert routes(fake).count("POST /api/v1/mailbox/attachment-uploads") == 1


def test_address_strings_refused_before_sending_name_the_argument(fake: FakeSendmux) -> None:
    with mailbox(fake) as mb:
        with pytest.raises(ValueError, match=r"^cc\[1\]: 'not an address'"):
            mb.messages.send(subject="x", to="a@example.com", cc=["b@example.com", "not an address"])
        with pytest.raises(TypeError, match=r"attachments\[0\]: this file has no name"):
            mb.messages.send(subject="x", to="a@example.com", attachments=[io.BytesIO(b"data")])
    assert routes(fake) == []


def test_mailbox_comma_separated_recipients(fake: FakeSendmux) -> None:
    with mailbox(fake) as mb:
        sent = mb.messages.send(
            subject="x", to='"Smith, Bob" <bob@example.com>, ann@example.com', text_body="t"
        )
        msg = mb.messages.get(sent.message_id)
    assert [(a.email, a.name) for a in msg.to] == [
        ("bob@example.com", "Smith, Bob"),
        ("ann@example.com", None),
    ]


# -- Sending ---------------------------------------------------------------------------------------


def test_sending_png_by_path_and_address_strings(fake: FakeSendmux, png: Path) -> None:
    with sending(fake) as s:
        s.emails.send(
            from_="Me <me@example.com>",
            to="Bob <bob@example.com>",
            subject="Chart",
            html_body="<p>hi</p>",
            attachments=[png],
        )
    (email,) = fake.sent_emails()
    assert email["to"] == {"email": "bob@example.com", "name": "Bob"}
    assert email["from"] == {"email": "me@example.com", "name": "Me"}
    (att,) = email["attachments"]
    assert att["type"] == "image/png" and base64.b64decode(att["content"]) == PNG


def test_sending_large_file_is_uploaded_with_a_derived_key(fake: FakeSendmux, tmp_path: Path) -> None:
    report = tmp_path / "big.pdf"
    report.write_bytes(b"%PDF" + b"x" * (6 * 1024 * 1024))
    with sending(fake) as s:
        for _ in range(2):  # the same call retried: the upload and the send are replayed, not repeated
            s.emails.send(
                from_="me@example.com",
                to="bob@example.com",
                subject="Big",
                html_body="<p>see</p>",
                attachments=[report],
                idempotency_key="big-1",
            )
        (email,) = fake.sent_emails()
        (ref,) = email["attachments"]
        assert fake.uploaded_attachment(ref["attachment_id"]) == report.read_bytes()
        assert s.attachments.get(ref["attachment_id"]).content_type == "application/pdf"
    uploads = [r for r in fake.requests if r.path == "/sending/api/v1/emails/attachments"]
    # Once: the retried call found its upload; a new process would get it replayed by the derived key.
    assert [r.headers["idempotency-key"] for r in uploads] == ["big-1:attachment:0"]
    assert fake.counters.replayed["POST /sending/emails/send"] == 1  # the second send: the same body


def test_sending_upload_guesses_the_type(fake: FakeSendmux, png: Path) -> None:
    with sending(fake) as s:
        data = s.attachments.upload(file=png)
    assert data.content_type == "image/png"


# -- async -----------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_mailbox_and_sending_journeys(fake: FakeSendmux, png: Path, tmp_path: Path) -> None:
    report = big(tmp_path)
    async with AsyncSendmuxMailbox(
        api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True
    ) as mb:
        sent = await mb.messages.send(
            subject="Both", to="Bob <bob@example.com>", text_body="t", attachments=[png, report]
        )
        msg = await mb.messages.get(sent.message_id)
        got: dict[str, Any] = {}
        for att in msg.attachments or []:
            async with mb.attachments.download(sent.message_id, att.id) as dl:
                got[att.filename or ""] = (att.content_type, await dl.read())
    assert got == {"chart.png": ("image/png", PNG), "report.pdf": ("application/pdf", report.read_bytes())}
    assert [(a.email, a.name) for a in msg.to] == [("bob@example.com", "Bob")]
    async with AsyncSendmuxSending(
        api_key=fake.mailbox_api_key, base_url=fake.sending_url, allow_insecure_http=True
    ) as s:
        await s.emails.send(
            from_="me@example.com",
            to="Bob <bob@example.com>",
            subject="s",
            html_body="h",
            attachments=[("a.txt", b"x")],
        )
    (email,) = fake.sent_emails()
    assert email["to"] == {"email": "bob@example.com", "name": "Bob"}
    assert email["attachments"][0]["type"] == "text/plain"


# -- odd answers -----------------------------------------------------------------------------------


def test_a_session_without_limits_falls_back_to_the_documented_ones(fake: FakeSendmux, png: Path) -> None:
    fake.faults.add("missing_field", route="mailboxGetSession", field="limits")
    with mailbox(fake) as mb:
        sent = mb.messages.send(subject="Chart", to="bob@example.com", attachments=[png])
        assert sent_attachments(mb, sent.message_id) == {"chart.png": ("image/png", PNG)}


def test_an_upload_answer_without_its_id_is_an_error_not_a_bad_send(
    fake: FakeSendmux, tmp_path: Path
) -> None:
    fake.faults.add("missing_field", route="sendingUploadAttachment", field="attachment_id")
    with sending(fake) as s:
        with pytest.raises(APIResponseValidationError, match="no usable `attachment_id`"):
            s.emails.send(
                from_="me@example.com",
                to="bob@example.com",
                subject="s",
                html_body="h",
                attachments=[big(tmp_path, 6 << 20)],
            )
    assert fake.sent_emails() == []
