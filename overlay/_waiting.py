"""`messages.wait_for(...)`: wait for the first message that matches `messages.list`'s filters.

Mixed into the generated `MailboxMessagesResource` / `AsyncMailboxMessagesResource` as extra base classes
(`mixins` in openapi/surfaces.yaml), and built only on generated calls: `messages.list` decides what
matches (so the filters mean what the server means by them) and `events.stream` says when to look again.

Order matters so that nothing is missed: the event stream opens first, then one catch-up `list`, so a
message that lands between the two is found by one or the other; every event after that re-runs the
`list`. Only messages received after `since` (default: the moment of the call) count, sent as
`list(after=...)`, so mail that was already there does not match. When the stream is refused, breaks or
ends, the wait goes on by polling `list` with backoff. `timeout` bounds all of it.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal, Protocol, TypedDict

from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    WaitTimeoutError,
)
from ._logging import logger

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from ._async_client import AsyncAPIClient
    from ._events import AsyncEventStream, EventStream
    from ._generated.models import MailboxMessageSummary, MailboxRealtimeEvent
    from ._pagination import AsyncPaginator, SyncCursorPage
    from ._sync_client import SyncAPIClient

__all__ = ["MessagesWaitMixin", "AsyncMessagesWaitMixin"]

FIRST_POLL = 0.5
"""Seconds before the first poll when there is no event stream; doubled after each, up to MAX_POLL."""
MAX_POLL = 2.0

# Why a stream cannot tell us when to look: refused (403 without `mailbox.read` on events, 404 on a server
# without the route), broken past its reconnects, or not an event stream. Polling still works then.
_STREAM_FAILURES = (APIStatusError, APIConnectionError, APIResponseValidationError)


class _Filters(TypedDict, total=False):
    """The `messages.list` filters `wait_for` takes, under the names `list` gives them."""

    subject: str
    from_: str
    has_attachment: bool
    is_unread: bool
    folder_id: str


class _SyncMessages(Protocol):
    """What the mixin needs of the resource it is mixed into: the generated `list` and the client."""

    @property
    def _client(self) -> SyncAPIClient: ...

    def list(
        self,
        *,
        limit: int | None = ...,
        folder_id: str | None = ...,
        from_: str | None = ...,
        subject: str | None = ...,
        after: str | None = ...,
        has_attachment: bool | None = ...,
        is_unread: bool | None = ...,
        sort_by: Literal["received_at"] | None = ...,
        sort_direction: Literal["asc"] | None = ...,
        mailbox_id: str | None = ...,
        timeout: float,
    ) -> SyncCursorPage[MailboxMessageSummary]: ...


class _AsyncMessages(Protocol):
    @property
    def _client(self) -> AsyncAPIClient: ...

    def list(
        self,
        *,
        limit: int | None = ...,
        folder_id: str | None = ...,
        from_: str | None = ...,
        subject: str | None = ...,
        after: str | None = ...,
        has_attachment: bool | None = ...,
        is_unread: bool | None = ...,
        sort_by: Literal["received_at"] | None = ...,
        sort_direction: Literal["asc"] | None = ...,
        mailbox_id: str | None = ...,
    ) -> AsyncPaginator[MailboxMessageSummary]: ...


def check_wait_timeout(timeout: object) -> float:
    """`timeout` as seconds (> 0, finite), checked before anything is sent."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"timeout must be a number of seconds, got {type(timeout).__name__}")
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a positive, finite number of seconds, got {timeout!r}")
    return float(timeout)


