from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def shared_specs_dir() -> Path:
    return Path(os.environ.get("SENDMUX_SHARED_SPECS", ROOT.parent / "shared" / "specs"))


def shared_specs() -> list[Path]:
    folder = shared_specs_dir()
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
