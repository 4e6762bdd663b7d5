"""The A/B baseline: an earlier revision's runtime, loaded as `sendmux` in its contender's worker only.

`make bench` compares this tree with a revision (default: the main before issue 17's request pipeline)
in one run, so both sides see the same machine load round by round. The revision's `overlay/` becomes
`.bench/baseline-<sha>/sendmux/` and its `generated/` `sendmux/_generated/` — the layout the wheel has,
and the one `make devtree` links — extracted from `git archive`, never checked out over this tree. Its
runtime dependencies that our venv lacks (httpx-sse, before issue 17) go to `deps/` beside it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from bench.installer import pip_install

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REV = "00f3c1f"
"""main before the issue 17 work (`make bench BASELINE=<rev>` for another)."""

#: Folder of the revision -> where it goes in the baseline tree.
_LAYOUT = (("overlay/", "sendmux/"), ("generated/", "sendmux/_generated/"))
_DONE = ".complete"


@dataclass(frozen=True)
class Baseline:
    rev: str
    """As asked for (`--baseline`)."""
    sha: str = ""
    path: tuple[str, ...] = ()
    """`sys.path` entries to put first in the baseline contender's processes (the tree, its deps)."""
    reason: str = ""
    """Why there is no baseline contender ("" when there is one)."""

    @property
    def available(self) -> bool:
        return bool(self.path)

    @property
    def short(self) -> str:
        return self.sha[:7] or self.rev


def relocate(member: str) -> str | None:
    """Where a file of the revision's archive goes in the baseline tree (None: not part of it)."""
    for source, target in _LAYOUT:
        if member.startswith(source) and len(member) > len(source):
            return target + member[len(source) :]
    return None


def missing_requirements(requirements: Sequence[str], version_of: Callable[[str], str | None]) -> list[str]:
    """The requirements our venv does not satisfy (absent, or at a version outside the range)."""
    missing = []
    for text in requirements:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            missing.append(text)
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        have = version_of(req.name)
        if have is None or not req.specifier.contains(have, prereleases=True):
            missing.append(text)
    return missing


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True, timeout=120).stdout


def prepare(rev: str, timeout: float = 300.0) -> Baseline:
    """The baseline tree for `rev`, built on first use; never raises (the run goes on without it)."""
    if rev.lower() in ("", "none"):
        return Baseline(rev, reason="no baseline asked for (`--baseline none`)")
    try:
        sha = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except (OSError, subprocess.SubprocessError):
        # A shallow CI checkout may not have it: the table says so and the run goes on.
        return Baseline(rev, reason=f"baseline {rev} is not in this clone (shallow checkout?)")
    dest = ROOT / ".bench" / f"baseline-{sha[:12]}"
    deps = dest / "deps"
    if not (dest / _DONE).exists():
        try:
            reason = _build(sha, dest, deps, timeout)
        except (OSError, subprocess.SubprocessError, tarfile.TarError, tomllib.TOMLDecodeError) as exc:
            reason = f"baseline {rev} could not be built: {exc}"
        if reason:
            return Baseline(rev, sha, reason=reason)
    return Baseline(rev, sha, (str(dest), str(deps)))


def _build(sha: str, dest: Path, deps: Path, timeout: float) -> str:
    """Extract the revision's package into `dest` and install what it needs that we lack; '' or why not."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = _git("archive", "--format=tar", sha, *(source for source, _ in _LAYOUT))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            target = relocate(member.name)
            if target is not None:
                member.name = target
                tar.extract(member, dest, filter="data")
    if not (dest / "sendmux" / "__init__.py").exists():
        return f"baseline {sha[:7]} has no overlay/__init__.py"
    pyproject = tomllib.loads(_git("show", f"{sha}:pyproject.toml").decode())
    missing = missing_requirements(pyproject["project"].get("dependencies", []), installed_version)
    if missing:
        print(
            f"bench: installing the baseline's {', '.join(missing)} into {deps}", file=sys.stderr, flush=True
        )
        # Only what is missing, without its dependencies: the rest of the baseline's needs are in our venv,
        # and a second copy of httpx on its path would measure another httpx.
        failed = pip_install(sys.executable, ["--no-deps", "--target", str(deps), *missing], timeout)
        if failed:
            return f"baseline {sha[:7]}: could not install {', '.join(missing)} ({failed})"
    (dest / _DONE).write_text(sha + "\n")
    return ""
