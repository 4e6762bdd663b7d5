"""`make spec-update [SPEC=url-or-path]`: move the pin to a new spec, deliberately.

    python -m generator.spec_update [--spec SPEC] [--repo DIR] [--test-cmd CMD] [--regen-cmd CMD]

1. read the new spec (default: each pin's `upstream` URL), recognise which configured API it
   describes (`openapi/surfaces.yaml`: the app spec or the Sending spec, each with its own pin) and
   print what changed for client users against that API's pinned spec (`generator.diff`);
2. stop there when the bytes are the pinned ones;
3. move the pin (source + sha256) and put the bytes in the cache, regenerate `generated/`;
4. run the tests (`--test-cmd`, default `make test`);
5. unless nothing changed for clients: add a CHANGELOG.md entry carrying the report and bump the
   version in pyproject.toml and overlay/_version.py (major: breaking, minor: additive, patch:
   descriptions only).

Any failure puts every file it touched back as it was, so the repo is never half-updated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import config, diff, fetch

PIN = "openapi/pin.json"
SURFACES = "openapi/surfaces.yaml"
CHANGELOG = "CHANGELOG.md"
PYPROJECT = "pyproject.toml"
VERSION_PY = "overlay/_version.py"
GENERATED = "generated"
CACHE = ".cache/openapi"
FILES = (PIN, CHANGELOG, PYPROJECT, VERSION_PY)


def pin_files(repo: Path) -> dict[str, str]:
    """api -> its pin file relative to the repo (just the app pin where no surfaces.yaml exists)."""
    path = repo / SURFACES
    if not path.is_file():
        return {"app": PIN}
    cfg = config.parse_config(yaml_load(path), path.parent)
    return {
        name: spec.pin.resolve().relative_to(repo.resolve()).as_posix() for name, spec in cfg.specs.items()
    }


def yaml_load(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text())


def files(repo: Path) -> tuple[str, ...]:
    return (*dict.fromkeys([PIN, *pin_files(repo).values()]), CHANGELOG, PYPROJECT, VERSION_PY)


# `version = "..."` inside the [project] table: from its header up to the next table header.
PROJECT_VERSION = re.compile(r'^(\[project\]\n(?:(?!\[)[^\n]*\n)*?version\s*=\s*")([^"]+)(")', re.MULTILINE)
DUNDER_VERSION = re.compile(r'^(__version__\s*=\s*")([^"]+)(")', re.MULTILINE)


class UpdateError(Exception):
    """A step failed; the repo has been (or will be) restored."""


# ---------------------------------------------------------------------------- pure helpers


def bump_version(version: str, bump: str) -> str:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if not match:
        raise UpdateError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(x) for x in match.groups())
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def pin_source(spec: str, repo: Path) -> dict[str, str]:
    """The pin's `source` for a URL, or for a file (relative to the repo when inside it)."""
    if spec.startswith(("http://", "https://")):
        return {"kind": "url", "url": spec}
    path = Path(spec).resolve()
    try:
        return {"kind": "file", "path": path.relative_to(repo.resolve()).as_posix()}
    except ValueError:
        return {"kind": "file", "path": str(path)}


def insert_changelog_entry(changelog: str, entry: str) -> str:
    """Newest release first, below the "Unreleased" section (keep-a-changelog order)."""
    if not changelog.strip():
        return f"# Changelog\n\n{entry}"
    headings = [m.start() for m in re.finditer(r"^## ", changelog, re.MULTILINE)]
    # `## Unreleased`, or `## Unreleased — 2.0.0` naming the version it is heading for.
    unreleased = re.search(
        r"^## \[?Unreleased\]?(?:\s+—\s+\S+)?\s*$", changelog, re.MULTILINE | re.IGNORECASE
    )
    after = [h for h in headings if unreleased is None or h > unreleased.start()]
    if not after:
        return changelog.rstrip("\n") + "\n\n" + entry
    at = after[0]
    return changelog[:at] + entry + "\n" + changelog[at:]


