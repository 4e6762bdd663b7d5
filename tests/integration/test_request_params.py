"""Request arguments over real HTTP to the fake: None omits, null where the API takes it, TypedDicts and
models alike, Literal values and enum members alike (issue 19)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sendmux import AsyncSendmux, Sendmux, SendmuxSending
from sendmux.testing import FakeSendmux
from sendmux.types import (
    CreateDomainBodyMode,
    FilterRule,
    FilterRuleParam,
    FilterRuleType,
    ListProvidersStatus,
)


def last(fake: FakeSendmux, operation_id: str) -> tuple[dict[str, Any], dict[str, list[str]], dict[str, str]]:
    """(JSON body, query, headers) of the last request the fake got for an operation."""
    request = [r for r in fake.requests if r.operation_id == operation_id][-1]
    body = json.loads(request.body) if request.body else {}
    return body, parse_qs(urlsplit(request.path).query), request.headers


def test_none_leaves_out_a_body_field_the_api_does_not_let_be_null(
    fake: FakeSendmux, sendmux_client: Sendmux
) -> None:
    sendmux_client.domains.create(domain="none.example.com", mode=None)
    body, _, _ = last(fake, "managementCreateDomain")
    assert body == {"domain": "none.example.com"}
    # Leaving it out is the same request.
    sendmux_client.domains.create(domain="out.example.com")
    assert last(fake, "managementCreateDomain")[0] == {"domain": "out.example.com"}


def test_none_sends_null_where_the_api_takes_null_and_leaving_out_sends_nothing(
    fake: FakeSendmux, sendmux_client: Sendmux
) -> None:
    box = sendmux_client.mailboxes.create(email="agent@myagent.mx", display_name="Agent").mailbox
    updated = sendmux_client.mailboxes.update(box.id, display_name=None)
    assert last(fake, "managementUpdateMailbox")[0] == {"display_name": None}
    assert updated.display_name is None
    sendmux_client.mailboxes.update(box.id, quota_bytes=1073741824, send_scope=None)
    assert last(fake, "managementUpdateMailbox")[0] == {"quota_bytes": 1073741824}


def test_none_leaves_out_query_parameters_and_headers(fake: FakeSendmux, sendmux_client: Sendmux) -> None:
    fake.seed("sending_accounts", 2, status="inactive")
    assert len(sendmux_client.sending_accounts.list(status=None, type=None, limit=None).data) == 2
    _, query, _ = last(fake, "managementListProviders")
    assert query == {}
    domain = sendmux_client.domains.create(domain="hdr.example.com", mode="send_only")
    sendmux_client.domains.update(domain.id, mode="send_receive", if_match=None)
    assert "if-match" not in last(fake, "managementUpdateDomain")[2]


def test_enum_arguments_take_the_plain_value_or_the_member(
    fake: FakeSendmux, sendmux_client: Sendmux
) -> None:
    fake.seed("sending_accounts", 1, status="active")
    fake.seed("sending_accounts", 1, status="inactive")
    by_value = sendmux_client.sending_accounts.list(status="inactive").data
    by_member = sendmux_client.sending_accounts.list(status=ListProvidersStatus.INACTIVE).data
    assert [a.id for a in by_value] == [a.id for a in by_member] and len(by_value) == 1
    sendmux_client.domains.create(domain="m.example.com", mode=CreateDomainBodyMode.SEND_ONLY)
    assert last(fake, "managementCreateDomain")[0]["mode"] == "send_only"


def test_nested_objects_take_a_typed_dict_or_the_model(fake: FakeSendmux, sendmux_client: Sendmux) -> None:
    domain = sendmux_client.domains.create(domain="filters.example.com")
    rule: FilterRuleParam = {"type": "deny", "pattern": "spam.example", "note": None}
    model = FilterRule(type=FilterRuleType.ALLOW, pattern="boss@example.com")
    state = sendmux_client.domains.filters.set(domain.id, mode="denylist", rules=[rule, model])
    sent = last(fake, "managementSetDomainFilters")[0]
    assert sent["rules"] == [
        {"type": "deny", "pattern": "spam.example", "note": None},
        {"type": "allow", "pattern": "boss@example.com"},
    ]
    assert [(r.type, r.pattern) for r in state.rules] == [
        ("deny", "spam.example"),
        ("allow", "boss@example.com"),
    ]


def test_a_sending_message_as_typed_dicts(fake: FakeSendmux) -> None:
    with SendmuxSending(api_key=fake.mailbox_api_key, base_url=fake.sending_url) as sending:
        sending.emails.send(
            from_={"email": "me@example.com"},
            to={"email": "you@example.com", "name": "You"},
            subject="Hi",
            html_body="<p>Hi</p>",
            reply_to=None,
            attachments=[{"filename": "a.txt", "content": "aGk=", "type": "text/plain"}],
        )
    body, _, _ = last(fake, "sendingSendEmail")
    assert body["from"] == {"email": "me@example.com"} and "reply_to" not in body
    assert body["attachments"] == [{"filename": "a.txt", "content": "aGk=", "type": "text/plain"}]


@pytest.mark.anyio
async def test_async_methods_take_none_alike(fake: FakeSendmux) -> None:
    async with AsyncSendmux(api_key=fake.api_key, base_url=fake.url) as client:
        await client.domains.create(domain="async.example.com", mode=None, idempotency_key=None)
    body, _, headers = last(fake, "managementCreateDomain")
    assert body == {"domain": "async.example.com"}
    assert headers["idempotency-key"]  # None: the client makes one, as when it is left out
