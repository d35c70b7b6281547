"""Issue 12 item 7 (chart part): the PNG export draws the whole stock view at the chosen size with no
crosshair; the HTML report embeds the chart picture (a data: URI) and has no empty table row; the
file dialogs open in the folder used last and speak the UI language."""
from __future__ import annotations

import base64
import re
import types
from html.parser import HTMLParser

import numpy as np
import pytest
from PySide6 import QtCore, QtGui  # noqa: I001  (PySide6 before pyqtgraph)
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from desktop_app.core import report_format
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.ui import i18n
from desktop_app.ui.app_context import BackgroundRunner
from desktop_app.ui.stock_view import HTML_CHART_SIZE, StockView


@pytest.fixture(scope="module")
def demo():
    return DemoSource(n_stocks=60)


@pytest.fixture
def make_view(qtbot, tmp_path, demo):
    runner = BackgroundRunner()
    ctx = types.SimpleNamespace(source=demo, store=BarStore(tmp_path / "b.sqlite"), runner=runner)

    def make() -> StockView:
        v = StockView(ctx)
        qtbot.addWidget(v)
        v.resize(1300, 760)
        v.show()
        return v

    yield make
    runner.shutdown(wait=True)   # joins every load and export
    i18n.set_language("en")


@pytest.fixture
def view(make_view, qtbot, demo):
    v = make_view()
    with qtbot.waitSignal(v.stock_loaded, timeout=10000):
        v.open_symbol(demo.universe()["symbol"].iloc[7])
    qtbot.waitUntil(v.chart.indicators_shown)
    return v


def crosshair_columns(img: QtGui.QImage, color: str, x0: int, x1: int, min_run: int = 40) -> list[int]:
    """Columns in [x0, x1) with at least ``min_run`` pixels of exactly the crosshair colour (a
    dashed vertical line; text never stacks that many pixels of one grey in a column)."""
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint32, count=img.bytesPerLine() // 4 * h).reshape(h, -1)[:, :w]
    want = np.uint32(QtGui.QColor(color).rgb() & 0xFFFFFFFF)
    counts = (arr[:, x0:x1] == want).sum(axis=0)
    return [x0 + int(i) for i in np.nonzero(counts >= min_run)[0]]


