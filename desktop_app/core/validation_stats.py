"""Statistics of a validation: per horizon, by score band, by preset, against the universe and
the index. Plain numpy over the signals' flat arrays (``core/validation_returns``); every number
is a float or None (JSON-safe), returns as fractions (0.012 = +1.2 %).

* ``count``: signals bought whose exit lies inside the data; ``mean``, ``median``, ``win_rate``
  (share of returns > 0), percentiles 10/25/75/90 (linear interpolation, numpy's and pandas'
  default);
* ``mae_mean`` / ``mae_worst`` and ``mfe_mean`` / ``mfe_best``: the adverse and favourable
  excursions over the holding window;
* ``excess_universe``: the mean of (signal return − the universe's equal-weighted mean return of
  the same day and horizon); ``excess_index``: the mean of (signal return − the index over the
  same window).
"""
from __future__ import annotations

import math

import numpy as np

from .scoring import LABELS

PERCENTILES = (10, 25, 75, 90)


def _f(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _mean(a: np.ndarray) -> float | None:
    a = a[np.isfinite(a)]
    return _f(a.mean()) if len(a) else None


def summarize(ret: np.ndarray, mae: np.ndarray | None = None, mfe: np.ndarray | None = None,
              excess_universe: np.ndarray | None = None, excess_index: np.ndarray | None = None) -> dict:
    """The statistics of one group of signals at one horizon (NaN returns are left out)."""
    ok = np.isfinite(ret)
    everything = bool(ok.all())                      # callers may pass finite returns only
    r = ret if everything else ret[ok]
    out: dict = {"count": int(len(r))}
    if len(r):
        median, pct = order_stats(r)
        out.update(mean=_f(r.mean()), median=_f(median), win_rate=_f((r > 0).mean()))
        for p, v in zip(PERCENTILES, pct):
            out[f"p{p}"] = _f(v)
    else:
        out.update(mean=None, median=None, win_rate=None, **{f"p{p}": None for p in PERCENTILES})
    if everything:
        ok = slice(None)
    if mae is not None and mfe is not None:
        a, f = mae[ok], mfe[ok]
        out.update(mae_mean=_mean(a), mae_worst=_f(a.min()) if len(a) else None,
                   mfe_mean=_mean(f), mfe_best=_f(f.max()) if len(f) else None)
    if excess_universe is not None:
        out["excess_universe"] = _mean(excess_universe[ok])
    if excess_index is not None:
        out["excess_index"] = _mean(excess_index[ok])
    return out


def order_stats(r: np.ndarray) -> tuple[float, np.ndarray]:
    """(median, the PERCENTILES) of finite values ``r`` (at least one) from ONE partition: bit
    for bit ``np.median(r)`` and ``np.percentile(r, PERCENTILES)`` (linear interpolation), which
    partition the data twice: the median is numpy's mean of the middle one or two values, the
    percentiles numpy's interpolation between neighbours (``numpy.lib._function_base_impl``:
    ``_get_indexes``, ``_get_gamma``, ``_lerp``) on the same order statistics."""
    n = len(r)
    q = np.true_divide(np.asarray(PERCENTILES, dtype=float), 100)
    virtual = (n - 1) * q
    prev = np.floor(virtual)
    nxt = prev + 1
    above = virtual >= n - 1                       # numpy's index -1: the largest value
    prev[above] = -1
    nxt[above] = -1
    gamma = virtual - prev                         # as numpy: from the index after that change
    prev, nxt = prev.astype(np.intp) % n, nxt.astype(np.intp) % n
    mid = [n // 2 - 1, n // 2] if n % 2 == 0 else [n // 2]
    part = np.partition(r, np.unique(np.concatenate([mid, prev, nxt])))
    median = np.mean(part[mid[0]:mid[-1] + 1])
    a, b = part[prev], part[nxt]
    diff = b - a
    pct = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=pct, where=gamma >= 0.5)
    return median, pct


HIST_EDGES = [x / 100.0 for x in range(-20, 21, 2)]   # -20 % .. +20 % in 2 % bins, tails outside


def histogram(ret: np.ndarray) -> dict:
    """The distribution of one horizon's returns: ``counts[i]`` of returns in
    [``edges[i-1]``, ``edges[i]``), ``counts[0]`` below the first edge and ``counts[-1]`` at or
    above the last (so every finite return is counted once: sum(counts) == count)."""
    r = ret[np.isfinite(ret)]
    counts = np.bincount(np.searchsorted(HIST_EDGES, r, side="right"), minlength=len(HIST_EDGES) + 1)
    return {"edges": list(HIST_EDGES), "counts": [int(c) for c in counts]}


def score_bands() -> list[dict]:
    """The score's own rating bands (``scoring.LABELS``), lowest first: lo <= score < hi."""
    labs = sorted(LABELS, key=lambda lab: lab.min_score)
    out = []
    for i, lab in enumerate(labs):
        hi = labs[i + 1].min_score if i + 1 < len(labs) else math.inf
        out.append({"lo": float(lab.min_score), "hi": None if math.isinf(hi) else float(hi),
                    "label_zh": lab.zh, "label_en": lab.en})
    return out


def band_masks(score: np.ndarray) -> list[tuple[dict, np.ndarray]]:
    """(band, mask) for every band that holds at least one signal."""
    out = []
    for b in score_bands():
        hi = math.inf if b["hi"] is None else b["hi"]
        m = (score >= b["lo"]) & (score < hi)
        if m.any():
            out.append((b, m))
    return out


def universe_mean(ret: np.ndarray, day: np.ndarray, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """The equal-weighted mean of ``ret`` per day (``day`` in 0..n_days-1) and its count."""
    ok = np.isfinite(ret)
    s = np.bincount(day[ok], weights=ret[ok], minlength=n_days)
    c = np.bincount(day[ok], minlength=n_days)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c > 0, s / np.maximum(c, 1), np.nan), c
