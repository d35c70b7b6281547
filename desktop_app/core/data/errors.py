"""Typed failures of a market data source, each with a reason a user can read in any language."""
from __future__ import annotations

from desktop_app.core.catalogue import FAILURE_KINDS
from desktop_app.core.reasons import R, Reason, ReasonError


class DataError(ReasonError):
    """Base of every data-source failure. ``kind`` is a stable id used in failure reasons;
    ``reason`` (a :class:`Reason`) says what happened; ``str()`` is its English."""

    kind = "error"

    def __init__(self, reason: Reason | str, symbol: str | None = None):
        super().__init__(reason)
        self.symbol = symbol

    @property
    def user_message(self) -> str:
        return str(self)

    def failure(self) -> Reason:
        """The reason with its kind in front (``network: …``), as a per-symbol failure."""
        return failure_reason(self)


def failure_reason(exc: BaseException | None) -> Reason:
    """A per-symbol failure reason that names the error kind, e.g. ``network: timed out``."""
    if exc is None:
        return R("unexpected", type="Error", detail="unknown error")
    if isinstance(exc, DataError):
        zh, en = FAILURE_KINDS.get(exc.kind, (exc.kind, exc.kind))
        return R("failure_kind", kind={"zh": zh, "en": en}, reason=exc.reason)
    return Reason.of(exc)


class NoDataError(DataError):
    """The source answered, but has no data for this symbol (unknown, suspended, not listed yet)."""

    kind = "no_data"


class NetworkError(DataError):
    """Timeout, refused or dropped connection: the request may succeed later."""

    kind = "network"


class ThrottledError(DataError):
    """The host signals throttling (disconnects, block pages): rest it before asking again.
    ``retry_after``: seconds until the host may be asked again, when known."""

    kind = "throttled"

    def __init__(self, reason: Reason | str, symbol: str | None = None, retry_after: float | None = None):
        super().__init__(reason, symbol)
        self.retry_after = retry_after


class UnparseableError(DataError):
    """The answer could not be understood (HTML instead of JSON, changed columns, garbage)."""

    kind = "unparseable"
