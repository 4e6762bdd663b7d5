"""Orchestration: start the server and the workers, run interleaved rounds, collect per-round values.

Every measured value is a per-round number: a batch of calls in one worker, divided by its size.
Contenders take turns batch by batch (A B C D, A B C D …) so machine drift hits all of them alike.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from bench import contenders
from bench.baseline import Baseline
from bench.lineup import Launch, lineup
from bench.official import OfficialSDK

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Plan:
    """How much of everything to run; `QUICK` is the CI smoke test (a few iterations of every scenario)."""

    name: str
    rounds: int
    import_rounds: int
    get_n: int
    list_n: int
    decode_n: int
    async_n: int
    async_rounds: int
    paginate_sizes: tuple[int, ...]
    paginate_rounds: int
    generate_runs: int
    events_n: int = 20_000
    """Events in one stream of the event-throughput scenario."""
    download_bytes: int = 64 * 1024 * 1024
    stream_rounds: int = 11
    baseline: str = ""
    """The A/B baseline's short revision ("" when the run had none); set by `run_all`."""
    get_rounds: int = 0
    """Rounds of get-one (0: `rounds`). More than the others: the spans goals are 1 % and 5 % of one get,
    finer than 41 rounds resolve on a shared machine, and a get-one round is cheap (~15 ms)."""

    @property
    def get_one_rounds(self) -> int:
        return self.get_rounds or self.rounds


# Many short rounds rather than a few long ones: on a shared machine, load comes and goes in seconds,
# and short interleaved batches spread it evenly over the contenders.
# Async rounds are few: a batch of 1,000 concurrent calls on httpx costs seconds of CPU (see bench_persistent).
FULL = Plan("full", 41, 21, 50, 10, 10, 1000, 5, (1_000, 10_000), 7, 3, get_rounds=161)
# The smoke test keeps the async batch small so CI stays well under its 3-minute budget on a busy machine.
QUICK = Plan("quick", 2, 2, 20, 3, 3, 200, 1, (1_000, 10_000), 1, 1, 2_000, 8 * 1024 * 1024, 2)


@dataclass
class ScenarioResult:
    key: str
    #: contender → one value per round (seconds per call, or items per second for rates).
    values: dict[str, list[float]] = field(default_factory=dict)
    #: contender → extra per-round numbers (memory), medianed in the report.
    extra: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    #: contender → why it has no row (not installed, not generated yet).
    skipped: dict[str, str] = field(default_factory=dict)
    #: contender → how it failed (a failure is reported, and makes the run exit non-zero).
    errors: dict[str, str] = field(default_factory=dict)
    #: the scenario as a whole could not run.
    error: str = ""


class BenchError(Exception):
    """The harness itself failed (not a slow contender)."""


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# -- the server ---------------------------------------------------------------------------------------


@contextmanager
def running_server() -> Iterator[str]:
    """Base URL of a fresh `bench.server` process; the server ends with the context."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise BenchError(f"bench.server did not start (said {line!r})")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        if proc.stdin:
            proc.stdin.close()  # the server stops when its stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def save(path: Path, environment: list[tuple[str, str]], plan: Plan, results: list[ScenarioResult]) -> None:
    """The raw per-round numbers, so a table can be re-rendered (`--render`) without re-running."""
    doc = {"environment": environment, "plan": asdict(plan), "results": [asdict(r) for r in results]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1))


def load(path: Path) -> tuple[list[tuple[str, str]], Plan, list[ScenarioResult]]:
    doc = json.loads(path.read_text())
    plan_doc = doc["plan"]
    plan_doc["paginate_sizes"] = tuple(plan_doc["paginate_sizes"])
    environment = [(str(k), str(v)) for k, v in doc["environment"]]
    return environment, Plan(**plan_doc), [ScenarioResult(**r) for r in doc["results"]]


def api_url(server: str, total: int | None = None) -> str:
    """Base URL for the clients; `total` selects a dataset of that many providers for pagination."""
    return f"{server}/n{total}/v1" if total else f"{server}/v1"


# -- workers ------------------------------------------------------------------------------------------


class Worker:
    """A persistent `bench.worker` process for one contender."""

    def __init__(self, name: str, launch: Launch, url: str) -> None:
        self.name = name
        self._stderr: IO[str] = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(
            [str(launch.python), "-m", "bench.worker", name, url],
            cwd=ROOT,
            env=launch.environ(os.environ),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        hello = self._read()
        if not hello.get("ready"):
            raise BenchError(f"worker {name} did not start: {hello}")

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self._stderr.seek(0)
            raise BenchError(
                f"worker {self.name} exited ({self.proc.returncode}):\n{self._stderr.read()[-3000:]}"
            )
        reply: dict[str, Any] = json.loads(line)
        return reply

    def batch(self, scenario: str, n: int) -> float:
        """Wall seconds of one batch."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"scenario": scenario, "n": n}) + "\n")
        self.proc.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise BenchError(f"{self.name} / {scenario}: {reply['error']}\n{reply.get('traceback', '')}")
        return float(reply["seconds"])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()


