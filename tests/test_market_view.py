"""Issue 18, the window side: F3 opens the market review page; its counts equal an independent
count over the demo market's bars; the date picker changes the day (trading days only); a tile
drills into an industry; a member's double-click opens its chart; a ranking row's Scan scans
that board; the language switches live. Real window, 200-stock demo market."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest

from desktop_app.core.price_limits import limit_on, no_limit_days
from desktop_app.ui.market_tables import SCAN_COLUMN, row_key
from market_payloads import zt_payload_for

N = 200


@pytest.fixture
def w(demo_window, qtbot):
    win = demo_window(N)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)
    return win


def _cents(x: float) -> int:
    return int(round(x * 100))


def brute_day(src, day: dt.date) -> dict:
    """Up / flat / down / limit-up / limit-down of ``day`` by walking each stock's own bars: the
    change against the last close before the day in cents, the limit by the board's rule of the
    day (a new listing's no-limit first days excepted)."""
    uni = src.universe().set_index("symbol")
    start = src.calendar()[0].date()
    ts = dt.datetime.combine(day, dt.time())
    out = dict(up=0, flat=0, down=0, limit_up=0, limit_down=0, counted=0)
    for code, row in uni.iterrows():
        bars = src.daily_bars(code)
        closes = bars["close"][bars.index <= ts]
        if not len(closes) or closes.index[-1] != ts or len(closes) < 2:
            continue                                   # not traded that day, or no close before
        close, prev = _cents(closes.iloc[-1]), _cents(closes.iloc[-2])
        out["counted"] += 1
        out["up" if close > prev else "down" if close < prev else "flat"] += 1
        free = no_limit_days(row["board"], row["listed_date"]) if row["listed_date"] >= start else 0
        if len(closes) <= free:
            continue
        lim = Decimal(str(limit_on(row["board"], row["is_st"], day)))
        up = int((Decimal(prev) * (1 + lim)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        dn = max(1, int((Decimal(prev) * (1 - lim)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
        out["limit_up"] += close >= up
        out["limit_down"] += close <= dn
    return out


def _open_market(w, qtbot):
    w.ensure_built()
    w.stock_view.chart.setFocus()
    QTest.keyClick(w.stock_view.chart, Qt.Key.Key_F3)
    v = w.market.view
    assert v is not None and v.isVisible() and not w.stock_view.isVisible()
    qtbot.waitUntil(lambda: v.ov is not None and not v._busy, timeout=30000)
    return v


def _numbers(label_text: str) -> list[int]:
    plain = re.sub(r"<[^>]+>", " ", label_text)
    return [int(x) for x in re.findall(r"(?<![\d.])\d+(?![\d.%])", plain)]


def test_f3_opens_the_market_and_its_counts_equal_an_independent_count(w, qtbot):
    assert w.market.action in w.view_menu.actions() and w.market.action in w.toolbar.actions()
    v = _open_market(w, qtbot)
    src = w.ctx.source
    day = dt.date.fromisoformat(v.ov.date)
    assert day == src.calendar()[-1].date() and v.current_day() == day
    want = brute_day(src, day)
    c = v.ov.counts
    assert {k: c[k] for k in want if k != "counted"} == {k: x for k, x in want.items() if k != "counted"}
    assert want["up"] + want["down"] > 0
    shown = _numbers(v.breadth.text())
    assert shown[:5] == [want["up"], want["flat"], want["down"], want["limit_up"], want["limit_down"]]
    assert sum(v.histogram.counts) == want["counted"]
    assert v.ladder.rowCount() == want["limit_up"]
    assert v.source_badge.text() == "DEMO"
    # the tiles: one per industry, sized by market cap; the ranking has a Scan button per row
    inds = sorted(src.universe()["industry"].dropna().unique())
    assert sorted(t.key for t in v.treemap.tiles) == inds
    assert v.ranking.rowCount() == len(inds)
    # F3 again: back to the chart
    QTest.keyClick(v, Qt.Key.Key_F3)
    assert not v.isVisible() and w.stock_view.isVisible()


def test_the_date_picker_offers_trading_days_and_changes_the_day(w, qtbot):
    v = _open_market(w, qtbot)
    src = w.ctx.source
    cal = [d.date() for d in src.calendar()]
    assert v.days == cal
    # a Sunday moves to the Friday before it; the counts are that day's
    sunday = next(d for d in reversed(cal[:-10]) if d.weekday() == 4) + dt.timedelta(days=2)
    v.date_edit.setDate(QDate(sunday.year, sunday.month, sunday.day))
    friday = sunday - dt.timedelta(days=2)
    assert v.current_day() == friday
    qtbot.waitUntil(lambda: v.ov.date == friday.isoformat() and not v._busy, timeout=30000)
    want = brute_day(src, friday)
    assert (v.ov.counts["up"], v.ov.counts["down"], v.ov.counts["limit_up"]) == \
        (want["up"], want["down"], want["limit_up"])
    assert _numbers(v.breadth.text())[:3] == [want["up"], want["flat"], want["down"]]
    # ◀ steps one trading day back
    qtbot.mouseClick(v.prev_button, Qt.MouseButton.LeftButton)
    before = cal[cal.index(friday) - 1]
    qtbot.waitUntil(lambda: v.ov.date == before.isoformat() and not v._busy, timeout=30000)
    assert v.current_day() == before
    # a day before the data: the reason, in one sentence; what was shown stays
    w.market.load(cal[0] - dt.timedelta(days=30))
    qtbot.waitUntil(lambda: not v._busy, timeout=30000)
    assert "before the data's first trading day" in v.status.text() and v.ov.date == before.isoformat()


def test_drill_into_an_industry_open_a_member_and_scan_a_board(w, qtbot):
    v = _open_market(w, qtbot)
    src = w.ctx.source
    tile = max(v.treemap.tiles, key=lambda t: t.size)
    qtbot.mouseClick(v.treemap, Qt.MouseButton.LeftButton, pos=v.treemap.tile_center(tile.key))
    assert v.drill == ("industry", tile.key) and v.tabs.currentWidget() is v.members
    uni = src.universe()
    members = set(uni.loc[uni["industry"] == tile.key, "symbol"].astype(str))
    shown = {row_key(v.members, r) for r in range(v.members.rowCount())}
    assert shown == members and tile.key in v.tabs.tabText(1)
    # the member's change is its own close against the close before
    code = row_key(v.members, 0)
    bars = src.daily_bars(code)
    bars = bars[bars.index <= dt.datetime.fromisoformat(v.ov.date)]
    if bars.index[-1].date().isoformat() == v.ov.date:
        want = f"{100 * (_cents(bars['close'].iloc[-1]) / _cents(bars['close'].iloc[-2]) - 1):+.2f}%"
        assert v.members.item(0, 4).text() == want
    # double-click a member: its chart opens, the market page gives way
    rect = v.members.visualItemRect(v.members.item(0, 1))
    QTest.mouseClick(v.members.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(v.members.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.current_symbol == code and w.stock_view.isVisible() and not v.isVisible()
    # back to the market; a ranking row's Scan scans that industry through the scan panel
    w.market.show()
    row = next(r for r in range(v.ranking.rowCount()) if row_key(v.ranking, r) == f"industry:{tile.key}")
    cell = v.ranking.item(row, SCAN_COLUMN)
    assert cell.text() == "Scan ▸"
    v.ranking.scrollToItem(cell)
    before = set(w.tm.task_ids())
    qtbot.mouseClick(v.ranking.viewport(), Qt.MouseButton.LeftButton, pos=v.ranking.visualItemRect(cell).center())
    new = set(w.tm.task_ids()) - before
    assert len(new) == 1
    tid = new.pop()
    info = w.tm.get(tid)
    assert info.kind == "scan" and info.params["request"]["universe"] == f"industry:{tile.key}"
    assert w.scan_panel.board_edit.text() == tile.key
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    assert w.tm.get(tid).status.value == "completed"


def test_language_and_theme_switch_live(w, qtbot):
    v = _open_market(w, qtbot)
    up = v.ov.counts["up"]
    w.apply_language("zh_CN")
    assert v.title.text() == "市场复盘" and "上涨" in v.breadth.text() and w.market.action.text() == "市场复盘"
    assert v.tabs.tabText(0) == "板块排行" and str(up) in v.breadth.text()
    assert v.ladder.horizontalHeaderItem(0).text() == "连板"
    w.apply_settings({"theme": "dark"})
    from desktop_app.ui import theme
    assert theme.is_dark()
    qtbot.waitUntil(lambda: theme.up_color().name() in v.breadth.text(), timeout=3000)   # the palette event
    w.apply_settings({"theme": "light"})
    qtbot.waitUntil(lambda: theme.up_color().name() in v.breadth.text(), timeout=3000)


# -- the live enrichment in the view ------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::Warning:akshare")
def test_live_pools_add_seal_times_to_the_ladder_and_failures_show_their_reason(w, qtbot, monkeypatch):
    import akshare.request
    from fake_http import FakeHttp
    from desktop_app.core.data.akshare_market import live_pools_for
    from desktop_app.core.data.akshare_source import AkShareSource

    v = _open_market(w, qtbot)
    ladder = v.ov.ladder
    assert ladder and v.ladder.columnCount() == 8                    # the demo: no seal columns
    assert "no seal times" in v.limit_tabs.tabToolTip(0)
    monkeypatch.setattr(akshare.request.time, "sleep", lambda s: None)
    ex = r"push2ex\.eastmoney\.com/"
    fake = (FakeHttp().body(ex + "getTopicZTPool", zt_payload_for(ladder)).file(ex + "getTopicZBPool", "em_zbgc_pool.json")
            .file(ex + "getTopicDTPool", "garbage.txt")
            .file(ex + "getYesterdayZTPool", "em_previous_pool.json")).install(monkeypatch)
    live_src = AkShareSource(timeout=0.05, min_interval={"eastmoney": 0.0})
    now = dt.datetime.combine(dt.date.fromisoformat(v.ov.date), dt.time(16, 0))
    monkeypatch.setattr(w.ctx.source, "limit_pools",
                        lambda store, day: live_pools_for(live_src, store, day, now=now, latest=False), raising=False)
    w.market.load(None)
    qtbot.waitUntil(lambda: v.live is not None, timeout=30000)
    assert fake.urls("getTopicZTPool")
    headers = [v.ladder.horizontalHeaderItem(c).text() for c in range(v.ladder.columnCount())]
    assert headers[-4:] == ["First seal", "Last seal", "Seal amount", "Opened"]
    for r in range(v.ladder.rowCount()):
        i = [x["symbol"] for x in ladder].index(row_key(v.ladder, r))
        assert [v.ladder.item(r, c).text() for c in range(8, 12)] == \
            [f"09:30:{i:02d}", f"14:00:{i:02d}", f"{(i + 1) * 1e7 / 1e6:.2f}M", str(i)]
    assert "eastmoney" in v.limit_tabs.tabToolTip(0) and "eastmoney" in v.limit_tabs.tabToolTip(1)
    assert "no seal times" in v.limit_tabs.tabToolTip(2)            # the 跌停 pool could not be had
    # the 跌停 pool's answer was garbage: its reason is shown, the rest of the view is the store's
    assert "eastmoney" in v.status.text().lower() and v.ov.counts["limit_up"] == len(ladder)
    # 昨日涨停今日: the mean of the previous pool's changes today (one stock, +10.0357 %)
    assert "Yesterday's limit-ups today <b style='color:" in v.breadth.text() and "+10.04%" in v.breadth.text()


def test_live_board_heat_fills_the_concepts_and_a_tile_asks_for_its_members(qtbot):
    import pandas as pd
    from desktop_app.core.data.akshare_market import LivePools
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.market import overview_of_panel
    from desktop_app.ui.market_view import MarketView

    src = DemoSource(n_stocks=120)
    ov = overview_of_panel(src.panel(), src.universe())           # no concepts: the live source's case
    assert ov.concepts == []
    heat = pd.DataFrame({"key": ["机器人", "固态电池"], "code": ["BK1", "BK2"], "change": [0.031, -0.012],
                         "market_cap": [3e12, 1e12], "turnover": [2.0, 1.0], "up": [80, 10], "down": [5, 40],
                         "leader": ["a", "b"], "leader_change": [0.1, 0.05]})
    view = MarketView()
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    view.show_overview(ov, LivePools(dt.date.fromisoformat(ov.date), heat={"concept": heat}))
    view.group_kind.setCurrentIndex(view.group_kind.findData("concept"))
    tiles = {t.key: t for t in view.treemap.tiles}
    assert "Leader a +10.00%" in tiles["机器人"].tooltip
    assert set(tiles) == {"机器人", "固态电池"} and tiles["机器人"].change == 0.031 and tiles["机器人"].size == 3e12
    r0 = [view.ranking.item(0, c).text() for c in range(view.ranking.columnCount())]
    assert r0[0] == "机器人" and r0[2] == "+3.10%" and r0[4:6] == ["80", "5"]
    with qtbot.waitSignal(view.members_wanted, timeout=1000) as blk:
        qtbot.mouseClick(view.treemap, Qt.MouseButton.LeftButton, pos=view.treemap.tile_center("机器人"))
    assert blk.args == ["concept", "机器人"]
    assert view.members.rowCount() == 0 and view.map_title.text() == "Board heat map (eastmoney, live)"
    members = [str(s) for s in src.universe()["symbol"][:3]]
    view.set_live_members("concept", "机器人", members)           # what the desk's fetch hands over
    assert sorted(row_key(view.members, r) for r in range(view.members.rowCount())) == sorted(members)
    # industries: the live list wins over the universe's (on live data only SZSE's) classification
    view.show_overview(ov, LivePools(dt.date.fromisoformat(ov.date), heat={"concept": heat, "industry": heat}))
    view.group_kind.setCurrentIndex(view.group_kind.findData("industry"))
    assert {t.key for t in view.treemap.tiles} == {"机器人", "固态电池"}
    view.size_by.setCurrentIndex(view.size_by.findData("amount"))        # the live list has no amounts: by cap
    assert [t.size for t in view.treemap.tiles] == [3e12, 1e12]
    # without live heat (a past day, or the lists failed): the store's industries
    view.show_overview(ov, LivePools(dt.date.fromisoformat(ov.date)))
    assert {t.key for t in view.treemap.tiles} == {g["key"] for g in ov.industries}
    assert view.map_title.text() == "Board heat map"


def test_tile_labels_fit_or_hide_and_the_ranking_sorts_by_its_numbers(w, qtbot):
    from PySide6.QtGui import QFontMetrics

    from desktop_app.ui.market_treemap import Tile, tile_label

    fm = QFontMetrics(w.font())
    t = Tile("电子", "电子", 1.0, 0.0227, "")
    wide, line = fm.horizontalAdvance("+2.27%") + 2, fm.height()
    assert tile_label(fm, wide, 2 * line, t) == "电子\n+2.27%"
    assert tile_label(fm, wide, line, t) == "电子"                      # one line: the name only
    assert tile_label(fm, fm.horizontalAdvance("电子") - 1, 3 * line, t) == ""   # never a cut name
    v = _open_market(w, qtbot)
    painted = [tile_label(fm, r.width() - 6, r.height() - 4, t) for t, r in zip(v.treemap.tiles, v.treemap.rects)]
    assert any(painted) and all(p.split("\n")[0] in ("", t.label) for p, t in zip(painted, v.treemap.tiles))
    # a tile's tooltip has its numbers
    g = v.ov.industries[0]
    tip = next(t.tooltip for t in v.treemap.tiles if t.key == g["key"])
    assert f"Up {g['up']} · flat {g['flat']} · down {g['down']}" in tip
    # the ranking: by change at first; a header click sorts by the amount, largest first
    changes = [g["avg_change"] for g in v.ov.industries]
    assert [row_key(v.ranking, r).split(":")[1] for r in range(v.ranking.rowCount())] == [g["key"] for g in v.ov.industries]
    assert changes == sorted(changes, reverse=True)
    col = [v.ranking.horizontalHeaderItem(c).text() for c in range(v.ranking.columnCount())].index("Amount")
    v.ranking.sortItems(col, Qt.SortOrder.DescendingOrder)
    amounts = {g["key"]: g["amount"] for g in v.ov.industries}
    shown = [amounts[row_key(v.ranking, r).split(":")[1]] for r in range(v.ranking.rowCount())]
    assert shown == sorted(amounts.values(), reverse=True)
    assert all(v.ranking.item(r, SCAN_COLUMN).text() == "Scan ▸" for r in range(v.ranking.rowCount()))


def test_the_broken_and_limit_down_tabs_list_the_days_stocks_with_the_live_pools_fields(qtbot):
    """炸板 and 跌停 tabs beside the ladder: the overview's stocks, counted in the tab; on a live
    day the 炸板股池's first seal and times opened, the 跌停股池's last seal, seal amount and times
    opened join them (by code; a stock the pool lacks shows —)."""
    import pandas as pd
    from desktop_app.core.data.akshare_market import LivePools
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.pool_store import POOL_COLUMNS
    from desktop_app.core.market import overview_of_panel
    from desktop_app.ui.market_view import MarketView

    src = DemoSource(n_stocks=2000)
    cal = src.calendar()
    ov = next(o for o in (overview_of_panel(src.panel(), src.universe(), d) for d in reversed(cal[-30:]))
              if len(o.broken) >= 2 and o.limit_down)
    view = MarketView()
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    view.show_overview(ov)
    tabs = [view.limit_tabs.tabText(i) for i in range(3)]
    assert tabs[1] == f"Broken {len(ov.broken)}" and tabs[2] == f"Limit-down {len(ov.limit_down)}"
    assert view.broken.rowCount() == len(ov.broken) == ov.counts["broken"]
    assert view.limit_down.rowCount() == ov.counts["limit_down"]
    heads = [view.broken.horizontalHeaderItem(c).text() for c in range(view.broken.columnCount())]
    assert heads[:5] == ["Code", "Name", "Change", "Close", "Limit-up price"]
    first = ov.broken[0]
    assert row_key(view.broken, 0) == first["symbol"]
    assert view.broken.item(0, 4).text() == f"{first['limit_price']:.2f}"

    def pool(rows, **fields):
        return pd.DataFrame([{**{k: None for k in POOL_COLUMNS}, "symbol": r["symbol"], **fields} for r in rows],
                            columns=POOL_COLUMNS)

    live = LivePools(dt.date.fromisoformat(ov.date),
                     pools={"zbgc": pool(ov.broken[:1], first_seal="09:31:00", opened=3.0),
                            "dtgc": pool(ov.limit_down, last_seal="14:55:00", seal_amount=2.5e8, opened=1.0)})
    view.show_overview(ov, live)
    heads = [view.broken.horizontalHeaderItem(c).text() for c in range(view.broken.columnCount())]
    assert heads[-2:] == ["First seal", "Opened"]
    at = {row_key(view.broken, r): r for r in range(view.broken.rowCount())}
    assert [view.broken.item(at[first["symbol"]], c).text() for c in (8, 9)] == ["09:31:00", "3"]
    assert [view.broken.item(at[ov.broken[1]["symbol"]], c).text() for c in (8, 9)] == ["—", "—"]
    heads = [view.limit_down.horizontalHeaderItem(c).text() for c in range(view.limit_down.columnCount())]
    assert heads[-3:] == ["Last seal", "Seal amount", "Opened"]
    assert [view.limit_down.item(0, c).text() for c in (8, 9, 10)] == ["14:55:00", "250.00M", "1"]
