"""Evaluating a compiled formula: the whole market at once, or one stock for its chart.

The panel's rows are packed time-major once (``core/panel_cache.PackedPanel``: each stock's bars
left-aligned, suspensions skipped), then every node runs once over all stocks, in creation order,
and an intermediate array is freed after its last use. Columns are evaluated in blocks of at
most ``BLOCK_CELLS`` values so memory stays bounded whatever the panel's size (columns are
independent, so a block gives exactly what the whole would).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..indicators import PackedRows, _k_kdj, _k_macd, _k_rsi, _k_sma, _k_std
from . import kernels as k
from .compiler import CompiledFormula, Node
from .functions import FUNCTIONS, INDICATORS, VOLUME_UNIT

BLOCK_CELLS = 2_000_000      # bars × stocks evaluated at once (16 MB per intermediate array)


def _indicator(name: str, get) -> tuple:
    c = get("close")
    if name == "MACD":
        return _k_macd(c, *INDICATORS["MACD"]["params"])
    if name == "KDJ":
        return _k_kdj(get("high"), get("low"), c, *INDICATORS["KDJ"]["params"])
    if name == "RSI":
        return tuple(_k_rsi(c, n) for n in INDICATORS["RSI"]["params"])
    n, width = INDICATORS["BOLL"]["params"]
    mid = _k_sma(c, n)
    sd = _k_std(c, n, 1)
    return mid, mid + width * sd, mid - width * sd


def _node_value(node: Node, args: list, frame: k.Frame, get, lines: dict):
    op = node.op
    if op == "num":
        return node.value
    if op == "data":
        x = get(node.value)
        return x / VOLUME_UNIT if node.value == "volume" else x
    if op == "ind":
        ind, i = node.value
        if ind not in lines:
            lines[ind] = _indicator(ind, get)
        return lines[ind][i]
    if op == "bin":
        a, b = args
        if node.value == "/":
            return k.divide(a, b)
        with np.errstate(invalid="ignore", over="ignore"):
            return a + b if node.value == "+" else a - b if node.value == "-" else a * b
    if op == "neg":
        return -args[0]
    if op == "cmp":
        a, b = args
        if not isinstance(a, np.ndarray) and not isinstance(b, np.ndarray):
            a = frame.full(a)
        return k.compare(node.value, a, b)
    if op == "logic":
        if node.args[0].boolean and node.args[1].boolean:
            return k.logic_of_conditions(node.value, frame.full(args[0]), frame.full(args[1]))
        return k.logic(node.value, frame.full(args[0]), frame.full(args[1]))
    if op == "not":
        if node.args[0].boolean:
            return 1.0 - frame.full(args[0])
        return k.negate(frame.full(args[0]))
    fn = FUNCTIONS[node.value]
    vals = [int(v) if p.kind == "n" and p.integer and not isinstance(v, np.ndarray) else v
            for p, v in zip(fn.params, args)]
    return fn.run(frame, *vals)


def run_packed(formula: CompiledFormula, get, length: np.ndarray, t: int, keep: list[Node]) -> dict[int, object]:
    """Evaluate on packed (t, n) data (``get(field)``); the values of the ``keep`` nodes."""
    frame = k.Frame(t, len(length), length)
    keep_ids = {n.id for n in keep}
    last_use: dict[int, int] = {}
    for i, n in enumerate(formula.order):
        for a in n.args:
            last_use[a.id] = i
    values: dict[int, object] = {}
    lines: dict = {}
    for i, n in enumerate(formula.order):
        values[n.id] = _node_value(n, [values[a.id] for a in n.args], frame, get, lines)
        for a in n.args:
            if last_use.get(a.id) == i and a.id not in keep_ids:
                values.pop(a.id, None)
    return {nid: frame.full(values[nid]) for nid in keep_ids}


def _blocks(n: int, t: int):
    width = max(1, BLOCK_CELLS // max(1, t))
    for a in range(0, n, width):
        yield slice(a, min(n, a + width))


def _packed_blocks(formula: CompiledFormula, panel, keep: list[Node]):
    """(packer, block slice, {node id: packed (t, block) values}) for each block of columns."""
    from ..panel_cache import PackedPanel

    pp = PackedPanel(panel)
    t = panel.shape[1]
    length = pp.pk.length
    for cols in _blocks(panel.shape[0], t):
        def get(name, cols=cols):
            return np.ascontiguousarray(pp.field(name)[:, cols])
        yield pp, cols, run_packed(formula, get, length[cols], t, keep)


def evaluate_panel(formula: CompiledFormula, panel) -> dict[str, np.ndarray]:
    """Every output as a (n_symbols, n_days) array in the panel's coordinates (NaN on days a
    stock did not trade)."""
    n, t = panel.shape
    out = {o.key: np.full((n, t), np.nan) for o in formula.outputs}
    if n == 0 or t == 0:
        return out
    keep = [o.node for o in formula.outputs]
    for pp, cols, vals in _packed_blocks(formula, panel, keep):
        pk = PackedRows(pp.pk.mask[cols])
        for o in formula.outputs:
            block = np.full((cols.stop - cols.start, t), np.nan)
            block[pk.mask] = vals[o.node.id].T[pk.packed_mask]
            out[o.key][cols] = block
    return out


def last_values(formula: CompiledFormula, panel, keys: list[str] | None = None) -> dict[str, np.ndarray]:
    """Each output's value on each stock's last bar, (n_symbols,) (NaN for a stock with no bar)."""
    outs = [o for o in formula.outputs if keys is None or o.key in keys]
    n, t = panel.shape
    res = {o.key: np.full(n, np.nan) for o in outs}
    if n == 0 or t == 0 or not outs:
        return res
    for pp, cols, vals in _packed_blocks(formula, panel, [o.node for o in outs]):
        length = pp.pk.length[cols]
        at = np.clip(length - 1, 0, None)
        idx = np.arange(cols.stop - cols.start)
        for o in outs:
            v = vals[o.node.id][at, idx]
            res[o.key][cols] = np.where(length > 0, v, np.nan)
    return res


def select(formula: CompiledFormula, panel) -> np.ndarray:
    """The selection on each stock's last bar, (n_symbols,) bool (all False without a selection)."""
    if formula.selection is None:
        return np.zeros(panel.shape[0], dtype=bool)
    v = last_values(formula, panel, [formula.selection.key])[formula.selection.key]
    return (v != 0) & ~np.isnan(v)


def evaluate_bars(formula: CompiledFormula, bars: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every output for one stock's bars (a DataFrame with open/high/low/close/volume/amount
    columns), aligned with its rows (NaN on rows without a close)."""
    close = pd.to_numeric(bars["close"], errors="coerce").to_numpy(dtype=float) if "close" in bars else \
        np.full(len(bars), np.nan)
    mask = np.isfinite(close)
    t = int(mask.sum())

    def get(name):
        if name not in bars:
            return np.full((t, 1), np.nan)
        return pd.to_numeric(bars[name], errors="coerce").to_numpy(dtype=float)[mask].reshape(t, 1)

    out = {o.key: np.full(len(bars), np.nan) for o in formula.outputs}
    if t == 0:
        return out
    vals = run_packed(formula, get, np.array([t]), t, [o.node for o in formula.outputs])
    for o in formula.outputs:
        out[o.key][mask] = vals[o.node.id][:, 0]
    return out
