"""The market at a glance for one day (复盘, issue 18): breadth, limit-ups, the 连板 ladder and
board heat, from the bar store (or a local source's memory) and the universe table. No Qt.

``market_overview(source, store, day=None)`` reads the window of bars that ends on ``day`` (the
last trading day of the data when None; an earlier trading day when ``day`` is not one) and
returns a :class:`MarketOverview`; ``overview_of_panel(panel, universe, …)`` is the same on bars
already in hand (tests, a view that holds them). The per-stock rules are ``core/market_compute``'s;
docs/INDICATORS.md ("Price limits and the market") states them.

What a view needs is in the result: the counts, the histogram (per board too), the amount against
the previous days, one row per board / industry / concept (counts, % above MA20 and MA60, amount,
market cap, equal- and cap-weighted change: the numbers of a treemap and a ranking), the ladder,
and every stock's row (``stocks``, a DataFrame: the members of a board to drill into).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .market_compute import GROUP_FIELDS, HIST_EDGES_BP, StockDay, group_table, hist_labels, histogram, stock_day
from .price_limits import BOARD_ORDER, limits_table
from .reasons import R, Reason, ReasonError
from .symbols import BOARDS

WINDOW = 80            # trading days read up to the day: MA60, the 连板 run, the previous amounts
AMOUNT_DAYS = 5        # the day's amount against this many days before it


class MarketError(ReasonError, ValueError):
    """A market overview that cannot be computed (no bars, a day before the data)."""


@dataclass
class MarketOverview:
    date: str                            # the day shown (ISO)
    requested: str | None                # the day asked for, when another one is shown
    counts: dict[str, int]
    histogram: dict
    amount: dict
    rules: list[dict]                    # the limits in force on the day, per board
    boards: list[dict]
    industries: list[dict]
    concepts: list[dict]
    ladder: list[dict]
    notes: list[Reason] = field(default_factory=list)
    broken: list[dict] = field(default_factory=list)       # 炸板: touched the limit-up, closed below it
    limit_down: list[dict] = field(default_factory=list)   # 跌停
    stocks: pd.DataFrame | None = None   # one row per stock of the universe with bars (not in to_dict)
    source: str = ""
    elapsed: float = 0.0
    concept_members: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def members(self, kind: str, key: str) -> pd.DataFrame:
        """The rows of ``stocks`` in one group (``kind`` "board" | "industry" | "concept", ``key``
        as in the group's row) listed by the day, by change, highest first: what a view drills into."""
        s = self.stocks
        if s is None:
            return pd.DataFrame()
        if kind == "concept":
            keep = s["symbol"].isin(set(self.concept_members.get(key, ())))
        elif kind in ("board", "industry"):
            keep = s[kind] == key
        else:
            raise ValueError(f"group kind must be board, industry or concept, not {kind!r}")
        keep &= s["status"] != "unlisted"
        return s[keep].sort_values(["change", "symbol"], ascending=[False, True], na_position="last")

    def to_dict(self, stocks: bool = False) -> dict:
        """JSON-safe (NaN → None); ``stocks=True`` adds every stock's row."""
        from .validation import _clean

        d = {"date": self.date, "requested": self.requested, "source": self.source, "counts": self.counts,
             "histogram": self.histogram, "amount": self.amount, "rules": self.rules, "boards": self.boards,
             "industries": self.industries, "concepts": self.concepts, "ladder": self.ladder,
             "broken": self.broken, "limit_down": self.limit_down,
             "notes": [n.to_json() for n in self.notes], "elapsed": self.elapsed}
        if stocks and self.stocks is not None:
            d["stocks"] = self.stocks.assign(symbol=self.stocks["symbol"].astype(str)).to_dict("records")
        return _clean(d)


def _term(zh: str, en: str | None = None) -> dict:
    return {"zh": zh, "en": zh if en is None else en}


def _rows(kind: str, keys: list, names: list[dict], table: dict[str, np.ndarray]) -> list[dict]:
    out = []
    for i, (key, name) in enumerate(zip(keys, names)):
        row = {"kind": kind, "key": key, "name": name}
        row.update({k: int(table[k][i]) for k in GROUP_FIELDS})
        row.update({k: float(table[k][i]) for k in ("avg_change", "cap_change", "amount", "market_cap",
                                                   "above_ma20_pct", "above_ma60_pct")})
        out.append(row)
    return out


def _by_change(rows: list[dict]) -> list[dict]:
    """Rows by equal-weighted change, highest first (no change last), then by key."""
    return sorted(rows, key=lambda r: (not np.isfinite(r["avg_change"]), -np.nan_to_num(r["avg_change"]), r["key"]))


def overview_of_panel(panel, universe: pd.DataFrame, day=None, *, concepts: dict[str, list[str]] | None = None,
                      shares: np.ndarray | None = None, window: int = WINDOW) -> MarketOverview:
    """The overview of ``day`` (None: the panel's last day) from ``panel`` and ``universe``
    (UNIVERSE_COLUMNS; stocks of it without a row in the panel are counted as ``no_bars``).
    ``concepts``: name -> member codes; ``shares``: total shares per panel row (market caps)."""
    t0 = time.perf_counter()
    if not len(panel.dates) or not len(panel.symbols):
        raise MarketError(R("market_no_bars"))
    dates = panel.dates
    requested = None
    if day is None:
        d = len(dates) - 1
    else:
        ts = pd.Timestamp(day).normalize()
        d = int(dates.searchsorted(ts, side="right")) - 1
        if d < 0:
            raise MarketError(R("market_day_before_data", day=str(ts.date()), first=str(dates[0].date())))
        if dates[d] != ts:
            requested = str(ts.date())
    lo = max(0, d + 1 - int(window))
    win = panel.__class__(panel.symbols, dates[lo:d + 1], {k: v[:, lo:d + 1] for k, v in panel.fields.items()})
    uni = universe.assign(symbol=universe["symbol"].astype(str)).drop_duplicates("symbol").set_index("symbol", drop=False)
    codes = [str(s) for s in panel.symbols]
    info = uni.reindex(codes)
    boards = info["board"].fillna("").astype(str).to_numpy(dtype=object)
    bad = np.array([b not in BOARD_ORDER for b in boards], dtype=bool)   # np.isin sorts strings: slow
    if bad.any():
        from .symbols import board_of
        boards[bad] = [board_of(c) for c in np.asarray(codes, dtype=object)[bad]]
    is_st = info["is_st"].fillna(False).astype(bool).to_numpy()
    sd = stock_day(win, boards, is_st, info["listed_date"].to_numpy())
    if shares is not None:
        shares = np.asarray(shares, dtype=float)

    names = info["name"].fillna("").astype(str).to_numpy(dtype=object)
    industry = info["industry"].fillna("").astype(str).to_numpy(dtype=object)
    day_s = str(dates[d].date())
    counts = _counts(sd, len(uni), int((~uni.index.isin(codes)).sum()))
    hist = {"edges_bp": HIST_EDGES_BP.tolist(), "labels": hist_labels(), "counts": histogram(sd),
            "by_board": {b: histogram(sd, boards == b) for b in BOARD_ORDER}}
    rows_all = np.arange(len(codes))
    b_at = {b: i for i, b in enumerate(BOARD_ORDER)}
    b_ids = np.array([b_at[b] for b in boards], dtype=np.intp)
    board_rows = _rows("board", list(BOARD_ORDER), [_term(*BOARDS[b]) for b in BOARD_ORDER],
                       group_table(sd, rows_all, b_ids, len(BOARD_ORDER), shares))
    ind_keys, ind_ids = np.unique(industry, return_inverse=True)
    named = ind_keys != ""
    ind_rows = _rows("industry", ind_keys.tolist(), [_term(k) for k in ind_keys],
                     group_table(sd, rows_all, ind_ids, len(ind_keys), shares))
    ind_rows = [r for r, ok in zip(ind_rows, named) if ok]
    con_rows = []
    if concepts:
        at = {c: i for i, c in enumerate(codes)}
        keys = sorted(concepts)
        pairs = [(at[s], g) for g, k in enumerate(keys) for s in concepts[k] if s in at]
        r, g = (np.array(x, dtype=np.intp) for x in zip(*pairs)) if pairs else (np.empty(0, np.intp),) * 2
        con_rows = _rows("concept", keys, [_term(k) for k in keys], group_table(sd, r, g, len(keys), shares))
    ladder = _ladder(sd, codes, names, industry, boards)
    counts["ladder_levels"] = {str(k): int(v) for k, v in
                               sorted(pd.Series([x["days"] for x in ladder], dtype=int).value_counts().items())}
    table = limits_table(dates[d:d + 1])
    rules = [{"board": b, "name": _term(*BOARDS[b]), "limit": float(table[(b, False)][0]),
              "st_limit": float(table[(b, True)][0])} for b in BOARD_ORDER]
    notes = [R("market_st_today")]
    if requested:
        notes.insert(0, R("market_day_moved", requested=requested, day=day_s))
    if shares is None:
        notes.append(R("market_no_caps"))
    if concepts is None:
        notes.append(R("market_no_concepts"))
    return MarketOverview(
        date=day_s, requested=requested, counts=counts, histogram=hist,
        amount=_amounts(win, sd, AMOUNT_DAYS), rules=rules, boards=board_rows,
        industries=_by_change(ind_rows), concepts=_by_change(con_rows), ladder=ladder, notes=notes,
        broken=_limit_list(sd, sd.broken, sd.up_price, codes, names, industry, boards),
        limit_down=_limit_list(sd, sd.limit_down, sd.down_price, codes, names, industry, boards),
        stocks=_stock_frame(sd, codes, names, industry, boards, shares), elapsed=time.perf_counter() - t0,
        concept_members=dict(concepts or {}))


def _counts(sd: StockDay, universe: int, no_bars: int) -> dict:
    c = sd.counted
    return {"universe": universe, "no_bars": no_bars, "unlisted": int((~sd.listed).sum()),
            "listed": int(sd.listed.sum()), "traded": int(sd.traded.sum()), "suspended": int(sd.suspended.sum()),
            "new": int(sd.new.sum()), "counted": int(c.sum()), "up": int((c & (sd.change > 0)).sum()),
            "flat": int((c & (sd.change == 0)).sum()), "down": int((c & (sd.change < 0)).sum()),
            "limit_up": int(sd.limit_up.sum()), "limit_down": int(sd.limit_down.sum()),
            "broken": int(sd.broken.sum())}


def _amounts(win, sd: StockDay, k: int) -> dict:
    """The day's total amount, the previous ``k`` days' totals and the ratio to their mean."""
    amount = win.fields.get("amount")
    totals = np.nansum(amount, axis=0) if amount is not None else np.zeros(len(win.dates))
    prev = [{"date": str(win.dates[j].date()), "amount": float(totals[j])}
            for j in range(max(0, len(win.dates) - 1 - k), len(win.dates) - 1)]
    today = float(sd.amount.sum())
    mean = float(np.mean([p["amount"] for p in prev])) if prev else float("nan")
    return {"today": today, "previous": prev, "previous_mean": mean,
            "ratio": today / mean if prev and mean > 0 else float("nan")}


def _ladder(sd: StockDay, codes, names, industry, boards) -> list[dict]:
    """The 连板天梯: every limit-up stock by consecutive limit-up days, most first (then code)."""
    idx = np.flatnonzero(sd.streak > 0)
    order = sorted(idx.tolist(), key=lambda i: (-int(sd.streak[i]), codes[i]))
    return [{**_row(sd, i, codes, names, industry, boards), "days": int(sd.streak[i]),
             "capped": bool(sd.capped[i])} for i in order]


def _limit_list(sd: StockDay, mask: np.ndarray, price: np.ndarray, codes, names, industry, boards) -> list[dict]:
    """The stocks of ``mask`` (炸板 or 跌停) with the day's limit price, by change, highest first
    (then code): the 炸板 that held best, the 跌停 least deep, on top."""
    order = sorted(np.flatnonzero(mask).tolist(), key=lambda i: (-float(sd.change[i]), codes[i]))
    return [{**_row(sd, i, codes, names, industry, boards), "limit_price": float(price[i])} for i in order]


def _row(sd: StockDay, i: int, codes, names, industry, boards) -> dict:
    return {"symbol": codes[i], "name": names[i], "industry": industry[i], "board": boards[i],
            "close": float(sd.close[i]), "change": float(sd.change[i]), "amount": float(sd.amount[i])}


def _stock_frame(sd: StockDay, codes, names, industry, boards, shares) -> pd.DataFrame:
    cap = sd.last * shares if shares is not None else np.full(len(codes), np.nan)
    return pd.DataFrame({
        "symbol": codes, "name": names, "board": boards, "industry": industry, "status": sd.status(),
        "close": sd.close, "prev_close": sd.prev, "change": sd.change, "amount": sd.amount,
        "market_cap": cap, "limit": sd.limit, "limit_up_price": sd.up_price, "limit_down_price": sd.down_price,
        "streak": sd.streak, "above_ma20": sd.above_ma20, "above_ma60": sd.above_ma60})


def market_overview(source, store, day=None, cancel=None, *, window: int = WINDOW) -> MarketOverview:
    """The overview of ``day`` (None: the data's last trading day) for ``source``'s universe: bars
    from ``store``, and for a local source (the demo market) what the store lacks from its memory
    (``core.scan_bars.gather_bars``); a remote source is never fetched from here (stocks missing
    from the store are counted as ``no_bars``). Concepts and market caps come from a local
    source's memory, or the caps from the store's snapshot valuations."""
    from .jobs import CancelToken
    from .scan_bars import gather_bars, local_latest

    t0 = time.perf_counter()
    cancel = cancel or CancelToken()
    uni = source.universe()
    codes = list(dict.fromkeys(uni["symbol"].astype(str)))
    local = getattr(source, "recent_panel", None) is not None
    latest = store.latest_date() or local_latest(source)
    if latest is None:
        raise MarketError(R("market_no_bars"))
    panel, _ = gather_bars(codes, source, store, window + _days_after(day, latest), local, cancel,
                           lambda _p, _n: None)
    cancel.raise_if_cancelled()
    concepts = _concepts(source) if local else None
    res = overview_of_panel(panel, uni, day, concepts=concepts, shares=_shares(source, store, panel.symbols),
                            window=window)
    res.source = str(getattr(source, "name", ""))
    res.elapsed = time.perf_counter() - t0
    return res


def _days_after(day, latest: dt.date) -> int:
    """Trading days from ``day`` to ``latest`` (both included; 0 for None or a later day) and a
    margin for days the calendar and the data disagree on."""
    if day is None:
        return 0
    from .calendar import trading_days

    start = pd.Timestamp(day).date()
    return len(trading_days(start, latest)) + 5 if start <= latest else 0


def _concepts(source) -> dict[str, list[str]] | None:
    """A local source's concept boards and their members (None when it has none)."""
    boards = getattr(source, "boards", None)
    if boards is None:
        return None
    return {name: [str(s) for s in source.board_members("concept", name)] for name in boards("concept")}


def _shares(source, store, symbols) -> np.ndarray | None:
    """Total shares per symbol: a local source's snapshot (market cap / price), else the store's
    stored snapshot valuations; None when neither has any."""
    if getattr(source, "recent_panel", None) is not None:
        from .cap_index import source_shares

        return source_shares(source, symbols)
    from .data.fundamental_store import FundamentalStore

    val = FundamentalStore(store).valuations()
    if not len(val):
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        sh = val["market_cap"] / val["last"]
    return sh.reindex(pd.Index([str(s) for s in symbols])).to_numpy(dtype=float)
