"""Drawing a widget that holds charts into an image without putting it on screen (PNG export at
a chosen size: nothing of the on-screen view — crosshair, focus, size — is touched), and the
chart's side of it: ``ChartExport``, a mixin of ``ChartWidget`` (a PNG of the chart as shown, a twin
with the same content and no crosshair, that twin drawn at any size)."""
from __future__ import annotations

from pathlib import Path

from ._qt import QtCore, QtGui, QtWidgets


def render_offscreen(widget: QtWidgets.QWidget, width: int, height: int) -> QtGui.QImage:
    """Lay ``widget`` out at ``width`` × ``height`` without putting it on screen and draw it into
    an image (1 device pixel per pixel)."""
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(int(width), int(height))
    widget.show()
    widget.resize(int(width), int(height))
    QtWidgets.QApplication.sendPostedEvents()   # layouts (Qt's and the graphics scene's) settle
    from .chart_widget import ChartWidget   # the module that imports this one

    for chart in [widget] if isinstance(widget, ChartWidget) else widget.findChildren(ChartWidget):
        chart._settle()
    image = QtGui.QImage(int(width), int(height), QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(1.0)
    image.fill(QtGui.QColor(0, 0, 0, 0))
    widget.render(image)
    widget.hide()
    return image


class ChartExport:
    """Exports of ``ChartWidget`` (see the module docstring)."""

    def grab_png(self, path: str | Path) -> bool:
        """Save the chart as shown (or the placeholder) as a PNG; True on success."""
        self._finish_indicators()  # an export always shows the indicator lines
        target = self._view if not self.is_placeholder_shown() else self
        return target.grab().save(str(path), "PNG")

    def clone(self, parent: QtWidgets.QWidget | None = None) -> "ChartExport":
        """A twin showing the same stock (the same bars object), panes, overlays and visible
        range, with no crosshair: what an export draws."""
        twin = type(self)(parent, theme=self._theme)
        twin.set_panes(self._panes)
        twin.set_overlays(self._overlay_flags)
        self._copy_formulas_to(twin)
        self._copy_compare_to(twin)
        if self._data is not None:
            twin.set_bars(self._data, symbol=self._symbol, name=self._name, is_demo=self._is_demo,
                          markers=self._markers, levels=self._levels)
            twin._finish_indicators()
            twin._keep_range = self.visible_range()
            twin.set_visible_range(*twin._keep_range)
        else:
            twin.show_placeholder(self.placeholder_text())
        return twin

    def render_image(self, width: int, height: int) -> QtGui.QImage:
        """The chart drawn at ``width`` × ``height`` pixels into an image, without the crosshair
        (an offscreen twin; the widget on screen is not touched)."""
        twin = self.clone()
        try:
            return render_offscreen(twin, width, height)
        finally:
            twin.deleteLater()

    def _settle(self) -> None:
        """Finish the graphics layout now (an offscreen render has no event loop turn to wait)."""
        self._view.ci.layout.activate()
        QtWidgets.QApplication.sendPostedEvents()
        if self._data is not None and self._keep_range is not None:
            self.set_visible_range(*self._keep_range)
        self._place_watermark()
        self._update_legend()
        self._refit()
        self.cursor.refresh_text()
