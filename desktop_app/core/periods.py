"""Weekly and monthly bars resampled from daily bars (issue 17), 通达信's way.

One bar per calendar week (Monday–Sunday) or calendar month that has at least one trading day:
open = the period's first traded open, high = max high, low = min low, close = the last traded
close, volume and amount summed, turnover summed (percent of the float traded in the period).
The bar's date is the period's **last trading day** of the stock (通达信 dates a weekly bar by
its Friday, or the Thursday of a week whose Friday is a holiday; a current, unfinished week is
dated by its latest bar). Suspended days — rows with no close, or absent rows — are skipped, so
a period in which the stock never traded has no bar. Pure numpy/pandas; no Qt.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

PERIODS = ("day", "week", "month")
#: (zh, en) names of the periods, 通达信's words.
PERIOD_NAMES: dict[str, tuple[str, str]] = {"day": ("日K", "Daily"), "week": ("周K", "Weekly"),
                                            "month": ("月K", "Monthly")}


def period_keys(dates: pd.DatetimeIndex, period: str) -> np.ndarray:
    """An int64 key per date, equal for dates of the same week (ISO, Monday first) or month."""
    days = dates.values.astype("datetime64[D]").astype(np.int64)
    if period == "week":
        return (days + 3) // 7           # 1970-01-01 was a Thursday: +3 puts Monday at a boundary
    if period == "month":
        return dates.year.to_numpy(np.int64) * 12 + dates.month.to_numpy(np.int64) - 1
    raise ValueError(f"unknown period {period!r}; choose from {PERIODS}")


def resample(bars: pd.DataFrame, period: str) -> pd.DataFrame:
    """``bars`` (DatetimeIndex "date", open/high/low/close[/volume/amount/turnover]) as ``period``
    bars ("day" returns them unchanged). See the module docstring for the rules."""
    if period == "day":
        return bars
    traded = bars[bars["close"].notna()].sort_index()
    if traded.empty:
        return traded.copy()
    keys = period_keys(traded.index, period)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)] - 1
    out: dict[str, np.ndarray] = {}
    cols = traded.columns
    if "open" in cols:
        out["open"] = traded["open"].to_numpy(float)[starts]
    if "high" in cols:
        out["high"] = np.fmax.reduceat(traded["high"].to_numpy(float), starts)
    if "low" in cols:
        out["low"] = np.fmin.reduceat(traded["low"].to_numpy(float), starts)
    out["close"] = traded["close"].to_numpy(float)[ends]
    for name in ("volume", "amount", "turnover"):
        if name in cols:
            v = traded[name].to_numpy(float)
            sums = np.add.reduceat(np.nan_to_num(v), starts)
            seen = np.add.reduceat(np.isfinite(v).astype(np.int64), starts)
            out[name] = np.where(seen > 0, sums, np.nan)
    index = pd.DatetimeIndex(traded.index[ends], name="date")
    frame = pd.DataFrame(out, index=index)[[c for c in cols if c in out]]
    frame.attrs = dict(bars.attrs)
    return frame


def period_name(period: str, lang: str = "zh") -> str:
    zh, en = PERIOD_NAMES[period]
    return zh if lang == "zh" else en


def next_period(period: str) -> str:
    """F8's order: 日 → 周 → 月 → 日."""
    return PERIODS[(PERIODS.index(period) + 1) % len(PERIODS)] if period in PERIODS else "day"


def period_signal_dates(bars: pd.DataFrame, symbol: str = "") -> dict[str, list]:
    """Every preset's firing dates computed on ``bars`` as they are (weekly bars give weekly
    signals): ``{strategy id: [datetime.date]}``, as ``StockReport.signal_dates`` is for days."""
    from . import strategies as strat
    from .panel import Panel

    panel = Panel.from_frames({symbol or "bars": bars})
    return {sid: [d.date() for d in panel.dates[s[0]]] for sid, s in strat.signals(panel).items()}
