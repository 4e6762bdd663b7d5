"""The README's Mailbox and Sending sections run as written (each block starts its own FakeSendmux)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ["Mailbox API (`SendmuxMailbox`)", "Sending API (`SendmuxSending`)"]


def blocks(name: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert match, f"README has no section {name!r}"
    found = re.findall(r"```python\n(.*?)```", match.group(1), flags=re.S)
    assert found, f"README section {name!r} has no python block"
    return found


@pytest.mark.parametrize("name", SECTIONS)
def test_section_runs(name: str, tmp_path: Path) -> None:
    for i, code in enumerate(blocks(name)):
        script = tmp_path / f"block{i}.py"
        script.write_text(code)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"{name} block {i} failed:\n{proc.stderr}"
        assert proc.stdout.strip(), f"{name} block {i} printed nothing"
