"""`python -m bench.profile SCENARIO [-n N] [--contender NAME]`: where one contender's time goes.

Runs the contender (default sendmux) against the same loopback server as `make bench`, under cProfile,
and prints the top functions by own time and by cumulative time.  For finding what to make faster;
the numbers are inflated by the profiler, so read them as shares, not as timings.  The contender runs
in this process with the environment and `sys.path` its bench worker gets (`--contender
sendmux_baseline --baseline REV` profiles the baseline's runtime).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import baseline, contenders, runner, worker
from bench.lineup import Launch


def workload(c: contenders.Contender, scenario: str) -> Callable[[], Any]:
    if scenario == "get_one":
        return c.get_one
    if scenario == "list_100":
        return c.list_100
    if scenario == "decode":
        body = worker._fetch_page(c.url)
        return lambda: c.decode(body)
    if scenario == "paginate":
        return lambda: sum(1 for _ in c.iterate())
    if scenario == "events":
        return lambda: c.events(2_000)
    if scenario == "download":
        return lambda: c.download(8 << 20)
    raise SystemExit(f"unknown scenario {scenario!r}")


def become(name: str, rev: str) -> None:
    """Give this process the environment and `sys.path` the contender's bench worker has."""
    cls = contenders.CONTENDERS[name]
    path: tuple[str, ...] = ()
    if cls.baseline:
        base = baseline.prepare(rev)
        if not base.available:
            raise SystemExit(base.reason)
        path = base.path
    env = Launch(Path(sys.executable), cls.env, path).environ(os.environ)
    os.environ.clear()
    os.environ.update(env)
    sys.path[0:0] = list(path)  # PYTHONPATH is read at start-up only


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument(
        "scenario", choices=["get_one", "list_100", "decode", "paginate", "events", "download"]
    )
    parser.add_argument("-n", type=int, default=0, help="calls to profile (default: a few seconds' worth)")
    parser.add_argument("--contender", default=contenders.SENDMUX, choices=sorted(contenders.CONTENDERS))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--baseline", default=baseline.DEFAULT_REV, help="the baseline contender's revision")
    args = parser.parse_args(argv)
    n = (
        args.n
        or {"get_one": 2000, "list_100": 300, "decode": 500, "paginate": 3, "events": 20, "download": 20}[
            args.scenario
        ]
    )
    become(args.contender, args.baseline)
    with runner.running_server() as server:
        total = 10_000 if args.scenario == "paginate" else None
        c = contenders.make(args.contender, runner.api_url(server, total))
        call = workload(c, args.scenario)
        for _ in range(max(1, n // 10)):  # warm: connections, lazy imports
            call()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            call()
        profiler.disable()
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key)
        stats.print_stats(args.top)
        print(f"== {args.contender} {args.scenario} ×{n}, by {key} ==")
        print(out.getvalue().split("\n", 4)[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
