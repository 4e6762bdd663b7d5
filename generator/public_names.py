"""The public names of an installed `sendmux`, as JSON: every model/enum with its fields, every method's arguments.

Run it against two builds and compare to list renames mechanically (the CHANGELOG's BREAKING list was made so):
`PYTHONPATH=<old build> python -m generator.public_names > old.json`, the same for the new one, then
`python -m generator.public_names --diff old.json new.json`.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import json
import sys
from typing import Any

_OPTIONS = {"extra_headers", "extra_query", "timeout", "max_retries", "retry"}


def dump() -> dict[str, Any]:
    import attrs

    import sendmux
    from sendmux._generated import models

    out: dict[str, Any] = {"models": {}, "args": {}}
    for name in models.__all__:
        obj = getattr(models, name)
        out["models"][name] = [a.name for a in attrs.fields(obj)] if attrs.has(obj) else "enum"
    url = "http://127.0.0.1:9/api/v1"
    clients: dict[str, Any] = {"management": sendmux.Sendmux(api_key="smx_root_names", base_url=url)}
    for surface, cls in (("mailbox", "SendmuxMailbox"), ("sending", "SendmuxSending")):
        if hasattr(sendmux, cls):  # builds from before these clients had only Management
            clients[surface] = getattr(sendmux, cls)(api_key="smx_mbx_names", base_url=url)
    for entry in sendmux.OPERATIONS:
        target: Any = clients[getattr(entry, "surface", "management")]
        for part in entry.resource.split("."):
            target = getattr(target, part)
        params = inspect.signature(getattr(target, entry.method)).parameters
        out["args"][f"{entry.resource}.{entry.method}"] = [p for p in params if p not in _OPTIONS]
    return out


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    om, nm = old["models"], new["models"]
    added = sorted(set(nm) - set(om))
    for gone in sorted(set(om) - set(nm)):
        same_shape = [n for n in added if nm[n] == om[gone] or _bare(nm[n]) == _bare(om[gone])]
        match = difflib.get_close_matches(gone, same_shape, n=1, cutoff=0.3)
        lines.append(f"- `{gone}` → `{match[0]}`" if match else f"- `{gone}` removed")
    for name in sorted(set(om) & set(nm)):
        if om[name] != "enum" and nm[name] != "enum":
            lines += [f"- `{name}.{a}` → `{name}.{a.rstrip('_')}`" for a in om[name] if a not in nm[name]]
    for method in sorted(set(old["args"]) & set(new["args"])):
        lines += [
            f"- `client.{method}({a}=…)` → `{a.rstrip('_')}=`"
            for a in old["args"][method]
            if a not in new["args"][method]
        ]
    return lines


def _bare(fields: Any) -> Any:
    return sorted(f.rstrip("_") for f in fields) if isinstance(fields, list) else fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.public_names")
    parser.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"))
    args = parser.parse_args(argv)
    if args.diff:
        old, new = (json.loads(open(path, encoding="utf-8").read()) for path in args.diff)
        print("\n".join(diff(old, new)))
    else:
        json.dump(dump(), sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
