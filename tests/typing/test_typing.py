"""The typed surface, as users' type checkers see it: `mypy --strict` and pyright (strict) over
`tests/typing/cases/` and every ```python block of the README, and over a user file outside the repo
against the dev install (`make venv`).

A case file shows good uses with `assert_type` and typo uses that must be errors, as typeshed's
`test_cases` do: each typo line carries `# type: ignore[<mypy code>]` and `# pyright: ignore[<rule>]`,
and both checkers report an ignore that suppresses nothing (`warn_unused_ignores` in `--strict`;
`reportUnnecessaryTypeIgnoreComment` in `tests/typing/pyrightconfig.json`, which also turns off
pyright's reading of `# type: ignore`). So a typo that stopped being an error fails the run too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"
README = ROOT / "README.md"

# README blocks that continue another one: type-checked inside a function taking the names they use.
CONTEXT = {
    "fake.faults.add(": "def snippet(fake: FakeSendmux, client: Sendmux) -> None:",
}
# (Its names were module globals in the README: unused there is fine.)
CONTEXT_IMPORTS = "# pyright: reportUnusedVariable=false\nfrom sendmux import Sendmux\nfrom sendmux.testing import FakeSendmux\n\n\n"


def mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The checker of the venv running the tests: it finds `sendmux` the way a user's would.
    cache = cwd / ".mypy_cache_typing" if cwd != ROOT else Path("build") / "mypy-typing"
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "MYPYPATH"},
    )


def pyright(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not PYRIGHT.exists():
        pytest.skip("pyright is not installed: `make test` installs it (npm ci, package.json)")
    return subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, *args], cwd=cwd, capture_output=True, text=True
    )


def readme_blocks() -> list[tuple[int, str]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    blocks: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if line.strip() == "```python":
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
            blocks.append((i + 2, "\n".join(lines[i + 1 : end]) + "\n"))
    return blocks


def write_readme_blocks(folder: Path) -> list[Path]:
    files = []
    for line, code in readme_blocks():
        head = next((h for marker, h in CONTEXT.items() if code.startswith(marker)), None)
        if head is not None:
            code = CONTEXT_IMPORTS + head + "\n" + textwrap.indent(code, "    ")
        path = folder / f"readme_l{line:04d}.py"
        path.write_text(code, encoding="utf-8")
        files.append(path)
    return files


def test_the_cases_hold_good_uses_and_typos() -> None:
    cases = sorted((HERE / "cases").glob("*.py"))
    assert len(cases) >= 2
    text = "\n".join(p.read_text() for p in cases)
    assert text.count("# type: ignore[") == text.count("# pyright: ignore[") >= 5
    assert text.count("assert_type(") >= 20


def test_mypy_strict_passes_the_good_uses_and_flags_every_typo() -> None:
    proc = mypy(str(HERE / "cases"), cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pyright_strict_passes_the_good_uses_and_flags_every_typo() -> None:
    proc = pyright("--project", str(HERE), cwd=HERE)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_snippets_type_check(tmp_path: Path) -> None:
    files = write_readme_blocks(tmp_path)
    assert len(files) >= 15
    proc = mypy(*(str(f) for f in files), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shutil.copy(HERE / "pyrightconfig.json", tmp_path / "pyrightconfig.json")
    config = (tmp_path / "pyrightconfig.json").read_text().replace('"cases"', '"."')
    (tmp_path / "pyrightconfig.json").write_text(config)
    proc = pyright("--project", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


APP = """\
from typing import assert_type

from sendmux import Sendmux
from sendmux.types import MailboxDomain


def fetch(client: Sendmux) -> MailboxDomain:
    domain = client.domains.create(domain="mail.example.com", mode="send_only")
    assert_type(domain, MailboxDomain)
    return domain


def typo(client: Sendmux) -> None:
    client.domains.create(domain="mail.example.com", mode="sendonly")
"""


def test_the_dev_install_is_visible_to_both_type_checkers(tmp_path: Path) -> None:
    """A user's file outside the repo, checked with the venv's tools: the package and its types are found
    (setuptools' editable import hook alone is invisible to them; `make venv` adds build/dev/)."""
    (tmp_path / "app.py").write_text(APP)
    for proc, missing in (
        (mypy("app.py", cwd=tmp_path), "Cannot find implementation or library stub"),
        (pyright("app.py", cwd=tmp_path), "could not be resolved"),
    ):
        out = proc.stdout + proc.stderr
        assert missing not in out, out
        # The typed surface is really there: only the typo is an error, on its line.
        errors = [line for line in out.splitlines() if re.search(r"\berror\b", line) and "app.py" in line]
        assert len(errors) == 1 and (":14:" in errors[0]), out
        assert proc.returncode == 1
