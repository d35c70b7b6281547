"""The 分时 view's numbers (issue 17 §5): one trading day's 1-minute price line, its average-price
line (cumulative amount / cumulative volume, 通达信's 均价线), volume per minute, the previous
close the view is centred on, and its symmetric range. Pure numpy/pandas; no Qt.

x positions: the bar of slot s (0 … 239, see ``core.minute_bars``) sits at x = s + 1, so x = 0
is 09:30, x = 120 is both 11:30 and 13:00 (the lunch break takes no room) and x = 240 is 15:00.

The previous close: the daily bar before the day when the daily series' close of the day equals
the minute bars' last close (then the daily bars are in the same prices — the latest day of a
forward-adjusted series is — and the day before gives the ex-dividend reference price on an
ex-date); otherwise the previous day's last 1-minute close; otherwise the day's open.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from desktop_app.core.minute_bars import SLOTS_PER_DAY, slot_of_minute

#: Axis labels of the 分时 view: (x, text); 11:30 and 13:00 share x = 120.
TIME_LABELS = ((0, "09:30"), (60, "10:30"), (120, "11:30/13:00"), (180, "14:00"), (240, "15:00"))


@dataclass(frozen=True)
class IntradayDay:
    day: pd.Timestamp
    prev_close: float
    x: np.ndarray            # slot + 1 of each bar present
    price: np.ndarray        # the minute's close
    avg: np.ndarray          # cumulative amount / cumulative volume
    volume: np.ndarray       # shares
    amount: np.ndarray       # yuan
    up: np.ndarray           # the minute's close at or above the one before (red stick)

    @property
    def n(self) -> int:
        return len(self.x)

    def change_pct(self, value: float) -> float:
        return (value / self.prev_close - 1.0) * 100.0 if self.prev_close else float("nan")

    def value_range(self) -> tuple[float, float]:
        """Symmetric about the previous close: ± the largest distance of price or average from it
        (at least 1 % of it, so a flat day is not a magnified line)."""
        pc = self.prev_close
        vals = np.r_[self.price, self.avg]
        vals = vals[np.isfinite(vals)]
        span = float(np.max(np.abs(vals - pc))) if len(vals) else 0.0
        span = max(span * 1.05, abs(pc) * 0.01, 0.01)
        return pc - span, pc + span

    def at(self, x: float) -> int | None:
        """The index of the bar nearest to ``x`` (None for an empty day)."""
        if not self.n:
            return None
        i = int(np.searchsorted(self.x, x))
        if i >= self.n:
            return self.n - 1
        if i > 0 and abs(self.x[i - 1] - x) <= abs(self.x[i] - x):
            return i - 1
        return i


def last_day(minutes: pd.DataFrame) -> pd.Timestamp | None:
    return None if minutes.empty else pd.Timestamp(minutes.index[-1]).normalize()


def _prev_close(minutes: pd.DataFrame, day: pd.Timestamp, today: pd.DataFrame, daily: pd.DataFrame | None) -> float:
    if daily is not None and len(daily):
        closes = daily["close"].dropna()
        if day in closes.index:
            pos = closes.index.get_loc(day)
            if pos > 0 and round(float(closes.iloc[pos]), 2) == round(float(today["close"].iloc[-1]), 2):
                return float(closes.iloc[pos - 1])
    before = minutes[minutes.index < day]
    if len(before):
        return float(before["close"].iloc[-1])
    return float(today["open"].iloc[0])


def intraday_day(minutes: pd.DataFrame, daily: pd.DataFrame | None = None,
                 day: pd.Timestamp | str | None = None) -> IntradayDay | None:
    """The 分时 data of ``day`` (default: the last day of ``minutes``, 1-minute bars) or None
    when there are no bars that day."""
    if minutes.empty:
        return None
    minutes = minutes.sort_index()
    day = last_day(minutes) if day is None else pd.Timestamp(day).normalize()
    today = minutes[minutes.index.normalize() == day]
    if today.empty:
        return None
    stamp = today.index.values.astype("datetime64[m]").astype(np.int64)
    slot = slot_of_minute(stamp % 1440)
    ok = (slot >= 0) & (slot < SLOTS_PER_DAY)
    today, slot = today[ok], slot[ok]
    price = today["close"].to_numpy(float)
    volume = np.nan_to_num(today["volume"].to_numpy(float))
    amount = np.nan_to_num(today["amount"].to_numpy(float))
    cum_v, cum_a = np.cumsum(volume), np.cumsum(amount)
    with np.errstate(invalid="ignore", divide="ignore"):
        avg = np.where(cum_v > 0, cum_a / cum_v, price)
    prev = _prev_close(minutes, day, today, daily)
    before = np.r_[today["open"].to_numpy(float)[:1], price[:-1]]
    return IntradayDay(day=day, prev_close=prev, x=(slot + 1).astype(float), price=price, avg=avg,
                       volume=volume, amount=amount, up=price >= before)
