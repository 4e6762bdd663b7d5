"""The fake server's static copy of the spec (`sendmux.testing._spec_data`) must match the pinned spec.

Regenerate the copy after a spec update with `python tests/unit/test_fake_spec_sync.py --write`.
"""

from __future__ import annotations

import pprint
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.fetch import load_spec  # noqa: E402
from generator.surface import iter_operations, select_management  # noqa: E402

SPEC_DATA = ROOT / "overlay" / "testing" / "_spec_data.py"
ANNOTATIONS = frozenset(
    {"description", "example", "examples", "title", "deprecated", "readOnly", "writeOnly"}
)


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    """Inline `$ref`s and drop annotation keywords (walking schema positions, not property names)."""
    if isinstance(node, list):
        return [_resolve(spec, x) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _resolve(spec, target)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ANNOTATIONS:
            continue
        if key in ("properties", "patternProperties"):
            out[key] = {name: _resolve(spec, sub) for name, sub in value.items()}
        else:
            out[key] = _resolve(spec, value)
    return out


def extract(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the fake needs of each Management operation: route, permission, parameters, body schema."""
    ops: dict[str, dict[str, Any]] = {}
    for path, method, op in iter_operations(select_management(spec)):
        permission = None
        for requirement in op.get("security", spec.get("security", [])):
            if requirement.get("oauth2"):
                permission = requirement["oauth2"][0]
        params = [
            {
                "name": p["name"],
                "in": p["in"],
                "required": bool(p.get("required", False)),
                "schema": _resolve(spec, p.get("schema", {})),
            }
            for p in op.get("parameters", [])
        ]
        body = None
        if "requestBody" in op:
            body = _resolve(spec, op["requestBody"]["content"]["application/json"]["schema"])
        success = min(s for s in op["responses"] if s.startswith("2"))
        ops[op["operationId"]] = {
            "method": method.upper(),
            "path": path,
            "permission": permission,
            "success": int(success),
            "params": params,
            "body": body,
        }
    return ops


def render(ops: dict[str, dict[str, Any]]) -> str:
    head = (
        '"""Static facts about the 54 Management operations, copied from the pinned spec.\n\n'
        "Written by `python tests/unit/test_fake_spec_sync.py --write`; that test fails when the copy drifts.\n"
        'Kept as data so the fake imports no generated code and never reads the spec at run time.\n"""\n\n'
        "from __future__ import annotations\n\nfrom typing import Any, Final\n\n"
    )
    return (
        head
        + "OPERATIONS: Final[dict[str, dict[str, Any]]] = "
        + pprint.pformat(ops, width=100, sort_dicts=False)
        + "\n"
    )


def test_spec_data_matches_pinned_spec() -> None:
    from sendmux.testing import _spec_data

    expected = extract(load_spec())
    assert len(expected) == 54
    assert _spec_data.OPERATIONS == expected


if __name__ == "__main__" and "--write" in sys.argv:
    SPEC_DATA.write_text(render(extract(load_spec())))
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(SPEC_DATA)], check=True)
    print(f"wrote {SPEC_DATA}")
