"""Daily price limits (涨跌幅限制), dated: the rule in force on each day, and the limit prices.

The table is ``limit_rules()`` (``BASE_RULES`` + the switch below): rows ``(board, st, from_date, limit)``; the rule of a board and ST
flag on a day is the row with the latest ``from_date`` on or before that day. docs/INDICATORS.md
("Price limits") has the table with its sources:

* main boards (沪深主板) ±10 % since 1996-12-16; their ST/*ST stocks ±5 % since 1998-04-22;
* ChiNext (创业板) ±10 % (ST ±5 %) from its opening on 2009-10-30, ±20 % for every stock (ST
  included) since the registration reform of **2020-08-24**;
* STAR (科创板) ±20 % from its opening on 2019-07-22, ST included;
* BSE (北交所) ±30 % from its opening on 2021-11-15, ST included.

**Main-board ST at 10 % — a proposal, not in force here.** In mid-2025 the Shanghai and Shenzhen
exchanges proposed raising the limit of main-board risk-warning (ST/*ST) stocks from 5 % to 10 %.
The final rule and its effective day could not be checked when this table was written, so the
table keeps 5 %. Once the day is confirmed, set ``MAIN_ST_10PCT_FROM`` to it: the two rows below
are added for days from then on, and every past day keeps 5 %.

New listings: a stock's first days have no limit (``no_limit_days``): the first 5 trading days on
the registration-system boards (STAR; ChiNext since 2020-08-24; the main boards since 2023-04-10),
the first day on the BSE and before those reforms (the main boards' first-day cap of +44 % is not
a ±10 % limit either).

Limit prices: previous close × (1 ± limit), rounded **half up** to the cent, as the exchanges and
通达信 compute them (``limit_up_cents`` / ``limit_down_cents``, in exact integer arithmetic: a
float product misrounds about 2 % of BSE limit-down prices, e.g. 0.45 × 0.7 = 0.315 → 0.32).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

#: The day main-board ST stocks move to ±10 % (the mid-2025 proposal); None: not in force (5 %).
#: Switch it on with the confirmed effective day, e.g. ``dt.date(2025, 7, 7)`` (reported, unverified).
MAIN_ST_10PCT_FROM: dt.date | None = None

_D = dt.date
#: The rules in force without the proposal; ``limit_rules()`` adds it when switched on.
BASE_RULES: list[tuple[str, bool, dt.date, float]] = [
    ("sh_main", False, _D(1996, 12, 16), 0.10), ("sz_main", False, _D(1996, 12, 16), 0.10),
    ("sh_main", True, _D(1998, 4, 22), 0.05), ("sz_main", True, _D(1998, 4, 22), 0.05),
    ("chinext", False, _D(2009, 10, 30), 0.10), ("chinext", True, _D(2009, 10, 30), 0.05),
    ("chinext", False, _D(2020, 8, 24), 0.20), ("chinext", True, _D(2020, 8, 24), 0.20),
    ("star", False, _D(2019, 7, 22), 0.20), ("star", True, _D(2019, 7, 22), 0.20),
    ("bse", False, _D(2021, 11, 15), 0.30), ("bse", True, _D(2021, 11, 15), 0.30),
]


def limit_rules() -> list[tuple[str, bool, dt.date, float]]:
    """The table: ``BASE_RULES`` and, when ``MAIN_ST_10PCT_FROM`` is set, the main-board ST rows
    of the mid-2025 proposal from that day on (see the module docstring)."""
    rules = list(BASE_RULES)
    if MAIN_ST_10PCT_FROM is not None:
        rules += [("sh_main", True, MAIN_ST_10PCT_FROM, 0.10), ("sz_main", True, MAIN_ST_10PCT_FROM, 0.10)]
    return rules


def _rows(board: str, st: bool) -> list[tuple[dt.date, float]]:
    """(from_date, limit) of one board and ST flag, oldest first."""
    rows = sorted((r[2], r[3]) for r in limit_rules() if r[0] == board and r[1] == bool(st))
    if not rows:
        raise KeyError(board)
    return rows


#: (board, from_date, days): how many first trading days of a new listing have no limit.
NO_LIMIT_RULES: list[tuple[str, dt.date, int]] = [
    ("sh_main", _D(1990, 12, 19), 1), ("sz_main", _D(1990, 12, 1), 1),
    ("sh_main", _D(2023, 4, 10), 5), ("sz_main", _D(2023, 4, 10), 5),
    ("chinext", _D(2009, 10, 30), 1), ("chinext", _D(2020, 8, 24), 5),
    ("star", _D(2019, 7, 22), 5), ("bse", _D(2021, 11, 15), 1),
]
BOARD_ORDER = ("sh_main", "sz_main", "chinext", "star", "bse")


def _as_date(day) -> dt.date:
    return day if type(day) is dt.date else pd.Timestamp(day).date()


def limit_on(board: str, is_st: bool = False, day=None) -> float:
    """The daily limit (a fraction, 0.10 = ±10 %) of ``board`` on ``day`` (None: today); the
    earliest rule for a day before the board opened."""
    day = dt.date.today() if day is None else _as_date(day)
    rows = _rows(board, is_st)
    limit = rows[0][1]
    for since, value in rows:
        if since <= day:
            limit = value
    return limit


def limits_table(dates: pd.DatetimeIndex) -> dict[tuple[str, bool], np.ndarray]:
    """(board, st) -> the limit on each of ``dates`` (a (t,) array): one lookup per rule, not per day."""
    days = pd.DatetimeIndex(dates).values.astype("datetime64[D]")
    out = {}
    for board in BOARD_ORDER:
        for st in (False, True):
            rows = _rows(board, st)
            lim = np.full(len(days), rows[0][1])
            for since, value in rows:
                lim[days >= np.datetime64(since, "D")] = value
            out[(board, st)] = lim
    return out


def limit_groups(boards, is_st, dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """``(stack, gid)``: ``stack[g]`` is the limit of group g on each of ``dates`` ((G, t)) and
    ``gid`` each stock's group (board and ST flag): ``stack[gid[i], j]`` is stock i's limit on day j."""
    table = limits_table(dates)
    at = {k: i for i, k in enumerate(table)}
    stack = np.stack(list(table.values()))
    gid = np.array([at[(str(b), bool(s))] for b, s in zip(boards, is_st)], dtype=np.intp)
    return stack, gid


def row_day_limits(boards, is_st, dates: pd.DatetimeIndex) -> np.ndarray:
    """(n, t): each stock's limit on each day (its board and ST flag, the rule of that day)."""
    stack, gid = limit_groups(boards, is_st, dates)
    return stack[gid]


