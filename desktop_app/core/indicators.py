"""Technical indicators over numpy arrays, in the conventions of 通达信/同花顺 (docs/INDICATORS.md).

Every function takes arrays with **time on the last axis**: 1-D (one stock) or 2-D (one row per
stock, a panel field). A 2-D call gives, row by row, exactly what the 1-D call gives for that row.

**Gaps.** NaN input positions (a suspended day inside a panel, days before listing) are *skipped*:
windows and recursions run over the row's valid bars only, and the output at a NaN position is NaN.
So a stock's row in a panel with gaps equals the same stock computed on its own gap-free series.
A bar is valid for a function when all of its inputs are finite there.

How: each row's valid bars are left-aligned ("packed", :class:`PackedRows`), the kernel runs on the
packed arrays transposed to time-major (t, n) so each time step is one contiguous vector over all
stocks, and results are scattered back. ``assume_packed=True`` skips the packing for callers
whose rows already are a valid prefix followed by NaN.

Panels: :func:`packed_panel` keeps one :class:`PackedPanel` (packed fields + indicator cache) on a
panel object, shared by scoring and the strategy presets; :class:`WindowView` evaluates windowed
indicators on a short window ending at one date. Moving sums are built in a fixed order from the
window's own values (``_k_movsum``), so a value is bit-identical whether computed on the full
series or on a window of it.

Warm-up: window functions give NaN until a full window of valid bars exists; EMA-type recursions
are seeded with the first value (like 通达信) and have no NaN warm-up except where stated.
"""
from __future__ import annotations

from typing import Callable

import math

import numpy as np

__all__ = [
    "PackedRows", "shift", "sma", "ema", "tdx_sma", "stdev", "macd", "rsi", "kdj", "boll", "atr",
    "true_range", "obv", "roc", "highest", "lowest", "volume_ratio", "cci", "wr", "bias",
]


# --------------------------------------------------------------------------- gap handling
class PackedRows:
    """Left-aligns each row's valid bars: ``pack`` -> kernels -> ``unpack``.

    ``mask`` (n, t) marks valid bars. After ``pack`` a row holds its valid values in columns
    ``0 .. length-1`` (original order) and NaN after them. (Boolean indexing walks rows in order,
    so ``packed[packed_mask] = a[mask]`` moves every valid value to its packed place.)
    """

    def __init__(self, mask: np.ndarray):
        mask = np.asarray(mask, dtype=bool)
        self.mask = mask
        self.length = mask.sum(axis=1)
        self.packed_mask = np.arange(mask.shape[1])[None, :] < self.length[:, None]
        # "trivial": every row already is a valid prefix followed by invalid bars.
        self.trivial = bool(np.array_equal(mask, self.packed_mask))

    def pack(self, a: np.ndarray) -> np.ndarray:
        a = np.asarray(a, dtype=float)
        if self.trivial:
            return np.where(self.mask, a, np.nan)
        out = np.full(a.shape, np.nan)
        out[self.packed_mask] = a[self.mask]
        return out

    def unpack(self, r: np.ndarray, fill=np.nan) -> np.ndarray:
        r = np.asarray(r)
        if self.trivial:
            return np.where(self.mask, r, fill)
        out = np.full(r.shape, fill, dtype=np.result_type(r.dtype, np.asarray(fill).dtype))
        out[self.mask] = r[self.packed_mask]
        return out

    def position(self, col: int) -> np.ndarray:
        """Packed index of original column ``col`` per row, or -1 where the row has no bar there."""
        col = col % self.mask.shape[1]
        pos = self.mask[:, : col + 1].sum(axis=1) - 1
        pos[~self.mask[:, col]] = -1
        return pos

    def count_until(self, col: int) -> np.ndarray:
        """Valid bars per row in columns 0..col."""
        col = col % self.mask.shape[1]
        return self.mask[:, : col + 1].sum(axis=1)


def _to2d(a) -> tuple[np.ndarray, bool]:
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return a[None, :], True
    if a.ndim != 2:
        raise ValueError(f"expected a 1-D or 2-D array, got shape {a.shape}")
    return a, False


