"""An x axis in trading days: ticks sit on bars (ordinal x), labelled with their dates.

Ticks are placed on calendar boundaries that fall inside the visible bars — the first trading day of
a year, quarter, month or week, or every k-th bar when zoomed in far — choosing the finest level
whose ticks stay at least ``MIN_LABEL_PX`` pixels apart. There are no weekend or holiday gaps since
x counts bars.

The latest month always gets its label when its first bar is in view: boundaries that crowd each
other are thinned from the left (the newest survives), at the quarter and year levels the last
month's start is added (replacing the quarter or year label before it when they would crowd each
other), and a label that would stick out of either end of the
axis is slid inside it instead of being dropped (``ChartAxis``).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .axis_base import ChartAxis

MIN_LABEL_PX = 90.0


def _is_intraday(dates: np.ndarray) -> bool:
    """Minute bars (issue 17) come as datetime64[m]: ticks at hours and days, times as labels."""
    return dates.dtype == np.dtype("datetime64[m]")


def _parts(dates: np.ndarray) -> dict[str, np.ndarray]:
    y = dates.astype("datetime64[Y]").astype(np.int64)
    m = dates.astype("datetime64[M]").astype(np.int64)
    # weeks counted from a Monday (1970-01-05) so a week boundary is a Monday-or-later crossing
    w = (dates.astype("datetime64[D]").astype(np.int64) - 4) // 7
    parts = {"year": y, "quarter": m // 3, "month": m, "week": w}
    if _is_intraday(dates):
        minutes = dates.astype(np.int64)
        parts["session"] = minutes // 1440
        for name, k in SUB_DAY.items():           # a bar stamped 10:00 ends the 09:xx hour
            parts[name] = (minutes - 1) // k
    return parts


def _fmt(d: np.datetime64, fmt: str) -> str:
    if fmt == "time":
        return str(d.astype("datetime64[m]"))[11:16]      # HH:MM
    s = str(d.astype("datetime64[D]"))  # YYYY-MM-DD
    if fmt == "year":
        return s[:4]
    if fmt == "month":
        return s[:7]
    if fmt == "full":
        return s
    return s[5:]  # MM-DD


LEVELS = ("week", "month", "quarter", "year")
SUB_DAY = {"m15": 15, "m30": 30, "hour": 60}     # intraday levels finer than a day: minutes
INTRADAY_LEVELS = (*SUB_DAY, "session", "week", "month", "quarter", "year")


def _bar_minutes(dates: np.ndarray) -> int:
    """The length of one minute bar: the smallest step between two stamps."""
    steps = np.diff(dates.astype(np.int64))
    steps = steps[steps > 0]
    return int(steps.min()) if len(steps) else 1


def _time_label(d: np.datetime64, level: str, bar_minutes: int) -> str:
    """A sub-day tick's label: the start of its 15/30/60-minute interval (10:00 for the bar
    10:01), or the bar's own stamp when bars are that long (60-minute bars: 10:30, 11:30 …)."""
    k = SUB_DAY.get(level, 1)
    if bar_minutes >= k:
        return _fmt(d, "time")
    start = ((int(d.astype(np.int64)) - 1) // k * k) % 1440
    return f"{start // 60:02d}:{start % 60:02d}"


def _boundaries(dates: np.ndarray) -> dict[str, np.ndarray]:
    """Per level, the indices j >= 1 where bar j starts a new week/month/quarter/year."""
    return {name: np.nonzero(p[1:] != p[:-1])[0] + 1 for name, p in _parts(dates).items()}


class TradingDateAxis(ChartAxis):
    def __init__(self, dates: Callable[[], np.ndarray], orientation: str = "bottom", **kw) -> None:
        super().__init__(orientation, **kw)
        self._dates = dates
        self._labels: dict[int, str] = {}
        # calendar boundaries of the whole series, computed once per series: a zoom or pan then
        # only bisects them (the visible slice's dates were converted on every frame before)
        self._bounds_of: np.ndarray | None = None
        self._bounds: dict[str, np.ndarray] = {}
        self._ticks_key: tuple | None = None
        self._ticks: list = []
        self._texts: dict[tuple[int, str], str] = {}   # (bar, format) -> label, per series

    def _level_bounds(self, dates: np.ndarray) -> dict[str, np.ndarray]:
        if dates is not self._bounds_of:
            self._bounds_of = dates  # holding the array keeps its identity unique
            self._bounds = _boundaries(dates)
            self._texts = {}
        return self._bounds

    def _text(self, dates: np.ndarray, t: int, fmt: str) -> str:
        """``_fmt(dates[t], fmt)``, remembered for the series: a zoom or pan labels mostly the
        same boundaries again."""
        key = (t, fmt)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = _fmt(dates[t], fmt)
        return text

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802,N803 (Qt/pg API)
        dates = self._dates()
        key = (minVal, maxVal, size, len(dates))
        if dates is self._bounds_of and key == self._ticks_key:
            return self._ticks
        ticks = self._tick_values(dates, minVal, maxVal, size)
        self._ticks_key, self._ticks = key, ticks
        return ticks

    def _tick_values(self, dates: np.ndarray, minVal: float, maxVal: float,  # noqa: N803
                     size: float):
        n = len(dates)
        self._labels = {}
        if n == 0 or maxVal <= minVal or size <= 0:
            return []
        i0 = max(0, math.ceil(minVal))
        i1 = min(n - 1, math.floor(maxVal))
        if i1 < i0:
            return []
        px_per_bar = size / (maxVal - minVal)
        gap = MIN_LABEL_PX / px_per_bar  # minimum bars between two labels
        bounds = self._level_bounds(dates)
        visible = i1 - i0 + 1
        ticks: list[int] = []
        level = "day"
        intraday = _is_intraday(dates)
        for name in INTRADAY_LEVELS if intraday else LEVELS:
            b = bounds[name]
            idx = b[np.searchsorted(b, i0):np.searchsorted(b, i1, side="right")]
            if len(idx) and visible / len(idx) >= gap:
                ticks, level = idx.tolist(), name
                break
            if name == "year":
                if len(idx):
                    # even years are too dense: keep every k-th year boundary
                    k = max(1, math.ceil(gap * len(idx) / visible))
                    ticks, level = idx[::k].tolist(), "year"
        if level == "day":
            k = max(1, math.ceil(gap))
            start = (i0 + k - 1) // k * k
            ticks = list(range(start, i1 + 1, k))
        # thin out irregular boundaries that crowd each other (e.g. a short month), keeping the
        # newest: the latest month is the one the user looks at
        kept: list[int] = []
        for t in reversed(ticks):
            if not kept or kept[-1] - t >= gap * 0.75:
                kept.append(t)
        kept.reverse()
        extra: int | None = None
        if level in ("quarter", "year"):
            months = bounds["month"]
            m = months[np.searchsorted(months, i0):np.searchsorted(months, i1, side="right")]
            if len(m) and (not kept or m[-1] > kept[-1]):
                extra = int(m[-1])
                if kept and extra - kept[-1] < gap * 0.75:
                    kept.pop()  # too close to the last quarter/year label: the month wins
                kept.append(extra)
        if intraday:
            days, bar = bounds["session"], _bar_minutes(dates[i0:i1 + 1])
            for t in kept:   # the first bar of a day shows the day, the others their time
                first = t == 0 or bool(len(days)) and days[min(np.searchsorted(days, t), len(days) - 1)] == t
                if first or level not in (*SUB_DAY, "day"):
                    self._labels[t] = _fmt(dates[t], "day")
                else:
                    self._labels[t] = _time_label(dates[t], level, bar)
            return [(1.0, [float(t) for t in kept])]
        for j, t in enumerate(kept):
            if t == extra:
                fmt = "month"
            elif level in ("year",):
                fmt = "year"
            elif level in ("quarter", "month"):
                fmt = "month"
            else:
                fmt = "full" if j == 0 else "day"
            self._labels[t] = self._text(dates, t, fmt)
        return [(1.0, [float(t) for t in kept])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pg API)
        dates = self._dates()
        out = []
        for v in values:
            i = int(round(v))
            if i in self._labels:
                out.append(self._labels[i])
            elif 0 <= i < len(dates):
                out.append(_fmt(dates[i], "time" if _is_intraday(dates) else "full"))
            else:
                out.append("")
        return out
