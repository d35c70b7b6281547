"""One stock's F10 page (通达信's F10 key): the latest reports, the valuation and its history,
dividends and the company profile — each part fetched on its own, so one failing part leaves the
others shown, its failure kept as a ``Reason``.

Reports come from the source (``financial_indicators``) and are written to the store's
fundamentals table (``FundamentalStore``); when the source fails, the stored reports are shown
instead (``reports_cached`` says so). The fundamental score is ``stock_fundamentals``' (the
latest valuation row's TTM PE, the newest report). The profile is the source's company basics
where it has them (``company_info``: akshare's ``stock_individual_info_em``), else its universe
row, with the share counts of the latest valuation row.

A job for a background thread (network and disk); the window never calls it on the GUI thread.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .data.errors import DataError
from .fundamental_score import score_fundamentals
from .reasons import Reason
from .stock_fundamentals import StockFundamentals, score_one, score_values

N_REPORTS = 8        # the quarters an F10 page lists


@dataclass
class F10Data:
    symbol: str
    name: str = ""
    is_demo: bool = False
    fundamentals: StockFundamentals | None = None   # reports (newest first), valuation, score
    reports_error: Reason | None = None             # why there are no reports (or why cached ones)
    reports_cached: bool = False                    # the source failed: the store's reports shown
    valuation_history: pd.DataFrame | None = None   # VALUATION_COLUMNS, ascending
    valuation_error: Reason | None = None           # why there is no valuation history
    dividends: pd.DataFrame | None = None           # DIVIDEND_COLUMNS, newest first
    dividends_error: Reason | None = None
    profile: dict = field(default_factory=dict)
    profile_error: Reason | None = None

    @property
    def reports(self) -> pd.DataFrame:
        """The last ``N_REPORTS`` reports, newest first (empty when there are none)."""
        if self.fundamentals is None:
            return pd.DataFrame()
        return self.fundamentals.reports.head(N_REPORTS).reset_index(drop=True)


def _fstore(store):
    if store is None or not hasattr(store, "_write_txn"):
        return None
    from .data.fundamental_store import FundamentalStore

    return FundamentalStore(store)


def _reports(source, store, symbol: str) -> tuple[pd.DataFrame, Reason | None, bool]:
    """(reports newest first, failure reason, from the cache?)."""
    fstore = _fstore(store)
    try:
        frame = source.financial_indicators(symbol)
    except DataError as e:
        stored = fstore.history(symbol) if fstore is not None else pd.DataFrame()
        if len(stored):
            return stored.drop(columns="fetched").reset_index(drop=True), e.reason, True
        return pd.DataFrame(), e.reason, False
    if fstore is not None and len(frame):
        fstore.write_reports(frame)
    return frame.reset_index(drop=True), None, False


def load_f10(source, store, symbol: str, universe_cache: dict | None = None) -> F10Data:
    """Everything the F10 page shows of ``symbol`` (a 6-digit code); see the module."""
    from .analysis import stock_info

    out = F10Data(symbol, is_demo=bool(getattr(source, "is_demo", False)))
    reports, out.reports_error, out.reports_cached = _reports(source, store, symbol)
    valuation, why = None, None
    try:
        hist = source.valuation_history(symbol)
        out.valuation_history = hist
        if len(hist):
            valuation = hist.iloc[-1].to_dict()          # the LATEST row (akshare: oldest first)
    except DataError as e:
        why = out.valuation_error = e.reason
    if len(reports):
        latest = reports.iloc[0].to_dict()
        out.fundamentals = StockFundamentals(symbol, reports, valuation, why,
                                             score_one(latest, valuation, reports, symbol))
    elif valuation is not None or why is not None:
        out.fundamentals = StockFundamentals(symbol, reports, valuation, why,
                                             score_fundamentals(score_values(None, valuation), [symbol]))
    try:
        out.dividends = source.dividends(symbol)
    except DataError as e:
        out.dividends_error = e.reason
    try:
        info = getattr(source, "company_info", None)
        profile = dict(info(symbol)) if callable(info) and not out.is_demo else stock_info(source, symbol, universe_cache)
    except DataError as e:
        out.profile_error = e.reason
        profile = {}
    if valuation is not None:
        for k in ("total_shares", "float_shares"):
            if profile.get(k) is None:
                profile[k] = valuation.get(k)
    out.profile = profile
    out.name = str(profile.get("name") or "")
    return out