def changelog_entry(version: str, report: diff.Report, source: str, sha: str, today: dt.date) -> str:
    return (
        f"## {version} — {today.isoformat()}\n\n"
        f"Spec update: `{source}` (sha256 `{sha[:12]}`), {report.bump()} bump.\n\n"
        f"{report.to_markdown()}"
    )


def set_version(text: str, pattern: re.Pattern[str], version: str, where: str) -> str:
    new, count = pattern.subn(lambda m: f"{m.group(1)}{version}{m.group(3)}", text, count=1)
    if count != 1:
        raise UpdateError(f"{where}: no version to bump")
    return new


def read_version(repo: Path) -> str:
    match = PROJECT_VERSION.search((repo / PYPROJECT).read_text())
    if not match:
        raise UpdateError(f"{PYPROJECT}: no [project] version")
    return match.group(2)


# ---------------------------------------------------------------------------- the snapshot


@dataclass
class Snapshot:
    """The files an update touches, as they were; `restore` puts them back byte for byte."""

    repo: Path
    keep: Path
    files: dict[str, bytes | None] = field(default_factory=dict)
    had_generated: bool = False
    created: list[Path] = field(default_factory=list)

    @classmethod
    def take(cls, repo: Path, keep: Path) -> Snapshot:
        snap = cls(repo, keep)
        for rel in files(repo):
            path = repo / rel
            snap.files[rel] = path.read_bytes() if path.is_file() else None
        snap.had_generated = (repo / GENERATED).is_dir()
        if snap.had_generated:
            shutil.copytree(repo / GENERATED, keep / GENERATED, symlinks=True)
        return snap

    def restore(self) -> None:
        for rel, data in self.files.items():
            path = self.repo / rel
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        shutil.rmtree(self.repo / GENERATED, ignore_errors=True)
        if self.had_generated:
            shutil.copytree(self.keep / GENERATED, self.repo / GENERATED, symlinks=True)
        for path in self.created:
            path.unlink(missing_ok=True)


@contextmanager
def transaction(repo: Path) -> Iterator[Snapshot]:
    with tempfile.TemporaryDirectory(prefix="spec-update-") as keep:
        snap = Snapshot.take(repo, Path(keep))
        try:
            yield snap
        except BaseException:
            snap.restore()
            raise


# ---------------------------------------------------------------------------- the steps


def pinned_bytes(repo: Path, pin: dict[str, Any]) -> bytes:
    """The pinned spec of *this* repo: its cache, else its source; sha256-verified."""
    sha = str(pin["sha256"])
    cached = repo / CACHE / f"{sha}.json"
    source = pin["source"]
    if cached.is_file():
        data = cached.read_bytes()
        origin = str(cached)
    elif source.get("kind") == "file":
        data = fetch.read_source(str(repo / source["path"]))
        origin = str(source["path"])
    else:
        data = fetch.fetch_source(source)
        origin = fetch.describe(source)
    fetch.verify(data, sha, origin)
    return data


