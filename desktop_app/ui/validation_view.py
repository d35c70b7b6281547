"""The validation report (issue 16): a window over one finished validation's ``to_dict()``.

Tabs: *Returns* (the per-horizon table — count, mean, median, win rate, P10–P90, excursions,
excess over the universe and the index — the distribution of one horizon's returns and the
signals per day), *Entries and biases* (every signal accounted for: bought, limit-up at the open,
suspended, pending; the biases that remain), *By score band*, *By preset* (at the chosen horizon)
and *Portfolio* (its measures against the index, the equity curve). The tables are
``core/validation_tables``'s, the same the exports write; up red, down green; zh/en live; the
charts follow the theme. Export (HTML with the charts as PNGs, or CSV) runs as an export task."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from desktop_app.core import validation_tables as vt
from desktop_app.ui import i18n, theme
from desktop_app.ui.i18n import model_lang, tr
from desktop_app.ui import validation_charts as charts

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def result_dict(result: Any) -> dict | None:
    """A task's result as the report reads it: a live ``ValidationResult`` or its stored dict."""
    to_dict = getattr(result, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return result if isinstance(result, dict) and "overall" in result else None


def fill_table(widget: QTableWidget, table: vt.Table) -> None:
    """Show a presenter table: numbers right-aligned, signed numbers red up / green down."""
    widget.clear()
    widget.setColumnCount(len(table.headers))
    widget.setRowCount(len(table.rows))
    widget.setHorizontalHeaderLabels(table.headers)
    up, down = theme.up_color(), theme.down_color()
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            it = QTableWidgetItem(cell.text)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if c > 0 and (isinstance(cell.value, (int, float)) or cell.text == "—"):
                it.setTextAlignment(_RIGHT)           # numbers right, names left
            if cell.signed and isinstance(cell.value, (int, float)) and cell.value:
                it.setForeground(up if cell.value > 0 else down)
            widget.setItem(r, c, it)
    widget.resizeColumnsToContents()


def _table(name: str) -> QTableWidget:
    t = QTableWidget()
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().hide()
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(False)
    return t


class ValidationReport(QDialog):
    """``show_result(task_id, d)`` shows a validation; ``export_to(path)`` writes it through
    ``submit_export(title, job, params)`` (the window's task manager)."""

    def __init__(self, submit_export: Callable[[str, Any, dict], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("validationReport")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._submit_export = submit_export
        self.task_id = ""
        self.d: dict | None = None
        self.charts: dict[str, Any] = {}
        lay = QVBoxLayout(self)
        self.headline = QLabel()
        self.headline.setObjectName("validationHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.headline)
        bar = QHBoxLayout()
        self.horizon_label = QLabel()
        self.horizon_combo = QComboBox()
        self.horizon_combo.setObjectName("validationHorizon")
        self.horizon_combo.currentIndexChanged.connect(self._on_horizon)
        self.export_button = QPushButton()
        self.export_button.setObjectName("validationExport")
        self.export_button.clicked.connect(self.export_dialog)
        bar.addWidget(self.horizon_label)
        bar.addWidget(self.horizon_combo)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        lay.addLayout(bar)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("validationTabs")
        lay.addWidget(self.tabs, 1)
        self.horizons_table = _table("horizonsTable")
        self.entries_table = _table("entriesTable")
        self.bands_table = _table("bandsTable")
        self.presets_table = _table("presetsTable")
        self.portfolio_table = _table("portfolioTable")
        self.biases_label = QLabel()
        self.biases_label.setObjectName("validationBiases")
        self.biases_label.setWordWrap(True)
        self.biases_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._returns = QSplitter(Qt.Orientation.Vertical)
        self._returns.addWidget(self.horizons_table)
        self._returns_charts = QSplitter(Qt.Orientation.Horizontal)
        self._returns.addWidget(self._returns_charts)
        entries = QWidget()
        el = QHBoxLayout(entries)
        el.addWidget(self.entries_table, 1)
        el.addWidget(self.biases_label, 1)
        self._portfolio = QSplitter(Qt.Orientation.Horizontal)
        self._portfolio.addWidget(self.portfolio_table)
        self._bands = QSplitter(Qt.Orientation.Vertical)
        self._bands.addWidget(self.bands_table)
        for w in (self._returns, entries, self._bands, self.presets_table, self._portfolio):
            self.tabs.addTab(w, "")
        self.resize(self._default_size())
        i18n.notifier.language_changed.connect(self._on_language)
        self.retranslate()

    def _default_size(self):
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry().size() if screen is not None else None
        w, h = 1120, 700
        if free is not None:
            w, h = min(w, int(free.width() * 0.92)), min(h, int(free.height() * 0.9))
        from PySide6.QtCore import QSize
        return QSize(w, h)

    # -- content ----------------------------------------------------------------------------
    def show_result(self, task_id: str, d: dict) -> None:
        self.task_id, self.d = task_id, d
        hs = list(d["horizons"])
        self.horizon_combo.blockSignals(True)
        self.horizon_combo.clear()
        for h in hs:
            self.horizon_combo.addItem(f"+{h}", h)
        self.horizon_combo.setCurrentIndex(hs.index(vt.band_key(hs)))
        self.horizon_combo.blockSignals(False)
        self.render()

    def horizon(self) -> int:
        return int(self.horizon_combo.currentData() or 5)

    def tables(self) -> list[vt.Table]:
        return vt.all_tables(self.d, model_lang(), self.horizon()) if self.d else []

    def render(self) -> None:
        """Everything in the current language and theme."""
        d = self.d
        if d is None:
            return
        lang = model_lang()
        self.setWindowTitle(tr("Validation: {title}").format(title=d["title"]["zh" if lang == "zh" else "en"]))
        self.headline.setText("\n".join(vt.headline(d, lang)))
        k = self.horizon()
        fill_table(self.horizons_table, vt.horizons_table(d, lang))
        fill_table(self.entries_table, vt.entries_table(d, lang))
        fill_table(self.bands_table, vt.bands_table(d, lang, k))
        fill_table(self.presets_table, vt.presets_table(d, lang, k))
        pt = vt.portfolio_table(d, lang)
        if pt is not None:
            fill_table(self.portfolio_table, pt)
        self.tabs.setTabEnabled(3, bool(d["presets"]))
        self.biases_label.setText(tr("Biases that remain:") + "\n" + "\n".join("· " + b for b in vt.biases(d, lang)))
        self._render_charts()

    def _render_charts(self) -> None:
        for w in self.charts.values():
            w.setParent(None)
            w.deleteLater()
        d, k = self.d, self.horizon()
        self.charts = {"histogram": charts.histogram_plot(d, k), "signals": charts.signals_plot(d),
                       "equity": charts.equity_plot(d), "bands": charts.bands_plot(d, k)}
        self._bands.addWidget(self.charts["bands"])
        self._bands.setSizes([240, 360])
        self._returns_charts.addWidget(self.charts["histogram"])
        self._returns_charts.addWidget(self.charts["signals"])
        self._portfolio.addWidget(self.charts["equity"])
        self._portfolio.setSizes([360, 700])
        self._returns.setSizes([260, 340])

    @Slot(int)
    def _on_horizon(self, _i: int) -> None:
        self.render()

    # -- language and theme -----------------------------------------------------------------
    def retranslate(self) -> None:
        self.horizon_label.setText(tr("Horizon for the distribution, bands and presets:"))
        self.export_button.setText(tr("Export…"))
        for i, name in enumerate((tr("Returns"), tr("Entries and biases"), tr("By score band"), tr("By preset"),
                                  tr("Portfolio"))):
            self.tabs.setTabText(i, name)
        self.render()

    @Slot(str)
    def _on_language(self, _lang: str) -> None:
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.d is not None:
            self.render()

    # -- export -----------------------------------------------------------------------------
    @Slot()
    def export_dialog(self) -> str:
        from desktop_app.ui.file_dialogs import FileType, save_file

        if self.d is None:
            return ""
        name = tr("validation") + "-" + str(self.d["period"]["end"]).replace("-", "")
        path = save_file(self, "validation_export", tr("Export the validation report"), name,
                         [FileType(tr("HTML page with charts"), ".html"),
                          FileType(tr("Excel workbook, charts as PNG"), ".xlsx"), FileType(tr("CSV (UTF-8, Excel)"), ".csv")])
        return self.export_to(path) if path else ""

    def export_to(self, path: str | Path) -> str:
        """Draw the charts (GUI thread, in memory) and write the file in an export task."""
        from desktop_app.core.validation_export import export_job

        d, k, lang = self.d, self.horizon(), model_lang()
        images, captions = {}, {}
        if Path(path).suffix.lower() in (".html", ".htm", ".xlsx"):
            for key, make, cap in (("histogram", lambda: charts.histogram_plot(d, k),
                                    tr("Distribution of +{k} day returns").format(k=k)),
                                   ("signals", lambda: charts.signals_plot(d), tr("Signals per day")),
                                   ("equity", lambda: charts.equity_plot(d), tr("Portfolio equity vs the index")),
                                   ("bands", lambda: charts.bands_plot(d, k),
                                    tr("Mean +{k} day return by score band").format(k=k))):
                images[key], captions[key] = charts.png_bytes(make()), cap
        title = tr("Export the validation to {name}").format(name=Path(path).name)
        return self._submit_export(title, export_job(str(path), d, lang, images, k, captions),
                                   {"path": str(path)})
