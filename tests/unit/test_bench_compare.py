"""bench.compare: the A/B, httpx2 and spans sections, from hand-made results (no timing here)."""

from __future__ import annotations

import pytest

from bench.compare import (
    Comparison,
    ab_rows,
    ab_section,
    compare,
    httpx2_section,
    spans_off,
    spans_on,
    spans_section,
    verdict,
)
from bench.contenders import (
    RAW_HTTPX,
    RAW_HTTPX2,
    RAW_HTTPX2_SSE,
    RAW_HTTPX_SPAN,
    SENDMUX,
    SENDMUX_BASELINE,
    SENDMUX_HTTPX2,
    SENDMUX_NO_OTEL,
    SENDMUX_OTEL_API,
    SENDMUX_SPANS,
)
from bench.runner import ScenarioResult
from bench.stats import quartiles, round_ratios


def _result(key: str, values: dict[str, list[float]]) -> ScenarioResult:
    return ScenarioResult(key, values)


def test_round_ratios_pair_rounds_and_quartiles_need_two() -> None:
    assert round_ratios([2.0, 3.0], [1.0, 2.0]) == [2.0, 1.5]
    assert round_ratios([2.0], [1.0, 2.0]) == []
    assert round_ratios([2.0], [0.0]) == []
    assert quartiles([1.0]) is None
    assert quartiles([1.0, 2.0, 3.0, 4.0, 5.0]) == (2.0, 4.0)


def test_compare_is_a_time_ratio_for_times_and_rates() -> None:
    times = _result("get_one", {SENDMUX: [1.1, 2.2, 1.1], SENDMUX_BASELINE: [1.0, 2.0, 1.0]})
    assert compare(times, SENDMUX, SENDMUX_BASELINE).ratio == pytest.approx(1.1)
    rates = _result("events", {SENDMUX: [50.0, 50.0], SENDMUX_BASELINE: [100.0, 100.0]})
    assert compare(rates, SENDMUX, SENDMUX_BASELINE).ratio == pytest.approx(2.0)  # half the rate: 2x the time
    assert compare(times, SENDMUX, "nobody") == Comparison(None)
    assert compare(None, SENDMUX, SENDMUX_BASELINE).text() == "—"


def test_comparison_text_shows_the_spread_when_there_is_one() -> None:
    assert Comparison(1.0234, (0.99, 1.05)).text() == "1.023× (0.99–1.05)"
    assert Comparison(1.0234).text() == "1.023×"


@pytest.mark.parametrize(
    ("ratio", "text"),
    [(1.06, "⚠️ 6.0 % slower"), (1.05, "within 5 %"), (0.97, "within 5 %"), (0.9, "10.0 % faster")],
)
def test_verdict_flags_more_than_five_percent_slower(ratio: float, text: str) -> None:
    assert verdict(Comparison(ratio)) == text


def test_ab_rows_cover_what_both_sides_ran_and_pagination_memory() -> None:
    results = {
        "get_one": _result("get_one", {SENDMUX: [1.1, 1.1], SENDMUX_BASELINE: [1.0, 1.0]}),
        "decode": _result("decode", {SENDMUX: [1.0]}),  # no baseline: no row
        "paginate_1000": ScenarioResult(
            "paginate_1000",
            {SENDMUX: [90.0], SENDMUX_BASELINE: [100.0]},
            {SENDMUX: {"traced": [2048.0]}, SENDMUX_BASELINE: {"traced": [1024.0]}},
        ),
    }
    rows = ab_rows(results)
    assert [r.what for r in rows] == ["get-one", "paginate 1k", "paginate 1k: tracemalloc peak"]
    assert [r.flagged for r in rows] == [True, True, True]
    assert rows[2].now == "2.00 KiB" and rows[2].before == "1.00 KiB"


def test_ab_section_table_and_no_baseline() -> None:
    results = {"list_100": _result("list_100", {SENDMUX: [0.001, 0.001], SENDMUX_BASELINE: [0.001, 0.00125]})}
    text = ab_section(results, "00f3c1f")
    assert "## A/B: this tree against 00f3c1f" in text
    assert "| list-100 | 1.00 ms | 1.12 ms | 0.900× (0.85–0.95) | 10.0 % faster |" in text
    assert "No baseline in this run" in ab_section({}, "")


def test_httpx2_section_compares_the_stacks_raw_and_through_sendmux() -> None:
    results = {
        "import": _result(
            "import", {RAW_HTTPX: [0.1], RAW_HTTPX2: [0.08], SENDMUX: [0.1], SENDMUX_HTTPX2: [0.12]}
        ),
        "get_one": _result(
            "get_one", {RAW_HTTPX: [0.001], RAW_HTTPX2: [0.001], SENDMUX: [0.001], SENDMUX_HTTPX2: [0.001]}
        ),
        "events": _result(
            "events",
            {
                RAW_HTTPX: [200.0],
                RAW_HTTPX2: [200.0],
                RAW_HTTPX2_SSE: [100.0],
                SENDMUX: [150.0],
                SENDMUX_HTTPX2: [150.0],
            },
        ),
    }
    text = httpx2_section(results)
    assert "| import + construct | 100 ms | 80.0 ms | 0.800× | 100 ms | 120 ms | 1.200× |" in text
    assert "`import httpx2` + client 80.0 ms against httpx's 100 ms" in text
    assert "`EventSource` (bounded events) + `json.loads` reads 100 /s, 2.000×" in text
    assert "import + construct (raw: 20.0 % faster); import + construct (sendmux: 20.0 % slower)" in text
    assert "Not measured" in httpx2_section({})


def test_spans_section_reads_every_variant_against_spans_off() -> None:
    results = {
        "get_one": _result(
            "get_one",
            {
                SENDMUX: [0.001, 0.001],
                SENDMUX_NO_OTEL: [0.001, 0.001],
                SENDMUX_OTEL_API: [0.00102, 0.00102],
                SENDMUX_SPANS: [0.00104, 0.00104],
                RAW_HTTPX: [0.002, 0.002],
                RAW_HTTPX_SPAN: [0.00203, 0.00203],
            },
        )
    }
    assert spans_off(results).ratio == pytest.approx(1.0)
    assert spans_on(results).ratio == pytest.approx(1.04)
    text = spans_section(results)
    assert "| `tracing=False` (spans off) | 1.00 ms | reference | — |" in text
    assert "| `tracing=True`, SDK + dropping exporter | 1.04 ms | 1.040× (1.04–1.04) | +40.0 µs |" in text
    assert (
        "around a raw httpx get: +30.0 µs per call (1.015× (1.02–1.02) raw httpx); sendmux's spans: +40.0 µs"
        in text
    )
    assert "Not measured" in spans_section({})
