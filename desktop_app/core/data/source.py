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

    def spot(self) -> pd.DataFrame:
        """Latest snapshot, SPOT_COLUMNS, one row per symbol."""

    def index_members(self, index_code: str) -> list[str]:
        """Member symbols of an index such as "000300" (沪深300)."""

    def boards(self, kind: BoardKind) -> list[str]:
        """Names of the industry or concept boards."""

    def board_members(self, kind: BoardKind, name: str) -> list[str]:
        """Member symbols of one board."""
