"""The outlier fence: quiet on mostly-zero counts, loud on real jumps and sudden drops."""

from __future__ import annotations

import csv
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.outlier import MIN_HISTORY, outlier_bounds

COVID_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "covid-2020-provinsi"


def flagged(history: list[int], value: int) -> bool:
    bounds = outlier_bounds(history)
    assert bounds is not None
    low, high = bounds
    return not low <= value <= high


def mean_3sd_flags(history: list[int], value: int) -> bool:
    mean = statistics.mean(history)
    sd = statistics.pstdev(history)
    return abs(value - mean) > 3 * sd


MOSTLY_ZERO = [0] * 27 + [1]


@pytest.mark.parametrize("value", [2, 3])
def test_mostly_zero_history_mean_3sd_would_flag_ordinary_values_but_we_do_not(
    value: int,
) -> None:
    assert mean_3sd_flags(MOSTLY_ZERO, value)  # the naive fence cries wolf …
    assert not flagged(MOSTLY_ZERO, value)  # … ours stays quiet


@pytest.mark.parametrize(
    "history",
    [
        MOSTLY_ZERO,
        [0] * 20 + [1, 0, 2, 0, 0, 1, 0, 0],
        [0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 3, 0, 0],
    ],
)
def test_ordinary_small_counts_are_quiet(history: list[int]) -> None:
    for value in range(5):
        assert not flagged(history, value), value


def test_a_first_case_after_weeks_of_zero_is_quiet() -> None:
    assert not flagged([0] * 28, 1)
    assert not flagged([0] * 28, 0)


@pytest.mark.parametrize(
    ("history", "value"),
    [
        ([0] * 28, 40),  # zeros then 40
        (MOSTLY_ZERO, 25),
        ([100, 95, 110, 104, 90, 99, 108, 101, 97, 112, 93, 100, 105, 98] * 2, 400),
        ([3, 5, 4, 6, 2, 5, 4, 3, 5, 4] * 2, 60),  # a typo: an extra digit
    ],
)
def test_real_jumps_are_flagged(history: list[int], value: int) -> None:
    assert flagged(history, value)


def test_large_steady_stock_dropping_to_zero_is_flagged() -> None:
    stock = [30, 31, 29, 30, 32, 30, 28, 30, 31, 30, 29, 30, 30, 31]
    assert flagged(stock, 0)
    assert not flagged(stock, 27)  # an ordinary low day


def test_zero_is_never_a_drop_when_the_history_has_zeros() -> None:
    assert not flagged([0, 40, 35, 50, 0, 45, 38, 41, 0, 36], 0)


def test_a_steady_rise_is_not_an_outlier() -> None:
    rising = list(range(10, 38))
    assert not flagged(rising, 40)
    assert flagged(rising, 200)


def test_steady_large_counts_tolerate_ordinary_noise() -> None:
    history = [100, 95, 110, 104, 90, 99, 108, 101, 97, 112, 93, 100, 105, 98]
    for value in (80, 100, 125, 140):
        assert not flagged(history, value), value


def test_too_little_history_says_nothing() -> None:
    assert outlier_bounds([0] * (MIN_HISTORY - 1)) is None
    assert outlier_bounds([]) is None
    assert outlier_bounds([0] * MIN_HISTORY) is not None


def test_bounds_are_whole_numbers() -> None:
    bounds = outlier_bounds([3, 5, 4, 6, 2, 5, 4, 3, 5, 4])
    assert bounds is not None
    for b in bounds:
        assert b == b.to_integral_value()


def test_negative_history_is_a_bug() -> None:
    with pytest.raises(ValueError):
        outlier_bounds([1, 2, 3, -1, 4, 5, 6])


@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=MIN_HISTORY, max_size=60))
def test_bounds_never_flag_typical_days_of_the_history(history: list[int]) -> None:
    bounds = outlier_bounds(history)
    assert bounds is not None
    low, high = bounds
    xs = sorted(history)
    assert Decimal(0) <= low <= high
    # the median, and anything seen at least twice at either end, is never unusual
    assert low <= Decimal(statistics.median_low(xs)) <= high
    assert low <= xs[1] and xs[-2] <= high


def _series(path: Path, column: str) -> list[int | None]:
    with path.open(encoding="utf-8") as f:
        # the real data has negative daily deltas (corrections): treat them as missing
        return [v if (v := int(row[column])) >= 0 else None for row in csv.DictReader(f)]


@pytest.mark.skipif(not COVID_DIR.is_dir(), reason=f"real data not present at {COVID_DIR}")
def test_real_provincial_series_few_false_alarms_and_injected_spikes_caught() -> None:
    days = alarms = spikes = caught = 0
    for path in sorted(COVID_DIR.glob("*.csv")):
        if path.stem == "NATIONAL":
            continue
        for column in ("confirmed", "recover", "death"):
            series = _series(path, column)
            for i in range(28, len(series)):
                value = series[i]
                history = [x for x in series[i - 28 : i] if x is not None]
                bounds = outlier_bounds(history)
                if value is None or bounds is None:
                    continue
                low, high = bounds
                days += 1
                alarms += not low <= value <= high
                recent = statistics.median(history[-7:])
                if recent >= 3:  # a 10x spike of a typical recent day
                    spikes += 1
                    caught += 10 * recent > high
    assert days > 10_000
    # Provincial 2020 series are outbreak curves with batch reporting: far burstier than one
    # puskesmas. Measured: 3.9 % of 18,054 real days flagged, 97.1 % of 10x spikes caught.
    assert alarms / days < 0.05, alarms / days
    assert caught / spikes > 0.95, caught / spikes
