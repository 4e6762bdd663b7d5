"""Auth and security over loopback HTTP: credentials, refusal rules, redaction."""

from __future__ import annotations

import logging
import pickle

import pytest
from support.mini_client import SECRET, Mini, make_async_client, make_client, thing
from support.scripted_server import Reply, ScriptedServer, envelope, error_envelope

from sendmux import AuthenticationError, ConfigurationError


def test_no_credential_names_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDMUX_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SENDMUX_API_KEY"):
        Mini()


def test_env_credential_and_base_url(monkeypatch: pytest.MonkeyPatch, scripted: ScriptedServer) -> None:
    monkeypatch.setenv("SENDMUX_API_KEY", "sk_from_env")
    monkeypatch.setenv("SENDMUX_BASE_URL", scripted.base_url)
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing())))
    with Mini() as c:
        assert c.base_url == scripted.base_url
        c.things.get("t1")
    assert scripted.requests[0].headers["authorization"] == "Bearer sk_from_env"


def test_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDMUX_BASE_URL", raising=False)
    with Mini(api_key="k") as c:
        assert c.base_url == "https://app.sendmux.ai/api/v1"


@pytest.mark.parametrize(
    "bad", ["sk live", "sk\n", "\tsk", "sk\x00x", "sk\x7f", "sk\u00e9", "", "sk\r\nX-Evil: 1"]
)
def test_bad_credentials_refused_before_any_request(scripted: ScriptedServer, bad: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Mini(api_key=bad, base_url=scripted.base_url)
    if bad.strip():
        assert bad not in str(info.value)
    with pytest.raises(ConfigurationError):
        Mini(access_token=bad, base_url=scripted.base_url)
    assert scripted.requests == []


def test_callable_token_called_per_request(scripted: ScriptedServer) -> None:
    tokens = iter(["tok_1", "tok_2", "bad token"])
    scripted.fallback = lambda r: Reply(json=envelope(thing()))
    with Mini(access_token=lambda: next(tokens), base_url=scripted.base_url) as c:
        c.things.get("t1")
        c.things.get("t1")
        with pytest.raises(ConfigurationError):
            c.things.get("t1")  # refused before sending
    assert [r.headers["authorization"] for r in scripted.requests] == ["Bearer tok_1", "Bearer tok_2"]


def test_both_credentials_refused() -> None:
    with pytest.raises(ConfigurationError):
        Mini(api_key="a", access_token="b")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://127.0.0.1:8080/api/v1", True),
        ("http://localhost:8080", True),
        ("http://[::1]:8080/api/v1", True),
        ("http://127.5.6.7", True),
        ("https://app.sendmux.ai/api/v1", True),
        ("http://api.example.com/api/v1", False),
        ("http://10.0.0.5/api/v1", False),
        ("ftp://example.com", False),
        ("https://user:pw@example.com/api/v1", False),
        ("not a url", False),
    ],
)
def test_insecure_base_url_refused(url: str, ok: bool) -> None:
    if ok:
        Mini(api_key="k", base_url=url).close()
    else:
        with pytest.raises(ConfigurationError) as info:
            Mini(api_key="k", base_url=url)
        assert "pw" not in str(info.value)


def test_allow_insecure_http() -> None:
    Mini(api_key="k", base_url="http://api.example.com/api/v1", allow_insecure_http=True).close()


def test_secret_never_shown(scripted: ScriptedServer, caplog: pytest.LogCaptureFixture) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing())))
    scripted.on("GET", "/things/t2", Reply(401, json=error_envelope("authentication_required", "bad key")))
    with caplog.at_level(logging.DEBUG, logger="sendmux"):
        with make_client(scripted.base_url) as c:
            c.things.get("t1")
            with pytest.raises(AuthenticationError) as info:
                c.things.get("t2")
            shown = [
                repr(c),
                str(c),
                repr(vars(c)),
                repr(c._credential),
                str(info.value),
                repr(info.value.args),
            ]
            shown.append(repr(vars(info.value)))
    shown.extend(r.getMessage() for r in caplog.records)
    assert caplog.records  # debug lines were written
    assert not [s for s in shown if SECRET in s]
    with pytest.raises(TypeError):
        pickle.dumps(c._credential)


@pytest.mark.anyio
async def test_async_auth(scripted: ScriptedServer) -> None:
    tokens = iter(["tok_a", "tok_b"])
    scripted.fallback = lambda r: Reply(json=envelope(thing()))
    c = make_async_client(scripted.base_url, api_key=None, access_token=lambda: next(tokens))
    async with c:
        await c.things.get("t1")
        await c.things.get("t1")
        assert SECRET not in repr(c)
    assert [r.headers["authorization"] for r in scripted.requests] == ["Bearer tok_a", "Bearer tok_b"]
    with pytest.raises(ConfigurationError):
        make_async_client("http://example.com/api/v1")
