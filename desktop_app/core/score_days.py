"""The score of every stock of a panel on EVERY day at once (forward-return validation).

``scoring.score_panel(panel, at)`` scores one column from a short window of indicator values;
here the same values (``scoring.compute_values``) are read off the panel's whole packed history
at every scored (stock, day) cell, "the value ``back`` bars earlier" being that many bars back
on the stock's own bars, and the one rules table (``scoring.apply_rules``) is applied to all the
cells in one vectorised call. The
windowed indicators of a ``WindowView`` are bit-identical to the full-history ones
(``panel_cache``), so ``score_days(panel)[0][:, c]`` equals ``score_panel(panel, at=c).total``
bit for bit (``tests/test_validation_signals.py`` checks it on the demo market).

Only causal kernels are used, so a day's score reads bars up to that day only (no look-ahead).
"""
from __future__ import annotations

import numpy as np

from . import panel_cache as pc
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


class _Cells:
    """Picks the scored cells' values off packed time-major arrays: ``last(a, back)`` is each
    cell's value ``back`` bars earlier on its stock's own bars (NaN before the first), as
    ``scoring.compute_values`` asks for it — every derived value is then computed on the cells
    only, element by element, so each equals the full-history one bit for bit."""

    def __init__(self, pos: np.ndarray, rows: np.ndarray, n: int):
        self.pos, self.rows, self.n = pos, rows, n
        self._at: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _index(self, back: int) -> tuple[np.ndarray, np.ndarray]:
        """(flat index into a packed (t, n) array, cells without a bar ``back`` bars earlier)."""
        if back not in self._at:
            p = self.pos - back
            self._at[back] = (np.maximum(p, 0) * self.n + self.rows, p < 0)
        return self._at[back]

    def __call__(self, a: np.ndarray, back: int = 0) -> np.ndarray:
        at, before = self._index(back)
        out = np.ascontiguousarray(a, dtype=float).reshape(-1).take(at)
        out[before] = np.nan
        return out


def span_start(panel: Panel, columns: np.ndarray | None) -> int:
    """The packed row from which a validation of ``columns`` computes the score and the presets
    (``panel_cache.SpanView``): every stock's first bar in the columns has the presets' lookback
    (``strategies.LOOKBACK`` bars, more than the score's ``VIEW_WIDTH``) before it inside the span,
    so every value read there equals the full history's. 0 (the whole history) without columns."""
    from .strategies import LOOKBACK

    if columns is None or not len(columns):
        return 0
    return pc.packed_panel(panel).span_start(int(np.min(columns)), LOOKBACK)


def score_days(panel: Panel, columns: np.ndarray | None = None,
               where: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(total, valid)``, both (n_symbols, n_days): the 0–100 score on every day a stock has a
    bar (NaN elsewhere and where it is not valid), and whether it is valid there (a bar, at
    least ``MIN_BARS`` bars up to it, finite indicator values).

    ``columns`` (panel column numbers): score those days only, the others left NaN / not valid —
    a validation reads its period's days only. ``where`` ((n, t) bool): score those cells only
    (a validation's cells that pass the rest of its screen). The indicators still run over the
    whole history (their seeds), and the rules see each scored cell's values unchanged, so a
    scored cell's number is bit-identical to the unrestricted one
    (``tests/test_validation_signals.py``)."""
    n, t = panel.shape
    if n == 0 or t == 0:
        return np.full((n, t), np.nan), np.zeros((n, t), dtype=bool)
    x = pc.packed_panel(panel)
    bars = x.pk.mask
    want = bars if where is None else bars & np.asarray(where, dtype=bool)
    if columns is not None:
        only = np.zeros(t, dtype=bool)
        only[np.asarray(columns, dtype=np.intp)] = True
        want = want & only[None, :]
    rows, cols = np.nonzero(want)
    pos = np.cumsum(bars, axis=1, dtype=np.int32)[rows, cols].astype(np.int64) - 1     # each cell's packed bar
    enough = pos + 1 >= MIN_BARS                                      # bars up to it
    rows, cols, pos = rows[enough], cols[enough], pos[enough]
    start = span_start(panel, columns)                # the indicators on the scored days' span
    vals = compute_values(x.span(start), last=_Cells(pos - start, rows, n))
    ok = np.ones(len(rows), dtype=bool)
    for key in _FINITE:
        ok &= np.isfinite(vals[key])
    flat = {k: np.asarray(vals[k])[ok] for k in _rule_keys()}       # rules on the scored cells only
    part, _dims, _points, _applied = apply_rules(flat, np.ones(int(ok.sum()), dtype=bool), details=False)
    # the results allocated last, above the freed temporaries: allocated first they kept glibc
    # from reusing that memory, and every chunk faulted in fresh pages (≈3x the minor faults)
    total = np.full((n, t), np.nan)
    valid = np.zeros((n, t), dtype=bool)
    total[rows[ok], cols[ok]] = part
    valid[rows[ok], cols[ok]] = True
    return total, valid
