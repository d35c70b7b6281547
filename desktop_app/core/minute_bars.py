"""Minute bars (issue 17 §4): the A-share session's 240 one-minute slots and bars aggregated to
5/15/30/60 minutes, 通达信's and eastmoney's conventions. Pure numpy/pandas; no Qt.

A bar is stamped with the **end** of its interval: the 1-minute bar stamped 09:31 covers
09:30–09:31, the 5-minute bar 09:35 covers 09:30–09:35, the 60-minute bars of a day are 10:30,
11:30, 14:00 and 15:00 (eastmoney's ``stock_zh_a_hist_min_em`` and 通达信 both stamp so). The
session: 09:30–11:30 and 13:00–15:00, so 240 one-minute bars a day (slots 0 … 239: 09:31 …
11:30, 13:01 … 15:00). The opening call auction's trade (eastmoney's 1-minute answer has a bar
stamped 09:30) is folded into the first bar (09:31), as 通达信 shows it: its open becomes the
day's open and its volume and amount are added.

Frames: a DatetimeIndex named "date" holding the bar's end time (no time zone) and the columns
``MINUTE_COLUMNS`` (prices in yuan, volume in shares, amount in yuan).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: Periods in 通达信's order (1分钟 … 60分钟); the value is the bar length in minutes.
MINUTE_PERIODS: dict[str, int] = {"1m": 1, "5m": 5, "15m": 15, "30m": 30, "60m": 60}
PERIOD_NAMES: dict[str, tuple[str, str]] = {
    "1m": ("1分钟", "1 min"), "5m": ("5分钟", "5 min"), "15m": ("15分钟", "15 min"),
    "30m": ("30分钟", "30 min"), "60m": ("60分钟", "60 min")}
MINUTE_COLUMNS = ["open", "high", "low", "close", "volume", "amount"]
SLOTS_PER_DAY = 240
MORNING_OPEN, MORNING_CLOSE = 9 * 60 + 30, 11 * 60 + 30      # minutes after midnight
AFTERNOON_OPEN, AFTERNOON_CLOSE = 13 * 60, 15 * 60


def is_minute_period(period: str) -> bool:
    return period in MINUTE_PERIODS


def minutes_of(period: str) -> int:
    try:
        return MINUTE_PERIODS[period]
    except KeyError:
        raise ValueError(f"unknown minute period {period!r}; choose from {tuple(MINUTE_PERIODS)}") from None


def slot_end_minute(slot: np.ndarray | int) -> np.ndarray:
    """The end time (minutes after midnight) of slot 0 … 239: 0 → 09:31, 119 → 11:30, 120 → 13:01."""
    s = np.asarray(slot, dtype=np.int64)
    return np.where(s < 120, MORNING_OPEN + 1 + s, AFTERNOON_OPEN + 1 + (s - 120))


def slot_of_minute(minute: np.ndarray) -> np.ndarray:
    """The slot of a bar ending at ``minute`` (minutes after midnight); -1 outside the session.
    A stamp at or before 09:30 (the call auction) maps to slot 0."""
    m = np.asarray(minute, dtype=np.int64)
    out = np.full(m.shape, -1, dtype=np.int64)
    auction = (m >= MORNING_OPEN - 15) & (m <= MORNING_OPEN)
    morning = (m > MORNING_OPEN) & (m <= MORNING_CLOSE)
    afternoon = (m > AFTERNOON_OPEN) & (m <= AFTERNOON_CLOSE)
    out[auction] = 0
    out[morning] = m[morning] - MORNING_OPEN - 1
    out[afternoon] = m[afternoon] - AFTERNOON_OPEN - 1 + 120
    return out


def session_stamps(day: pd.Timestamp | str) -> pd.DatetimeIndex:
    """The 240 one-minute bar stamps of one trading day."""
    base = pd.Timestamp(day).normalize()
    return pd.DatetimeIndex(base + pd.to_timedelta(slot_end_minute(np.arange(SLOTS_PER_DAY)), unit="min"),
                            name="date").as_unit("ns")


def _minute_and_day(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    ns = index.values.astype("datetime64[m]").astype(np.int64)
    day = ns // 1440
    return ns - day * 1440, day


def fold_auction(bars: pd.DataFrame) -> pd.DataFrame:
    """1-minute bars with a bar stamped at or before 09:30 (the call auction) folded into the
    day's 09:31 bar (open from the auction, high/low widened, volume and amount added); bars
    outside the session dropped."""
    if bars.empty:
        return bars
    minute, day = _minute_and_day(bars.index)
    slot = slot_of_minute(minute)
    auction = (minute <= MORNING_OPEN) & (slot == 0)
    keep = (slot >= 0) & ~auction
    if not auction.any():
        return bars[keep]
    out = bars[keep].copy()
    kept_day = day[keep]
    kept_minute = minute[keep]
    for i in np.flatnonzero(auction):
        hit = np.flatnonzero((kept_day == day[i]) & (kept_minute == MORNING_OPEN + 1))
        a = bars.iloc[i]
        if not len(hit):                       # no 09:31 bar: the auction bar becomes it
            row = a.copy()
            stamp = pd.Timestamp(int(day[i]) * 86400 * 10**9) + pd.Timedelta(minutes=MORNING_OPEN + 1)
            out.loc[stamp] = row
            continue
        j = out.index[hit[0]]
        out.loc[j, "open"] = a["open"]
        out.loc[j, "high"] = max(out.loc[j, "high"], a["high"])
        out.loc[j, "low"] = min(out.loc[j, "low"], a["low"])
        for col in ("volume", "amount"):
            if col in out.columns:
                out.loc[j, col] = out.loc[j, col] + a[col]
    out = out.sort_index()
    out.index.name = "date"
    return out


def aggregate(bars: pd.DataFrame, period: str) -> pd.DataFrame:
    """1-minute ``bars`` as ``period`` bars ("1m" returns them unchanged): first open, max high,
    min low, last close, summed volume and amount, stamped with the bucket's end (the 5-minute
    bucket of slots 0–4 is 09:35 even when its last minute is missing). Buckets never straddle
    the lunch break (120 slots a session divide by 5, 15, 30 and 60)."""
    k = minutes_of(period)
    if k == 1 or bars.empty:
        return bars
    bars = bars.sort_index()
    minute, day = _minute_and_day(bars.index)
    slot = slot_of_minute(minute)
    ok = slot >= 0
    bars, minute, day, slot = bars[ok], minute[ok], day[ok], slot[ok]
    bucket = slot // k
    key = day * SLOTS_PER_DAY + bucket
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)] - 1
    out = {"open": bars["open"].to_numpy(float)[starts],
           "high": np.fmax.reduceat(bars["high"].to_numpy(float), starts),
           "low": np.fmin.reduceat(bars["low"].to_numpy(float), starts),
           "close": bars["close"].to_numpy(float)[ends]}
    for col in ("volume", "amount"):
        if col in bars.columns:
            out[col] = np.add.reduceat(np.nan_to_num(bars[col].to_numpy(float)), starts)
    end_minute = slot_end_minute(bucket[starts] * k + k - 1)
    stamps = (day[starts] * 1440 + end_minute).astype("datetime64[m]").astype("datetime64[ns]")
    frame = pd.DataFrame(out, index=pd.DatetimeIndex(stamps, name="date"))
    return frame[[c for c in bars.columns if c in frame.columns]]


def daily_from_minutes(bars: pd.DataFrame) -> pd.DataFrame:
    """One bar per trading day from 1-minute (or any minute) bars, dated by the day."""
    if bars.empty:
        return bars
    bars = bars.sort_index()
    _minute, day = _minute_and_day(bars.index)
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], len(day)] - 1
    out = {"open": bars["open"].to_numpy(float)[starts],
           "high": np.fmax.reduceat(bars["high"].to_numpy(float), starts),
           "low": np.fmin.reduceat(bars["low"].to_numpy(float), starts),
           "close": bars["close"].to_numpy(float)[ends],
           "volume": np.add.reduceat(bars["volume"].to_numpy(float), starts),
           "amount": np.add.reduceat(bars["amount"].to_numpy(float), starts)}
    index = pd.DatetimeIndex(day[starts].astype("datetime64[D]").astype("datetime64[ns]"), name="date")
    return pd.DataFrame(out, index=index)


def trading_days(bars: pd.DataFrame) -> list[pd.Timestamp]:
    """The distinct days of minute bars, ascending."""
    if bars.empty:
        return []
    return list(pd.DatetimeIndex(bars.index.normalize().unique()).sort_values())


def period_name(period: str, lang: str = "zh") -> str:
    zh, en = PERIOD_NAMES[period]
    return zh if lang == "zh" else en
