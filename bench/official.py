"""The official SDK lives in its own venv (`.bench/venv-official`) so it never shares our dependencies."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.installer import pip_install

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench" / "venv-official"
PACKAGE = "sendmux-management"
VERSION = "2.0.1"


@dataclass(frozen=True)
class OfficialSDK:
    python: Path | None
    #: Why it is unavailable ("" when available).
    reason: str = ""
    versions: tuple[tuple[str, str], ...] = ()

    @property
    def available(self) -> bool:
        return self.python is not None


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


_PROBE = (
    "import importlib.metadata as m, json, sys\n"
    "import sendmux_management\n"
    "names = ['sendmux-management', 'sendmux-core', 'pydantic', 'pydantic-core', 'urllib3']\n"
    "print(json.dumps({'python': sys.version.split()[0], **{n: m.version(n) for n in names}}))\n"
)


def _probe(python: Path) -> dict[str, str] | None:
    import json

    try:
        proc = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    found: dict[str, str] = json.loads(proc.stdout)
    return found if found.get(PACKAGE) == VERSION else None


def ensure(venv: Path = VENV, timeout: float = 300.0, log: bool = True) -> OfficialSDK:
    """The official SDK's interpreter, creating and filling the venv on first use.

    Never raises: if the registry cannot be reached the SDK is reported unavailable and the
    benchmark runs without it.
    """
    python = _python(venv)
    found = _probe(python) if python.exists() else None
    if found is None:
        if log:
            shown = venv.relative_to(ROOT) if venv.is_relative_to(ROOT) else venv
            print(f"bench: installing {PACKAGE}=={VERSION} into {shown} …", file=sys.stderr, flush=True)
        try:
            subprocess.run(
                [sys.executable, "-m", "venv", "--clear", str(venv)],
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return OfficialSDK(None, f"official SDK unavailable: {exc}")
        failed = pip_install(python, [f"{PACKAGE}=={VERSION}"], timeout)
        if failed:
            return OfficialSDK(None, f"official SDK unavailable: pip install failed ({failed})")
        found = _probe(python)
        if found is None:
            return OfficialSDK(
                None, "official SDK unavailable: installed but `import sendmux_management` fails"
            )
    return OfficialSDK(python, "", tuple(sorted(found.items())))
