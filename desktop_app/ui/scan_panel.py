"""The scan panel: universe, prefilters, minimum score, strategy presets, a 通达信 formula, Start.

It only builds and validates a ``core.scan.ScanRequest``; the main window submits it. Invalid
input is explained next to its field before anything runs, and a universe known to be empty
(empty watchlist, no valid pasted code, unknown board name) is refused with a clear message.

Pasted codes are checked without freezing the window: a short list at once, a long one (a paste
of 100,000 tokens takes ≈2 s to check) in slices of ``PARSE_SLICE`` tokens between events, its
result kept for the text it belongs to; Start waits for it with a message.

The presets come from ``core.strategies`` (numpy, pandas): the window builds the panel with
``presets_later=True`` and lists them after its first frame (``load_presets``); a choice restored
before that is kept and applied then. The formula editor (``ui/formula_editor.py``) loads its
vocabulary with the presets and checks the formula on the window's background runner as you type;
a scan with an invalid formula is refused with the editor's positioned sentence."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from desktop_app.core.symbols import _SEPARATORS, BOARDS, INDEXES, ParseResult, parse_symbols
from desktop_app.ui.formula_editor import FormulaEditor
from desktop_app.ui.fundamental_filters import FundamentalFilters, parse_number as _parse_number
from desktop_app.ui.as_of_field import AsOfField
from desktop_app.ui.wheel_guard import WheelGuard
from desktop_app.ui.i18n import pick, reason_text, tr

SCAN_INDEXES = ("000300", "000905", "000852", "000016", "000688", "399006")
AMOUNT_UNIT = 1e4    # the amount field is in 万元; ScanRequest.min_amount is in yuan
MCAP_UNIT = 1e8      # market-cap fields are in 亿元; ScanRequest.mcap_* are in yuan
ERROR_STYLE = "color: #c62828;"
PARSE_SLICE = 1500   # tokens checked per step on the GUI thread (≈25 ms); longer pastes take several


class _SlicedParse:
    """``parse_symbols`` of a long paste, one slice of tokens per ``step`` (same result: order
    kept, duplicates removed, every rejected token with its reason)."""

    def __init__(self, text: str, tokens: list[str]) -> None:
        self.text, self.tokens, self.pos = text, tokens, 0
        self.result = ParseResult()
        self._seen: set[str] = set()

    def step(self, n: int = PARSE_SLICE) -> bool:
        part = parse_symbols(self.tokens[self.pos:self.pos + n])
        self.pos += n
        for sym in part.symbols:
            if sym.code not in self._seen:
                self._seen.add(sym.code)
                self.result.symbols.append(sym)
        self.result.rejected.extend(part.rejected)
        return self.pos >= len(self.tokens)


def _strategies() -> dict[str, Any]:
    from desktop_app.core.strategies import STRATEGIES

    return dict(STRATEGIES)


class ScanPanel(QWidget):
    """Emits ``scan_requested(ScanRequest)`` when Start is pressed and the input is valid."""

    scan_requested = Signal(object)

    def __init__(self, watchlist_symbols: Callable[[], list[str]] | None = None,
                 parent: QWidget | None = None, *, presets_later: bool = False, runner: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner                      # the window's BackgroundRunner (formula checks)
        self.setObjectName("scanPanel")
        self.watchlist_symbols = watchlist_symbols or (lambda: [])
        self.watch_groups: Callable[[], dict[str, list[str]]] = dict   # group -> codes (ui/watch_desk.py)
        self.board_names: dict[str, list[str]] = {"industry": [], "concept": []}
        self.strategies: dict[str, Any] = {}       # id -> core.strategies.Strategy, once listed
        self._chosen: list[str] = []               # presets restored before they were listed
        self._build()
        if not presets_later:
            self.load_presets()
        self.retranslate()
        self._on_universe_changed()

    # -- construction -------------------------------------------------------------------------
    def _error_label(self, name: str) -> QLabel:
        lab = QLabel()
        lab.setObjectName(name)
        lab.setStyleSheet(ERROR_STYLE)
        lab.setWordWrap(True)
        lab.hide()
        return lab

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        # universe
        self.universe_box = QGroupBox()
        ul = QVBoxLayout(self.universe_box)
        self.universe_combo = QComboBox()
        self.universe_combo.setObjectName("universeCombo")
        self.universe_combo.currentIndexChanged.connect(self._on_universe_changed)
        ul.addWidget(self.universe_combo)
        self.board_edit = QLineEdit()
        self.board_edit.setObjectName("boardEdit")
        self._board_model = QStringListModel(self)
        self.board_completer = QCompleter(self._board_model, self)
        self.board_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.board_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.board_edit.setCompleter(self.board_completer)
        ul.addWidget(self.board_edit)
        self.codes_edit = QPlainTextEdit()
        self.codes_edit.setObjectName("codesEdit")
        self.codes_edit.setMaximumHeight(90)
        self._parse_timer = QTimer(self)
        self._parse_timer.setSingleShot(True)
        self._parse_timer.setInterval(150)
        self._parse_timer.timeout.connect(self.update_codes_feedback)
        self.codes_edit.textChanged.connect(self._parse_timer.start)
        self._parsed_codes: tuple[str, ParseResult] | None = None   # (text, its result)
        self._slicing: _SlicedParse | None = None
        self._slice_timer = QTimer(self)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._parse_slice)
        ul.addWidget(self.codes_edit)
        self.codes_info = QLabel()
        self.codes_info.setObjectName("codesInfo")
        self.codes_info.setWordWrap(True)
        ul.addWidget(self.codes_info)
        self.universe_error = self._error_label("universeError")
        ul.addWidget(self.universe_error)
        lay.addWidget(self.universe_box)

        # prefilters
        self.filter_box = QGroupBox()
        form = QFormLayout(self.filter_box)
        self.exclude_st = QCheckBox()
        self.exclude_st.setChecked(True)
        self.exclude_suspended = QCheckBox()
        self.exclude_suspended.setChecked(True)
        form.addRow(self.exclude_st)
        form.addRow(self.exclude_suspended)
        self.min_days = QSpinBox()
        self.min_days.setRange(0, 5000)
        self.min_days.setValue(60)
        self.min_days_label = QLabel()
        form.addRow(self.min_days_label, self.min_days)

        def range_row(name: str) -> tuple[QLabel, QLineEdit, QLineEdit, QLabel]:
            lo, hi = QLineEdit(), QLineEdit()
            lo.setObjectName(name + "Min")
            hi.setObjectName(name + "Max")
            row = QHBoxLayout()
            row.addWidget(lo)
            row.addWidget(QLabel("–"))
            row.addWidget(hi)
            label = QLabel()
            form.addRow(label, row)
            err = self._error_label(name + "Error")
            form.addRow(err)
            return label, lo, hi, err

        self.price_label, self.price_min, self.price_max, self.price_error = range_row("price")
        self.mcap_label, self.mcap_min, self.mcap_max, self.mcap_error = range_row("mcap")
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("amountMin")
        self.amount_label = QLabel()
        form.addRow(self.amount_label, self.amount_edit)
        self.amount_error = self._error_label("amountError")
        form.addRow(self.amount_error)
        lay.addWidget(self.filter_box)
        self.fundamentals = FundamentalFilters()      # 基本面: PE, PB, float cap, ROE, growth, score
        lay.addWidget(self.fundamentals)

        # score and strategies
        self.score_box = QGroupBox()
        sl = QFormLayout(self.score_box)
        self.min_score = QSpinBox()
        self.min_score.setObjectName("minScore")
        self.min_score.setRange(0, 100)
        self.min_score.setValue(60)
        self.min_score_label = QLabel()
        sl.addRow(self.min_score_label, self.min_score)
        self.strategy_list = QListWidget()
        self.strategy_list.setObjectName("strategyList")
        self.strategy_list.setMaximumHeight(140)
        self.strategies_label = QLabel()
        sl.addRow(self.strategies_label)
        sl.addRow(self.strategy_list)
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("modeCombo")
        self.mode_combo.addItem("", "all")
        self.mode_combo.addItem("", "any")
        self.mode_label = QLabel()
        sl.addRow(self.mode_label, self.mode_combo)
        lay.addWidget(self.score_box)

        # formula (条件选股公式)
        self.formula_box = QGroupBox()
        self.formula_box.setObjectName("formulaBox")
        fl = QVBoxLayout(self.formula_box)
        self.formula_editor = FormulaEditor(self._runner)
        fl.addWidget(self.formula_editor)
        lay.addWidget(self.formula_box)
        lay.addStretch(1)

        self.request_error = self._error_label("requestError")
        outer.addWidget(self.request_error)
        self.start_button = QPushButton()
        self.start_button.setObjectName("startButton")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.as_of = AsOfField()                 # 历史日期: scan as of a past day
        outer.addWidget(self.as_of)
        self.button_row = QHBoxLayout()          # Start, and Validate beside it (ui/validation_desk.py)
        self.button_row.addWidget(self.start_button, 1)
        outer.addLayout(self.button_row)
        self.wheel_guard = WheelGuard(scroll, [self.universe_combo, self.min_days, self.min_score, self.mode_combo])

    def _fill_universe_combo(self) -> None:
        current = self.universe_combo.currentData()
        self.universe_combo.blockSignals(True)
        self.universe_combo.clear()
        self.universe_combo.addItem(tr("Whole market"), "all")
        for bid, names in BOARDS.items():
            self.universe_combo.addItem(tr("Board: {name}").format(name=pick(names)), f"board:{bid}")
        for code in SCAN_INDEXES:
            if code in INDEXES:
                zh, en, _ = INDEXES[code]
                self.universe_combo.addItem(tr("Index: {name}").format(name=pick((zh, en))),
                                            f"index:{code}")
        self.universe_combo.addItem(tr("Industry board…"), "industry")
        self.universe_combo.addItem(tr("Concept board…"), "concept")
        self.universe_combo.addItem(tr("Watchlist"), "watchlist")
        for name in self.watch_groups():                       # each group (ui/watch_desk.py)
            self.universe_combo.addItem(tr("Watchlist group: {name}").format(name=name), f"group:{name}")
        self.universe_combo.addItem(tr("Pasted codes…"), "codes")
        i = self.universe_combo.findData(current)
        self.universe_combo.setCurrentIndex(max(0, i))
        self.universe_combo.blockSignals(False)

    def retranslate(self) -> None:
        self._fill_universe_combo()
        self.universe_box.setTitle(tr("Universe"))
        self.board_edit.setPlaceholderText(tr("Type to search a board name"))
        self.codes_edit.setPlaceholderText(tr("Paste codes, e.g. 600519 sz000001 300750.SZ"))
        self.filter_box.setTitle(tr("Prefilters"))
        self.exclude_st.setText(tr("Exclude ST stocks"))
        self.exclude_suspended.setText(tr("Exclude suspended stocks"))
        self.min_days_label.setText(tr("Listed at least (days)"))
        self.price_label.setText(tr("Price (yuan)"))
        self.mcap_label.setText(tr("Market cap (100M yuan)"))
        self.amount_label.setText(tr("Min. amount (10k yuan)"))
        for w in (self.price_min, self.mcap_min):
            w.setPlaceholderText(tr("min"))
        for w in (self.price_max, self.mcap_max):
            w.setPlaceholderText(tr("max"))
        self.amount_edit.setPlaceholderText(tr("none"))
        self.fundamentals.retranslate()
        self.score_box.setTitle(tr("Score and strategies"))
        self.min_score_label.setText(tr("Minimum score"))
        self.strategies_label.setText(tr("Strategy presets"))
        self._retranslate_presets()
        self.mode_label.setText(tr("Match"))
        self.mode_combo.setItemText(0, tr("all selected presets and the formula"))
        self.mode_combo.setItemText(1, tr("any selected preset or the formula"))
        self.formula_box.setTitle(tr("Formula"))
        self.formula_editor.retranslate()
        self.as_of.retranslate()
        self.start_button.setText(tr("Start scan (F5)"))
        self.update_codes_feedback()

    # -- universe -----------------------------------------------------------------------------
    def universe_kind(self) -> str:
        return str(self.universe_combo.currentData() or "all")

    @Slot()
    def _on_universe_changed(self) -> None:
        kind = self.universe_kind()
        self.board_edit.setVisible(kind in ("industry", "concept"))
        self.codes_edit.setVisible(kind == "codes")
        self.codes_info.setVisible(kind == "codes")
        if kind in ("industry", "concept"):
            self._board_model.setStringList(self.board_names.get(kind, []))
        self._show_error(self.universe_error, "")

    def set_board_names(self, kind: str, names: list[str]) -> None:
        """Feed the type-to-search completer (loaded from the source off the GUI thread)."""
        self.board_names[kind] = sorted(names)
        if self.universe_kind() == kind:
            self._board_model.setStringList(self.board_names[kind])

    def set_universe(self, universe: str) -> None:
        """Select a universe given as a ScanRequest universe string."""
        kind, _, rest = universe.partition(":")
        if kind in ("industry", "concept"):
            self.universe_combo.setCurrentIndex(self.universe_combo.findData(kind))
            self.board_edit.setText(rest)
        elif kind == "codes":
            self.universe_combo.setCurrentIndex(self.universe_combo.findData("codes"))
            self.codes_edit.setPlainText(rest.replace(",", " "))
            self.update_codes_feedback()
        else:
            i = self.universe_combo.findData(universe)
            if i >= 0:
                self.universe_combo.setCurrentIndex(i)

    def _codes_result(self, text: str) -> ParseResult | None:
        """The parse of ``text``: at once when short, else None while it is checked in slices."""
        if self._parsed_codes is not None and self._parsed_codes[0] == text:
            return self._parsed_codes[1]
        if self._slicing is not None and self._slicing.text == text:
            return None
        tokens = [t for t in _SEPARATORS.split(text) if t]
        if len(tokens) <= PARSE_SLICE:
            res = parse_symbols(tokens)
            self._parsed_codes = (text, res)
            return res
        self._slicing = _SlicedParse(text, tokens)
        self._slice_timer.start()
        return None

    @Slot()
    def _parse_slice(self) -> None:
        job = self._slicing
        if job is None:
            self._slice_timer.stop()
            return
        if job.text != self.codes_edit.toPlainText():   # edited meanwhile: start again
            self._slicing = None
            self._slice_timer.stop()
            self._parse_timer.start()
            return
        if job.step():
            self._slicing = None
            self._slice_timer.stop()
            self._parsed_codes = (job.text, job.result)
            self.update_codes_feedback()
        else:
            self.codes_info.setText(tr("Checking the codes… {done} of {n}").format(
                done=min(job.pos, len(job.tokens)), n=len(job.tokens)))

    def codes_checked(self) -> bool:
        """False while a long paste is still being checked."""
        return self._slicing is None

    @Slot()
    def update_codes_feedback(self) -> None:
        text = self.codes_edit.toPlainText()
        if not text.strip():
            self.codes_info.setText(tr("No codes yet."))
            return
        res = self._codes_result(text)
        if res is None:
            self.codes_info.setStyleSheet("")
            self.codes_info.setText(tr("Checking the codes… {done} of {n}").format(
                done=0, n=len(self._slicing.tokens) if self._slicing else 0))
            return
        lines = [tr("{n} valid codes").format(n=len(res.symbols))]
        if res.rejected:
            lines.append(tr("{n} rejected:").format(n=len(res.rejected)))
            lines += [f"  {tok} — {reason_text(reason)}" for tok, reason in res.rejected[:20]]
            if len(res.rejected) > 20:
                lines.append(tr("… and {n} more").format(n=len(res.rejected) - 20))
        self.codes_info.setText("\n".join(lines))
        self.codes_info.setStyleSheet(ERROR_STYLE if res.rejected else "")

    def universe_string(self) -> tuple[str | None, str]:
        """(ScanRequest universe, "") or (None, reason the universe is refused)."""
        kind = self.universe_kind()
        if kind in ("industry", "concept"):
            name = self.board_edit.text().strip()
            if not name:
                return None, tr("Choose a board name.")
            known = self.board_names.get(kind) or []
            if known and name not in known:
                return None, tr("Unknown board “{name}”: pick one from the list.").format(name=name)
            return f"{kind}:{name}", ""
        if kind.startswith("group:"):
            codes = self.watch_groups().get(kind[len("group:"):], [])
            return ("codes:" + ",".join(codes), "") if codes else (None, tr("The watchlist is empty: add stocks to it first."))
        if kind == "watchlist":
            if not self.watchlist_symbols():
                return None, tr("The watchlist is empty: add stocks to it first.")
            return "watchlist", ""
        if kind == "codes":
            res = self._codes_result(self.codes_edit.toPlainText())
            self.update_codes_feedback()
            if res is None:
                return None, tr("Still checking the pasted codes; try again in a moment.")
            if not res.symbols:
                return None, tr("No valid stock code to scan.")
            return "codes:" + ",".join(res.codes), ""
        return kind, ""

    # -- request ------------------------------------------------------------------------------
    def _show_error(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _range(self, lo_edit: QLineEdit, hi_edit: QLineEdit, err: QLabel,
               unit: float) -> tuple[bool, float | None, float | None]:
        try:
            lo, hi = _parse_number(lo_edit.text()), _parse_number(hi_edit.text())
        except ValueError:
            self._show_error(err, tr("Enter a non-negative number, or leave it empty."))
            return False, None, None
        if lo is not None and hi is not None and lo > hi:
            self._show_error(err, tr("The minimum is above the maximum."))
            return False, None, None
        self._show_error(err, "")
        return True, None if lo is None else lo * unit, None if hi is None else hi * unit

    def load_presets(self) -> None:
        """List the strategy presets (once), checked as restored; the formula editor's vocabulary."""
        self.formula_editor.load_vocabulary()
        if self.strategies:
            return
        self.strategies = _strategies()
        for sid in self.strategies:
            it = QListWidgetItem()
            it.setData(Qt.ItemDataRole.UserRole, sid)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if sid in self._chosen else Qt.CheckState.Unchecked)
            self.strategy_list.addItem(it)
        self._retranslate_presets()

    def _retranslate_presets(self) -> None:
        for i in range(self.strategy_list.count()):
            it = self.strategy_list.item(i)
            s = self.strategies[it.data(Qt.ItemDataRole.UserRole)]
            it.setText(pick((s.name_zh, s.name_en)))
            it.setToolTip(pick((s.doc_zh, s.doc_en)))

    def selected_strategies(self) -> list[str]:
        if not self.strategies:
            return list(self._chosen)
        out = []
        for i in range(self.strategy_list.count()):
            it = self.strategy_list.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                out.append(str(it.data(Qt.ItemDataRole.UserRole)))
        return out

    def build_request(self) -> Any | None:
        """A valid ScanRequest, or None with every problem shown next to its field."""
        from desktop_app.core.scan import ScanRequest

        self.load_presets()
        ok = True
        universe, why = self.universe_string()
        self._show_error(self.universe_error, why)
        ok &= universe is not None
        pok, pmin, pmax = self._range(self.price_min, self.price_max, self.price_error, 1.0)
        mok, mmin, mmax = self._range(self.mcap_min, self.mcap_max, self.mcap_error, MCAP_UNIT)
        try:
            amount = _parse_number(self.amount_edit.text())
            self._show_error(self.amount_error, "")
            aok = True
        except ValueError:
            self._show_error(self.amount_error, tr("Enter a non-negative number, or leave it empty."))
            amount, aok = None, False
        fund = self.fundamentals.request_fields()
        ok &= pok and mok and aok and fund is not None
        self._show_error(self.request_error, "")
        if not ok:
            return None
        req = ScanRequest(
            universe=universe, exclude_st=self.exclude_st.isChecked(),
            exclude_suspended=self.exclude_suspended.isChecked(),
            min_listed_days=self.min_days.value(), price_min=pmin, price_max=pmax,
            min_amount=None if amount is None else amount * AMOUNT_UNIT,
            mcap_min=mmin, mcap_max=mmax, min_score=self.min_score.value(),
            strategies=self.selected_strategies(), mode=str(self.mode_combo.currentData()),
            formula=self.formula_editor.text() if self.formula_editor.has_formula() else "",
            as_of=self.as_of.value(), **fund)
        problems = req.validate()
        in_formula = [p.params["reason"] for p in problems if p.code == "formula_invalid"]
        if req.formula:
            self.formula_editor.show_errors(in_formula)    # marked in the editor, said under it
        rest = [p for p in problems if p.code != "formula_invalid"]
        self._show_error(self.request_error, "\n".join(reason_text(p) for p in rest))
        return None if problems else req

    @Slot()
    def start(self) -> Any | None:
        req = self.build_request()
        if req is not None:
            self.scan_requested.emit(req)
        return req

    def show_refusal(self, message: str) -> None:
        """Show a refusal that came back from resolving the universe (e.g. an empty universe)."""
        self._show_error(self.universe_error, message)

    # -- persistence --------------------------------------------------------------------------
    def state(self) -> dict:
        return {
            "universe_kind": self.universe_kind(), "board": self.board_edit.text(),
            "codes": self.codes_edit.toPlainText(), "exclude_st": self.exclude_st.isChecked(),
            "exclude_suspended": self.exclude_suspended.isChecked(), "min_days": self.min_days.value(),
            "price_min": self.price_min.text(), "price_max": self.price_max.text(),
            "mcap_min": self.mcap_min.text(), "mcap_max": self.mcap_max.text(),
            "amount": self.amount_edit.text(), "min_score": self.min_score.value(),
            "strategies": self.selected_strategies(), "mode": self.mode_combo.currentData(),
            "formula": self.formula_editor.text(), "as_of": self.as_of.value(), **self.fundamentals.state(),
        }

    def restore(self, st: dict) -> None:
        if not isinstance(st, dict):
            return
        i = self.universe_combo.findData(st.get("universe_kind", "all"))
        if i >= 0:
            self.universe_combo.setCurrentIndex(i)
        self.board_edit.setText(str(st.get("board", "")))
        self.codes_edit.setPlainText(str(st.get("codes", "")))
        self.exclude_st.setChecked(bool(st.get("exclude_st", True)))
        self.exclude_suspended.setChecked(bool(st.get("exclude_suspended", True)))
        self.min_days.setValue(int(st.get("min_days", 60)))
        for key, w in (("price_min", self.price_min), ("price_max", self.price_max),
                       ("mcap_min", self.mcap_min), ("mcap_max", self.mcap_max),
                       ("amount", self.amount_edit)):
            w.setText(str(st.get(key, "")))
        self.min_score.setValue(int(st.get("min_score", 60)))
        chosen = set(st.get("strategies") or [])
        self._chosen = [str(s) for s in st.get("strategies") or []]
        for j in range(self.strategy_list.count()):
            it = self.strategy_list.item(j)
            it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in chosen
                             else Qt.CheckState.Unchecked)
        m = self.mode_combo.findData(st.get("mode", "all"))
        self.mode_combo.setCurrentIndex(max(0, m))
        self.formula_editor.set_text(str(st.get("formula") or ""))
        self.as_of.set_value(str(st.get("as_of") or ""))
        self.fundamentals.restore(st)
        self._on_universe_changed()
        self.update_codes_feedback()