def _apply(kernel: Callable, arrays: tuple, assume_packed: bool = False):
    """Run ``kernel`` over packed copies of ``arrays`` and scatter the result(s) back."""
    conv = [_to2d(a) for a in arrays]
    arrs = [c[0] for c in conv]
    one_d = conv[0][1]
    shape = arrs[0].shape
    for a in arrs[1:]:
        if a.shape != shape:
            raise ValueError(f"input shapes differ: {a.shape} vs {shape}")
    # Kernels run time-major (t, n): time steps are contiguous rows, so cumulative sums, shifts
    # and recursions are vectorised over stocks.
    if assume_packed:
        res = kernel(*[np.ascontiguousarray(a.T) for a in arrs])
        res = tuple(r.T for r in res) if isinstance(res, tuple) else res.T
    else:
        mask = np.ones(shape, dtype=bool)
        for a in arrs:
            mask &= np.isfinite(a)
        pk = PackedRows(mask)
        res = kernel(*[np.ascontiguousarray(pk.pack(a).T) for a in arrs])
        res = tuple(pk.unpack(r.T) for r in res) if isinstance(res, tuple) else pk.unpack(res.T)
    if one_d:
        res = tuple(r[0] for r in res) if isinstance(res, tuple) else res[0]
    return res


# --------------------------------------------------------------------------- kernels
# Kernels take TIME-MAJOR packed arrays (t, n): column r is stock r's valid bars from row 0 on,
# NaN after its last bar. Window kernels need no NaN before a column's first value.
def _k_shift(x: np.ndarray, k: int) -> np.ndarray:
    if k == 0:
        return x.copy()
    out = np.empty_like(x)
    out[:k] = np.nan
    if k < x.shape[0]:
        out[k:] = x[:-k]
    return out


def _k_winsum(d: np.ndarray, n: int) -> np.ndarray:
    """Sum over the trailing window of n (NaN for the first n-1 steps)."""
    cs = np.cumsum(d, axis=0)
    if n < d.shape[0]:
        s = np.empty_like(cs)
        np.subtract(cs[n:], cs[:-n], out=s[n:])
        s[:n] = cs[:n]
    else:
        s = cs
    s[: n - 1] = np.nan
    return s


def _k_movsum(d: np.ndarray, n: int) -> np.ndarray:
    """Sum over the trailing window of n, built from doubling partial sums in a fixed order, so
    the value at t depends on d[t-n+1..t] only (the same wherever it is computed: a full series
    or a short window of it). O(t log n); NaN where the window is incomplete or holds a NaN."""
    res, off, cur, w = None, 0, d, 1
    while True:
        if n & w:
            if res is None:
                res, off = cur.copy(), w
            else:
                res[off:] += cur[:-off] if off < len(cur) else 0.0
                res[:off] = np.nan
                off += w
        if 2 * w > n:
            break
        nxt = np.empty_like(cur)
        nxt[:w] = np.nan
        np.add(cur[w:], cur[:-w], out=nxt[w:])
        cur, w = nxt, 2 * w
    res[: n - 1] = np.nan
    return res


def _k_sma(x: np.ndarray, n: int, ref: np.ndarray | None = None) -> np.ndarray:
    # Sums of deviations from a per-stock reference (the stock's first value): exact on a flat
    # series, and window-local (see _k_movsum) given the same reference.
    ref = x[:1] if ref is None else ref
    s = _k_movsum(x - ref, n)
    s /= n
    s += ref
    return s


def _k_std(x: np.ndarray, n: int, ddof: int, ref: np.ndarray | None = None) -> np.ndarray:
    ref = x[:1] if ref is None else ref
    d = x - ref
    s1 = _k_movsum(d, n)
    np.multiply(d, d, out=d)
    var = _k_movsum(d, n)
    s1 *= s1
    s1 /= n
    var -= s1
    var /= (n - ddof)
    np.maximum(var, 0.0, out=var)
    # A window of identical values has no spread: exactly 0. (With deviations taken from a first
    # value far from the window, sum(d²) − sum(d)²/n leaves rounding residue that the square root
    # magnifies to ~1e-6 yuan, and BOLL's bands would not meet the close on a flat window.)
    # Flat = no change between consecutive values of the window (an exact count, window-local).
    if n > 1:
        changed = np.empty(x.shape)
        changed[0] = 1.0
        np.not_equal(x[1:], x[:-1], out=changed[1:])
        var[_k_winsum(changed, n - 1) == 0] = 0.0
    return np.sqrt(var, out=var)


def _k_rollext(x: np.ndarray, n: int, fn) -> np.ndarray:
    """Rolling max/min over n bars in O(t log n) (doubling windows). NaN for the first n-1."""
    cur, w = x, 1
    spare = None
    while 2 * w <= n:
        nxt = spare if spare is not None else np.empty_like(x)
        nxt[:w] = np.nan
        fn(cur[w:], cur[:-w], out=nxt[w:])
        spare = cur if cur is not x else None
        cur, w = nxt, 2 * w
    if w < n:
        res = spare if spare is not None else np.empty_like(x)
        k = n - w
        res[:k] = np.nan
        fn(cur[k:], cur[:-k], out=res[k:])
    else:
        res = cur.copy() if cur is x else cur
    res[: n - 1] = np.nan
    return res