def after_text(since: datetime | None) -> str:
    """`since` (default: now) as the ISO 8601 UTC timestamp `list(after=...)` takes.

    Timestamps go to the millisecond and `after` is exclusive, so the bound sent is one millisecond before
    `since`'s: a message received in the same millisecond as `since` still counts.
    """
    if since is None:
        since = datetime.now(UTC)
    elif since.tzinfo is None or since.utcoffset() is None:
        raise ValueError("since must be a timezone-aware datetime (a naive one names no moment)")
    moment = since.astimezone(UTC)
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000) - timedelta(milliseconds=1)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def filters_of(
    *,
    subject: str | None,
    from_: str | None,
    has_attachment: bool | None,
    is_unread: bool | None,
    folder_id: str | None,
) -> _Filters:
    """The filters given (None: not filtered on), ready to pass on to `list`."""
    filters = _Filters()
    if subject is not None:
        filters["subject"] = subject
    if from_ is not None:
        filters["from_"] = from_
    if has_attachment is not None:
        filters["has_attachment"] = has_attachment
    if is_unread is not None:
        filters["is_unread"] = is_unread
    if folder_id is not None:
        filters["folder_id"] = folder_id
    return filters


def _timed_out(timeout: float, filters: _Filters, after: str) -> WaitTimeoutError:
    return WaitTimeoutError(timeout=timeout, filters={**filters, "since": after})


class MessagesWaitMixin:
    """`SendmuxMailbox().messages.wait_for(...)`, on top of the generated `list` and `events.stream`."""

    def wait_for(
        self: _SyncMessages,
        *,
        timeout: float,
        subject: str | None = None,
        from_: str | None = None,
        has_attachment: bool | None = None,
        is_unread: bool | None = None,
        folder_id: str | None = None,
        since: datetime | None = None,
        mailbox_id: str | None = None,
    ) -> MailboxMessageSummary:
        """Wait for the first message matching the filters that arrives after `since`; return its summary.

        The filters are `messages.list`'s and mean what they mean there (None: not filtered on). `since`
        (an aware datetime, default: now) is compared with each message's `received_at` by the server:
        mail received earlier does not match; pass the last message's `received_at` to pick up where a
        previous wait left off. Waits on the event stream (opened before a catch-up `list`, so nothing is
        missed), polling `list` instead if the stream is refused or ends. Raises `WaitTimeoutError` (a
        `TimeoutError`) after `timeout` seconds; `ValueError` before sending anything for a bad `timeout`.
        """
        seconds = check_wait_timeout(timeout)
        after = after_text(since)
        filters = filters_of(
            subject=subject,
            from_=from_,
            has_attachment=has_attachment,
            is_unread=is_unread,
            folder_id=folder_id,
        )
        end = time.monotonic() + seconds

        def remaining() -> float:
            return end - time.monotonic()

        def first_match() -> MailboxMessageSummary | None:
            left = remaining()
            if left <= 0:
                return None
            try:
                page = self.list(
                    **filters,
                    after=after,
                    sort_by="received_at",
                    sort_direction="asc",
                    limit=1,
                    mailbox_id=mailbox_id,
                    timeout=left,
                )
            except APITimeoutError:
                if remaining() <= 0:
                    return None  # the wait's own deadline, not a failure of the server
                raise
            return page.data[0] if page.data else None

        stream = _open_stream(self._client, mailbox_id, remaining())
        if stream is not None:
            found = _wait_on_stream(stream, first_match, remaining())
            if found is not None:
                return found
        delay = FIRST_POLL
        while True:
            found = first_match()
            if found is not None:
                return found
            left = remaining()
            if left <= 0:
                raise _timed_out(seconds, filters, after)
            time.sleep(min(delay, left))
            delay = min(delay * 2, MAX_POLL)


def _open_stream(
    client: SyncAPIClient, mailbox_id: str | None, left: float
) -> EventStream[MailboxRealtimeEvent] | None:
    """The mailbox's event stream, connected; None when it cannot be had (the wait then polls)."""
    from ._generated.resources.mailbox.events import MailboxEventsResource

    try:
        return MailboxEventsResource(client).stream(mailbox_id=mailbox_id, timeout=left)
    except _STREAM_FAILURES as exc:
        logger.info("wait_for: no event stream (%s); polling messages.list instead", type(exc).__name__)
        return None


