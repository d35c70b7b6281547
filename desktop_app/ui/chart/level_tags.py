"""Support/resistance price tags on the price pane's right axis, placed without collisions.

A level is a dashed line across the price pane (``overlays.Overlays``) and a tag on the axis: a box
in the level's colour with its price, at the line's height. Tags of nearby levels would print over
each other, so :func:`place` spreads them into a column of non-overlapping slots as close to their
lines as the room allows (the classic two-pass 1-D label placement); when more tags than slots
compete, the levels nearest to the last close win. Tags stay inside the axis, which lies under the
pane's title strip, so a tag never covers the read-out either.
"""
from __future__ import annotations

import math

from ._qt import QtCore, QtGui, QtWidgets
from .labels import level_name

TAG_PAD_X = 3.0
TAG_GAP = 1.0       # between two stacked tags


def place(desired: list[float], height: float, top: float, bottom: float,
          priority: list[float] | None = None) -> list[float | None]:
    """Top edges for labels of ``height`` wanting their centres at ``desired`` (pixels, y down),
    inside [top, bottom], pairwise non-overlapping; None for a label with no room (those with the
    largest ``priority`` value lose first; default: later labels lose).

    Labels that would overlap are merged into a block centred on the mean of what its labels
    want (the least total displacement), clamped to the bounds; blocks that then touch merge
    again, until none overlap."""
    n = len(desired)
    out: list[float | None] = [None] * n
    room = bottom - top
    if n == 0 or height <= 0 or room < height:
        return out
    fit = int(math.floor((room + 1e-9) / height))
    order = sorted(range(n), key=lambda k: (priority[k] if priority is not None else k, k))
    kept = sorted(order[:fit], key=lambda k: (desired[k], k))
    # a block: [first index into kept, count, top edge]
    blocks: list[list] = []
    for j, k in enumerate(kept):
        blocks.append([j, 1, desired[k] - height / 2])
        while True:
            b = blocks[-1]
            b[2] = min(max(b[2], top), bottom - b[1] * height)
            if len(blocks) < 2:
                break
            a = blocks[-2]
            if a[2] + a[1] * height <= b[2] + 1e-9:
                break
            merged_count = a[1] + b[1]
            members = kept[a[0]:a[0] + merged_count]
            centre = sum(desired[m] for m in members) / merged_count
            blocks[-2:] = [[a[0], merged_count, centre - merged_count * height / 2]]
    for first, count, y in blocks:
        for m in range(count):
            out[kept[first + m]] = y + m * height
    return out


class LevelTag(QtWidgets.QGraphicsRectItem):
    """One tag: a filled box with the price; its tooltip names the level and where it comes from."""

    def __init__(self, parent: QtWidgets.QGraphicsItem, price: float, kind: str, note: str,
                 color: str, text_color: str, font: QtGui.QFont) -> None:
        super().__init__(parent)
        self.price, self.kind, self.note = float(price), kind, note
        self.setBrush(QtGui.QBrush(QtGui.QColor(color)))
        self.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
        self.setZValue(30)
        self.label = QtWidgets.QGraphicsSimpleTextItem(f"{self.price:.2f}", self)
        self.label.setFont(font)
        self.label.setBrush(QtGui.QColor(text_color))
        self.retranslate()

    def retranslate(self) -> None:
        tip = f"{level_name(self.kind)} {self.price:.2f}"
        self.setToolTip(f"{tip}\n{self.note}" if self.note else tip)

    def text(self) -> str:
        return self.label.text()


class LevelTags:
    """The tags of one price pane, owned by the chart; :meth:`place_all` after every y refit."""

    def __init__(self, axis: QtWidgets.QGraphicsWidget, vb, style) -> None:
        self.axis, self.vb, self.style = axis, vb, style
        self.font = QtGui.QFont()
        self.font.setPixelSize(11)
        self._fm = QtGui.QFontMetricsF(self.font)
        self.tag_height = math.ceil(self._fm.height()) + 2.0
        self.tags: list[LevelTag] = []
        self._priority: list[float] = []
        self.visible = True

    def set_levels(self, levels: list[tuple[float, str, str]], ref_price: float | None) -> None:
        """``(price, kind, note)`` levels; priority by distance from ``ref_price`` (the close)."""
        self.clear()
        for price, kind, note in levels:
            color = self.style.resistance if kind == "resistance" else self.style.support
            tag = LevelTag(self.axis, price, kind, note, color, self.style.tag_text, self.font)
            self.tags.append(tag)
            ref = ref_price if ref_price and math.isfinite(ref_price) else price
            self._priority.append(abs(price / ref - 1.0) if ref else 0.0)
        self.place_all()

    def clear(self) -> None:
        for t in self.tags:
            t.setParentItem(None)
            if t.scene() is not None:
                t.scene().removeItem(t)
        self.tags, self._priority = [], []

    def set_visible(self, on: bool) -> None:
        self.visible = bool(on)
        self.place_all()

    def retranslate(self) -> None:
        for t in self.tags:
            t.retranslate()

    def shown(self) -> list[LevelTag]:
        return [t for t in self.tags if t.isVisible()]

    def place_all(self) -> None:
        if not self.tags:
            return
        geo = self.axis.geometry()
        h_axis = geo.height()
        width = max(10.0, geo.width() - 2.0)
        _, (y0, y1) = self.vb.viewRange()
        desired: list[float] = []
        inside: list[bool] = []
        for t in self.tags:
            scene = self.vb.mapViewToScene(QtCore.QPointF(0.0, t.price))
            desired.append(self.axis.mapFromScene(scene).y())
            inside.append(self.visible and min(y0, y1) <= t.price <= max(y0, y1))
        idx = [k for k, ok in enumerate(inside) if ok]
        slot = self.tag_height + TAG_GAP
        tops = place([desired[k] for k in idx], slot, 0.0, h_axis + TAG_GAP,
                     [self._priority[k] for k in idx])
        placed = dict(zip(idx, tops))
        for k, t in enumerate(self.tags):
            y = placed.get(k)
            if y is None:
                t.setVisible(False)
                continue
            t.setRect(QtCore.QRectF(0.0, 0.0, width, self.tag_height))
            t.setPos(1.0, y)
            br = t.label.boundingRect()
            t.label.setPos(TAG_PAD_X, (self.tag_height - br.height()) / 2)
            t.setVisible(True)
