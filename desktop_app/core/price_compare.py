"""Comparisons of prices and of values computed from them, robust to float rounding.

Prices come on a 0.01-yuan grid, but values computed from them carry rounding error in the last
bits: five closes averaging exactly to the last close, 12.74, can give MA5 = 12.739999999999998
(moving sums run over deviations from the stock's first close), and a plain ``close > ma5``
would award "close above MA5" on an exact tie. Likewise 10.5 / 10 − 1 is 5.000000000000004 %,
which a plain ``> 5`` counts as "above 5 %".

Every comparison of the score (``scoring.apply_rules``) and of the presets (``strategies``) goes
through this module, so exact ties are decided the same way everywhere (docs/INDICATORS.md,
"Comparisons"): two values are **equal** when they differ by at most

    tol(a, b) = REL_TOL × min(|a|, |b|),    REL_TOL = 1e-9,

and ``gt``/``ge``/``lt``/``le``/``eq`` are the usual relations with that equality. Why 1e-9: the
rounding error of our indicators is below 1e-13 relative (sums of deviations from a stock's first
value, docs/INDICATORS.md "Numerics"), while the smallest real difference between two averages of
0.01-yuan prices is 0.01 / 250 yuan (MA250), i.e. 2e-8 relative at a price of 2,000 yuan; both
sides of 1e-9 have a wide margin. A comparison with 0 is exact (tol = 0): equal prices give ratios
of exactly 1 and changes of exactly 0.

NaN never meets a condition (every relation is False, ``eq`` included). Infinities compare as
IEEE does (inf > any finite value, inf == inf), as does a difference too large to scale (> 1e299).
Inputs are scalars or numpy arrays (broadcast); the result is a bool array (a numpy bool for
scalars). Pure numpy: a later formula engine can call :func:`compare` with the operator as a
string.
"""
from __future__ import annotations

import numpy as np

__all__ = ["REL_TOL", "tol", "gt", "ge", "lt", "le", "eq", "compare", "OPS"]

REL_TOL = 1e-9
_SCALE = 1e9  # 1 / REL_TOL


def tol(a, b):
    """The tolerance under which ``a`` and ``b`` count as equal: REL_TOL × min(|a|, |b|)."""
    t = np.minimum(np.abs(a), np.abs(b))
    t *= REL_TOL
    return t


