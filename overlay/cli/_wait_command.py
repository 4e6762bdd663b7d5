"""`sendmux mailbox messages wait`: `SendmuxMailbox().messages.wait_for(...)` as a command.

Hand-written (it is no operation of the spec), so it sits in the app's EXTRAS beside the generated
`mailbox messages …` commands. The app hands in how to make a client from the command's options
(`Connect`), so this module needs nothing of the app and the app imports it, not the other way round.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

import click

from ._errors import CLIError
from ._output import Format, Writer
from ._settings import CONTEXT_SETTINGS, FORMATS, OUTPUT_HELP, Settings, default_format

__all__ = ["Connect", "wait_command"]

Connect = Callable[[click.Context, dict[str, Any]], tuple[Any, Settings]]
"""Pops the connection options from the values; returns a Mailbox client (a context manager) and the settings."""

_HELP = """Wait for the first message matching the filters that arrives after --since and print it.

\b
Filters are those of `sendmux mailbox messages list`. --since (ISO 8601 with an offset, default: now) is
compared with each message's received_at, so mail already there does not match. Waits on the event stream
(with a catch-up list) or else by polling. Exits 23 after --timeout seconds with nothing matching.
"""


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CLIError(f"--since: expected an ISO 8601 timestamp, got {text!r}") from exc
    if moment.tzinfo is None:
        raise CLIError(f"--since: give an offset or Z (2026-01-31T09:00:00Z), got {text!r}")
    return moment


def wait_command(
    connect: Connect, connection_options: list[click.Parameter], cls: type[click.Command]
) -> click.Command:
    """The command, sending with the client `connect` makes; `cls` parses on/off words as the app's do."""

    def callback(**values: Any) -> int:
        ctx = click.get_current_context()
        output = values.pop("cli_output", None)
        since = _since(values.pop("since"))
        client, settings = connect(ctx, values)
        fmt = cast(Format, output or settings.output or default_format(sys.stdout))
        with client:
            message = client.messages.wait_for(since=since, **values)
        Writer(fmt, sys.stdout, sys.stderr).value(message)
        return 0

    params: list[click.Parameter] = [
        click.Option(
            ["--timeout"],
            type=click.FloatRange(min=0, min_open=True),
            required=True,
            metavar="SECONDS",
            help="How long to wait in all (required).",
        ),
        click.Option(["--subject"], metavar="TEXT", help="Filter by subject text."),
        click.Option(["--from", "from_"], metavar="ADDRESS", help="Filter by sender email address or name."),
        click.Option(
            ["--has-attachment/--no-has-attachment"],
            default=None,
            help="Only messages with (without) attachments.",
        ),
        click.Option(["--is-unread/--no-is-unread"], default=None, help="Only unread (read) messages."),
        click.Option(["--folder-id"], metavar="ID", help="Filter to messages in this folder ID."),
        click.Option(["--since"], metavar="TIMESTAMP", help="Only mail received after this (default: now)."),
        click.Option(
            ["--mailbox-id"], metavar="ID", help="The mailbox, for a credential that reaches several."
        ),
        click.Option(["-o", "--output", "cli_output"], type=click.Choice(FORMATS), help=OUTPUT_HELP),
        *connection_options,
    ]
    return cls(
        "wait",
        callback=callback,
        params=params,
        help=_HELP,
        short_help="Wait for the first matching message to arrive and print it.",
        context_settings=CONTEXT_SETTINGS,
    )
