"""Request arguments: plain values, enum members, TypedDicts and models pass; typos are type errors."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, assert_type

from sendmux import AsyncSendmux, Sendmux, SendmuxMailbox, SendmuxSending, SyncCursorPage
from sendmux.types import (
    CreateDomainBodyMode,
    FilterRule,
    FilterRuleParam,
    FilterRuleType,
    FilterState,
    ListProvidersStatus,
    MailboxDomain,
    ProviderListItem,
    SendSuccessData,
)


def good(c: Sendmux, s: SendmuxSending) -> None:
    domain = c.domains.create(domain="mail.example.com", mode="send_only")
    assert_type(domain, MailboxDomain)
    c.domains.create(domain="mail.example.com", mode=CreateDomainBodyMode.SEND_RECEIVE)
    c.domains.create(domain="mail.example.com", mode=None, idempotency_key=None)
    assert_type(c.sending_accounts.list(status="active"), SyncCursorPage[ProviderListItem])
    c.sending_accounts.list(status=ListProvidersStatus.INACTIVE, limit=None)
    rule: FilterRuleParam = {"type": "deny", "pattern": "spam.example"}
    model = FilterRule(type=FilterRuleType.ALLOW, pattern="boss@example.com")
    state = c.domains.filters.set(
        domain.id, mode="denylist", rules=[rule, model, {"type": "allow", "pattern": "x"}]
    )
    assert_type(state, FilterState)
    sent = s.emails.send(
        from_={"email": "me@example.com", "name": "Me"},
        to={"email": "you@example.com"},
        subject="Hi",
        html_body="<p>Hi</p>",
        attachments=[{"filename": "a.txt", "content": "aGk="}, {"attachment_id": "att_1"}],
        custom_headers={"X-Campaign": "spring"},
    )
    assert_type(sent, SendSuccessData)


def files_and_address_strings(s: SendmuxSending, mb: SendmuxMailbox, f: BinaryIO) -> None:
    # Addresses as text, files where attachments go: the runtime parses and uploads them.
    s.emails.send(
        from_="Me <me@example.com>",
        to="bob@example.com",
        cc=["Ann <ann@example.com>", {"email": "x@example.com"}],
        subject="Chart",
        html_body="<p>see</p>",
        attachments=[Path("chart.png"), ("notes.txt", b"hi", "text/plain"), f, {"attachment_id": "att_1"}],
    )
    mb.messages.send(subject="Hi", to=["Bob <bob@example.com>"], attachments=["report.pdf", ("a.csv", f)])


def nullable(c: Sendmux, mb: SendmuxMailbox) -> None:
    # A field the API lets be null takes None (sent as null); left out, nothing is sent.
    c.mailboxes.update("mbx_1", display_name=None)
    c.mailboxes.update("mbx_1", quota_bytes=None)


async def good_async(c: AsyncSendmux) -> None:
    domain = await c.domains.create(domain="mail.example.com", mode="send_receive")
    assert_type(domain, MailboxDomain)


def typos(c: Sendmux, s: SendmuxSending) -> None:
    c.domains.create(domain="mail.example.com", mode="sendonly")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    c.sending_accounts.list(status="actve")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    s.emails.send(
        from_={"emial": "me@example.com"},  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        to={"email": "you@example.com"},
        subject="Hi",
        html_body="<p>Hi</p>",
    )
    c.domains.filters.set("mdom_1", mode="denylist", rules=[{"type": "deny", "patern": "x"}])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    c.domains.create(domain=None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    s.emails.send(
        from_="me@example.com",
        to=42,  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        subject="s",
        html_body="h",
    )
    s.emails.send(
        from_="me@example.com",
        to="a@example.com",
        subject="s",
        html_body="h",
        attachments=[b"no name"],  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    )
