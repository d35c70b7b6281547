"""The live side of the market view (issue 18 §2): eastmoney's limit-up pools of a day and the
bulk board lists, through akshare and the per-host gate, normalised, and the pools saved.

* ``stock_zt_pool_em`` (涨停股池: first / last seal time, seal amount, times opened, 连板数),
  ``stock_zt_pool_zbgc_em`` (炸板股池), ``stock_zt_pool_dtgc_em`` (跌停股池) and
  ``stock_zt_pool_previous_em`` (昨日涨停股池) for the day; akshare 1.19.5 names the columns by
  position from the payload's keys, scales the price by 1/1000 and returns an empty frame for
  ``"data": null``. Units here: change a fraction, prices and amounts in yuan, times
  "HH:MM:SS". eastmoney's pools leave out ST stocks (its note) and keep 30 days (akshare refuses
  older days for 炸板 / 跌停), so each pool fetched is saved (``pool_store``) and an older day is
  read from there.
* ``stock_board_industry_name_em`` / ``stock_board_concept_name_em``: every board's change,
  market cap, up / down counts and leading stock *now* — the heat of the last trading day only.

Every call goes through ``AkShareSource._call`` (the host's gate, the timeout, errors mapped to
Reasons). A pool or a list that fails is named in ``LivePools.failures`` and the view keeps what
the store computes; the others still arrive."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..reasons import R, Reason
from .errors import DataError, NoDataError
from .pool_store import POOL_COLUMNS, POOLS, PoolStore

HOST = "eastmoney"
POOL_FUNCS = {"zt": "stock_zt_pool_em", "zbgc": "stock_zt_pool_zbgc_em", "dtgc": "stock_zt_pool_dtgc_em",
              "previous": "stock_zt_pool_previous_em"}
POOL_NAMES = {"zt": ("涨停股池", "limit-up pool"), "zbgc": ("炸板股池", "broken limit-up pool"),
              "dtgc": ("跌停股池", "limit-down pool"), "previous": ("昨日涨停股池", "yesterday's limit-up pool")}
CLOSE = dt.time(15, 5)  # the pools are final after the close (Beijing time: the machine's, as the calendar's)
KEEP_DAYS = 30          # the host's pools reach back this many calendar days (akshare's own check)
#: The overview's stock lists (``MarketOverview`` fields) and the pool whose live fields join each.
LIST_POOLS = {"ladder": "zt", "broken": "zbgc", "limit_down": "dtgc"}
HEAT_COLUMNS = ["key", "code", "change", "market_cap", "turnover", "up", "down", "leader", "leader_change"]


@dataclass
class LivePools:
    """The live facts of one day: ``pools`` (POOLS -> POOL_COLUMNS frames; a pool absent when it
    could not be had), ``heat`` ("industry" | "concept" -> HEAT_COLUMNS frames, the last trading
    day only), ``failures`` (why something is missing) and which pools came from the store."""
    day: dt.date
    pools: dict[str, pd.DataFrame] = field(default_factory=dict)
    heat: dict[str, pd.DataFrame] = field(default_factory=dict)
    failures: list[Reason] = field(default_factory=list)
    saved: set[str] = field(default_factory=set)       # pools read from the store, not fetched

    def merge_ladder(self, ladder: list[dict]) -> list[dict]:
        """The ladder rows with the 涨停股池's seal times, seal amount and times opened (by code);
        a stock the pool lacks (an ST stock, a pool not had) keeps None in those fields."""
        return self.merge(ladder, "ladder")

    def merge(self, rows: list[dict], which: str) -> list[dict]:
        """``rows`` of the overview's list ``which`` (``LIST_POOLS``: the ladder, 炸板 or 跌停) with
        its pool's live fields by code (涨停股池: seal times, seal amount, times opened, 连板数;
        炸板股池: first seal, times opened; 跌停股池: last seal, seal amount, times opened, 连续跌停);
        None where the pool has no value."""
        frame = self.pools.get(LIST_POOLS[which])
        by = {} if frame is None else {r["symbol"]: r for r in frame.to_dict("records")}
        out = []
        for row in rows:
            p = by.get(row["symbol"], {})
            out.append({**row, "first_seal": p.get("first_seal"), "last_seal": p.get("last_seal"),
                        "seal_amount": _num(p.get("seal_amount")), "opened": _int(p.get("opened")),
                        "pool_streak": _int(p.get("streak"))})
        return out

    def to_dict(self) -> dict:
        from ..validation import _clean

        return _clean({"day": self.day.isoformat(), "saved": sorted(self.saved),
                       "pools": {k: v.to_dict("records") for k, v in self.pools.items()},
                       "heat": {k: v.to_dict("records") for k, v in self.heat.items()},
                       "failures": [f.to_json() for f in self.failures]})


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f else None


def _int(v: Any) -> int | None:
    f = _num(v)
    return None if f is None else int(f)


def seal_time(v: Any) -> str | None:
    """akshare's zero-filled "HHMMSS" (92500 → "092500") as "09:25:00"; None for none/0."""
    s = str(v).strip() if v is not None else ""
    if not s.isdigit() or int(s) == 0:
        return None
    s = s.zfill(6)[-6:]
    return f"{s[:2]}:{s[2:4]}:{s[4:]}"


