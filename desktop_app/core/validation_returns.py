"""What a buyer of a signal could actually have done: entry, exit, return, excursions.

Rules (docs/VALIDATION.md):

* **Entry** at the open of E = D+1, the next trading day of the panel after the signal day D.
  It cannot be bought (and is counted as such) when the stock is *suspended* on E (no bar, no
  open or no volume) or *opens at its limit-up*: open >= the limit-up price, i.e. the previous
  close × (1 + the board's limit, ``core.symbols.board_limit``; 5 % for a main-board ST name)
  rounded half up to the cent, as the exchanges compute it. A stock whose first bar is E (a new
  listing's first day) has no limit. A signal on the panel's last day has no entry day yet.
* **Exit** at the close of E+k for a horizon of k trading days: the entry day is day 0, so +1 is
  the first close at which a share bought at E's open may be sold (T+1). If the stock does not
  trade on E+k (suspended), the exit is its next trading close (counted as *delayed*); a window
  that ends after the panel's last day, or a stock that never trades again inside it (delisted,
  suspended to the end), is *pending* and left out of the statistics.
* **Return** close(exit) / open(E) − 1; **excursions** min(low) / open − 1 (adverse) and
  max(high) / open − 1 (favourable) over the bars from E to the exit, both included.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cap_index import last_close_before
from .price_limits import limit_up_cents
from .symbols import board_limit, board_of

HORIZONS = (1, 3, 5, 10, 20)

# entry status of a signal
BOUGHT, LIMIT_UP, SUSPENDED, NO_NEXT_DAY = 0, 1, 2, 3
ENTRY_STATUS = ("bought", "limit_up", "suspended", "no_next_day")


def row_limits(symbols, is_st) -> np.ndarray:
    """Each row's daily limit as a fraction (board of its code; today's ST flag), looked up once
    per (board, flag)."""
    seen: dict = {}

    def limit(key):
        if key not in seen:
            seen[key] = board_limit(*key)
        return seen[key]
    return np.array([limit((board_of(str(s)), bool(st))) for s, st in zip(symbols, is_st)], dtype=float)


class Market:
    """The arrays entry and exit read, computed once per panel: (n, t) prices, the last close
    before each day, and each stock's next trading column from each day (t: none; int32). The
    prices are the panel's own arrays, not copies: a panel's fields may be column slices of a
    wider array, which ``_flat`` gathers from through their row pitch."""

    def __init__(self, panel, limits: np.ndarray):
        f = panel.fields
        self.open, self.high, self.low, self.close = (_rows_contiguous(f[k]) for k in ("open", "high", "low", "close"))
        vol = f.get("volume")
        self.trades = np.isfinite(self.close) & np.isfinite(self.open)
        if vol is not None:
            with np.errstate(invalid="ignore"):
                self.trades &= vol > 0
        self.prev = last_close_before(self.close)
        self.limits = np.asarray(limits, dtype=float)
        n, t = self.close.shape
        self.t = t
        idx = np.where(np.isfinite(self.close), np.arange(t, dtype=np.int32)[None, :], np.int32(t))
        self.next_bar = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]


def _rows_contiguous(a: np.ndarray) -> np.ndarray:
    """``a`` itself when it is float64 with contiguous rows (C-contiguous, or a column slice of
    such an array), else a C-contiguous float64 copy."""
    if a.dtype == np.float64 and _pitched(a):
        return a
    return np.ascontiguousarray(a, dtype=float)


def _pitched(a: np.ndarray) -> bool:
    return a.ndim == 2 and a.strides[1] == a.itemsize and a.strides[0] % a.itemsize == 0 \
        and a.strides[0] >= a.shape[1] * a.itemsize


def _flat(a: np.ndarray) -> tuple[np.ndarray, int]:
    """(a 1-D view of ``a``'s buffer from its first cell to its last, the row pitch): cell (r, c)
    is ``flat[r * pitch + c]``. Gathers by flat index with ``take`` cost a fraction of 2-D fancy
    indexing over millions of cells. The cells between two rows of a column slice belong to the
    array it was sliced from and are never read. A copy only for rows that are not contiguous."""
    if not _pitched(a):
        a = np.ascontiguousarray(a)
    n, t = a.shape
    pitch = a.strides[0] // a.itemsize if n > 1 else t
    size = (n - 1) * pitch + t if n and t else 0
    flat = np.lib.stride_tricks.as_strided(a, shape=(size,), strides=(a.itemsize,), writeable=False)
    return flat, int(pitch)


def _at(a: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``a[rows, cols]`` gathered by flat index (``_flat``)."""
    flat, pitch = _flat(a)
    return flat.take(rows * pitch + cols)


def entry(m: Market, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(status, entry price) of signals on (rows, cols): status in BOUGHT … NO_NEXT_DAY."""
    rows = np.asarray(rows, dtype=np.intp)
    e = np.asarray(cols, dtype=np.intp) + 1
    status = np.full(len(rows), NO_NEXT_DAY, dtype=np.int8)
    price = np.full(len(rows), np.nan)
    has = e < m.t
    r, ec = rows[has], e[has]
    trades, o, prev = (_at(a, r, ec) for a in (m.trades, m.open, m.prev))
    lim = m.limits.take(r)
    # The exact limit-up price (integer cents) only where the open comes near it: the open's cents
    # can reach it only if open × 100 >= prev × 100 × (1 + limit) − 2 (rounding moves each side by
    # at most half a cent, × 1.3 at a 30 % limit), so the others are not at their limit.
    with np.errstate(invalid="ignore"):
        near = np.flatnonzero(o * 100.0 >= prev * 100.0 * (1.0 + lim) - 5.0)
        up = limit_up_cents(prev[near], lim[near])
        at_limit = np.zeros(len(r), dtype=bool)
        at_limit[near] = np.isfinite(up) & (np.round(o[near] * 100.0) >= up)
    st = np.where(~trades, SUSPENDED, np.where(at_limit, LIMIT_UP, BOUGHT)).astype(np.int8)
    status[has] = st
    price[has] = np.where(st == BOUGHT, o, np.nan)
    return status, price


@dataclass
class Forward:
    """One horizon's outcome for each signal (NaN / False where not bought or pending)."""
    ret: np.ndarray
    exit_col: np.ndarray       # -1 where pending or not bought
    delayed: np.ndarray
    pending: np.ndarray        # bought but the window is not over inside the data
    mae: np.ndarray | None = None
    mfe: np.ndarray | None = None


def forward(m: Market, rows, cols, status, price, horizons=HORIZONS, excursions: bool = True,
            returns_only: bool = False) -> dict[int, Forward]:
    """Each horizon's :class:`Forward` of signals on (rows, cols) bought at ``price``.
    ``returns_only``: only ``ret`` (the other fields None), for the universe's benchmark."""
    rows = np.asarray(rows, dtype=np.intp)
    e = np.asarray(cols, dtype=np.intp) + 1
    bought = status == BOUGHT
    out: dict[int, Forward] = {}
    t = m.t
    (next_bar, nb_pitch), (close, c_pitch) = _flat(m.next_bar), _flat(m.close)
    nb_base, c_base = rows * nb_pitch, rows * c_pitch
    for k in horizons:
        target = e + k
        inside = bought & (target < t)
        ex = np.where(inside, next_bar.take(nb_base + np.minimum(target, t - 1)), np.intp(t))
        ok = ex < t
        with np.errstate(invalid="ignore"):
            ret = np.where(ok, close.take(c_base + np.minimum(ex, t - 1)) / price - 1.0, np.nan)
        if returns_only:
            out[k] = Forward(ret, None, None, None)
            continue
        out[k] = Forward(ret, np.where(ok, ex, -1), ok & (ex > target), bought & ~ok)
    if excursions and not returns_only:
        _excursions(m, rows, e, price, out)
    return out


#: Holding offsets ``_excursions`` advances for all signals at once, each horizon's exits read
#: off by offset; the few longer windows (an exit delayed by a suspension) continue one
#: offset at a time for the signals still open.
DENSE_OFFSETS = 24


def _excursions(m: Market, rows, e, price, out: dict[int, Forward]) -> None:
    """Fill ``mae``/``mfe`` of every horizon: running min(low)/max(high) from E, read off at each
    horizon's exit. The first ``DENSE_OFFSETS`` bars of every window for all signals at once,
    the exits grouped by offset; longer windows then one offset at a time."""
    ks = list(out)
    offs = np.stack([np.where(out[k].exit_col >= 0, out[k].exit_col - e, -1) for k in ks])  # (h, m)
    maes = np.full(offs.shape, np.nan)
    mfes = np.full(offs.shape, np.nan)
    live = np.flatnonzero(offs.max(axis=0) >= 0)
    lo = np.full(len(rows), np.nan)
    hi = np.full(len(rows), np.nan)
    (low, pitch), (high, h_pitch) = _flat(m.low), _flat(m.high)
    if h_pitch != pitch:                                  # both are read at one flat index
        (low, pitch), high = _flat(np.ascontiguousarray(m.low)), _flat(np.ascontiguousarray(m.high))[0]
    at0 = rows * pitch + e                                # flat index of each E
    if len(live) and DENSE_OFFSETS > 0:
        width = int(min(DENSE_OFFSETS, offs[:, live].max() + 1))
        # the running extremes advance one offset for all live signals at once (one sequential
        # gather per offset: the signals come in flat-index order); each horizon's exits read
        # off at their offset, grouped once by offset (no (signals × width) arrays)
        base = at0[live]
        off = offs[:, live]
        order = [np.argsort(off[h], kind="stable") for h in range(len(ks))]
        bounds = [np.searchsorted(off[h][order[h]], np.arange(width + 1)) for h in range(len(ks))]
        run_lo, run_hi = low.take(base), high.take(base)
        for j in range(width):
            if j:
                cell = np.minimum(base + j, low.size - 1)          # past a row: never read
                np.fmin(run_lo, low.take(cell), out=run_lo)
                np.fmax(run_hi, high.take(cell), out=run_hi)
            for h in range(len(ks)):
                at = order[h][bounds[h][j]:bounds[h][j + 1]]        # live signals exiting at j
                idx = live[at]
                maes[h, idx] = run_lo[at] / price[idx] - 1.0
                mfes[h, idx] = run_hi[at] / price[idx] - 1.0
        lo[live], hi[live] = run_lo, run_hi
        j = width
        live = live[offs[:, live].max(axis=0) >= j]
    else:
        j = 0
    while len(live):
        cell = at0[live] + j
        lo[live] = np.fmin(lo[live], low.take(cell))
        hi[live] = np.fmax(hi[live], high.take(cell))
        at = offs[:, live] == j
        for h in range(len(ks)):
            idx = live[at[h]]
            maes[h, idx] = lo[idx] / price[idx] - 1.0
            mfes[h, idx] = hi[idx] / price[idx] - 1.0
        j += 1
        live = live[offs[:, live].max(axis=0) >= j]
    for h, k in enumerate(ks):
        out[k].mae, out[k].mfe = maes[h], mfes[h]


def index_return(index_open: np.ndarray, index_close: np.ndarray, cols, exit_col) -> np.ndarray:
    """The index over the same window as each signal: close(exit) / open(E) − 1 (NaN where the
    signal has no exit)."""
    e = np.asarray(cols, dtype=np.intp) + 1
    ok = np.asarray(exit_col) >= 0
    out = np.full(len(e), np.nan)
    out[ok] = index_close[exit_col[ok]] / index_open[e[ok]] - 1.0
    return out


def _block(a: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``a[rows][:, cols]``, as slices (views) when both are contiguous ranges."""
    def sl(ix):
        return slice(int(ix[0]), int(ix[-1]) + 1) if len(ix) and (np.diff(ix) == 1).all() else ix
    r, c = sl(rows), sl(cols)
    if isinstance(r, slice) and isinstance(c, slice):
        return a[r, c]
    return a[np.ix_(rows, cols)]


def universe_daily(m: Market, rows: np.ndarray, cols: np.ndarray, horizons) -> dict[int, np.ndarray]:
    """The universe's equal-weighted forward return per period day, for each horizon: every stock
    of ``rows`` with a bar on the day a signal, bought and sold by the rules above — the same
    numbers as ``entry`` + ``forward`` + ``validation_stats.universe_mean`` over those cells
    (the sums run over the rows in the same order), on dense (stocks, days) blocks instead of
    gathers by index (the universe has millions of cells). Only the days whose entry (and, per
    horizon, whose exit day) lies inside the data are computed, the others are NaN: for a
    period's contiguous days the blocks are then views of the panel's arrays, not copies."""
    rows = np.asarray(rows, dtype=np.intp)
    cols = np.asarray(cols, dtype=np.intp)
    t = m.t
    out = {k: np.full(len(cols), np.nan) for k in horizons}
    days = np.flatnonzero(cols + 1 < t)            # days with an entry day inside the data
    if not len(days) or not len(rows):
        return out
    e = cols[days] + 1
    have = np.isfinite(_block(m.close, rows, e - 1))
    o = _block(m.open, rows, e)
    prev = _block(m.prev, rows, e)
    lim = m.limits[rows][:, None]
    with np.errstate(invalid="ignore"):
        near = np.nonzero(have & (o * 100.0 >= prev * 100.0 * (1.0 + lim) - 5.0))
        up = limit_up_cents(prev[near], np.broadcast_to(lim, o.shape)[near])
        at_limit = np.zeros(o.shape, dtype=bool)
        at_limit[near] = np.isfinite(up) & (np.round(o[near] * 100.0) >= up)
    bought = have & _block(m.trades, rows, e) & ~at_limit
    for k in horizons:
        j = np.flatnonzero(e + k < t)              # of those, the days whose E+k is inside
        if not len(j):
            continue
        pick = slice(0, len(j)) if j[-1] == len(j) - 1 else j      # a prefix of ascending days
        target = e[j] + k
        ok_o = o[:, pick]
        ex = _block(m.next_bar, rows, target)
        ok = bought[:, pick] & (ex < t)
        with np.errstate(invalid="ignore", divide="ignore"):
            ret = np.divide(_block(m.close, rows, target), ok_o)   # the exit is E+k's close when it
            later = np.nonzero(ok & ~np.isfinite(ret))      # trades, else its next trading close
            ret[later] = m.close[rows[later[0]], ex[later]] / ok_o[later]   # (a bought open is finite)
            ret -= 1.0
        ok &= np.isfinite(ret)
        np.copyto(ret, 0.0, where=~ok)
        s = ret.sum(axis=0)
        c = ok.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[k][days[j]] = np.where(c > 0, s / np.maximum(c, 1), np.nan)
    return out
