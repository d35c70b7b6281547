"""Drawing a widget that holds charts into an image without putting it on screen (PNG export at
a chosen size: nothing of the on-screen view — crosshair, focus, size — is touched)."""
from __future__ import annotations

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
