"""What the table must say about the machine and the software it ran on."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

from bench.baseline import Baseline
from bench.official import OfficialSDK

ROOT = Path(__file__).resolve().parent.parent
OUR_PACKAGES = (
    "sendmux",
    "httpx",
    "httpcore",
    "httpx2",
    "httpcore2",
    "h11",
    "urllib3",
    "attrs",
    "python-dateutil",
    "orjson",
    "opentelemetry-api",
    "opentelemetry-sdk",
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_revision() -> str:
    """HEAD, marked when the client's sources differ from it (the run measured the working tree)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "overlay", "generated"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not rev:
        return "unknown"
    return f"{rev} + uncommitted changes in overlay/ or generated/" if dirty else rev


def version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def describe(
    official: OfficialSDK,
    load_at_start: str = "",
    revision: str = "",
    baseline: Baseline | None = None,
    now: dt.datetime | None = None,
) -> list[tuple[str, str]]:
    now = now or dt.datetime.now(dt.UTC)
    ours = ", ".join(f"{name} {version(name)}" for name in OUR_PACKAGES)
    if official.available:
        pkgs = dict(official.versions)
        theirs = ", ".join(f"{k} {v}" for k, v in pkgs.items() if k != "python")
        theirs += f" (Python {pkgs.get('python', '?')}, own venv)"
    else:
        theirs = official.reason
    return [
        ("Date", now.strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{cpu_model()} ({os.cpu_count()} logical cores)"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("Commit", revision or git_revision()),
        ("A/B baseline", _baseline_row(baseline)),
        ("sendmux's default HTTP stack", _default_stack()),
        ("Our venv", ours),
        ("Official SDK venv", theirs),
        # Other work on the machine widens min/max; interleaving keeps the ratios fair regardless.
        ("Load average (1/5/15 min)", f"start {load_at_start or '?'}; end {load_average()}"),
    ]


def _baseline_row(baseline: Baseline | None) -> str:
    if baseline is None or not baseline.available:
        return baseline.reason if baseline else "none"
    # The baseline runs on our venv: same httpx, same interpreter; only its overlay/ + generated/ differ.
    return f"{baseline.short} (its overlay/ + generated/ as `sendmux`, on our venv)"


def _default_stack() -> str:
    try:
        from sendmux._stack import DEFAULT_STACK
    except ImportError:  # a tree before the httpx2 option
        return "httpx (no other)"
    return f"{DEFAULT_STACK} (`sendmux._stack.DEFAULT_STACK`)"