def _col(raw: pd.DataFrame, name: str) -> pd.Series:
    return raw[name] if name in raw.columns else pd.Series([None] * len(raw), index=raw.index, dtype=object)


def normalise_pool(pool: str, raw: pd.DataFrame) -> pd.DataFrame:
    """akshare's frame of ``pool`` -> POOL_COLUMNS (see the module docstring for the units)."""
    if raw is None or raw.empty:
        return pd.DataFrame(columns=POOL_COLUMNS)
    num = lambda name: pd.to_numeric(_col(raw, name), errors="coerce").astype(float)  # noqa: E731
    first = {"zt": "首次封板时间", "zbgc": "首次封板时间", "previous": "昨日封板时间"}.get(pool)
    last = {"zt": "最后封板时间", "dtgc": "最后封板时间"}.get(pool)
    seal = {"zt": "封板资金", "dtgc": "封单资金"}.get(pool)
    opened = {"zt": "炸板次数", "zbgc": "炸板次数", "dtgc": "开板次数"}.get(pool)
    streak = {"zt": "连板数", "dtgc": "连续跌停", "previous": "昨日连板数"}.get(pool)
    none = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    nan = pd.Series(float("nan"), index=raw.index)
    return pd.DataFrame({
        "symbol": _col(raw, "代码").astype(str).str.strip().str.zfill(6),
        "name": _col(raw, "名称").astype(str).str.strip(),
        "change": num("涨跌幅") / 100.0,                       # percent -> fraction
        "close": num("最新价"),                                # yuan (akshare divided by 1000)
        "amount": num("成交额"),                               # yuan
        "first_seal": _col(raw, first).map(seal_time) if first else none,
        "last_seal": _col(raw, last).map(seal_time) if last else none,
        "seal_amount": num(seal) if seal else nan,             # yuan
        "opened": num(opened) if opened else nan,
        "streak": num(streak) if streak else nan,
        "industry": _col(raw, "所属行业").fillna("").astype(str).str.strip(),
    }, columns=POOL_COLUMNS).reset_index(drop=True)


def normalise_heat(raw: pd.DataFrame) -> pd.DataFrame:
    """A board list (``stock_board_*_name_em``) -> HEAT_COLUMNS: change a fraction, cap in yuan."""
    if raw is None or raw.empty:
        return pd.DataFrame(columns=HEAT_COLUMNS)
    num = lambda name: pd.to_numeric(_col(raw, name), errors="coerce").astype(float)  # noqa: E731
    return pd.DataFrame({
        "key": _col(raw, "板块名称").astype(str).str.strip(), "code": _col(raw, "板块代码").astype(str).str.strip(),
        "change": num("涨跌幅") / 100.0, "market_cap": num("总市值"), "turnover": num("换手率"),
        "up": num("上涨家数"), "down": num("下跌家数"), "leader": _col(raw, "领涨股票").astype(str),
        "leader_change": num("领涨股票-涨跌幅") / 100.0}, columns=HEAT_COLUMNS).reset_index(drop=True)