def _k_recur(x: np.ndarray, alpha: float, seed: float | None = None) -> np.ndarray:
    """y_t = alpha*x_t + (1-alpha)*y_{t-1}; starts at a stock's first finite x with y = x
    (``seed`` None) or y = alpha*x + (1-alpha)*seed. Loops over time, vectorised over stocks."""
    t, n = x.shape
    b = 1.0 - alpha
    if n == 1:
        return _k_recur_one(x, alpha, seed)
    fin = np.isfinite(x)
    has = fin.any(axis=0)
    starts = np.unique(np.argmax(fin, axis=0)[has])
    if len(starts) > 1:
        return _k_recur_general(x, alpha, seed)
    out = np.full((t, n), np.nan)
    if len(starts) == 0:
        return out
    j0 = int(starts[0])
    out[j0] = x[j0] if seed is None else alpha * x[j0] + b * seed
    tmp = np.empty(n)
    for j in range(j0 + 1, t):
        cur = out[j]
        np.multiply(x[j], alpha, out=cur)
        np.multiply(out[j - 1], b, out=tmp)
        cur += tmp
    return out


def _k_recur_one(x: np.ndarray, alpha: float, seed: float | None) -> np.ndarray:
    """_k_recur for a single stock (the chart's case): the same IEEE arithmetic in the same order
    on Python floats, ~50x faster than one numpy call per step on a 1-element row."""
    b = 1.0 - alpha
    xs = x[:, 0].tolist()
    out = [math.nan] * len(xs)
    prev = math.nan
    started = False
    for j, v in enumerate(xs):
        if not started:  # the recursion starts at the first finite value
            if v == v:
                started = True
                prev = v if seed is None else alpha * v + b * seed
                out[j] = prev
            continue
        prev = alpha * v + b * prev  # a NaN after the start propagates, as in the 2-D loop
        out[j] = prev
    return np.array(out, dtype=float).reshape(-1, 1)


def _k_recur_general(x: np.ndarray, alpha: float, seed: float | None) -> np.ndarray:
    """_k_recur for stocks that start at different steps (same arithmetic, slower)."""
    t, n = x.shape
    out = np.empty_like(x)
    prev = np.full(n, np.nan)
    b = 1.0 - alpha
    for j in range(t):
        xt = x[j]
        cur = alpha * xt + b * prev
        miss = np.isnan(cur)
        if miss.any():
            start = xt if seed is None else alpha * xt + b * seed
            cur = np.where(miss, start, cur)
        out[j] = cur
        prev = cur
    return out


def _k_tr(h, l, c):
    pc = _k_shift(c, 1)
    # First bar (no previous close): TR = high - low. fmax ignores the NaN previous close.
    a = np.abs(h - pc)
    b = np.subtract(l, pc, out=pc)
    np.abs(b, out=b)
    np.fmax(a, b, out=a)
    np.subtract(h, l, out=b)
    return np.fmax(b, a, out=a)


def _k_macd(c, fast, slow, signal):
    dif = _k_recur(c, 2.0 / (fast + 1))
    dif -= _k_recur(c, 2.0 / (slow + 1))
    dea = _k_recur(dif, 2.0 / (signal + 1))
    hist = np.subtract(dif, dea)
    hist *= 2.0
    return dif, dea, hist


def _k_rsi_moves(c):
    """RSI's two inputs: the gain MAX(C-LC,0) and the move ABS(C-LC) (NaN on bar 0)."""
    d = c - _k_shift(c, 1)
    return np.maximum(d, 0.0), np.abs(d, out=d)


def _k_rsi_ratio(up, down, n):
    """RSI from the smoothed gain and move (``up`` is overwritten)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.divide(up, down, out=up)
        r *= 100.0
    r[down == 0] = 50.0          # no movement at all (gains are 0 too)
    r[:n] = np.nan
    return r


def _k_rsi(c, n):
    gain, move = _k_rsi_moves(c)
    return _k_rsi_ratio(_k_recur(gain, 1.0 / n), _k_recur(move, 1.0 / n), n)


def _k_rsv(h, l, c, n):
    """KDJ's raw stochastic value: (C − LLV(L,n)) / (HHV(H,n) − LLV(L,n)) × 100, 50 on no range."""
    hh = _k_rollext(h, n, np.maximum)
    ll = _k_rollext(l, n, np.minimum)
    rng = np.subtract(hh, ll, out=hh)
    with np.errstate(invalid="ignore", divide="ignore"):
        rsv = np.subtract(c, ll, out=ll)
        rsv /= rng
        rsv *= 100.0
    rsv[rng == 0] = 50.0         # no range in the window
    return rsv


