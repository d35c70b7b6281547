"""A validation's formula sees the fundamental variables (``PE``, ``PB``, ``ZSZ``, ``LTSZ``, ``ROE``,
``EPS``, ``NPYOY`` …, ``core/formula/functions.FUNDAMENTAL_DATA``) as they stood on each day.

A scan binds them as per-stock constants of its day (``ScanFundamentals.with_fields``); a
validation evaluates the formula on every day at once, so each variable is bound as a
(stock × day) series: on day D the reports public by D and PE/PB/caps from D's close
(``core/fundamentals_as_of.DayFundamentals``, the derivation the as-of scan and the validation's
bounds use — no second one). All cells of a chunk are derived in one vectorised call.
"""
from __future__ import annotations

import numpy as np

from .fundamentals_as_of import DayFundamentals, close_on_or_before
from .scan_fundamentals import _FORMULA_FIELDS, formula_names


def used_fields(request) -> set[str]:
    """The panel fields (``f_pe`` …) of the fundamental variables the request's formula uses."""
    return formula_names(getattr(request, "formula", "") or "")


def with_day_fields(sub, rows: np.ndarray, fund: DayFundamentals | None, names: set[str]):
    """The chunk ``sub`` (panel rows ``rows`` of ``fund``'s panel) with the fundamental fields
    ``names`` as (stock × day) arrays of each day's values (NaN before a stock's first public
    report). Unchanged without ``names`` or without ``fund`` (the variables are then unknown)."""
    if not names or fund is None:
        return sub
    from .panel import Panel

    m, t = sub.shape
    rows = np.asarray(rows, dtype=np.intp)
    cell_rows = np.repeat(rows, t)
    cell_cols = np.tile(np.arange(t, dtype=np.intp), m)
    close = close_on_or_before(np.asarray(sub.close, dtype=float)).ravel()
    v = fund.values(cell_rows, cell_cols, close, fscore=False)
    fields = dict(sub.fields)
    for name in sorted(names):
        key, div = _FORMULA_FIELDS[name]
        fields[name] = (v[key] / div).reshape(m, t)
    return Panel(sub.symbols, sub.dates, fields)
