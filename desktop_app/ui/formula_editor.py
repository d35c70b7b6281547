"""The scan panel's 通达信 formula editor: syntax colours, completion of function and data names,
each function's help, and the formula's errors marked as you type.

- **Colours** (``FormulaHighlighter``): functions and indicator lines, data names, numbers,
  operators (and ``AND OR NOT``), comments ``{…}`` (over several lines) and ``// …``, and the
  formula's own output names (``NAME:expr``).
- **Completion**: a ``QCompleter`` over ``core.formula.help_table()`` (functions, ``MACD.DIF`` …,
  data names) pops up as a name is typed; Enter/Tab take the choice (a function gets its ``(``).
- **Help**: the line under the editor shows the signature and meaning (UI language) of the
  function at the cursor (the name under it, else the call it is inside); hovering a name shows
  the same as a tooltip, hovering a marked error its sentence.
- **Errors**: ``QTimer`` debounce (``CHECK_MS``), then ``core.formula.screen.formula_problems``
  on the window's ``BackgroundRunner`` (``key=CHECK_KEY``: the newest text wins). The check
  costs ≈12 ms for a 30-line formula, over the GUI thread's ~5 ms budget, so it never runs there
  in the window; a panel built without a runner (a widget test) checks inline. Each positioned
  error is wave-underlined at its line and column (``QTextEdit.ExtraSelection``) and every error
  is a sentence in the error label ("第1行第17列: 未知函数 MAA；是否是 MA?").

``core.formula`` imports numpy, so nothing of it is imported until ``load_vocabulary`` (the scan
panel calls it with its presets, after the window's first frame); text restored before that is
checked then. An empty formula is no formula: no check, no marks.
"""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QKeyEvent, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QCompleter, QLabel, QPlainTextEdit, QTextEdit, QToolTip, QVBoxLayout,
                               QWidget)

from desktop_app.ui import theme
from desktop_app.ui.i18n import pick, reason_text, tr

CHECK_MS = 250             # debounce between the last keystroke and the check
CHECK_KEY = "formula-check"
MIN_LINES = 6              # the editor is never squeezed below this many lines
MAX_SHOWN_ERRORS = 5
ERROR_COLOR = QColor("#e53935")
_NAME = re.compile(r"[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*")
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_WORD_CHARS = re.compile(r"[\w.\u4e00-\u9fff]")
_OUTPUT = re.compile(r"(?:^|;)\s*([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*)\s*:(?!=)")
_COMMENTS = re.compile(r"\{[^}]*\}?|//[^\n]*")
_OPERATORS = "+-*/<>=!&|:;,()"
_KEYWORDS = frozenset({"AND", "OR", "NOT"})
#: (light, dark) colours of each kind of token.
_COLORS = {"function": ("#1565c0", "#64b5f6"), "data": ("#6a1b9a", "#ce93d8"),
           "number": ("#00838f", "#4dd0e1"), "operator": ("#5d4037", "#bcaaa4"),
           "comment": ("#757575", "#9e9e9e"), "output": ("#c62828", "#ff8a80")}


def _utf16_len(s: str) -> int:
    """Qt's text positions count UTF-16 units; Python's count code points."""
    return len(s.encode("utf-16-le")) // 2


def _py_index(s: str, utf16_pos: int) -> int:
    return len(s.encode("utf-16-le")[:2 * utf16_pos].decode("utf-16-le", errors="ignore"))


def output_names(text: str) -> set[str]:
    """The upper-cased names of the formula's output lines (``NAME:expr``, not ``NAME:=``)."""
    return {m.group(1).upper() for m in _OUTPUT.finditer(_COMMENTS.sub(" ", text))}


def name_at(line: str, i: int) -> str:
    """The name (``MA``, ``MACD.DIF``, ``收盘价``) under or just before index ``i`` of ``line``."""
    a = b = i
    while a > 0 and _WORD_CHARS.match(line[a - 1]):
        a -= 1
    while b < len(line) and _WORD_CHARS.match(line[b]):
        b += 1
    m = _NAME.match(line, a, b)
    return m.group(0) if m else ""


def enclosing_call(text: str, i: int) -> str:
    """The name of the innermost call whose parentheses hold index ``i`` of ``text`` ("" if none),
    looking back to the start of the statement."""
    depth = 0
    j = i - 1
    while j >= 0 and text[j] != ";":
        ch = text[j]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return name_at(text, j)
            depth -= 1
        j -= 1
    return ""


