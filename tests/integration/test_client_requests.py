"""Request path over real loopback HTTP: envelope, encoding, raw responses, per-call options, transport."""

from __future__ import annotations

import enum
import json
import platform
import threading
from datetime import UTC, datetime

import httpx
import pytest
from support.mini_client import SECRET, AsyncMini, Mini, Thing, make_async_client, make_client, thing
from support.scripted_server import Reply, ScriptedServer, envelope, page_envelope

import sendmux
from sendmux import APIResponseValidationError, ConfigurationError, RawResponse, get_request_id
from sendmux._base_client import DEFAULT_TIMEOUT


def test_get_returns_typed_data_with_request_id(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing(), request_id="req_abc")))
    got = mini.things.get("t1")
    assert isinstance(got, Thing) and got.id == "t1" and got.tags == ["a"]
    assert get_request_id(got) == "req_abc"
    assert got._request_id == "req_abc"  # type: ignore[attr-defined]
    rec = scripted.requests[0]
    assert rec.method == "GET" and rec.path == "/things/t1"
    assert rec.headers["authorization"] == f"Bearer {SECRET}"
    assert rec.headers["accept"] == "application/json"
    ua = rec.headers["user-agent"]
    assert (
        ua
        == f"sendmux-python/{sendmux.__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
    )


def test_request_id_attribute_does_not_collide_with_fields(scripted: ScriptedServer, mini: Mini) -> None:
    # An API field named request_id stays the API's.
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing(request_id="api-field"), request_id="req_1")))
    got = mini.things.get("t1")
    assert not hasattr(got, "request_id") or got.request_id != "req_1"  # type: ignore[attr-defined]
    assert get_request_id(got) == "req_1"


def test_request_id_falls_back_to_header(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET", "/things/t1", Reply(json={"ok": True, "data": thing()}, headers={"X-Request-Id": "req_hdr"})
    )
    assert get_request_id(mini.things.get("t1")) == "req_hdr"


def test_body_encoding_unset_dropped_none_null(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("PATCH", "/things/t1", Reply(json=envelope(thing())))
    mini.things.update("t1", name=None)
    mini.things.update("t1")
    first, second = scripted.requests
    assert first.json() == {"name": None}
    assert first.headers["content-type"] == "application/json"
    assert second.json() == {}
    assert "if-match" not in first.headers


def test_query_encoding_and_extra_query(scripted: ScriptedServer, mini: Mini) -> None:
    class Status(enum.Enum):
        ACTIVE = "active"

    scripted.on("GET", "/things", Reply(json=page_envelope([], has_more=False, next_cursor=None)))
    mini.things.list(limit=5, status=Status.ACTIVE.value, extra_query={"ids": ["a", "b"], "flag": True})
    mini.things.list(extra_query={"since": datetime(2026, 3, 19, 10, 30, tzinfo=UTC), "limit": 7})
    q1, q2 = (r.query for r in scripted.requests)
    assert q1 == [("limit", "5"), ("status", "active"), ("ids", "a"), ("ids", "b"), ("flag", "true")]
    assert q2 == [("limit", "7"), ("since", "2026-03-19T10:30:00Z")]


def test_path_params_are_percent_encoded(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = lambda r: Reply(json=envelope(thing()))
    mini.things.get("a/b?c#d e")
    assert scripted.requests[0].path == "/things/a%2Fb%3Fc%23d%20e"
    with pytest.raises(ValueError):
        mini.things.get("")
    with pytest.raises(ValueError):
        mini.things.get("..")
    assert len(scripted.requests) == 1


def test_text_and_empty_responses(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET",
        "/things/t1/zone",
        Reply(body=b"$ORIGIN example.com.\n", headers={"Content-Type": "text/plain"}),
    )
    scripted.on("DELETE", "/things/t1/purge", Reply(204))
    assert mini.things.zone("t1") == "$ORIGIN example.com.\n"
    assert mini.things.purge("t1") is None


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b"<html>oops</html>"),
        Reply(json=[1, 2]),
        Reply(json={"ok": True}),
        Reply(json=envelope({"id": "t1"})),  # missing `name`: the model rejects it
        Reply(body=b""),
    ],
)
def test_bad_success_bodies_raise_validation_error(
    scripted: ScriptedServer, mini: Mini, reply: Reply
) -> None:
    reply.headers["X-Request-Id"] = "req_bad"
    scripted.on("GET", "/things/t1", reply)
    with pytest.raises(APIResponseValidationError) as info:
        mini.things.get("t1")
    assert info.value.status_code == 200
    assert info.value.request_id in ("req_bad", "req_test")
    assert len(scripted.requests) == 1  # never retried


