"""The score's recursive filters in ONE pass over time: MACD's EMA(fast), EMA(slow) and DEA,
RSI's two Wilder smoothings and KDJ's K and D, vectorised across stocks, bit-identical to the
separate kernels of :mod:`desktop_app.core.indicators` (``_k_macd``, ``_k_rsi``, ``_k_kdj``).

Why: each separate recursion is a Python loop over time making 3 numpy calls per step, and on a
scan's chunk of 500 stocks their cost is the calls, not the arithmetic: MACD, RSI and KDJ were 7
such loops per chunk (140 per whole-market scan, chunks and their hits). Here the seven
recursions share one state row per step and advance together with 4 calls per step.

How. Every recursion is y_t = a·x_t + b·y_{t-1}. The products a·x_t of the five filters whose
input is known up front (EMA fast/slow of the close, RSI's gain and move, K of the RSV) are
computed outside the per-step loop, ``TILE`` steps per call. DEA (input DIF = EMA fast − EMA slow) and D
(input K) depend on values of the same step, so they run one step behind, in the same row:

    row r = [EMA_f, EMA_s, gain, move, K, DIF  of step r-1 | D, DEA  of step r-2]
    row r = row r-1 · b  +  [a·x of step r-1, 0 | a_D·K, a_DEA·DIF  of step r-2]

Each value is computed as fl(fl(a·x) + fl(b·y')), the separate kernels' operations on the same
operands (IEEE addition is commutative), so the results are equal bit for bit. A recursion starts
at its input's first finite value (seeded as the separate kernels seed it) when that is the same
step for every stock, which is the case on packed rows; otherwise (:func:`fuse` answers None) the
caller uses the separate kernels, whose semantics differ there.
"""
from __future__ import annotations

import numpy as np

from .indicators import _k_kdj, _k_macd, _k_rsi, _k_rsi_moves, _k_rsi_ratio, _k_rsv

# Sub-rows of the state row (see the module docstring).
_EF, _ES, _GAIN, _MOVE, _K, _DIF, _D, _DEA = range(8)
_SEED = 50.0                                   # KDJ's K and D before the first RSV (通达信)


def _start(x: np.ndarray) -> int | None:
    """The step where ``x``'s recursion starts for every stock: -1 when no stock has a finite
    value (the output is all NaN), None when stocks start at different steps."""
    fin = np.isfinite(x)
    first = np.argmax(fin, axis=0)
    starts = first[fin[first, np.arange(x.shape[1])]]      # of the stocks with a finite value
    if len(starts) == 0:
        return -1
    lo = int(starts.min())
    return lo if lo == int(starts.max()) else None


def fuse(h, l, c, macd=(12, 26, 9), rsi: int = 14, kdj=(9, 3, 3)):
    """((DIF, DEA, MACD), RSI, (K, D, J)) of time-major packed arrays (t, n) in one pass over
    time, or None when the separate kernels must be used (one stock — their Python-float loop is
    faster —, no bars, or recursions starting at different steps for different stocks)."""
    t, n = c.shape
    if n < 2 or t == 0:
        return None
    fast, slow, signal = macd
    kn, m1, m2 = kdj
    gain, move = _k_rsi_moves(c)
    rsv = _k_rsv(h, l, c, kn)
    inputs = (c, c, gain, move, rsv)                       # of the rows _EF .. _K
    first = {"c": _start(c), "gain": _start(gain), "move": _start(move), "rsv": _start(rsv)}
    if None in first.values():
        return None
    alpha = np.array([2.0 / (fast + 1), 2.0 / (slow + 1), 1.0 / rsi, 1.0 / rsi, 1.0 / m1,
                      0.0, 1.0 / m2, 2.0 / (signal + 1)])
    # {step: rows whose recursion starts there}. DIF is finite exactly from the close's first
    # value (EMA fast = EMA slow = close there), K from the RSV's: DEA and D start there too.
    starts: dict[int, list[int]] = {}
    for row, name in ((_EF, "c"), (_ES, "c"), (_GAIN, "gain"), (_MOVE, "move"), (_K, "rsv"),
                      (_D, "rsv"), (_DEA, "c")):
        if first[name] >= 0:
            starts.setdefault(first[name], []).append(row)
    with np.errstate(invalid="ignore"):
        dif, dea, k, d, up, down = _loop(inputs, alpha, starts)
    hist = np.subtract(dif, dea)
    hist *= 2.0
    return (dif, dea, hist), _k_rsi_ratio(up, down, rsi), (k, d, 3.0 * k - 2.0 * d)


