"""The numeric kernels of the formula functions, on TIME-MAJOR packed arrays.

Every series is a float64 array ``(t, n)``: column i is stock i's bars left-aligned (its first
bar in row 0, NaN after its last bar; see ``core/indicators.PackedRows``), so suspensions are
skipped and a column equals the stock computed alone. A constant is a Python float. A condition
is 1.0 / 0.0, and NaN where it is undefined (warm-up): NaN never selects a stock.

Rules shared by all kernels (docs/FORMULAS.md): a window holding a NaN gives NaN (通达信's warm-up:
MA(MA(C,5),5) starts on bar 9); recursions (EMA/SMA/DMA) start at their input's first valid value
and skip a bar whose input is NaN; comparisons use ``core/price_compare`` (exact ties are ties).
Kernels never write into their inputs (inputs may be shared common subexpressions).
"""
from __future__ import annotations

import math

import numpy as np

from .. import price_compare as pc
from ..indicators import _k_movsum, _k_recur, _k_rollext, _k_shift, _k_sma, _k_std

NAN = float("nan")


class Frame:
    """The shape of one evaluation: ``t`` rows (bars), ``n`` columns (stocks), and each
    column's number of bars (``length``, for CONST)."""

    def __init__(self, t: int, n: int, length: np.ndarray):
        self.t, self.n = t, n
        self.length = np.asarray(length, dtype=np.int64)
        self.rows = np.arange(t, dtype=float)[:, None]

    def full(self, x) -> np.ndarray:
        if isinstance(x, np.ndarray):
            return x
        return np.full((self.t, self.n), float(x))

    def nan(self) -> np.ndarray:
        return np.full((self.t, self.n), NAN)


def _isnan(x) -> np.ndarray | bool:
    return np.isnan(x) if isinstance(x, np.ndarray) else math.isnan(x)


def cond(mask, invalid) -> np.ndarray:
    """A condition series: 1.0 where ``mask``, 0.0 elsewhere, NaN where ``invalid``."""
    if np.ndim(invalid) == 0:
        out = np.array(mask, dtype=float)
        if invalid:
            out[...] = NAN
        return out
    return np.where(invalid, NAN, mask)


def truth(x) -> tuple[np.ndarray, np.ndarray]:
    """(true, invalid) of a value used as a condition: non-zero is true, NaN is invalid."""
    x = np.asarray(x, dtype=float)
    return (x != 0) & ~np.isnan(x), np.isnan(x)


def first_index(x: np.ndarray) -> np.ndarray:
    """Row of each column's first valid value (t where it has none)."""
    fin = ~np.isnan(x)
    idx = np.argmax(fin, axis=0)
    idx[~fin.any(axis=0)] = x.shape[0]
    return idx


def _ref_value(x: np.ndarray) -> np.ndarray:
    """Each column's first valid value (0 where none): the reference of window sums."""
    idx = first_index(x)
    ref = x[np.minimum(idx, x.shape[0] - 1), np.arange(x.shape[1])]
    return np.where(idx < x.shape[0], ref, 0.0)[None, :]


def _has_inner_nan(x: np.ndarray) -> bool:
    """A NaN between a column's first and last valid values (a gap the recursion must skip)."""
    fin = ~np.isnan(x)
    first = np.argmax(fin, axis=0)
    last = x.shape[0] - 1 - np.argmax(fin[::-1], axis=0)
    has = fin.any(axis=0)
    return bool(((fin.sum(axis=0) < last - first + 1) & has).any())


