"""The fake server's static copy of the spec (`sendmux.testing._spec_data`) must match the pinned spec.

Regenerate the copy after a spec update with `python tests/unit/test_fake_spec_sync.py --write`.
"""

from __future__ import annotations

import pprint
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.specs import all_operations  # noqa: E402

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


def _oauth_schemes(spec: dict[str, Any]) -> set[str]:
    schemes = spec.get("components", {}).get("securitySchemes", {})
    return {name for name, scheme in schemes.items() if scheme.get("type") == "oauth2"}


def extract(
    operations: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]],
) -> dict[str, dict[str, Any]]:
    """What the fake needs of each operation of every surface: route, permission (its OAuth2 scope),
    whether it takes a credential, parameters, and the request body (JSON schema, or binary)."""
    ops: dict[str, dict[str, Any]] = {}
    for surface, path, method, op, spec in operations:
        oauth = _oauth_schemes(spec)
        security = op.get("security", spec.get("security", []))
        permission = None
        for requirement in security:
            for scheme, scopes in requirement.items():
                if scheme in oauth and scopes:
                    permission = scopes[0]
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
        request_body = "none"
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = _resolve(spec, content["application/json"]["schema"])
            request_body = "json"
        elif "application/octet-stream" in content:
            request_body = "binary"
        success = min(s for s in op["responses"] if s.startswith("2"))
        ops[op["operationId"]] = {
            "surface": surface,
            "method": method.upper(),
            "path": path,
            "permission": permission,
            "auth": bool(security),
            "success": int(success),
            "params": params,
            "body": body,
            "request_body": request_body,
        }
    return ops


def render(ops: dict[str, dict[str, Any]]) -> str:
    head = (
        '"""Static facts about every operation of the pinned specs (Management, Mailbox and Sending).\n\n'
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

    expected = extract(all_operations())
    surfaces = Counter(op["surface"] for op in expected.values())
    assert surfaces == {"management": 54, "mailbox": 42, "sending": 8}
    assert _spec_data.OPERATIONS == expected


if __name__ == "__main__" and "--write" in sys.argv:
    SPEC_DATA.write_text(render(extract(all_operations())))
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(SPEC_DATA)], check=True)
    print(f"wrote {SPEC_DATA}")
