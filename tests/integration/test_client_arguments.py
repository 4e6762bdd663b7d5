"""Users' mistakes are refused before anything is sent, with messages that name the argument.

Each case runs against a live FakeSendmux and checks that the server received nothing."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from support.mini_client import Mini
from support.scripted_server import Reply, ScriptedServer, page_envelope

from sendmux import AsyncSendmux, ConfigurationError, Sendmux
from sendmux.testing import FakeSendmux


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(rate_limit=None) as server:
        yield server


@pytest.fixture
def client(fake: FakeSendmux) -> Iterator[Sendmux]:
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as c:
        yield c


def _calls(fake: FakeSendmux) -> int:
    return sum(fake.counters.snapshot()["requests"].values())


def _refused(fake: FakeSendmux, call: Callable[[], Any], error: type[Exception], match: str) -> str:
    before = _calls(fake)
    with pytest.raises(error, match=match) as info:
        call()
    assert _calls(fake) == before, "the call reached the server"
    return str(info.value)


# -- path parameters ---------------------------------------------------------------------------------


def test_a_model_as_path_parameter_is_a_type_error_and_never_reaches_the_url(
    fake: FakeSendmux, client: Sendmux, caplog: pytest.LogCaptureFixture
) -> None:
    hook = client.webhooks.create(url="http://127.0.0.1:9/hook", event_types=["message.delivered"])
    assert hook.secret
    caplog.set_level("DEBUG", logger="sendmux")
    message = _refused(fake, lambda: client.webhooks.get(hook), TypeError, r"`public_id` must be a str id")  # type: ignore[arg-type]
    assert "pass its `.id`" in message
    assert "webhooks.get()" in message
    assert hook.secret not in message and hook.secret not in caplog.text
    assert all(hook.secret not in r.path for r in fake.requests)


@pytest.mark.parametrize(
    "value, error, match",
    [
        ({"id": "whk_1"}, TypeError, "must be a str id, got dict"),
        (["whk_1"], TypeError, "must be a str id, got list"),
        (1.5, TypeError, "must be a str id, got float"),
        (True, TypeError, "must be a str id, got bool"),
        (None, ValueError, "`public_id` is required"),
        ("", ValueError, "`public_id` must not be empty"),
        ("..", ValueError, "must not be a dot segment"),
    ],
)
def test_bad_path_parameters(fake: FakeSendmux, client: Sendmux, value: Any, error: type, match: str) -> None:
    _refused(fake, lambda: client.webhooks.get(value), error, match)


def test_odd_but_valid_ids_are_escaped(fake: FakeSendmux, client: Sendmux) -> None:
    from sendmux import NotFoundError

    with pytest.raises(NotFoundError):
        client.webhooks.get("a/b c")
    assert fake.requests[-1].path.endswith("/webhooks/a%2Fb%20c")


# -- client and per-call options ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, error, match",
    [
        ({"timeout": "5"}, TypeError, r"timeout must be a number of seconds.*got str '5'"),
        ({"timeout": -1}, ConfigurationError, "timeout must be a positive, finite number"),
        ({"timeout": math.nan}, ConfigurationError, "timeout must be a positive"),
        ({"timeout": httpx.Timeout(5.0, read=-2)}, ConfigurationError, r"timeout\.read must be a positive"),
        ({"max_retries": None}, TypeError, "max_retries must be an int >= 0"),
        ({"max_retries": -1}, ConfigurationError, "max_retries must be >= 0"),
        ({"max_retries": 2.0}, TypeError, "max_retries must be an int"),
        ({"max_retry_wait": "60"}, TypeError, "max_retry_wait must be a number"),
        (
            {"max_retry_wait": -1},
            ConfigurationError,
            "max_retry_wait must be a finite number of seconds >= 0",
        ),
        ({"etag_cache": "no"}, TypeError, "etag_cache must be True or False"),
        ({"etag_cache_size": 0}, ConfigurationError, "etag_cache_size must be >= 1"),
        ({"default_headers": {"X-A": 1}}, TypeError, "default_headers must map str names to str values"),
        ({"default_headers": {"X-A": "a\r\nX-B: b"}}, ConfigurationError, "must not contain line breaks"),
        ({"base_url": 42}, TypeError, "base_url must be a str"),
    ],
)
@pytest.mark.parametrize("cls", [Sendmux, AsyncSendmux])
def test_client_options_are_checked_at_construction(
    fake: FakeSendmux, cls: type, options: dict[str, Any], error: type, match: str
) -> None:
    options = {"api_key": fake.api_key, "base_url": fake.url, **options}
    with pytest.raises(error, match=match):
        cls(**options)


@pytest.mark.parametrize(
    "options, error, match",
    [
        ({"timeout": "5"}, TypeError, "timeout must be a number"),
        ({"max_retries": None}, TypeError, "max_retries must be an int"),
        ({"max_retry_wait": -3}, ConfigurationError, "max_retry_wait must be"),
        ({"default_headers": {"X-A": None}}, TypeError, "default_headers must map"),
    ],
)
def test_with_options_checks_like_the_constructor(
    client: Sendmux, options: dict[str, Any], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        client.with_options(**options)


@pytest.mark.parametrize(
    "options, error, match",
    [
        ({"timeout": "5"}, TypeError, r"timeout must be a number of seconds"),
        ({"timeout": -1}, ValueError, "timeout must be a positive"),
        ({"timeout": 0}, ValueError, "timeout must be a positive"),
        ({"max_retries": None}, TypeError, "max_retries must be an int >= 0"),
        ({"max_retries": -2}, ValueError, "max_retries must be >= 0"),
        (
            {"extra_headers": {"X-Trace": "a\nb"}},
            ValueError,
            r"extra_headers\['X-Trace'\]: values must not contain",
        ),
        ({"extra_query": {"tags": {1: object()}}}, TypeError, "query parameter `tags`"),
    ],
)
def test_per_call_options_are_checked_before_sending(
    fake: FakeSendmux, client: Sendmux, options: dict[str, Any], error: type, match: str
) -> None:
    _refused(fake, lambda: client.domains.list(**options), error, match)


def test_with_options_copy_is_built_like_a_client(fake: FakeSendmux, client: Sendmux) -> None:
    copy = client.with_options(max_retries=0, default_headers={"X-Team": "t"})
    assert type(copy) is Sendmux and copy._wire is client._wire and copy._rate is client._rate
    assert copy.domains is not client.domains and copy.domains._client is copy
    assert copy.max_retries == 0 and client.max_retries == 2 and copy.timeout is client.timeout
    copy.connection.get()
    assert fake.requests[-1].headers["x-team"] == "t"
    assert "x-team" not in client._static_headers


# -- credentials -------------------------------------------------------------------------------------


def test_a_bearer_prefixed_key_gets_that_hint(fake: FakeSendmux) -> None:
    with pytest.raises(ConfigurationError, match="starts with 'Bearer '") as info:
        Sendmux(api_key=f"Bearer {fake.api_key}", base_url=fake.url)
    assert "newline" not in str(info.value) and fake.api_key not in str(info.value)


def test_a_key_with_a_newline_still_gets_the_newline_hint(fake: FakeSendmux) -> None:
    with pytest.raises(ConfigurationError, match="stray newline"):
        Sendmux(api_key=f"{fake.api_key}\n", base_url=fake.url)


# -- bodies ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"event_types": {"message.delivered"}}, TypeError, r"body field `event_types`: a set is not JSON"),
        (
            {"filters": {"mailbox_ids": ["mbx_1", math.nan]}},
            ValueError,
            r"body field `filters\.mailbox_ids\[1\]`",
        ),
        ({"name": math.inf}, ValueError, r"body field `name`: inf is not a JSON number"),
        (
            {"filters": {"since": object()}},
            TypeError,
            r"body field `filters\.since`: cannot encode a value of type object",
        ),
    ],
)
def test_unencodable_body_values_name_the_field(
    fake: FakeSendmux, client: Sendmux, kwargs: dict[str, Any], error: type, match: str
) -> None:
    args: dict[str, Any] = {"url": "http://127.0.0.1:9/hook", "event_types": ["message.delivered"], **kwargs}
    _refused(fake, lambda: client.webhooks.create(**args), error, match)


def test_a_naive_datetime_names_the_field(fake: FakeSendmux, client: Sendmux) -> None:
    from datetime import datetime

    _refused(
        fake,
        lambda: client.webhooks.create(
            url="http://127.0.0.1:9/hook",
            event_types=["message.delivered"],
            filters={"at": datetime(2026, 1, 1)},  # type: ignore[dict-item]
        ),
        TypeError,
        r"body field `filters\.at`: naive datetime",
    )


@pytest.mark.anyio
async def test_async_client_checks_too(fake: FakeSendmux) -> None:
    async with AsyncSendmux(api_key=fake.api_key, base_url=fake.url) as client:
        before = _calls(fake)
        with pytest.raises(TypeError, match="`public_id` must be a str id"):
            await client.webhooks.get({"id": "x"})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="timeout must be a number"):
            await client.domains.list(timeout="5")  # type: ignore[arg-type]
        assert _calls(fake) == before


def test_with_options_keeps_the_default_query(scripted: ScriptedServer) -> None:
    scripted.fallback = lambda r: Reply(json=page_envelope([], has_more=False, next_cursor=None))
    with Mini(api_key="smx_root_k", base_url=scripted.base_url, default_query={"status": "active"}) as c:
        c.with_options(max_retries=0).things.list()
    assert scripted.requests[-1].query_dict["status"] == "active"
