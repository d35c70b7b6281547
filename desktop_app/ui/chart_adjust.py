"""The chart's 复权 choice: 前复权 / 后复权 / 不复权 in the chart's menu (the Panes menu, also the
chart's right click), remembered in ``QSettings()`` ("chart/adjust": qfq | hfq | none), shown in
the chart's title line (``label()``, read by ``ui/chart_period``).

``ChartAdjust.show(bars, report, strategies)`` stands before ``ChartPeriods.show``: on 前复权 the
stock view's bars (the store's forward-adjusted ones) go on at once; on 后复权/不复权 the
background runner computes the series (``core.adjustment.load_adjusted_bars``: arithmetic over
the store's raw prices and factors, which it fetches once per stock the first time), and the
period's bars are made from those. Newest request wins; a result for bars no longer shown is
dropped. An index has one series: the choice does not apply to it. The report, its score and
its signals stay forward-adjusted (scans use forward-adjusted closes); support/resistance lines
are moved by the ratio of the series' last close to the forward-adjusted one. Minute bars are
the source's unadjusted ones whatever the choice (``ui/chart_period``): their title says 不复权.
通达信 binds no default key to its 复权 choice; StockScan's Shift+F8 cycles it (前 → 后 → 不复权),
beside F8, which cycles the period.
"""
from __future__ import annotations

import math
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu

from desktop_app.ui.i18n import reason_text, tr

ADJUST_KEY = "chart/adjust"
ADJUSTMENTS = ("qfq", "hfq", "none")   # = core.adjustment.ADJUSTMENTS (core is not imported at start)


def load_adjust() -> str:
    kind = str(QSettings().value(ADJUST_KEY, "qfq") or "qfq")
    return kind if kind in ADJUSTMENTS else "qfq"


def adjust_label(kind: str) -> str:
    return {"qfq": tr("Forward-adjusted"), "hfq": tr("Backward-adjusted"), "none": tr("Unadjusted")}[kind]


def _adjusted_frame(code: str, kind: str, source: Any, store: Any, bars: Any) -> tuple[Any, str, Any]:
    """Runs on the runner: ``(forward-adjusted bars, kind, the kind's bars)``."""
    from desktop_app.core.adjustment import load_adjusted_bars

    return bars, kind, load_adjusted_bars(code, kind, source, store, qfq=bars)


class ChartAdjust(QObject):
    """The 复权 submenu of the view's chart menu, and the chart's bars for the choice."""

    adjust_changed = Signal(str)

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self._kind = load_adjust()
        self._key = f"chart-adjust-{id(self)}"
        self._shown: tuple[Any, Any, Any] | None = None   # (forward-adjusted bars, report, strategies)
        self._scale = 1.0
        self.menu = QMenu(view.panes_menu)
        self.menu.setObjectName("chartAdjustMenu")
        view.panes_menu.addSeparator()
        view.panes_menu.addMenu(self.menu)
        group = QActionGroup(self.menu)
        group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for kind in ADJUSTMENTS:
            a = QAction(self.menu)
            a.setObjectName(f"adjust_{kind}")
            a.setCheckable(True)
            a.setChecked(kind == self._kind)
            a.triggered.connect(partial(self.set_adjust, kind))
            group.addAction(a)
            self.menu.addAction(a)
            self.actions[kind] = a
        self.shortcut = QShortcut(QKeySequence("Shift+F8"), view)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)     # as F8 (ui/chart_period.py)
        self.shortcut.activated.connect(self.cycle)
        self.retranslate()

    def cycle(self) -> None:
        """Shift+F8: the next choice, 前复权 → 后复权 → 不复权 → 前复权."""
        self.set_adjust(ADJUSTMENTS[(ADJUSTMENTS.index(self._kind) + 1) % len(ADJUSTMENTS)])

    def retranslate(self) -> None:
        self.menu.setTitle(tr("Price adjustment (Shift+F8)"))
        for kind, a in self.actions.items():
            a.setText(adjust_label(kind))

    def kind(self) -> str:
        return self._kind

    def applies(self) -> bool:
        """False for an index (one series, no corporate actions)."""
        return not str(self.view.current_symbol()).startswith("index:")

    def label(self, kind: str | None = None) -> str:
        """The title line's word for the choice, or for ``kind`` ("" for an index)."""
        shown = self._kind if kind is None else kind
        return adjust_label(shown) if self.applies() and self.view.current_symbol() else ""

    def levels(self, levels: list | None) -> list | None:
        """Forward-adjusted support/resistance prices moved into the shown series."""
        if not levels or self._scale == 1.0:
            return levels
        return [(price * self._scale, kind, where) for price, kind, where in levels]

    def set_adjust(self, kind: str, *_args: Any) -> None:
        if kind not in ADJUSTMENTS:
            raise ValueError(f"unknown adjustment {kind!r}; choose from {ADJUSTMENTS}")
        self.actions[kind].setChecked(True)
        if kind == self._kind:
            return
        self._kind = kind
        QSettings().setValue(ADJUST_KEY, kind)
        if self._shown is not None:
            self.show(*self._shown)
        self.adjust_changed.emit(kind)

    # -- feeding the chart ----------------------------------------------------------------------
    def show(self, bars: Any, report: Any, strategies: list[str] | None) -> None:
        self._shown = (bars, report, strategies)
        v = self.view
        if bars is None or self._kind == "qfq" or not self.applies():
            v.runner.run(lambda: None, key=self._key)          # a pending computation is superseded
            self._scale = 1.0
            v.periods.show(bars, report, strategies)
            return
        v.chart.show_placeholder(tr("Loading {adjustment} bars…").format(adjustment=adjust_label(self._kind)))
        job = partial(_adjusted_frame, v.current_symbol(), self._kind, getattr(v.ctx, "source", None),
                      getattr(v.ctx, "store", None), bars)
        v.runner.run(job, self._on_frame, self._on_error, key=self._key)

    def _on_frame(self, result: tuple[Any, str, Any]) -> None:
        bars, kind, frame = result
        if self._shown is None or bars is not self._shown[0] or kind != self._kind:
            return     # another stock or choice since
        last, qfq_last = float(frame["close"].iloc[-1]), float(bars["close"].iloc[-1])
        self._scale = last / qfq_last if math.isfinite(last / qfq_last) and qfq_last else 1.0
        self.view.periods.show(frame, self._shown[1], self._shown[2])

    def _on_error(self, exc: BaseException) -> None:
        if self._shown is None:
            return
        reason = getattr(exc, "reason", None)
        message = reason_text(reason) if reason is not None else (str(exc).strip() or type(exc).__name__)
        self.view.chart.show_placeholder(tr("No {adjustment} bars: {error}").format(
            adjustment=adjust_label(self._kind), error=message))