# Implementation note. The obvious ``(a - b) > REL_TOL * np.minimum(abs(a), abs(b))`` keeps two
# float temporaries alive at once; on (64 × 5,000) arrays glibc then returns and refetches their
# pages on every call, ~5 ms instead of ~0.5 ms. Here one float temporary is used: the scaled
# difference s = (a − b) / REL_TOL, and  s > min(|a|, |b|)  <=>  s > |a|  or  s > |b|, where
# s > |x|  <=>  s > x  and  −s < x  (bool temporaries only). Same relation, same NaN behaviour.
def _prep(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scalar = a.ndim == 0 and b.ndim == 0
    if scalar:
        a, b = a.reshape(1), b.reshape(1)
    with np.errstate(invalid="ignore", over="ignore"):    # inf − inf is NaN: meets nothing
        s = np.subtract(a, b)
        s *= _SCALE
    return a, b, s, scalar


def _positive(x: np.ndarray) -> bool:
    """Every non-NaN value > 0 (prices, volumes, MAs): then |x| = x."""
    return x.size == 0 or bool(np.fmin.reduce(x, axis=None) > 0)


def _beyond(a, b, s) -> np.ndarray:
    """(a − b) > REL_TOL × min(|a|, |b|), given the scaled difference s: s > |a| or s > |b|,
    with s > |x| <=> s > x and −s < x (just s > x when x is positive). Leaves ``s`` as it was."""
    ga = np.greater(s, a)
    gb = np.greater(s, b)
    pa, pb = _positive(a), _positive(b)
    if not (pa and pb):
        np.negative(s, out=s)
        if not pa:
            ga &= np.less(s, a)
        if not pb:
            gb &= np.less(s, b)
        np.negative(s, out=s)
    ga |= gb
    return ga


_PLAIN = {"gt": np.greater, "lt": np.less, "ge": np.greater_equal, "le": np.less_equal, "eq": np.equal}


def _out(r, scalar, a=None, b=None, s=None, op=None):
    """The result. With one side infinite the scaled relation is already IEEE's; with both
    infinite (inf − inf is NaN, inf vs −inf does not scale) take the plain IEEE comparison, so
    that infinities behave as in the scalar path."""
    if a is not None and np.isinf(a).any() and np.isinf(b).any():
        both = np.logical_and(np.isinf(a), np.isinf(b))
        if both.any():
            r[both] = _PLAIN[op](np.broadcast_to(a, both.shape)[both], np.broadcast_to(b, both.shape)[both])
    return r[0] if scalar else r


# Against a scalar k (the thresholds: 2 %, 0.97, 30 …) the same relation needs one comparison.
# With s = (a − k) / REL_TOL: for k ≥ 0,  a > k  <=>  s > k  (if a ≥ k then min(|a|, k) = k;
# if a < k then s < 0), and  a < k  <=>  −s > a  (for 0 < a < k the minimum is a; for a ≤ 0,
# −s > 0 ≥ a; for a ≥ k, −s ≤ 0). For k ≤ 0 mirror both. Exactly the general relation, also on
# the computed floats (every step keeps its sign), which tests/test_preset_ties.py checks.
def _scalar(x):
    return float(x) if np.ndim(x) == 0 else None


def _gt_k(a, k: float) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if k != k:
        return np.zeros(a.shape, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.subtract(a, k)
        s *= _SCALE
        if k >= 0:
            return np.greater(s, k)
        np.negative(s, out=s)
        return np.less(s, a)                     # s > −a


def _lt_k(a, k: float) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if k != k:
        return np.zeros(a.shape, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.subtract(k, a)
        s *= _SCALE
        if k > 0:
            return np.greater(s, a)
        return np.greater(s, -k)


def _fast(a, b):
    """(array, k, mirrored) when one side is a scalar and the other an array, else None."""
    kb = _scalar(b)
    if kb is not None and np.ndim(a) > 0:
        return a, kb, False
    ka = _scalar(a)
    if ka is not None and np.ndim(b) > 0:
        return b, ka, True
    return None


def _notnan(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x == x


def gt(a, b):
    """a > b by more than the tolerance (a strictly above b, ties excluded)."""
    f = _fast(a, b)
    if f is not None:
        x, k, mirrored = f
        return _lt_k(x, k) if mirrored else _gt_k(x, k)
    a, b, s, scalar = _prep(a, b)
    with np.errstate(invalid="ignore", over="ignore"):
        return _out(_beyond(a, b, s), scalar, a, b, s, "gt")


def lt(a, b):
    """a < b by more than the tolerance."""
    f = _fast(a, b)
    if f is not None:
        x, k, mirrored = f
        return _gt_k(x, k) if mirrored else _lt_k(x, k)
    a, b, s, scalar = _prep(a, b)
    np.negative(s, out=s)
    with np.errstate(invalid="ignore", over="ignore"):
        return _out(_beyond(a, b, s), scalar, a, b, s, "lt")


def _or_equal(a, b, strict_opposite, negate: bool, name: str):
    """a ≥ b (``negate``) or a ≤ b: "not strictly the other way", and neither side NaN."""
    f = _fast(a, b)
    if f is not None:
        x, k, _m = f
        if k != k:
            return np.zeros(np.shape(x), dtype=bool)
        out = strict_opposite(a, b)
        np.logical_not(out, out=out)
        out &= _notnan(x)
        return out
    a, b, s, scalar = _prep(a, b)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = s == s                              # not NaN
        if negate:
            np.negative(s, out=s)
        ok &= ~_beyond(a, b, s)
    return _out(ok, scalar, a, b, s, name)


def ge(a, b):
    """a > b, or a equal to b within the tolerance."""
    return _or_equal(a, b, lt, True, "ge")


def le(a, b):
    """a < b, or a equal to b within the tolerance."""
    return _or_equal(a, b, gt, False, "le")


def eq(a, b):
    """a equal to b within the tolerance (NaN is equal to nothing)."""
    f = _fast(a, b)
    if f is not None:
        x, k, _m = f
        if k != k:
            return np.zeros(np.shape(x), dtype=bool)
        out = gt(a, b)
        out |= lt(a, b)
        np.logical_not(out, out=out)
        out &= _notnan(x)
        return out
    a, b, s, scalar = _prep(a, b)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = s == s
        ok &= ~_beyond(a, b, s)
        np.negative(s, out=s)
        ok &= ~_beyond(a, b, s)
    return _out(ok, scalar, a, b, s, "eq")


OPS = {">": gt, ">=": ge, "<": lt, "<=": le, "==": eq}


def compare(a, op: str, b):
    """``a op b`` for op in ``> >= < <= ==`` with the tolerance above."""
    try:
        fn = OPS[op]
    except KeyError:
        raise ValueError(f"unknown comparison {op!r}; expected one of {', '.join(OPS)}") from None
    return fn(a, b)
