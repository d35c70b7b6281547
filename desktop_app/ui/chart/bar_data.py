"""One stock's bars as numpy arrays on an ordinal x axis (no Qt here).

x is the bar's position in the stock's own series (0 … n-1): weekends, holidays and suspensions leave
no gaps. Rows with a missing open/high/low/close (suspension days) are dropped on load. Every range
question the chart asks on a zoom, pan or crosshair move (visible y extents, the resampled slice to
draw, the read-out) is answered with numpy over the visible slice only, so its cost follows the
visible bar count and never the history length.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

PRICE_COLUMNS = ("open", "high", "low", "close")

#: Indicator series computed for the chart, keyed by the names used in read-outs and panes.
MA_PERIODS = (5, 10, 20, 60)
INDICATOR_NAMES = tuple(f"ma{p}" for p in MA_PERIODS) + (
    "boll_mid", "boll_upper", "boll_lower", "dif", "dea", "macd", "k", "d", "j", "rsi")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slice:
    """Bars to draw for one visible range: one entry per bar, or per bucket when resampled.

    ``x`` is the centre of each entry, ``width`` the x extent of one entry (1 bar, or the bucket
    size), ``up`` is True for red (rising) entries.
    """

    x: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    up: np.ndarray
    width: float
    bucket: int


def _clean(bars: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in PRICE_COLUMNS if c not in bars.columns]
    if missing:
        raise ValueError(f"bars lack columns {missing}")
    df = bars.copy()
    if "volume" not in df.columns:
        df["volume"] = 0.0
    if not isinstance(df.index, pd.DatetimeIndex):
        if "date" in df.columns:
            df = df.set_index("date")
        df.index = pd.DatetimeIndex(df.index)
    for c in (*PRICE_COLUMNS, "volume"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    df = df.dropna(subset=list(PRICE_COLUMNS))
    df = df[~df.index.isna()]
    df = df[~df.index.duplicated(keep="last")].sort_index()
    df["volume"] = df["volume"].fillna(0.0)
    return df


class BarData:
    """Arrays, index<->date maps, y extents, resampling and indicators of one stock."""

    def __init__(self, bars: pd.DataFrame) -> None:
        df = _clean(bars)
        self.frame: pd.DataFrame = df
        stamps = df.index.values
        #: minute bars (issue 17): the x axis and the read-out then show times of day
        self.intraday: bool = bool(len(df)) and bool(
            (stamps.astype("datetime64[m]") != stamps.astype("datetime64[D]")).any())
        self.dates: np.ndarray = stamps.astype("datetime64[m]" if self.intraday else "datetime64[D]")
        self.open: np.ndarray = df["open"].to_numpy(np.float64, copy=True)
        self.high: np.ndarray = df["high"].to_numpy(np.float64, copy=True)
        self.low: np.ndarray = df["low"].to_numpy(np.float64, copy=True)
        self.close: np.ndarray = df["close"].to_numpy(np.float64, copy=True)
        self.volume: np.ndarray = df["volume"].to_numpy(np.float64, copy=True)
        self.x: np.ndarray = np.arange(len(df), dtype=np.float64)
        prev = np.empty_like(self.close)
        if len(prev):
            prev[0] = np.nan
            prev[1:] = self.close[:-1]
        self.prev_close: np.ndarray = prev
        # A-share colouring: close above open is red; a doji (close == open) follows the change
        # against the previous close (flat counts as up).
        self.up: np.ndarray = (self.close > self.open) | (
            (self.close == self.open) & ~(self.close < prev))
        self._indicators: dict[str, np.ndarray] | None = None

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.close)

    @property
    def n(self) -> int:
        return len(self.close)

    def clamp(self, i: int) -> int:
        return max(0, min(self.n - 1, int(i)))

    def date_of(self, i: int) -> pd.Timestamp:
        return pd.Timestamp(self.dates[self.clamp(i)])

    def index_of(self, date) -> int | None:
        """Index of the bar on ``date``, or None when that day has no bar."""
        d = np.datetime64(pd.Timestamp(date).normalize().date(), "D")
        i = int(np.searchsorted(self.dates, d))
        if i < self.n and self.dates[i] == d:
            return i
        return None

    def nearest_index(self, date) -> int | None:
        """Index of the bar on ``date`` or the first bar after it (None past the end)."""
        d = np.datetime64(pd.Timestamp(date).normalize().date(), "D")
        i = int(np.searchsorted(self.dates, d))
        return i if i < self.n else None

    def visible_slice(self, x0: float, x1: float) -> tuple[int, int]:
        """Bars whose centre lies in [x0, x1] as an inclusive (i0, i1); (0, -1) when none."""
        if self.n == 0:
            return 0, -1
        i0 = max(0, math.ceil(x0 - 1e-9))
        i1 = min(self.n - 1, math.floor(x1 + 1e-9))
        if i1 < i0:  # zoomed between two bars: take the nearest one
            i = self.clamp(round((x0 + x1) / 2))
            return i, i
        return i0, i1

    # ------------------------------------------------------------------ extents
    def price_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        if self.n == 0 or i1 < i0:
            return None
        s = slice(self.clamp(i0), self.clamp(i1) + 1)
        return float(self.low[s].min()), float(self.high[s].max())

    def volume_max(self, i0: int, i1: int) -> float:
        if self.n == 0 or i1 < i0:
            return 0.0
        return float(self.volume[self.clamp(i0):self.clamp(i1) + 1].max())

    def series_range(self, names: list[str], i0: int, i1: int) -> tuple[float, float] | None:
        """nanmin/nanmax of several indicator series over the slice (None if all NaN)."""
        if self.n == 0 or i1 < i0:
            return None
        s = slice(self.clamp(i0), self.clamp(i1) + 1)
        lo, hi = math.inf, -math.inf
        ind = self.indicators()
        for name in names:
            v = ind[name][s]
            # fmin/fmax skip NaN without copying; only an infinity (or all NaN) needs the mask
            a, b = float(np.fmin.reduce(v)), float(np.fmax.reduce(v))   # v has >= 1 value
            if not (math.isfinite(a) and math.isfinite(b)):
                v = v[np.isfinite(v)]
                if not v.size:
                    continue
                a, b = float(v.min()), float(v.max())
            lo = min(lo, a)
            hi = max(hi, b)
        if lo > hi:
            return None
        return lo, hi

    # ------------------------------------------------------------------ drawing
    def slice_for_drawing(self, i0: int, i1: int, max_entries: int) -> Slice:
        """The bars of [i0, i1] to draw, resampled into buckets when there are more than
        ``max_entries``: open of the first bar, close of the last, max high, min low, summed
        volume. Buckets are aligned to multiples of the bucket size counted from bar 0, so panning
        does not make the resampled candles flicker.
        """
        i0, i1 = self.clamp(i0), self.clamp(i1)
        count = i1 - i0 + 1
        bucket = 1
        if max_entries > 0 and count > max_entries:
            bucket = math.ceil(count / max_entries)
        if bucket == 1:
            s = slice(i0, i1 + 1)
            return Slice(self.x[s], self.open[s], self.high[s], self.low[s], self.close[s],
                         self.volume[s], self.up[s], 1.0, 1)
        b0 = (i0 // bucket) * bucket
        b1 = min(self.n, (i1 // bucket + 1) * bucket)
        starts = np.arange(b0, b1, bucket)
        ends = np.minimum(starts + bucket, b1) - 1
        high = np.maximum.reduceat(self.high[b0:b1], starts - b0)
        low = np.minimum.reduceat(self.low[b0:b1], starts - b0)
        vol = np.add.reduceat(self.volume[b0:b1], starts - b0)
        o = self.open[starts]
        c = self.close[ends]
        x = (starts + ends) / 2.0
        up = c >= o
        return Slice(x, o, high, low, c, vol, up, float(bucket), bucket)

    # ------------------------------------------------------------------ read-out
    def bar(self, i: int, with_indicators: bool = True) -> dict:
        """The read-out of bar ``i``: date, OHLC, volume, change % and (unless told otherwise)
        every indicator value."""
        i = self.clamp(i)
        prev = self.prev_close[i]
        chg = (self.close[i] / prev - 1.0) * 100.0 if np.isfinite(prev) and prev else math.nan
        out = {
            "index": i,
            "date": self.date_of(i),
            "open": float(self.open[i]),
            "high": float(self.high[i]),
            "low": float(self.low[i]),
            "close": float(self.close[i]),
            "volume": float(self.volume[i]),
            "chg_pct": float(chg),
        }
        if with_indicators:
            for name, arr in self.indicators().items():
                out[name] = float(arr[i])
        return out

    # ------------------------------------------------------------------ indicators
    def indicators_ready(self) -> bool:
        return self._indicators is not None

    def indicators(self) -> dict[str, np.ndarray]:
        """MA5/10/20/60, BOLL, MACD, KDJ and RSI on the cleaned series, computed once.

        Uses ``desktop_app.core.indicators`` (imported here, lazily, so the chart module loads
        without it). Each series has one value per bar; warm-up values are NaN.
        """
        if self._indicators is None:
            try:
                self._indicators = self._compute_indicators()
            except Exception:  # a broken indicator must not take the chart down with it
                log.exception("chart indicators failed; showing bars without them")
                self._indicators = {k: np.full(self.n, np.nan) for k in INDICATOR_NAMES}
        return self._indicators

    def _compute_indicators(self) -> dict[str, np.ndarray]:
        from desktop_app.core import indicators as ind

        c, h, lo = self.close, self.high, self.low
        out: dict[str, np.ndarray] = {}

        def put(name: str, value) -> None:
            arr = np.asarray(value, dtype=np.float64).reshape(-1)
            if arr.shape != c.shape:  # defensive: an indicator must be one value per bar
                fixed = np.full(c.shape, np.nan)
                k = min(len(arr), len(c))
                if k:
                    fixed[len(c) - k:] = arr[len(arr) - k:]
                arr = fixed
            out[name] = arr

        if self.n == 0:
            return {k: np.empty(0) for k in INDICATOR_NAMES}
        for p in MA_PERIODS:
            put(f"ma{p}", ind.sma(c, p))
        mid, upper, lower = ind.boll(c, 20, 2)
        put("boll_mid", mid)
        put("boll_upper", upper)
        put("boll_lower", lower)
        dif, dea, macd = ind.macd(c, 12, 26, 9)
        put("dif", dif)
        put("dea", dea)
        put("macd", macd)
        k, d, j = ind.kdj(h, lo, c, 9, 3, 3)
        put("k", k)
        put("d", d)
        put("j", j)
        put("rsi", ind.rsi(c, 14))
        return out
