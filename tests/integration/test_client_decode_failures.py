"""Every body the client cannot read raises a `SendmuxError` (never RecursionError, UnicodeDecodeError or a bare
ValueError): deep nesting, numbers past Python's digit limit, invalid UTF-8 — served over real HTTP."""

from __future__ import annotations

import pytest
from support.scripted_server import Reply, ScriptedServer

from sendmux import APIResponseValidationError, AsyncSendmux, NotFoundError, Sendmux, SendmuxError

DEEP = b"[" * 200_000
DEEP_IN_DATA = b'{"ok":true,"data":' + b"[" * 200_000 + b"]" * 200_000 + b',"meta":{"request_id":"req_d"}}'
HUGE_INT = b'{"ok":true,"data":{"label":' + b"9" * 5_000 + b'},"meta":{"request_id":"req_h"}}'
BAD_UTF8 = b'{"ok":true,"data":{"label":"\xff\xfe\xfd"},"meta":{"request_id":"req_u"}}'

SUCCESS_CASES = {
    "200000-brackets": (DEEP, "nested too deeply"),
    "deep-data": (DEEP_IN_DATA, "nested too deeply"),
    "huge-int": (HUGE_INT, "Exceeds the limit"),
    "invalid-utf8": (BAD_UTF8, "'utf-8' codec can't decode byte 0xff"),
}


@pytest.fixture
def client(scripted: ScriptedServer) -> Sendmux:
    return Sendmux(api_key="smx_root_k", base_url=scripted.base_url, max_retries=0)


@pytest.mark.parametrize("case", list(SUCCESS_CASES))
def test_unreadable_success_bodies_raise_response_validation_error(
    scripted: ScriptedServer, client: Sendmux, case: str
) -> None:
    body, reason = SUCCESS_CASES[case]
    scripted.on("GET", "/me", Reply(body=body, headers={"Content-Type": "application/json"}))
    with client, pytest.raises(APIResponseValidationError, match=f"not valid JSON \\({reason}"):
        client.connection.get()


@pytest.mark.parametrize("case", list(SUCCESS_CASES))
def test_unreadable_pages_raise_response_validation_error(
    scripted: ScriptedServer, client: Sendmux, case: str
) -> None:
    scripted.on("GET", "/domains", Reply(body=SUCCESS_CASES[case][0]))
    with client, pytest.raises(APIResponseValidationError):
        client.domains.list()


@pytest.mark.parametrize("body", [DEEP, HUGE_INT, BAD_UTF8], ids=["deep", "huge-int", "invalid-utf8"])
def test_unreadable_error_bodies_still_give_the_status_error(
    scripted: ScriptedServer, client: Sendmux, body: bytes
) -> None:
    scripted.on("GET", "/domains/mdom_1", Reply(404, body=body, headers={"X-Request-Id": "req_404"}))
    with client, pytest.raises(NotFoundError) as info:
        client.domains.get("mdom_1")
    assert info.value.request_id == "req_404"


def test_raw_response_of_a_deep_body(scripted: ScriptedServer, client: Sendmux) -> None:
    scripted.on("GET", "/me", Reply(body=DEEP))
    with client:
        raw = client.connection.with_raw_response.get()
        assert raw.request_id is None  # the body's meta cannot be read; no exception either
        with pytest.raises(APIResponseValidationError):
            raw.parse()


@pytest.mark.anyio
@pytest.mark.parametrize("case", list(SUCCESS_CASES))
async def test_async_unreadable_bodies(scripted: ScriptedServer, case: str) -> None:
    scripted.on("GET", "/me", Reply(body=SUCCESS_CASES[case][0]))
    async with AsyncSendmux(api_key="smx_root_k", base_url=scripted.base_url, max_retries=0) as client:
        with pytest.raises(SendmuxError):
            await client.connection.get()
