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

from . import panel_cache as pc
from .panel import Panel
from .score_days import score_days, span_start

#: Every preset, in the catalogue's order: bit k of a signal's ``presets`` is PRESET_IDS[k].
def preset_ids() -> list[str]:
    from .strategies import STRATEGIES
    return list(STRATEGIES)


@dataclass
class ChunkSignals:
    """One chunk's signals: ``mask`` (n, t), the score of every cell that passes the rest of the
    screen (prefilters, presets, formula; NaN elsewhere), and the presets' series kept in
    the packed coordinates they are computed in (``strategies.packed_signals``): a validation
    reads the fired presets of its signal cells only (``presets_at``), not 14 (n, t) arrays."""
    mask: np.ndarray
    total: np.ndarray
    packed: list[np.ndarray]   # (t - start, n) bool per preset, in preset_ids() order
    bar_mask: np.ndarray       # (n, t) the cells with a bar (PackedRows.mask)
    start: int = 0             # the packed row of ``packed``'s row 0 (``score_days.span_start``)

    def presets_at(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """int64 bit mask over preset_ids() of the cells (rows[j], cols[j]); 0 without a bar,
        and, when the presets ran on a span (``start`` > 0), 0 on the span's first LOOKBACK - 1
        rows (before the validated days)."""
        from .strategies import LOOKBACK

        rows, cols = np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)
        bars = np.cumsum(self.bar_mask, axis=1, dtype=np.int32)        # bars up to each column
        has = self.bar_mask[rows, cols]
        pos = bars[rows, cols] - 1                                      # the cell's packed row
        if self.start:
            has &= pos >= self.start + LOOKBACK - 1
        pos = np.where(has, pos - self.start, 0)                        # its row of ``packed``
        bits = np.zeros(len(rows), dtype=np.int64)
        at = pos.astype(np.intp) * self.bar_mask.shape[0] + rows        # flat index of (pos, row)
        for k, sig in enumerate(self.packed):
            bits |= (np.ascontiguousarray(sig).ravel().take(at) & has).astype(np.int64) << k
        return bits

    @property
    def presets(self) -> np.ndarray:
        """(n, t) int64 bit mask over preset_ids() on every cell (what ``presets_at`` reads)."""
        n, t = self.bar_mask.shape
        rows, cols = np.divmod(np.arange(n * t), t)
        return self.presets_at(rows, cols).reshape(n, t)


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
    from .strategies import STRATEGIES, find_strategy, packed_signals

    with np.errstate(invalid="ignore"):
        screen = prefilter_days(request, panel, info, shares)
    wanted = {find_strategy(s).id for s in request.strategies}
    start = span_start(panel, columns)               # the validated days' span of packed rows
    packed = packed_signals(panel, start=start)      # every preset, for the by-preset table
    pk = pc.packed_panel(panel).pk
    req: list[np.ndarray] = [pk.unpack(_from_row(packed[sid], start).T, fill=False).astype(bool)
                             for sid in STRATEGIES if sid in wanted]     # the screen's, as Strategy.fn
    if formula is not None and formula.selection is not None:    # one more condition, as in a scan
        sel = formula.evaluate(panel)[formula.selection.key]
        req.append((sel != 0) & ~np.isnan(sel))
    if req:
        stack = np.stack(req)
        screen &= stack.all(axis=0) if request.mode == "all" else stack.any(axis=0)
    # the score last, on the cells the rest of the screen lets through (the only ones it decides)
    total, valid = score_days(panel, columns, where=screen)
    with np.errstate(invalid="ignore"):
        mask = valid & (total >= float(request.min_score)) & screen
    pc.drop_cache(panel)
    return ChunkSignals(mask, total, [packed[sid] for sid in STRATEGIES], pk.mask, start)


def _from_row(sig: np.ndarray, start: int) -> np.ndarray:
    """A span's (t - start, n) signal series on all t packed rows (False before the span)."""
    if not start:
        return sig
    out = np.zeros((start + len(sig),) + sig.shape[1:], dtype=bool)
    out[start:] = sig
    return out