class FormulaHighlighter(QSyntaxHighlighter):
    """通达信 syntax colours; block state 1 = inside a ``{`` comment."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self.functions: set[str] = set()
        self.data: set[str] = set()
        self.outputs: set[str] = set()
        self._formats: dict[bool, dict[str, QTextCharFormat]] = {}

    def set_vocabulary(self, functions: set[str], data: set[str]) -> None:
        self.functions, self.data = set(functions), set(data)
        self.rehighlight()

    def set_outputs(self, names: set[str]) -> None:
        if names != self.outputs:
            self.outputs = set(names)
            self.rehighlight()

    def formats(self) -> dict[str, QTextCharFormat]:
        dark = theme.is_dark()
        if dark not in self._formats:
            made = {}
            for kind, pair in _COLORS.items():
                f = QTextCharFormat()
                f.setForeground(QColor(pair[1] if dark else pair[0]))
                if kind in ("function", "output"):
                    f.setFontWeight(QFont.Weight.Bold)
                if kind == "comment":
                    f.setFontItalic(True)
                made[kind] = f
            self._formats[dark] = made
        return self._formats[dark]

    def kind_of(self, word: str) -> str | None:
        w = word.upper()
        if w in _KEYWORDS:
            return "operator"
        if w in self.outputs:
            return "output"
        if w in self.functions:
            return "function"
        if w in self.data:
            return "data"
        return None

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        fmt = self.formats()
        u = [0]                                      # UTF-16 offset of code point i, built once
        for ch in text:
            u.append(u[-1] + (2 if ord(ch) > 0xFFFF else 1))

        def paint(a: int, b: int, kind: str) -> None:
            self.setFormat(u[a], u[b] - u[a], fmt[kind])

        self.setCurrentBlockState(0)
        i, n = 0, len(text)
        if self.previousBlockState() == 1:
            end = text.find("}")
            if end < 0:
                paint(0, n, "comment")
                self.setCurrentBlockState(1)
                return
            paint(0, end + 1, "comment")
            i = end + 1
        while i < n:
            ch = text[i]
            if ch == "{":
                end = text.find("}", i)
                if end < 0:
                    paint(i, n, "comment")
                    self.setCurrentBlockState(1)
                    return
                paint(i, end + 1, "comment")
                i = end + 1
            elif text.startswith("//", i):
                paint(i, n, "comment")
                return
            elif ch == '"':                          # "MACD.DIF"
                end = text.find('"', i + 1)
                end = n - 1 if end < 0 else end
                if self.kind_of(text[i + 1:end]):
                    paint(i, end + 1, "function")
                i = end + 1
            elif (m := _NAME.match(text, i)) is not None:
                kind = self.kind_of(m.group(0))
                if kind:
                    paint(i, m.end(), kind)
                i = m.end()
            elif (m := _NUMBER.match(text, i)) is not None:
                paint(i, m.end(), "number")
                i = m.end()
            else:
                if ch in _OPERATORS:
                    paint(i, i + 1, "operator")
                i += 1


class FormulaText(QPlainTextEdit):
    """The text field: completion pop-up as a name is typed, help tooltips on hover."""

    def __init__(self, editor: "FormulaEditor") -> None:
        super().__init__()
        self._editor = editor
        self.setObjectName("formulaEdit")
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.completer = QCompleter(QStringListModel(self), self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setModelSorting(QCompleter.ModelSorting.CaseInsensitivelySortedModel)
        self.completer.setMaxVisibleItems(10)
        self.completer.activated[str].connect(self.insert_completion)
        self.functions: set[str] = set()

    def set_names(self, names: list[str], functions: set[str]) -> None:
        self.completer.model().setStringList(sorted(set(names), key=str.upper))
        self.functions = set(functions)

    def prefix(self) -> str:
        """The name being typed: the name characters right before the cursor."""
        cur = self.textCursor()
        line = cur.block().text()
        i = _py_index(line, cur.positionInBlock())
        j = i
        while j > 0 and _WORD_CHARS.match(line[j - 1]):
            j -= 1
        return line[j:i]

    @Slot(str)
    def insert_completion(self, name: str) -> None:
        cur = self.textCursor()
        cur.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor,
                         _utf16_len(self.prefix()))
        cur.insertText(name + ("(" if name in self.functions else ""))
        self.setTextCursor(cur)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        popup = self.completer.popup()
        if popup.isVisible() and e.key() in (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Tab,
                                             Qt.Key.Key_Backtab, Qt.Key.Key_Escape):
            e.ignore()                     # the completer takes these
            return
        super().keyPressEvent(e)
        typed = e.text()
        prefix = self.prefix()
        if not prefix or not typed or not (_WORD_CHARS.match(typed[-1]) or e.key() == Qt.Key.Key_Backspace) \
                or prefix[0].isdigit() or self.completer.model().rowCount() == 0:
            popup.hide()
            return
        if prefix != self.completer.completionPrefix():
            self.completer.setCompletionPrefix(prefix)
        count = self.completer.completionCount()
        if count == 0 or (count == 1 and self.completer.currentCompletion().upper() == prefix.upper()):
            popup.hide()
            return
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 8)
        self.completer.complete(rect)

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802 (Qt override: tooltips come to the viewport)
        if e.type() == QEvent.Type.ToolTip:
            pos = e.pos()
            text = self._editor.tooltip_at(self.cursorForPosition(pos).position())
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)


def _problems(text: str) -> tuple[str, list[Any]]:
    """The formula's problems (unwrapped from ``formula_invalid``), with the text they are for.
    Runs on the background runner."""
    from desktop_app.core.formula.screen import formula_problems

    return text, [p.params.get("reason", p) for p in formula_problems(text)]


class FormulaEditor(QWidget):
    """The editor, its help line and its error label. ``checked`` is emitted after each check's
    errors are shown (tests wait on it)."""

    checked = Signal()

    def __init__(self, runner: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formulaEditor")
        self._runner = runner
        self._help: dict[str, dict] = {}              # NAME -> help_table row
        self._errors: list[Any] = []                  # Reasons shown for the current text
        self._spans: list[tuple[int, int, Any]] = []  # (start, end, reason), document positions
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.edit = FormulaText(self)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self.edit.setFont(font)
        lines = self.edit.fontMetrics().lineSpacing() * MIN_LINES
        self.edit.setMinimumHeight(lines + 2 * self.edit.frameWidth() + 8)
        lay.addWidget(self.edit)
        self.highlighter = FormulaHighlighter(self.edit.document())
        self.help_label = QLabel()
        self.help_label.setObjectName("formulaHelp")
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.help_label)
        self.error_label = QLabel()
        self.error_label.setObjectName("formulaError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR.name()};")
        self.error_label.hide()
        lay.addWidget(self.error_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check_now)
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.cursorPositionChanged.connect(self._update_help)
        self.retranslate()

    # -- vocabulary ---------------------------------------------------------------------------
    def load_vocabulary(self) -> None:
        """Completion, colours and help from ``core.formula`` (once), then check the text."""
        if self._help:
            return
        from desktop_app.core.formula import DATA, FUNCTIONS, INDICATORS, help_table

        rows = help_table()
        self._help = {r["name"].upper(): r for r in rows}
        lines = {f"{ind}.{line}" for ind, spec in INDICATORS.items() for line in spec["lines"]}
        self.edit.set_names([r["name"] for r in rows], set(FUNCTIONS))
        self.highlighter.set_vocabulary(set(FUNCTIONS) | lines | set(INDICATORS), set(DATA))
        self._on_text_changed()
        self._update_help()

    def help_text(self, name: str) -> str:
        """"MA(X,N) — 简单移动平均：…" for a known name (UI language), else ""."""
        row = self._help.get(name.upper().strip('"'))
        return f"{row['signature']} — {pick((row['zh'], row['en']))}" if row else ""

    # -- text ---------------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        if text != self.text():
            self.edit.setPlainText(text)

    def has_formula(self) -> bool:
        return bool(self.text().strip())

    @Slot()
    def _on_text_changed(self) -> None:
        text = self.text()
        self.highlighter.set_outputs(output_names(text))
        self._update_help()                          # an edit that keeps the cursor still changes the name
        if not text.strip():
            self._timer.stop()
            self.show_errors([])
        elif self._help:
            self._timer.start()

    # -- checking -----------------------------------------------------------------------------
    @Slot()
    def check_now(self) -> None:
        """Check the current text: on the runner (newest text wins), else inline."""
        self._timer.stop()
        text = self.text()
        if not text.strip():
            self.show_errors([])
            return
        if self._runner is None:
            self._on_checked(_problems(text))
        else:
            self._runner.run(lambda: _problems(text), self._on_checked, key=CHECK_KEY)

    def check_pending(self) -> bool:
        """True while the text's check has not come back (debounce or runner)."""
        return self._timer.isActive() or (self._runner is not None and self._runner.is_busy(CHECK_KEY))

    def _on_checked(self, result: tuple[str, list[Any]]) -> None:
        text, reasons = result
        if text == self.text():                       # else the newer text's check is coming
            self.show_errors(reasons)

    def errors(self) -> list[Any]:
        return list(self._errors)

    def error_spans(self) -> list[tuple[int, int]]:
        """The marked ranges (document positions, start and end) of the errors shown."""
        return [(a, b) for a, b, _ in self._spans]

    def show_errors(self, reasons: list[Any]) -> None:
        """Mark each positioned error with a wave underline and list every error's sentence."""
        self._errors = list(reasons)
        self._spans = [span + (r,) for r in self._errors if (span := self._span(r)) is not None]
        selections = []
        for a, b, _ in self._spans:
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.edit.document())
            cur.setPosition(a)
            cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(ERROR_COLOR)
            sel.cursor, sel.format = cur, fmt
            selections.append(sel)
        self.edit.setExtraSelections(selections)
        self._show_error_text()
        self.checked.emit()

    def _show_error_text(self) -> None:
        lines = [reason_text(r) for r in self._errors[:MAX_SHOWN_ERRORS]]
        if len(self._errors) > MAX_SHOWN_ERRORS:
            lines.append(tr("… and {n} more").format(n=len(self._errors) - MAX_SHOWN_ERRORS))
        self.error_label.setText("\n".join(lines))
        self.error_label.setVisible(bool(lines))

    def _span(self, reason: Any) -> tuple[int, int] | None:
        """The document range of a positioned error (``formula_at``: 1-based line and column, in
        code points), at least one character, inside the text."""
        p = getattr(reason, "params", None) or {}
        if getattr(reason, "code", "") != "formula_at" or not p.get("line"):
            return None
        doc = self.edit.document()
        block = doc.findBlockByNumber(int(p["line"]) - 1)
        if not block.isValid():
            block = doc.lastBlock()
        line = block.text()
        col = max(0, int(p.get("column") or 1) - 1)
        a = block.position() + _utf16_len(line[:col])
        b = a + _utf16_len(line[col:col + max(1, int(p.get("length") or 1))])
        end = doc.characterCount() - 1                 # the position of the end mark
        if end <= 0:
            return None
        if a >= end:                                   # the formula ended too early: its last character
            a = end - 1
        return a, max(min(b, end), a + 1)

    # -- help ---------------------------------------------------------------------------------
    def function_at(self, position: int) -> str:
        """The known name at document ``position`` (under it, else the call it is inside)."""
        block = self.edit.document().findBlock(position)
        line = block.text()
        i = _py_index(line, position - block.position())
        word, call = name_at(line, i), enclosing_call(line, i)
        for name in ([word] if self._is_function(word) else []) + [call, word]:
            if name and name.upper() in self._help:
                return name
        return ""

    def _is_function(self, name: str) -> bool:
        row = self._help.get(name.upper())
        return bool(row) and "(" in row["signature"]

    def tooltip_at(self, position: int) -> str:
        """An error's sentence where one is marked, else the help of the name there."""
        for a, b, r in self._spans:
            if a <= position < b:
                return reason_text(r)
        return self.help_text(self.function_at(position))

    @Slot()
    def _update_help(self) -> None:
        text = self.help_text(self.function_at(self.edit.textCursor().position()))
        self.help_label.setText(text or tr("Type a name for suggestions; the help of the function at "
                                           "the cursor shows here."))
        self.help_label.setStyleSheet("" if text else "color: palette(mid);")

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(tr("A TDX formula a hit must also pass, e.g. "
                                        "MA5:=MA(C,5); MA10:=MA(C,10); XG:CROSS(MA5,MA10); (empty: none)"))
        self._update_help()
        self._show_error_text()
