"""The candlestick chart: data manager, items, panes and cursor.

Public entry point: :class:`ChartWidget` (``chart_widget.py``). Layout of the package:
``bar_data`` (numpy data manager, no Qt), ``base_item``/``candle_item``/``volume_item``/``line_item``
(visible-slice items: candles, volume, indicator lines), ``overlays`` (MA/BOLL/levels/markers),
``indicator_pane`` (MACD/KDJ/RSI), ``formula_layer``/``formula_pane``/``formula_items``/``formula_dialog``
(the user's 通达信 formula indicators), ``title_strip`` (the 通达信 title line per pane), ``level_tags``
(S/R price tags without collisions), ``legend``, ``readout`` (the title lines' contents), ``navigation`` (zoom, pan, keys, y fitting),
``offscreen`` (export rendering, the export twin), ``cursor`` (crosshair), ``date_axis``
(trading-day axis), ``grid_item``, ``pane_line`` (a line across a pane at one value: crosshair, reference levels, S/R), ``style`` (light/dark).
"""
from __future__ import annotations

from .chart_widget import ChartWidget

__all__ = ["ChartWidget"]
