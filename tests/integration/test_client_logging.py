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
from support.wire_paths import PATHS, mailbox_client_on

from sendmux.testing import FakeSendmux


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


@pytest.mark.parametrize("path", PATHS)
def test_no_secret_in_any_log_record_of_any_logger(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root logger at DEBUG: httpx's, httpcore's and our own records alike carry no key and no token."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with FakeSendmux() as fake:
            message = fake.add_message(subject="Logged", attachments={"a.txt": b"x"})
            fake.faults.next(1, "unavailable", retry_after=0)  # a retry logs too
            with mailbox_client_on(path, monkeypatch, api_key=fake.mailbox_api_key, base_url=fake.url) as mb:
                mb._sleep = lambda seconds: None  # type: ignore[method-assign]
                detail = mb.messages.get(message["id"], extra_query={"access_token": "tok_S3cr3t_query"})
                attachment = detail.attachments[0]
                assert attachment.download_url is not None and "token" in attachment.download_url
                with mb.attachments.download(message["id"], attachment.id) as download:
                    download.read()
                token = attachment.download_url.split("=", 1)[1]
                mb.messages.list(extra_query={"download_token": token})
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    text = "\n".join(r.getMessage() for r in records)
    assert records and "sendmux" in {r.name for r in records}
    for secret in (fake.mailbox_api_key, "tok_S3cr3t_query", token):
        assert secret not in text, f"{secret[:8]}... leaked into a log record"
