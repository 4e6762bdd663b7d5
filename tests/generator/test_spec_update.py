"""`make spec-update` end to end, on a temp copy of the repo with local spec files."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# `generator` lives at the repo root, which pytest does not put on sys.path by itself.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import fetch, spec_update  # noqa: E402
from generator.spec_update import (  # noqa: E402
    bump_version,
    insert_changelog_entry,
    pin_source,
)

Spec = dict[str, Any]
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".cache",
    "node_modules",
    "build",
    "dist",
    ".bench",
    "*.egg-info",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
)

# The light test command: import the regenerated package from the copy (not the installed one)
# and check its operation table holds what the new spec adds.
CHECK_IMPORT = """\
import sys
from pathlib import Path

repo = Path.cwd().resolve()
shim = repo / "build" / "import-check" / "sendmux"
shim.mkdir(parents=True, exist_ok=True)
for item in [*(repo / "overlay").iterdir(), repo / "generated"]:
    link = shim / ("_generated" if item.name == "generated" else item.name)
    if not link.is_symlink():
        link.symlink_to(item)
sys.path.insert(0, str(shim.parent))
import sendmux

assert Path(sendmux.__file__).resolve().is_relative_to(repo), sendmux.__file__
ops = {op.operation_id for op in sendmux.OPERATIONS}
missing = set(sys.argv[1:]) - ops
assert not missing, f"not generated: {missing}"
print(f"imported sendmux {sendmux.__version__} with {len(ops)} operations from {repo}")
"""


# ---------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("bump", "expected"), [("major", "1.0.0"), ("minor", "0.3.0"), ("patch", "0.2.4"), ("none", "0.2.3")]
)
def test_bump_version(bump: str, expected: str) -> None:
    assert bump_version("0.2.3", bump) == expected


def test_bump_version_refuses_odd_versions() -> None:
    with pytest.raises(spec_update.UpdateError):
        bump_version("1.0.0rc1", "minor")


def test_pin_source(tmp_path: Path) -> None:
    inside = tmp_path / "openapi" / "next.json"
    assert pin_source(str(inside), tmp_path) == {"kind": "file", "path": "openapi/next.json"}
    outside = tmp_path.parent / "elsewhere.json"
    assert pin_source(str(outside), tmp_path) == {"kind": "file", "path": str(outside.resolve())}
    url = "https://example.invalid/openapi.json"
    assert pin_source(url, tmp_path) == {"kind": "url", "url": url}


def test_changelog_entry_goes_below_unreleased() -> None:
    log = "# Changelog\n\n## Unreleased\n- work\n\n## 0.1.0 — 2026-01-01\n- first\n"
    out = insert_changelog_entry(log, "## 0.2.0 — 2026-02-02\n\nnew\n")
    assert out == (
        "# Changelog\n\n## Unreleased\n- work\n\n## 0.2.0 — 2026-02-02\n\nnew\n\n## 0.1.0 — 2026-01-01\n- first\n"
    )
    assert insert_changelog_entry("# Changelog\n\n## Unreleased\n- x\n", "## 1\n") == (
        "# Changelog\n\n## Unreleased\n- x\n\n## 1\n"
    )
    assert insert_changelog_entry("", "## 1\n") == "# Changelog\n\n## 1\n"
    # An Unreleased section may name the version it is heading for.
    log = "# Changelog\n\n## Unreleased — 2.0.0\n- work\n\n## 1.0.0 — 2026-12-01\n- first\n"
    assert insert_changelog_entry(log, "## 1.0.1 — 2026-12-02\n") == (
        "# Changelog\n\n## Unreleased — 2.0.0\n- work\n\n## 1.0.1 — 2026-12-02\n\n## 1.0.0 — 2026-12-01\n- first\n"
    )


def test_project_version_is_found_only_in_the_project_table() -> None:
    text = (
        '[tool.x]\nversion = "9"\n\n[project]\nname = "a"\ndeps = [\n  "b",\n]\nversion = "1.2.3"\n[tool.y]\n'
    )
    out = spec_update.set_version(text, spec_update.PROJECT_VERSION, "2.0.0", "t")
    assert 'version = "9"' in out and 'version = "2.0.0"' in out and "1.2.3" not in out


# ---------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def pinned_spec() -> Spec:
    try:
        path = fetch.pinned_spec_path()
    except fetch.SpecError as exc:
        pytest.skip(f"pinned spec unavailable offline: {exc}")
    spec: Spec = json.loads(path.read_bytes())
    return spec


@pytest.fixture
def repo(tmp_path: Path, pinned_spec: Spec) -> Path:
    if not (ROOT / "generator" / "__main__.py").is_file():
        pytest.skip("the generator CLI (generator/__main__.py) is not there yet")
    copy_ = tmp_path / "repo"
    shutil.copytree(ROOT, copy_, ignore=IGNORE, symlinks=True)
    cache = copy_ / spec_update.CACHE
    cache.mkdir(parents=True)
    for rel in spec_update.pin_files(copy_).values():  # every pinned spec, so regenerating stays offline
        pin = fetch.load_pin(copy_ / rel)
        shutil.copy(fetch.pinned_spec_path(ROOT / rel), cache / f"{pin['sha256']}.json")
    (tmp_path / "check_import.py").write_text(CHECK_IMPORT)
    return copy_


def state(repo: Path) -> dict[str, bytes | None]:
    """The bytes of everything spec-update may touch."""
    out: dict[str, bytes | None] = {}
    for rel in spec_update.files(repo):
        path = repo / rel
        out[rel] = path.read_bytes() if path.is_file() else None
    for base in (repo / spec_update.GENERATED, repo / spec_update.CACHE):
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out[str(path.relative_to(repo))] = path.read_bytes()
    return out


def write_spec(tmp_path: Path, spec: Spec, name: str = "new-spec.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(spec, indent=2))
    return path


def edited(spec: Spec, edit: Callable[[Spec], None]) -> Spec:
    new = copy.deepcopy(spec)
    edit(new)
    return new


def run_update(repo: Path, spec: Path, *operation_ids: str, test_cmd: str | None = None) -> int:
    check = repo.parent / "check_import.py"
    cmd = test_cmd or " ".join([sys.executable, str(check), *operation_ids])
    return spec_update.main(["--repo", str(repo), "--spec", str(spec), "--test-cmd", cmd])


def add_widgets(spec: Spec) -> None:
    """A new operation (own tag, own model) and a new response field on an existing model."""
    spec["paths"]["/widgets"] = {
        "get": {
            "operationId": "managementListWidgets",
            "summary": "List widgets",
            "tags": ["Widgets"],
            "security": [{"bearerAuth": []}, {"oauth2": ["widget.read"]}],
            "responses": {
                "200": {
                    "description": "Widget list",
                    "content": {
                        "application/json": {
                            "schema": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/SuccessEnvelope"},
                                    {
                                        "type": "object",
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Widget"},
                                            },
                                            "meta": {"$ref": "#/components/schemas/ResponseMeta"},
                                        },
                                        "required": ["data"],
                                    },
                                ]
                            }
                        }
                    },
                }
            },
        }
    }
    spec["components"]["schemas"]["Widget"] = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        "required": ["id", "name"],
    }
    spec["components"]["schemas"]["MailboxDomain"]["properties"]["widget_count"] = {"type": "integer"}


def test_additive_spec_is_a_minor_release(repo: Path, tmp_path: Path, pinned_spec: Spec) -> None:
    version = spec_update.read_version(repo)
    new_spec = write_spec(tmp_path, edited(pinned_spec, add_widgets))
    assert run_update(repo, new_spec, "managementListWidgets") == 0

    sha = fetch.sha256(new_spec.read_bytes())
    pin = json.loads((repo / spec_update.PIN).read_text())
    assert pin["source"] == {"kind": "file", "path": str(new_spec.resolve())}
    assert pin["sha256"] == sha
    assert pin["upstream"] == fetch.load_pin(ROOT / spec_update.PIN)["upstream"]
    assert (repo / spec_update.CACHE / f"{sha}.json").read_bytes() == new_spec.read_bytes()

    new_version = bump_version(version, "minor")
    assert spec_update.read_version(repo) == new_version
    if (repo / spec_update.VERSION_PY).is_file():
        assert f'__version__ = "{new_version}"' in (repo / spec_update.VERSION_PY).read_text()
    log = (repo / spec_update.CHANGELOG).read_text()
    assert f"## {new_version} — {dt.date.today().isoformat()}" in log
    assert "- `managementListWidgets` operation-added: GET /widgets" in log
    assert "response-field-added `widget_count`" in log
    assert "managementListWidgets" in (repo / "generated" / "operations.py").read_text()


def test_removed_response_field_is_a_major_release(repo: Path, tmp_path: Path, pinned_spec: Spec) -> None:
    version = spec_update.read_version(repo)

    def drop_field(spec: Spec) -> None:
        domain = spec["components"]["schemas"]["MailboxDomain"]
        del domain["properties"]["mailbox_count"]
        domain["required"] = [r for r in domain.get("required", []) if r != "mailbox_count"]

    assert run_update(repo, write_spec(tmp_path, edited(pinned_spec, drop_field))) == 0
    new_version = bump_version(version, "major")
    assert spec_update.read_version(repo) == new_version
    log = (repo / spec_update.CHANGELOG).read_text()
    assert "major bump" in log
    assert "response-field-removed `mailbox_count`" in log


def test_description_only_is_a_patch_release(repo: Path, tmp_path: Path, pinned_spec: Spec) -> None:
    version = spec_update.read_version(repo)

    def reword(spec: Spec) -> None:
        spec["paths"]["/domains"]["get"]["description"] = "Lists the team's sending domains."

    assert run_update(repo, write_spec(tmp_path, edited(pinned_spec, reword))) == 0
    assert spec_update.read_version(repo) == bump_version(version, "patch")
    assert "description-changed" in (repo / spec_update.CHANGELOG).read_text()


def test_the_pinned_spec_again_changes_nothing(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(repo)
    same = tmp_path / "same.json"
    shutil.copy(fetch.pinned_spec_path(), same)
    assert run_update(repo, same, test_cmd="false") == 0  # stops before regenerating or testing
    assert "nothing to do" in capsys.readouterr().out
    assert state(repo) == before


@pytest.mark.parametrize("failing", ["regenerate", "tests", "bump"])
def test_a_failure_leaves_the_repo_as_it_was(
    repo: Path, tmp_path: Path, pinned_spec: Spec, failing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = repo / spec_update.PYPROJECT
    if failing == "bump":  # the last step fails, after regenerating and testing
        text = pyproject.read_text()
        pyproject.write_text(text.replace(f'"{spec_update.read_version(repo)}"', '"1.0.0rc1"', 1))
    before = state(repo)
    new_spec = write_spec(tmp_path, edited(pinned_spec, add_widgets))
    test_cmd = f"{sys.executable} -c 'raise SystemExit(3)'" if failing == "tests" else "true"
    args = ["--repo", str(repo), "--spec", str(new_spec), "--test-cmd", test_cmd]
    if failing == "regenerate":
        args += ["--regen-cmd", f"{sys.executable} -c 'raise SystemExit(4)'"]
    assert spec_update.main(args) == 1
    err = capsys.readouterr().err
    assert "spec-update failed" in err and "as it was" in err
    assert state(repo) == before


def test_an_unreadable_spec_fails_cleanly(repo: Path, tmp_path: Path) -> None:
    before = state(repo)
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    assert run_update(repo, bad) == 1
    assert state(repo) == before


def test_a_sending_spec_moves_the_sending_pin_only(repo: Path, tmp_path: Path) -> None:
    from generator import config

    sending_pin = spec_update.pin_files(repo)["sending"]
    app_pin_before = (repo / spec_update.PIN).read_bytes()
    version = spec_update.read_version(repo)
    spec = fetch.load_pinned(config.load().specs["sending"].pin)

    def reword(s: Spec) -> None:
        s["paths"]["/emails/send"]["post"]["description"] = "Queue one email."

    new_spec = write_spec(tmp_path, edited(spec, reword), "new-sending.json")
    assert run_update(repo, new_spec, "sendingSendEmail") == 0
    pin = json.loads((repo / sending_pin).read_text())
    assert pin["sha256"] == fetch.sha256(new_spec.read_bytes())
    assert (repo / spec_update.PIN).read_bytes() == app_pin_before  # the app pin did not move
    assert spec_update.read_version(repo) == bump_version(version, "patch")
    assert "Sending API" in (repo / spec_update.CHANGELOG).read_text()
