"""Render the benchmark chart in fixed states to PNGs, and compare two such renderings pixel by pixel.

A change meant to make frames cheaper must not change what they show. Render the states with the
code before and after (e.g. a ``git worktree`` of the commit before), then compare:

    python benchmarks/chart_states.py render OUT_DIR [--tree PATH]
    python benchmarks/chart_states.py compare DIR_A DIR_B

States (1600×900 unless said): the default content (MA5/10/20/60, MACD) and every pane on (MA,
BOLL, MACD, KDJ, RSI), each at 60 / 250 / 2,500 / 10,000 visible of ``bench_chart``'s 10,000-bar
stock, three wheel zooms in from 2,500 visible, the crosshair in the middle; the same in a
900×560 window; a 40-bar stock. ``--tree`` renders with the ``desktop_app`` of another checkout.
``compare`` prints, per file, "identical" or how many pixels differ and where; its exit status is
1 when any differ.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def render(out: Path, tree: Path) -> None:
    sys.path.insert(0, str(tree))
    sys.path.insert(0, str(tree / "benchmarks"))
    import bench_chart as bc
    from PySide6 import QtCore, QtWidgets

    assert Path(bc.__file__).resolve().is_relative_to(tree.resolve()), bc.__file__
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    w = bc._make_chart(False)
    w.set_bars(bc.synthetic_bars(bc.N_BARS), symbol="600000", name="bench")
    w.grab()
    bc._settle_lines(w)
    n = w.data.n

    def shots(tag: str) -> None:
        for visible in (60, 250, 2500, 10_000):
            w.set_visible_range(n - visible, n - 1)
            w.grab().save(str(out / f"{tag}_{visible}.png"))
        w.set_visible_range(n - 2500, n - 1)
        for _ in range(3):
            (x0, x1), _ = w.price_plot.getViewBox().viewRange()
            w.zoom(1 / 1.1, anchor=(x0 + x1) / 2)
        w.grab().save(str(out / f"{tag}_zoomed.png"))
        vb = w.price_plot.getViewBox()
        lo, hi = w.price_y_range()
        i0, i1 = w.visible_range()
        w.cursor.on_mouse_moved(vb.mapViewToScene(QtCore.QPointF((i0 + i1) / 2, (lo + hi) / 2)))
        w.grab().save(str(out / f"{tag}_cursor.png"))
        w.cursor.on_mouse_moved(vb.mapViewToScene(QtCore.QPointF(-1e6, -1e6)))

    try:
        shots("default")
        w.set_panes(["macd", "kdj", "rsi"])
        w.set_overlays({"ma": True, "boll": True})
        bc._settle_lines(w)
        shots("all")
        w.resize(900, 560)
        app.processEvents()
        shots("small")
        w.resize(*bc.SIZE)
        app.processEvents()
        w.set_bars(bc.synthetic_bars(40, seed=5), symbol="600001", name="short")
        bc._settle_lines(w)
        w.grab().save(str(out / "short40.png"))
    finally:
        w.close()
        w.deleteLater()
        app.processEvents()


def compare(a: Path, b: Path) -> int:
    import numpy as np
    from PySide6 import QtGui

    def pixels(path: Path) -> np.ndarray:
        im = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format.Format_RGB32)
        rows = np.frombuffer(im.constBits(), np.uint8).reshape(im.height(), im.bytesPerLine())
        return rows[:, :im.width() * 4].reshape(im.height(), im.width(), 4).copy()  # im is freed

    differ = 0
    for f in sorted(p.name for p in a.glob("*.png")):
        if not (b / f).exists():
            print(f"{f:22} missing in {b}")
            differ += 1
            continue
        pa, pb = pixels(a / f), pixels(b / f)
        if pa.shape != pb.shape:
            print(f"{f:22} sizes differ: {pa.shape[1]}×{pa.shape[0]} / {pb.shape[1]}×{pb.shape[0]}")
            differ += 1
            continue
        d = (pa != pb).any(axis=2)
        if not d.any():
            print(f"{f:22} identical")
            continue
        differ += 1
        ys, xs = np.nonzero(d)
        print(f"{f:22} {int(d.sum())} px differ in x {xs.min()}–{xs.max()}, y {ys.min()}–{ys.max()}")
    return 1 if differ else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="write the states' PNGs into OUT_DIR")
    r.add_argument("out", type=Path)
    r.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent,
                   help="the checkout whose desktop_app renders (default: this one)")
    c = sub.add_parser("compare", help="compare two rendered directories pixel by pixel")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.command == "render":
        render(args.out, args.tree)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
