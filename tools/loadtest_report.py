"""The figures of a load test: percentiles, one summary row per (page, N), the replicas' share, the table.

Percentiles interpolate linearly between closest ranks: for sorted x_0 ≤ … ≤ x_(n-1) and
r = q/100 · (n-1), k = ⌊r⌋:  p(q) = x_k + (x_(k+1) − x_k)(r − k).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.loadtest_session import SessionResult

TARGET = {"sessions": 50, "p95_ms": 1000.0, "rss_mb": 1024.0}  # issue 8, on this 2-core machine


def percentile(values: Sequence[float], q: float) -> float:
    """q-th percentile (0..100) with linear interpolation; NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {q}")
    if not values:
        return math.nan
    xs = sorted(values)
    r = q / 100 * (len(xs) - 1)
    k = math.floor(r)
    if k + 1 >= len(xs):
        return float(xs[-1])
    return float(xs[k] + (xs[k + 1] - xs[k]) * (r - k))


_EXC_LINE = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Exception|Exit)\b.*$", re.M)


def log_errors(log: str, limit: int = 5) -> list[str]:
    """The distinct exception lines ('ValueError: …') of a server log, first ones first."""
    seen: list[str] = []
    for line in _EXC_LINE.findall(log):
        if line not in seen:
            seen.append(line)
    return seen[:limit]


def summarize(
    page: str,
    sessions: int,
    results: Sequence[SessionResult],
    rss_kb: Sequence[int],
    *,
    idle_kb: int = 0,
    wall_s: float = 0.0,
    cpu_s: float = 0.0,
    client_cpu_s: float = 0.0,
    think_s: float = 0.0,
    load_avg: float = 0.0,
) -> dict:
    """One JSON-able row of figures for a (page, N) run."""
    lat = [x for r in results for x in r.latencies_ms]
    loads = [r.load_ms for r in results if r.load_ms is not None]
    peak_mb = max(rss_kb, default=0) / 1024
    p95 = percentile(lat, 95)
    row = {
        "page": page,
        "sessions": sessions,
        "interactions": len(lat),
        "fragment_runs": sum(r.fragment_runs for r in results),
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(lat, default=math.nan), 1),
        "load_p50_ms": round(percentile(loads, 50), 1),
        "load_p95_ms": round(percentile(loads, 95), 1),
        "idle_rss_mb": round(idle_kb / 1024, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "server_cpu_s": round(cpu_s, 2),
        "client_cpu_s": round(client_cpu_s, 2),  # this tool shares the machine with the server
        "load_avg_1min": round(load_avg, 2),  # the machine's load when the run started (others' work too)
        "wall_s": round(wall_s, 1),
        "think_s": think_s,
        "errors": sum(len(r.errors) for r in results),
        "isolation_violations": sum(len(r.leaks) for r in results),
        "first_error": next((e for r in results for e in r.errors), ""),
    }
    row["meets_target"] = bool(
        p95 < TARGET["p95_ms"] and peak_mb < TARGET["rss_mb"] and not row["errors"] and not row["isolation_violations"]
    )
    return row


def format_table(rows: Sequence[dict]) -> str:
    """A small fixed-width table of the rows."""
    head = ("page", "N", "runs", "p50 ms", "p95 ms", "max ms", "load p95", "peak RSS MB", "errors", "leaks", "target")
    lines = [head]
    for r in rows:
        lines.append(
            (
                r["page"],
                str(r["sessions"]),
                str(r["interactions"]),
                f"{r['p50_ms']:.0f}",
                f"{r['p95_ms']:.0f}",
                f"{r['max_ms']:.0f}",
                f"{r['load_p95_ms']:.0f}",
                f"{r['peak_rss_mb']:.0f}",
                str(r["errors"]),
                str(r["isolation_violations"]),
                "yes" if r["meets_target"] else "no",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = [
        "  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths)))
        for line in lines
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def replica_figures(names: Sequence[str], samples: Sequence[Sequence[int]], served: Sequence[str]) -> dict:
    """Per-replica spread of sessions and peak RSS (empty for a single process)."""
    if len(names) < 2:
        return {}
    return {
        "replicas": len(names),
        "replica_sessions": {name: sum(1 for s in served if s == name) for name in names},
        "replica_peak_rss_mb": {name: round(max(s, default=0) / 1024, 1) for name, s in zip(names, samples)},
        "unrouted_sessions": sum(1 for s in served if s not in names),
    }
