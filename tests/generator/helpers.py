from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def shared_specs_dir() -> Path:
    """`$SENDMUX_SHARED_SPECS`, else the first `shared/specs` beside the repo or one level up."""
    if "SENDMUX_SHARED_SPECS" in os.environ:
        return Path(os.environ["SENDMUX_SHARED_SPECS"])
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "specs").is_dir():
            return base / "shared" / "specs"
    return ROOT.parent / "shared" / "specs"


def shared_specs(api: str = "app") -> list[Path]:
    """The historical specs of one API: the app spec's at the top, the Sending spec's in `sending/`."""
    folder = shared_specs_dir() / ("sending" if api == "sending" else "")
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def import_generated(folder: Path, name: str) -> ModuleType:
    """Import a generated tree (any output folder) as a package `sendmux.<name>`.

    Generated code imports everything relatively (the runtime is its parent package, `..`), so a copy
    generated from another spec imports side by side with the installed `sendmux._generated`.
    """
    import sendmux

    name = f"{sendmux.__name__}.{name}"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build_wheel(out: Path) -> Path:
    """The wheel of this checkout, built into `out` with the running venv's setuptools (no download)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("sendmux-*.whl")
    return path
