"""The market scan: request → universe → prefilters → bars → score and screen in chunks → hits.

No cap on the universe (the seed system silently kept the first 100 stocks). Every stock of the
resolved universe ends in exactly one bucket, so ``found + not_matching + excluded + failed ==
universe_size`` always holds (``ScanOutcome.accounted``): a stock that cannot be scored (no data,
too short a history, a source error) is a *failure with a reason*, never a score-0 hit.

Steps of ``run_scan``:
1. resolve the universe (``core.scan_universe.resolve_universe``; the request itself is
   ``core.scan_request.ScanRequest``): rejected tokens are reported, not dropped;
2. prefilters on the universe table (ST, listed fewer than N calendar days), on the
   fundamentals (market caps, PE, PB, ROE, profit growth, the fundamental score:
   ``core.scan_fundamentals``, read only when asked or stored) and on the last stored bar
   (suspended today, price, amount);
3. read the last ``LOOKBACK_DAYS`` bars of the survivors from the bar store in one panel
   (``core.scan_bars``): symbols missing from the store are fetched into it first
   (``core.data.refresh.backfill``), or, from a local source such as the demo market, read
   straight from its memory;
4. score (``core.scoring.score_panel``) and screen (``core.strategies``) ``CHUNK`` rows at a time,
   handing each chunk's hits to ``on_hits``, reporting progress and checking ``cancel`` between
   chunks.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from .jobs import CancelToken, Progress, ProgressFn, no_progress
from .reasons import R, Reason
from .scan_bars import gather_bars, local_latest as _local_latest
from .scan_fundamentals import FundamentalsError, load as load_fundamentals
from .hit_order import sort_hits
# the request and the universe live in their own modules; core.scan names them for its callers
from .scan_request import EmptyUniverseError, ScanError, ScanRequest, split_universe, strategy_name
from .scan_returns import exclusions as return_exclusions, period_returns
from .scan_universe import Universe, resolve_universe

__all__ = ["CHUNK", "FETCH_WEIGHT", "FORMULA_CONDITION", "LOOKBACK_DAYS", "MATCH_ALL_STRATEGIES",
           "SHORT_HISTORY", "DIMENSIONS", "EmptyUniverseError", "ScanError", "ScanOutcome", "ScanRequest",
           "Universe", "resolve_universe", "run_scan", "split_universe", "strategy_name"]

log = logging.getLogger(__name__)

CHUNK = 500            # panel rows scored per step (progress + cancel granularity)
FETCH_WEIGHT = 0.9     # share of a fetched stock's progress that is its fetch (the rest: scoring)
#: Evaluate every preset on every chunk so a hit lists all presets that fired (the column
#: "命中策略"), not only the requested ones.
MATCH_ALL_STRATEGIES = True
FORMULA_CONDITION = "__formula__"    # the formula's selection among the presets' conditions
LOOKBACK_DAYS = 320    # bars read per stock: 250 for 年线 strategies + warm-up of EMAs/MACD

DIMENSIONS = ("trend", "volatility", "technical", "volume", "momentum")

#: Reasons a stock cannot be scored that are its age, not an error: counted as the prefilter
#: "history_short" (shown with the other exclusions), never as failures in red.
SHORT_HISTORY = frozenset({"history_too_short", "not_listed_yet"})


# ---------------------------------------------------------------------------------------------
# the outcome
# ---------------------------------------------------------------------------------------------
@dataclass
class ScanOutcome:
    universe_size: int = 0
    found: int = 0
    not_matching: int = 0
    excluded: dict[str, int] = field(default_factory=dict)          # reason id -> count
    failed: list[tuple[str, Reason]] = field(default_factory=list)     # (symbol, reason)
    rejected: list[tuple[str, Reason]] = field(default_factory=list)   # (token, reason), not in universe
    hits: list[dict] = field(default_factory=list)                  # HIT_COLUMNS dicts, best first
    elapsed: float = 0.0
    as_of: str | None = None                                        # date of the scored bar
    description: str = ""

    @property
    def excluded_count(self) -> int:
        return sum(self.excluded.values())

    @property
    def failed_count(self) -> int:
        return len(self.failed)

    @property
    def accounted(self) -> int:
        """found + not_matching + excluded + failed: equals universe_size, always."""
        return self.found + self.not_matching + self.excluded_count + self.failed_count

    def to_dict(self) -> dict:
        return {
            "universe_size": self.universe_size, "found": self.found, "not_matching": self.not_matching,
            "excluded": dict(self.excluded),
            "failed": [[s, Reason.of(r).to_json()] for s, r in self.failed],
            "rejected": [[t, Reason.of(r).to_json()] for t, r in self.rejected], "elapsed": self.elapsed, "as_of": self.as_of,
            "description": self.description, "hits": self.hits,
        }


# ---------------------------------------------------------------------------------------------
# the pipeline
# ---------------------------------------------------------------------------------------------
def _mark(reason: np.ndarray, mask: np.ndarray, why: str) -> None:
    """Give rows that have no exclusion reason yet (and match ``mask``) the reason ``why``."""
    reason[(reason == "") & mask] = why


def _f(x) -> float:
    x = float(x)
    return x if math.isfinite(x) else float("nan")


def run_scan(request: ScanRequest, source, store, progress: ProgressFn = no_progress,
             cancel: CancelToken | None = None, on_hits: Callable[[list[dict]], None] | None = None,
             watchlist: list[str] | None = None, fetch_missing: bool | None = None) -> ScanOutcome:
    """Run a scan (see the module docstring). Raises ``Cancelled`` when ``cancel`` is set,
    ``ScanError`` for a request that cannot run; per-stock problems land in ``outcome.failed``.

    Prefilters: ST and listing age come from the universe table; suspended-today, price and
    amount from each stock's last stored bar (no bar, or zero volume, on the newest trading day
    of the panel = suspended). The spot snapshot is only asked for when a valuation bound (caps,
    PE, PB) or the fundamental score needs it: it is slow on a live source (≈1 min for the whole
    market) and the bars already carry the rest (``core.scan_fundamentals``).
    """
    from .formula.screen import formula_screen
    from .scoring import score_panel
    from .strategies import STRATEGIES, find_strategy, fired_at, screen

    t0 = time.perf_counter()
    cancel = cancel or CancelToken()
    problems = request.validate()
    if problems:
        raise ScanError(R("request_invalid", problems=problems))
    if fetch_missing is None:
        fetch_missing = True
    wanted = [find_strategy(s).id for s in request.strategies]

    progress(Progress(current=R("phase_universe")))
    uni_df = source.universe().copy()
    uni_df["symbol"] = uni_df["symbol"].astype(str)
    uni_df = uni_df.drop_duplicates("symbol").set_index("symbol", drop=False)
    universe = resolve_universe(request, source, watchlist, universe_df=uni_df)
    cancel.raise_if_cancelled()
    syms = universe.symbols
    n_total = len(syms)
    out = ScanOutcome(universe_size=n_total, rejected=list(universe.rejected),
                      description=universe.description)
    info = uni_df.loc[syms]

    # -- prefilters on the universe table (and the snapshot, for market cap only) ------------
    reason = np.full(n_total, "", dtype=object)
    if request.exclude_st and "is_st" in info:
        _mark(reason, info["is_st"].fillna(False).astype(bool).to_numpy(), "st")

    def scan_day() -> dt.date:
        if request.as_of:
            return dt.date.fromisoformat(request.as_of)
        return store.latest_date() or _local_latest(source) or dt.date.today()

    if request.min_listed_days and "listed_date" in info:
        as_of = pd.Timestamp(scan_day())
        listed = pd.to_datetime(info["listed_date"], errors="coerce").to_numpy()
        with np.errstate(invalid="ignore"):
            age = (as_of.to_datetime64() - listed) / np.timedelta64(1, "D")
            _mark(reason, age < request.min_listed_days, "new_listing")
    progress(Progress(current=R("phase_fundamentals")))
    try:     # market cap and every fundamental bound: core/scan_fundamentals.py
        fund = load_fundamentals(request, source, store, syms, scan_day(), cancel)
    except FundamentalsError as e:
        raise ScanError(e.reason) from e
    for why, mask in (fund.exclusions(request) if fund is not None else ()):
        _mark(reason, mask, why)
    cancel.raise_if_cancelled()

    def note_excluded(reasons: np.ndarray) -> None:
        for r, c in zip(*np.unique(reasons[reasons != ""].astype(str), return_counts=True)):
            out.excluded[str(r)] = out.excluded.get(str(r), 0) + int(c)

    note_excluded(reason)
    keep = [s for s, r in zip(syms, reason) if r == ""]
    done = n_total - len(keep)
    pending_failures: list[tuple[str, Reason]] = []

    def report(current: Reason | str) -> None:
        progress(Progress(done=done, total=n_total, found=out.found, failed=len(out.failed),
                          current=current, failures=list(pending_failures)))
        pending_failures.clear()

    def fail(sym: str, why: Reason) -> None:
        out.failed.append((sym, why))
        pending_failures.append((sym, why))

    report(R("phase_prefilters"))

    # -- bars: the store's, what it lacks fetched first or read from a local source ----------
    def fetch_progress(p: Progress, n_missing: int) -> None:
        # the fetch of missing stocks is most of a first scan's time: let the bar move with it
        fetched = p.done / p.total if p.total else 0.0
        progress(Progress(done=done, total=n_total, found=out.found, failed=len(out.failed),
                          fraction=(done + FETCH_WEIGHT * n_missing * fetched) / max(1, n_total),
                          current=R("phase_fetching", done=p.done, total=p.total or n_missing,
                                    symbol=p.current or "")))

    report(R("phase_reading"))
    panel, no_bars = gather_bars(keep, source, store, LOOKBACK_DAYS, fetch_missing, cancel, fetch_progress,
                                 end=dt.date.fromisoformat(request.as_of) if request.as_of else None)
    for s, why in no_bars:
        fail(s, why)
    done += len(no_bars)
    out.as_of = None if len(panel.dates) == 0 else str(panel.dates[-1].date())
    fund = fund.on_panel(panel) if fund is not None else None   # as of a past day: that day's values

    # -- prefilters on the last bar: suspended today, price, amount; 60日涨跌幅, 年初至今 ------------
    rets = period_returns(panel)
    # the panel's rows still in after them (None: all): each chunk copies its own rows, since a
    # whole-panel copy of the survivors costs mostly first-touch page faults (≈0.24 s for 5,000)
    kept: np.ndarray | None = None
    if len(panel.symbols) and len(panel.dates):
        last = panel.close[:, -1]
        b_reason = np.full(len(last), "", dtype=object)
        with np.errstate(invalid="ignore"):
            if request.exclude_suspended:
                _mark(b_reason, np.isnan(last) | ~(panel.volume[:, -1] > 0), "suspended")
            if request.price_min is not None:
                _mark(b_reason, last < request.price_min, "price")
            if request.price_max is not None:
                _mark(b_reason, last > request.price_max, "price")
            if request.min_amount is not None:
                _mark(b_reason, ~(panel.fields["amount"][:, -1] >= request.min_amount), "amount")
            late = fund.bar_exclusions(request) if fund is not None else []    # as of a past day
            for why, mask in late + return_exclusions(request, rets):
                _mark(b_reason, mask, why)
        if (b_reason != "").any():
            note_excluded(b_reason)
            done += int((b_reason != "").sum())
            kept = np.flatnonzero(b_reason == "")
            rets = {k: v[kept] for k, v in rets.items()}

    # -- score and screen in chunks ----------------------------------------------------------
    extra_ids = [k for k in STRATEGIES if k not in wanted] if MATCH_ALL_STRATEGIES else []
    formula = formula_screen(request.formula)       # None without a formula (validated above)
    meta = _meta_lookup(info)
    n_rows = len(panel.symbols) if kept is None else len(kept)
    for a in range(0, n_rows, CHUNK):
        cancel.raise_if_cancelled()
        sub = panel.rows(slice(a, a + CHUNK) if kept is None else kept[a:a + CHUNK])
        sub_rets = {k: v[a:a + CHUNK] for k, v in rets.items()}
        res = score_panel(sub)
        req_fired = fired_at(sub, wanted) if wanted else {}
        valid = np.asarray(res.valid, dtype=bool)
        f_chunk = formula.chunk(fund.with_fields(sub) if fund is not None else sub) if formula is not None else None
        # the formula's selection is one more condition beside the presets: all of them, or any
        conditions = dict(req_fired, **({FORMULA_CONDITION: f_chunk.mask} if f_chunk is not None else {}))
        hit_mask = np.asarray(screen(res.total, conditions, request.min_score, request.mode), dtype=bool) & valid
        hit_idx = np.flatnonzero(hit_mask)
        # presets that fired, for the hits only (rows are independent, so a sub-panel is exact)
        fired_hits = {k: np.asarray(v)[hit_idx] for k, v in req_fired.items()}
        if extra_ids and len(hit_idx):
            fired_hits.update(fired_at(sub.rows(hit_idx), extra_ids))
        order = [k for k in STRATEGIES if k in fired_hits]
        chunk_hits: list[dict] = []
        sub_syms = sub.symbols.tolist()
        for i in np.flatnonzero(~valid):
            why = res.invalid_reason[i]
            if why is not None and why.code in SHORT_HISTORY:   # a new listing: excluded, not failed
                out.excluded["history_short"] = out.excluded.get("history_short", 0) + 1
            else:
                fail(sub_syms[i], Reason.of(why) if why else R("not_scored"))
        out.not_matching += int((valid & ~hit_mask).sum())
        for j, i in enumerate(hit_idx):
            fired_ids = [k for k in order if bool(fired_hits[k][j])]
            chunk_hits.append(_hit_row(sub_syms[i], int(i), res, sub, fired_ids, meta, sub_rets))
        if f_chunk is not None:
            f_chunk.fill(chunk_hits, hit_idx)
        if fund is not None:
            fund.fill(chunk_hits)
        out.found += len(chunk_hits)
        out.hits.extend(chunk_hits)
        done += len(sub_syms)
        if chunk_hits and on_hits is not None:
            on_hits(chunk_hits)
        report(R("phase_scoring", first=sub_syms[0], last=sub_syms[-1]))
    out.hits = sort_hits(out.hits, request.sort)
    out.elapsed = time.perf_counter() - t0
    if out.accounted != out.universe_size:  # a bug, not a user problem: say so loudly
        log.error("scan accounting mismatch: %d accounted of %d", out.accounted, out.universe_size)
    progress(Progress(done=n_total, total=n_total, found=out.found, failed=len(out.failed),
                      current="", failures=list(pending_failures)))
    return out


def _meta_lookup(info: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """symbol -> (name, board, industry) as plain strings (one pass; .loc per hit is slow)."""
    def col(name: str) -> list[str]:
        if name not in info:
            return [""] * len(info)
        return ["" if (x is None or (isinstance(x, float) and math.isnan(x))) else str(x)
                for x in info[name].tolist()]
    return dict(zip(info["symbol"].astype(str).tolist(), zip(col("name"), col("board"), col("industry"))))


def _hit_row(sym: str, i: int, res, sub, fired_ids: list[str], meta: dict[str, tuple[str, str, str]],
             rets: dict[str, np.ndarray]) -> dict:
    name, board, industry = meta.get(sym, ("", "", ""))
    label = res.label(i)
    v = res.values
    row = {
        "symbol": sym,
        "name": name,
        "board": board,
        "industry": industry,
        "score": _f(res.total[i]),
        "label_zh": label.zh,
        "label_en": label.en,
        "last": _f(v["close"][i]),
        "chg_pct": _f(v["chg_pct"][i]),
        "amount": _f(sub.fields["amount"][i, -1]),
        "turnover": _f(sub.fields["turnover"][i, -1]),
        "rsi": _f(v["rsi"][i]),
        "ma_trend": str(res.ma_trend(i)),
        "macd_state": str(res.macd_state(i)),
        "vol_ratio": _f(v["vol_ratio"][i]),
        "strategies": fired_ids,
    }
    for d in DIMENSIONS:
        row[d] = _f(res.dims[d][i])
    row["chg60"], row["ytd"] = _f(rets["chg60"][i]), _f(rets["ytd"][i])
    return row
