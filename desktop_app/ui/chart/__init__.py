"""The candlestick chart: data manager, items, panes and cursor.

Public entry point: :class:`ChartWidget` (``chart_widget.py``). Layout of the package:
``bar_data`` (numpy data manager, no Qt), ``base_item``/``candle_item``/``volume_item`` (visible-slice
items), ``overlays`` (MA/BOLL/levels/markers), ``indicator_pane`` (MACD/KDJ/RSI), ``cursor``
(crosshair + read-outs), ``date_axis`` (trading-day axis), ``grid_item``, ``style`` (light/dark).
"""
from __future__ import annotations

from .chart_widget import ChartWidget

__all__ = ["ChartWidget"]
