"""The A-share trading calendar.

Source: the exchange calendar akshare ships as ``akshare/file_fold/calendar.json`` (a list of
"YYYYMMDD" strings, 1990-12-19 … end of the current year). We read that file directly, located
with ``importlib.util.find_spec`` so that ``import akshare`` (≈0.9 s) never runs for it. Outside
the file's range (before its first or after its last date) every weekday counts as a trading day:
an approximation that is wrong only on holidays and that the network sources correct later.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd


def _calendar_path() -> Path | None:
    try:
        spec = importlib.util.find_spec("akshare")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        p = Path(base) / "file_fold" / "calendar.json"
        if p.is_file():
            return p
    return None


@lru_cache(maxsize=1)
def _bundled() -> pd.DatetimeIndex:
    """The bundled trading days (empty when akshare or its file is missing)."""
    path = _calendar_path()
    if path is None:
        return pd.DatetimeIndex([], name="date")
    raw = json.loads(path.read_text(encoding="utf-8"))
    days = pd.to_datetime(pd.Index([str(x) for x in raw]), format="%Y%m%d")
    return pd.DatetimeIndex(days.sort_values().unique(), name="date")


def _weekdays(start: dt.date, end: dt.date) -> pd.DatetimeIndex:
    if end < start:
        return pd.DatetimeIndex([], name="date")
    return pd.DatetimeIndex(pd.bdate_range(start, end), name="date")


def _as_date(d) -> dt.date:
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return pd.Timestamp(d).date()


def calendar_end() -> dt.date:
    """Last date the bundled calendar covers (yesterday's weekday logic applies after it)."""
    cal = _bundled()
    if len(cal) == 0:
        return dt.date(1990, 12, 18)
    return cal[-1].date()


def _calendar_start() -> dt.date:
    cal = _bundled()
    return cal[0].date() if len(cal) else dt.date(1990, 12, 19)


def trading_days(start, end, extra: pd.DatetimeIndex | None = None) -> pd.DatetimeIndex:
    """Trading days in [start, end] (both inclusive), ascending, DatetimeIndex named "date".

    Past the bundled calendar's last date, ``extra`` (a calendar fetched from the network, e.g.
    ``AkShareSource.trade_calendar()``) is used where it reaches, and weekdays beyond it."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return pd.DatetimeIndex([], name="date")
    cal = _bundled()
    first, last = _calendar_start(), calendar_end()
    parts = []
    if start < first:
        parts.append(_weekdays(start, min(end, first - dt.timedelta(days=1))))
    if len(cal) and end >= first and start <= last:
        lo = cal.searchsorted(pd.Timestamp(max(start, first)))
        hi = cal.searchsorted(pd.Timestamp(min(end, last)), side="right")
        parts.append(cal[lo:hi])
    if end > last:
        lo_day = max(start, last + dt.timedelta(days=1))
        if extra is not None and len(extra):
            ext = pd.DatetimeIndex(extra).normalize()
            ext_last = ext.max().date()
            if ext_last > last:
                upto = min(end, ext_last)
                parts.append(ext[(ext >= pd.Timestamp(lo_day)) & (ext <= pd.Timestamp(upto))].sort_values())
                lo_day = max(lo_day, upto + dt.timedelta(days=1))
        if lo_day <= end:
            parts.append(_weekdays(lo_day, end))
    values = np.concatenate([p.values for p in parts]) if parts else np.array([], dtype="datetime64[ns]")
    return pd.DatetimeIndex(values, name="date")


def is_trading_day(d) -> bool:
    d = _as_date(d)
    return len(trading_days(d, d)) == 1


def last_trading_day(before=None) -> dt.date:
    """The last trading day strictly before ``before`` (default: today)."""
    before = dt.date.today() if before is None else _as_date(before)
    days = trading_days(before - dt.timedelta(days=40), before - dt.timedelta(days=1))
    if len(days) == 0:  # a >40-day closure never happened; fall back to a wider look
        days = trading_days(before - dt.timedelta(days=400), before - dt.timedelta(days=1))
    return days[-1].date()
