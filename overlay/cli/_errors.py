"""The command line's own errors: a usage problem (exit 2) and a configuration problem (exit 3).

Both print one line; messages name options and files in command-line words, never a key.
"""

from __future__ import annotations

from typing import IO, Any

import click

from .._errors import ConfigurationError
from ._exit_codes import EXIT_USAGE

__all__ = ["CLIError", "CLIConfigurationError"]


class CLIError(click.ClickException):
    """A usage problem found by the CLI itself (exit 2, one line on stderr); nothing was sent."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"sendmux: error: {self.format_message()}", err=True)


class CLIConfigurationError(ConfigurationError):
    """No usable credential or profile for a command (exit 3, as any `ConfigurationError`)."""
