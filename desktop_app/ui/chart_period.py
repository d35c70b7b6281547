"""The chart's period: 日K / 周K / 月K buttons and a 分钟 menu (1/5/15/30/60 minutes) beside the
stock view's title and F8 cycling them in 通达信's order (1分钟 → 5 → 15 → 30 → 60分钟 → 日线 →
周线 → 月线 → 1分钟), the choice remembered in ``QSettings()`` ("chart/period": day | week |
month | 1m | 5m | 15m | 30m | 60m).

``ChartPeriods.show(bars, report, strategies)`` feeds the chart: on 日K the daily bars go in at
once (the chart's measured path, unchanged); on 周K/月K the background runner resamples them
(``core.periods.resample``) and recomputes the presets' signals on the resampled bars, and the
chart gets those bars and markers (newest request wins; a result for bars no longer shown is
dropped). The chart's indicators follow whatever bars it is given, so MA/MACD/KDJ/RSI are weekly
on 周K. Markers: the same presets as on 日K (those given, or those that fired recently on days),
at the weekly/monthly bars where they fire. Support/resistance lines are the daily report's
prices (levels, valid on any period). The period is the view's, not the stock's: it stays when
another stock or an index is opened.

Minute periods (issue 17 §4) load the stock's minute bars on the runner (``core.minute_data``:
the source's answer merged into the minute cache) behind the chart's placeholder; the chart's
indicators follow them, the x axis shows times of day; no preset markers (presets are daily
rules). An index has no minute bars: the placeholder says so.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QMenu, QToolButton, QWidget

from desktop_app.ui.i18n import tr

PERIOD_KEY = "chart/period"
DAY_PERIODS = ("day", "week", "month")     # = core.periods.PERIODS (core is not imported at start)
MINUTE_PERIODS = ("1m", "5m", "15m", "30m", "60m")    # = core.minute_bars.MINUTE_PERIODS
PERIODS = (*MINUTE_PERIODS, *DAY_PERIODS)     # 通达信's F8 order


def load_period() -> str:
    p = str(QSettings().value(PERIOD_KEY, "day") or "day")
    return p if p in PERIODS else "day"


def period_label(period: str) -> str:
    return {"day": tr("Daily K"), "week": tr("Weekly K"), "month": tr("Monthly K"), "1m": tr("1 min"),
            "5m": tr("5 min"), "15m": tr("15 min"), "30m": tr("30 min"), "60m": tr("60 min")}[period]


def _period_frame(bars: Any, period: str, symbol: str) -> tuple[Any, str, Any, dict]:
    """Runs on the runner: ``(daily bars, period, resampled bars, signal dates)``."""
    from desktop_app.core.periods import period_signal_dates, resample

    frame = resample(bars, period)
    return bars, period, frame, period_signal_dates(frame, symbol)


class ChartPeriods(QObject):
    """The period buttons (``widget``), F8, and feeding the view's chart for the period."""

    period_changed = Signal(str)

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self._period = load_period()
        self._key = f"chart-period-{id(self)}"
        self._shown: tuple[Any, Any, Any] | None = None      # (daily bars, report, strategies)
        self._frame: Any = None
        self.widget = QWidget(view)
        self.widget.setObjectName("chartPeriods")
        lay = QHBoxLayout(self.widget)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.group = QButtonGroup(self.widget)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        for p in DAY_PERIODS:
            b = QToolButton(self.widget)
            b.setObjectName(f"period_{p}")
            b.setCheckable(True)
            b.setChecked(p == self._period)
            b.clicked.connect(partial(self.set_period, p))
            self.group.addButton(b)
            lay.addWidget(b)
            self.buttons[p] = b
        self._build_minute_button(lay)
        self.shortcut = QShortcut(QKeySequence(Qt.Key.Key_F8), view)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.cycle)
        self.retranslate()

    def _build_minute_button(self, lay: QHBoxLayout) -> None:
        """分钟: one button whose menu picks 1/5/15/30/60 minutes (checked while one is shown)."""
        self.minute_button = b = QToolButton(self.widget)
        b.setObjectName("period_minutes")
        b.setCheckable(True)
        b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.minute_menu = QMenu(b)
        group = QActionGroup(self.minute_menu)
        self.minute_actions: dict[str, QAction] = {}
        for p in MINUTE_PERIODS:
            a = QAction(self.minute_menu)
            a.setCheckable(True)
            a.setChecked(p == self._period)
            a.setObjectName(f"period_{p}")
            a.triggered.connect(partial(self.set_period, p))
            group.addAction(a)
            self.minute_menu.addAction(a)
            self.minute_actions[p] = a
        b.setMenu(self.minute_menu)
        b.setChecked(self._period in MINUTE_PERIODS)
        self.group.addButton(b)
        lay.addWidget(b)

    def stack_with(self, chart: Any) -> Any:
        """The chart stacked with the 分时 view (``ui/intraday_switch.py``: F9, the 分时 button),
        for the view's splitter."""
        from desktop_app.ui.intraday_switch import IntradaySwitch

        self.intraday = IntradaySwitch(self.view, self)
        stack = self.intraday.stack_with(chart)
        self.intraday.retranslate()
        return stack

    def shown_clone(self) -> Any:
        """A twin of what the chart's place shows — the chart, or the 分时 view when it is up —
        for the view's PNG export."""
        sw = getattr(self, "intraday", None)
        return sw.intraday.clone() if sw is not None and sw.is_shown() else self.view.chart.clone()

    def retranslate(self) -> None:
        for p, b in self.buttons.items():
            b.setText(period_label(p))
            b.setToolTip(tr("Chart period (F8 cycles 1/5/15/30/60 minutes, day, week, month)"))
        for p, a in self.minute_actions.items():
            a.setText(period_label(p))
        minute = self._period in MINUTE_PERIODS
        self.minute_button.setText(period_label(self._period) if minute else tr("Minutes"))
        self.minute_button.setToolTip(tr("Minute K-lines: 1, 5, 15, 30 or 60 minutes"))
        if getattr(self, "intraday", None) is not None:
            self.intraday.retranslate()

    def period(self) -> str:
        return self._period

    @Slot()
    def cycle(self) -> None:
        """F8, 通达信's order: 1 → 5 → 15 → 30 → 60分钟 → 日 → 周 → 月 → 1分钟."""
        self.set_period(PERIODS[(PERIODS.index(self._period) + 1) % len(PERIODS)])

    def set_period(self, period: str, *_args: Any) -> None:
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}; choose from {PERIODS}")
        if period in MINUTE_PERIODS:
            self.minute_button.setChecked(True)
            self.minute_actions[period].setChecked(True)
        else:
            self.buttons[period].setChecked(True)
        if period == self._period:
            return
        self._period = period
        self.retranslate()
        QSettings().setValue(PERIOD_KEY, period)
        if self._shown is not None:
            self.show(*self._shown)
        self.period_changed.emit(period)

    def shown_frame(self) -> Any:
        """The bars the chart was last given (daily, weekly, monthly or minute bars)."""
        return self._frame

    # -- feeding the chart ----------------------------------------------------------------------
    def show(self, bars: Any, report: Any, strategies: list[str] | None) -> None:
        self._shown = (bars, report, strategies)
        if self._period == "day" or bars is None:
            self.view.runner.run(lambda: None, key=self._key)   # a pending resample is superseded
            self._put(bars, getattr(report, "signal_dates", None))
            return
        if self._period in MINUTE_PERIODS:
            from desktop_app.ui.minute_chart import request_minutes

            request_minutes(self, self._period)
            return
        self.view.chart.show_placeholder(tr("Resampling to {period}…").format(period=period_label(self._period)))
        self.view.runner.run(partial(_period_frame, bars, self._period, self.view.current_symbol()),
                             self._on_frame, key=self._key)

    def _on_frame(self, result: tuple[Any, str, Any, dict]) -> None:
        bars, period, frame, dates = result
        if self._shown is None or bars is not self._shown[0] or period != self._period:
            return     # another stock or period since
        self._put(frame, dates)

    def _put(self, frame: Any, signal_dates: dict | None) -> None:
        from desktop_app.ui.index_breadth import display_code, index_display_name
        from desktop_app.ui.stock_view import chart_levels, chart_markers

        _bars, report, strategies = self._shown
        v = self.view
        self._frame = frame
        markers = chart_markers(report, strategies, signal_dates) if report is not None else None
        name = str(getattr(report, "name", "") or "") if report is not None else index_display_name(v.current_symbol())
        if self._period != "day":
            name = f"{name} {period_label(self._period)}".strip()
        adjust = getattr(v, "adjust", None)                   # ui/chart_adjust: 前复权/后复权/不复权
        levels = chart_levels(report) if report is not None else None
        if adjust is not None and self._period in MINUTE_PERIODS:
            # minute bars come unadjusted whatever the choice (the source's, as 通达信 draws
            # them): the title says so, and the levels stay forward-adjusted, which for the
            # recent days minute bars cover are the prices traded
            name = f"{name} {adjust.label('none')}".strip()
        elif adjust is not None:
            name, levels = f"{name} {adjust.label()}".strip(), adjust.levels(levels)
        v.chart.set_bars(frame, symbol=display_code(v.current_symbol()), name=name, is_demo=v._is_demo(), markers=markers,
                         levels=levels)
