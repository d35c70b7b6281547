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

NaN never meets a condition (every relation is False, ``eq`` included); so does inf vs inf.
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


def _above(s: np.ndarray, x: np.ndarray) -> np.ndarray:
    """s > |x| elementwise (False where either is NaN); negates ``s`` in place and back."""
    g = np.greater(s, x)
    np.negative(s, out=s)
    g &= np.less(s, x)
    np.negative(s, out=s)
    return g


def _beyond(a, b, s) -> np.ndarray:
    """(a − b) > REL_TOL × min(|a|, |b|), given the scaled difference s."""
    g = _above(s, a)
    g |= _above(s, b)
    return g


def _out(r, scalar):
    return r[0] if scalar else r


def gt(a, b):
    """a > b by more than the tolerance (a strictly above b, ties excluded)."""
    a, b, s, scalar = _prep(a, b)
    with np.errstate(invalid="ignore", over="ignore"):
        return _out(_beyond(a, b, s), scalar)


def lt(a, b):
    """a < b by more than the tolerance."""
    a, b, s, scalar = _prep(a, b)
    np.negative(s, out=s)
    with np.errstate(invalid="ignore", over="ignore"):
        return _out(_beyond(a, b, s), scalar)


def ge(a, b):
    """a > b, or a equal to b within the tolerance."""
    a, b, s, scalar = _prep(a, b)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = s == s                              # not NaN
        np.negative(s, out=s)
        ok &= ~_beyond(a, b, s)
    return _out(ok, scalar)


def le(a, b):
    """a < b, or a equal to b within the tolerance."""
    a, b, s, scalar = _prep(a, b)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = s == s
        ok &= ~_beyond(a, b, s)
    return _out(ok, scalar)


def eq(a, b):
    """a equal to b within the tolerance (NaN is equal to nothing)."""
    a, b, s, scalar = _prep(a, b)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = s == s
        ok &= ~_beyond(a, b, s)
        np.negative(s, out=s)
        ok &= ~_beyond(a, b, s)
    return _out(ok, scalar)


OPS = {">": gt, ">=": ge, "<": lt, "<=": le, "==": eq}


def compare(a, op: str, b):
    """``a op b`` for op in ``> >= < <= ==`` with the tolerance above."""
    try:
        fn = OPS[op]
    except KeyError:
        raise ValueError(f"unknown comparison {op!r}; expected one of {', '.join(OPS)}") from None
    return fn(a, b)
