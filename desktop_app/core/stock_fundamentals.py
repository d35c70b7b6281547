"""One stock's fundamentals: its reports, its latest valuation and its fundamental score — what
``stockscan-cli fundamentals CODE`` prints (and the F10 panel will show).

The valuation is the **latest** row of ``source.valuation_history`` (akshare's ``stock_value_em``
is sorted oldest first; the protocol keeps it ascending), its PE the TTM PE; the score reads the
newest report (``financial_indicators``, newest first), ROE annualised as in a scan.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data.errors import DataError
from .fundamental_growth import annual_rows, growth_values
from .fundamental_score import FundamentalScore, annualised_roe, score_fundamentals


@dataclass
class StockFundamentals:
    symbol: str
    reports: pd.DataFrame            # FUNDAMENTAL_COLUMNS, newest first
    valuation: dict | None           # the latest VALUATION_COLUMNS row, or None
    valuation_error: object | None   # the Reason it is missing, if it failed
    score: FundamentalScore          # one row

    @property
    def latest(self) -> dict | None:
        return None if self.reports.empty else self.reports.iloc[0].to_dict()


def score_values(report: dict | None, valuation: dict | None,
                 reports: pd.DataFrame | None = None) -> dict[str, np.ndarray]:
    """The fundamental score's values of one stock (NaN where unknown); ``reports`` (every period
    the source has) give the multi-year growth of its annual reports (``fundamental_growth``)."""
    def get(d, k):
        v = (d or {}).get(k)
        try:
            return np.array([float(v)])
        except (TypeError, ValueError):
            return np.array([np.nan])
    vals = {"pe": get(valuation, "pe_ttm"), "pb": get(valuation, "pb")}
    for k in ("gross_margin", "debt_ratio", "revenue_yoy", "profit_yoy"):
        vals[k] = get(report, k)
    vals["roe_annual"] = annualised_roe(get(report, "roe"), [(report or {}).get("report_date")])
    growth, _years, _why = growth_values(annual_rows(reports), [_symbol(reports)])
    vals.update(growth)
    return vals


def _symbol(reports: pd.DataFrame | None) -> str:
    return str(reports["symbol"].iloc[0]) if reports is not None and len(reports) else ""


def score_one(report: dict | None, valuation: dict | None, reports: pd.DataFrame | None,
              symbol: str) -> FundamentalScore:
    """One stock's fundamental score, the multi-year growth's reason kept for its trace line."""
    growth, _years, why = growth_values(annual_rows(reports), [_symbol(reports)])
    return score_fundamentals(score_values(report, valuation, reports), [symbol], why)


def load_stock_fundamentals(source, symbol: str) -> StockFundamentals:
    """Reports (DataError if the source has none) and the valuation (a failure is kept as its
    reason: the report still prints) of ``symbol``."""
    reports = source.financial_indicators(symbol)
    valuation, why = None, None
    try:
        hist = source.valuation_history(symbol)
        if len(hist):
            valuation = hist.iloc[-1].to_dict()          # the LATEST row
    except DataError as e:
        why = e.reason
    latest = None if reports.empty else reports.iloc[0].to_dict()
    return StockFundamentals(symbol, reports, valuation, why, score_one(latest, valuation, reports, symbol))
