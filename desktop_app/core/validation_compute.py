"""The computing and statistics phases of a validation (``core/validation.validate``): signals
of every day in chunks of stocks, then entries, exits, the benchmarks, the groupings and the
portfolio, gathered into a ``ValidationResult``."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .reasons import R
from .validation_returns import ENTRY_STATUS, Market, entry, forward, index_return, row_limits, universe_daily
from .validation_signals import chunk_signals
from .validation_stats import band_masks, histogram, summarize

CHUNK = 500           # stocks per step of the computing phase (progress and cancel granularity)


class _Signals:
    """The signals as flat arrays: panel row, panel column (day D), period day index, score,
    fired presets (bits over ``preset_ids()``)."""

    def __init__(self):
        self.parts: list[tuple] = []

    def add(self, rows, cols, day, score, bits):
        self.parts.append((rows, cols, day, score, bits))

    def arrays(self):
        """The five arrays in (row, column) order, whatever the order of the chunks' rows."""
        if not self.parts:
            e = np.zeros(0, dtype=np.intp)
            return e, e, e, np.zeros(0), np.zeros(0, dtype=np.int64)
        out = tuple(np.concatenate([p[k] for p in self.parts]) for k in range(5))
        order = np.lexsort((out[1], out[0]))
        if (np.diff(order) == 1).all():
            return out
        return tuple(a[order] for a in out)


