"""The score of every stock of a panel on EVERY day at once (forward-return validation).

``scoring.score_panel(panel, at)`` scores one column from a short window of indicator values;
here the same values (``scoring.compute_values``) are read off the panel's whole packed history,
"the value ``back`` bars earlier" being a shift along each stock's own bars, and the one rules
table (``scoring.apply_rules``) is applied to every (day, stock) cell in one vectorised call. The
windowed indicators of a ``WindowView`` are bit-identical to the full-history ones
(``panel_cache``), so ``score_days(panel)[0][:, c]`` equals ``score_panel(panel, at=c).total``
bit for bit (``tests/test_validation_signals.py`` checks it on the demo market).

Only causal kernels are used, so a day's score reads bars up to that day only (no look-ahead).
"""
from __future__ import annotations

import numpy as np

from . import panel_cache as pc
from .indicators import _k_shift
from .panel import Panel
from .scoring import MIN_BARS, apply_rules, compute_values

#: The values that must be finite for a score (as in ``score_panel``).
_FINITE = ("close", "ma60", "atr_pct", "rsi", "dif", "dea", "boll_pos", "roc10")


def _rule_keys() -> list[str]:
    """The values the rules table reads (a condition's key, and its reference when it names one)."""
    from .scoring import RULES

    keys = {key for rule in RULES for key, _op, _ref in rule.when}
    keys |= {ref for rule in RULES for _key, _op, ref in rule.when if isinstance(ref, str)}
    return sorted(keys)


def _shifted(a: np.ndarray, back: int = 0) -> np.ndarray:
    """Packed time-major ``a`` as seen ``back`` bars earlier on every bar (NaN before the first)."""
    return a if back == 0 else _k_shift(np.asarray(a, dtype=float), back)


def score_days(panel: Panel, columns: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(total, valid)``, both (n_symbols, n_days): the 0–100 score on every day a stock has a
    bar (NaN elsewhere and where it is not valid), and whether it is valid there (a bar, at
    least ``MIN_BARS`` bars up to it, finite indicator values).

    ``columns`` (panel column numbers): score those days only, the others left NaN / not valid —
    a validation reads its period's days only. The indicators still run over the whole history
    (their seeds), and the rules see each scored cell's values unchanged, so a scored day's
    number is bit-identical to the unrestricted one (``tests/test_validation_signals.py``)."""
    n, t = panel.shape
    if n == 0 or t == 0:
        return np.full((n, t), np.nan), np.zeros((n, t), dtype=bool)
    x = pc.packed_panel(panel)
    vals = compute_values(x, last=_shifted)
    shape = vals["close"].shape                                   # (t, n) packed, time-major
    bar_no = np.arange(1, shape[0] + 1)[:, None]                  # bars up to each packed bar
    valid = x.pk.packed_mask.T & (bar_no >= MIN_BARS)
    if columns is not None:
        wanted = np.zeros((n, t), dtype=bool)
        wanted[:, np.asarray(columns, dtype=np.intp)] = True
        with np.errstate(invalid="ignore"):
            valid &= (x.pk.pack(wanted.astype(float)) == 1.0).T      # the wanted days, packed
    for key in _FINITE:
        valid &= np.isfinite(vals[key])
    cells = np.flatnonzero(valid.ravel())                          # rules on the scored cells only
    flat = {k: np.broadcast_to(vals[k], shape).ravel().take(cells) for k in _rule_keys()}
    part, _dims, _points, _applied = apply_rules(flat, np.ones(len(cells), dtype=bool), details=False)
    total = np.full(shape[0] * shape[1], np.nan)
    total[cells] = part
    total = total.reshape(shape)
    return x.pk.unpack(total.T), x.pk.unpack(valid.T, fill=False).astype(bool)