def _wait_on_stream(
    stream: EventStream[MailboxRealtimeEvent],
    first_match: _Check,
    left: float,
) -> MailboxMessageSummary | None:
    """The catch-up `list`, then one more per event, until a match, the deadline or the stream's end."""
    # A read blocked on a quiet stream ends when the stream is closed from another thread: at the deadline.
    timer = threading.Timer(left, stream.close)
    timer.daemon = True
    timer.start()
    try:
        found = first_match()
        events = iter(stream)
        while found is None:
            try:
                next(events)
            except StopIteration:
                return None  # closed at the deadline, or ended by the server: the caller polls what is left
            except _STREAM_FAILURES as exc:
                logger.info("wait_for: event stream failed (%s); polling instead", type(exc).__name__)
                return None
            found = first_match()
        return found
    finally:
        timer.cancel()
        timer.join()
        stream.close()


class _Check(Protocol):
    def __call__(self) -> MailboxMessageSummary | None: ...


class _AsyncCheck(Protocol):
    async def __call__(self) -> MailboxMessageSummary | None: ...


class AsyncMessagesWaitMixin:
    """`AsyncSendmuxMailbox().messages.wait_for(...)`, on top of the generated `list` and `events.stream`."""

    async def wait_for(
        self: _AsyncMessages,
        *,
        timeout: float,
        subject: str | None = None,
        from_: str | None = None,
        has_attachment: bool | None = None,
        is_unread: bool | None = None,
        folder_id: str | None = None,
        since: datetime | None = None,
        mailbox_id: str | None = None,
    ) -> MailboxMessageSummary:
        """Wait for the first message matching the filters that arrives after `since`; return its summary.

        As `SendmuxMailbox().messages.wait_for`: the filters are `messages.list`'s, `since` (default: now)
        is compared with `received_at` by the server, the event stream (with a catch-up `list`) or else
        polling says when to look. Raises `WaitTimeoutError` (a `TimeoutError`) after `timeout` seconds.
        """
        import anyio

        seconds = check_wait_timeout(timeout)
        after = after_text(since)
        filters = filters_of(
            subject=subject,
            from_=from_,
            has_attachment=has_attachment,
            is_unread=is_unread,
            folder_id=folder_id,
        )

        async def first_match() -> MailboxMessageSummary | None:
            page = await self.list(
                **filters,
                after=after,
                sort_by="received_at",
                sort_direction="asc",
                limit=1,
                mailbox_id=mailbox_id,
            )
            return page.data[0] if page.data else None

        # One cancel scope bounds everything: connecting, each `list`, each read of the stream.
        with anyio.move_on_after(seconds):
            found = await _async_wait_on_stream(self._client, mailbox_id, first_match)
            delay = FIRST_POLL
            while found is None:
                found = await first_match()
                if found is None:
                    await anyio.sleep(delay)
                    delay = min(delay * 2, MAX_POLL)
            return found
        raise _timed_out(seconds, filters, after)


async def _async_wait_on_stream(
    client: AsyncAPIClient, mailbox_id: str | None, first_match: _AsyncCheck
) -> MailboxMessageSummary | None:
    """Open the stream, then the catch-up `list` and one per event; None when the stream fails or ends."""
    import anyio

    from ._generated.resources.mailbox.events import AsyncMailboxEventsResource

    stream: AsyncEventStream[MailboxRealtimeEvent] = AsyncMailboxEventsResource(client).stream(
        mailbox_id=mailbox_id
    )
    events: AsyncIterator[object] | None = None
    try:
        try:
            await stream.connect()
        except _STREAM_FAILURES as exc:
            logger.info("wait_for: no event stream (%s); polling messages.list instead", type(exc).__name__)
            return None
        found = await first_match()
        events = aiter(stream)
        while found is None:
            try:
                await anext(events)
            except StopAsyncIteration:
                return None
            except _STREAM_FAILURES as exc:
                logger.info("wait_for: event stream failed (%s); polling instead", type(exc).__name__)
                return None
            found = await first_match()
        return found
    finally:
        with anyio.CancelScope(shield=True):  # released even when the deadline cancelled us
            # The stream's generator is finished here, not left for the garbage collector's event loop hook.
            aclose = getattr(events, "aclose", None)
            if aclose is not None:
                await aclose()
            await stream.close()