# ---------------------------------------------------------------------------- PNG
def test_png_export_has_the_asked_size_and_no_crosshair(view, qtbot, tmp_path):
    chart = view.chart
    chart.move_cursor_to(chart.data.n - 25)
    vb = chart.price_plot.getViewBox()
    lo, hi = chart.price_y_range()
    chart.cursor.on_mouse_moved(vb.mapViewToScene(QtCore.QPointF(chart.data.n - 25, (lo + hi) / 2)))
    assert chart.cursor.is_shown()
    live = chart.grab().toImage()
    # the detector sees the crosshair on screen
    assert crosshair_columns(live, chart.style_.crosshair, 0, live.width())
    on_screen = (view.size(), chart.visible_range(), chart.cursor_index())
    for size, include in (((1000, 600), True), ((1920, 1080), False), ((640, 480), True)):
        path = tmp_path / f"shot-{size[0]}.png"
        with qtbot.waitSignal(view.exported, timeout=10000) as blk:
            assert view.export_chart_png(path, size, include_analysis=include)
        assert blk.args == [str(path), ""]
        img = QtGui.QImage(str(path))
        assert (img.width(), img.height()) == size
        assert crosshair_columns(img, chart.style_.crosshair, 0, img.width()) == []
        # the whole view: with the analysis, the right-hand part is the panel, not the chart
        right = QtGui.QColor(img.pixel(img.width() - 30, img.height() // 2))
        assert (right != QtGui.QColor(chart.style_.background)) is include
    # the view on screen is untouched: same size, zoom and crosshair
    assert (view.size(), chart.visible_range(), chart.cursor_index()) == on_screen
    assert chart.cursor.is_shown()
    assert view.wait_idle(5)


def test_png_size_comes_from_the_menu_and_is_remembered(make_view, view, qtbot, tmp_path):
    assert view.png_export_size() == (1600, 900)              # the default
    view.png_size_actions["1280x720"].trigger()
    assert view.png_export_size() == (1280, 720)
    view.png_panel_action.setChecked(False)
    again = make_view()
    assert again.png_export_size() == (1280, 720) and not again.png_panel_action.isChecked()
    view.png_size_actions["view"].trigger()
    assert view.png_export_size() == (view.width(), view.height())
    # the dialog's export uses the menu's size
    QSettings().setValue("dialogs/stock_export/folder", str(tmp_path))   # ui/file_dialogs
    view.png_size_actions["1280x720"].trigger()
    dlg = view.export_chart_dialog()
    with qtbot.waitSignal(view.exported, timeout=10000):
        dlg.selectFile(str(tmp_path / "menu-size.png"))
        dlg.accept()
    img = QtGui.QImage(str(tmp_path / "menu-size.png"))
    assert (img.width(), img.height()) == (1280, 720)


# ---------------------------------------------------------------------------- HTML
class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[tuple[str, str]]] = []   # per <tr>: (tag, text) per cell
        self.images: list[str] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = [tag, ""]
        elif tag == "img":
            self.images.append(dict(attrs).get("src", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append((self._cell[0], self._cell[1]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_html_report_embeds_the_chart_and_has_no_empty_rows(view, qtbot, tmp_path, lang):
    i18n.set_language(lang)
    view.retranslate()
    path = tmp_path / "report.html"
    with qtbot.waitSignal(view.exported, timeout=10000) as blk:
        assert view.export_report(path, "html")
    assert blk.args == [str(path), ""]
    page = path.read_text(encoding="utf-8")
    parsed = _Tables()
    parsed.feed(page)
    assert len(parsed.images) == 1 and parsed.images[0].startswith("data:image/png;base64,")
    png = base64.b64decode(parsed.images[0].split(",", 1)[1])
    img = QtGui.QImage.fromData(png, "PNG")
    assert (img.width(), img.height()) == HTML_CHART_SIZE
    assert parsed.rows
    for row in parsed.rows:
        assert row and any(text.strip() for _tag, text in row), row     # no empty row
        if row[0][0] == "th":
            assert all(text.strip() for _tag, text in row), row          # headers name every column
    # the Markdown report has no empty rows either
    md = report_format.to_markdown(view.current_report(), "zh" if lang == "zh_CN" else "en")
    for line in md.splitlines():
        if line.startswith("|") and not set(line) <= set("|-"):
            assert re.sub(r"[|\s]", "", line), line


def test_report_sections_drop_blank_rows():
    """report_format leaves out a row whose cells are all blank and names every column."""
    class R:
        symbol, name, is_demo = "600000", "X", False

        def to_dict(self):
            return {"board": "sh_main", "industry": "", "listed_date": None, "is_st": False,
                    "date": "2024-01-02", "last": 10.0, "change": 0.1, "chg_pct": 1.0, "open": 9.9,
                    "high": 10.1, "low": 9.8, "volume": 1e6, "amount": 1e7, "score": 50.0,
                    "score_note": None, "label_zh": "持有", "label_en": "Hold", "ma_trend": None,
                    "macd_state": None, "dims": {}, "trace": [], "indicators": {"close": 10.0},
                    "supports": [], "resistances": [],
                    "risk": {"ann_volatility": None, "max_drawdown_1y": None, "worst_day_pct": None,
                             "worst_day_date": None, "days_since_52w_high": None},
                    "recent_signals": []}

    for lang in ("zh", "en"):
        for head, cols, rows in report_format._sections(R(), lang):
            assert all(str(c).strip() for c in cols), (head, cols)
            assert all(any(str(c).strip() for c in row) for row in rows), (head, rows)
        page = report_format.to_html(R(), lang)
        assert "<tr></tr>" not in page and "<th></th>" not in page and "<img" not in page


# ---------------------------------------------------------------------------- dialogs
@pytest.mark.parametrize("lang,words", [
    ("zh_CN", {"title": "导出K线图", "accept": "保存", "reject": "取消", "name": "文件名："}),
    ("en", {"title": "Export chart", "accept": "Save", "reject": "Cancel", "name": "File name:"}),
])
def test_file_dialog_opens_in_the_last_folder_and_speaks_the_ui_language(make_view, view, qtbot,
                                                                         tmp_path, lang, words):
    i18n.set_language(lang)
    view.retranslate()
    dlg = view.export_chart_dialog()
    assert isinstance(dlg, QFileDialog) and dlg.isVisible()
    assert dlg.testOption(QFileDialog.Option.DontUseNativeDialog)   # Qt's: it follows the UI language
    assert dlg.windowTitle() == words["title"]
    assert dlg.labelText(QFileDialog.DialogLabel.Accept) == words["accept"]
    assert dlg.labelText(QFileDialog.DialogLabel.Reject) == words["reject"]
    assert dlg.labelText(QFileDialog.DialogLabel.FileName) == words["name"]
    assert dlg.selectedFiles()[0].endswith(f"{view.current_symbol()}-{view.current_report().name}.png")
    folder = tmp_path / "charts"
    folder.mkdir()
    with qtbot.waitSignal(view.exported, timeout=10000) as blk:
        dlg.selectFile(str(folder / "first"))          # the suffix is added
        dlg.accept()
    assert blk.args == [str(folder / "first.png"), ""]
    # the next dialog — PNG or report, this view or the next start's — opens there
    for open_dialog in (view.export_chart_dialog, lambda: view.export_report_dialog("html"),
                        lambda: view.export_report_dialog("md")):
        dlg = open_dialog()
        assert dlg.directory().absolutePath() == str(folder)
        dlg.reject()
    other = make_view()
    with qtbot.waitSignal(other.stock_loaded, timeout=10000):
        other.open_symbol(view.current_symbol())
    dlg = other.export_report_dialog("md")
    assert dlg.directory().absolutePath() == str(folder)
    assert dlg.windowTitle() == ("导出分析报告" if lang == "zh_CN" else "Export report")
    reports = tmp_path / "reports"
    reports.mkdir()
    with qtbot.waitSignal(other.exported, timeout=10000):
        dlg.selectFile(str(reports / "r.md"))
        dlg.accept()
    assert (reports / "r.md").read_text(encoding="utf-8").startswith("# ")
    dlg = view.export_chart_dialog()
    assert dlg.directory().absolutePath() == str(reports)
    dlg.reject()
    assert view.wait_idle(5) and other.wait_idle(5)


def test_default_file_name_is_valid_on_every_file_system(view):
    view._report = types.SimpleNamespace(name="*ST 康美", symbol="600518")
    view._symbol = "600518"
    assert view._default_name(".png") == "600518-ST_康美.png"
