"""The candlestick chart: data manager, items, panes and cursor."""
