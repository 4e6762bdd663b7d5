"""bench.baseline: how the A/B baseline's tree is laid out and what it needs (no git, no pip here)."""

from __future__ import annotations

from bench.baseline import Baseline, missing_requirements, prepare, relocate


def test_relocate_lays_the_revision_out_as_the_wheel_does() -> None:
    assert relocate("overlay/__init__.py") == "sendmux/__init__.py"
    assert relocate("overlay/cli/_app.py") == "sendmux/cli/_app.py"
    assert relocate("generated/models/domain.py") == "sendmux/_generated/models/domain.py"
    assert relocate("overlay/") is None  # the folder entry itself
    assert relocate("bench/runner.py") is None


def test_missing_requirements_are_absent_or_out_of_range() -> None:
    have = {"httpx": "0.28.1", "anyio": "4.16.0", "attrs": "22.1"}
    reqs = [
        "httpx>=0.27,<1",
        "httpx-sse>=0.4,<0.5",
        "anyio>=4.5",
        "attrs>=23.1",
        "tomli; python_version < '3'",
    ]
    assert missing_requirements(reqs, have.get) == ["httpx-sse>=0.4,<0.5", "attrs>=23.1"]


def test_no_baseline_asked_for() -> None:
    base = prepare("none")
    assert not base.available and "--baseline none" in base.reason
    assert Baseline("00f3c1f", "00f3c1ffd7bfeb", ("/t",)).short == "00f3c1f"
    assert Baseline("main").short == "main"
