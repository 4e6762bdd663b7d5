"""What every command shares: the root's global options (`Settings`) and click's context settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

__all__ = ["CONTEXT_SETTINGS", "FORMATS", "OUTPUT_HELP", "Settings", "default_format"]

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 110}
FORMATS = ("json", "jsonl", "table")
OUTPUT_HELP = "json (default when stdout is not a terminal), jsonl (one object per line), table (default on a terminal)."


@dataclass
class Settings:
    """Global options, given before the command or (most of them) after it."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    profile: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    verbose: bool = False
    output: str | None = None


def default_format(stream: IO[str]) -> str:
    return "table" if stream.isatty() else "json"
