"""The "unusual figure" fence for daily counts, judged against the facility's own recent days.

Daily counts at a puskesmas are mostly zero with the odd 1 or 2. A mean ± k·SD fence learns a
tiny SD from such a history and then flags an ordinary 2; a min–max range flags anything above the
highest day seen. Instead the fence here is built from a robust level and a count-aware spread:

* level  = max(median, 20 %-trimmed mean) of the history — one earlier spike cannot move it;
* spread = sqrt(max(level, (1.4826·MAD)²)) — Poisson-like counts vary at least like √level
  (so a flat history still tolerates ordinary noise), and a genuinely wider spread is honoured
  via the median absolute deviation, which again ignores a few wild days;
* high   = the largest of: level + Z·spread, level·(1 + RELATIVE_MARGIN), level + MIN_EXCESS,
  and the second-largest day of the history (a value already seen twice is not unusual);
* low    = the smallest of: level − Z·spread, level·(1 − RELATIVE_MARGIN) and the second-smallest
  day, floored at 0. A history that contains zeros therefore never flags a zero, while a large,
  steady stock that suddenly reads 0 is flagged — usually a figure typed in the wrong box.

With fewer than MIN_HISTORY known days nothing is said.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

#: fewest known days of history before any judgement
MIN_HISTORY = 7
#: the most recent days whose median may raise the level (a rising trend is not an outlier)
RECENT_DAYS = 7
#: how many spreads away from the level a day must be
Z = Decimal(4)
#: a day is never flagged high for being at most this many above the level
MIN_EXCESS = Decimal(5)
#: a day within ±50 % of the level is never flagged
RELATIVE_MARGIN = Decimal("0.5")
_MAD_TO_SD = Decimal("1.4826")

_CTX = Context(prec=28)


def _median(xs: Sequence[Decimal]) -> Decimal:
    n = len(xs)
    mid = n // 2
    return xs[mid] if n % 2 else (xs[mid - 1] + xs[mid]) / 2


def outlier_bounds(history: Sequence[int | Decimal]) -> tuple[Decimal, Decimal] | None:
    """``(low, high)``: a new day is unusual when below ``low`` or above ``high``.

    ``history`` holds the known (non-empty) non-negative counts of the days before, in any order;
    ``None`` when fewer than :data:`MIN_HISTORY` are given. The bounds are whole numbers.
    """
    recent = sorted(Decimal(x) for x in history[-RECENT_DAYS:])
    xs = sorted(Decimal(x) for x in history)
    if xs and xs[0] < 0:
        raise ValueError("outlier_bounds is for counts; the history has a negative value")
    n = len(xs)
    if n < MIN_HISTORY:
        return None
    median = _median(xs)
    trim = n // 5
    kept = xs[trim : n - trim]
    level = max(
        median,
        _CTX.divide(sum(kept, Decimal(0)), Decimal(len(kept))),
        _median(recent),
    )
    mad = _median(sorted(abs(x - median) for x in xs))
    robust_sd = _MAD_TO_SD * mad
    spread = _CTX.sqrt(max(level, robust_sd * robust_sd))
    high = max(
        level + Z * spread,
        level * (1 + RELATIVE_MARGIN),
        level + MIN_EXCESS,
        xs[-2],
    )
    low = min(level - Z * spread, level * (1 - RELATIVE_MARGIN), xs[1])
    low = max(low, Decimal(0))
    return (
        low.to_integral_value(rounding=ROUND_CEILING),
        high.to_integral_value(rounding=ROUND_FLOOR),
    )
