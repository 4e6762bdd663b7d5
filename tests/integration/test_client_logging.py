"""Logging: one DEBUG line per attempt, INFO for retries and pacing, SENDMUX_LOG, never a secret."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest
from support.mini_client import SECRET, AsyncMini, Mini, thing
from support.scripted_server import Reply, ScriptedServer, envelope


def test_debug_line_per_attempt(
    scripted: ScriptedServer, mini: Mini, caplog: pytest.LogCaptureFixture
) -> None:
    scripted.on(
        "GET",
        "/things/t1",
        Reply(503, headers={"X-Request-Id": "req_1"}),
        Reply(json=envelope(thing()), headers={"X-Request-Id": "req_2"}),
    )
    with caplog.at_level(logging.DEBUG, logger="sendmux"):
        mini.things.get("t1", extra_query={"email": "someone@example.com"})
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(debug) == 2
    assert debug[0].startswith("GET /things/t1 -> 503 request_id=req_1 attempt=1 elapsed_ms=")
    assert debug[1].startswith("GET /things/t1 -> 200 request_id=req_2 attempt=2 elapsed_ms=")
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "someone@example.com" not in text and SECRET not in text  # no query strings, no secrets


def test_silent_by_default(scripted: ScriptedServer, mini: Mini, caplog: pytest.LogCaptureFixture) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing())))
    with caplog.at_level(logging.WARNING, logger="sendmux"):
        mini.things.get("t1")
    assert caplog.records == []


@pytest.mark.parametrize("level", ["debug", "info"])
def test_sendmux_log_env(scripted: ScriptedServer, level: str) -> None:
    scripted.on(
        "GET", "/things/t1", Reply(503), Reply(json=envelope(thing()), headers={"X-Request-Id": "req_env"})
    )
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {os.path.dirname(os.path.dirname(__file__))!r})
        from support.mini_client import make_client, FakeTime
        c = make_client({scripted.base_url!r}, FakeTime())
        c.things.get("t1")
        """
    )
    env = {**os.environ, "SENDMUX_LOG": level}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "retrying GET /things/t1" in out.stderr
    assert ("request_id=req_env attempt=2" in out.stderr) is (level == "debug")
    assert SECRET not in out.stderr


@pytest.mark.anyio
async def test_async_logging(
    scripted: ScriptedServer, amini: AsyncMini, caplog: pytest.LogCaptureFixture
) -> None:
    scripted.on("GET", "/things/t1", Reply(502), Reply(json=envelope(thing()), headers={"X-Request-Id": "r"}))
    with caplog.at_level(logging.DEBUG, logger="sendmux"):
        await amini.things.get("t1")
    levels = [r.levelname for r in caplog.records]
    assert levels == ["DEBUG", "INFO", "DEBUG"]
    assert "in 0.25 s" in caplog.records[1].getMessage()
