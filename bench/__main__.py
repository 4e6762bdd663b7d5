"""`python -m bench [--quick] [--baseline REV]`: run every scenario, print the table, write docs/benchmarks.md.

`--quick` (CI smoke) runs a few iterations of everything and writes `.bench/benchmarks-quick.md`
instead, so a smoke run never overwrites the committed real run.  Nothing here asserts speed.
`--baseline REV` (default: the main before issue 17) adds that revision's runtime as a contender, for
the A/B table; `--baseline none` leaves it out.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from bench import baseline, canned, environment, official, report, runner

ROOT = Path(__file__).resolve().parent.parent


def validate_canned() -> str:
    """Check the canned bodies against the pinned spec; a note for the log if the spec is not at hand."""
    try:
        from generator.fetch import load_spec

        spec = load_spec()
    except Exception as exc:  # offline and no cache: the bodies were validated when written
        return f"canned bodies not re-validated (spec unavailable: {exc})"
    canned.validate_against_spec(spec)  # an invalid body is a harness bug: let it raise
    return "canned bodies valid against the pinned spec"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few iterations of every scenario (CI smoke)")
    parser.add_argument("--out", type=Path, help="where to write the markdown (default depends on --quick)")
    parser.add_argument(
        "--official-venv",
        type=Path,
        default=official.VENV,
        help="venv for the official SDK (created if missing)",
    )
    parser.add_argument(
        "--only",
        choices=["streams"],
        help="run only these scenarios (streams: event and download throughput) and write "
        ".bench/benchmarks-<name>.md, leaving docs/benchmarks.md alone",
    )
    parser.add_argument(
        "--baseline",
        default=baseline.DEFAULT_REV,
        metavar="REV",
        help=f"revision whose overlay/ + generated/ run as the A/B baseline (default {baseline.DEFAULT_REV}; "
        "'none' for no baseline)",
    )
    parser.add_argument(
        "--render", type=Path, metavar="RUN_JSON", help="only re-render the table from a saved run's numbers"
    )
    args = parser.parse_args(argv)
    plan = runner.QUICK if args.quick else runner.FULL
    out = args.out or (
        ROOT / ".bench" / "benchmarks-quick.md" if args.quick else ROOT / "docs" / "benchmarks.md"
    )

    if args.render:
        env, saved_plan, saved = runner.load(args.render)
        text = report.render(env, saved_plan, saved)
        target = args.out or ROOT / "docs" / "benchmarks.md"
        target.write_text(text)
        print(text)
        return 0

    base = baseline.prepare(args.baseline)
    runner.log(base.reason or f"baseline {base.short}: {base.path[0]}")
    plan = dataclasses.replace(plan, baseline=base.short if base.available else "")
    if args.only:
        return run_only(args.only, plan, base, args.out or ROOT / ".bench" / f"benchmarks-{args.only}.md")

    started = time.perf_counter()
    load_at_start = environment.load_average()
    revision = environment.git_revision()  # the code the workers load now, not whatever HEAD is at the end
    runner.log(validate_canned())
    sdk = official.ensure(args.official_venv)
    runner.log(sdk.reason or f"official SDK ready: {sdk.python}")
    try:
        sendmux_reason = runner.sendmux_status()
        if sendmux_reason:
            runner.log(sendmux_reason)
        results = runner.run_all(plan, sdk, sendmux_reason, base)
    except runner.BenchError as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 1
    env = environment.describe(sdk, load_at_start, revision, base)
    _publish(env, plan, results, out, f"last-{plan.name}-run.json")
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    runner.log(f"wrote {shown} in {time.perf_counter() - started:.0f} s")
    failures = [f"{r.key}/{name}" for r in results for name in r.errors] + [r.key for r in results if r.error]
    if failures:
        runner.log(f"FAILED: {', '.join(failures)} (see the table)")
        return 1
    return 0


def _publish(
    env: list[tuple[str, str]],
    plan: runner.Plan,
    results: list[runner.ScenarioResult],
    out: Path,
    run_json: str,
) -> None:
    """Keep the run's numbers (for `--render`), write the table to `out` and print it."""
    runner.save(ROOT / ".bench" / run_json, env, plan, results)
    text = report.render(env, plan, results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


def run_only(name: str, plan: runner.Plan, base: baseline.Baseline, out: Path) -> int:
    """A subset of the scenarios, against the floors only (the official SDK venv is not set up)."""
    load_at_start = environment.load_average()
    revision = environment.git_revision()
    sdk = official.OfficialSDK(None, f"not part of `--only {name}`")
    try:
        sendmux_reason = runner.sendmux_status()
        results = runner.run_streams(plan, sdk, sendmux_reason, base)
    except runner.BenchError as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 1
    env = environment.describe(sdk, load_at_start, revision, base)
    _publish(env, plan, results, out, f"last-{plan.name}-{name}-run.json")
    failures = [f"{r.key}/{n}" for r in results for n in r.errors]
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
