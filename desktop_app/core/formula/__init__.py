"""The 通达信 formula language (条件选股公式 and indicator formulas), without Qt.

    f = compile_formula("MA5:=MA(C,5); MA10:=MA(C,10); XG:CROSS(MA5,MA10) AND V>MA(V,5)*1.5;")
    f.outputs          # [Output(key, name, node, boolean, style, line), …]
    f.selection        # the output named XG, else the last condition output (or None)
    f.columns          # named number outputs: extra columns of a scan's hit rows
    f.evaluate(panel)  # {key: (n_symbols, n_days)} for the whole market
    f.evaluate_one(bars_df)  # {key: (n_bars,)} for one stock's chart
    f.select(panel)    # (n_symbols,) bool: the selection on each stock's last bar
    check(text)        # [Reason, …] every problem, positioned (as-you-type marking)
    help_table()       # [{name, signature, zh, en}, …] for completion and help

Layout: ``syntax.py`` (grammar, lark), ``compiler.py`` (names, checks, limits, shared nodes),
``functions.py`` (the vocabulary), ``kernels.py`` (numpy kernels), ``evaluate.py`` (panel / one
stock), ``styles.py`` (drawing attributes), ``screen.py`` (the scan's use). See docs/FORMULAS.md.
"""
from __future__ import annotations

from .compiler import MAX_DEPTH, MAX_NODES, MAX_TEXT, CompiledFormula, Output, check, compile_formula
from .functions import DATA, FUNCTIONS, FUTURE, INDICATORS, help_table
from .styles import Style
from .syntax import FormulaError

__all__ = ["compile_formula", "check", "CompiledFormula", "Output", "FormulaError", "Style", "help_table",
           "FUNCTIONS", "INDICATORS", "DATA", "FUTURE", "MAX_TEXT", "MAX_DEPTH", "MAX_NODES"]
