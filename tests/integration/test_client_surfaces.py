"""Surfaces (defaults, env variables, key checks), client default_query, page meta, change feeds, 402."""

from __future__ import annotations

from typing import Any

import pytest
from support.mini_client import AsyncMini, Mini, Thing, make_client
from support.scripted_server import Reply, ScriptedServer, envelope, error_envelope, page_envelope

import sendmux
from sendmux import ConfigurationError, InsufficientCreditsError, PaginationError, RawResponse
from sendmux._base_client import SyncAPIClient
from sendmux._operation import Operation
from sendmux._raw_response import async_to_raw_response_wrapper, to_raw_response_wrapper
from sendmux._request_options import RequestOptions
from sendmux._surface import Surface
from sendmux._types import UNSET

MAILBOX = Surface(
    name="mailbox",
    default_base_url="https://app.sendmux.ai/api/v1",
    api_key_env="SENDMUX_MAILBOX_API_KEY",
    base_url_env="SENDMUX_MAILBOX_BASE_URL",
    key_prefixes=("smx_mbx_", "smx_agent_"),
    refused_prefixes={
        "smx_root_": "a Management key (smx_root_) works with Sendmux / AsyncSendmux, not SendmuxMailbox"
    },
)
MANAGEMENT = Surface(
    name="management",
    default_base_url="https://app.sendmux.ai/api/v1",
    api_key_env="SENDMUX_API_KEY",
    base_url_env="SENDMUX_BASE_URL",
    key_prefixes=("smx_root_",),
    refused_prefixes={
        "smx_mbx_": "a Mailbox key (smx_mbx_) works with SendmuxMailbox or SendmuxSending, not Sendmux",
        "smx_agent_": "",
    },
)


class MailboxClient(SyncAPIClient):
    _surface = MAILBOX


class ManagementClient(SyncAPIClient):
    _surface = MANAGEMENT


OP_LIST = Operation("listMessages", "GET", "/messages", "messages", "list", "mailbox:read", paginated=True)
OP_SEND = Operation(
    "sendEmail", "POST", "/emails", "emails", "send", "send", idempotency_key=True, surface="sending"
)
OP_FEED = Operation(
    "folderChanges",
    "GET",
    "/folders/changes",
    "folders",
    "changes",
    "mailbox:read",
    response="feed",
    state_param="since_state",
    state_field="new_state",
)


def test_surface_env_variables_and_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDMUX_MAILBOX_BASE_URL", raising=False)
    monkeypatch.setenv("SENDMUX_API_KEY", "smx_mbx_not_this_one")
    monkeypatch.setenv("SENDMUX_MAILBOX_API_KEY", "smx_mbx_from_env")
    client = MailboxClient()
    assert client.base_url == "https://app.sendmux.ai/api/v1"
    assert "smx_mbx_from_env" not in repr(client)
    assert client._static_headers["Authorization"] == "Bearer smx_mbx_from_env"
    assert client._credential.kind == "api_key (from SENDMUX_MAILBOX_API_KEY)"
    monkeypatch.setenv("SENDMUX_MAILBOX_BASE_URL", "http://127.0.0.1:9/mb")
    assert MailboxClient().base_url == "http://127.0.0.1:9/mb"
    monkeypatch.delenv("SENDMUX_MAILBOX_API_KEY")
    with pytest.raises(ConfigurationError, match="SENDMUX_MAILBOX_API_KEY"):
        MailboxClient()