# ------------------------------------------------------------------ arithmetic and logic
def divide(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(a, b)
    if isinstance(out, np.ndarray):
        out[np.asarray(b == 0) & np.ones(out.shape, dtype=bool)] = NAN   # X/0 is undefined, not inf
        return out
    return NAN if b == 0 else float(out)


def compare(op: str, a, b) -> np.ndarray:
    """A comparison; a constant side stays a scalar (price_compare's fast path)."""
    invalid = _isnan(a) | _isnan(b)
    if op in ("<>", "!="):
        return cond(~pc.eq(a, b), invalid)
    return cond(pc.compare(a, "==" if op in ("=", "==") else op, b), invalid)


def logic(op: str, a, b) -> np.ndarray:
    ta, ia = truth(a)
    tb, ib = truth(b)
    return cond((ta & tb) if op == "AND" else (ta | tb), ia | ib)


def logic_of_conditions(op: str, a, b) -> np.ndarray:
    """AND/OR of two conditions (1/0/NaN) in one pass: a·b and max(a, b) propagate NaN, as
    :func:`logic` does."""
    return np.multiply(a, b) if op == "AND" else np.maximum(a, b)


def negate(a) -> np.ndarray:
    ta, ia = truth(a)
    return cond(~ta, ia)


# ------------------------------------------------------------------ moving windows
def ma(f: Frame, x, n: int):
    x = f.full(x)
    if n > f.t:
        return f.nan()
    return _k_sma(x, n, _ref_value(x))


def wma(f: Frame, x, n: int):
    """Y = (N·X + (N−1)·REF(X,1) + … + 1·REF(X,N−1)) / (N(N+1)/2)."""
    x = f.full(x)
    if n > f.t:
        return f.nan()
    acc = x * float(n)
    for k in range(1, n):
        acc += _k_shift(x, k) * float(n - k)
    acc /= n * (n + 1) / 2.0
    return acc


def recursion(f: Frame, x, alpha):
    """Y = α·X + (1−α)·Y', from X's first valid value (Y = X there); a bar whose X (or α) is NaN
    gives NaN and leaves Y' as it was."""
    x = f.full(x)
    if not isinstance(alpha, np.ndarray) and not _has_inner_nan(x):
        return _k_recur(x, float(alpha))          # core's kernel (same arithmetic, faster)
    a = f.full(alpha)
    out = np.full(x.shape, NAN)
    prev = np.full(x.shape[1], NAN)
    for j in range(x.shape[0]):
        xj, aj = x[j], a[j]
        cur = xj * aj
        cur += prev * (1.0 - aj)
        skip = np.isnan(xj) | np.isnan(aj)
        start = np.isnan(prev) & ~skip
        cur[start] = xj[start]
        cur[skip] = NAN
        out[j] = cur
        prev = np.where(skip, prev, cur)
    return out


def shift(f: Frame, x, n):
    """REF(X,N): N constant (≥ 0) or a series (NaN/negative N gives NaN, never a later bar)."""
    x = f.full(x)
    if not isinstance(n, np.ndarray):
        return _k_shift(x, int(n)) if n < f.t else f.nan()
    bad = np.isnan(n) | (n < 0)
    src = f.rows - np.where(bad, 0, np.floor(n))
    bad |= src < 0
    out = x[np.clip(src, 0, None).astype(np.int64), np.arange(f.n)[None, :]]
    out[bad] = NAN
    return out


def _since_first_window(f: Frame, x, n) -> np.ndarray:
    """Window lengths of a dynamic N (float array): N=0 means since X's first valid bar."""
    m = np.floor(n)
    m = np.where(m == 0, f.rows - first_index(x)[None, :] + 1, m)
    return m


def extreme(f: Frame, x, n, is_max: bool):
    """HHV/LLV(X,N): N ≥ 1 a window, N = 0 since the first valid bar, or a series."""
    x = f.full(x)
    fn = np.maximum if is_max else np.minimum
    if isinstance(n, np.ndarray):
        return _dynamic_extreme(f, x, n, fn)
    if n == 0:
        out = (np.fmax if is_max else np.fmin).accumulate(x, axis=0)
        out[np.isnan(x)] = NAN
        return out
    if n > f.t:
        return f.nan()
    return _k_rollext(x, int(n), fn)


def _dynamic_extreme(f: Frame, x, n, fn):
    """Window max/min of a per-bar length: a sparse table (O(t log t)), two lookups per bar."""
    m = _since_first_window(f, x, n)
    bad = np.isnan(m) | (m < 1) | (m > f.rows + 1)
    m = np.where(bad, 1, m).astype(np.int64)
    levels = [x]
    w = 1
    while 2 * w <= f.t:
        prev = levels[-1]
        nxt = np.full(x.shape, NAN)
        fn(prev[w:], prev[:-w], out=nxt[w:])
        levels.append(nxt)
        w *= 2
    table = np.stack(levels)
    k = np.floor(np.log2(m)).astype(np.int64)
    rows = np.arange(f.t)[:, None]
    cols = np.arange(f.n)[None, :]
    a = table[k, rows, cols]
    b = table[k, rows - m + (1 << k), cols]
    out = fn(a, b)
    out[bad] = NAN
    return out


def total(f: Frame, x, n):
    """SUM(X,N): N ≥ 1 a window, N = 0 since the first valid bar, or a series."""
    x = f.full(x)
    if isinstance(n, np.ndarray):
        m = _since_first_window(f, x, n)
        bad = np.isnan(m) | (m < 1) | (m > f.rows + 1)
        m = np.where(bad, 1, m).astype(np.int64)
        zero = np.zeros((1, f.n))
        cs = np.concatenate([zero, np.cumsum(np.where(np.isnan(x), 0.0, x), axis=0)])
        holes = np.concatenate([zero, np.cumsum(np.isnan(x), axis=0, dtype=float)])
        rows = np.arange(f.t)[:, None] + 1
        cols = np.arange(f.n)[None, :]
        out = cs[rows, cols] - cs[rows - m, cols]
        out[bad | (holes[rows, cols] != holes[rows - m, cols])] = NAN
        return out
    if n == 0:
        out = np.cumsum(np.where(np.isnan(x), 0.0, x), axis=0)
        out[np.isnan(x)] = NAN
        return out
    if n > f.t:
        return f.nan()
    return _k_movsum(x, int(n))


def count(f: Frame, x, n):
    t, inv = truth(f.full(x))
    return total(f, cond(t, inv), n)


def every(f: Frame, x, n: int):
    c = count(f, x, n)
    return cond(c == n, np.isnan(c))


def exist(f: Frame, x, n: int):
    c = count(f, x, n)
    return cond(c > 0, np.isnan(c))


def extreme_bars(f: Frame, x, n: int, is_max: bool):
    """HHVBARS/LLVBARS: bars since the window's highest/lowest (the most recent one on a tie)."""
    x = f.full(x)
    better = np.greater if is_max else np.less
    if n == 0:
        out = np.full(x.shape, NAN)
        best = np.full(f.n, NAN)
        at = np.zeros(f.n)
        for j in range(f.t):
            xj = x[j]
            ok = ~np.isnan(xj)
            take = ok & (np.isnan(best) | ~better(best, xj))     # ties: the newer bar
            best = np.where(take, xj, best)
            at = np.where(take, j, at)
            out[j] = np.where(ok, j - at, NAN)
        return out
    if n > f.t:
        return f.nan()
    best = x.copy()
    off = np.zeros(x.shape)
    invalid = np.isnan(x)
    for k in range(1, n):
        xs = _k_shift(x, k)
        invalid |= np.isnan(xs)
        b = better(xs, best)
        best = np.where(b, xs, best)
        off[b] = k
    off[invalid] = NAN
    return off


def std(f: Frame, x, n: int, ddof: int):
    x = f.full(x)
    if n > f.t:
        return f.nan()
    return _k_std(x, n, ddof, _ref_value(x))


def variance(f: Frame, x, n: int, ddof: int):
    s = std(f, x, n, ddof)
    return s * s


def avedev(f: Frame, x, n: int):
    """Mean absolute deviation from the window's mean, summed in a fixed order."""
    x = f.full(x)
    m = ma(f, x, n)
    acc = np.abs(x - m)
    for k in range(1, min(n, f.t)):
        acc += np.abs(_k_shift(x, k) - m)
    acc /= n
    return acc


def _regression(f: Frame, x, n: int):
    """(slope, intercept) of the least-squares line through the window (x = 0 … N−1, oldest first)."""
    x = f.full(x)
    sx = np.zeros(x.shape)
    sxy = np.zeros(x.shape)
    for k in range(n):
        xk = _k_shift(x, n - 1 - k) if n - 1 - k < f.t else f.nan()
        sx += xk
        sxy += xk * float(k)
    si = n * (n - 1) / 2.0
    sii = (n - 1) * n * (2 * n - 1) / 6.0
    slope = (n * sxy - si * sx) / (n * sii - si * si)
    return slope, (sx - slope * si) / n


def slope(f: Frame, x, n: int):
    return _regression(f, x, n)[0]


def forecast(f: Frame, x, n: int):
    s, b = _regression(f, x, n)
    return b + s * (n - 1)


# ------------------------------------------------------------------ bars and events
def barslast(f: Frame, x):
    t, inv = truth(f.full(x))
    last = np.maximum.accumulate(np.where(t, f.rows, -1.0), axis=0)
    out = f.rows - last
    out[(last < 0) | inv] = NAN
    return out


def barslastcount(f: Frame, x):
    t, inv = truth(f.full(x))
    c = np.cumsum(t, axis=0, dtype=float)
    out = c - np.maximum.accumulate(np.where(t, 0.0, c), axis=0)
    out[inv] = NAN
    return out


def barscount(f: Frame, x):
    """Bars from X's first valid bar to this one, both included (BARSCOUNT(C) = bars since listing)."""
    x = f.full(x)
    out = f.rows - first_index(x)[None, :] + 1.0
    out[out < 1] = NAN
    return out


def cross(f: Frame, a, b):
    a, b = f.full(a), f.full(b)
    a1, b1 = _k_shift(a, 1), _k_shift(b, 1)
    invalid = np.isnan(a) | np.isnan(b) | np.isnan(a1) | np.isnan(b1)
    return cond(pc.gt(a, b) & pc.le(a1, b1), invalid)


def longcross(f: Frame, a, b, n: int):
    """A crosses above B today, and A < B on each of the N bars before."""
    a, b = f.full(a), f.full(b)
    below = _k_shift(compare("<", a, b), 1)
    c = total(f, below, n)
    return cond(pc.gt(a, b) & (c == n), np.isnan(a) | np.isnan(b) | np.isnan(c))


def filter_(f: Frame, x, n: int):
    """FILTER(X,N): a true X, then the next N bars forced to 0."""
    t, inv = truth(f.full(x))
    out = np.zeros(t.shape)
    block = np.zeros(f.n)
    for j in range(f.t):
        fire = t[j] & (block <= 0)
        out[j] = fire
        block = np.where(fire, float(n), block - 1)
    out[inv] = NAN
    return out


def const(f: Frame, x):
    """CONST(X): each stock's value of X on its last bar, on every bar."""
    if not isinstance(x, np.ndarray):
        return x
    last = np.clip(f.length - 1, 0, None)
    v = x[last, np.arange(f.n)]
    v = np.where(f.length > 0, v, NAN)
    return np.repeat(v[None, :], f.t, axis=0)


# ------------------------------------------------------------------ choice and maths
def if_(f: Frame, c, a, b):
    t, inv = truth(f.full(c))
    out = np.where(t, a, b).astype(float)
    out[inv] = NAN
    return out


def between(f: Frame, a, b, c):
    a, b, c = f.full(a), f.full(b), f.full(c)
    inside = (pc.ge(a, b) & pc.le(a, c)) | (pc.ge(a, c) & pc.le(a, b))
    return cond(inside, np.isnan(a) | np.isnan(b) | np.isnan(c))


def range_(f: Frame, a, b, c):
    a, b, c = f.full(a), f.full(b), f.full(c)
    return cond(pc.gt(a, b) & pc.lt(a, c), np.isnan(a) | np.isnan(b) | np.isnan(c))


def _finite(out):
    """inf (overflow, log 0) is undefined: NaN."""
    if isinstance(out, np.ndarray):
        out[np.isinf(out)] = NAN
        return out
    return out if math.isfinite(out) else NAN


def maths(name: str, *args):
    with np.errstate(all="ignore"):
        if name == "ABS":
            return np.abs(args[0])
        if name == "SQRT":
            return _finite(np.sqrt(args[0]))
        if name == "LN":
            return _finite(np.log(args[0]))
        if name == "LOG":
            return _finite(np.log10(args[0]))
        if name == "EXP":
            return _finite(np.exp(args[0]))
        if name == "POW":
            return _finite(np.power(args[0], args[1]))
        if name == "ROUND":                                   # half away from zero, as 通达信
            return np.sign(args[0]) * np.floor(np.abs(args[0]) + 0.5)
        if name == "INTPART":
            return np.trunc(args[0])
        if name == "MOD":                                     # the sign of the dividend
            return np.where(np.asarray(args[1]) == 0, NAN, np.fmod(args[0], args[1]))
        if name == "MAX":
            return np.maximum(args[0], args[1])
        if name == "MIN":
            return np.minimum(args[0], args[1])
    raise KeyError(name)
