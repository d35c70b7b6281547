"""A screen's signal on every day of a panel at once: prefilters as of each day, the score, the
presets and the formula, all evaluated once over the whole history (never a scan per day).

A cell (stock i, day D) is a *signal* when, on D, the stock passes the request's prefilters as
they stood on D, has a valid score >= ``min_score``, the requested presets fire (all / any) and
the formula's selection holds. Everything reads bars up to D only: the score
(``core/score_days``), the presets (``Strategy.fn``: the whole (n, t) signal series, the same
kernels ``fired_at`` runs on a window) and the formula (``CompiledFormula.evaluate``: every
day, causal functions only — future functions are refused by the compiler).

Prefilters as of D: suspended on D (no bar, or no volume), price and amount on D, listed fewer
than ``min_listed_days`` calendar days before D, market cap on D as D's close × today's share
count. The ST flag is today's (the universe table has no history of it): a known bias, listed
in the report (``BIASES``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .panel import Panel
from .score_days import score_days

#: Every preset, in the catalogue's order: bit k of a signal's ``presets`` is PRESET_IDS[k].
def preset_ids() -> list[str]:
    from .strategies import STRATEGIES
    return list(STRATEGIES)


@dataclass
class ChunkSignals:
    """One chunk's signals: ``mask`` (n, t) and, for every cell, its score and fired presets."""
    mask: np.ndarray
    total: np.ndarray
    presets: np.ndarray        # (n, t) int64 bit mask over preset_ids()


def prefilter_days(request, panel: Panel, info: pd.DataFrame, shares: np.ndarray | None = None) -> np.ndarray:
    """(n, t) bool: the stock passes the request's prefilters as of each day. ``info`` holds the
    panel's rows' universe entries (``is_st``, ``listed_date``) in row order; ``shares`` today's
    share counts (only needed with a market-cap bound)."""
    n, t = panel.shape
    close = panel.close
    ok = np.ones((n, t), dtype=bool)
    with np.errstate(invalid="ignore"):
        if request.exclude_st and "is_st" in info:
            ok &= ~info["is_st"].fillna(False).astype(bool).to_numpy()[:, None]
        if request.min_listed_days and "listed_date" in info:
            listed = pd.to_datetime(info["listed_date"], errors="coerce").to_numpy()
            age = (panel.dates.to_numpy()[None, :] - listed[:, None]) / np.timedelta64(1, "D")
            ok &= ~(age < request.min_listed_days)          # an unknown date passes, as in run_scan
        if request.exclude_suspended:
            ok &= np.isfinite(close) & (panel.volume > 0)
        if request.price_min is not None:
            ok &= ~(close < request.price_min)
        if request.price_max is not None:
            ok &= ~(close > request.price_max)
        if request.min_amount is not None:
            ok &= panel.fields["amount"] >= request.min_amount
        if request.mcap_min is not None or request.mcap_max is not None:
            mcap = close * (np.full(n, np.nan) if shares is None else np.asarray(shares, float))[:, None]
            bad = ~np.isfinite(mcap)
            if request.mcap_min is not None:
                bad |= mcap < request.mcap_min
            if request.mcap_max is not None:
                bad |= mcap > request.mcap_max
            ok &= ~bad
    return ok


def chunk_signals(request, panel: Panel, info: pd.DataFrame, formula=None,
                  shares: np.ndarray | None = None, columns: np.ndarray | None = None) -> ChunkSignals:
    """The signals of every (stock, day) cell of ``panel`` (rows are independent, so a chunk of
    rows gives exactly its part of the whole). ``formula``: the request's compiled formula or
    None. ``columns``: score those days only (``score_days``; the mask is False elsewhere)."""
    from .strategies import STRATEGIES, find_strategy

    total, valid = score_days(panel, columns)
    with np.errstate(invalid="ignore"):
        mask = valid & (total >= float(request.min_score)) & prefilter_days(request, panel, info, shares)
    wanted = {find_strategy(s).id for s in request.strategies}
    bits = np.zeros(panel.shape, dtype=np.int64)
    req: list[np.ndarray] = []
    for k, sid in enumerate(STRATEGIES):
        fired = np.asarray(STRATEGIES[sid].fn(panel), dtype=bool)
        bits |= fired.astype(np.int64) << k
        if sid in wanted:
            req.append(fired)
    if formula is not None and formula.selection is not None:    # one more condition, as in a scan
        sel = formula.evaluate(panel)[formula.selection.key]
        req.append((sel != 0) & ~np.isnan(sel))
    if req:
        stack = np.stack(req)
        mask &= stack.all(axis=0) if request.mode == "all" else stack.any(axis=0)
    from .panel_cache import drop_cache
    drop_cache(panel)
    return ChunkSignals(mask, total, bits)