def test_wrong_key_kinds_name_the_right_client_and_never_echo_the_key() -> None:
    with pytest.raises(
        ConfigurationError, match="works with Sendmux / AsyncSendmux, not SendmuxMailbox"
    ) as e1:
        MailboxClient(api_key="smx_root_secretvalue")
    with pytest.raises(ConfigurationError, match="SendmuxMailbox or SendmuxSending") as e2:
        ManagementClient(access_token="smx_mbx_secretvalue")
    with pytest.raises(ConfigurationError, match="smx_agent_... key, which the management API") as e3:
        ManagementClient(api_key="smx_agent_secretvalue")
    for e in (e1, e2, e3):
        assert "secretvalue" not in str(e.value)
    # A token provider's value is checked when it is called, before the request goes out.
    client = MailboxClient(access_token=lambda: "smx_root_fromprovider", base_url="http://127.0.0.1:9/x")
    with pytest.raises(ConfigurationError, match="not SendmuxMailbox"):
        client._credential.header_value()
    # Right kinds and OAuth tokens (no known prefix) are accepted everywhere.
    MailboxClient(api_key="smx_mbx_ok")
    MailboxClient(api_key="smx_agent_ok")
    ManagementClient(api_key="smx_root_ok")
    for cls in (MailboxClient, ManagementClient, SyncAPIClient):
        cls(access_token="oauth_access_token_abc")
        cls(api_key="eyJhbGciOiJSUzI1NiJ9.payload.sig")
    # with_options re-checks a new key against the same surface.
    with pytest.raises(ConfigurationError, match="not SendmuxMailbox"):
        MailboxClient(api_key="smx_mbx_ok").with_options(api_key="smx_root_nope")


def test_default_query_fills_values_left_out_and_a_call_value_wins(scripted: ScriptedServer) -> None:
    scripted.on("GET", "/messages", Reply(json=page_envelope([], has_more=False, next_cursor=None)))
    with make_client(scripted.base_url, default_query={"mailbox_id": "mbx_default"}) as client:
        for value in (UNSET, None, "mbx_call"):
            client._request(OP_LIST, RequestOptions(query={"mailbox_id": value, "limit": 5}, cast=dict))
        # An operation without the parameter does not get it.
        scripted.on("GET", "/things/t1", Reply(json=envelope({"id": "t1", "name": "n"})))
        client.things.get("t1")
        copy = client.with_options(max_retries=0)
        copy._request(OP_LIST, RequestOptions(query={"mailbox_id": UNSET}, cast=dict))
    assert [r.query_dict.get("mailbox_id") for r in scripted.requests] == [
        "mbx_default",
        "mbx_default",  # None is "left out" too (generated methods default to it)
        "mbx_call",
        None,
        "mbx_default",
    ]


def test_page_meta_exposes_the_whole_envelope_meta(scripted: ScriptedServer, mini: Mini) -> None:
    body = page_envelope([{"id": "t1", "name": "a"}], has_more=False, next_cursor=None, request_id="req_m")
    body["meta"].update(
        {"sync_state": "s42", "thread_id": "thr_1", "states": {"thread_state": "t9", "option_hash": "h"}}
    )
    scripted.on("GET", "/things", Reply(json=body))
    page = mini.things.list()
    assert page.meta.sync_state == "s42" and page.meta["thread_id"] == "thr_1"
    assert page.meta.request_id == "req_m" == page.request_id
    assert page.meta.states.thread_state == "t9" and page.meta["states"] == {
        "thread_state": "t9",
        "option_hash": "h",
    }
    assert dict(page.meta)["sync_state"] == "s42" and "sync_state" in page.meta
    with pytest.raises(AttributeError, match="no 'query_state'"):
        page.meta.query_state  # noqa: B018
    # A body without meta still has the request id (from the header).
    scripted.on(
        "GET",
        "/things",
        Reply(json={"ok": True, "data": [], "pagination": None}, headers={"X-Request-Id": "req_h"}),
    )
    assert mini.things.list().meta == {"request_id": "req_h"}


@pytest.mark.anyio
async def test_async_page_meta(scripted: ScriptedServer, amini: AsyncMini) -> None:
    body = page_envelope([], has_more=False, next_cursor=None)
    body["meta"]["query_state"] = "q1"
    scripted.on("GET", "/things", Reply(json=body))
    page = await amini.things.list()
    assert page.meta.query_state == "q1"


