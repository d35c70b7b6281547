"""What was known about each stock's fundamentals on a past day D, without look-ahead — the one
derivation both a validation (every day of its period, ``core/validation_fundamentals``) and a scan
as of a past day (``ScanRequest.as_of``, ``core/scan_fundamentals``) use.

Reports: each stock's newest report public on or before D — the store's as-of rule
(``FundamentalStore.latest_as_of``). All the reports are read in one query; every report takes
effect from the first panel day on or after its ``available_day`` and a running maximum along
each stock's days gives, for every (stock, day) cell at once, the newest one public by then.

Values on D (a snapshot is of today; a past day has none, so they are derived from D's close —
the stock's last close on or before D, ``close_on_or_before``):
- PE(动态) = close / (the report's EPS × 12 / months it covers); PB = close / BVPS;
- float cap = close × today's float shares (the snapshot's float cap / its price); market cap =
  close × today's shares (a stated bias: ``bias_mcap_today``; share counts change);
- ROE, growth, margin, debt ratio: the report's; the multi-year growth from the annual reports
  public by D (the newest annual year public by D; older ones were published before it);
- the fundamental score: ``score_fundamentals`` of those values.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .fundamental_growth import growth_values
from .fundamental_score import score_fundamentals

#: Report fields read into a cell's values (``FundamentalStore`` REPORT_FIELDS).
_REPORT_KEYS = ("eps", "bvps", "roe", "profit_yoy", "revenue_yoy", "gross_margin", "debt_ratio")


def _day_numbers(dates: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(dates.values.astype("datetime64[D]").astype(np.int64))


class DayFundamentals:
    """The reports of a panel's stocks, indexed for "the newest public by day D" on every cell.

    ``reports``: ``FundamentalStore.all_reports()`` rows; ``float_shares`` / ``total_shares``:
    today's share counts per panel row (NaN unknown) or None."""

    def __init__(self, panel, reports: pd.DataFrame, float_shares=None, total_shares=None):
        n, t = panel.shape
        syms = panel.symbols.tolist()
        row_of = {s: i for i, s in enumerate(syms)}
        self.symbols = syms
        days = _day_numbers(panel.dates)
        rep = reports[reports["symbol"].astype(str).isin(row_of)].copy()
        rep["row"] = rep["symbol"].astype(str).map(row_of).astype(np.int64)
        rep = rep.sort_values(["row", "report_day"], kind="stable").reset_index(drop=True)
        col = np.searchsorted(days, rep["available_day"].to_numpy(dtype=np.int64), side="left")
        inside = col < t
        self.newest = self._running(n, t, rep["row"].to_numpy()[inside], col[inside], np.flatnonzero(inside))
        self.fields = {k: rep[k].to_numpy(dtype=float) if k in rep else np.full(len(rep), np.nan)
                       for k in _REPORT_KEYS}
        self.report_days = rep["report_day"].to_numpy(dtype=float)      # day numbers
        period = pd.to_datetime(rep["report_day"].to_numpy(dtype=np.int64), unit="D")
        self.months = period.month.to_numpy().astype(float)
        self.annual_year = period.year.to_numpy()
        annual = (period.month.to_numpy() == 12) & (period.day.to_numpy() == 31)
        self.annual = rep.loc[annual, ["symbol", "revenue", "profit"]].assign(year=self.annual_year[annual])
        a_rows = np.flatnonzero(annual & inside)
        self.newest_annual = self._running(n, t, rep["row"].to_numpy()[a_rows], col[a_rows], a_rows)
        self.float_shares = None if float_shares is None else np.asarray(float_shares, dtype=float)
        self.total_shares = None if total_shares is None else np.asarray(total_shares, dtype=float)
        self._growth: dict[int, dict[str, np.ndarray]] = {}

    @staticmethod
    def _running(n: int, t: int, rows: np.ndarray, cols: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """(n, t) int32: the largest id (reports sorted by row then period, so the newest
        period) taking effect on or before each cell; -1 where none."""
        best = np.full((n, t), -1, dtype=np.int32)
        np.maximum.at(best, (rows, cols), ids.astype(np.int32))
        return np.maximum.accumulate(best, axis=1)

    def _growth_of(self, year: int) -> dict[str, np.ndarray]:
        """Multi-year growth per panel row from the annual reports up to ``year``."""
        if year not in self._growth:
            part = self.annual[self.annual["year"] <= year]
            self._growth[year] = growth_values(part, self.symbols)[0]
        return self._growth[year]

    def values(self, rows: np.ndarray, cols: np.ndarray, close: np.ndarray, fscore: bool) -> dict:
        """The fundamental values of the cells (rows[k], cols[k]) whose close on or before their
        day is ``close`` (see the module); ``fscore``: also the fundamental score."""
        g = self.newest[rows, cols]
        have = g >= 0
        gi = np.maximum(g, 0)

        def field(a: np.ndarray) -> np.ndarray:
            return np.where(have, a[gi], np.nan) if len(a) else np.full(len(rows), np.nan)

        v = {k: field(self.fields[k]) for k in _REPORT_KEYS}
        v["report_day"] = field(self.report_days)
        factor = 12.0 / field(self.months)
        with np.errstate(invalid="ignore", divide="ignore"):
            annual_eps = v["eps"] * factor
            v["pe"] = np.where(np.isfinite(annual_eps) & (annual_eps != 0), close / annual_eps, np.nan)
            v["pb"] = np.where(np.isfinite(v["bvps"]) & (v["bvps"] != 0), close / v["bvps"], np.nan)
            v["roe_annual"] = v["roe"] * factor
            for key, shares in (("float_cap", self.float_shares), ("market_cap", self.total_shares)):
                v[key] = close * shares[rows] if shares is not None else np.full(len(rows), np.nan)
        if fscore:
            for k in ("revenue_cagr", "profit_cagr"):
                v[k] = np.full(len(rows), np.nan)
            ga = self.newest_annual[rows, cols]
            years = np.where(ga >= 0, self.annual_year[np.maximum(ga, 0)] if len(self.annual_year) else -1, -1)
            for y in np.unique(years[years >= 0]):
                at = years == y
                for k, arr in self._growth_of(int(y)).items():
                    v[k][at] = arr[rows[at]]
            score = score_fundamentals(v)
            v["fscore"] = score.total
            v["_scored"] = score.valid
        else:
            v["fscore"] = np.full(len(rows), np.nan)
            v["_scored"] = np.zeros(len(rows), dtype=bool)
        return v


def close_on_or_before(close: np.ndarray) -> np.ndarray:
    """(n, t): each stock's last finite close on or before each day (NaN before its first)."""
    n, t = close.shape
    idx = np.where(np.isfinite(close), np.arange(t, dtype=np.int32)[None, :], -1)
    np.maximum.accumulate(idx, axis=1, out=idx)
    out = np.take_along_axis(close, np.maximum(idx, 0), axis=1)
    out[idx < 0] = np.nan
    return out
