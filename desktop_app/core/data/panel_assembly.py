"""Per-symbol bar records scattered straight into a panel's arrays, as they are read.

A panel's day axis is the union of its rows' dates, known only once every row is read; holding
every row's records until then cost the records *and* the panel (≈2.2× the panel, issue 13 §5).
Instead the axis is taken from the first ``WARM`` rows; every later row is placed into the output
arrays as soon as it is read and its bytes are dropped. A row bringing a day the axis lacks (a
stock trading on a day none of the first rows did: rare in a market) is held back, and at the end
the arrays are re-laid once on the full union — the same panel either way.

With ``last_n`` only the last ``last_n`` days of the union are kept. Adding days to a union only
moves its ``last_n``-th newest day later, so once the axis holds ``last_n`` days a row's days
older than the axis can be dropped: they can never be in the final window.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..panel import PANEL_FIELDS, Panel
from . import bar_codec as codec

WARM = 64   # rows whose records are held to make the first axis


def _union(recs, extra: np.ndarray | None = None) -> np.ndarray:
    """Sorted union of the records' days (and ``extra``)."""
    parts = [r["d"] for r in recs] + ([] if extra is None else [extra])
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int32)


class PanelAssembly:
    """``add(row, records)`` for each row (records sorted by date, any order of rows), then
    ``panel(symbols)``. ``lo_day``/``hi_day`` bound the dates (inclusive day numbers)."""

    def __init__(self, n_rows: int, last_n: int | None = None, lo_day: int | None = None,
                 hi_day: int | None = None, warm: int = WARM):
        self.n_rows, self.last_n, self.warm = n_rows, last_n, max(1, warm)
        self.lo_day, self.hi_day = lo_day, hi_day
        self._held: list[tuple[int, np.ndarray]] = []    # warm-up rows, then rows off the axis
        self._days: np.ndarray | None = None              # the axis (day numbers, ascending)
        self._out: np.ndarray | None = None               # (field, row, day)
        self._lut: np.ndarray | None = None               # day - days[0] -> position, or -1

    # ------------------------------------------------------------------ input
    def add(self, row: int, rec: np.ndarray) -> None:
        rec = self._clip(rec)
        if not len(rec) or (self.last_n is not None and self.last_n <= 0):
            return
        if self._out is None:
            self._held.append((row, rec))
            if len(self._held) >= self.warm:
                self._lay_out(_union(r for _, r in self._held))
            return
        if not self._place(row, rec):
            self._held.append((row, rec))

    def _clip(self, rec: np.ndarray) -> np.ndarray:
        if self.lo_day is None and self.hi_day is None:
            return rec
        d = rec["d"]
        a = 0 if self.lo_day is None else int(np.searchsorted(d, self.lo_day, "left"))
        b = len(d) if self.hi_day is None else int(np.searchsorted(d, self.hi_day, "right"))
        return rec[a:b]

    def _window(self, days: np.ndarray) -> np.ndarray:
        return days if self.last_n is None else days[-self.last_n:]

    def _lay_out(self, union: np.ndarray) -> None:
        """Allocate the arrays on ``union`` (windowed), keep what was placed, place what was held."""
        days = self._window(union)
        out = np.full((len(PANEL_FIELDS), self.n_rows, len(days)), np.nan)
        if self._out is not None and len(self._days):      # re-lay what was placed (rare)
            kept = np.isin(self._days, days)
            to = np.searchsorted(days, self._days[kept])
            for k in range(len(PANEL_FIELDS)):                # one field's copy at a time
                out[k][:, to] = self._out[k][:, kept]
        self._days, self._out = days, out
        self._lut = np.full(int(days[-1] - days[0]) + 1 if len(days) else 0, -1, dtype=np.int64)
        if len(days):
            self._lut[days - days[0]] = np.arange(len(days))
        held, self._held = self._held, []
        for row, rec in held:
            placed = self._place(row, rec)
            assert placed, "a held row must fit the union it is part of"

    def _place(self, row: int, rec: np.ndarray) -> bool:
        """Scatter ``rec`` into its row; False (nothing written) if it has a day off the axis."""
        days = self._days
        if not len(days):
            return False
        d = rec["d"]
        if self.last_n is not None and len(days) >= self.last_n and d[0] < days[0]:
            rec = rec[np.searchsorted(d, days[0], "left"):]   # older than any day the window keeps
            d = rec["d"]
            if not len(d):
                return True
        if d[0] < days[0] or d[-1] > days[-1]:
            return False
        pos = self._lut[d - days[0]]
        if (pos < 0).any():
            return False
        p0, p1 = int(pos[0]), int(pos[-1])
        if p1 - p0 + 1 == len(rec):
            self._out[:, row, p0:p1 + 1] = rec["v"].T
        else:
            self._out[:, row, pos] = rec["v"].T
        return True

    # ------------------------------------------------------------------ output
    def panel(self, symbols: np.ndarray) -> Panel:
        """The panel of the rows added (``symbols[row]`` names each row)."""
        if self._out is None:
            if self._held:
                self._lay_out(_union(r for _, r in self._held))
        elif self._held:
            self._lay_out(_union((r for _, r in self._held), self._days))
        if self._out is None:
            empty = {f: np.full((len(symbols), 0), np.nan) for f in PANEL_FIELDS}
            return Panel(symbols, pd.DatetimeIndex([], name="date"), empty)
        fields = {f: self._out[k] for k, f in enumerate(PANEL_FIELDS)}
        return Panel(symbols, codec.days_to_index(self._days), fields)


def assemble(symbols: np.ndarray, recs: list[np.ndarray], last_n: int | None = None) -> Panel:
    """The panel of ``recs[i]`` as row ``i`` (all in memory already)."""
    asm = PanelAssembly(len(symbols), last_n)
    for i, r in enumerate(recs):
        asm.add(i, r)
    return asm.panel(symbols)
