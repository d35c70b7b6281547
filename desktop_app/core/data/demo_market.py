"""The demo market's generation: a deterministic synthetic A-share market (universe, boards,
names, listing dates, suspensions, index and concept members, ~780 days of bars, the spot
snapshot), all vectorised, so the whole 5,000-stock market builds in well under a second.

``core/data/demo.py`` (``DemoSource``) serves it through the data-source protocol; this module only
makes it. Everything is a function of the source's seed and size.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from desktop_app.core import symbols as sym
from desktop_app.core.calendar import trading_days
from desktop_app.core.data import demo_names as words
from desktop_app.core.data.source import BAR_COLUMNS, SPOT_COLUMNS, UNIVERSE_COLUMNS
from desktop_app.core.panel import Panel
from desktop_app.core.price_limits import limit_down_cents, limit_groups, limit_up_cents

# Share of the real market per board (2025: ≈1,690 / 590 / 1,490 / 1,390 / 270 stocks).
BOARD_SHARE = {"sh_main": 0.31, "star": 0.11, "sz_main": 0.28, "chinext": 0.25, "bse": 0.05}
BOARD_START = {
    "sh_main": dt.date(1990, 12, 19), "sz_main": dt.date(1991, 4, 3), "chinext": dt.date(2009, 10, 30),
    "star": dt.date(2019, 7, 22), "bse": dt.date(2021, 11, 15),
}
# Fraction of each board listed inside the window (new listings with short histories).
NEW_SHARE = {"sh_main": 0.05, "star": 0.14, "sz_main": 0.04, "chinext": 0.10, "bse": 0.20}
INDEX_SIZES = {"000300": 300, "000905": 500, "000852": 1000, "000016": 50, "000688": 50,
               "399006": 100, "399001": 500}


@functools.lru_cache(maxsize=None)
def _pool_sizes() -> dict[str, int]:
    return {b: len(_code_pool(b)) for b in BOARD_SHARE}


def max_stocks() -> int:
    """The largest demo market: every code of every board's code ranges (≈9,500)."""
    return sum(_pool_sizes().values())


def board_counts(n: int) -> dict[str, int]:
    """Stocks per board in a demo market of ``n``: the board shares, and past the size where a
    board's code range is full (≈6,800: ChiNext) the rest goes to the boards with codes left, so
    the market has exactly ``n`` stocks up to ``max_stocks()``."""
    counts = {b: int(round(BOARD_SHARE[b] * n)) for b in BOARD_SHARE}
    counts["sh_main"] += n - sum(counts.values())
    room = _pool_sizes()
    extra = 0
    for b in counts:
        if counts[b] > room[b]:
            extra += counts[b] - room[b]
            counts[b] = room[b]
    for b in sorted(BOARD_SHARE, key=lambda b: -BOARD_SHARE[b]):
        give = min(extra, room[b] - counts[b])
        counts[b] += give
        extra -= give
    return counts


#: Codes of well-known real stocks: the demo market never shows them under made-up names (a user
#: seeing 600519 as "东信光电" would be misled), so they are left out of its code pools.
FAMOUS_CODES = frozenset("""
600519 601318 000001 000858 300750 600036 000333 601398 688981 002594 601012 600276 600900 601288
601988 601939 600030 000651 000002 600887 601166 600000 002415 300059 601899 600309 603288 000568
002475 300760 601628 600028 601857 600050 601088 600104 601888 000725 002714 300015 600585 601601
000063 002304 600809 688111 688599 300124 002352 601919 600048 000100 600436 300274 601668 601766
600031 000538 600690 601728 601138 002230 300124 688036 600745 002371 601633 600406 000792 300014
""".split())


def _code_pool(board: str) -> np.ndarray:
    ranges = {
        "sh_main": [(600000, 602000), (603000, 604000), (605000, 605600)],
        "star": [(688000, 689000), (689009, 689010)],
        "sz_main": [(1, 1000), (1200, 1400), (2001, 3000), (3000, 3050)],
        "chinext": [(300001, 301700), (302132, 302133)],
        "bse": [(920000, 921000)],
    }[board]
    left_out = sym.INDEX_ONLY_CODES | FAMOUS_CODES     # a set: np.isin on strings sorts them
    return np.array([code for a, b in ranges for code in (f"{c:06d}" for c in range(a, b))
                     if code not in left_out], dtype=object)


