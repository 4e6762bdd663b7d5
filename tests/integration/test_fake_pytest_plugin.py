"""The opt-in pytest plugin gives a user's own test suite `sendmux_fake` and `sendmux_client`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USER_TESTS = """
def test_uses_the_fixtures(sendmux_fake, sendmux_client):
    sendmux_fake.seed("domains", 2)
    assert len(list(sendmux_client.domains.list())) == 2
    assert sendmux_fake.counters.requests["GET /domains"] == 1


def test_each_test_gets_a_fresh_fake(sendmux_fake):
    assert sendmux_fake.count("domains") == 0
"""


def test_plugin_fixtures_in_a_user_suite(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "sendmux.testing.pytest_plugin",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
