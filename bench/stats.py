"""Pure statistics and formatting for the benchmark table."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Median, min and max of per-round values (one value per interleaved round)."""

    median: float
    min: float
    max: float
    rounds: int


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("no values to summarize")
    return Summary(statistics.median(values), min(values), max(values), len(values))


def ratio(value: float | None, reference: float | None) -> float | None:
    """value / reference, or None when either side is missing (a contender that did not run)."""
    if value is None or reference is None or reference == 0:
        return None
    return value / reference


def paired_ratio(values: Sequence[float], reference: Sequence[float]) -> float | None:
    """Median of per-round ratios values[i] / reference[i].

    Round i of two contenders ran back to back, so whatever load the machine had then hit both: the
    per-round ratio cancels it, where a ratio of medians over a noisy run would not. Rounds that do
    not pair up (a contender dropped out) fall back to the ratio of the medians.
    """
    if not values or not reference:
        return None
    if len(values) != len(reference) or any(r == 0 for r in reference):
        return ratio(statistics.median(values), statistics.median(reference))
    return statistics.median(v / r for v, r in zip(values, reference, strict=True))


def format_duration(seconds: float) -> str:
    """Three significant digits in the unit that keeps the number readable."""
    if seconds < 0:
        raise ValueError("negative duration")
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            return f"{_sig3(seconds / scale)} {unit}"
    return f"{_sig3(seconds / 1e-9)} ns"


def format_rate(per_second: float) -> str:
    if per_second >= 1e6:
        return f"{_sig3(per_second / 1e6)} M/s"
    if per_second >= 1e3:
        return f"{_sig3(per_second / 1e3)} k/s"
    return f"{_sig3(per_second)} /s"


def format_bytes(n: float) -> str:
    for scale, unit in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if abs(n) >= scale:
            return f"{_sig3(n / scale)} {unit}"
    return f"{n:.0f} B"


def format_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×"


def _sig3(x: float) -> str:
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def round_ratios(values: Sequence[float], reference: Sequence[float]) -> list[float]:
    """values[i] / reference[i] for rounds that pair up; [] when they do not (a contender dropped out)."""
    if not values or len(values) != len(reference) or any(r == 0 for r in reference):
        return []
    return [v / r for v, r in zip(values, reference, strict=True)]


def quartiles(values: Sequence[float]) -> tuple[float, float] | None:
    """The 25th and 75th percentiles (how wide the per-round ratios spread); None for fewer than two."""
    if len(values) < 2:
        return None
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]
