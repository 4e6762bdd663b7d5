"""Who runs, and how each contender's processes are started (interpreter, environment, `sys.path`)."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import contenders
from bench.baseline import Baseline
from bench.official import OfficialSDK

#: Contenders that are sendmux (need `import sendmux` to work in this tree).
_OURS = frozenset(
    {
        contenders.SENDMUX,
        contenders.SENDMUX_SPEEDUPS,
        contenders.SENDMUX_HTTPX2,
        contenders.SENDMUX_NO_OTEL,
        contenders.SENDMUX_OTEL_API,
        contenders.SENDMUX_SPANS,
    }
)


@dataclass(frozen=True)
class Launch:
    python: Path
    env: Mapping[str, str] = field(default_factory=dict)
    """Variables set in its processes (on top of ours, with every SENDMUX_* of ours removed)."""
    path: tuple[str, ...] = ()
    """`sys.path` entries ahead of everything (the baseline tree): PYTHONPATH, or code under `-I`."""

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """The environment of its processes, given ours.

        Our SENDMUX_* variables are dropped so a setting in the caller's shell (a stack, spans, a JSON
        backend) cannot change what a row measures; each contender states its own.
        """
        env = {k: v for k, v in base.items() if not k.startswith("SENDMUX_")}
        env.update(self.env)
        if self.path:
            env["PYTHONPATH"] = os.pathsep.join([*self.path, *filter(None, [base.get("PYTHONPATH")])])
        return env


def missing_modules(modules: Sequence[str], found: Callable[[str], bool]) -> list[str]:
    return [m for m in modules if not found(m)]


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def lineup(
    official: OfficialSDK,
    sendmux_reason: str,
    baseline: Baseline,
    found: Callable[[str], bool] = _importable,
) -> tuple[dict[str, Launch], dict[str, str]]:
    """Every contender that can run, in table order, and why each other one cannot."""
    ours = Path(sys.executable)
    launches: dict[str, Launch] = {}
    skipped: dict[str, str] = {}
    for name in contenders.ORDER:
        cls = contenders.CONTENDERS[name]
        missing = missing_modules(cls.requires, found)
        if name == contenders.OFFICIAL:
            if official.python is None:
                skipped[name] = official.reason
            else:
                launches[name] = Launch(official.python, cls.env)
        elif cls.baseline:
            if baseline.available:
                launches[name] = Launch(ours, cls.env, baseline.path)
            else:
                skipped[name] = baseline.reason
        elif name in _OURS and sendmux_reason:
            skipped[name] = sendmux_reason
        elif missing:
            skipped[name] = f"not installed: {', '.join(missing)} (pip install -e '.[dev]')"
        else:
            launches[name] = Launch(ours, cls.env)
    return launches, skipped