def no_limit_days(board: str, listed) -> int:
    """How many first trading days of a stock listed on ``listed`` on ``board`` have no limit."""
    listed = _as_date(listed)
    days = 1
    for b, since, n in sorted(NO_LIMIT_RULES, key=lambda r: r[1]):
        if b == board and since <= listed:
            days = n
    return days


def _cents(price) -> np.ndarray:
    return np.round(np.asarray(price, dtype=float) * 100.0)


def _limit_cents(prev_close, limit, sign: int) -> np.ndarray:
    """prev × (1 ± limit) in cents, rounded half up, in integers (NaN where prev is NaN)."""
    cents = _cents(prev_close)
    bp = np.round(np.asarray(limit, dtype=float) * 10000.0)
    ok = np.isfinite(cents) & np.isfinite(bp)
    c = np.where(ok, cents, 0).astype(np.int64)
    b = np.where(ok, bp, 0).astype(np.int64)
    out = ((c * (10000 + sign * b) + 5000) // 10000).astype(float)
    return np.where(ok, out, np.nan)


def limit_up_cents(prev_close, limit) -> np.ndarray:
    """The limit-up price in cents: prev × (1 + limit), rounded half up to the cent (NaN stays)."""
    return _limit_cents(prev_close, limit, +1)


def limit_down_cents(prev_close, limit) -> np.ndarray:
    """The limit-down price in cents: prev × (1 − limit), rounded half up, at least one cent."""
    out = _limit_cents(prev_close, limit, -1)
    return np.where(np.isfinite(out), np.maximum(out, 1.0), out)
