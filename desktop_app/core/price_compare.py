"""Comparisons of prices and of values computed from them, robust to float rounding.

Prices come on a 0.01-yuan grid, but values computed from them carry rounding error in the last
bits: the closes 12.75, 12.73, 12.74, 12.74, 12.74 average to exactly 12.74, yet MA5 computes as
12.739999999999998, and a plain ``close > ma5`` would award "close above MA5" on an exact tie.
Likewise 10.5 / 10 − 1 is 5.000000000000004 %, which a plain ``> 5`` counts as "above 5 %".

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

NaN never meets a condition (every relation is False, ``eq`` included). Inputs are scalars or numpy
arrays (broadcast); the result is a bool array (or a numpy bool for scalars). Pure numpy: a later
formula engine can call :func:`compare` with the operator as a string.
"""
from __future__ import annotations

import numpy as np

__all__ = ["REL_TOL", "tol", "gt", "ge", "lt", "le", "eq", "compare", "OPS"]

REL_TOL = 1e-9


def tol(a, b):
    """The tolerance under which ``a`` and ``b`` count as equal: REL_TOL × min(|a|, |b|)."""
    t = np.minimum(np.abs(a), np.abs(b))
    t *= REL_TOL
    return t


def _prep(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return a, b


def gt(a, b):
    """a > b by more than the tolerance (a strictly above b, ties excluded)."""
    a, b = _prep(a, b)
    with np.errstate(invalid="ignore"):
        return (a - b) > tol(a, b)


def lt(a, b):
    """a < b by more than the tolerance."""
    a, b = _prep(a, b)
    with np.errstate(invalid="ignore"):
        return (b - a) > tol(a, b)


def ge(a, b):
    """a > b, or a equal to b within the tolerance."""
    a, b = _prep(a, b)
    with np.errstate(invalid="ignore"):
        return (a - b) >= -tol(a, b)


def le(a, b):
    """a < b, or a equal to b within the tolerance."""
    a, b = _prep(a, b)
    with np.errstate(invalid="ignore"):
        return (b - a) >= -tol(a, b)


def eq(a, b):
    """a equal to b within the tolerance (NaN is equal to nothing)."""
    a, b = _prep(a, b)
    with np.errstate(invalid="ignore"):
        return np.abs(a - b) <= tol(a, b)


OPS = {">": gt, ">=": ge, "<": lt, "<=": le, "==": eq}


def compare(a, op: str, b):
    """``a op b`` for op in ``> >= < <= ==`` with the tolerance above."""
    try:
        fn = OPS[op]
    except KeyError:
        raise ValueError(f"unknown comparison {op!r}; expected one of {', '.join(OPS)}") from None
    return fn(a, b)
