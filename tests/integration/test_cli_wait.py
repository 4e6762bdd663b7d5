"""`sendmux mailbox messages wait`, run as a subprocess against FakeSendmux: the message as JSON, exit 23 on timeout."""

from __future__ import annotations

import json
import subprocess
import threading
from datetime import UTC, datetime

import pytest
from support.cli import COMMAND, clean_env

from sendmux.cli._exit_codes import EXIT_CODES
from sendmux.testing import FakeSendmux


@pytest.fixture
def env(fake: FakeSendmux) -> dict[str, str]:
    return clean_env(SENDMUX_MAILBOX_API_KEY=fake.mailbox_api_key, SENDMUX_MAILBOX_BASE_URL=fake.url)


def wait(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "mailbox", "messages", "wait", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_prints_the_message_that_arrives(env: dict[str, str], fake: FakeSendmux) -> None:
    fake.add_message(subject="Your code is 000000")  # before --since: not this one
    # --since from before the command starts: however long it takes to subscribe, the message counts.
    since = datetime.now(UTC).isoformat()
    timer = threading.Timer(
        1.0, lambda: fake.add_message(subject="Your code is 123456", sender="login@example.org")
    )
    timer.start()
    try:
        result = wait(
            env,
            "--timeout",
            "30",
            "--subject",
            "Your code",
            "--from",
            "login@example.org",
            "--since",
            since,
            "--is-unread",
            "-o",
            "json",
        )
    finally:
        timer.join()
    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout)
    assert message["subject"] == "Your code is 123456"
    assert message["from"]["email"] == "login@example.org"


def test_times_out_with_its_own_exit_code(env: dict[str, str]) -> None:
    result = wait(env, "--timeout", "0.5", "--subject", "Never sent", "--no-has-attachment")
    assert result.returncode == EXIT_CODES["WaitTimeoutError"] == 23
    assert result.stdout == ""
    assert "WaitTimeoutError: no matching message within 0.5 s" in result.stderr
    assert "subject='Never sent'" in result.stderr


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        ((), "--timeout"),
        (("--timeout", "0"), "--timeout"),
        (("--timeout", "5", "--since", "2026-01-31T09:00:00"), "--since"),
    ],
)
def test_bad_options_are_refused_before_sending(
    env: dict[str, str], fake: FakeSendmux, args: tuple[str, ...], complaint: str
) -> None:
    result = wait(env, *args)
    assert result.returncode == 2, result.stderr
    assert complaint in result.stderr
    assert fake.requests == []
