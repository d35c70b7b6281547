"""A formula inside a market scan (``core/scan.run_scan``): validation reasons, the selection on
each stock's last bar (one more condition beside the presets, ``mode`` all/any), and the formula's number outputs as
extra keys of each hit row (named as in the formula; ``core/hits.py`` presents them).
"""
from __future__ import annotations

import math

import numpy as np

from ..reasons import R, Reason
from .compiler import CompiledFormula, check, compile_formula


def formula_problems(text: str) -> list[Reason]:
    """A request's formula problems as validation reasons (empty: it can screen)."""
    errors = check(text)
    if not errors and compile_formula(text).selection is None:
        errors = [R("formula_no_selection")]
    return [R("formula_invalid", reason=e) for e in errors]


class FormulaChunk:
    """The formula on one chunk of the scan's panel: ``mask`` (its selection) and the values of
    its number outputs on each stock's last bar."""

    def __init__(self, formula: CompiledFormula, sub_panel):
        keys = [formula.selection.key] + [o.key for o in formula.columns]
        values = formula.last_values(sub_panel, keys)
        sel = values[formula.selection.key]
        self.mask = (sel != 0) & ~np.isnan(sel)
        self.columns = {o.key: values[o.key] for o in formula.columns}

    def fill(self, rows: list[dict], rows_index) -> None:
        """Add the output columns to hit ``rows`` (row j is chunk row ``rows_index[j]``)."""
        for row, i in zip(rows, rows_index):
            for key, v in self.columns.items():
                x = float(v[i])
                row[key] = x if math.isfinite(x) else float("nan")


class FormulaScreen:
    """A request's formula, compiled once per scan (``None`` from :func:`formula_screen` when
    the request has none)."""

    def __init__(self, text: str):
        self.formula = compile_formula(text)

    def chunk(self, sub_panel) -> FormulaChunk:
        return FormulaChunk(self.formula, sub_panel)

    @property
    def column_keys(self) -> list[str]:
        return [o.key for o in self.formula.columns]


def formula_screen(text: str | None) -> FormulaScreen | None:
    return FormulaScreen(text) if (text or "").strip() else None
