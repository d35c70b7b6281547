"""Market data: the source protocol, its implementations, the bar store and refresh jobs."""
from .errors import DataError, NetworkError, NoDataError, ThrottledError, UnparseableError
from .source import BAR_COLUMNS, SPOT_COLUMNS, UNIVERSE_COLUMNS, MarketDataSource

__all__ = [
    "BAR_COLUMNS", "SPOT_COLUMNS", "UNIVERSE_COLUMNS", "MarketDataSource",
    "DataError", "NetworkError", "NoDataError", "ThrottledError", "UnparseableError",
]
