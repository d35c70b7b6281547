"""分时 ⇄ K线 in the stock view (issue 17 §5): the chart and the 分时 view (``ui/intraday_view``)
share the chart's place in the view's splitter (a stack); **F9**, the 分时 button before the
period buttons and the Panes menu's 分时图 entry toggle them (通达信 toggles with F5, which is
StockScan's Scan; F9 is free). Choosing a K-line period (a button, the 分钟 menu or F8) goes back
to the K-line.

While the 分时 view is shown, the open stock's 1-minute bars are loaded on the view's runner
(``core.minute_data.load_minutes``, the minute cache) and its last day computed there
(``core.intraday.intraday_day``, the previous close from the view's daily bars); a newly opened
stock reloads it; a stale result is dropped. An index has no minute bars: the view says so.
With a live source the shown day is reloaded every ``REFRESH_MS`` while the view is up (the
loader's cache answers within its 60 s, so this is at most one request a minute); the demo
market's day does not change, so it is not polled.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QStackedWidget, QToolButton

from desktop_app.ui import theme
from desktop_app.ui.actions import make_action
from desktop_app.ui.i18n import reason_text, tr

INTRADAY_KEY = Qt.Key.Key_F9
REFRESH_MS = 60_000


def load_intraday(source: Any, symbol: str, daily: Any) -> tuple[str, Any]:
    """Runs on the runner: ``(symbol, IntradayDay | None)`` of the last day with minute bars."""
    from desktop_app.core.intraday import intraday_day
    from desktop_app.core.minute_data import load_minutes, open_minute_store

    load = load_minutes(source, open_minute_store(source), symbol, "1m")
    return symbol, intraday_day(load.bars, daily)


class IntradaySwitch(QObject):
    """The stack, the toggle (F9, button, menu entry) and the 分时 view's data."""

    toggled = Signal(bool)            # True: the 分时 view is shown

    def __init__(self, view: Any, periods: Any) -> None:
        super().__init__(view)
        self.view, self.periods = view, periods
        self._key = f"intraday-{id(self)}"
        self.stack: QStackedWidget | None = None
        self.intraday: Any = None
        self.button = QToolButton(periods.widget)
        self.button.setObjectName("intradayButton")
        self.button.setCheckable(True)
        self.button.clicked.connect(self._on_button)
        periods.widget.layout().insertWidget(0, self.button)
        self.action = make_action(view, "actionIntraday", self.toggle, QKeySequence(INTRADAY_KEY))
        self.action.setCheckable(True)
        view.panes_menu.addSeparator()
        view.panes_menu.addAction(self.action)
        periods.group.buttonClicked.connect(self._on_period_chosen)
        periods.period_changed.connect(self._on_period_chosen)
        view.stock_loaded.connect(self._on_stock_loaded)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._on_timer)

    def stack_with(self, chart: Any) -> QStackedWidget:
        from desktop_app.ui.intraday_view import IntradayView

        self.stack = QStackedWidget()
        self.stack.setObjectName("chartStack")
        self.stack.addWidget(chart)
        self.intraday = IntradayView(theme="dark" if theme.is_dark() else "light")
        self.stack.addWidget(self.intraday)
        return self.stack

    def retranslate(self) -> None:
        self.button.setText(tr("Intraday"))
        self.button.setToolTip(tr("Intraday (分时) view of the open stock (F9 toggles it and the K-line)"))
        self.action.setText(tr("Intraday chart (F9)"))
        if self.intraday is not None:
            self.intraday.retranslate()

    # -- toggling -----------------------------------------------------------------------------
    def is_shown(self) -> bool:
        return self.stack is not None and self.stack.currentWidget() is self.intraday

    def toggle(self, *_args: Any) -> None:
        self.set_shown(not self.is_shown())

    def set_shown(self, on: bool) -> None:
        if self.stack is None:
            return
        was = self.is_shown()
        self.stack.setCurrentWidget(self.intraday if on else self.stack.widget(0))
        self.button.setChecked(on)
        self.action.setChecked(on)
        if on:
            self.intraday.setFocus()
            self._request()
        if on and not self.view._is_demo():
            self.timer.start()
        else:
            self.timer.stop()
        if on != was:
            self.toggled.emit(on)

    def _on_button(self, checked: bool) -> None:
        self.set_shown(checked)

    def _on_period_chosen(self, *_args: Any) -> None:
        if self.is_shown():
            self.set_shown(False)

    def _on_stock_loaded(self, _symbol: str) -> None:
        if self.is_shown():
            self._request()

    def _on_timer(self) -> None:
        if not self.is_shown() or self.view._is_demo():
            self.timer.stop()
        elif not self.view.runner.is_busy(self._key):
            self._request(quiet=True)

    # -- data ---------------------------------------------------------------------------------
    def _request(self, quiet: bool = False) -> None:
        """Load the open stock's day; ``quiet`` (the refresh timer) keeps the shown day meanwhile."""
        v = self.view
        symbol, source = v.current_symbol(), getattr(v.ctx, "source", None)
        if not symbol or source is None:
            self.intraday.show_message(tr("Open a stock: double-click a result or a watchlist entry, or press Ctrl+K."))
            return
        if not (quiet and self.intraday.has_day()):
            self.intraday.show_message(tr("Loading {symbol}…").format(symbol=symbol))
        v.runner.run(partial(load_intraday, source, symbol, v.current_bars()), self._on_loaded,
                     self._on_error, key=self._key)

    def _on_loaded(self, result: tuple[str, Any]) -> None:
        symbol, day = result
        v = self.view
        if symbol != v.current_symbol():
            return
        if day is None:
            self.intraday.show_message(tr("No intraday bars for {symbol}").format(symbol=symbol))
            return
        from desktop_app.ui.index_breadth import display_code

        report = v.current_report()
        self.intraday.set_day(day, symbol=display_code(symbol), name=str(getattr(report, "name", "") or ""),
                              is_demo=v._is_demo())

    def _on_error(self, exc: BaseException) -> None:
        reason = getattr(exc, "reason", None)
        error = reason_text(reason) if reason is not None else (str(exc) or type(exc).__name__)
        self.intraday.show_message(tr("No intraday bars for {symbol}: {error}").format(
            symbol=self.view.current_symbol(), error=error))
