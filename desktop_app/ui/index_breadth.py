"""An index in the stock view: the breadth panel shown instead of the analysis (an index has no
score), and how an index is named on screen.

``BreadthPanel.follow(symbol)`` swaps it in for the analysis panel (one stacked side of the view's
splitter, ``stack_with``) while an index (``index:<code>``) is open and back when a stock is; ``show_loaded(loaded)`` shows what
``core.index_data.load_index`` computed off the GUI thread: the members' up/down/flat counts on
the last day and the share above MA20/MA60 (definitions in ``core/index_data.py``).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from desktop_app.core.numfmt import pct
from desktop_app.ui import theme
from desktop_app.ui.i18n import tr

INDEX_NS = "index:"                  # = core.index_data.INDEX_NS


def is_index(symbol: str) -> bool:
    return str(symbol).startswith(INDEX_NS)


def display_code(symbol: str) -> str:
    """``index:000001`` → ``sh000001`` (never confused with the stock 000001); a stock's code as is."""
    if not is_index(symbol):
        return symbol
    from desktop_app.core.symbols import INDEXES

    code = symbol[len(INDEX_NS):]
    return INDEXES[code][2].lower() + code if code in INDEXES else code


def index_display_name(symbol: str) -> str:
    """An index's Chinese name (users know 沪深300 by it), "" for a stock."""
    if not is_index(symbol):
        return ""
    from desktop_app.core.symbols import INDEXES

    return INDEXES.get(symbol[len(INDEX_NS):], ("",))[0]


def title_html(symbol: str, name: str) -> str:
    """The stock view's title line: ``<b>沪深300</b> sh000300 指数`` for an index."""
    if is_index(symbol):
        return f"<b>{index_display_name(symbol)}</b> {display_code(symbol)} · {tr('Index')}"
    return f"<b>{name}</b> {symbol}" if name else symbol


class BreadthPanel(QWidget):
    """The members' breadth of the open index."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breadthPanel")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("breadthTitle")
        self.note = QLabel()
        self.note.setObjectName("breadthNote")
        self.note.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.note)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        self._names: dict[str, QLabel] = {}
        for key in ("date", "members", "up", "down", "flat", "ma20", "ma60"):
            name, value = QLabel(), QLabel()
            value.setObjectName(f"breadth_{key}")
            form.addRow(name, value)
            self.values[key], self._names[key] = value, name
        lay.addLayout(form)
        lay.addStretch(1)
        self._symbol = ""
        self._loaded: Any = None
        self._stack: QStackedWidget | None = None
        self.retranslate()

    def retranslate(self) -> None:
        words = {"date": tr("Date"), "members": tr("Members with bars"), "up": tr("Up"), "down": tr("Down"),
                 "flat": tr("Unchanged"), "ma20": tr("Above MA20"), "ma60": tr("Above MA60")}
        for key, label in self._names.items():
            label.setText(words[key])
        if self._loaded is not None:
            self.show_loaded(self._loaded)
        elif self._symbol:
            self.note.setText(tr("Loading {symbol}…").format(symbol=display_code(self._symbol)))

    def stack_with(self, analysis: QWidget) -> QStackedWidget:
        """The view's side of the splitter: ``analysis`` or this panel, one at a time (so the
        saved chart | analysis split keeps its two parts)."""
        self._stack = QStackedWidget()
        self._stack.setObjectName("stockSide")
        self._stack.addWidget(analysis)
        self._stack.addWidget(self)
        self._stack.setCurrentWidget(analysis)
        return self._stack

    def follow(self, symbol: str, analysis: QWidget) -> None:
        """Show this panel for an index (and hide ``analysis``), the analysis for a stock."""
        index = is_index(symbol)
        self._symbol, self._loaded = (symbol if index else ""), None
        if self._stack is not None:
            self._stack.setCurrentWidget(self if index else analysis)
        if index:
            self.title.setText(title_html(symbol, ""))
            for v in self.values.values():
                v.setText("—")
            self.note.setText(tr("Loading {symbol}…").format(symbol=display_code(symbol)))

    def show_loaded(self, loaded: Any) -> None:
        """``core.index_data.LoadedIndex``: its breadth, or why there is none."""
        self._loaded = loaded
        b = loaded.breadth
        if b is None:
            self.note.setText(tr("No breadth for this index: {error}").format(error=loaded.breadth_error))
            return
        self.note.setText(tr("An index has no score. Breadth of its members on the last day:"))
        v = self.values
        v["date"].setText(b.date.date().isoformat() if b.date is not None else "—")
        v["members"].setText(f"{b.with_bars} / {b.members}")
        for key, n, color in (("up", b.up, theme.up_color()), ("down", b.down, theme.down_color()),
                              ("flat", b.flat, None)):
            v[key].setText(str(n))
            v[key].setStyleSheet(f"color: {color.name()};" if color is not None else "")
        v["ma20"].setText(f"{pct(b.above_ma20 * 100 if b.above_ma20 is not None else None, 1, sign=False)}"
                          f"  ({b.n_ma20})")
        v["ma60"].setText(f"{pct(b.above_ma60 * 100 if b.above_ma60 is not None else None, 1, sign=False)}"
                          f"  ({b.n_ma60})")
