"""Typed failures of a market data source, each with a message a user can read."""
from __future__ import annotations


class DataError(Exception):
    """Base of every data-source failure. ``kind`` is a stable id used in failure reasons."""

    kind = "error"

    def __init__(self, message: str, symbol: str | None = None):
        super().__init__(message)
        self.symbol = symbol

    @property
    def user_message(self) -> str:
        return str(self)


class NoDataError(DataError):
    """The source answered, but has no data for this symbol (unknown, suspended, not listed yet)."""

    kind = "no_data"


class NetworkError(DataError):
    """Timeout, refused or dropped connection: the request may succeed later."""

    kind = "network"


class ThrottledError(DataError):
    """The host signals throttling (disconnects, block pages): rest it before asking again."""

    kind = "throttled"


class UnparseableError(DataError):
    """The answer could not be understood (HTML instead of JSON, changed columns, garbage)."""

    kind = "unparseable"