@dataclass
class StaticMarket:
    dates: pd.DatetimeIndex
    codes: np.ndarray          # (n,) object
    names: np.ndarray
    boards: np.ndarray
    industries: np.ndarray
    listed: np.ndarray         # datetime64[D]
    list_idx: np.ndarray       # first bar's column; 0 for stocks listed before the window
    is_st: np.ndarray
    total_shares: np.ndarray
    float_shares: np.ndarray
    start_price: np.ndarray    # yuan: first close of the window (or IPO price)
    eps: np.ndarray
    bvps: np.ndarray
    base_turnover: np.ndarray  # percent per day
    vol: np.ndarray            # daily idiosyncratic volatility
    beta: np.ndarray
    suspended: np.ndarray      # (n, t) bool
    universe: pd.DataFrame
    index_members: dict[str, list[str]]
    industry_members: dict[str, list[str]]
    concept_members: dict[str, list[str]]
    row_of: dict[str, int]


@dataclass
class GeneratedMarket:
    panel: Panel
    spot: pd.DataFrame


# ==================================================================== static market
def build_static(src) -> StaticMarket:
    """``src``: the DemoSource (its seed streams, size, years and end day)."""
    rng = np.random.default_rng(src._seed_static)
    end = src.end
    dates = trading_days(end - dt.timedelta(days=int(round(src.years * 365.25))), end)
    if len(dates) < 2:
        raise ValueError(f"demo market needs at least two trading days up to {end}")
    t_days = len(dates)

    # --- boards and codes
    n = src.n_stocks
    names_b = list(BOARD_SHARE)
    counts = board_counts(n)
    codes_l, boards_l = [], []
    for b in names_b:
        pool = _code_pool(b)
        k = min(counts[b], len(pool))
        picked = np.sort(rng.choice(pool, size=k, replace=False)) if k else np.array([], dtype=object)
        codes_l.append(picked)
        boards_l.append(np.full(k, b, dtype=object))
    codes = np.concatenate(codes_l).astype(object)
    boards = np.concatenate(boards_l).astype(object)
    n = len(codes)

    # --- listing: new listings inside the window, older ones at a random earlier trading day
    new_p = np.array([NEW_SHARE[b] for b in boards])
    is_new = rng.random(n) < new_p
    list_idx = np.where(is_new, rng.integers(1, t_days, n), 0)
    new_ids = np.flatnonzero(is_new)
    if len(new_ids) >= 4:  # guarantee very short histories: 2 stocks with 1 bar, a few < 60
        chosen = rng.choice(new_ids, size=min(len(new_ids), 2 + max(3, n // 150)), replace=False)
        list_idx[chosen[:2]] = t_days - 1
        list_idx[chosen[2:]] = rng.integers(max(1, t_days - 59), t_days, len(chosen) - 2)
    listed = np.empty(n, dtype="datetime64[D]")
    listed[is_new] = dates.values[list_idx[is_new]].astype("datetime64[D]")
    for b in names_b:
        m = (boards == b) & ~is_new
        if m.any():
            older = trading_days(BOARD_START[b], (dates[0] - pd.Timedelta(days=1)).date())
            pick = older.values[rng.integers(0, len(older), m.sum())] if len(older) else \
                np.full(m.sum(), dates.values[0])
            listed[m] = pick.astype("datetime64[D]")
        # codes are handed out in listing order within a board, as on the real exchanges
        idx = np.flatnonzero(boards == b)
        order = np.argsort(listed[idx], kind="stable")
        listed[idx], list_idx[idx], is_new[idx] = listed[idx][order], list_idx[idx][order], is_new[idx][order]

    # --- industries and names
    ind_names = list(words.INDUSTRIES)
    base_w = np.array([words.INDUSTRIES[i][0] for i in ind_names])
    industries = np.empty(n, dtype=object)
    for b in names_b:
        m = boards == b
        w = base_w.copy()
        if b in ("star", "chinext", "bse"):
            w *= np.array([3.0 if i in words.TECH else (0.0 if i in words.MAIN_ONLY else 0.6) for i in ind_names])
        if b == "star":
            w *= np.array([1.0 if i in words.TECH else 0.15 for i in ind_names])
        industries[m] = np.array(ind_names, dtype=object)[rng.choice(len(ind_names), m.sum(), p=w / w.sum())]
    names = _make_names(rng, industries)

    # --- ST names: ~2 % of stocks listed before the window
    eligible = np.flatnonzero(~is_new)
    n_st = min(len(eligible), max(1 if n >= 50 else 0, int(round(0.02 * n))))
    st_ids = rng.choice(eligible, size=n_st, replace=False) if n_st else np.array([], dtype=int)
    is_st = np.zeros(n, dtype=bool)
    is_st[st_ids] = True
    for j, i in enumerate(st_ids):
        names[i] = ("*ST" if j % 2 else "ST") + names[i]

    # --- size, prices, fundamentals, trading activity
    big = np.isin(boards, ["sh_main", "sz_main"])
    median_shares = np.select([big, boards == "bse"], [8e8, 1.2e8], 3e8)
    total_shares = np.round(median_shares * rng.lognormal(0, 1.0, n), -4).clip(2e7, 3e11)
    float_ratio = np.where(is_new, rng.uniform(0.08, 0.25, n), rng.uniform(0.35, 1.0, n))
    float_shares = np.round(total_shares * float_ratio, -2)
    median_px = np.select([boards == "star", boards == "bse"], [32.0, 11.0], 13.0)
    start_price = np.round(median_px * rng.lognormal(0, 0.7, n), 2).clip(1.5, 900)
    start_price[is_st] = np.round(rng.uniform(1.2, 6.0, is_st.sum()), 2)
    pe_target = 28 * rng.lognormal(0, 0.7, n)
    loss = rng.random(n) < np.where(is_st, 0.8, 0.14)
    pe_target[loss] *= -1.5
    eps = start_price / pe_target
    bvps = start_price / (2.4 * rng.lognormal(0, 0.6, n))
    median_to = np.select([boards == "sh_main", boards == "sz_main", boards == "bse"], [1.2, 1.6, 2.2], 3.0)
    base_turnover = median_to * rng.lognormal(0, 0.55, n)
    size_rank = np.argsort(np.argsort(total_shares * start_price)) / max(n - 1, 1)  # 0 small … 1 big
    vol = 0.021 * (1.3 - 0.5 * size_rank) * rng.lognormal(0, 0.2, n)
    vol *= np.select([boards == "bse", np.isin(boards, ["star", "chinext"])], [1.35, 1.15], 1.0)
    beta = rng.normal(1.0, 0.25, n).clip(0.3, 1.8)

    suspended = _suspensions(rng, n, t_days, list_idx, is_new)

    row_of = {c: i for i, c in enumerate(codes)}
    uni = pd.DataFrame({
        "symbol": codes, "name": names,
        "exchange": np.array([sym.BOARD_EXCHANGE[b] for b in boards], dtype=object),
        "board": boards, "industry": industries,
        "listed_date": pd.to_datetime(listed).date, "is_st": is_st,
    })[UNIVERSE_COLUMNS]
    uni["is_st"] = uni["is_st"].astype(bool)
    size = total_shares * start_price
    static = StaticMarket(
        dates=dates, codes=codes, names=names, boards=boards, industries=industries, listed=listed,
        list_idx=list_idx, is_st=is_st, total_shares=total_shares, float_shares=float_shares,
        start_price=start_price, eps=eps, bvps=bvps, base_turnover=base_turnover, vol=vol, beta=beta,
        suspended=suspended, universe=uni, row_of=row_of,
        index_members=_indexes(codes, boards, size, is_st, list_idx, t_days),
        industry_members={i: list(codes[industries == i]) for i in ind_names if (industries == i).any()},
        concept_members=_concepts(rng, codes, boards, industries, size),
    )
    return static


def _make_names(rng: np.random.Generator, industries: np.ndarray) -> np.ndarray:
    """Unique four-character names: two name characters + an industry suffix."""
    first, second = words.NAME_FIRST, words.NAME_SECOND
    seen: set[str] = set()
    out = np.empty(len(industries), dtype=object)
    a = rng.integers(0, len(first), (len(industries), 8))
    b = rng.integers(0, len(second), (len(industries), 8))
    for i, ind in enumerate(industries):
        suffixes = words.INDUSTRIES[ind][1]
        name = ""
        for k in range(8):
            name = first[a[i, k]] + second[b[i, k]] + suffixes[(a[i, k] + b[i, k]) % len(suffixes)]
            if name not in seen and first[a[i, k]] != second[b[i, k]]:
                break
        else:  # extremely rare: make it unique with a running number
            j = 2
            while f"{name}{j}" in seen:
                j += 1
            name = f"{name}{j}"
        seen.add(name)
        out[i] = name
    return out


def _suspensions(rng, n: int, t_days: int, list_idx: np.ndarray, is_new: np.ndarray) -> np.ndarray:
    """(n, t) mask of suspended days: episodes of 1–30 days for ~4 % of stocks, and a few stocks
    suspended through the last day. Never on a listing day or before listing."""
    susp = np.zeros((n, t_days), dtype=bool)
    old = np.flatnonzero(~is_new)
    if len(old) == 0 or t_days < 10:
        return susp
    k = int(round(0.04 * n))
    ids = rng.choice(old, size=min(k, len(old)), replace=False)
    starts = rng.integers(1, t_days - 1, len(ids))
    lengths = np.minimum(rng.geometric(0.15, len(ids)), 30)
    for i, s, ln in zip(ids, starts, lengths):
        susp[i, s:min(s + ln, t_days - 1)] = True  # these episodes end before the last day
    pool = np.setdiff1d(old, ids)
    n_last = min(len(pool), max(2, int(round(0.004 * n))))
    last_ids = rng.choice(pool, size=n_last, replace=False)
    for i in last_ids:
        susp[i, t_days - int(rng.integers(1, 8)):] = True
    susp[:, 0] = False
    return susp


def _indexes(codes, boards, size, is_st, list_idx, t_days) -> dict[str, list[str]]:
    """Constituents by size rank (larger first), like the real methodology in spirit:
    ST stocks and stocks with less than ~a year of bars in the window are excluded."""
    ok = ~is_st & (list_idx <= max(0, t_days - 250))
    order = np.argsort(-size, kind="stable")

    def top(mask, k, skip=0):
        ranked = [i for i in order if mask[i]]
        return sorted(codes[ranked[skip:skip + k]].tolist())

    broad = ok & (boards != "bse")
    return {
        "000300": top(broad, 300),
        "000905": top(broad, 500, 300),
        "000852": top(broad, 1000, 800),
        "000016": top(ok & np.isin(boards, ["sh_main", "star"]), 50),
        "000688": top(ok & (boards == "star"), 50),
        "399006": top(ok & (boards == "chinext"), 100),
        "399001": top(ok & np.isin(boards, ["sz_main", "chinext"]), 500),
        "000001": sorted(codes[np.isin(boards, ["sh_main", "star"])].tolist()),
    }


def _concepts(rng, codes, boards, industries, size) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    n = len(codes)
    big = np.argsort(np.argsort(size)) >= 0.4 * n  # the larger 60 %
    for name, (base, related) in words.CONCEPTS.items():
        if name == "沪股通":
            m = big & np.isin(boards, ["sh_main", "star"])
        elif name == "深股通":
            m = big & np.isin(boards, ["sz_main", "chinext"])
        else:
            p = np.where(np.isin(industries, list(related)), words.CONCEPT_RELATED_P, base)
            m = rng.random(n) < p
        if m.any():
            out[name] = codes[m].tolist()
    return out


# ==================================================================== bars
def build_market(st: StaticMarket, rng: np.random.Generator) -> GeneratedMarket:
    """Bars of every stock, one vectorised step per day over all stocks.

    Everything is computed per day on contiguous (n,) vectors and written into time-major (t, n)
    buffers; the panel gets (n, t) copies at the end. This avoids dozens of whole-market
    temporaries, whose first-touch page faults dominated an array-at-a-time version (≈2.4 s)."""
    n, t_days = len(st.codes), len(st.dates)
    limit_stack, limit_gid = limit_groups(st.boards, st.is_st, st.dates)   # the rule of each day
    ind_ids = np.unique(st.industries, return_inverse=True)[1]
    n_ind = int(ind_ids.max()) + 1
    suspended = np.ascontiguousarray(st.suspended.T)
    list_idx = st.list_idx
    pop = rng.uniform(0.0, 0.9, n)  # first-day pop of new listings
    mz = rng.standard_normal(t_days)
    float_lots = st.float_shares / 1e4       # turnover % × this = volume in lots of 100
    inv_vol = 1.0 / st.vol

    buf = {k: np.empty((t_days, n)) for k in BAR_COLUMNS}
    prev = np.round(st.start_price * 100)    # cents; the last close (carried over gaps)
    anchor = np.log(prev)
    a, b = 0.08, 0.90                        # GARCH(1,1)
    omega = st.vol ** 2 * (1 - a - b)
    h = st.vol ** 2
    eps_prev = np.zeros(n)
    drift = rng.normal(0, 0.0020, n)
    mh, m_eps = 0.011 ** 2, 0.0
    prev_before_last = prev
    for t in range(t_days):
        # drift regimes: piecewise-constant drift switching every ~45 days (trends and ranges)
        switch = rng.random(n) < 1 / 45
        drift = np.where(switch, rng.normal(0, 0.0020, n), drift)
        h = omega + a * eps_prev * eps_prev + b * h
        mh = 0.011 ** 2 * 0.05 + 0.08 * m_eps ** 2 + 0.87 * mh
        m_eps = float(np.sqrt(mh) * mz[t])
        s = np.sqrt(h)
        z = rng.standard_normal((6, n))
        eps = s * z[0]
        jump = np.where(rng.random(n) < 0.004, 0.07 * z[5], 0.0)
        ind = rng.normal(0, 0.007, n_ind)[ind_ids]
        r = drift + ind + eps + jump + st.beta * (m_eps + 0.0002) - 0.004 * (np.log(prev) - anchor)
        limit = limit_stack[limit_gid, t]
        lim = limit
        if t > 0:
            first = list_idx == t
            if first.any():
                r = np.where(first, r + pop, r)
                lim = np.where(first, 10.0, limit)
        up = limit_up_cents(prev / 100, lim)          # half up to the cent, exactly (price_limits)
        dn = limit_down_cents(prev / 100, lim)
        c = np.minimum(np.maximum(np.floor(prev * np.exp(r) + 0.5), dn), up)
        ret = c / prev - 1
        # open: part of the day's move plus noise; high/low: beyond the body, inside the limits
        o = np.clip(np.floor(prev * (1 + 0.3 * ret + 0.4 * s * z[1]) + 0.5), dn, up)
        hi = np.minimum(np.ceil(np.maximum(o, c) * (1 + 0.55 * s * np.abs(z[2]))), up)
        lo = np.maximum(np.floor(np.minimum(o, c) * (1 - 0.55 * s * np.abs(z[3]))), dn)
        # volume: base turnover, higher in volatile spells and on big moves; one-price days dry up
        act = (s * inv_vol) ** 1.2 * np.exp(0.35 * z[4]) * (1 + 4 * np.abs(ret))
        act = np.where(hi == lo, 0.12 * act, act)
        vol = np.maximum(np.round(st.base_turnover * act * float_lots), 1) * 100
        trading = (t >= list_idx) & ~suspended[t]
        c = np.where(trading, c, prev)
        row = {"open": o, "high": hi, "low": lo, "close": c, "volume": vol,
               "amount": np.round(vol * (o + hi + lo + c) / 400), "turnover": vol / st.float_shares * 100}
        for k, v in row.items():
            buf[k][t] = np.where(trading, v, np.nan)
        eps_prev = np.where(trading, eps, eps_prev)
        prev_before_last = prev
        prev = c

    fields = {}
    for k in BAR_COLUMNS:
        v = buf.pop(k)
        if k in ("open", "high", "low", "close"):
            v /= 100
        out = np.ascontiguousarray(v.T)
        del v
        out.setflags(write=False)
        fields[k] = out
    codes = st.codes.copy()
    codes.setflags(write=False)
    panel = Panel(codes, st.dates, fields)
    return GeneratedMarket(panel, _spot(st, fields, last_close=prev / 100, prev_close=prev_before_last / 100))


def _spot(st: StaticMarket, f: dict[str, np.ndarray], last_close: np.ndarray,
          prev_close: np.ndarray) -> pd.DataFrame:
    """Snapshot at the last day. ``last_close``: each stock's latest close (carried over a
    suspension); ``prev_close``: the latest close before the last day (the IPO price for a stock
    listed that day). Suspended today: last = prev_close = the latest close, no volume."""
    today = ~np.isnan(f["close"][:, -1])
    prev_close = np.where(today, prev_close, last_close)

    def today_or(name, fill):
        return np.where(today, f[name][:, -1], fill)

    df = pd.DataFrame({
        "symbol": st.codes, "name": st.names, "last": last_close, "prev_close": prev_close,
        "open": today_or("open", np.nan), "high": today_or("high", np.nan), "low": today_or("low", np.nan),
        "volume": today_or("volume", 0.0), "amount": today_or("amount", 0.0),
        "turnover": today_or("turnover", 0.0),
        "market_cap": last_close * st.total_shares, "float_cap": last_close * st.float_shares,
        "pe": np.round(last_close / st.eps, 2), "pb": np.round(last_close / st.bvps, 2),
    })
    return df[SPOT_COLUMNS]
