"""bench.report: ratios, targets and the markdown table, from hand-made results (no timing here)."""

from __future__ import annotations

import dataclasses

from bench.contenders import (
    OFFICIAL,
    RAW_HTTPX,
    RAW_URLLIB3,
    SENDMUX,
    SENDMUX_BASELINE,
    SENDMUX_NO_OTEL,
    SENDMUX_SPANS,
)
from bench.report import (
    ab_target_row,
    evaluate_targets,
    memory_flat_row,
    render,
    scenario_table,
    targets_table,
    time_ratio,
)
from bench.runner import QUICK, ScenarioResult


def _result(key: str, **values: list[float]) -> ScenarioResult:
    return ScenarioResult(key, dict(values))


def test_time_ratio_for_times_and_rates_means_slower_above_one() -> None:
    times = _result("get_one", raw_httpx=[1.0, 1.0, 1.0], sendmux=[1.2, 1.1, 1.3])
    assert time_ratio(times, SENDMUX, RAW_HTTPX) == 1.2
    rates = _result("paginate_1000", raw_httpx=[100.0], sendmux=[50.0])
    assert time_ratio(rates, SENDMUX, RAW_HTTPX, "rate") == 2.0
    assert time_ratio(times, SENDMUX, OFFICIAL) is None


def test_targets_met_missed_and_not_measured() -> None:
    results = {
        "get_one": _result(
            "get_one", raw_urllib3=[1.0], sendmux=[0.95], sendmux_speedups=[1.2], official=[0.9]
        ),
        "list_100": _result("list_100", raw_httpx=[1.0], sendmux=[1.5], official=[3.0]),
    }
    rows = {row.label: row for row in evaluate_targets(results)}
    assert rows["get-one ≤ 1.0× raw urllib3 + json.loads"].status == "met"
    assert rows["[speedups] get-one ≤ 1.0× raw urllib3 + json.loads"].status == "missed"
    assert rows["get-one ≤ 1.00× official SDK (no slower)"].status == "missed"
    assert rows["list-100 typed ≤ 1.10× raw httpx + json.loads"].measured == "1.500×"
    assert rows["list-100 typed ≤ 0.65× official SDK"].status == "met"
    assert rows["decode ≤ 1.5× json.loads"].status == "n/a"


def test_memory_flat_compares_tracemalloc_peaks_of_1k_and_10k() -> None:
    small = ScenarioResult("paginate_1000", {SENDMUX: [1.0]}, {SENDMUX: {"traced": [1000.0], "rss": [1.0]}})
    flat = ScenarioResult("paginate_10000", {SENDMUX: [1.0]}, {SENDMUX: {"traced": [1100.0], "rss": [1.0]}})
    grows = ScenarioResult("paginate_10000", {SENDMUX: [1.0]}, {SENDMUX: {"traced": [9000.0], "rss": [1.0]}})
    assert memory_flat_row({"paginate_1000": small, "paginate_10000": flat}).status == "met"
    assert memory_flat_row({"paginate_1000": small, "paginate_10000": grows}).status == "missed"
    assert memory_flat_row({"paginate_1000": small}).status == "n/a"


def test_scenario_table_rows_ratios_and_notes() -> None:
    result = _result("list_100", raw_httpx=[0.001, 0.0012], raw_urllib3=[0.0008], sendmux=[0.0015])
    result.skipped[OFFICIAL] = "official SDK unavailable: pip install failed"
    result.errors[RAW_URLLIB3] = "worker raw_urllib3 exited\nTraceback ..."
    table = scenario_table(result)
    assert "### 3. List 100 providers" in table
    assert "| raw httpx + json.loads | 1.10 ms | 1.00 ms | 1.20 ms | 2 | 1.00× | — |" in table
    assert "| sendmux | 1.50 ms | 1.50 ms | 1.50 ms | 1 | 1.36× | — |" in table
    assert "official SDK unavailable" in table
    assert "**failed**: `worker raw_urllib3 exited`" in table


def test_pagination_table_has_memory_columns() -> None:
    result = ScenarioResult(
        "paginate_10000", {SENDMUX: [60_000.0]}, {SENDMUX: {"rss": [33 * 2**20], "traced": [800 * 1024]}}
    )
    table = scenario_table(result)
    assert "Peak RSS" in table
    assert "| sendmux | 60.0 k/s | 60.0 k/s | 60.0 k/s | 1 | — | — | 33.0 MiB | 800 KiB |" in table


