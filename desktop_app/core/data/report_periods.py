"""Report periods of A-share financial reports: quarter ends and when they are all published.

Deadlines (CSRC): Q1 (03-31) by 04-30, half year (06-30) by 08-31, Q3 (09-30) by 10-31, the
annual report (12-31) by 04-30 of the next year. A period is *complete* once its deadline has
passed; ``published_periods(day, n)`` is the newest ``n`` complete periods as of ``day``.
Reports are cumulative from January 1 (a Q3 EPS is nine months' earnings), so a ratio such as
ROE is annualised by ``12 / months``.
"""
from __future__ import annotations

import datetime as dt

QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def deadline(period: dt.date) -> dt.date:
    """The last day a report for ``period`` may be published."""
    if period.month == 3:
        return dt.date(period.year, 4, 30)
    if period.month == 6:
        return dt.date(period.year, 8, 31)
    if period.month == 9:
        return dt.date(period.year, 10, 31)
    return dt.date(period.year + 1, 4, 30)


def quarter_end_on_or_before(day: dt.date) -> dt.date:
    for m, d in reversed(QUARTER_ENDS):
        end = dt.date(day.year, m, d)
        if end <= day:
            return end
    return dt.date(day.year - 1, 12, 31)


def previous_period(period: dt.date) -> dt.date:
    return quarter_end_on_or_before(period - dt.timedelta(days=1))


def is_period_end(day: dt.date) -> bool:
    return (day.month, day.day) in QUARTER_ENDS


def periods_back(period: dt.date, n: int) -> list[dt.date]:
    """``period`` and the ``n - 1`` before it, newest first."""
    out = [period]
    while len(out) < n:
        out.append(previous_period(out[-1]))
    return out


def published_periods(day: dt.date, n: int) -> list[dt.date]:
    """The newest ``n`` periods whose deadline is on or before ``day``, newest first."""
    p = quarter_end_on_or_before(day)
    while deadline(p) > day:
        p = previous_period(p)
    return periods_back(p, n)


def months(period: dt.date) -> int:
    """Months a cumulative report covers: 3, 6, 9 or 12."""
    return period.month
