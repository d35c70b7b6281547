"""Take the README's screenshots from the real window (offscreen, demo market).

    QT_QPA_PLATFORM=offscreen python docs/screenshots/take.py [--market]

Writes ``window_zh_light.png`` (1600×1000, mid-scan, a stock open), ``window_en_dark.png`` and
``window_zh_dark_1280.png`` (1280×720, dark theme) and ``stock_view.png`` (chart + analysis) next
to this file, and the market review page (F3) as ``market_zh_light.png`` (1600×1000) and
``market_en_dark_1280.png`` (1280×720; ``--market`` takes only these two). Scoring is slowed down here
(and only here) so the scan is still running when the picture is taken. Needs a CJK font
(Debian: fonts-noto-cjk) for the Chinese text.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["STOCKSCAN_HOME"] = tempfile.mkdtemp(prefix="stockscan-shots-")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

N_STOCKS = 2000


def pump(app: QApplication, until, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not until() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def slow_scoring() -> None:
    """Stretch the scan over a few seconds so a mid-scan picture can be taken."""
    from desktop_app.core import scan, scoring

    real = scoring.score_panel
    if getattr(real, "slowed", False):
        return

    def slow(panel, *a, **k):
        time.sleep(0.15)
        return real(panel, *a, **k)

    slow.slowed = True
    scan.CHUNK = 100
    scoring.score_panel = slow


#: What a 通达信 user brings along: a 条件选股 formula (its number outputs become result
#: columns) and an indicator formula drawn in a pane of its own.
SCREEN_FORMULA = "MA5:=MA(C,5); MA20:=MA(C,20);\n量比:V/MA(V,5);\nXG:C>MA20 AND MA5>MA20;"
MAIN_FORCE = ("VAR1:=EMA(C,12)-EMA(C,26);\n主力:EMA(VAR1,9),COLORRED;\n散户:MA(VAR1,5),COLORGREEN;\n"
              "差:主力-散户,COLORSTICK;")


def shoot(app: QApplication, lang: str, theme_name: str, out: str, stock_out: str | None = None,
          size: tuple[int, int] = (1600, 1000), formulas: bool = False) -> None:
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.refresh import backfill
    from desktop_app.core.data.store import BarStore
    from desktop_app.ui import i18n, theme
    from desktop_app.ui.app_context import AppContext
    from desktop_app.ui.main_window import MainWindow

    i18n.set_language(lang)
    theme.apply_theme(theme_name)
    src = DemoSource(n_stocks=N_STOCKS)
    store = BarStore(Path(os.environ["STOCKSCAN_HOME"]) / f"bars-{lang}.sqlite")
    backfill(src, store)
    w = MainWindow(context=AppContext(source=src, store=store, auto_backfill=False), restore=False)
    w.resize(*size)
    w.show()
    w.reset_layout()                # the default desk at this window size
    w.ensure_built()
    w.scan_panel.load_presets()
    if formulas:
        w.scan_panel.formula_editor.set_text(SCREEN_FORMULA)
        w.stock_view.formulas.add("主力线" if lang.startswith("zh") else "Main force", MAIN_FORCE)
    else:
        w.scan_panel.formula_editor.set_text("")
        for spec in w.stock_view.formulas.indicators():
            w.stock_view.formulas.remove(spec.id)
    pump(app, lambda: w.ctx.latest_date is not None, 30)
    first = w.start_scan()
    pump(app, lambda: w.tm.get(first).is_terminal)
    rows = w.tm.results_model(first)
    w.open_symbol(rows.row_dict(0)["symbol"], origin="results")
    pump(app, lambda: w.stock_view.current_report() is not None, 20)
    pump(app, lambda: False, 0.8)   # indicators and the panel settle
    if stock_out:
        w.stock_view.grab().save(str(HERE / stock_out))
    slow_scoring()
    w.scan_panel.min_score.setValue(50)
    second = w.start_scan()
    pump(app, lambda: 0.35 < w.tm.get(second).progress < 0.8)
    w.task_view.select_task(second)
    pump(app, lambda: False, 0.2)
    w.grab().save(str(HERE / out))
    w.tm.cancel(second)
    w.close()
    w.shutdown()


def shoot_market(app: QApplication, lang: str, theme_name: str, out: str, size: tuple[int, int]) -> None:
    """The market review page (F3) on the demo market's last day, an industry drilled into."""
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.refresh import backfill
    from desktop_app.core.data.store import BarStore
    from desktop_app.ui import i18n, theme
    from desktop_app.ui.app_context import AppContext
    from desktop_app.ui.main_window import MainWindow

    i18n.set_language(lang)
    theme.apply_theme(theme_name)
    src = DemoSource(n_stocks=N_STOCKS)
    store = BarStore(Path(os.environ["STOCKSCAN_HOME"]) / f"bars-market-{lang}.sqlite")
    backfill(src, store)
    w = MainWindow(context=AppContext(source=src, store=store, auto_backfill=False), restore=False)
    w.resize(*size)
    w.show()
    w.reset_layout()
    w.ensure_built()
    w.results_dock.hide()                      # the page wants the width; the scan panel stays
    w.market.show()
    v = w.market.view
    pump(app, lambda: v.ov is not None and not v._busy, 60)
    best = max(v.ov.industries, key=lambda g: g["avg_change"])
    v.drill_into("industry", best["key"])
    pump(app, lambda: False, 0.5)
    w.grab().save(str(HERE / out))
    w.close()
    w.shutdown()


def main() -> int:
    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("StockScanShots")
    app.setApplicationName("screenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ["STOCKSCAN_HOME"])
    shoot_market(app, "zh_CN", "light", "market_zh_light.png", (1600, 1000))
    shoot_market(app, "en", "dark", "market_en_dark_1280.png", (1280, 720))
    if "--market" in sys.argv:                # only the market review's pictures
        print("screenshots written to", HERE)
        return 0
    shoot(app, "zh_CN", "light", "window_zh_light.png", stock_out="stock_view.png", size=(1600, 1000),
          formulas=True)
    shoot(app, "en", "dark", "window_en_dark.png", size=(1280, 720))
    shoot(app, "zh_CN", "dark", "window_zh_dark_1280.png", size=(1280, 720))
    print("screenshots written to", HERE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
