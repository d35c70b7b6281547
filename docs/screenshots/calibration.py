"""Draw the README's picture of the score's calibration on the demo market: the mean forward
return of each score band (the validation's own chart, ``ui/validation_charts.bands_plot``).

    QT_QPA_PLATFORM=offscreen python docs/screenshots/calibration.py

Validates "score ≥ 0" (every scored stock, so every band shows) over the last 250 trading days of a
2,000-stock demo market with the engine the window and ``stockscan-cli validate`` use, and writes
``calibration_demo.png`` (+5 days) next to this file. The demo market is synthetic: the picture
shows the mechanism, not a result about real stocks.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["STOCKSCAN_HOME"] = tempfile.mkdtemp(prefix="stockscan-calibration-")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

N_STOCKS, DAYS, K = 2000, 250, 5


def main() -> int:
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.scan import ScanRequest
    from desktop_app.core.validation import Period, validate
    from desktop_app.ui import i18n, theme
    from desktop_app.ui.validation_charts import bands_plot, png_bytes

    app = QApplication.instance() or QApplication(sys.argv)
    theme.apply_theme("light")
    i18n.set_language("zh_CN")
    src = DemoSource(n_stocks=N_STOCKS)
    store = BarStore(Path(os.environ["STOCKSCAN_HOME"]) / "bars.sqlite")
    d = validate(ScanRequest(min_score=0), Period(days=DAYS), src, store).to_dict()
    store.close()
    plot = bands_plot(d, K)
    plot.getPlotItem().setTitle(
        f"演示行情（合成数据，{N_STOCKS:,} 只 × {DAYS} 个交易日）：按评分区间的持有 {K} 日平均收益 — 仅展示机制，非实证结果",
        color=plot.getPlotItem().titleLabel.opts.get("color"), size="10pt")
    (HERE / "calibration_demo.png").write_bytes(png_bytes(plot, 1000, 420))
    for b in d["bands"]:
        s = b["stats"][str(K)]
        print(f"{b['lo']:>4g}  n={s['count']:>7,}  mean={100 * (s['mean'] or 0):+.2f}%")
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
