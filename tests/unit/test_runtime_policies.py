"""Pure policy pieces: backoff, Retry-After / reset parsing, rate-limit parsing, ETag LRU, credentials."""

from __future__ import annotations

import email.utils
import re
import threading
import tomllib
from pathlib import Path

import attrs
import pytest

import sendmux
from sendmux._auth import Credential, check_secret
from sendmux._errors import ConfigurationError
from sendmux._etag_cache import ETagCache
from sendmux._rate_limit import RateLimit, RateLimitState, parse_rate_limit
from sendmux._retry import (
    RETRYABLE_STATUSES,
    backoff_delay,
    method_is_retry_safe,
    parse_reset,
    parse_retry_after,
    server_requested_wait,
)

NOW = 1_700_000_000.0


def test_backoff_full_jitter_bounds() -> None:
    assert [backoff_delay(n, lambda: 1.0) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert backoff_delay(3, lambda: 0.0) == 0.0
    assert backoff_delay(10_000, lambda: 0.999) < 8.0


def test_retry_after() -> None:
    assert parse_retry_after("5", NOW) == 5.0
    assert parse_retry_after(" 1.5 ", NOW) == 1.5
    assert parse_retry_after("-3", NOW) == 0.0
    assert parse_retry_after(email.utils.formatdate(NOW + 30, usegmt=True), NOW) == pytest.approx(30, abs=1)
    assert parse_retry_after(email.utils.formatdate(NOW - 30, usegmt=True), NOW) == 0.0
    for bad in (None, "", "soon", "nan", "inf", "Mon, 99 Foo 2026"):
        assert parse_retry_after(bad, NOW) is None


def test_reset_epoch_or_delta() -> None:
    assert parse_reset("1700000060", NOW) == 1700000060
    assert parse_reset("30", NOW) == NOW + 30
    assert parse_reset("x", NOW) is None and parse_reset(None, NOW) is None and parse_reset("-1", NOW) is None


def test_server_requested_wait() -> None:
    assert server_requested_wait(429, {"retry-after": "2"}, NOW) == 2.0
    assert server_requested_wait(503, {"x-ratelimit-reset": str(int(NOW) + 9)}, NOW) == 9.0
    assert server_requested_wait(500, {"retry-after": "2"}, NOW) is None  # only on 429/503
    assert server_requested_wait(429, {}, NOW) is None


def test_retry_safety() -> None:
    assert RETRYABLE_STATUSES == {408, 429, 500, 502, 503, 504}
    for m in ("GET", "HEAD", "PUT", "DELETE"):
        assert method_is_retry_safe(m, False)
    for m in ("POST", "PATCH"):
        assert not method_is_retry_safe(m, False) and method_is_retry_safe(m, True)


def test_rate_limit_parse_and_state() -> None:
    h = {"x-ratelimit-limit": "600", "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 10)}
    assert parse_rate_limit(h, NOW) == RateLimit(600, 0, NOW + 10)
    assert parse_rate_limit({}, NOW) is None
    assert parse_rate_limit({"x-ratelimit-remaining": "abc"}, NOW) == RateLimit(None, None, None)
    state = RateLimitState()
    assert state.reserve(NOW, 60) == 0  # nothing known yet
    state.release()
    state.observe(h, NOW)
    assert state.reserve(NOW, 60) == 10
    state.release()
    assert state.reserve(NOW, 3) == 3
    state.release()
    assert state.reserve(NOW + 11, 60) == 0  # the window is over
    state.release()
    state.observe({"x-ratelimit-remaining": "5"}, NOW)
    assert state.reserve(NOW, 60) == 0
    state.release()
    with pytest.raises(AttributeError):
        state.last.limit = 1  # type: ignore[misc, union-attr]


def test_etag_lru_and_eviction() -> None:
    c = ETagCache(2)
    c.put("https://h/api/v1/a/1", "e1", b"1")
    c.put("https://h/api/v1/a/2", "e2", b"2")
    assert c.get("https://h/api/v1/a/1") is not None
    c.put("https://h/api/v1/b/1", "e3", b"3")
    assert c.get("https://h/api/v1/a/2") is None and len(c) == 2
    c = ETagCache()
    for u in ("/a/1", "/a/1/filters", "/a/1/keys?x=1", "/a/2", "/a", "/b/1", "/a?cursor=c"):
        c.put("https://h/api/v1" + u, "e", b"")
    assert c.evict_related("https://h/api/v1/a/1/verify") == 3  # /a/1, /a and /a?cursor=c
    assert c.evict_related("https://h/api/v1/a/1") == 2  # /a/1/filters, /a/1/keys?x=1
    assert c.evict_related("https://other/api/v1/b/1") == 0
    assert len(c) == 2
    with pytest.raises(ValueError):
        ETagCache(0)


def test_etag_cache_threads() -> None:
    c = ETagCache(50)

    def work(i: int) -> None:
        for j in range(500):
            c.put(f"https://h/x/{i}/{j % 70}", "e", b"")
            c.get(f"https://h/x/{i}/{(j * 7) % 70}")
            if j % 50 == 0:
                c.evict_related(f"https://h/x/{i}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(c) <= 50


def test_credentials() -> None:
    cred = Credential("sk_abc", "api_key")
    assert cred.header_value() == "Bearer sk_abc" and "sk_abc" not in repr(cred) and "sk_abc" not in str(cred)
    calls = iter(["t1", "t2"])
    dyn = Credential(lambda: next(calls), "access_token")
    assert [dyn.header_value(), dyn.header_value()] == ["Bearer t1", "Bearer t2"]
    with pytest.raises(ConfigurationError):
        Credential(lambda: 5, "access_token").header_value()  # type: ignore[arg-type, return-value]

    def broken() -> str:
        raise RuntimeError("refresh failed")

    with pytest.raises(ConfigurationError, match="RuntimeError"):
        Credential(broken, "access_token").header_value()
    with pytest.raises(ConfigurationError):
        check_secret("a b", "api_key")
    with pytest.raises(ConfigurationError):
        check_secret(123, "api_key")


def test_version_matches_pyproject() -> None:
    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert sendmux.__version__ == project["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", sendmux.__version__)


def test_import_is_lazy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sendmux; "
        "assert 'httpx' not in sys.modules, 'httpx'; "
        "assert not [m for m in sys.modules if m.startswith('sendmux._generated')]; "
        "from sendmux import NotFoundError, UNSET, NOT_GIVEN, RateLimit, RawResponse; "
        "assert not [m for m in sys.modules if m.startswith('sendmux._generated')]; "
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
    with pytest.raises(AttributeError):
        sendmux.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    assert "Sendmux" in dir(sendmux) and "OPERATIONS" in sendmux.__all__


def test_types_exports_every_model_enum_and_request_type_lazily() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sendmux.types as t; "
        "assert 'attrs' not in sys.modules and 'httpx' not in sys.modules; "
        "loaded = [m for m in sys.modules if m.startswith(('sendmux._generated.models.', "
        "'sendmux._generated.params.'))]; "
        "assert not loaded, loaded; "
        "from sendmux.types import ProviderListItem, ProviderQuotaRange, MailboxSendScope, FilterRuleParam; "
        "print(len(t.__all__))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    from sendmux import types
    from sendmux._generated import models, params

    assert int(out.stdout) == len(models.__all__) + len(params.__all__) == len(types.__all__) > 100
    assert not set(models.__all__) & set(params.__all__)
    for name in types.__all__:
        assert getattr(types, name) is getattr(models if name in models.__all__ else params, name)
    # Request types are the models' TypedDicts: `<Model>Param`, keys required as the spec says.
    assert types.FilterRuleParam.__required_keys__ == {"type", "pattern"}
    assert types.FilterRuleParam.__optional_keys__ == {"note"}
    assert sendmux.types is types and "ProviderListItem" in dir(types)
    with pytest.raises(AttributeError):
        types.NoSuchModel  # noqa: B018
    # The API's names: only keywords are renamed.
    fields = {a.name for a in attrs.fields(types.ProviderListItem)}
    assert {"type", "id"} <= fields and "type_" not in fields
    assert {a.name for a in attrs.fields(types.ProviderQuotaRange)} >= {"min", "max"}


def test_rate_limit_counts_requests_in_flight() -> None:
    state = RateLimitState()
    reset = str(int(NOW) + 30)
    state.observe({"x-ratelimit-remaining": "2", "x-ratelimit-reset": reset}, NOW)
    assert [state.reserve(NOW, 60) for _ in range(4)] == [0, 0, 30, 30]  # two fit, two wait
    for _ in range(4):
        state.release()
    # Sequential use never waits while the server reports requests left, even if its count never moves.
    for _ in range(10):
        assert state.reserve(NOW, 60) == 0
        state.release()
        state.observe({"x-ratelimit-remaining": "2", "x-ratelimit-reset": reset}, NOW)
    # Out-of-order answers of one window: the lower count wins; a newer window replaces it.
    state.observe({"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}, NOW)
    state.observe({"x-ratelimit-remaining": "1", "x-ratelimit-reset": reset}, NOW)
    assert state.reserve(NOW, 60) == 30
    state.release()
    state.observe({"x-ratelimit-remaining": "600", "x-ratelimit-reset": str(int(NOW) + 90)}, NOW)
    state.observe({"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}, NOW)  # older window: ignored
    assert state.reserve(NOW, 60) == 0
    state.release()
    # Without a reset time nothing is paced.
    state = RateLimitState()
    state.observe({"x-ratelimit-remaining": "0"}, NOW)
    assert state.reserve(NOW, 60) == 0


@pytest.mark.parametrize("backend", ["stdlib", "auto"])
def test_both_json_backends_parse_envelopes_alike(backend: str) -> None:
    """The optional orjson backend and the stdlib agree, and both refuse what is not JSON with ValueError."""
    import subprocess
    import sys

    code = (
        "import sendmux._json as j\n"
        "from sendmux._envelope import parse_envelope\n"
        "from sendmux import APIResponseValidationError\n"
        'env = parse_envelope(b\'{"ok":true,"data":{"a":[1,2.5,null,"\\\\u00e9"]},"meta":{}}\', 200, {})\n'
        "assert env['data'] == {'a': [1, 2.5, None, '\\u00e9']}, env\n"
        "for bad in (b'{', b'', b'\\xff'):\n"
        "    try:\n"
        "        parse_envelope(bad, 200, {})\n"
        "    except APIResponseValidationError:\n"
        "        pass\n"
        "    else:\n"
        "        raise AssertionError(bad)\n"
        "print(j.BACKEND)\n"
    )
    env = {**__import__("os").environ, "SENDMUX_JSON": "stdlib" if backend == "stdlib" else ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    expected = {"json"} if backend == "stdlib" else {"json", "orjson"}
    assert out.stdout.strip() in expected
