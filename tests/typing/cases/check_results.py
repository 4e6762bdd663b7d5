"""What the clients return, typed; and every "maybe absent" value they return goes back where the API
takes it (`str | None` in, `str | None` out: None means "leave it out")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import assert_type

from sendmux import (
    AsyncBinaryResponse,
    AsyncChangeFeed,
    AsyncEventStream,
    AsyncPaginator,
    AsyncSendmuxMailbox,
    BinaryResponse,
    ChangeFeed,
    EventStream,
    RawResponse,
    Sendmux,
    SendmuxMailbox,
    ServerSentEvent,
    SyncCursorPage,
)
from sendmux.types import (
    MailboxAttachmentUploadResult,
    MailboxChanges,
    MailboxDomain,
    MailboxMessageSummary,
    MailboxRealtimeEvent,
)


def round_trips(c: Sendmux, mb: SendmuxMailbox) -> None:
    raw = c.domains.with_raw_response.get("mdom_1")
    assert_type(raw, RawResponse[MailboxDomain])
    assert_type(raw.etag, str | None)
    c.domains.get("mdom_1", if_none_match=raw.etag)
    c.domains.update("mdom_1", mode="send_receive", if_match=raw.etag)

    feed = mb.folders.changes()
    assert_type(feed, ChangeFeed[MailboxChanges])
    for changes in feed:
        assert_type(changes, MailboxChanges)
    mb.folders.changes(since_state=feed.state)

    with mb.events.stream() as stream:
        assert_type(stream, EventStream[MailboxRealtimeEvent])
        for event in stream:
            assert_type(event, ServerSentEvent[MailboxRealtimeEvent])
            assert_type(event.data, MailboxRealtimeEvent)
    mb.events.stream(last_event_id=stream.last_event_id)

    with mb.attachments.download("msg_1", "att_1") as download:
        assert_type(download, BinaryResponse)
        assert_type(download.filename, str | None)
        blob = mb.attachments.upload(file=download.read(), filename=download.filename)
        assert_type(blob, MailboxAttachmentUploadResult)
    mb.attachments.upload(file=Path("invoice.pdf"))

    page = c.domains.list(limit=10, cursor=None)
    assert_type(page, SyncCursorPage[MailboxDomain])
    c.domains.list(cursor=page.next_cursor)

    # `wait_for` (a helper on the generated resource) returns what `list` does, and takes its filters.
    arrived = mb.messages.wait_for(timeout=30, subject="Your code", from_="login@example.org")
    assert_type(arrived, MailboxMessageSummary)
    mb.messages.wait_for(timeout=30, since=datetime.now(UTC), has_attachment=None)
    mb.messages.get(arrived.id)


async def async_results(mb: AsyncSendmuxMailbox) -> None:
    messages = mb.messages.list(limit=5)
    assert_type(messages, AsyncPaginator[MailboxMessageSummary])
    first = await messages
    assert_type(first.data, list[MailboxMessageSummary])
    download = await mb.attachments.download("msg_1", "att_1")
    assert_type(download, AsyncBinaryResponse)
    stream = mb.events.stream()
    assert_type(stream, AsyncEventStream[MailboxRealtimeEvent])
    feed = mb.folders.changes()
    assert_type(feed, AsyncChangeFeed[MailboxChanges])
    async for changes in feed:
        assert_type(changes, MailboxChanges)
    mb.folders.changes(since_state=feed.state)
    arrived = await mb.messages.wait_for(timeout=30, is_unread=True, folder_id=None)
    assert_type(arrived, MailboxMessageSummary)
