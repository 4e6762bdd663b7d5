"""`pyright --verifytypes sendmux --ignoreexternal` on the built wheel, installed in a fresh venv: the public
surface is typed (completeness at least 99 %, no exported symbol of ambiguous type). `make verifytypes`
runs this test alone and prints the numbers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.generator.helpers import build_wheel

ROOT = Path(__file__).resolve().parents[2]
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"

MIN_COMPLETENESS = 0.99


def install_wheel(tmp: Path) -> Path:
    """A venv holding the wheel of this checkout (and, through a .pth, the test venv's dependencies)."""
    wheel = build_wheel(tmp / "dist")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    # A pure-Python wheel installs by unpacking it. (pip would first uninstall the dev install from the
    # venv running the tests, its console script included.)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(purelib)
    assert (purelib / "sendmux" / "py.typed").is_file()
    # httpx, attrs, ... from the test venv; that folder's own .pth files (the dev install) are not read.
    (purelib / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return env_dir


def test_the_installed_wheel_is_fully_typed(tmp_path: Path) -> None:
    if not PYRIGHT.exists():
        pytest.skip("pyright is not installed: `make test` installs it (npm ci, package.json)")
    env_dir = install_wheel(tmp_path)
    env = {
        **os.environ,
        "VIRTUAL_ENV": str(env_dir),
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
    }
    proc = subprocess.run(
        [str(PYRIGHT), "--verifytypes", "sendmux", "--ignoreexternal", "--outputjson"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    report = json.loads(proc.stdout)["typeCompleteness"]
    assert report["packageRootDirectory"].startswith(str(env_dir)), report["packageRootDirectory"]
    exported = report["exportedSymbolCounts"]
    ambiguous = [
        s["name"]
        for s in report["symbols"]
        if s["isExported"] and (s["isTypeAmbiguous"] or not s["isTypeKnown"])
    ]
    summary = (
        f"verifytypes: completeness {report['completenessScore']:.1%}, exported symbols "
        f"{exported['withKnownType']} known / {exported['withAmbiguousType']} ambiguous / "
        f"{exported['withUnknownType']} unknown; classes without docstring {report['missingClassDocStringCount']}, "
        f"functions without docstring {report['missingFunctionDocStringCount']}"
    )
    print(summary)
    assert report["completenessScore"] >= MIN_COMPLETENESS, summary
    assert exported["withAmbiguousType"] == 0 and exported["withUnknownType"] == 0, ambiguous