def test_raw_response(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET",
        "/things/t1",
        Reply(
            json=envelope(thing(), request_id="req_raw"),
            headers={
                "X-Request-Id": "req_raw",
                "ETag": 'W/"v1"',
                "X-RateLimit-Limit": "600",
                "X-RateLimit-Remaining": "594",
                "X-RateLimit-Reset": "1700000060",
            },
        ),
    )
    raw = mini.things.with_raw_response.get("t1")
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.request_id == "req_raw"
    assert raw.etag == 'W/"v1"'
    assert raw.headers["x-ratelimit-limit"] == "600"
    assert raw.rate_limit is not None and (raw.rate_limit.limit, raw.rate_limit.remaining) == (600, 594)
    assert raw.rate_limit.reset == 1700000060
    parsed = raw.parse()
    assert isinstance(parsed, Thing) and parsed is raw.parse()
    # The flag does not leak: the plain method is plain again.
    assert isinstance(mini.things.get("t1"), Thing)


def test_raw_response_of_a_list(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things", Reply(json=page_envelope([thing()], has_more=False, next_cursor=None)))
    raw = mini.things.with_raw_response.list(limit=1)
    page = raw.parse()
    assert [t.id for t in page] == ["t1"] and page.request_id == "req_page"


def test_raw_response_validation_error_is_raised_by_parse(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things/t1", Reply(body=b"nope"))
    raw = mini.things.with_raw_response.get("t1")
    assert raw.status_code == 200
    with pytest.raises(APIResponseValidationError):
        raw.parse()


def test_per_call_extra_headers_and_timeout(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing()), delay=0.3), Reply(json=envelope(thing())))
    with pytest.raises(sendmux.APITimeoutError):
        mini.things.get("t1", timeout=0.05, max_retries=0)
    mini.things.get("t1", extra_headers={"X-Trace": "abc", "accept": "application/vnd.test+json"})
    rec = scripted.requests[-1]
    assert rec.headers["x-trace"] == "abc"
    assert rec.headers["accept"] == "application/vnd.test+json"


def test_default_timeout() -> None:
    assert DEFAULT_TIMEOUT.read == 60.0 and DEFAULT_TIMEOUT.connect == 10.0
    c = Mini(api_key="k", base_url="http://127.0.0.1:9")
    assert c.timeout is DEFAULT_TIMEOUT
    c.close()


def test_with_options_shares_pool_and_overrides(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing())))
    other = mini.with_options(max_retries=5, default_headers={"X-Team": "t"}, timeout=3.0)
    assert other._wire is mini._wire and other.max_retries == 5 and mini.max_retries == 2
    assert other.things._client is other and mini.things._client is mini
    other.things.get("t1")
    assert scripted.requests[-1].headers["x-team"] == "t"
    mini.things.get("t1")
    assert "x-team" not in scripted.requests[-1].headers
    other.close()  # a copy does not close the shared pool
    assert not mini.is_closed
    mini.things.get("t1")


def test_context_manager_closes_own_pool(scripted: ScriptedServer) -> None:
    with make_client(scripted.base_url) as c:
        pass
    assert c.is_closed


def test_injected_http_client_is_used_and_not_closed(scripted: ScriptedServer) -> None:
    seen: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda r: seen.append(str(r.url))]})
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing())))
    with make_client(scripted.base_url, http_client=http) as c:
        c.things.get("t1")
    assert seen == [scripted.base_url + "/things/t1"]
    rec = scripted.requests[0]
    assert rec.headers["authorization"] == f"Bearer {SECRET}"
    assert rec.headers["user-agent"].startswith("sendmux-python/")
    assert rec.headers["accept"] == "application/json"
    assert "authorization" not in http.headers  # an injected pool is never modified
    assert not http.is_closed
    http.close()
    with pytest.raises(ConfigurationError):
        Mini(api_key="k", http_client=httpx.AsyncClient())  # type: ignore[arg-type]


