"""`python -m generator`: the build pipeline.

python -m generator [--spec PATH_OR_URL]... [--out DIR] [--lenient]   generate (default: the pinned specs)
python -m generator check [--out DIR]                                 regenerate to a temp dir, fail on drift
python -m generator diff OLD NEW [--json]                             what changed for client users

Each `--spec` document is recognised as one configured API (`openapi/surfaces.yaml`: the app spec or
the Sending spec); the package gets the clients of the APIs given.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
import time
import warnings
from pathlib import Path

from .pipeline import generate


def _generate(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Generate the sendmux layer.")
    parser.add_argument(
        "--spec",
        action="append",
        help="spec path or URL, once per API (default: the pinned specs, sha256-verified)",
    )
    parser.add_argument("--out", default="generated", help="output folder (default: generated)")
    parser.add_argument("--lenient", action="store_true", help="overlay actions matching nothing only warn")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = generate(args.spec, Path(args.out), lenient=args.lenient)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    for text in result.warnings:
        print(f"warning: {text}", file=sys.stderr)
    print(
        f"generated {result.operation_count} operations, {result.model_count} models/enums into {args.out} "
        f"in {time.perf_counter() - started:.2f}s ({len(result.warnings)} generator warnings)"
    )
    return 0


def _differences(expected: Path, actual: Path) -> list[str]:
    out: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        out.extend(f"only in {expected}: {prefix}{n}" for n in cmp.left_only if n != "__pycache__")
        out.extend(f"only in fresh output: {prefix}{n}" for n in cmp.right_only if n != "__pycache__")
        out.extend(f"differs: {prefix}{n}" for n in cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            if name != "__pycache__":
                walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(expected, actual), "")
    return out


def _check(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator check")
    parser.add_argument("--out", default="generated")
    parser.add_argument("--spec", action="append")
    args = parser.parse_args(argv)
    committed = Path(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "generated"
        generate(args.spec, fresh)
        # dircmp compares shallowly by stat first; force content comparison.
        filecmp.clear_cache()
        problems = [p for p in _differences(committed, fresh)]
        problems += [
            f"differs: {rel}"
            for rel in sorted(str(p.relative_to(fresh)) for p in fresh.rglob("*") if p.is_file())
            if (committed / rel).is_file() and (committed / rel).read_bytes() != (fresh / rel).read_bytes()
        ]
    problems = sorted(set(problems))
    if problems:
        print(f"{committed} is out of date with the spec and templates (run `make generate`):")
        print("\n".join(f"  {p}" for p in problems))
        return 1
    print(f"{committed} is up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "check":
        return _check(argv[1:])
    if argv and argv[0] == "diff":
        from . import diff

        return diff.main(argv[1:])
    return _generate(argv)


if __name__ == "__main__":
    sys.exit(main())
