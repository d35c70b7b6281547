"""Blocking (a worker, the CLI): the holdings' valuation from what the app has — the latest
snapshot when one arrived (``spot``), else the stored bars' last two closes; the demo market from
its memory; names and industries from the universe."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .portfolio import QUOTE_COLUMNS, Valuation, quotes_from_spot, quotes_from_store, value_portfolio


def _quotes_from_panel(panel) -> pd.DataFrame:
    rows = {}
    for i, c in enumerate(panel.symbols.astype(str)):
        close = panel.close[i][np.isfinite(panel.close[i])]
        if len(close):
            rows[c] = {"last": close[-1], "prev_close": close[-2] if len(close) > 1 else np.nan}
    return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=QUOTE_COLUMNS)


def load_valuation(source: Any, store: Any, holdings: list, spot: pd.DataFrame | None = None) -> Valuation:
    codes = sorted({h.code for h in holdings})
    demo = bool(getattr(source, "is_demo", False))
    if not codes:
        return value_portfolio([], pd.DataFrame(columns=QUOTE_COLUMNS))
    panel = source.panel(codes).tail(300) if demo else (store.read_panel(codes, last_n=300) if store is not None else None)
    if spot is not None:        # a snapshot (a "symbol" column) or its quotes (indexed by symbol)
        quotes = quotes_from_spot(spot) if "symbol" in spot else spot.reindex(columns=QUOTE_COLUMNS)
    elif demo:
        quotes = _quotes_from_panel(panel)
    else:
        quotes = quotes_from_store(store, codes)
    industries: dict[str, str] = {}
    try:
        u = source.universe()
        sym = u["symbol"].astype(str)
        names = dict(zip(sym, u["name"].astype(str)))
        industries = dict(zip(sym, u["industry"].astype(str)))
        quotes["name"] = [names.get(c, "") if not isinstance(n, str) or not n else n
                          for c, n in zip(quotes.index, quotes["name"])]
    except Exception:                                  # noqa: BLE001 - names are a courtesy
        pass
    return value_portfolio(holdings, quotes, industries, panel)