def _k_kdj(h, l, c, n, m1, m2):
    k = _k_recur(_k_rsv(h, l, c, n), 1.0 / m1, seed=50.0)
    d = _k_recur(k, 1.0 / m2, seed=50.0)
    return k, d, 3.0 * k - 2.0 * d


# --------------------------------------------------------------------------- public functions
def shift(x, k: int = 1, *, assume_packed: bool = False):
    """The value ``k`` valid bars earlier (通达信 REF(X,k)); NaN for the first k bars."""
    return _apply(lambda a: _k_shift(a, k), (x,), assume_packed)


def sma(x, n: int, *, assume_packed: bool = False):
    """Simple moving average (通达信 MA(X,N)): mean of the last n valid values; NaN for n-1 bars."""
    return _apply(lambda a: _k_sma(a, n), (x,), assume_packed)


def ema(x, n: int, *, assume_packed: bool = False):
    """Exponential moving average (通达信 EMA(X,N)): alpha = 2/(n+1), seeded with the first value
    (y0 = x0), so no NaN warm-up; converges to the "infinite history" value after ~3n bars."""
    return _apply(lambda a: _k_recur(a, 2.0 / (n + 1)), (x,), assume_packed)


def tdx_sma(x, n: int, m: int = 1, *, assume_packed: bool = False):
    """通达信 SMA(X,N,M): y = (M*x + (N-M)*y') / N, seeded with the first value. SMA(X,N,1) is
    Wilder's smoothing (alpha = 1/N)."""
    if not 0 < m <= n:
        raise ValueError(f"tdx_sma needs 0 < m <= n, got n={n}, m={m}")
    return _apply(lambda a: _k_recur(a, m / n), (x,), assume_packed)


def stdev(x, n: int, ddof: int = 1, *, assume_packed: bool = False):
    """Rolling standard deviation over n valid bars; ddof=1 is 通达信 STD (sample)."""
    return _apply(lambda a: _k_std(a, n, ddof), (x,), assume_packed)


def macd(close, fast: int = 12, slow: int = 26, signal: int = 9, *, assume_packed: bool = False):
    """(DIF, DEA, MACD): DIF = EMA(C,fast) - EMA(C,slow), DEA = EMA(DIF,signal),
    MACD = 2 × (DIF − DEA) (the Chinese-software bar; Western "histogram" is half of it)."""
    return _apply(lambda c: _k_macd(c, fast, slow, signal), (close,), assume_packed)


def rsi(close, n: int = 14, *, assume_packed: bool = False):
    """Wilder RSI as 通达信: SMA(MAX(C-LC,0),N,1) / SMA(ABS(C-LC),N,1) × 100.

    The recursions start at the first price change (bar 1, seeded with that change) exactly as
    通达信 does; the first n bars are reported as NaN (warm-up). No movement at all -> 50."""
    return _apply(lambda c: _k_rsi(c, n), (close,), assume_packed)


def kdj(high, low, close, n: int = 9, m1: int = 3, m2: int = 3, *, assume_packed: bool = False):
    """(K, D, J). RSV = (C − LLV(L,n)) / (HHV(H,n) − LLV(L,n)) × 100 (50 when the range is 0),
    defined from bar n-1; K = SMA(RSV,m1,1), D = SMA(K,m2,1), both seeded at 50 (the previous K/D
    before the first RSV is taken as 50); J = 3K − 2D. NaN for the first n-1 bars."""
    return _apply(lambda h, l, c: _k_kdj(h, l, c, n, m1, m2), (high, low, close), assume_packed)


def boll(close, n: int = 20, k: float = 2.0, ddof: int = 1, *, assume_packed: bool = False):
    """(mid, upper, lower): MID = MA(C,n), bands MID ± k × STD(C,n). ``ddof=1`` (sample standard
    deviation) follows 通达信's STD; TA-Lib/InStock use ddof=0 (bands ~2.6% narrower at n=20)."""
    def kern(c):
        mid = _k_sma(c, n)
        sd = _k_std(c, n, ddof)
        return mid, mid + k * sd, mid - k * sd
    return _apply(kern, (close,), assume_packed)


