"""The command line on the Mailbox and Sending APIs: downloads, uploads, event streams, change feeds, sends.

Every command path is read off `OPERATIONS` by what an operation is (its surface and response kind), never by
name. The module skips where this version has no Mailbox client or the fake server no mail.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.cli import COMMAND

import sendmux
from sendmux.cli._tree import cli_name, surface_of, surface_prefix
from sendmux.testing import FakeSendmux

if getattr(sendmux, "SendmuxMailbox", None) is None or not hasattr(FakeSendmux, "add_message"):
    pytest.skip("this version has no Mailbox client or no mail in FakeSendmux", allow_module_level=True)

Run = Callable[..., subprocess.CompletedProcess[bytes]]


def command_of(op: Any) -> list[str]:
    resource = [cli_name(p) for p in op.resource.split(".")]
    return [*surface_prefix(surface_of(op)), *resource, cli_name(op.method)]


def find(surface: str, predicate: Callable[[Any], bool]) -> Any:
    found = [op for op in sendmux.OPERATIONS if surface_of(op) == surface and predicate(op)]
    if not found:
        pytest.skip(f"no such {surface} operation in this version")
    return found[0]


@pytest.fixture
def env(fake: FakeSendmux) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDMUX_")}
    env.update(
        SENDMUX_MAILBOX_API_KEY=fake.mailbox_api_key,
        SENDMUX_MAILBOX_BASE_URL=fake.url,
        SENDMUX_SENDING_API_KEY=fake.mailbox_api_key,
        SENDMUX_SENDING_BASE_URL=fake.sending_url,
    )
    return env


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path) -> Run:
    def run(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*COMMAND, *args], input=input, capture_output=True, env=env, cwd=tmp_path, timeout=60
        )

    return run


def test_messages_across_pages(run: Run, fake: FakeSendmux) -> None:
    ids = [fake.add_message(subject=f"Invoice {i}", event=False)["id"] for i in range(5)]
    op = find("mailbox", lambda op: op.paginated and op.resource == "messages" and op.http_method == "GET")
    result = run(*command_of(op), "--all", "-o", "jsonl", "--limit", "2")
    assert result.returncode == 0, result.stderr
    assert sorted(json.loads(line)["id"] for line in result.stdout.splitlines()) == sorted(ids)


def test_download_to_a_file_and_to_stdout(run: Run, fake: FakeSendmux, tmp_path: Path) -> None:
    content = b"%PDF-1.7\x00\xff" * 1000
    message = fake.add_message(subject="Invoice", attachments={"invoice.pdf": content}, event=False)
    op = find("mailbox", lambda op: op.response == "binary")
    args = [*command_of(op), message["id"], message["attachments"][0]["id"]]
    to_file = run(*args, "--output-file", "invoice.pdf")
    assert to_file.returncode == 0, to_file.stderr
    assert to_file.stdout == b""
    assert (tmp_path / "invoice.pdf").read_bytes() == content
    to_stdout = run(*args)
    assert to_stdout.stdout == content


def test_upload_from_a_path(run: Run, tmp_path: Path) -> None:
    op = find("mailbox", lambda op: getattr(op, "request_body", "json") == "binary")
    (tmp_path / "notes.txt").write_bytes(b"n" * 3000)
    result = run(*command_of(op), "--file", "notes.txt")
    assert result.returncode == 0, result.stderr
    blob = json.loads(result.stdout)
    assert blob["size_bytes"] == 3000
    assert blob["filename"] == "notes.txt"  # named after the path when --filename is not given


def test_change_feed_prints_each_response_and_the_state(run: Run, fake: FakeSendmux) -> None:
    fake.add_message(event=False)
    op = find("mailbox", lambda op: op.response == "feed" and op.resource == "folders")
    result = run(*command_of(op))
    assert result.returncode == 0, result.stderr
    responses = [json.loads(line) for line in result.stdout.splitlines()]
    assert responses and "new_state" in responses[-1]
    assert f"sendmux: state: {responses[-1]['new_state']}" in result.stderr.decode()


def test_event_stream_is_one_json_line_per_event(env: dict[str, str], fake: FakeSendmux) -> None:
    message = fake.add_message(subject="Streamed", event=False)
    op = find("mailbox", lambda op: op.response == "events")
    proc = subprocess.Popen(
        [*COMMAND, *command_of(op)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert proc.stdout is not None
        # When the command has subscribed is not observable from here: emit until the first line arrives.
        stop = threading.Event()

        def emit() -> None:
            while not stop.wait(0.3):
                fake.emit_mailbox_event(event_type="message.received", message_id=message["id"])

        emitter = threading.Thread(target=emit, daemon=True)
        emitter.start()
        try:
            line = json.loads(proc.stdout.readline())
        finally:
            stop.set()
            emitter.join()
        assert line["event"] == "message.received"
        assert line["data"]["message"]["id"] == message["id"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sending_a_message_from_data(run: Run, fake: FakeSendmux, tmp_path: Path) -> None:
    op = find(
        "sending", lambda op: op.http_method == "POST" and op.idempotency_key and op.resource == "emails"
    )
    body = {
        "from": {"email": "me@myagent.mx"},
        "to": {"email": "you@example.com"},
        "subject": "Hi",
        "html_body": "<p>Hi</p>",
    }
    (tmp_path / "message.json").write_text(json.dumps(body))
    result = run(*command_of(op), "--data", "@message.json")
    assert result.returncode == 0, result.stderr
    sent = json.loads(result.stdout)
    assert [e["id"] for e in fake.sent_emails()] == [sent["message_id"]]


def test_a_management_key_on_the_mailbox_api_is_a_configuration_error(
    run: Run, fake: FakeSendmux, env: dict[str, str]
) -> None:
    op = find("mailbox", lambda op: op.paginated)
    result = run(*command_of(op), "--api-key", fake.api_key)
    assert result.returncode == 3
    assert fake.api_key not in result.stderr.decode()
