"""Issue 12 item 2, the read-out (as 通达信's title line): one line per pane on an opaque strip above
the plot, elided at whole segments — never wrapped into the plot, never breaking a word, never over
a candle (rectangles compared at several widths, a narrow one too); the numbers it shows equal a
computation by hand on hand-made bars; a live zh/en switch rewrites it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6 import QtCore, QtGui  # noqa: I001  (PySide6 before pyqtgraph)

from desktop_app.ui import i18n
from desktop_app.ui.chart.title_strip import ELLIPSIS, segment_text

WIDTHS = (1400, 900, 560, 330)


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def hand_bars(n: int = 80, start: str = "2024-01-02") -> pd.DataFrame:
    """close = 10 + 0.1·i, open = close − 0.05, high = close + 0.2, low = open − 0.2,
    volume = 12,345,678 + i: every read-out number can be worked out on paper."""
    i = np.arange(n, dtype=float)
    close = 10.0 + 0.1 * i
    dates = pd.bdate_range(start, periods=n, name="date")
    return pd.DataFrame({"open": close - 0.05, "high": close + 0.2, "low": close - 0.25,
                         "close": close, "volume": 12_345_678.0 + i}, index=dates)


def scene_rect(item) -> QtCore.QRectF:
    return item.sceneBoundingRect()


def candle_tops_scene_y(chart) -> list[float]:
    """Scene y of the high of every bar in view (smaller = higher on screen)."""
    vb = chart.price_plot.getViewBox()
    i0, i1 = chart.visible_range()
    d = chart.data
    return [vb.mapViewToScene(QtCore.QPointF(float(i), float(d.high[i]))).y() for i in range(i0, i1 + 1)]


# ---------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_readout_numbers_equal_a_hand_computation(make_chart, qtbot, lang):
    i18n.set_language(lang)
    chart = make_chart(1600, 800)
    bars = hand_bars()
    chart.set_bars(bars, symbol="600519", name="贵州茅台")
    qtbot.waitUntil(chart.indicators_shown)
    chart.move_cursor_to(70)
    text = chart.readout_text("price")
    # bar 70: close 17.00, open 16.95, high 17.20, low 16.75; previous close 16.90
    zh = lang == "zh_CN"
    words = ("开盘", "最高", "最低", "收盘", "涨幅", "成交量") if zh else ("Open", "High", "Low", "Close",
                                                                   "Change", "Volume")
    expect = [
        "600519 贵州茅台", str(bars.index[70].date()),
        f"{words[0]} 16.95", f"{words[1]} 17.20", f"{words[2]} 16.75", f"{words[3]} 17.00",
        f"{words[4]} +0.59%",                       # 0.10 / 16.90 = 0.5917 %
        # volume 12,345,748 shares
        f"{words[5]} 1234.57万" if zh else f"{words[5]} 12.35M",
        "MA5 16.80",    # mean of 16.6 … 17.0
        "MA10 16.55",   # mean of 16.1 … 17.0
        "MA20 16.05",   # mean of 15.1 … 17.0
        "MA60 14.05",   # mean of 11.1 … 17.0
    ]
    for piece in expect:
        assert piece in text, (piece, text)
    # the MA values are painted in their line colours
    strip = chart.title_strips()["price"]
    colors = {segment_text(s): s[0].color for s in strip.segments()}
    for key, color in zip(("MA5 16.80", "MA10 16.55", "MA20 16.05", "MA60 14.05"), chart.style_.ma):
        assert colors[key] == color
    # up day: the close and the change are red (A-share convention)
    close_seg = next(s for s in strip.segments() if segment_text(s).startswith(words[3]))
    assert close_seg[1].color == chart.style_.up
    assert chart.readout_text("volume").endswith("1234.57万" if zh else "12.35M")
    # BOLL(20, 2) at bar 70: mid = 16.05; sample std of 15.1 … 17.0 step 0.1 = 0.1·sqrt(35) = 0.5916
    chart.set_overlays({"boll": True})
    text = chart.readout_text("price")
    upper, lower = 16.05 + 2 * 0.1 * np.sqrt(35), 16.05 - 2 * 0.1 * np.sqrt(35)
    names = ("布林中轨", "布林上轨", "布林下轨") if zh else ("BOLL mid", "BOLL upper", "BOLL lower")
    for name, v in zip(names, (16.05, upper, lower)):
        assert f"{name} {v:.2f}" in text
    # the MACD pane's title names its values as 通达信 does
    macd = chart.readout_text("macd")
    assert macd.startswith("MACD(12,26,9)") and "DIF " in macd and "DEA " in macd


def test_readout_marks_a_down_day_green(make_chart):
    chart = make_chart(1400, 700)
    bars = hand_bars(40)
    bars.iloc[30, bars.columns.get_loc("close")] = 12.0   # below the previous close 12.9
    chart.set_bars(bars, symbol="000001", name="平安银行")
    chart.move_cursor_to(30)
    text = chart.readout_text()
    assert "-6.98%" in text          # 12.0 / 12.9 − 1
    seg = next(s for s in chart.title_strips()["price"].segments()
               if segment_text(s).startswith(("Change", "涨幅")))
    assert seg[1].color == chart.style_.down


# ---------------------------------------------------------------------------- geometry
@pytest.mark.parametrize("width", WIDTHS)
def test_readout_is_one_line_above_the_plot_and_never_over_a_candle(make_chart, qtbot, width):
    chart = make_chart(width, 640)
    chart.set_panes(["macd", "kdj"])
    chart.set_overlays({"ma": True, "boll": True})
    bars = hand_bars(300)
    chart.set_bars(bars, symbol="600519", name="贵州茅台",
                   markers={"MACD金叉": list(bars.index[250::9])},
                   levels=[(float(bars["close"].iloc[-1]) * 1.02, "resistance")])
    qtbot.waitUntil(chart.indicators_shown)
    chart.grab()
    viewport = QtCore.QRectF(chart._view.viewport().rect())
    plots = {"price": chart.price_plot, "volume": chart.volume_plot,
             "macd": chart._pane_objs["macd"].plot, "kdj": chart._pane_objs["kdj"].plot}
    strips = chart.title_strips()
    assert set(strips) == set(plots)
    tops = candle_tops_scene_y(chart)
    for name, plot in plots.items():
        strip = strips[name]
        sr, vr = scene_rect(strip), scene_rect(plot.getViewBox())
        # one line: the strip is as high as one line of its font (plus padding), whatever the width
        assert strip.size().height() == strip.line_height() + 4
        assert strip.line_height() <= QtGui.QFontMetricsF(QtGui.QFont()).height() * 1.5
        tr = strip.mapRectToScene(strip.text_rect())
        assert sr.contains(tr) and tr.height() == strip.line_height()
        # above the plot, never inside it
        assert sr.bottom() <= vr.top() + 0.5, (name, sr, vr)
        assert not (sr & vr).isValid() or (sr & vr).height() <= 0.5
        assert sr.left() <= vr.left() + 0.5 and sr.right() >= vr.right() - 0.5   # spans the pane
        # inside the widget: no text is cut by the window edge
        view_rect = QtCore.QRectF(chart._view.mapFromScene(sr).boundingRect())
        assert viewport.adjusted(-1, -1, 1, 1).contains(view_rect)
        # elided at whole segments: the shown text is a prefix of the segments (+ "…")
        segs = [segment_text(s) for s in strip.segments()]
        shown = strip.shown_text()
        k = strip.shown_count()
        assert shown == " ".join(segs[:k]) + (f" {ELLIPSIS}" if k < len(segs) else "")
    price = strips["price"]
    # every candle is drawn below the price strip
    assert all(y > scene_rect(price).bottom() for y in tops)
    if width <= 560:
        assert price.is_elided() and price.shown_text().endswith(ELLIPSIS)
        assert price.shown_count() >= 1     # the code and name always show
    if width >= 1400:
        assert not strips["volume"].is_elided()


def test_readout_strip_is_opaque(make_chart, qtbot):
    """Nothing of the plot shows through the strip: its pixels are the strip colour or text."""
    chart = make_chart(900, 600)
    chart.set_bars(hand_bars(200), symbol="600519", name="贵州茅台")
    qtbot.waitUntil(chart.indicators_shown)
    img = chart._view.grab().toImage()
    strip = chart.title_strips()["price"]
    r = chart._view.mapFromScene(scene_rect(strip)).boundingRect()
    bg = QtGui.QColor(chart.style_.strip)
    tr = strip.mapRectToScene(strip.text_rect())
    text_right = chart._view.mapFromScene(tr).boundingRect().right()
    # right of the text, the strip is one solid colour all the way across
    y = r.top() + 2
    for x in range(text_right + 4, r.right() - 1, 7):
        assert QtGui.QColor(img.pixel(x, y)) == bg


# ---------------------------------------------------------------------------- language
def test_live_language_switch_rewrites_every_chart_word(make_chart, qtbot):
    i18n.set_language("en")
    chart = make_chart(1600, 800)
    bars = hand_bars(120)
    chart.set_bars(bars, symbol="600519", name="贵州茅台",
                   levels=[(21.5, "resistance", "20-day high"), (19.0, "support", "MA20")])
    qtbot.waitUntil(chart.indicators_shown)
    chart.set_visible_range(40, 110)
    chart.move_cursor_to(100)
    chart.grab()
    before = chart.readout_text()
    assert "Open" in before and "开盘" not in before
    assert "Resistance" in chart.legend_texts()
    volume_axis = chart.volume_plot.getAxis("right")
    assert any(s.endswith("M") for s in _axis_labels(volume_axis))
    i18n.set_language("zh_CN")
    chart.retranslate()                       # what the window does on language_changed
    chart.grab()
    after = chart.readout_text()
    assert "开盘 19.95" in after and "Open" not in after     # bar 100: close 20.00 − 0.05
    assert "成交量 1234.58万" in after         # 12,345,778 shares in 万
    assert "压力位" in chart.legend_texts() and "支撑位" in chart.legend_texts()
    assert {t.toolTip().split()[0] for t in chart.level_tags.tags} == {"压力位", "支撑位"}
    assert any(s.endswith("万") for s in _axis_labels(volume_axis))
    assert chart.visible_range() == (40, 110) and chart.cursor_index() == 100   # nothing else moved


def _axis_labels(axis) -> list[str]:
    pic = QtGui.QPicture()
    p = QtGui.QPainter(pic)
    try:
        specs = axis.generateDrawSpecs(p)
    finally:
        p.end()
    return [s for _r, _f, s in specs[2]]


def test_chinese_read_out_has_no_english_words(make_chart, qtbot):
    """With the UI in Chinese, the title lines say nothing in English (indicator names aside)."""
    import re

    i18n.set_language("zh_CN")
    chart = make_chart(1800, 800)
    chart.set_panes(["macd", "kdj", "rsi"])
    chart.set_overlays({"boll": True})
    chart.set_bars(hand_bars(120), symbol="600519", name="贵州茅台",
                   levels=[(21.5, "resistance")], markers={"MACD金叉": [hand_bars(120).index[100]]})
    qtbot.waitUntil(chart.indicators_shown)
    chart.move_cursor_to(100)
    allowed = {"MACD", "KDJ", "RSI", "BOLL", "DIF", "DEA"}
    text = " ".join([*(s.full_text() for s in chart.title_strips().values()), *chart.legend_texts()])
    assert [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in allowed] == []


def test_window_language_switch_reaches_the_chart(qtbot, tmp_path):
    """Through the window's own switch (Settings → language): the read-out, the legend and the
    Panes menu change language at once, and the zoom stays."""
    from desktop_app.core.data.store import BarStore
    from desktop_app.ui.app_context import AppContext
    from desktop_app.ui.main_window import MainWindow

    ctx = AppContext.for_demo(n_stocks=60, store=BarStore(tmp_path / "w.sqlite"))
    w = MainWindow(context=ctx, restore=False)
    qtbot.addWidget(w)
    w.ensure_built()          # the stock view is built after the first frame
    try:
        w.apply_language("en")
        w.show()
        view = w.stock_view
        sym = ctx.source.universe()["symbol"].iloc[3]
        with qtbot.waitSignal(view.stock_loaded, timeout=10000):
            view.open_symbol(sym)
        qtbot.waitUntil(view.chart.indicators_shown)
        chart = view.chart
        chart.set_visible_range(100, 180)
        assert "Open " in chart.readout_text() and "Volume " in chart.readout_text("volume")
        w.apply_language("zh_CN")
        assert "开盘 " in chart.readout_text() and "Open" not in chart.readout_text()
        assert chart.readout_text("volume").startswith("成交量")
        assert view.overlay_actions["levels"].text() == "支撑/压力线"
        assert chart.visible_range() == (100, 180)
        w.apply_language("en")
        assert "Open " in chart.readout_text()
    finally:
        w.close()
        w.shutdown()
