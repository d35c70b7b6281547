"""Widgets, views, delegates and the chart. Never does I/O on the GUI thread."""
