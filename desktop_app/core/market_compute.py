"""The market on one day, computed for every stock at once (issue 18): one vectorised pass over
the (n, w) window of the panel that ends on the day.

Per stock (``StockDay``): the change against the last close before the day (carried over a
suspension), limit-up / limit-down / 炸板 with the board's limit of each day (``core.price_limits``;
the ST flag is today's), the consecutive limit-up count (连板) and close vs MA20 / MA60. Rules
(docs/INDICATORS.md, "Price limits and the market"):

* a stock **trades** on a day when it has a close; one listed before the day without a bar is
  **suspended** (counted apart, in no breadth figure); one with no bar up to the day is not in
  the market yet;
* **limit-up**: close ≥ the limit-up price (prev × (1 + limit) rounded half up to the cent);
  **limit-down**: close ≤ the limit-down price; **炸板**: high ≥ the limit-up price, close below;
* a new listing's first ``no_limit_days`` trading days have no limit: never limit-up or -down (a
  first day has no previous close either, so it has no change);
* **连板**: the limit-up days in a row of a stock's *trading* days ending on the day. A
  suspension inside a run does not break it (suspended days are not trading days; the next bar
  continues the run), a trading day that is not limit-up does, and so does a no-limit first day.
  A run that reaches back to the window's first day is at least that long (``capped``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import price_compare as pc
from .cap_index import last_close_before
from .indicators import sma
from .price_limits import limit_down_cents, limit_groups, limit_up_cents, no_limit_days

#: Histogram edges in basis points of change: −30 %…−10 % in two bins, 1 % bins from −10 % to
#: +10 %, then +10 %…+20 % and ≥ +20 % (the ±20 % and ±30 % boards); the outer bins are open.
HIST_EDGES_BP = np.array([-2000, -1000, *range(-900, 1000, 100), 1000, 2000], dtype=np.int64)
STATUS = ("normal", "limit_up", "limit_down", "broken", "suspended", "new", "unlisted")


@dataclass
class StockDay:
    """Every stock of the panel on the day (arrays aligned on the panel's rows)."""
    traded: np.ndarray          # a bar on the day
    suspended: np.ndarray       # listed before the day, no bar on it
    listed: np.ndarray          # a bar on or before the day
    counted: np.ndarray         # traded and a previous close: in the breadth figures
    new: np.ndarray             # traded inside its first no-limit days
    close: np.ndarray           # the day's close (NaN when not traded)
    prev: np.ndarray            # the last close before the day
    last: np.ndarray            # the day's close, or the last close before it (suspended)
    change: np.ndarray          # close / prev − 1 (NaN when not counted)
    change_bp: np.ndarray       # the change in whole basis points, floored (int; 0 when not counted)
    amount: np.ndarray          # 0 when not traded
    limit: np.ndarray           # the day's limit of each stock (a fraction)
    up_price: np.ndarray        # the limit-up price (NaN without a previous close)
    down_price: np.ndarray
    limit_up: np.ndarray
    limit_down: np.ndarray
    broken: np.ndarray          # 炸板
    streak: np.ndarray          # 连板 days ending on the day (0 when not limit-up)
    capped: np.ndarray          # the run reaches the window's first day
    ma20_ok: np.ndarray         # MA20 defined (20 bars) and traded
    above_ma20: np.ndarray
    ma60_ok: np.ndarray
    above_ma60: np.ndarray

    def status(self) -> np.ndarray:
        """Each stock's one-word status (``STATUS``)."""
        out = np.full(len(self.traded), "normal", dtype=object)
        out[self.broken] = "broken"
        out[self.limit_up] = "limit_up"
        out[self.limit_down] = "limit_down"
        out[self.new] = "new"
        out[self.suspended] = "suspended"
        out[~self.listed] = "unlisted"
        return out


def listing_age(traded: np.ndarray, listed_col: np.ndarray) -> np.ndarray:
    """(n, w): how many of its own trading days a stock has had up to each column, for stocks
    listed inside the window (``listed_col`` ≥ 0); a large number for the others."""
    age = np.cumsum(traded, axis=1)
    inside = listed_col >= 0
    return np.where(inside[:, None], age, np.iinfo(np.int64).max // 2)


def listed_columns(dates: pd.DatetimeIndex, listed_dates, traded: np.ndarray) -> np.ndarray:
    """Each stock's listing column in the window (−1: listed before it). From the universe's
    listing day when known; otherwise a first bar after the window's first column."""
    first_bar = np.where(traded.any(axis=1), traded.argmax(axis=1), -1)
    listed = pd.to_datetime(pd.Series(listed_dates), errors="coerce").to_numpy()
    known = ~pd.isna(listed)
    start = dates.values[0] if len(dates) else np.datetime64("NaT")
    by_date = known & (listed >= start)
    out = np.where(known, np.where(by_date, np.maximum(first_bar, 0), -1), np.where(first_bar > 0, first_bar, -1))
    return out.astype(np.int64)


def stock_day(panel, boards, is_st, listed_dates) -> StockDay:
    """The :class:`StockDay` of the panel's LAST column (the panel ends on the day)."""
    close, high = panel.fields["close"], panel.fields["high"]
    amount = panel.fields.get("amount")
    n, w = close.shape
    traded = np.isfinite(close)
    prev = last_close_before(close)
    stack, gid = limit_groups(boards, is_st, panel.dates)
    limits = stack[gid]                                                  # (n, w)
    listed_col = listed_columns(panel.dates, listed_dates, traded)
    age = listing_age(traded, listed_col)
    free = np.ones(n, dtype=np.int64)
    for i in np.flatnonzero(listed_col >= 0):
        listed_on = panel.dates[listed_col[i]]
        free[i] = no_limit_days(str(boards[i]), listed_on)
    has_limit = traded & np.isfinite(prev) & (age > free[:, None])
    with np.errstate(invalid="ignore"):
        close_c, high_c = np.round(close * 100.0), np.round(high * 100.0)
        up_c, dn_c = limit_up_cents(prev, limits), limit_down_cents(prev, limits)
        is_up = has_limit & (close_c >= up_c)
        is_dn = has_limit & (close_c <= dn_c)
        broken = has_limit & (high_c >= up_c) & (close_c < up_c)
    # 连板: limit-ups after the last trading day that was not one (suspended days skipped)
    cols = np.arange(w)
    breaker = np.where(traded & ~is_up, cols[None, :], -1).max(axis=1)
    cum = np.cumsum(is_up, axis=1)
    before = np.where(breaker >= 0, np.take_along_axis(cum, np.maximum(breaker, 0)[:, None], axis=1)[:, 0], 0)
    streak = np.where(is_up[:, -1], cum[:, -1] - before, 0) if w else np.zeros(n, np.int64)
    capped = (breaker < 0) & (streak > 0)

    d = w - 1
    t_d = traded[:, d]
    listed = traded[:, : d + 1].any(axis=1)
    prev_d = prev[:, d]
    counted = t_d & np.isfinite(prev_d)
    pc_d = np.where(counted, np.round(prev_d * 100.0), 1.0)
    cc_d = np.where(counted, close_c[:, d], 1.0)
    diff = (cc_d - pc_d).astype(np.int64)
    change_bp = np.where(counted, (diff * 10000) // pc_d.astype(np.int64), 0)
    change = np.where(counted, cc_d / pc_d - 1.0, np.nan)
    ma20, ma60 = sma(close, 20)[:, d], sma(close, 60)[:, d]
    c_d = close[:, d]
    ok20, ok60 = t_d & np.isfinite(ma20), t_d & np.isfinite(ma60)
    amt = np.where(t_d, np.nan_to_num(amount[:, d]) if amount is not None else 0.0, 0.0)
    return StockDay(
        traded=t_d, suspended=listed & ~t_d, listed=listed, counted=counted,
        new=t_d & (listed_col >= 0) & (age[:, d] <= free),
        close=np.where(t_d, c_d, np.nan), prev=prev_d, last=np.where(t_d, c_d, prev_d),
        change=change, change_bp=change_bp, amount=amt, limit=limits[:, d],
        up_price=up_c[:, d] / 100.0, down_price=dn_c[:, d] / 100.0,
        limit_up=is_up[:, d], limit_down=is_dn[:, d], broken=broken[:, d],
        streak=streak.astype(np.int64), capped=capped,
        ma20_ok=ok20, above_ma20=ok20 & pc.gt(np.where(ok20, c_d, 0.0), np.where(ok20, ma20, 0.0)),
        ma60_ok=ok60, above_ma60=ok60 & pc.gt(np.where(ok60, c_d, 0.0), np.where(ok60, ma60, 0.0)),
    )


def histogram(sd: StockDay, rows: np.ndarray | None = None) -> list[int]:
    """Counts of the counted stocks' changes in the bins of ``HIST_EDGES_BP`` (24 bins)."""
    keep = sd.counted if rows is None else sd.counted & rows
    b = np.searchsorted(HIST_EDGES_BP, sd.change_bp[keep], side="right")
    return np.bincount(b, minlength=len(HIST_EDGES_BP) + 1).tolist()


def hist_labels() -> list[str]:
    """The bins as text: "<-20%", "-20%~-10%", …, "9%~10%", "10%~20%", ">=20%"."""
    e = [int(x) // 100 for x in HIST_EDGES_BP]
    return [f"<{e[0]}%"] + [f"{a}%~{b}%" for a, b in zip(e[:-1], e[1:])] + [f">={e[-1]}%"]


GROUP_FIELDS = ("members", "traded", "suspended", "up", "flat", "down", "limit_up", "limit_down", "broken",
                "ma20_n", "above_ma20", "ma60_n", "above_ma60")


def group_table(sd: StockDay, rows: np.ndarray, gids: np.ndarray, n_groups: int,
                shares: np.ndarray | None) -> dict[str, np.ndarray]:
    """Aggregates of groups given as (row, group) pairs (a stock may be in several groups, as in
    concepts): counts, the equal-weighted mean change, the cap-weighted change, amount and cap."""
    rows = np.asarray(rows, dtype=np.intp)
    gids = np.asarray(gids, dtype=np.intp)
    listed = sd.listed[rows]
    r, g = rows[listed], gids[listed]

    def count(mask) -> np.ndarray:
        return np.bincount(g, weights=mask[r].astype(float), minlength=n_groups)

    def total(values) -> np.ndarray:
        return np.bincount(g, weights=values[r], minlength=n_groups)

    c = sd.counted
    out = {"members": np.bincount(g, minlength=n_groups).astype(float), "traded": count(sd.traded),
           "suspended": count(sd.suspended), "up": count(c & (sd.change > 0)),
           "flat": count(c & (sd.change == 0)), "down": count(c & (sd.change < 0)),
           "limit_up": count(sd.limit_up), "limit_down": count(sd.limit_down), "broken": count(sd.broken),
           "ma20_n": count(sd.ma20_ok), "above_ma20": count(sd.above_ma20),
           "ma60_n": count(sd.ma60_ok), "above_ma60": count(sd.above_ma60)}
    out = {k: v.astype(np.int64) for k, v in out.items()}
    n_c = out["up"] + out["flat"] + out["down"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["avg_change"] = total(np.where(c, sd.change, 0.0)) / n_c
        out["amount"] = total(sd.amount)
        if shares is None:
            out["market_cap"] = np.full(n_groups, np.nan)
            out["cap_change"] = np.full(n_groups, np.nan)
        else:
            cap = np.where(sd.listed, sd.last * shares, np.nan)
            out["market_cap"] = total(np.nan_to_num(cap))
            w = np.where(c & np.isfinite(shares), sd.prev * shares, 0.0)
            out["cap_change"] = total(w * np.where(c, sd.change, 0.0)) / total(w)
        out["above_ma20_pct"] = out["above_ma20"] / out["ma20_n"]
        out["above_ma60_pct"] = out["above_ma60"] / out["ma60_n"]
    return out
