"""The report's comparisons: this tree against the baseline (A/B), httpx against httpx2, spans off and on.

Every comparison is the median of per-round time ratios, with their interquartile range: round i of
two contenders ran back to back, so load on a shared machine hits both, and the range shows how much
the rounds agree. A ratio above 1× means the first contender is slower, for times and rates alike.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    label,
)
from bench.runner import ScenarioResult
from bench.scenarios import kind, short_title
from bench.stats import format_bytes, format_duration, format_rate, paired_ratio, quartiles, round_ratios

SLOWER = 1.05
"""An A/B row more than 5 % slower than the baseline is flagged (issue 17: "no row more than 5 % slower")."""
SPANS_OFF_LIMIT = 1.01
SPANS_ON_LIMIT = 1.05

AB_SCENARIOS = (
    "import",
    "get_one",
    "list_100",
    "decode",
    "paginate_1000",
    "paginate_10000",
    "async_get",
    "events",
    "download",
)
HTTPX2_SCENARIOS = ("import", "get_one", "list_100", "async_get", "events", "download")


@dataclass(frozen=True)
class Comparison:
    ratio: float | None
    """Median per-round time ratio (None: one side did not run)."""
    spread: tuple[float, float] | None = None
    """Interquartile range of the per-round ratios (None: too few paired rounds)."""

    def text(self) -> str:
        if self.ratio is None:
            return "—"
        if self.spread is None:
            return f"{self.ratio:.3f}×"
        return f"{self.ratio:.3f}× ({self.spread[0]:.2f}–{self.spread[1]:.2f})"


def _compare(a: Sequence[float] | None, b: Sequence[float] | None, time_like: bool) -> Comparison:
    if not a or not b:
        return Comparison(None)
    ratios = round_ratios(a, b) if time_like else round_ratios(b, a)
    if not ratios:  # rounds do not pair up: the ratio of medians, no spread
        return Comparison(paired_ratio(a, b) if time_like else paired_ratio(b, a))
    return Comparison(statistics.median(ratios), quartiles(ratios))


def compare(result: ScenarioResult | None, a: str, b: str) -> Comparison:
    """`a` against `b` in one scenario, as a time ratio (> 1: `a` is slower)."""
    if result is None:
        return Comparison(None)
    return _compare(result.values.get(a), result.values.get(b), kind(result.key) == "time")


def compare_extra(result: ScenarioResult | None, a: str, b: str, key: str) -> Comparison:
    """`a` against `b` on a per-round extra number where less is better (memory): > 1 means `a` uses more."""
    if result is None:
        return Comparison(None)
    return _compare(result.extra.get(a, {}).get(key), result.extra.get(b, {}).get(key), True)


def median_of(result: ScenarioResult | None, name: str) -> float | None:
    values = result.values.get(name) if result else None
    return statistics.median(values) if values else None


def fmt(value: float | None, kind_: str) -> str:
    if value is None:
        return "—"
    return format_rate(value) if kind_ == "rate" else format_duration(value)


# -- A/B ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ABRow:
    what: str
    now: str
    before: str
    cmp: Comparison

    @property
    def flagged(self) -> bool:
        return self.cmp.ratio is not None and self.cmp.ratio > SLOWER


def ab_rows(
    results: Mapping[str, ScenarioResult], a: str = SENDMUX, b: str = SENDMUX_BASELINE
) -> list[ABRow]:
    """Every scenario both sides ran, and pagination's memory: `a` (this tree) against `b` (the baseline)."""
    rows = []
    for key in AB_SCENARIOS:
        result = results.get(key)
        if result is None or not result.values.get(a) or not result.values.get(b):
            continue
        k = kind(key)
        rows.append(
            ABRow(
                short_title(key),
                fmt(median_of(result, a), k),
                fmt(median_of(result, b), k),
                compare(result, a, b),
            )
        )
        if key.startswith("paginate_"):
            mem_a, mem_b = result.extra.get(a, {}).get("traced"), result.extra.get(b, {}).get("traced")
            if mem_a and mem_b:
                rows.append(
                    ABRow(
                        f"{short_title(key)}: tracemalloc peak",
                        format_bytes(statistics.median(mem_a)),
                        format_bytes(statistics.median(mem_b)),
                        compare_extra(result, a, b, "traced"),
                    )
                )
    return rows


def verdict(c: Comparison, limit: float = SLOWER) -> str:
    if c.ratio is None:
        return "—"
    pct = (c.ratio - 1.0) * 100.0
    if c.ratio > limit:
        return f"⚠️ {c.ratio:.1f}× slower" if c.ratio >= 2.0 else f"⚠️ {pct:.1f} % slower"
    if c.ratio < 2.0 - limit:
        # "97 % faster" hides a 30× difference; past 2× say how many times.
        return f"{1.0 / c.ratio:.1f}× faster" if c.ratio <= 0.5 else f"{-pct:.1f} % faster"
    return "within 5 %"