def compute(request, panel, uni_df, in_universe: set, members: list[str], cols: np.ndarray, source,
            horizons: list[int], top_n: int, hold: int, costs, cancel,
            phase: Callable[[str, float, object], None], store=None, fund=None):
    from .formula import compile_formula
    from .scan import strategy_name
    from .strategies import STRATEGIES
    from .validation import ValidationResult

    syms = panel.symbols.tolist()
    info = uni_df.loc[syms] if syms else uni_df.iloc[:0]
    uni_rows = np.array([i for i, s in enumerate(syms) if s in in_universe], dtype=np.intp)
    shares = None
    if request.mcap_min is not None or request.mcap_max is not None:
        from .cap_index import source_shares
        shares = source_shares(source, syms)
    formula = compile_formula(request.formula) if (request.formula or "").strip() else None
    n_days = len(cols)
    day_of = np.full(len(panel.dates), -1, dtype=np.intp)
    day_of[cols] = np.arange(n_days)

    # -- computing: every day's signals, CHUNK stocks at a time -----------------------------
    from .validation_fundamentals import applies, close_on_or_before, screen_cells
    from .validation_formula_fields import used_fields, with_day_fields
    filled = close_on_or_before(panel.close) if applies(request) else None
    formula_fields = used_fields(request) if formula is not None else set()
    excluded: dict[str, int] = {}
    sig = _Signals()
    by_age = _by_age(panel, uni_rows, int(cols[0]))
    for a in range(0, len(uni_rows), CHUNK):
        cancel.raise_if_cancelled()
        rows = np.sort(by_age[a:a + CHUNK])
        phase("computing", a / max(1, len(uni_rows)),
              R("phase_validate_computing", done=a, total=len(uni_rows)))
        sub = with_day_fields(panel.rows(rows), rows, fund, formula_fields)   # PE, ROE … on each day
        cs = chunk_signals(request, sub, info.iloc[rows], formula,
                           None if shares is None else shares[rows], columns=cols)
        rr, cc = np.nonzero(cs.mask[:, cols])
        if filled is not None:          # fundamental and return bounds on each signal's day
            keep, counts = screen_cells(request, panel, rows[rr], cols[cc], fund, filled)
            rr, cc = rr[keep], cc[keep]
            for k, v in counts.items():
                excluded[k] = excluded.get(k, 0) + v
        sig.add(rows[rr], cols[cc], cc, cs.total[rr, cols[cc]], cs.presets_at(rr, cols[cc]))
    cancel.raise_if_cancelled()
    phase("statistics", 0.0, R("phase_validate_statistics"))
    s_rows, s_cols, s_day, s_score, s_bits = sig.arrays()

    # -- entries and exits ------------------------------------------------------------------
    is_st = info["is_st"].fillna(False).astype(bool).to_numpy() if "is_st" in info else np.zeros(len(syms), bool)
    m = Market(panel, row_limits(syms, is_st))
    status, price = entry(m, s_rows, s_cols)
    fw = forward(m, s_rows, s_cols, status, price, horizons)
    cancel.raise_if_cancelled()
    phase("statistics", 0.3, R("phase_validate_statistics"))

    # -- the universe's equal-weighted forward return on the same days ----------------------
    u_daily = universe_daily(m, uni_rows, cols, horizons)
    cancel.raise_if_cancelled()
    phase("statistics", 0.6, R("phase_validate_statistics"))

    # -- the index --------------------------------------------------------------------------
    index_reason, ix_open, ix_close = _index(panel, syms, members, source, store)
    excess_u, excess_i, index_mean = {}, {}, {}
    for k in horizons:
        excess_u[k] = fw[k].ret - u_daily[k][s_day] if len(s_day) else fw[k].ret
        if ix_close is not None:
            excess_i[k] = fw[k].ret - index_return(ix_open, ix_close, s_cols, fw[k].exit_col)
            nominal = np.where(cols + 1 + k < len(panel.dates), cols + 1 + k, -1)
            index_mean[k] = _mean_or_none(index_return(ix_open, ix_close, cols, nominal))
        else:
            index_mean[k] = None

    # per horizon the five series of the signals with a return, stacked: each group's
    # statistics then read its signals' part with one gather (the same values in the same order;
    # ``compress`` costs a fraction of a boolean index along the second axis)
    finite = {k: np.isfinite(fw[k].ret) for k in horizons}
    table = {k: np.stack([fw[k].ret, fw[k].mae, fw[k].mfe, excess_u[k]] + ([excess_i[k]] if k in excess_i else []))
             for k in horizons}

    def stats(mask=None) -> dict:
        if mask is not None and overall is not None and mask.all():   # a group of every signal
            return {k: dict(v) for k, v in overall.items()}
        out = {}
        for k in horizons:
            g = np.compress(finite[k] if mask is None else mask & finite[k], table[k], axis=1)
            out[k] = summarize(g[0], g[1], g[2], g[3], g[4] if len(g) > 4 else None)
        return out

    overall = None                          # the statistics of every signal, reused by stats()
    overall = stats()
    bands = [{**b, "stats": stats(mask)} for b, mask in band_masks(s_score)]
    presets = []
    for bit, sid in enumerate(STRATEGIES):
        mask = (s_bits >> bit) & 1 == 1
        if mask.any():
            presets.append({"id": sid, "name_zh": strategy_name(sid, "zh"), "name_en": strategy_name(sid, "en"),
                            "signals": int(mask.sum()), "stats": stats(mask)})
    per_day = np.bincount(s_day, minlength=n_days) if len(s_day) else np.zeros(n_days, dtype=int)
    dates = [str(d.date()) for d in panel.dates]

    # -- the portfolio ----------------------------------------------------------------------
    from .validation_portfolio import portfolio
    pf = portfolio(m, s_rows, s_cols, s_score, status, price, int(cols[0]), int(cols[-1]), top_n, hold, costs,
                   ix_close)
    curve_cols = pf.pop("curve_cols")
    eq, ixc = pf.pop("equity"), pf.pop("index_curve")
    pf["curve"] = [[dates[c], float(e), None if ixc is None else float(x)]
                   for c, e, x in zip(curve_cols, eq, ixc if ixc is not None else [None] * len(eq))]
    phase("statistics", 1.0, R("phase_validate_statistics"))

    biases = [R("bias_survivorship"), R("bias_delisted"), R("bias_st_today"), R("bias_lots_costs")]
    if request.mcap_min is not None or request.mcap_max is not None:
        biases.append(R("bias_mcap_today"))
    from .validation_fundamentals import uses_fundamentals
    if uses_fundamentals(request):
        biases.append(R("bias_fund_derived"))
    if getattr(source, "is_demo", False):
        biases.append(R("bias_demo"))
    return ValidationResult(
        request=request.to_dict(), title_zh=request.title("zh"), title_en=request.title("en"),
        period={"start": dates[cols[0]], "end": dates[cols[-1]], "days": int(n_days)},
        universe_size=len(in_universe), horizons=list(horizons), signals=int(len(s_rows)),
        entries={name: int((status == code).sum()) for code, name in enumerate(ENTRY_STATUS)},
        pending={k: int(fw[k].pending.sum()) for k in horizons},
        delayed={k: int(fw[k].delayed.sum()) for k in horizons},
        overall=overall, universe_mean={k: _mean_or_none(u_daily[k]) for k in horizons},
        index_mean=index_mean, bands=bands, presets=presets,
        signals_per_day=list(zip(dates[cols[0]:cols[-1] + 1], per_day.tolist())),
        portfolio=pf, index=index_reason, biases=biases,
        histograms={k: histogram(fw[k].ret) for k in horizons}, excluded=excluded)


