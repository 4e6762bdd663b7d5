"""The wheel: one `sendmux` package from overlay/ + generated/, nothing of generator/ or tests/."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.generator.helpers import build_wheel

ROOT = Path(__file__).resolve().parents[2]

SMOKE = """
import sys, sendmux
assert sendmux.__file__.startswith(sys.argv[1]), sendmux.__file__
from sendmux import Sendmux
from sendmux.testing import FakeSendmux
with FakeSendmux() as fake:
    client = Sendmux(api_key=fake.api_key, base_url=fake.url)
    created = client.domains.create(domain="wheel.example.com")
    assert client.domains.get(created.id).domain == "wheel.example.com"
    client.close()
print("wheel ok", len(sendmux.OPERATIONS))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_holds_the_runtime_and_the_generated_layer_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "sendmux/__init__.py" in names and "sendmux/py.typed" in names
    assert "sendmux/_generated/client.py" in names and "sendmux/_generated/operations.py" in names
    assert any(n.startswith("sendmux/_generated/models/") for n in names)
    assert "sendmux/testing/__init__.py" in names
    tops = {n.split("/")[0] for n in names}
    assert tops == {"sendmux", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    assert not any(n.startswith(("generator/", "tests/", "templates/", "openapi/")) for n in names)
    # The `sendmux` console script (the `cli` extra brings click).
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "sendmux = sendmux.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    # Every module of the source folders made it in (a new subpackage must be listed in pyproject).
    for folder, prefix in ((ROOT / "overlay", "sendmux"), (ROOT / "generated", "sendmux/_generated")):
        for source in folder.rglob("*.py"):
            assert f"{prefix}/{source.relative_to(folder).as_posix()}" in names, source


def test_wheel_imports_and_talks_to_the_fake_server(wheel: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(wheel)}
    # -I would drop PYTHONPATH; -s keeps the venv's site-packages (httpx, attrs) but not user ones.
    proc = subprocess.run(
        [sys.executable, "-s", "-c", SMOKE, str(wheel)], capture_output=True, text=True, env=env, cwd="/"
    )
    assert proc.returncode == 0, proc.stderr
    assert "wheel ok 104" in proc.stdout


VENDORED = """
import sys

from acme._vendor.sendmux import Sendmux
from acme._vendor.sendmux.testing import FakeSendmux
from acme._vendor.sendmux.types import ProviderListItem

with FakeSendmux() as fake:
    fake.seed("sending_accounts", 7)
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        accounts = list(client.sending_accounts.list(limit=3))  # three pages
assert len(accounts) == 7 and all(isinstance(a, ProviderListItem) for a in accounts), accounts
assert type(accounts[0]).__module__.startswith("acme._vendor.sendmux._generated.models."), type(accounts[0])
# The decoy `sendmux` on the path (and the installed one) were never touched.
leaked = sorted(m for m in sys.modules if m == "sendmux" or m.startswith("sendmux."))
assert not leaked, leaked
print("vendored ok", len(accounts))
"""


def test_the_package_works_vendored_under_another_name(wheel: Path, tmp_path: Path) -> None:
    """Copy the wheel's `sendmux/` to `acme/_vendor/sendmux` and use it with another `sendmux` importable."""
    vendor = tmp_path / "app" / "acme" / "_vendor"
    vendor.mkdir(parents=True)
    (vendor.parent / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            if name.startswith("sendmux/"):
                zf.extract(name, vendor)
    # A different top-level `sendmux` ahead on the path: importing it at all fails the run.
    decoy = tmp_path / "decoy" / "sendmux"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise ImportError('the decoy sendmux was imported')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "decoy"), str(tmp_path / "app")])}
    proc = subprocess.run(
        [sys.executable, "-s", "-c", VENDORED], capture_output=True, text=True, env=env, cwd=str(tmp_path)
    )
    assert proc.returncode == 0, proc.stderr
    assert "vendored ok 7" in proc.stdout