def test_render_has_environment_targets_and_every_scenario_given() -> None:
    results = [
        _result("import", raw_httpx=[0.08], sendmux=[0.09]),
        _result("decode", raw_httpx=[0.0005], sendmux=[0.0007]),
        ScenarioResult("generate", {"generator": [1.0, 1.2]}),
    ]
    text = render([("Date", "2026-11-26 17:00 UTC"), ("CPU", "Test CPU")], QUICK, results)
    assert text.startswith("# Benchmarks\n")
    assert "| CPU | Test CPU |" in text
    assert "## Targets (issues 5, 10 and 17)" in text
    assert "| decode ≤ 1.5× json.loads | 1.400× | ✅ met |" in text
    assert "### 7. `make generate`" in text
    assert "### 2. Get one provider" not in text
    assert "`json.loads` only" in text


def test_stream_tables_are_rates_with_their_sizes_and_labels() -> None:
    events = ScenarioResult("events", {RAW_HTTPX: [100_000.0, 120_000.0], SENDMUX: [50_000.0, 60_000.0]})
    table = scenario_table(events, events_n=20_000)
    assert "### 8. Event stream throughput" in table and "one `text/event-stream` of 20,000 events" in table
    assert "| raw httpx `iter_lines` + json.loads | 110 k/s |" in table
    assert (
        "| sendmux (bounded SSE parser, ids, reconnect bookkeeping) | 55.0 k/s | 50.0 k/s | 60.0 k/s | 2 | 2.00× | — |"
        in table
    )
    download = ScenarioResult("download", {RAW_HTTPX: [5e8], SENDMUX: [4e8]})
    table = scenario_table(download, download_bytes=64 << 20)
    assert "one 64 MiB download" in table and "| raw httpx `iter_bytes` | 500 M/s |" in table
    assert "1.25×" in table


def test_targets_are_also_evaluated_for_the_baseline() -> None:
    results = {
        "list_100": _result(
            "list_100", raw_httpx=[1.0, 1.0], sendmux=[1.05, 1.0], sendmux_baseline=[1.3, 1.2]
        ),
        "events": _result("events", raw_httpx=[100.0], sendmux=[90.0], sendmux_baseline=[50.0]),
    }
    rows = {row.label: row for row in evaluate_targets(results)}
    listed = rows["list-100 typed ≤ 1.10× raw httpx + json.loads"]
    assert (listed.status, listed.before, listed.before_status) == ("met", "1.250×", "missed")
    events = rows["events ≤ 1.2× httpx iter_lines + json.loads"]
    assert (events.measured, events.before, events.before_status) == ("1.111×", "2.000×", "missed")
    # The speedups contender has no baseline twin: not measured there.
    assert rows["[speedups] decode ≤ 1.5× json.loads"].before == "—"


def test_spans_targets_compare_against_spans_off_and_have_no_baseline() -> None:
    results = {
        "get_one": _result(
            "get_one",
            **{
                SENDMUX: [1.0, 1.0],
                SENDMUX_NO_OTEL: [0.995, 1.0],
                SENDMUX_SPANS: [1.08, 1.06],
                SENDMUX_BASELINE: [0.9, 0.9],
            },
        )
    }
    rows = {row.label.split(" ≤")[0]: row for row in evaluate_targets(results)}
    assert rows["native spans off"].status == "met" and rows["native spans off"].before == "—"
    assert rows["native spans on (SDK, dropping exporter)"].status == "missed"
    assert rows["native spans on (SDK, dropping exporter)"].measured == "1.070×"


def test_ab_target_names_the_worst_row() -> None:
    results = {
        "get_one": _result("get_one", sendmux=[1.02, 1.01], sendmux_baseline=[1.0, 1.0]),
        "list_100": _result("list_100", sendmux=[1.2, 1.1], sendmux_baseline=[1.0, 1.0]),
    }
    row = ab_target_row(results)
    assert row.status == "missed"
    assert row.measured == "worst: list-100 1.150×; 1 of 2 flagged"
    assert ab_target_row({}).status == "n/a"


def test_targets_table_has_baseline_columns_only_with_a_baseline() -> None:
    rows = evaluate_targets(
        {"list_100": _result("list_100", raw_httpx=[1.0], sendmux=[1.0], sendmux_baseline=[2.0])}
    )
    with_baseline = targets_table(rows, "00f3c1f")
    assert "| Target | This tree | Result | Baseline 00f3c1f | Result |" in with_baseline
    assert (
        "| list-100 typed ≤ 1.10× raw httpx + json.loads | 1.000× | ✅ met | 2.000× | ❌ missed |"
        in with_baseline
    )
    assert "Baseline" not in targets_table(rows)


def test_render_labels_the_baseline_with_its_revision() -> None:
    plan = dataclasses.replace(QUICK, baseline="00f3c1f")
    results = [_result("get_one", raw_httpx=[1.0], sendmux=[0.5], sendmux_baseline=[0.6])]
    text = render([], plan, results)
    assert "| sendmux @ 00f3c1f (baseline) | 600 ms |" in text
    assert "## A/B: this tree against 00f3c1f" in text
    assert "## httpx or httpx2" in text and "## Native spans (get-one)" in text
