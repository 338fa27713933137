"""The one output format every benchmark ends with: a single JSON line of figures and checks."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from typing import Any


def check(name: str, value: float, op: str, limit: float) -> dict[str, Any]:
    """One limit an issue names, held against a measured value."""
    if op not in ("<=", ">="):
        raise ValueError(f"op must be '<=' or '>=', not {op!r}")
    ok = value <= limit if op == "<=" else value >= limit
    return {"name": name, "value": value, "op": op, "limit": limit, "ok": bool(ok)}


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def emit(benchmark: str, figures: dict[str, Any], checks: list[dict[str, Any]]) -> None:
    """Print the closing JSON line (always the last line on stdout)."""
    print(json.dumps({"benchmark": benchmark, "figures": figures, "checks": checks}), flush=True)
