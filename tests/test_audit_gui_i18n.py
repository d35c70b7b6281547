"""Acceptance audit (issues 6 and 7): no English leaks into the Chinese UI from core's reasons,
a task's phase or Qt's own buttons; the analysis panel is never squeezed into clipped text."""
from __future__ import annotations

import re
import threading

import pytest
from PySide6.QtCore import QLibraryInfo, Qt
from PySide6.QtWidgets import QDialogButtonBox, QSplitter, QWidget

from desktop_app.core.analysis import build_report
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.jobs import Progress
from desktop_app.core.symbols import parse_symbols
from desktop_app.ui import i18n
from desktop_app.ui.analysis_panel import AnalysisPanel
from desktop_app.core.reasons import R
from desktop_app.ui.i18n import reason_text
from desktop_app.ui.task_view import TaskDetailsDialog
from desktop_app.workers.task_manager import COLUMNS, TaskManager

CJK = re.compile(r"[\u4e00-\u9fff]")
BAD_TOKENS = ("abc 12345 123456 999999 sh000300 399001 900001 200002 510300 400001 "
              "sz600519 600519.XX index:000300")


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def test_every_rejection_reason_has_chinese_and_stored_text_passes_through():
    rejected = parse_symbols(BAD_TOKENS).rejected
    assert len(rejected) == len(BAD_TOKENS.split())
    i18n.set_language("zh_CN")
    for token, why in rejected:
        zh = reason_text(why)
        assert zh != str(why) and CJK.search(zh), (token, why, zh)
    assert reason_text(R("history_too_short", bars=12, minimum=60)) == "历史太短：12 根K线 < 60"
    first = R("token_rejected", token="600000", reason=R("not_listed"))
    nested = reason_text(R("universe_empty_rejected", name={"zh": "自选代码", "en": "codes"}, n=1, first=first))
    assert "not in the source" not in nested and "600000" in nested and CJK.search(nested)
    # a row written by an older version keeps its text, whatever the language
    assert reason_text("a sentence core never says") == "a sentence core never says"
    i18n.set_language("en")
    assert all(reason_text(why) == str(why) for _t, why in rejected)
    assert "600000: not in the source's list of stocks" in reason_text(nested_reason := R(
        "universe_empty_rejected", name={"zh": "自选代码", "en": "codes"}, n=1, first=first)), nested_reason


def test_task_phase_is_shown_in_the_ui_language(qtbot):
    gate, shown = threading.Event(), threading.Event()

    def job(progress, cancel, emit_hits):
        progress(Progress(done=0, total=10, current=R("phase_fetching", done=3, total=289, symbol="600120")))
        shown.set()
        gate.wait(5)
        return None

    tm = TaskManager(max_running=1)
    tm.set_language("zh")
    try:
        tid = tm.submit("scan", "t", job)
        col = COLUMNS.index("current")
        qtbot.waitUntil(lambda: tm.index(0, col).data() == "下载数据 3/289 600120", timeout=5000)
        assert tm.index(0, COLUMNS.index("kind")).data() == "扫描"
        assert tm.index(0, COLUMNS.index("status")).data() == "运行中"
        tm.set_language("en")
        assert tm.index(0, col).data() == "fetching 3/289 600120"
        assert tm.index(0, COLUMNS.index("status")).data() == "Running"
    finally:
        gate.set()
        assert tm.shutdown(5000)
    assert tid


def test_failed_task_details_speak_chinese(qtbot):
    i18n.set_language("zh_CN")
    tm = TaskManager()
    tm.set_language("zh")

    class Info:
        id, kind, title, status = "abc", "analysis", "分析 600000", "failed"
        done = total = found = failed = 0
        params: dict = {}
        error = R("watchlist_empty")
        failures = [("600001", R("history_too_short", bars=5, minimum=60))]
        rejected: list = []

    text = TaskDetailsDialog.describe(Info(), tm)
    assert "类型: 分析" in text and "状态: 失败" in text
    assert "自选股为空" in text and "600001：历史太短" in text
    assert "analysis" not in text and "failed" not in text
    assert tm.shutdown(1000)


def test_qt_standard_buttons_follow_the_language(qtbot):
    import os

    qm = os.path.join(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), "qtbase_zh_CN.qm")
    assert os.path.exists(qm), "PySide6-Essentials ships qtbase translations; the dialogs rely on them"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    i18n.set_language("zh_CN")
    qtbot.waitUntil(lambda: {b.text() for b in box.buttons()} == {"确定", "取消"}, timeout=2000)
    i18n.set_language("en")
    qtbot.waitUntil(lambda: {b.text() for b in box.buttons()} == {"OK", "Cancel"}, timeout=2000)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_analysis_panel_is_not_squeezed_into_clipped_text(qtbot, lang):
    """In a splitter next to a greedy chart the panel keeps the width its content needs."""
    i18n.set_language(lang)
    src = DemoSource(n_stocks=50)
    sym = str(src.universe()["symbol"].iloc[0])
    info = src.universe().set_index("symbol").loc[sym].to_dict() | {"symbol": sym}
    split = QSplitter(Qt.Orientation.Horizontal)
    qtbot.addWidget(split)
    chart = QWidget()
    panel = AnalysisPanel()
    split.addWidget(chart)
    split.addWidget(panel)
    split.setStretchFactor(0, 3)
    split.resize(700, 700)
    split.show()
    panel.set_report(build_report(src.daily_bars(sym), info))
    split.setSizes([690, 10])  # the user (or a small window) tries to squeeze it
    qtbot.waitUntil(lambda: panel.scroll.viewport().width() > 50, timeout=2000)
    body = panel.scroll.widget()
    assert panel.scroll.viewport().width() >= body.minimumSizeHint().width()
    for _k, value in panel.price_fields.values():  # every price value lies inside the viewport
        right = value.mapTo(body, value.rect().topRight()).x()
        assert value.text() and right <= panel.scroll.viewport().width()