def run(cmd: list[str] | str, repo: Path, what: str) -> None:
    print(f"$ {cmd if isinstance(cmd, str) else shlex.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, cwd=repo, shell=isinstance(cmd, str))
    if proc.returncode != 0:
        raise UpdateError(f"{what} failed (exit {proc.returncode})")


def write_pin(repo: Path, pin: dict[str, Any], spec: str, sha: str, rel: str = PIN) -> None:
    moved = {**pin, "source": pin_source(spec, repo), "sha256": sha}
    (repo / rel).write_text(json.dumps(moved, indent=2) + "\n")


def which_pin(repo: Path, doc: dict[str, Any], origin: str) -> str:
    """The pin file of the configured API the document describes."""
    pins = pin_files(repo)
    if len(pins) == 1:
        return next(iter(pins.values()))
    path = repo / SURFACES
    cfg = config.parse_config(yaml_load(path), path.parent)
    try:
        return pins[config.recognise(doc, cfg).name]
    except config.ConfigError as exc:
        raise UpdateError(f"{origin}: {exc}") from exc


def write_cache(repo: Path, data: bytes, sha: str, snap: Snapshot) -> None:
    cached = repo / CACHE / f"{sha}.json"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
        snap.created.append(cached)


def bump_files(repo: Path, bump: str) -> tuple[str, str]:
    old = read_version(repo)
    new = bump_version(old, bump)
    pyproject = repo / PYPROJECT
    pyproject.write_text(set_version(pyproject.read_text(), PROJECT_VERSION, new, PYPROJECT))
    version_py = repo / VERSION_PY
    if version_py.is_file():
        version_py.write_text(set_version(version_py.read_text(), DUNDER_VERSION, new, VERSION_PY))
    return old, new


def update(repo: Path, spec: str, regen_cmd: list[str], test_cmd: str, today: dt.date) -> int:
    data = fetch.read_source(spec)
    new_spec = fetch.parse(data, spec)
    pin_rel = which_pin(repo, new_spec, spec)
    pin = fetch.load_pin(repo / pin_rel)
    sha = fetch.sha256(data)
    old_spec = fetch.parse(pinned_bytes(repo, pin), "pinned spec")
    report = diff.compare(old_spec, new_spec, f"pinned ({fetch.describe(pin['source'])})", spec)
    print(report.to_text())
    if sha == pin["sha256"]:
        print(f"The spec is the pinned one (sha256 {sha[:12]}): nothing to do.")
        return 0
    bump = report.bump()
    versions = ("", "")
    with transaction(repo) as snap:
        write_cache(repo, data, sha, snap)
        write_pin(repo, pin, spec, sha, pin_rel)
        run(regen_cmd, repo, "regenerating")
        # Tests before the bump: a newer pyproject.toml would make `make test` reinstall the venv.
        run(test_cmd, repo, "the tests")
        if bump != "none":
            versions = bump_files(repo, bump)
            log = repo / CHANGELOG
            text = log.read_text() if log.is_file() else ""
            log.write_text(
                insert_changelog_entry(text, changelog_entry(versions[1], report, spec, sha, today))
            )
    if bump == "none":
        print(f"Nothing changed for client users: pin moved to sha256 {sha[:12]}, version unchanged.")
    else:
        old, new = versions
        print(f"Pin moved to sha256 {sha[:12]}; {bump} bump {old} -> {new}; CHANGELOG.md has the report.")
    print(f"Review and commit: git diff -- {pin_rel} {GENERATED} {CHANGELOG} {PYPROJECT} {VERSION_PY}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.spec_update", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--spec", help="new spec: path or URL (default: each pin's `upstream`, in turn)")
    parser.add_argument("--repo", default=str(fetch.ROOT), help="repository to update (default: this one)")
    parser.add_argument(
        "--test-cmd", default="make test", help="shell command run in the repo (default: make test)"
    )
    parser.add_argument(
        "--regen-cmd",
        help="regenerate command (default: this python -m generator --out generated)",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    repo = Path(args.repo).resolve()
    regen = (
        shlex.split(args.regen_cmd)
        if args.regen_cmd
        else [sys.executable, "-m", "generator", "--out", GENERATED]
    )
    try:
        if args.spec:
            return update(repo, args.spec, regen, args.test_cmd, dt.date.today())
        for rel in pin_files(repo).values():
            upstream = str(fetch.load_pin(repo / rel).get("upstream") or "")
            if not upstream:
                raise UpdateError(f"no --spec and no `upstream` in {rel}")
            update(repo, upstream, regen, args.test_cmd, dt.date.today())
        return 0
    except (UpdateError, fetch.SpecError, OSError) as exc:
        print(f"spec-update failed: {exc}\nThe repository is as it was.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