def ab_section(results: Mapping[str, ScenarioResult], baseline: str) -> str:
    rows = ab_rows(results)
    head = [
        f"## A/B: this tree against {baseline or 'the baseline'}",
        "",
        f"`sendmux` (this tree, native spans off) against `sendmux @ {baseline or 'baseline'}` (that revision's",
        "`overlay/` + `generated/` on the same venv), in one run, interleaved round by round. Ratio: median",
        "of per-round time ratios this ÷ baseline (> 1× slower; for rates the inverse, so > 1× is slower",
        "there too; for memory > 1× is more), the interquartile range of those ratios in brackets.",
        f"Rows more than {(SLOWER - 1) * 100:.0f} % slower are flagged.",
        "",
    ]
    if not rows:
        return "\n".join(
            [*head, "No baseline in this run (`--baseline none`, or the revision is not in this clone)."]
        )
    table = ["| Row | This tree | Baseline | This ÷ baseline (IQR) | |", "|---|---:|---:|---:|---|"]
    table += [f"| {r.what} | {r.now} | {r.before} | {r.cmp.text()} | {verdict(r.cmp)} |" for r in rows]
    return "\n".join(head + table)


# -- httpx or httpx2 ------------------------------------------------------------------------------------


def httpx2_section(results: Mapping[str, ScenarioResult]) -> str:
    head = [
        "## httpx or httpx2",
        "",
        "The same code on both stacks: raw `httpx` against raw `httpx2` (+ `json.loads`), and sendmux on its",
        'default stack against `Sendmux(..., http_stack="httpx2")`. Ratios are httpx2 ÷ httpx per round',
        "(< 1× means httpx2 is faster), interquartile range in brackets.",
        "",
        "| Scenario | raw httpx | raw httpx2 | httpx2 ÷ httpx | sendmux | sendmux (httpx2) | httpx2 ÷ httpx |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines = []
    raw_cmp: dict[str, Comparison] = {}
    ours_cmp: dict[str, Comparison] = {}
    for key in HTTPX2_SCENARIOS:
        result = results.get(key)
        if result is None:
            continue
        k = kind(key)
        raw_cmp[key] = compare(result, RAW_HTTPX2, RAW_HTTPX)
        ours_cmp[key] = compare(result, SENDMUX_HTTPX2, SENDMUX)
        cells = [
            short_title(key),
            fmt(median_of(result, RAW_HTTPX), k),
            fmt(median_of(result, RAW_HTTPX2), k),
            raw_cmp[key].text(),
            fmt(median_of(result, SENDMUX), k),
            fmt(median_of(result, SENDMUX_HTTPX2), k),
            ours_cmp[key].text(),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if not lines:
        return "\n".join([*head[:2], "Not measured in this run (httpx2 not installed)."])
    return "\n".join(head + lines + ["", *httpx2_reading(results, raw_cmp, ours_cmp)])


def httpx2_reading(
    results: Mapping[str, ScenarioResult], raw: Mapping[str, Comparison], ours: Mapping[str, Comparison]
) -> list[str]:
    """The section's bullets, written from the numbers (so a rerun cannot leave them stale)."""
    out = []
    imp = results.get("import")
    if imp is not None and raw.get("import", Comparison(None)).ratio is not None:
        out.append(
            f"- **Import + construct**: `import httpx2` + client {fmt(median_of(imp, RAW_HTTPX2), 'time')} against "
            f"httpx's {fmt(median_of(imp, RAW_HTTPX), 'time')} ({raw['import'].text()}); sendmux on httpx2 "
            f"{fmt(median_of(imp, SENDMUX_HTTPX2), 'time')} against {fmt(median_of(imp, SENDMUX), 'time')} on httpx "
            f"({ours.get('import', Comparison(None)).text()})."
        )
    speed = [k for k in HTTPX2_SCENARIOS if k != "import"]
    for who, cmps in (("raw", raw), ("through sendmux", ours)):
        parts = [
            f"{short_title(k)} {cmps[k].text()}" for k in speed if k in cmps and cmps[k].ratio is not None
        ]
        if parts:
            out.append(f"- **Speed, {who}** (httpx2 ÷ httpx): " + "; ".join(parts) + ".")
    events = results.get("events")
    if events is not None and median_of(events, RAW_HTTPX2_SSE) is not None:
        out.append(
            f"- **SSE**: httpx2's built-in `EventSource` (bounded events) + `json.loads` reads "
            f"{fmt(median_of(events, RAW_HTTPX2_SSE), 'rate')}, {compare(events, RAW_HTTPX2_SSE, RAW_HTTPX).text()} "
            f"the raw httpx `iter_lines` floor; sendmux parses with its own bounded parser on either stack: "
            f"{fmt(median_of(events, SENDMUX), 'rate')} on httpx, {fmt(median_of(events, SENDMUX_HTTPX2), 'rate')} "
            "on httpx2."
        )
    differ = [
        f"{short_title(k)} ({who}: {verdict(c).replace('⚠️ ', '')})"
        for who, cmps in (("raw", raw), ("sendmux", ours))
        for k, c in cmps.items()
        if c.ratio is not None and abs(c.ratio - 1.0) > SLOWER - 1.0
    ]
    out.append(
        "- **Where httpx2 differs by more than 5 %**: " + ("; ".join(differ) if differ else "nowhere") + "."
    )
    return out


# -- native spans ---------------------------------------------------------------------------------------

SPANS_ROWS = (SENDMUX, SENDMUX_NO_OTEL, SENDMUX_OTEL_API, SENDMUX_SPANS)


def spans_off(results: Mapping[str, ScenarioResult]) -> Comparison:
    """`tracing=False` against OpenTelemetry not installed: what switching spans off leaves behind."""
    return compare(results.get("get_one"), SENDMUX, SENDMUX_NO_OTEL)


def spans_on(results: Mapping[str, ScenarioResult]) -> Comparison:
    """Spans recorded (SDK, dropping exporter) against `tracing=False`."""
    return compare(results.get("get_one"), SENDMUX_SPANS, SENDMUX)


def _per_call_delta(result: ScenarioResult, a: str, b: str) -> str:
    va, vb = result.values.get(a), result.values.get(b)
    if not va or not vb or len(va) != len(vb):
        return "—"
    delta = statistics.median(x - y for x, y in zip(va, vb, strict=True))
    return ("+" if delta >= 0 else "−") + format_duration(abs(delta))


def spans_section(results: Mapping[str, ScenarioResult]) -> str:
    head = [
        "## Native spans (get-one)",
        "",
        "Every other sendmux row runs with native spans off (`SENDMUX_TRACING=0` in its worker, the same as",
        "`tracing=False`). Here get-one runs four ways, interleaved: spans off; OpenTelemetry not installed",
        "(its import blocked in that worker); `opentelemetry-api` only with nothing set up (spans on by",
        "default, the API's no-op tracer); and `tracing=True` under an SDK `TracerProvider` whose",
        "`SimpleSpanProcessor` hands each span to an exporter that drops it (the whole cost of a recorded",
        "span, no background thread). Ratio and Δ against spans off, per round.",
        "",
    ]
    result = results.get("get_one")
    names = [n for n in SPANS_ROWS if result is not None and result.values.get(n)]
    if result is None or len(names) < 2:
        return "\n".join([*head, "Not measured in this run."])
    table = ["| Variant | Median | × spans off (IQR) | Δ per call |", "|---|---:|---:|---:|"]
    for name in names:
        if name == SENDMUX:
            table.append(
                f"| `tracing=False` (spans off) | {fmt(median_of(result, name), 'time')} | reference | — |"
            )
            continue
        table.append(
            f"| {label(name).removeprefix('sendmux, ')} | {fmt(median_of(result, name), 'time')} | "
            f"{compare(result, name, SENDMUX).text()} | {_per_call_delta(result, name, SENDMUX)} |"
        )
    off, on = spans_off(results), spans_on(results)
    goals = [
        "",
        f"- Spans off against OpenTelemetry not installed: {off.text()} (goal ≤ {SPANS_OFF_LIMIT:.2f}×).",
        f"- Spans on, recorded and exported to nowhere, against spans off: {on.text()} (goal ≤ {SPANS_ON_LIMIT:.2f}×).",
    ]
    if result.values.get(RAW_HTTPX_SPAN) and result.values.get(RAW_HTTPX):
        goals.append(
            f"- For scale, the same span (same attributes, current during the call, same exporter) around a raw "
            f"httpx get: {_per_call_delta(result, RAW_HTTPX_SPAN, RAW_HTTPX)} per call "
            f"({compare(result, RAW_HTTPX_SPAN, RAW_HTTPX).text()} raw httpx); sendmux's spans: "
            f"{_per_call_delta(result, SENDMUX_SPANS, SENDMUX)} per call."
        )
    imp = results.get("import")
    if imp is not None and imp.values.get(SENDMUX_OTEL_API) and imp.values.get(SENDMUX):
        goals.append(
            f"- Import + construct with `opentelemetry-api` installed and spans on by default: "
            f"{fmt(median_of(imp, SENDMUX_OTEL_API), 'time')} against {fmt(median_of(imp, SENDMUX), 'time')} "
            f"with spans off ({compare(imp, SENDMUX_OTEL_API, SENDMUX).text()})."
        )
    return "\n".join(head + table + goals)
