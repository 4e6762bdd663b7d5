"""Python-API phrases in texts the command line shows (help from docstrings, runtime errors), in its own words.

The runtime and the generated docstrings speak to Python callers (``base_url``, ``os.PathLike``); a command-line
user never wrote those, so help and error lines go through `cli_words` first.
"""

from __future__ import annotations

__all__ = ["cli_words"]

_PHRASES: tuple[tuple[str, str], ...] = (
    # Generated upload docstrings: `file` takes bytes, a path or a binary file object in Python.
    ("The bytes to send: bytes, a path (str or os.PathLike) or a binary file object.", "The file to send."),
    ("bytes, a path (str or os.PathLike) or a binary file object", "a file"),
    # Base-URL checks (`sendmux._urls`): the CLI has no insecure-HTTP switch.
    ("use https, a loopback host, or allow_insecure_http=True", "use https or a loopback host"),
    ("base_url", "base URL"),
)


def cli_words(text: str) -> str:
    for python, cli in _PHRASES:
        text = text.replace(python, cli)
    return text