def test_redirects_are_not_followed(scripted: ScriptedServer, mini: Mini) -> None:
    other = ScriptedServer().start()
    try:
        other.fallback = lambda r: Reply(json=envelope(thing()))
        scripted.on("GET", "/things/t1", Reply(302, headers={"Location": other.base_url + "/things/t1"}))
        follow = httpx.Client(follow_redirects=True)
        with make_client(scripted.base_url, http_client=follow) as c:
            with pytest.raises(sendmux.APIStatusError) as info:
                c.things.get("t1")
        follow.close()
        assert info.value.status_code == 302
        assert other.requests == []  # the credential never went to the other host
    finally:
        other.stop()


def test_thread_safety_shared_client(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = lambda r: Reply(json=envelope(thing(r.path.rsplit("/", 1)[1])))
    errors: list[BaseException] = []
    results: dict[str, str] = {}

    def work(i: int) -> None:
        try:
            for j in range(10):
                results[f"{i}-{j}"] = mini.things.get(f"t{i}-{j}").id
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(v == f"t{k}" for k, v in results.items()) and len(results) == 80


# -- async ----------------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_get_raw_and_options(scripted: ScriptedServer, amini: AsyncMini) -> None:
    scripted.on(
        "GET",
        "/things/t1",
        Reply(json=envelope(thing(), request_id="req_a"), headers={"X-Request-Id": "req_a"}),
    )
    got = await amini.things.get("t1", extra_headers={"X-Trace": "1"})
    assert got.id == "t1" and get_request_id(got) == "req_a"
    assert scripted.requests[0].headers["x-trace"] == "1"
    raw = await amini.things.with_raw_response.get("t1")
    assert raw.status_code == 200 and raw.request_id == "req_a" and raw.parse().id == "t1"
    other = amini.with_options(max_retries=0)
    assert other._wire is amini._wire
    assert (await other.things.get("t1")).id == "t1"


@pytest.mark.anyio
async def test_async_create_body_and_validation(scripted: ScriptedServer, amini: AsyncMini) -> None:
    scripted.on("POST", "/things", Reply(201, json=envelope(thing("t9", "nine"))))
    made = await amini.things.create(name="nine")
    assert made.id == "t9"
    assert json.loads(scripted.requests[0].body) == {"name": "nine"}
    scripted.on("GET", "/things/t1", Reply(body=b"not json"))
    with pytest.raises(APIResponseValidationError):
        await amini.things.get("t1")


@pytest.mark.anyio
async def test_async_concurrent_tasks(scripted: ScriptedServer, amini: AsyncMini) -> None:
    import anyio

    scripted.fallback = lambda r: Reply(json=envelope(thing(r.path.rsplit("/", 1)[1])))
    got: list[str] = []

    async def one(i: int) -> None:
        got.append((await amini.things.get(f"t{i}")).id)

    async with anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(one, i)
    assert sorted(got) == sorted(f"t{i}" for i in range(20))


@pytest.mark.anyio
async def test_async_context_manager_and_injected_client(scripted: ScriptedServer) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing())))
    http = httpx.AsyncClient()
    async with make_async_client(scripted.base_url, http_client=http) as c:
        assert (await c.things.get("t1")).id == "t1"
    assert not http.is_closed
    await http.aclose()
    async with make_async_client(scripted.base_url) as c2:
        pass
    assert c2.is_closed


def test_injected_client_timeout_is_kept_unless_given(scripted: ScriptedServer) -> None:
    http = httpx.Client(timeout=7.0)
    with make_client(scripted.base_url, http_client=http) as c:
        assert c.timeout == httpx.Timeout(7.0)
    with make_client(scripted.base_url, http_client=http, timeout=3.0) as c:
        assert c.timeout == 3.0
    http.close()


def test_header_values_with_line_breaks_refused(scripted: ScriptedServer, mini: Mini) -> None:
    with pytest.raises(ValueError):
        mini.things.get("t1", if_none_match='W/"x"\r\nX-Evil: 1')
    with pytest.raises(ValueError):
        mini.things.get("t1", extra_headers={"X-Trace": "a\nb"})
    assert scripted.requests == []


def test_with_options_switches_credential(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = lambda r: Reply(json=envelope(thing()))
    other = mini.with_options(api_key="sk_other")
    other.things.get("t1")
    mini.things.get("t1")
    assert [r.headers["authorization"] for r in scripted.requests] == [
        "Bearer sk_other",
        f"Bearer {SECRET}",
    ]
    with pytest.raises(ConfigurationError):
        mini.with_options(base_url="http://example.com/api/v1")
