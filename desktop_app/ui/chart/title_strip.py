"""The title line of a pane (通达信's 标题栏): one opaque strip above the plot, never over it.

Each pane's read-out (name, code, date, O/H/L/C, change, volume, indicator values in their line
colours) is a sequence of *segments*; a segment (``开 62.71``, ``MA5 60.91``) is a few coloured
runs kept together. The strip lays the segments out on one line and, when the pane is too narrow,
shows the longest prefix of whole segments followed by "…": text is never wrapped into the plot
and a word is never broken.

The strip is a ``QGraphicsWidget`` put into the PlotItem's own grid layout in the title row, so
the layout gives it a fixed one-line height above the ViewBox (and the right axis) and the ViewBox
gets the rest. It is drawn from a device-coordinate cache that is refreshed only when its text or
size changes.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import shiboken6

from ._qt import QtCore, QtGui, QtWidgets

PAD_X = 4.0      # left and right padding of the text
GAP = 9.0        # between two segments
ELLIPSIS = "…"


class Run(NamedTuple):
    text: str
    color: str
    bold: bool = False


Segment = tuple[Run, ...]


def seg(*runs: Run | tuple) -> Segment:
    """A segment from runs or ``(text, color[, bold])`` tuples."""
    return tuple(r if isinstance(r, Run) else Run(*r) for r in runs)


def segment_text(s: Segment) -> str:
    return "".join(r.text for r in s)


class TitleStrip(QtWidgets.QGraphicsWidget):
    """One line of coloured segments on an opaque background, elided at segment boundaries."""

    def __init__(self, background: str, foreground: str, rule: str,
                 parent: QtWidgets.QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self._bg = QtGui.QColor(background)
        self._bg.setAlpha(255)  # opaque: nothing under the strip shows through
        self._fg = QtGui.QColor(foreground)
        self._rule = QtGui.QColor(rule)
        self._font = QtGui.QFont()
        self._bold = QtGui.QFont(self._font)
        self._bold.setBold(True)
        self._fm = QtGui.QFontMetricsF(self._font)
        self._fm_bold = QtGui.QFontMetricsF(self._bold)
        self._line_h = math.ceil(max(self._fm.height(), self._fm_bold.height()))
        self._segments: tuple[Segment, ...] = ()
        self._widths: list[float] = []
        self._run_widths: list[list[float]] = []     # per segment, each run's advance
        self._colors: dict[str, QtGui.QColor] = {}
        self._ellipsis_w = self._fm.horizontalAdvance(ELLIPSIS)
        self._shown = 0
        self._used = 0.0
        h = float(self._line_h + 4)
        self.setMinimumHeight(h)
        self.setMaximumHeight(h)
        self.setPreferredHeight(h)
        # the strip never asks for width: the pane's width is the layout's business
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        self.setPreferredWidth(0)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(40)

    # ------------------------------------------------------------------ content
    def set_segments(self, segments) -> bool:
        """Show ``segments``; False (and no re-layout) when they are what is shown already."""
        segments = tuple(tuple(s) for s in segments if s)
        if segments == self._segments:
            return False
        self._segments = segments
        self._run_widths = [[self._font_of(r)[1].horizontalAdvance(r.text) for r in s] for s in segments]
        self._widths = [sum(w) for w in self._run_widths]
        self._relayout()
        self.update()
        return True

    def segments(self) -> tuple[Segment, ...]:
        return self._segments

    def full_text(self) -> str:
        return " ".join(segment_text(s) for s in self._segments)

    def shown_text(self) -> str:
        """What is painted: whole segments, then "…" when some did not fit."""
        text = " ".join(segment_text(s) for s in self._segments[:self._shown])
        return f"{text} {ELLIPSIS}".strip() if self.is_elided() else text

    def shown_count(self) -> int:
        return self._shown

    def is_elided(self) -> bool:
        return self._shown < len(self._segments)

    def text_rect(self) -> QtCore.QRectF:
        """Where the text is painted, in the strip's coordinates (one line)."""
        h = self.size().height()
        return QtCore.QRectF(PAD_X, (h - self._line_h) / 2, self._used, self._line_h)

    def line_height(self) -> int:
        return self._line_h

    # ------------------------------------------------------------------ layout
    def _font_of(self, run: Run) -> tuple[QtGui.QFont, QtGui.QFontMetricsF]:
        return (self._bold, self._fm_bold) if run.bold else (self._font, self._fm)

    def _relayout(self) -> None:
        avail = self.size().width() - 2 * PAD_X
        total = sum(self._widths) + GAP * max(0, len(self._widths) - 1)
        if total <= avail:
            self._shown, self._used = len(self._widths), max(0.0, total)
            return
        x, shown = 0.0, 0
        for k, w in enumerate(self._widths):
            nxt = x + (GAP if k else 0.0) + w
            if nxt + GAP + self._ellipsis_w > avail:
                break
            x, shown = nxt, shown + 1
        self._shown = shown
        self._used = (x + (GAP if shown else 0.0) + self._ellipsis_w) if avail > self._ellipsis_w else 0.0

    def _color(self, name: str) -> QtGui.QColor:
        color = self._colors.get(name)
        if color is None:
            color = self._colors[name] = QtGui.QColor(name)
        return color

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(ev)
        self._relayout()
        self.update()

    # ------------------------------------------------------------------ painting
    def paint(self, p: QtGui.QPainter, *args) -> None:
        r = self.rect()
        p.fillRect(r, self._bg)
        p.setPen(self._rule)
        p.drawLine(QtCore.QPointF(r.left(), r.bottom() - 0.5), QtCore.QPointF(r.right(), r.bottom() - 0.5))
        if not self._segments:
            return
        p.setClipRect(r)
        baseline = (r.height() - self._line_h) / 2 + self._fm.ascent()
        x = PAD_X
        font = None
        for k, s in enumerate(self._segments[:self._shown]):
            if k:
                x += GAP
            for run, w in zip(s, self._run_widths[k]):
                run_font = self._bold if run.bold else self._font
                if run_font is not font:
                    font = run_font
                    p.setFont(font)
                p.setPen(self._color(run.color))
                p.drawText(QtCore.QPointF(x, baseline), run.text)
                x += w
        if self.is_elided() and self._used:
            p.setFont(self._font)
            p.setPen(self._fg)
            p.drawText(QtCore.QPointF(x + (GAP if self._shown else 0.0), baseline), ELLIPSIS)


def install(plot, strip: TitleStrip) -> None:
    """Put ``strip`` in ``plot``'s title row over the ViewBox and right-axis columns, in place of
    pyqtgraph's title label, which the chart never shows. The label is deleted (its destructor
    leaves the layout): taking it out with ``removeItem`` instead left an object that crashed the
    process at exit, and keeping it makes the grid refuse a second item in its cell."""
    label = plot.titleLabel
    plot.titleLabel = None   # pyqtgraph only uses it in setTitle, which the chart never calls
    shiboken6.delete(label)
    strip.setParentItem(plot)
    plot.layout.addItem(strip, 0, 1, 1, 2)