def test_402_raises_insufficient_credits(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "POST", "/emails", Reply(402, json=error_envelope("insufficient_credits", "Top up your credits"))
    )
    with pytest.raises(InsufficientCreditsError) as e:
        mini._request(OP_SEND, RequestOptions(body={"to": "x"}, cast=dict))
    assert isinstance(e.value, sendmux.APIStatusError) and e.value.status_code == 402
    assert e.value.code == "insufficient_credits" and len(scripted.requests) == 1  # not retried
    assert sendmux.InsufficientCreditsError is InsufficientCreditsError


def changes(new_state: str, has_more: bool, created: list[str]) -> dict[str, Any]:
    return envelope({"old_state": None, "new_state": new_state, "has_more": has_more, "created": created})


def feed(client: Any, since: Any = UNSET) -> Any:
    return client._request(OP_FEED, RequestOptions(query={"since_state": since, "limit": 2}, cast=dict))


def test_feed_follows_has_more_and_leaves_the_state(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET",
        "/folders/changes",
        Reply(json=changes("s1", True, ["a", "b"])),
        Reply(json=changes("s2", True, ["c", "d"])),
        Reply(json=changes("s3", False, ["e"])),
    )
    f = feed(mini, since="s0")
    assert f.state == "s0" and scripted.requests == []  # nothing sent before iterating
    got = [step["created"] for step in f]
    assert got == [["a", "b"], ["c", "d"], ["e"]]
    assert f.state == "s3" and f.has_more is False
    assert [r.query_dict.get("since_state") for r in scripted.requests] == ["s0", "s1", "s2"]


def test_feed_state_after_a_partial_iteration_and_loop_guards(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET", "/folders/changes", Reply(json=changes("s1", True, [])), Reply(json=changes("s2", False, []))
    )
    f = feed(mini)
    for _ in f:
        break
    assert f.state == "s1"  # persist it, resume from it later
    assert scripted.requests[0].query_dict.get("since_state") is None
    with pytest.raises(PaginationError):
        iter(f)
    scripted.on("GET", "/folders/changes", Reply(json=changes("same", True, [])))
    with pytest.raises(PaginationError, match="same new_state"):
        list(feed(mini, since="same"))
    scripted.on("GET", "/folders/changes", Reply(json=envelope({"has_more": True})))
    with pytest.raises(PaginationError, match="no new_state"):
        list(feed(mini))


@pytest.mark.anyio
async def test_async_feed_and_raw_responses(scripted: ScriptedServer, amini: AsyncMini, mini: Mini) -> None:
    scripted.on(
        "GET",
        "/folders/changes",
        Reply(json=changes("s1", True, ["a"]), headers={"X-Request-Id": "req_f1"}),
        Reply(json=changes("s2", False, ["b"])),
    )
    f = feed(amini, since="s0")
    assert [step["created"] async for step in f] == [["a"], ["b"]]
    assert f.state == "s2"
    scripted.on(
        "GET", "/folders/changes", Reply(json=changes("s9", False, ["z"]), headers={"X-Request-Id": "r9"})
    )
    raw = await async_to_raw_response_wrapper(_afeed)(amini)
    assert isinstance(raw, RawResponse) and raw.request_id == "r9"
    assert [step["created"] async for step in raw.parse()] == [["z"]]
    sync_raw = to_raw_response_wrapper(feed)(mini)
    assert isinstance(sync_raw, RawResponse) and sync_raw.status_code == 200
    assert [step["created"] for step in sync_raw.parse()] == [["z"]]


async def _afeed(client: AsyncMini) -> Any:
    return await feed(client)


def test_thing_model_is_untouched(scripted: ScriptedServer, mini: Mini) -> None:
    # The envelope path keeps attaching request ids with the new options in place.
    scripted.on("GET", "/things/t1", Reply(json=envelope({"id": "t1", "name": "n"}, request_id="r1")))
    got = mini.things.get("t1")
    assert isinstance(got, Thing) and sendmux.get_request_id(got) == "r1"
