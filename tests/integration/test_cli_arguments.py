"""Command-line spellings of API values, checked at the fake server: address strings and boolean words.

Commands are found in `OPERATIONS` by what they are (surface, method, resource), and address options are
whichever options the command offers for them: the CLI detects them from the method's types.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from support.cli import clean_env, run_cli

from sendmux.testing import FakeSendmux

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(fake: FakeSendmux) -> Run:
    env = clean_env(
        SENDMUX_MAILBOX_API_KEY=fake.mailbox_api_key,
        SENDMUX_MAILBOX_BASE_URL=fake.url,
        SENDMUX_SENDING_API_KEY=fake.mailbox_api_key,
        SENDMUX_SENDING_BASE_URL=fake.sending_url,
    )

    def cli(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, input=input, env=env)

    return cli


def _last_body(fake: FakeSendmux) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(fake.requests[-1].body)
    return body


def test_sending_takes_address_strings(fake: FakeSendmux, cli: Run) -> None:
    result = cli(
        "sending",
        "emails",
        "send",
        "--from",
        "Me <me@myagent.mx>",
        "--to",
        "Bob <bob@example.com>",
        "--cc",
        'a@example.com, "Smith, Carl" <carl@example.com>',
        "--bcc",
        "d@example.com",
        "--reply-to",
        "Replies <r@example.com>",
        "--subject",
        "Hi",
        "--html-body",
        "<p>Hi</p>",
    )
    assert result.returncode == 0, result.stderr
    (sent,) = fake.sent_emails()
    assert sent["id"] == json.loads(result.stdout)["message_id"]
    body = _last_body(fake)
    assert body["from"] == {"email": "me@myagent.mx", "name": "Me"}
    assert body["to"] == {"email": "bob@example.com", "name": "Bob"}  # Sending takes one object
    assert body["cc"] == [{"email": "a@example.com"}, {"email": "carl@example.com", "name": "Smith, Carl"}]
    assert body["bcc"] == [{"email": "d@example.com"}]
    assert body["reply_to"] == {"email": "r@example.com", "name": "Replies"}


def test_mailbox_takes_address_strings_and_json(fake: FakeSendmux, cli: Run) -> None:
    result = cli(
        "mailbox",
        "messages",
        "send",
        "--to",
        "Bob <bob@example.com>",
        "--to",
        '{"email": "json@example.com", "name": "As JSON"}',
        "--cc",
        "carl@example.com",
        "--subject",
        "Hi",
        "--text-body",
        "Hello",
    )
    assert result.returncode == 0, result.stderr
    body = _last_body(fake)
    # Mailbox wants `name` present on every address: JSON null when the string has none.
    assert body["to"] == [
        {"email": "bob@example.com", "name": "Bob"},
        {"email": "json@example.com", "name": "As JSON"},
    ]
    assert body["cc"] == [{"email": "carl@example.com", "name": None}]


def test_address_strings_in_data(fake: FakeSendmux, cli: Run) -> None:
    data = {"from": "me@myagent.mx", "to": "Bob <bob@example.com>", "subject": "Hi", "html_body": "<p>x</p>"}
    result = cli("sending", "emails", "send", "--data", "-", input=json.dumps(data))
    assert result.returncode == 0, result.stderr
    body = _last_body(fake)
    assert (body["from"], body["to"]) == (
        {"email": "me@myagent.mx"},
        {"email": "bob@example.com", "name": "Bob"},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "not an address"), "--from: 'not an address' is not an email address"),
        (("--from", "Me <me>"), "--from: 'Me <me>' is not an email address"),
        (("--from", "me@myagent.mx extra"), "--from: 'me@myagent.mx extra' is not an email address"),
        (("--from", "a@example.com, b@example.com"), "--from: expected one address, got 2"),
        (("--from", "{oops"), "--from: not valid JSON"),
        (("--cc", ""), "--cc: no address given"),
    ],
)
def test_an_invalid_address_is_a_usage_error_naming_the_option(
    fake: FakeSendmux, cli: Run, args: tuple[str, ...], message: str
) -> None:
    base = {"--from": "me@myagent.mx", "--to": "bob@example.com", "--subject": "Hi", "--html-body": "x"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = cli("sending", "emails", "send", *(word for pair in base.items() for word in pair))
    assert result.returncode == 2
    assert message in result.stderr
    assert fake.requests == []


@pytest.fixture
def read_and_unread(fake: FakeSendmux) -> dict[str, str]:
    read = fake.add_message(subject="read", unread=False, event=False)
    unread = fake.add_message(subject="unread", event=False)
    return {"read": read["id"], "unread": unread["id"]}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--is-unread", "true"), ["unread"]),
        (("--is-unread",), ["unread"]),
        (("--is-unread", "yes"), ["unread"]),
        (("--is-unread=1",), ["unread"]),
        (("--no-is-unread",), ["read"]),
        (("--is-unread", "false"), ["read"]),
        (("--is-unread=off",), ["read"]),
        ((), ["read", "unread"]),
    ],
)
def test_boolean_options_take_words(
    cli: Run, read_and_unread: dict[str, str], args: tuple[str, ...], expected: list[str]
) -> None:
    result = cli("mailbox", "messages", "list", *args, "-o", "jsonl")
    assert result.returncode == 0, result.stderr
    ids = {json.loads(line)["id"] for line in result.stdout.splitlines()}
    assert ids == {read_and_unread[name] for name in expected}


def test_a_boolean_word_before_an_argument_and_a_bad_word(fake: FakeSendmux, cli: Run) -> None:
    message = fake.add_message(subject="flag me", event=False)
    # A path argument after a flag stays an argument; a boolean word after it is the flag's value.
    flagged = cli("mailbox", "messages", "update", "--flagged", message["id"])
    assert flagged.returncode == 0, flagged.stderr
    cleared = cli("mailbox", "messages", "update", "--flagged", "false", message["id"])
    assert cleared.returncode == 0, cleared.stderr
    bodies = [json.loads(r.body) for r in fake.requests if r.method == "PATCH"]
    assert bodies == [{"flagged": True}, {"flagged": False}]
    bad = cli("mailbox", "messages", "update", "--flagged=maybe", message["id"])
    assert bad.returncode == 2
    assert "--flagged: expected true or false, got 'maybe'" in bad.stderr
