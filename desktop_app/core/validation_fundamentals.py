"""A screen's fundamental bounds and its 60日涨跌幅 / 年初至今 bounds on every day of a validation,
without look-ahead (issue 16): on day D only reports public on or before D, and the two returns
from bars up to D.

Reports and values on D (PE/PB from D's close and the reports public by D, caps from D's
close × today's shares, the fundamental score): ``core/fundamentals_as_of`` — the one
derivation a scan as of a past day uses too.
Only the cells the technical screen selected are evaluated (flat arrays), with the scan's
exclusions in the scan's order (``scan_fundamentals.value_exclusions`` then
``scan_returns.exclusions``); the first that holds is counted, as a scan counts its stocks.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .fundamentals_as_of import DayFundamentals, close_on_or_before
from .scan_fundamentals import value_exclusions
from .scan_returns import WINDOW, exclusions as return_exclusions, has_bounds as has_return_bounds


def has_fundamental_bounds(request) -> bool:
    fields = ("pe_min", "pe_max", "pb_min", "pb_max", "float_cap_min", "float_cap_max", "roe_min",
              "profit_yoy_min", "min_fscore")
    return any(getattr(request, f, None) is not None for f in fields)


def applies(request) -> bool:
    """Whether the request has bounds this module checks."""
    return has_fundamental_bounds(request) or has_return_bounds(request)


def day_returns(filled: np.ndarray, dates: pd.DatetimeIndex, rows: np.ndarray, cols: np.ndarray) -> dict:
    """``chg60`` and ``ytd`` (percent) of the cells as a scan as of each cell's day computes them
    (``scan_returns.period_returns``), from ``close_on_or_before``'s array."""
    now = filled[rows, cols]
    years = np.asarray(dates.year)
    first_of_year = np.searchsorted(years, years, side="left")      # years ascend with the dates
    prev_last = first_of_year - 1                                   # the previous year's last column
    with np.errstate(invalid="ignore", divide="ignore"):
        b60 = np.where(cols >= WINDOW, filled[rows, np.maximum(cols - WINDOW, 0)], np.nan)
        chg60 = np.where(b60 > 0, (now / b60 - 1.0) * 100.0, np.nan)
        pl = prev_last[cols]
        by = np.where(pl >= 0, filled[rows, np.maximum(pl, 0)], np.nan)
        ytd = np.where(by > 0, (now / by - 1.0) * 100.0, np.nan)
    return {"chg60": chg60, "ytd": ytd}


def screen_cells(request, panel, rows: np.ndarray, cols: np.ndarray, fund: DayFundamentals | None,
                 filled: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """(keep, excluded counts) for the technical signals at cells (rows[k], cols[k]) of
    ``panel``: the fundamental bounds on each cell's day, then the two returns' bounds.
    ``fund`` None with fundamental bounds: every cell lacks fundamentals (``no_fundamentals``).
    ``filled``: ``close_on_or_before(panel.close)`` when already computed."""
    n = len(rows)
    reason = np.full(n, -1, dtype=np.int16)
    names: list[str] = []

    def mark(why: str, mask: np.ndarray) -> None:
        if why not in names:
            names.append(why)
        reason[(reason < 0) & mask] = names.index(why)

    if n and applies(request):
        filled = close_on_or_before(panel.close) if filled is None else filled
        close = filled[rows, cols]
        if has_fundamental_bounds(request):
            if fund is None:
                mark("no_fundamentals", np.ones(n, dtype=bool))
            else:
                v = fund.values(rows, cols, close, fscore=request.min_fscore is not None)
                for why, mask in value_exclusions(request, v, v["_scored"]):
                    if why != "market_cap":             # the validation's prefilter checks it on D
                        mark(why, mask)
        if has_return_bounds(request):
            for why, mask in return_exclusions(request, day_returns(filled, panel.dates, rows, cols)):
                mark(why, mask)
    counts = {names[k]: int(c) for k, c in zip(*np.unique(reason[reason >= 0], return_counts=True))}
    return reason < 0, counts


def uses_fundamentals(request) -> bool:
    """Whether the request has fundamental bounds or its formula uses a fundamental variable."""
    from .validation_formula_fields import used_fields
    return has_fundamental_bounds(request) or bool(used_fields(request))


def load(request, source, store, panel, cancel=None) -> DayFundamentals | None:
    """The reports a validation of ``request`` over ``panel``'s days needs (fetched as a scan
    fetches them: ``scan_fundamentals.ensure_reports`` for each quarter of the panel), or None
    when the request has no fundamental bound and its formula no fundamental variable (``PE`` …,
    ``core/validation_formula_fields``). Raises ``FundamentalsError``."""
    if not uses_fundamentals(request):
        return None
    from .data.fundamental_store import FundamentalStore
    from .reasons import R
    from .scan_fundamentals import FundamentalsError, ensure_reports, ensure_valuations

    if not hasattr(store, "_write_txn"):       # not a bar store (a test double): nothing stored
        raise FundamentalsError(R("fund_needs_reports", reason=R("no_bars_stored")))
    fstore = FundamentalStore(store)
    first, last = panel.dates[0].date(), panel.dates[-1].date()
    quarter_ends = pd.date_range(first, last, freq="QE").date.tolist() + [last]
    for day in quarter_ends:
        ensure_reports(source, fstore, day, cancel)
    syms = panel.symbols.tolist()
    from .validation_formula_fields import used_fields
    names = used_fields(request)
    shares = {"float_cap": None, "market_cap": None}       # today's share counts, for the caps
    wanted = {"float_cap": request.float_cap_min is not None or request.float_cap_max is not None
              or "f_float_cap" in names, "market_cap": "f_market_cap" in names}
    if any(wanted.values()):
        ensure_valuations(source, fstore, last, "fund_needs_snapshot")
        val = fstore.valuations().reindex(syms)
        for key in (k for k, w in wanted.items() if w):
            with np.errstate(invalid="ignore", divide="ignore"):
                shares[key] = (val[key] / val["last"]).to_numpy(dtype=float)
    return DayFundamentals(panel, fstore.all_reports(last), shares["float_cap"], shares["market_cap"])