# Steps per tile: the loop runs on a small state array (kept in cache, allocated once) and each
# tile's results are copied out, one call per result; a state array as long as the series would
# be fresh memory all along the loop and keep EMA fast/slow alive for nothing.
TILE = 32


def _loop(inputs: list, alpha: np.ndarray, starts: dict[int, list[int]]):
    """The loop over time (inputs (t, n)): DIF, DEA, K, D and RSI's smoothed gain and move."""
    t, n = inputs[0].shape
    # Contiguous (t, n) results: the ratio, hist and J that follow run at half the cost on them.
    out1 = {row: np.empty((t, n)) for row in (_DIF, _K, _GAIN, _MOVE)}   # of step r-1
    out2 = {row: np.empty((t, n)) for row in (_DEA, _D)}                 # of step r-2
    w = np.empty((TILE + 1, 8, n))                         # w[i] is state row r0 + i
    w[0] = np.nan                                          # "before the first step"
    w[1:, _DIF] = 0.0                                      # (overwritten each step; finite)
    b = 1.0 - alpha                                        # the kernels' b = 1.0 - alpha
    b[_DIF] = 0.0                                          # DIF is recomputed every step
    b_seed = {_K: float(b[_K]) * _SEED, _D: float(b[_D]) * _SEED}
    # Coefficients as full (rows, n) arrays: a broadcast (rows, 1) operand costs twice the time.
    b = np.repeat(b[:, None], n, axis=1)
    a2 = np.repeat(alpha[_D:, None], n, axis=1)            # D from K, DEA from DIF
    tmp = np.empty((8, n))
    # Per-step views made once (a slice costs about as much as a small ufunc call).
    rows, k_dif, d_dea = list(w), list(w[:, _K:_DIF + 1]), list(w[:, _D:])
    ef, es, dif = list(w[:, _EF]), list(w[:, _ES]), list(w[:, _DIF])
    for r0 in range(0, t + 1, TILE):                       # state rows r0+1 .. r0+TILE
        m = min(TILE, t + 1 - r0)
        hi1 = min(m, t - r0)                               # rows with a stage-1 step (r <= t)
        for row, x in enumerate(inputs):                   # a·x of the stage-1 rows (steps r-1)
            np.multiply(x[r0:r0 + hi1], alpha[row], out=w[1:1 + hi1, row])
        if hi1 < m:
            w[m, :_D] = np.nan                             # row t+1 has no stage-1 step
        for i in range(1, m + 1):
            r = r0 + i
            cur, prev = rows[i], rows[i - 1]
            np.multiply(k_dif[i - 1], a2, out=d_dea[i])    # a·x of D and DEA (their step r-2)
            np.multiply(prev, b, out=tmp)
            cur += tmp
            for row in starts.get(r - 1, ()):              # a stage-1 recursion's first step
                if row == _K:                              # seeded: a·x + b·50
                    cur[row] = inputs[row][r - 1] * alpha[row] + b_seed[row]
                elif row < _K:                             # y = x
                    cur[row] = inputs[row][r - 1]
            np.subtract(ef[i], es[i], out=dif[i])
            for row in starts.get(r - 2, ()):              # D's and DEA's first step
                if row == _D:
                    cur[row] = prev[_K] * alpha[_D] + b_seed[_D]
                elif row == _DEA:
                    cur[row] = prev[_DIF]
        for row, out in out1.items():
            out[r0:r0 + hi1] = w[1:1 + hi1, row]
        lo2 = 2 if r0 == 0 else 1                          # rows with a stage-2 step (r >= 2)
        for row, out in out2.items():
            out[r0 + lo2 - 2:r0 + m - 1] = w[lo2:m + 1, row]
        w[0] = w[m]
    return out1[_DIF], out2[_DEA], out1[_K], out2[_D], out1[_GAIN], out1[_MOVE]


def separate(h, l, c, macd=(12, 26, 9), rsi: int = 14, kdj=(9, 3, 3)):
    """The same three indicators from the separate kernels (seven loops over time)."""
    return _k_macd(c, *macd), _k_rsi(c, rsi), _k_kdj(h, l, c, *kdj)


def macd_rsi_kdj(h, l, c, macd=(12, 26, 9), rsi: int = 14, kdj=(9, 3, 3)):
    """:func:`fuse` where it applies, else :func:`separate` (always the same numbers)."""
    out = fuse(h, l, c, macd, rsi, kdj)
    return out if out is not None else separate(h, l, c, macd, rsi, kdj)

