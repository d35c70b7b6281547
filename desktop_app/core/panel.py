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