def true_range(high, low, close, *, assume_packed: bool = False):
    """TR = max(H−L, |H−LC|, |L−LC|); on the first bar (no LC) TR = H−L."""
    return _apply(_k_tr, (high, low, close), assume_packed)


def atr(high, low, close, n: int = 14, *, assume_packed: bool = False):
    """Average true range as 通达信 ATR: MA(TR, n) (simple mean, not Wilder); NaN for n-1 bars."""
    return _apply(lambda h, l, c: _k_sma(_k_tr(h, l, c), n), (high, low, close), assume_packed)


def obv(close, volume, *, assume_packed: bool = False):
    """On-balance volume: running sum of +V (up day), −V (down day), 0 (unchanged); 0 on bar 0."""
    def kern(c, v):
        s = np.sign(c - _k_shift(c, 1))
        s[0] = 0.0
        return np.cumsum(s * v, axis=0)
    return _apply(kern, (close, volume), assume_packed)


def roc(close, n: int = 12, *, assume_packed: bool = False):
    """Rate of change in percent: (C / REF(C,n) − 1) × 100; NaN for the first n bars."""
    def kern(c):
        with np.errstate(invalid="ignore", divide="ignore"):
            return (c / _k_shift(c, n) - 1.0) * 100.0
    return _apply(kern, (close,), assume_packed)


def highest(x, n: int, *, assume_packed: bool = False):
    """HHV(X,n): highest of the last n valid values (today included); NaN for n-1 bars."""
    return _apply(lambda a: _k_rollext(a, n, np.maximum), (x,), assume_packed)


def lowest(x, n: int, *, assume_packed: bool = False):
    """LLV(X,n): lowest of the last n valid values (today included); NaN for n-1 bars."""
    return _apply(lambda a: _k_rollext(a, n, np.minimum), (x,), assume_packed)


def volume_ratio(volume, n: int = 5, *, assume_packed: bool = False):
    """Today's volume / mean volume of the previous n bars (V / REF(MA(V,n),1), the daily 量比).
    NaN for the first n bars and where that mean is 0."""
    def kern(v):
        prev = _k_shift(_k_sma(v, n), 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(prev > 0, v / prev, np.nan)
    return _apply(kern, (volume,), assume_packed)


def cci(high, low, close, n: int = 14, *, assume_packed: bool = False):
    """CCI: (TP − MA(TP,n)) / (0.015 × AVEDEV(TP,n)), TP = (H+L+C)/3; AVEDEV is the mean absolute
    deviation from the window mean. 0 where AVEDEV is 0. NaN for n-1 bars.

    AVEDEV is summed element-wise in a fixed order (oldest bar of the window first), not with a
    numpy reduction, whose summation order depends on the memory layout (one stock vs a panel):
    so a panel row is bit-identical to the stock computed alone."""
    def kern(h, l, c):
        tp = (h + l + c) / 3.0
        ma = _k_sma(tp, n)
        out = np.full_like(tp, np.nan)
        t = tp.shape[0]
        if t >= n:
            m = ma[n - 1:]
            md = np.abs(tp[: t - n + 1] - m)
            for j in range(1, n):
                md += np.abs(tp[j: t - n + 1 + j] - m)
            md /= n
            with np.errstate(invalid="ignore", divide="ignore"):
                out[n - 1:] = np.where(md > 0, (tp[n - 1:] - m) / (0.015 * md),
                                       np.where(np.isnan(md), np.nan, 0.0))
        return out
    return _apply(kern, (high, low, close), assume_packed)


def wr(high, low, close, n: int = 10, *, assume_packed: bool = False):
    """Williams %R as 通达信 WR: 100 × (HHV(H,n) − C) / (HHV(H,n) − LLV(L,n)), 0..100 where HIGH
    means oversold (Western %R is the negative of this). 50 when the range is 0."""
    def kern(h, l, c):
        hh = _k_rollext(h, n, np.maximum)
        ll = _k_rollext(l, n, np.minimum)
        rng = hh - ll
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(rng > 0, (hh - c) / rng * 100.0, np.where(np.isnan(rng), np.nan, 50.0))
    return _apply(kern, (high, low, close), assume_packed)


def bias(close, n: int = 6, *, assume_packed: bool = False):
    """BIAS: (C − MA(C,n)) / MA(C,n) × 100; NaN for n-1 bars."""
    def kern(c):
        ma = _k_sma(c, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (c / ma - 1.0) * 100.0
    return _apply(kern, (close,), assume_packed)
