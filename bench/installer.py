"""`pip install` for the harness's own environments (the official SDK's venv, the baseline's extras)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path


def pip_install(python: Path | str, args: Sequence[str], timeout: float) -> str:
    """Run `python -m pip install --quiet … args`; '' when it worked, else pip's last line of complaint."""
    cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # Fail fast when offline: CI must still pass without the registry.
    cmd += ["--retries", "1", "--timeout", "15", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["pip install failed"])[-1]
    return ""
