"""Forward-return validation of a screen over two years of the full market (issue 16).

- ``validate_two_years``: ``core.validation.validate`` of "score >= 70 + 均线多头排列"
  (mode any) over the last 500 trading days of the demo market, 5,000 stocks (quick: 1,000),
  read from the demo's memory like a first scan: every day's signals, entries and exits, the
  statistics, the benchmarks and the portfolio. Baseline, in the same run: ``run_scan`` as of a
  past day (the demo market cut after that day, ``LOOKBACK_DAYS`` bars), timed on 3 sample days
  and scaled to the 500 days — what validating by re-running the scan once per day would cost
  (before any returns are computed).
- ``validate_peak_rss_mb``: this process's peak resident memory during this benchmark
  (``VmHWM``, reset at its start through ``/proc/self/clear_refs``, so the earlier benchmarks of
  a full run do not count; the demo market's generation included).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import metric  # noqa: E402

METRICS = ["validate_two_years", "validate_peak_rss_mb"]
DAYS = 500


class _AsOf:
    """The demo source as it stood after day ``cut`` (its bars up to then): a past-day scan."""

    def __init__(self, src, cut: int):
        self.src, self.cut = src, cut
        self.name, self.is_demo = src.name, True

    def universe(self):
        return self.src.universe()

    def recent_panel(self, symbols, last_n, end=None):
        from desktop_app.core.panel import Panel

        full, errors = self.src.recent_panel(symbols, 10 ** 6)
        keep = slice(max(0, self.cut + 1 - last_n), self.cut + 1)
        return Panel(full.symbols, full.dates[keep], {k: v[:, keep] for k, v in full.fields.items()}), errors

    def latest_date(self):
        return self.src.calendar()[self.cut].date()


class _NoStore:
    def symbols(self):
        return []

    def latest_date(self):
        return None

    def read_panel(self, symbols, end=None, last_n=None):
        from desktop_app.core.panel import Panel
        import numpy as np
        import pandas as pd

        return Panel(np.array([], dtype=object), pd.DatetimeIndex([], name="date"), {})


def _reset_hwm() -> None:
    """Start ``VmHWM`` again from the current resident size (Linux ≥ 4.0; else it keeps the
    process's peak so far)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _hwm_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(quick: bool = False) -> dict:
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.scan import LOOKBACK_DAYS, ScanRequest, run_scan
    from desktop_app.core.validation import Period, validate

    _reset_hwm()
    n = 1000 if quick else 5000
    years = (DAYS + LOOKBACK_DAYS + 30) / 244
    src = DemoSource(n_stocks=n, years=years)
    src.panel()                                                    # generate the market (not timed)
    req = ScanRequest(min_score=70, strategies=["ma_bull"], mode="any")
    t, cpu = time.perf_counter(), time.process_time()
    res = validate(req, Period(days=DAYS), src, _NoStore())
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    rss = _hwm_mb()
    assert res.period["days"] == DAYS and res.signals > 0
    t_days = len(src.calendar())
    per_day = []
    for cut in (t_days - DAYS, t_days - DAYS // 2, t_days - 1):
        t = time.perf_counter()
        out = run_scan(req, _AsOf(src, cut), _NoStore())
        per_day.append(time.perf_counter() - t)
        assert out.as_of == str(src.calendar()[cut].date())
    baseline = statistics.median(per_day) * DAYS
    print(f"   validate {wall:.2f} s (CPU {cpu:.2f} s; {res.signals} signals); scan per day "
          f"{statistics.median(per_day):.2f} s × {DAYS} = {baseline:.0f} s", flush=True)
    return {"validate_two_years": metric(wall, "s", baseline),
            "validate_peak_rss_mb": metric(rss, "MB")}