def run_oneshot(cmd: list[str], launch: Launch, timeout: float = 600) -> str:
    env = launch.environ(os.environ)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(cmd[:4])} … failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout


# -- scenarios ----------------------------------------------------------------------------------------


def interleave(
    names: list[str], rounds: int, measure: Callable[[str], float], warmup: bool = True
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Run `measure(name)` for every name, round by round (A B C D, A B C D …).

    A contender that fails is dropped from later rounds and its error returned, so one broken
    contender still leaves a table of the others.
    """
    values: dict[str, list[float]] = {name: [] for name in names}
    errors: dict[str, str] = {}

    def attempt(name: str) -> float | None:
        try:
            return measure(name)
        except (BenchError, subprocess.SubprocessError, ValueError, KeyError) as exc:
            errors[name] = str(exc)
            log(f"{name} failed: {str(exc)[:2000]}")
            return None

    if warmup:
        for name in names:
            attempt(name)
    for _ in range(rounds):
        for name in names:
            if name not in errors and (value := attempt(name)) is not None:
                values[name].append(value)
    return {k: v for k, v in values.items() if k not in errors}, errors


def bench_import(launches: dict[str, Launch], url: str, plan: Plan) -> ScenarioResult:
    def measure(name: str) -> float:
        launch = launches[name]
        program = contenders.import_program(name, url, launch.path)
        out = run_oneshot([str(launch.python), "-I", "-c", program], launch)
        return float(out.strip().splitlines()[-1])

    names = [name for name in launches if contenders.CONTENDERS[name].import_snippet]
    log(f"import: {len(names)} contenders × {plan.import_rounds} fresh processes")
    # The warm-up pass also compiles any missing .pyc, which a user pays once, not per process.
    values, errors = interleave(names, plan.import_rounds, measure)
    return ScenarioResult("import", values, errors=errors)


def bench_persistent(launches: dict[str, Launch], url: str, plan: Plan) -> list[ScenarioResult]:
    """get-one, list-100, decode and async, on one long-lived worker per contender."""
    workers: dict[str, Worker] = {}
    broken: dict[str, str] = {}
    persistent = {"get_one", "list_100", "decode", "async_get"}
    try:
        for name, launch in launches.items():
            if not persistent & contenders.CONTENDERS[name].scenarios:
                continue
            try:
                workers[name] = Worker(name, launch, url)
            except BenchError as exc:
                broken[name] = str(exc)
                log(f"{name} failed to start: {exc}")
        results = []
        for key, n, rounds in (
            ("get_one", plan.get_n, plan.get_one_rounds),
            ("list_100", plan.list_n, plan.rounds),
            ("decode", plan.decode_n, plan.rounds),
            ("async_get", plan.async_n, plan.async_rounds),
        ):
            names = [name for name in workers if key in contenders.CONTENDERS[name].scenarios]
            log(f"{key}: {len(names)} contenders × {rounds} rounds × {n}")
            warmup = True

            def measure(name: str, key: str = key, n: int = n) -> float:
                return workers[name].batch(key, n) / n

            if key == "async_get":
                # Open the pools with 100 concurrent calls first: a cold batch of 1,000 on an httpx pool
                # takes 10-40 s (httpcore matches every queued request against every connection on each
                # event), which is start-up, not rate.
                interleave(names, 0, functools.partial(measure, n=min(n, 100)))
                warmup = plan.name != "quick"
            # Per-call seconds; for async the batch is n concurrent calls, reported per call as well.
            values, errors = interleave(names, rounds, measure, warmup)
            result = ScenarioResult(key, values, errors={**errors})
            result.errors.update(
                {k: v for k, v in broken.items() if key in contenders.CONTENDERS[k].scenarios}
            )
            results.append(result)
        return results
    finally:
        for w in workers.values():
            w.close()


_NO_STREAMS = {
    contenders.OFFICIAL: "the official Management SDK has no Mailbox streams or downloads",
    contenders.RAW_URLLIB3: "raw httpx is the floor here",
}


def bench_streams(launches: dict[str, Launch], url: str, plan: Plan) -> list[ScenarioResult]:
    """Event throughput (events/s) and download throughput (bytes/s), one stream per round per contender."""
    keys = {"events", "download"}
    names = [name for name in launches if keys & contenders.CONTENDERS[name].scenarios]
    workers: dict[str, Worker] = {}
    broken: dict[str, str] = {}
    try:
        for name in names:
            try:
                workers[name] = Worker(name, launches[name], url)
            except BenchError as exc:
                broken[name] = str(exc)
                log(f"{name} failed to start: {exc}")
        results = []
        for key, n in (("events", plan.events_n), ("download", plan.download_bytes)):
            taking_part = [name for name in workers if key in contenders.CONTENDERS[name].scenarios]
            log(f"{key}: {len(taking_part)} contenders × {plan.stream_rounds} rounds × {n:,}")

            def measure(name: str, key: str = key, n: int = n) -> float:
                return n / workers[name].batch(key, n)

            values, errors = interleave(taking_part, plan.stream_rounds, measure)
            result = ScenarioResult(key, values, errors={**errors})
            result.errors.update(
                {k: v for k, v in broken.items() if key in contenders.CONTENDERS[k].scenarios}
            )
            for name in launches:
                if name in _NO_STREAMS:
                    result.skipped[name] = "not measured: " + _NO_STREAMS[name]
            results.append(result)
        return results
    finally:
        for w in workers.values():
            w.close()


def bench_paginate(launches: dict[str, Launch], server: str, plan: Plan) -> list[ScenarioResult]:
    results = []
    for total in plan.paginate_sizes:
        result = ScenarioResult(f"paginate_{total}")
        names = [name for name in launches if "paginate" in contenders.CONTENDERS[name].scenarios]
        extra: dict[str, dict[str, list[float]]] = {n: {"rss": [], "traced": []} for n in names}
        log(f"paginate {total}: {len(names)} contenders × {plan.paginate_rounds} fresh processes")

        def measure(name: str, total: int = total, extra: dict[str, dict[str, list[float]]] = extra) -> float:
            passes = max(1, min(10, 20_000 // total))  # ~20k items timed per process, whatever the size
            url = api_url(server, total)
            launch = launches[name]
            cmd = [str(launch.python), "-m", "bench.worker", name, url, "--paginate", "--passes", str(passes)]
            out = json.loads(run_oneshot(cmd, launch).strip().splitlines()[-1])
            if out["items"] != total:
                raise BenchError(f"{name} iterated {out['items']} of {total} items")
            extra[name]["rss"].append(out["rss_peak_kib"] * 1024.0)
            extra[name]["traced"].append(float(out["tracemalloc_peak_bytes"]))
            return float(out["items_per_second"])

        # Every round is a fresh process already; no warm-up round needed beyond the worker's own.
        result.values, result.errors = interleave(names, plan.paginate_rounds, measure, warmup=False)
        result.extra = extra
        results.append(result)
    return results


def bench_generate(plan: Plan) -> ScenarioResult:
    result = ScenarioResult("generate")
    if not (ROOT / "generator" / "__main__.py").exists():
        result.skipped["generator"] = "no `python -m generator` yet"
        return result
    try:
        from generator.fetch import pinned_spec_path

        pinned_spec_path()  # warm cache: the scenario times generation, not the download
    except Exception as exc:
        result.error = f"spec cache could not be warmed: {exc}"
        return result
    times: list[float] = []
    for _ in range(plan.generate_runs):
        with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "generator", "--out", tmp], cwd=ROOT, capture_output=True, text=True
            )
            elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            # A broken generator is the generator's test suite's business; the table says so and goes on.
            result.error = f"`python -m generator` failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}"
            return result
        times.append(elapsed)
    result.values["generator"] = times
    return result


# -- availability -------------------------------------------------------------------------------------


def sendmux_status() -> str:
    """'' when the sendmux contender can run, else why not (raises if it should run but is broken)."""
    if not (ROOT / "generated" / "client.py").exists():
        return "sendmux unavailable: the client is not generated yet (no generated/client.py)"
    probe = "import sendmux; sendmux.Sendmux; sendmux.AsyncSendmux; sendmux.OPERATIONS"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise BenchError(
            f"`import sendmux` fails although generated/client.py exists:\n{proc.stderr[-2000:]}"
        )
    return ""


def run_streams(
    plan: Plan, official: OfficialSDK, sendmux_reason: str, baseline: Baseline
) -> list[ScenarioResult]:
    """Only the stream scenarios (events, download): `python -m bench --only streams`."""
    launches, skipped = lineup(official, sendmux_reason, baseline)
    with running_server() as server:
        results = bench_streams(launches, api_url(server), plan)
    return _with_skipped(results, skipped)


def run_all(
    plan: Plan, official: OfficialSDK, sendmux_reason: str, baseline: Baseline
) -> list[ScenarioResult]:
    launches, skipped = lineup(official, sendmux_reason, baseline)
    results: list[ScenarioResult] = []
    with running_server() as server:
        url = api_url(server)
        log(f"server at {server}; contenders: {', '.join(launches)}")
        for name, reason in skipped.items():
            log(f"{name} left out: {reason}")
        results.append(bench_import(launches, url, plan))
        results.extend(bench_persistent(launches, url, plan))
        results.extend(bench_paginate(launches, server, plan))
        results.extend(bench_streams(launches, url, plan))
    log(f"generate: {plan.generate_runs} runs")
    results.append(bench_generate(plan))
    return _with_skipped(results, skipped)


def _with_skipped(results: list[ScenarioResult], skipped: dict[str, str]) -> list[ScenarioResult]:
    """Note every left-out contender under the scenarios it would have taken part in."""
    for result in results:
        for name, reason in skipped.items():
            cls = contenders.CONTENDERS[name]
            if (
                result.key in cls.scenarios
                or (result.key == "import" and cls.import_snippet)
                or (result.key.startswith("paginate_") and "paginate" in cls.scenarios)
            ):
                result.skipped.setdefault(name, reason)
    return results