def _pool_what(pool: str, day: dt.date) -> Reason:
    zh, en = POOL_NAMES[pool]
    return R("what_limit_pool", pool={"zh": zh, "en": en}, day=day.isoformat())


def fetch_pool(source: Any, pool: str, day: dt.date, cancel=None) -> pd.DataFrame:
    """One pool of ``day`` from the host (POOL_COLUMNS; an empty pool is an empty frame)."""
    what = _pool_what(pool, day)
    try:
        raw = source._call(HOST, POOL_FUNCS[pool], date=day.strftime("%Y%m%d"), what=what, cancel=cancel)
    except NoDataError:
        return pd.DataFrame(columns=POOL_COLUMNS)       # "data": null or no rows: nobody in the pool
    return normalise_pool(pool, raw)


def fetch_heat(source: Any, kind: str, cancel=None) -> pd.DataFrame:
    """Every industry or concept board's heat now (HEAT_COLUMNS)."""
    func = {"industry": "stock_board_industry_name_em", "concept": "stock_board_concept_name_em"}[kind]
    if kind == "concept":         # akshare keeps the first answer for the process's life (AKSHARE.md §6.1)
        from .akshare_source import load_akshare

        load_akshare()
        import akshare.stock.stock_board_concept_em as concept_mod

        getattr(getattr(concept_mod, "__stock_board_concept_name_em", None), "cache_clear", lambda: None)()
    kind_term = {"zh": "行业" if kind == "industry" else "概念", "en": kind}
    return normalise_heat(source._call(HOST, func, what=R("what_board_heat", kind=kind_term), cancel=cancel))


def live_pools_for(source: Any, store: Any, day: dt.date, *, now: dt.datetime | None = None,
                   latest: bool | None = None, cancel=None) -> LivePools:
    """The pools of ``day``: read from the store when saved after the day's close (or when the
    host no longer has the day), else fetched and saved (a fetch that fails falls back to what
    an earlier fetch saved); and, when ``day`` is the last trading day (``latest``; by default
    the store's last day), the board heat. Failures are collected, never raised."""
    now = now or dt.datetime.now()
    out = LivePools(day)
    pools = PoolStore(store)
    saved = pools.fetched(day)
    recent = (now.date() - day).days <= KEEP_DAYS
    closed = dt.datetime.combine(day, CLOSE)          # a pool fetched after this is the day's final one
    for pool in POOLS:
        final = pool in saved and dt.datetime.fromtimestamp(saved[pool]) >= closed
        if pool in saved and (final or not recent):
            out.pools[pool] = pools.read(day, pool)
            out.saved.add(pool)
            continue
        if not recent:
            if pool == "zt":            # one sentence for the whole day, not one per pool
                out.failures.append(R("market_pools_too_old", day=day.isoformat(), days=KEEP_DAYS))
            continue
        try:
            frame = fetch_pool(source, pool, day, cancel)
        except DataError as e:
            out.failures.append(e.failure())
            if pool in saved:           # an earlier fetch during the session is better than nothing
                out.pools[pool] = pools.read(day, pool)
                out.saved.add(pool)
            continue
        pools.write(day, pool, frame)
        out.pools[pool] = frame
    if latest is None:
        latest = store.latest_date() == day
    if latest:
        for kind in ("industry", "concept"):
            try:
                out.heat[kind] = fetch_heat(source, kind, cancel)
            except DataError as e:
                out.failures.append(e.failure())
    return out
