"""Running the `sendmux` command as a subprocess, the way a user's shell does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["BIN", "COMMAND", "clean_env", "run_cli"]

BIN = Path(sys.executable).parent
_SCRIPT = BIN / "sendmux"
# The installed console script; `python -m sendmux.cli` where the venv has none (same entry point).
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sendmux.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any SENDMUX_ variable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDMUX_")}
    env.update(extra)
    return env


def run_cli(
    *args: str, env: dict[str, str], input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], input=input, capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )
