"""The market view's two small charts, painted with QPainter (a few dozen bars each):

* ``HistogramWidget``: the distribution of the day's changes in ``core.market_compute``'s bins
  (−30 %…+30 %: 1 % bins within ±10 %, then the ±20 % and ±30 % boards' bins), each bar's count
  above it, red for rising bins, green for falling ones (the A-share colours);
* ``AmountBars``: the day's total amount against the previous days' (the day highlighted)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_app.ui import theme


class _Chart(QWidget):
    def __init__(self, name: str, min_h: int) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setMinimumHeight(min_h)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.empty_text = ""

    def _begin(self) -> tuple[QPainter, QFontMetrics]:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().base())
        f = p.font()
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1))
        p.setFont(f)
        return p, QFontMetrics(f)


class HistogramWidget(_Chart):
    def __init__(self) -> None:
        super().__init__("marketHistogram", 130)
        self.labels: list[str] = []
        self.counts: list[int] = []
        self.edges_bp: list[int] = []

    def set_data(self, labels: list[str], counts: list[int], edges_bp: list[int]) -> None:
        self.labels, self.counts, self.edges_bp = list(labels), [int(c) for c in counts], list(edges_bp)
        self.update()

    def bin_sign(self, i: int) -> int:
        """+1 for a bin of rises (its lower edge ≥ 0), −1 for falls, by ``edges_bp``."""
        lower = self.edges_bp[i - 1] if i > 0 else -10 ** 9
        return 1 if lower >= 0 else -1

    def paintEvent(self, _e: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p, fm = self._begin()
        pal = self.palette()
        if not self.counts:
            p.setPen(pal.placeholderText().color())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        n = len(self.counts)
        top_pad, bottom = fm.height() + 2, fm.height() + 4
        area = QRectF(4, top_pad, self.width() - 8, self.height() - top_pad - bottom)
        slot = area.width() / n
        peak = max(self.counts) or 1
        up, down = theme.up_color(), theme.down_color()
        text = pal.text().color()
        axis_font = p.font()
        count_font = QFont(axis_font)            # the counts shrink (to 6 pt) so that the widest fits a slot
        while QFontMetrics(count_font).horizontalAdvance(str(peak)) > slot and count_font.pointSizeF() > 6.0:
            count_font.setPointSizeF(count_font.pointSizeF() - 0.5)
        cfm = QFontMetrics(count_font)
        p.setFont(count_font)
        for i, c in enumerate(self.counts):
            h = area.height() * c / peak
            bar = QRectF(area.x() + i * slot + slot * 0.12, area.bottom() - h, slot * 0.76, h)
            p.fillRect(bar, up if self.bin_sign(i) > 0 else down)
            if c and cfm.horizontalAdvance(str(c)) <= slot:           # labels never overlap
                p.setPen(text)
                p.drawText(QRectF(bar.x() - 6, bar.y() - cfm.height(), bar.width() + 12, cfm.height()),
                           Qt.AlignmentFlag.AlignCenter, str(c))
        p.setFont(axis_font)
        # axis ticks at the −10 %, −5 %, 0, +5 %, +10 % edges (every bin's range is in its tooltip)
        p.setPen(pal.placeholderText().color())
        for i, edge in enumerate(self.edges_bp, start=1):
            if edge not in (-1000, -500, 0, 500, 1000):
                continue
            tick = f"{edge // 100:+d}%" if edge else "0"
            x = area.x() + i * slot
            w = fm.horizontalAdvance(tick) + 4
            p.drawText(QRectF(x - w / 2, area.bottom() + 2, w, fm.height()), Qt.AlignmentFlag.AlignCenter, tick)

    def bin_at(self, x: float) -> int:
        if not self.counts:
            return -1
        slot = (self.width() - 8) / len(self.counts)
        i = int((x - 4) // slot) if slot > 0 else -1
        return i if 0 <= i < len(self.counts) else -1

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            i = self.bin_at(e.pos().x())
            if i >= 0:
                QToolTip.showText(e.globalPos(), f"{self.labels[i]}: {self.counts[i]}", self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)


class AmountBars(_Chart):
    def __init__(self) -> None:
        super().__init__("marketAmount", 70)
        self.items: list[tuple[str, float]] = []      # (date, amount), the day last
        self.fmt = str

    def set_data(self, items: list[tuple[str, float]], fmt) -> None:
        self.items, self.fmt = list(items), fmt
        self.update()

    def paintEvent(self, _e: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p, fm = self._begin()
        pal = self.palette()
        if not self.items:
            p.setPen(pal.placeholderText().color())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        n = len(self.items)
        line = fm.height()
        area = QRectF(4, line + 2, self.width() - 8, self.height() - 2 * line - 6)
        slot = area.width() / n
        peak = max(a for _, a in self.items) or 1.0
        for i, (day, amount) in enumerate(self.items):
            h = area.height() * amount / peak
            bar = QRectF(area.x() + i * slot + slot * 0.2, area.bottom() - h, slot * 0.6, h)
            color = pal.highlight().color() if i == n - 1 else QColor(pal.placeholderText().color())
            p.fillRect(bar, color)
            p.setPen(pal.text().color())
            label = self.fmt(amount)
            if fm.horizontalAdvance(label) <= slot:
                p.drawText(QRectF(area.x() + i * slot, bar.y() - line, slot, line), Qt.AlignmentFlag.AlignCenter, label)
            p.setPen(pal.placeholderText().color())
            tick = day[5:]
            if fm.horizontalAdvance(tick) <= slot:
                p.drawText(QRectF(area.x() + i * slot, area.bottom() + 2, slot, line), Qt.AlignmentFlag.AlignCenter, tick)
