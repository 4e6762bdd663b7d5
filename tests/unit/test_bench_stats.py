"""bench.stats: the pure numbers behind the benchmark table (no timing here)."""

from __future__ import annotations

import pytest

from bench.stats import (
    Summary,
    format_bytes,
    format_duration,
    format_rate,
    format_ratio,
    paired_ratio,
    ratio,
    summarize,
)


def test_summarize_takes_median_min_max_over_rounds() -> None:
    assert summarize([3.0, 1.0, 2.0]) == Summary(median=2.0, min=1.0, max=3.0, rounds=3)
    assert summarize([4.0, 1.0, 2.0, 3.0]).median == 2.5


def test_summarize_refuses_nothing() -> None:
    with pytest.raises(ValueError):
        summarize([])


@pytest.mark.parametrize(
    ("value", "reference", "expected"),
    [(2.0, 1.0, 2.0), (1.0, 4.0, 0.25), (None, 1.0, None), (1.0, None, None), (1.0, 0.0, None)],
)
def test_ratio_is_none_when_a_side_is_missing(
    value: float | None, reference: float | None, expected: float | None
) -> None:
    assert ratio(value, reference) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1.5, "1.50 s"), (0.0123, "12.3 ms"), (0.000461, "461 µs"), (4.2e-7, "420 ns"), (125.0, "125 s")],
)
def test_format_duration_picks_a_readable_unit(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_duration_refuses_negative() -> None:
    with pytest.raises(ValueError):
        format_duration(-1.0)


def test_format_rate_bytes_ratio() -> None:
    assert format_rate(65_200) == "65.2 k/s"
    assert format_rate(2_500_000) == "2.50 M/s"
    assert format_rate(38.6) == "38.6 /s"
    assert format_bytes(800 * 1024) == "800 KiB"
    assert format_bytes(33.2 * 1024 * 1024) == "33.2 MiB"
    assert format_bytes(12) == "12 B"
    assert format_ratio(1.056) == "1.06×"
    assert format_ratio(None) == "—"


def test_paired_ratio_takes_the_median_of_per_round_ratios() -> None:
    # Round 2 ran under load: both contenders slowed, the per-round ratio did not move.
    assert paired_ratio([1.1, 11.0, 1.1], [1.0, 10.0, 1.0]) == pytest.approx(1.1)
    # Unpaired rounds (a contender dropped out) fall back to the ratio of medians.
    assert paired_ratio([2.0, 4.0], [1.0, 2.0, 3.0]) == pytest.approx(1.5)
    assert paired_ratio([], [1.0]) is None
