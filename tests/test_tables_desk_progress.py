"""Issue 12 item 4: the task table's progress-bar text is readable in both themes (WCAG contrast
≥ 4.5:1 over the chunk and over the groove, selected or not), checked on the colours and on the
pixels the delegate paints."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem, QTableView

from desktop_app.ui import theme
from desktop_app.ui.progress_delegate import TaskDelegate, bar_colors, contrast

ROLE = Qt.ItemDataRole.UserRole + 9


def palettes() -> dict[str, QPalette]:
    app = QApplication.instance()
    return {"light": app.style().standardPalette(), "dark": theme.dark_palette()}


def test_wcag_contrast_of_known_colours():
    assert contrast(QColor("white"), QColor("black")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", ["light", "dark"])
@pytest.mark.parametrize("selected", [False, True])
def test_bar_text_contrasts_with_what_it_is_drawn_on(qapp, name, selected):
    groove, border, chunk, on_groove, on_chunk = bar_colors(palettes()[name], selected)
    assert contrast(on_chunk, chunk) >= 4.5
    assert contrast(on_groove, groove) >= 4.5
    assert contrast(chunk, groove) >= 2.0            # the filled part is visibly filled
    assert contrast(border, palettes()[name].color(QPalette.ColorRole.Highlight)) >= 1.3   # selected row


def paint_bar(palette: QPalette, frac: float, selected: bool) -> QImage:
    model = QStandardItemModel(1, 1)
    item = QStandardItem()
    item.setData(frac, ROLE)
    model.setItem(0, 0, item)
    view = QTableView()
    view.setModel(model)
    view.setPalette(palette)
    delegate = TaskDelegate(ROLE, ROLE, progress_column=0)
    img = QImage(240, 26, QImage.Format.Format_RGB32)
    img.fill(palette.color(QPalette.ColorRole.Base))
    opt = QStyleOptionViewItem()
    opt.rect = QRect(0, 0, 240, 26)
    opt.palette = palette
    opt.font = view.font()
    opt.state = QStyle.StateFlag.State_Enabled | (QStyle.StateFlag.State_Selected if selected
                                                  else QStyle.StateFlag.State_None)
    p = QPainter(img)
    delegate.paint(p, opt, model.index(0, 0))
    p.end()
    return img


@pytest.mark.parametrize("name", ["light", "dark"])
@pytest.mark.parametrize("selected", [False, True])
def test_the_painted_bar_text_reads_on_what_is_painted(qapp, name, selected):
    pal = palettes()[name]
    groove, _border, chunk, _on_groove, _on_chunk = bar_colors(pal, selected)
    img = paint_bar(pal, 0.5, selected)
    y = 13
    painted_chunk, painted_groove = img.pixelColor(30, y), img.pixelColor(210, y)
    assert painted_groove == groove
    assert contrast(painted_chunk, painted_groove) >= 2.0
    assert painted_chunk == chunk
    if selected:   # the chunk stands out from the selected row around it
        assert contrast(painted_chunk, pal.color(QPalette.ColorRole.Highlight)) >= 1.3
    # "50%" straddles the split: its strongest pixels on each side contrast fully with the
    # background there (the text is drawn in the colour that side needs)
    left = [img.pixelColor(x, yy) for x in range(90, 120) for yy in range(4, 22)]
    right = [img.pixelColor(x, yy) for x in range(120, 150) for yy in range(4, 22)]
    assert max(contrast(c, painted_chunk) for c in left) >= 4.5
    assert max(contrast(c, painted_groove) for c in right) >= 4.5
