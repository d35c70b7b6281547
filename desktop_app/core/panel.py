"""A market panel: aligned daily bars of many symbols, time on the last axis.

``fields[name]`` is a float64 array of shape (n_symbols, n_days); NaN where a stock did not trade
(suspended, not yet listed). Indicators, scoring and strategies work on these arrays directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PANEL_FIELDS = ("open", "high", "low", "close", "volume", "amount", "turnover")


@dataclass
class Panel:
    symbols: np.ndarray            # (n,) str, 6-digit codes
    dates: pd.DatetimeIndex        # (t,) trading days, ascending
    fields: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (n, t) float64

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.symbols), len(self.dates))

    def __getitem__(self, name: str) -> np.ndarray:
        return self.fields[name]

    @property
    def open(self) -> np.ndarray:
        return self.fields["open"]

    @property
    def high(self) -> np.ndarray:
        return self.fields["high"]

    @property
    def low(self) -> np.ndarray:
        return self.fields["low"]

    @property
    def close(self) -> np.ndarray:
        return self.fields["close"]

    @property
    def volume(self) -> np.ndarray:
        return self.fields["volume"]

    def rows(self, index) -> "Panel":
        """A sub-panel of the given rows (slice, int array or boolean mask)."""
        return Panel(self.symbols[index], self.dates, {k: v[index] for k, v in self.fields.items()})

    def tail(self, n_days: int) -> "Panel":
        """The last ``n_days`` columns (all symbols)."""
        return Panel(self.symbols, self.dates[-n_days:], {k: v[:, -n_days:] for k, v in self.fields.items()})

    def row_frame(self, i: int) -> pd.DataFrame:
        """One symbol as a bars DataFrame (days it did not trade dropped)."""
        df = pd.DataFrame({k: v[i] for k, v in self.fields.items()}, index=self.dates)
        df.index.name = "date"
        return df.dropna(subset=["close"])

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame], fields=PANEL_FIELDS) -> "Panel":
        """Align per-symbol bar frames on the union of their dates."""
        symbols = np.array(list(frames.keys()), dtype=object)
        if not frames:
            return cls(symbols, pd.DatetimeIndex([], name="date"), {f: np.empty((0, 0)) for f in fields})
        dates = pd.DatetimeIndex(sorted(set().union(*[f.index for f in frames.values()])), name="date")
        out = {f: np.full((len(symbols), len(dates)), np.nan) for f in fields}
        for i, df in enumerate(frames.values()):
            pos = dates.get_indexer(df.index)
            for f in fields:
                if f in df:
                    out[f][i, pos] = df[f].to_numpy(dtype=float)
        return cls(symbols, dates, out)


def join_rows(a: Panel, b: Panel, order: list[str], last_n: int | None = None) -> Panel:
    """The rows of two panels in one, aligned on the union of their dates (NaN where a panel
    lacks a day), rows in ``order`` (codes in neither panel are left out), the last ``last_n``
    dates kept. Days on which no row of the result trades are dropped, as the store does.
    When one panel is empty the other is returned as it is (rows reordered only if needed)."""
    where = {s: (a, i) for i, s in enumerate(a.symbols.tolist())}
    where.update({s: (b, i) for i, s in enumerate(b.symbols.tolist())})
    order = [s for s in dict.fromkeys(order) if s in where]
    for one, other in ((a, b), (b, a)):
        if len(other.symbols) == 0 and _keeps_every_day(one, last_n):
            if order == one.symbols.tolist():
                return one
            return one.rows(np.array([where[s][1] for s in order], dtype=np.intp))
    dates = a.dates.union(b.dates)
    names = [f for f in PANEL_FIELDS if f in a.fields or f in b.fields]
    out = {f: np.full((len(order), len(dates)), np.nan) for f in names}
    for src in (a, b):
        mine = np.array([k for k, s in enumerate(order) if where[s][0] is src], dtype=np.intp)
        if not len(mine):
            continue
        rows = np.array([where[order[k]][1] for k in mine], dtype=np.intp)
        cols = dates.get_indexer(src.dates)
        for f in names:
            if f in src.fields:
                block = np.full((len(mine), len(dates)), np.nan)
                block[:, cols] = src.fields[f][rows]
                out[f][mine] = block
    trading = np.isfinite(out["close"]).any(axis=0) if "close" in out else np.ones(len(dates), bool)
    keep = np.flatnonzero(trading)
    if last_n is not None:
        keep = keep[-last_n:] if last_n > 0 else keep[:0]
    return Panel(np.array(order, dtype=object), pd.DatetimeIndex(dates[keep], name="date"),
                 {f: v[:, keep] for f, v in out.items()})


def _keeps_every_day(p: Panel, last_n: int | None) -> bool:
    """True when ``p`` alone already is what ``join_rows`` would make of it: at most ``last_n``
    days, each traded by some row."""
    if last_n is not None and len(p.dates) > last_n:
        return False
    close = p.fields.get("close")
    if close is None or close.shape[1] == 0:
        return True
    return bool(np.isfinite(close).any(axis=0).all())
