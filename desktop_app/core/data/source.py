"""The one protocol every market data source implements (DemoSource, AkShareSource).

Units everywhere behind this protocol: volume in shares, amount in yuan, turnover in percent,
prices in yuan. Symbols are 6-digit stock codes (``core.symbols``); dates are ``datetime.date``
or a pandas DatetimeIndex of normalised dates.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:                      # annotations only: the window's first frame never loads pandas
    import pandas as pd

UNIVERSE_COLUMNS = ["symbol", "name", "exchange", "board", "industry", "listed_date", "is_st"]
BAR_COLUMNS = ["open", "high", "low", "close", "volume", "amount", "turnover"]
SPOT_COLUMNS = [
    "symbol", "name", "last", "prev_close", "open", "high", "low", "volume", "amount",
    "turnover", "market_cap", "float_cap", "pe", "pb",
]
#: One stock's financial report for one period (``fundamentals``, ``financial_indicators``):
#: amounts in yuan, per-share values in yuan, ratios and growth in percent (16.9 = 16.9 %);
#: ``report_date`` (the period end, a ``datetime.date``) and ``notice_date`` (published, or None).
FUNDAMENTAL_COLUMNS = [
    "symbol", "report_date", "notice_date", "eps", "revenue", "revenue_yoy", "profit", "profit_yoy",
    "bvps", "roe", "gross_margin", "ocfps", "debt_ratio",
]
#: One trading day's valuation of one stock (``valuation_history``, ascending by date): PE in
#: times (TTM and static), PB, caps in yuan, shares.
VALUATION_COLUMNS = ["date", "close", "pe_ttm", "pe_static", "pb", "market_cap", "float_cap",
                     "total_shares", "float_shares"]
#: One dividend plan (``dividends``, newest first): per 10 shares, cash in yuan and shares
#: given/converted; dividend yield in percent; dates as ``datetime.date`` (None when not set).
DIVIDEND_COLUMNS = ["report_date", "plan_date", "record_date", "ex_date", "cash_per_10",
                    "shares_per_10", "dividend_yield", "progress"]
BoardKind = Literal["industry", "concept"]


@runtime_checkable
class MarketDataSource(Protocol):
    """A market data source. Methods may block (network); never call them on the GUI thread."""

    name: str  # "demo" | "akshare"; also names the source's own cache file
    is_demo: bool

    def universe(self) -> pd.DataFrame:
        """Every listed A-share stock: UNIVERSE_COLUMNS, one row per symbol."""

    def daily_bars(self, symbol: str, start: dt.date | None = None,
                   end: dt.date | None = None) -> pd.DataFrame:
        """Daily bars indexed by trading date (DatetimeIndex named "date"), BAR_COLUMNS, ascending.
        Raises NoDataError when the source has nothing for the symbol."""

    def minute_bars(self, symbol: str, period: str) -> pd.DataFrame:
        """A stock's recent intraday bars, ``period`` one of ``core.minute_bars.MINUTE_PERIODS``
        ("1m" … "60m"): DatetimeIndex "date" of each bar's end time, MINUTE_COLUMNS (unadjusted
        prices, shares, yuan), ascending; as far back as the source keeps them. NoDataError when none."""

    def spot(self) -> pd.DataFrame:
        """Latest snapshot, SPOT_COLUMNS, one row per symbol."""

    def index_members(self, index_code: str) -> list[str]:
        """Member symbols of an index such as "000300" (沪深300)."""

    def index_bars(self, code: str) -> pd.DataFrame:
        """Daily bars of a known index (6-digit code of ``core.symbols.INDEXES``): BAR_COLUMNS
        in points (volume in shares, amount in yuan, turnover NaN), ascending. NoDataError when
        the source has none. The code is an index's, never a stock's (000001 = 上证指数 here)."""

    def boards(self, kind: BoardKind) -> list[str]:
        """Names of the industry or concept boards."""

    def board_members(self, kind: BoardKind, name: str) -> list[str]:
        """Member symbols of one board."""

    def fundamentals(self, report_date: dt.date) -> pd.DataFrame:
        """The whole market's reports for one period end (03-31, 06-30, 09-30, 12-31):
        FUNDAMENTAL_COLUMNS, one row per symbol. NoDataError when nothing is published yet."""

    def financial_indicators(self, symbol: str) -> pd.DataFrame:
        """One stock's reports, every period the source has: FUNDAMENTAL_COLUMNS, newest first."""

    def valuation_history(self, symbol: str) -> pd.DataFrame:
        """One stock's daily valuation: VALUATION_COLUMNS, ascending (the last row is the latest)."""

    def dividends(self, symbol: str) -> pd.DataFrame:
        """One stock's dividend plans: DIVIDEND_COLUMNS, newest first (may be empty)."""
