"""Common base of the chart's axes: pyqtgraph's AxisItem with its per-label overhead removed.

``AxisItem.generateDrawSpecs`` runs on every y refit (every zoom and pan) and measures each label
with ``QPainter.boundingRect`` and recomputes the axis' own ``boundingRect`` once per label. The
labels repeat from frame to frame ("12.50", "2024-03") and the axis does not move while its specs
are generated, so both answers are remembered: the same specs, hence the same picture, for less
Python and text-layout work per frame.

The specs are drawn straight onto the item's painter on every paint instead of being recorded
into a ``QPicture`` and replayed (pyqtgraph's way): a zoom or pan regenerates every axis' specs,
and recording them costs as much as drawing them, so the picture only doubled the work. The
labels are still measured with a picture painter, as pyqtgraph measures them.

Labels stay inside their axis (``hideOverlappingLabels``): one sticking out would be painted over
by the next pane's title strip. pyqtgraph drops such a label; the chart slides it inside the axis
instead when it then clears its neighbours, so e.g. the latest month keeps its date label at the
right end of the time axis.
"""
from __future__ import annotations

import math

import numpy as np

from ._qt import QtCore, QtGui, pg

_MAX_SIZES = 4096  # distinct label strings remembered per axis before starting over
# text flags made once: each ``|`` of PySide6 enums is a Python call (four per axis per zoom frame)
_CENTER = QtCore.Qt.AlignmentFlag.AlignCenter
_FLAGS_RIGHT = (QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter
                | QtCore.Qt.TextFlag.TextDontClip)
_FLAGS_BOTTOM = (QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop
                 | QtCore.Qt.TextFlag.TextDontClip)
_PROBE = QtCore.QRectF(0, 0, 100, 100)   # pyqtgraph measures tick labels centred in this rect


class _MeasuringPainter:
    """Stands in for the QPainter given to ``generateDrawSpecs``: remembers ``setFont`` and
    answers ``boundingRect`` from a per-axis cache keyed by font and text. The painter that
    measures (on a ``QPicture``, as pyqtgraph measures) is opened only on a cache miss: once the
    labels of a range have been seen, a zoom or pan measures nothing."""

    __slots__ = ("_p", "_picture", "_cache", "_font", "_font_key")

    def __init__(self, cache: dict) -> None:
        self._p: QtGui.QPainter | None = None
        self._picture: QtGui.QPicture | None = None
        self._cache = cache
        self._font: QtGui.QFont | None = None
        self._font_key = QtGui.QFont().key()   # a new painter's font: the application's

    def setFont(self, font: QtGui.QFont) -> None:  # noqa: N802 (QPainter API)
        self._font = font
        self._font_key = font.key()
        if self._p is not None:
            self._p.setFont(font)

    def _painter(self) -> QtGui.QPainter:
        if self._p is None:
            self._picture = QtGui.QPicture()
            self._p = QtGui.QPainter(self._picture)
            if self._font is not None:
                self._p.setFont(self._font)
        return self._p

    def end(self) -> None:
        if self._p is not None:
            self._p.end()
            self._p = self._picture = None

    def boundingRect(self, rect, flags, text: str) -> QtCore.QRectF:  # noqa: N802 (QPainter API)
        key = (self._font_key, rect.width(), rect.height(), int(flags), text)
        br = self._cache.get(key)
        if br is None:
            if len(self._cache) >= _MAX_SIZES:
                self._cache.clear()
            br = self._cache[key] = self._painter().boundingRect(rect, flags, text)
        return QtCore.QRectF(br)  # a copy: pyqtgraph shrinks the rect it gets in place

    def label_size(self, text: str) -> tuple[float, float]:
        """The (width, 0.8 × height) pyqtgraph gives a tick label: its bounding rect centred in a
        100×100 probe, remembered as two floats (no QRectF per label and frame)."""
        key = (self._font_key, text)
        wh = self._cache.get(key)
        if wh is None:
            br = self.boundingRect(_PROBE, _CENTER, text)
            wh = self._cache[key] = (br.width(), br.height() * 0.8)
        return wh


class _LabelCache:
    """Tick labels as ``QStaticText``, laid out once per (font, text, flags, rect size): drawing
    one is a glyph run at a point, where ``drawText(rect, flags, text)`` lays the string out
    again on every paint. Each entry keeps the offset of the text inside its rect that
    ``drawText`` would give it (from ``QPainter.boundingRect`` with the same flags)."""

    def __init__(self) -> None:
        self._entries: dict = {}

    def draw(self, p: QtGui.QPainter, text_specs) -> None:
        font_key = p.font().key()
        for rect, flags, text in text_specs:
            w, h = rect.width(), rect.height()
            key = (font_key, w, h, int(flags), text)
            entry = self._entries.get(key)
            if entry is None:
                if len(self._entries) >= _MAX_SIZES:
                    self._entries.clear()
                placed = p.boundingRect(QtCore.QRectF(0.0, 0.0, w, h), int(flags), text)
                static = QtGui.QStaticText(text)
                static.setTextFormat(QtCore.Qt.TextFormat.PlainText)
                static.prepare(QtGui.QTransform(), p.font())
                entry = self._entries[key] = (static, placed.left(), placed.top())
            static, dx, dy = entry
            p.drawStaticText(QtCore.QPointF(rect.left() + dx, rect.top() + dy), static)