def _by_age(panel, rows: np.ndarray, first_col: int) -> np.ndarray:
    """``rows`` by their bars before the period, most first (stable): the chunks of stocks with
    a long history then compute the presets and the score on the period's span of bars only
    (``validation_signals``: the span of a chunk starts where its youngest stock needs it), the
    few young stocks together in the last chunks."""
    before = np.isfinite(panel.close[rows, :first_col]).sum(axis=1) if len(rows) else np.zeros(0, int)
    return rows[np.argsort(-before, kind="stable")]


def _mean_or_none(a: np.ndarray):
    a = a[np.isfinite(a)]
    return float(a.mean()) if len(a) else None


def _index(panel, syms: list[str], members: list[str], source, store=None):
    """(reason naming the index, open levels, close levels) on the panel's dates; the arrays
    are None when there is no index. The demo market's index is built from its members' rows of
    the panel (``members``); another source's are its daily index bars (``core/index_data``)."""
    from .cap_index import cap_weighted_index, source_shares
    from .symbols import index_name

    at = {s: i for i, s in enumerate(syms)}
    rows = np.array([at[s] for s in members if s in at], dtype=np.intp)
    if not len(rows):
        return _source_index(panel, source, store)
    shares = source_shares(source, [syms[i] for i in rows])
    ix = cap_weighted_index(panel.rows(rows), shares)
    name = {"zh": index_name(_bench(), "zh"), "en": index_name(_bench(), "en")}
    return R("index_built", name=name), ix["open"].to_numpy(), ix["close"].to_numpy()


def _bench() -> str:
    from .validation import BENCH_INDEX
    return BENCH_INDEX


def _source_index(panel, source, store):
    """The benchmark index's own bars from the data layer, on the panel's dates (NaN where it
    has none); the reason says why when there are none."""
    from .data.errors import DataError
    from .index_data import load_index_bars
    from .symbols import index_name

    if getattr(source, "is_demo", False) or not hasattr(source, "index_bars"):
        return R("index_unavailable"), None, None          # the demo market's is built from members
    try:
        bars = load_index_bars(_bench(), source, store)
    except DataError as e:
        return R("index_failed", reason=getattr(e, "reason", None) or str(e)), None, None
    aligned = bars.reindex(panel.dates)
    o, c = aligned["open"].to_numpy(dtype=float), aligned["close"].to_numpy(dtype=float)
    if not np.isfinite(c).any():
        return R("index_unavailable"), None, None
    name = {"zh": index_name(_bench(), "zh"), "en": index_name(_bench(), "en")}
    return R("index_source", name=name), o, c
