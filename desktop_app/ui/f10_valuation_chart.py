"""The F10 page's valuation history: 市盈率(TTM) and 市净率 over time, two small pyqtgraph plots on
one trading-day axis (x = the row number, labelled with its date: ``validation_charts.DayAxis``),
from ``source.valuation_history(symbol)`` (ascending, the last row the latest).

Every number comes with its date: the caption names the span (first – last day) and, per series,
the latest value with its day and the range's low and high with theirs. A loss year's negative
PE is drawn as it is (通达信 shows it so too). When the source has no history — an empty answer
or a failure — the plots are hidden and a note says why in one sentence.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.core import numfmt
from desktop_app.ui.i18n import reason_text, tr
from desktop_app.ui.validation_charts import DayAxis, _fg, _plot

SERIES = (("pe_ttm", "#1e88e5"), ("pb", "#8e24aa"))


def _day(v: Any) -> str:
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def series_summary(dates: list, values: np.ndarray) -> dict | None:
    """The latest finite value and the range's low and high, each with its date (None: no value)."""
    ok = np.flatnonzero(np.isfinite(values))
    if not len(ok):
        return None
    lo, hi = ok[np.argmin(values[ok])], ok[np.argmax(values[ok])]
    last = ok[-1]
    return {"last": (float(values[last]), dates[last]), "low": (float(values[lo]), dates[lo]),
            "high": (float(values[hi]), dates[hi])}


class ValuationHistoryChart(QWidget):
    """``set_history(frame, error)``; ``curves[key]`` are the drawn series (tests read them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("f10ValuationHistory")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel()
        self.caption.setObjectName("f10ValuationCaption")
        self.caption.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("f10ValuationHistoryNote")
        self.note.setWordWrap(True)
        lay.addWidget(self.caption)
        lay.addWidget(self.note)
        self.axes = {k: DayAxis([]) for k, _ in SERIES}
        self.plots = {k: _plot("", self.axes[k]) for k, _ in SERIES}
        self.curves = {}
        for key, color in SERIES:
            p = self.plots[key]
            p.setMinimumHeight(120)
            p.setObjectName(f"f10Plot_{key}")
            self.curves[key] = p.getPlotItem().plot([], [], pen=pg.mkPen(color, width=1.5), connect="finite")
            lay.addWidget(p, 1)
        self.plots["pb"].getPlotItem().setXLink(self.plots["pe_ttm"].getPlotItem())
        self._frame: Any = None
        self._error: Any = None
        self._loaded = False
        self.render()

    def set_history(self, frame: Any, error: Any = None, loaded: bool = True) -> None:
        self._frame, self._error, self._loaded = frame, error, loaded
        self.render()

    def _titles(self) -> dict[str, str]:
        return {"pe_ttm": tr("P/E (TTM)"), "pb": tr("P/B")}

    def render(self) -> None:
        f = self._frame
        rows = 0 if f is None else len(f)
        titles = self._titles()
        for key, _ in SERIES:
            self.plots[key].getPlotItem().setTitle(titles[key], color=_fg().name(), size="9pt")
        if not rows:
            for key, _ in SERIES:
                self.curves[key].setData([], [])
                self.axes[key].dates = []
                self.plots[key].setVisible(False)
            self.caption.setText("")
            self.caption.setVisible(False)
            text = "" if not self._loaded else (
                tr("No valuation history: {reason}").format(reason=reason_text(self._error))
                if self._error is not None else tr("The source has no valuation history for this stock."))
            self.note.setText(text)
            self.note.setVisible(bool(text))
            return
        dates = list(f["date"])
        labels = [_day(d) for d in dates]
        x = np.arange(rows, dtype=float)
        parts = [tr("Valuation history {first} – {last} ({n} trading days)").format(
            first=labels[0], last=labels[-1], n=rows)]
        for key, _ in SERIES:
            y = np.asarray(f[key], dtype=float)
            self.axes[key].dates = labels
            self.curves[key].setData(x, y)
            self.plots[key].setVisible(True)
            s = series_summary(labels, y)
            if s is None:
                parts.append(tr("{name}: no values").format(name=titles[key]))
                continue
            parts.append(tr("{name}: latest {last} ({last_day}), low {low} ({low_day}), high {high} ({high_day})").format(
                name=titles[key], last=numfmt.num(s["last"][0]), last_day=s["last"][1],
                low=numfmt.num(s["low"][0]), low_day=s["low"][1], high=numfmt.num(s["high"][0]),
                high_day=s["high"][1]))
        self.caption.setText("\n".join(parts))
        self.caption.setVisible(True)
        self.note.setText("")
        self.note.setVisible(False)