#: stands in ``AxisItem.picture`` once the specs are current (pyqtgraph sets ``picture = None``
#: whenever the axis must be regenerated: range, size, style, ticks)
_SPECS_CURRENT = object()


class ChartAxis(pg.AxisItem):
    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self._sizes: dict = {}
        self._frozen_br: QtCore.QRectF | None = None
        self._specs = None
        self._slide_candidates: list | None = None   # see _lean_specs
        self._pen_cache: tuple | None = None         # see _pens_for_style
        self._br_cache: tuple | None = None          # see boundingRect
        self._label_texts = _LabelCache()
        self.setStyle(hideOverlappingLabels=True)

    def paint(self, p: QtGui.QPainter, *args) -> None:
        if self.picture is not _SPECS_CURRENT:
            measure = _MeasuringPainter(self._sizes)
            try:
                if self.style["tickFont"]:
                    measure.setFont(self.style["tickFont"])
                self._specs = self.generateDrawSpecs(measure)
            finally:
                measure.end()
            self.picture = _SPECS_CURRENT
        if self._specs is not None:
            p.save()
            try:
                self._draw_specs(p, *self._specs)
            finally:
                p.restore()

    def _draw_specs(self, p: QtGui.QPainter, axis_spec, tick_specs, text_specs) -> None:
        """``AxisItem.drawPicture``'s drawing with fewer calls: the ticks of one pen in one
        ``drawLines``, each label a ``QStaticText`` laid out once per string (see
        :class:`_LabelCache`)."""
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        pen, p1, p2 = axis_spec
        p.setPen(pen)
        p.drawLine(p1, p2)
        run_pen, run = None, []
        for pen, a, b in tick_specs:
            if pen is not run_pen:
                if run:
                    p.setPen(run_pen)
                    p.drawLines(run)
                run_pen, run = pen, []
            run.append(QtCore.QLineF(a, b))
        if run:
            p.setPen(run_pen)
            p.drawLines(run)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        p.setPen(self._pens_for_style()[2])
        p.setClipRect(self.boundingRect().toAlignedRect())
        self._label_texts.draw(p, text_specs)

    def generateDrawSpecs(self, p: QtGui.QPainter | _MeasuringPainter):  # noqa: N802 (pg API)
        measure = p if isinstance(p, _MeasuringPainter) else _MeasuringPainter(self._sizes)
        specs = self._base_specs(measure)
        if specs is None or not self.style["showValues"]:
            return specs
        return self._slide_edge_labels(measure, specs)

    def _base_specs(self, p: QtGui.QPainter | _MeasuringPainter):
        """What ``pg.AxisItem.generateDrawSpecs`` returns, computed with less work."""
        measure = p if isinstance(p, _MeasuringPainter) else _MeasuringPainter(self._sizes)
        self._frozen_br = super().boundingRect()
        self._slide_candidates = None
        try:
            if self._lean_case():
                return self._lean_specs(measure)
            return super().generateDrawSpecs(measure)
        finally:
            self._frozen_br = None

    def _lean_case(self) -> bool:
        """The configuration the chart uses (right or bottom axis, no grid, computed ticks, linear,
        default tick alpha and axis extent), for which :meth:`_lean_specs` applies."""
        st = self.style
        return (self.orientation in ("right", "bottom") and self.grid is False
                and self._tickLevels is None and not self.logMode and st["tickAlpha"] is None
                and tuple(st["stopAxisAtTick"]) == (False, False))

    def _lean_specs(self, p: _MeasuringPainter):
        """``AxisItem.generateDrawSpecs`` for :meth:`_lean_case`: the same arithmetic, in the
        same order, with the branches that cannot apply removed and the per-tick objects
        (pyqtgraph Points, pens) made once."""
        st = self.style
        if st["tickFont"] is not None:
            p.setFont(st["tickFont"])
        bounds = self.mapRectFromParent(self.geometry())
        if self.orientation == "right":
            span = (bounds.topLeft() + QtCore.QPointF(1.0, -1.0),
                    bounds.bottomLeft() + QtCore.QPointF(1.0, 1.0))
            tick_stop = bounds.left()
            axis = 0
        else:  # bottom
            span = (bounds.topLeft() + QtCore.QPointF(-1.0, 1.0),
                    bounds.topRight() + QtCore.QPointF(1.0, 1.0))
            tick_stop = bounds.top()
            axis = 1
        tick_start = tick_stop  # no grid: the ticks start at the axis line
        device = self.deviceTransform_()   # what mapToDevice asks for, once for both ends
        if device is None:
            return None
        d = device.map(span[1]) - device.map(span[0])
        length_px = math.hypot(d.x(), d.y())          # pg.Point.length
        if length_px == 0:
            return None
        r0, r1 = self.range
        tick_levels = self.tickValues(r0, r1, length_px)
        dif = r1 - r0
        if dif == 0:
            x_scale, offset = 1, 0
        elif axis == 0:
            x_scale = -bounds.height() / dif
            offset = r0 * x_scale - bounds.height()
        else:
            x_scale = bounds.width() / dif
            offset = r0 * x_scale
        x_range = [x * x_scale - offset for x in self.range]
        x_min, x_max = min(x_range), max(x_range)

        tick_positions: list[list] = []
        tick_specs = []
        # the (level, index, value) of every labelled-level tick that gets no label: the only
        # ones _slide_edge_labels can add, so it need not re-map every tick (None: it must)
        missed: list | None = []
        text_levels = st["maxTextLevel"] + 1
        for i, (_, ticks) in enumerate(tick_levels):
            positions: list = []
            tick_positions.append(positions)
            tick_length = st["tickLength"] / ((i * 0.5) + 1.0)
            tick_pen = self._level_pen(i)
            end = tick_stop + tick_length
            for j, v in enumerate(ticks):
                x = (v * x_scale) - offset
                if x < x_min or x > x_max:
                    positions.append(None)
                    if i < text_levels:
                        missed.append((i, j, v))
                    continue
                positions.append(x)
                if axis == 0:
                    tick_specs.append((tick_pen, QtCore.QPointF(tick_start, x),
                                       QtCore.QPointF(end, x)))
                else:
                    tick_specs.append((tick_pen, QtCore.QPointF(x, tick_start),
                                       QtCore.QPointF(x, end)))
        axis_spec = (self._pens_for_style()[0], span[0], span[1])

        text_specs: list = []
        if not st["showValues"]:
            return axis_spec, tick_specs, text_specs
        text_offset = st["tickTextOffset"][axis]
        text_size2 = last_text_size2 = 0
        text_sizes: list[tuple[float, float]] = []   # (width, height) of every label so far
        flags = _FLAGS_RIGHT if axis == 0 else _FLAGS_BOTTOM
        br_axis = self.boundingRect()
        shift = max(0, st["tickLength"]) + text_offset
        for i in range(min(len(tick_levels), st["maxTextLevel"] + 1)):
            spacing, values = tick_levels[i]
            strings = self.tickStrings(values, self.autoSIPrefixScale * self.scale, spacing)
            if len(strings) == 0:
                missed = None
                continue
            for j in range(len(strings)):
                if tick_positions[i][j] is None:
                    strings[j] = None
            sizes = [None if s is None else p.label_size(s) for s in strings]
            text_sizes += [wh for wh in sizes if wh is not None]
            # the labels' extent across the axis (their widths on a y axis), and along it; the
            # latter only decides whether a finer level's labels fit (pyqtgraph's np.sum)
            across = 0 if axis == 0 else 1
            text_size2 = max(wh[across] for wh in text_sizes) if text_sizes else 0
            if i > 0:
                text_size = np.sum([wh[1 - across] for wh in text_sizes]) if text_sizes else 0
                fill = float(text_size) / length_px
                if any(len(text_specs) >= n and fill >= limit
                       for n, limit in st["textFillLimits"]):
                    missed = None
                    break
            last_text_size2 = text_size2
            for j, vstr in enumerate(strings):
                if vstr is None:
                    if missed is not None and tick_positions[i][j] is not None:
                        missed.append((i, j, values[j]))
                    continue
                x = tick_positions[i][j]
                width, height = sizes[j]
                if axis == 0:
                    rect = QtCore.QRectF(tick_stop + shift, x - (height / 2), width, height)
                else:
                    rect = QtCore.QRectF(x - width / 2., tick_stop + shift, width, height)
                if br_axis & rect != rect:
                    if missed is not None:
                        missed.append((i, j, values[j]))
                    continue
                text_specs.append((rect, flags, vstr))
        self._updateMaxTextSize(last_text_size2)
        if missed is not None and tick_levels is getattr(self, "_ticks", None):
            self._slide_candidates = [v for _i, _j, v in sorted(missed, key=lambda m: m[:2])]
        return axis_spec, tick_specs, text_specs

    def _pens_for_style(self) -> tuple[QtGui.QPen, dict, QtGui.QPen]:
        """``self.pen()``, the tick pen per level and ``self.textPen()``, made once per pen
        setting: pyqtgraph copies each pen (``mkPen``) on every call, three times per axis and
        frame."""
        key = (self._pen, self._tickPen, self._textPen)
        if self._pen_cache is None or self._pen_cache[0] != key:
            self._pen_cache = (key, self.pen(), {}, self.textPen())
        return self._pen_cache[1:]

    def _level_pen(self, i: int) -> QtGui.QPen:
        """The tick pen of level ``i``, as ``AxisItem.generateDrawSpecs`` makes it."""
        levels = self._pens_for_style()[1]
        pen = levels.get(i)
        if pen is None:
            pen = self.tickPen()
            if pen.brush().style() == QtCore.Qt.BrushStyle.SolidPattern:
                pen = QtGui.QPen(pen)
                color = QtGui.QColor(pen.color())
                color.setAlpha(int(255 / (i + 1)))
                pen.setColor(color)
            levels[i] = pen
        return pen

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        """pyqtgraph's rect, remembered while what it is made of stays the same: the scene asks
        each axis ≈4 times a frame, and pyqtgraph recomputes it in Python every time."""
        if self._frozen_br is not None:
            return QtCore.QRectF(self._frozen_br)
        if self.grid is not False and self.linkedView() is not None:
            return super().boundingRect()        # it then covers the view, which moves
        key = (self.geometry().getRect(), self.transform(), self.style["tickLength"],
               self.style["hideOverlappingLabels"])
        if self._br_cache is None or self._br_cache[0] != key:
            self._br_cache = (key, super().boundingRect())
        return QtCore.QRectF(self._br_cache[1])

    def _slide_edge_labels(self, p: _MeasuringPainter, specs):
        """Labels of ticks inside the axis that were dropped because their text would cross an
        end of the axis: slid inside it, if they then clear their neighbours."""
        axis_spec, tick_specs, text_specs = specs
        ticks = getattr(self, "_ticks", None)
        if not tick_specs or not ticks or self.orientation not in ("right", "bottom"):
            return specs
        if len(text_specs) == sum(len(vals) for _s, vals in ticks[:self.style["maxTextLevel"] + 1]):
            # every tick kept its label (one spec per tick): nothing was dropped, and a slid copy
            # of a kept label would overlap the label itself
            return specs
        br = self.boundingRect()
        vertical = self.orientation == "right"
        length = br.height() if vertical else br.width()
        r0, r1 = self.range
        if r1 == r0 or length <= 0:
            return specs
        scale = length / (r1 - r0)
        centre = (lambda r: r.center().y()) if vertical else (lambda r: r.center().x())
        drawn = None   # the label centres already drawn, made when first needed
        if vertical:
            flags = _FLAGS_RIGHT
            edge = text_specs[0][0].left() if text_specs else (
                br.left() + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][0])
        else:
            flags = _FLAGS_BOTTOM
            edge = text_specs[0][0].top() if text_specs else (
                br.top() + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1])
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        added: list = []
        candidates = self._slide_candidates
        if candidates is None:
            candidates = [v for _s, vals in ticks[:self.style["maxTextLevel"] + 1] for v in vals]
        lo, hi = (br.top(), br.bottom()) if vertical else (br.left(), br.right())
        for v in candidates:
            pos = (br.bottom() - (v - r0) * scale) if vertical else (br.left() + (v - r0) * scale)
            if pos < lo - 0.5 or pos > hi + 0.5:
                continue
            if drawn is None:
                drawn = {round(centre(r), 1) for r, _f, _s in text_specs}
            if round(pos, 1) in drawn:
                continue
            text = self.tickStrings([v], self.autoSIPrefixScale * self.scale, 1.0)[0]
            if not text:
                continue
            w, h = p.label_size(text)
            if vertical:
                rect = QtCore.QRectF(edge, pos - h / 2, w, h)
                if rect.top() < br.top():
                    rect.moveTop(br.top())
                if rect.bottom() > br.bottom():
                    rect.moveBottom(br.bottom())
                pad = (0, -2, 0, 2)
            else:
                rect = QtCore.QRectF(pos - w / 2, edge, w, h)
                if rect.left() < br.left():
                    rect.moveLeft(br.left())
                if rect.right() > br.right():
                    rect.moveRight(br.right())
                pad = (-4, 0, 4, 0)
            if br & rect != rect:
                continue  # too big for the axis at all
            others = [r for r, _f, _s in text_specs] + [r for r, _f, _s in added]
            if any(rect.adjusted(*pad).intersects(o) for o in others):
                continue
            added.append((rect, flags, text))
        if not added:
            return specs
        return axis_spec, tick_specs, list(text_specs) + added
