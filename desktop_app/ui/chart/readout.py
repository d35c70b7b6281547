"""The chart's 通达信 title lines: what the price pane's line says for the bar under the cursor
(code, name, date, O/H/L/C, change, volume, the MA/BOLL values in their colours, the presets that
fired) and the volume pane's. A mixin of ``ChartWidget``; ``title_strip`` lays the runs out."""
from __future__ import annotations

import math

import numpy as np

from ..i18n import tr
from .indicator_pane import fmt, value_name
from .labels import big_number
from .overlays import BOLL_KEYS, MA_KEYS
from .title_strip import Run, Segment


class ChartReadout:
    """Title-line contents of the chart (see the module docstring)."""

    def _price_readout(self, i: int) -> list[Segment]:
        """通达信's title line: code name, date, O/H/L/C, change, volume, MA/BOLL values."""
        d = self._data
        if d is None:
            return []
        st = self.style_
        fg = st.foreground
        ready = self.overlays.has_indicator_data(d)
        b = d.bar(i, with_indicators=ready)
        prev = d.prev_close[b["index"]]

        def col(v: float) -> str:
            if not np.isfinite(prev) or v == prev:
                return fg
            return st.up if v > prev else st.down

        chg = b["chg_pct"]
        chg_s = "—" if not math.isfinite(chg) else f"{chg:+.2f}%"
        head = [Run(self._symbol, fg, True)]
        if self._name:
            head.append(Run(f" {self._name}", fg, True))
        out: list[Segment] = [tuple(head), (Run(b["date"].strftime("%Y-%m-%d %H:%M" if d.intraday else "%Y-%m-%d"), fg),)]
        for label, key in ((tr("Open"), "open"), (tr("High"), "high"), (tr("Low"), "low"),
                           (tr("Close"), "close")):
            out.append((Run(f"{label} ", fg), Run(f"{b[key]:.2f}", col(b[key]))))
        out.append((Run(f"{tr('Change')} ", fg), Run(chg_s, col(b["close"]))))
        out.append((Run(f"{tr('Volume')} ", fg), Run(big_number(b["volume"], 2), fg)))
        flags = self._overlay_flags
        if flags["ma"] and ready:
            for key, c in zip(MA_KEYS, st.ma):
                out.append((Run(f"{value_name(key)} {fmt(b[key])}", c),))
        if flags["boll"] and ready:
            for key, c in zip(BOLL_KEYS, st.boll):
                out.append((Run(f"{value_name(key)} {fmt(b[key])}", c),))
        out += self._formula_price_segments(b["index"])
        sig = self.overlays.signals_at(b["index"]) if flags["markers"] else []
        if sig:
            colors = dict(zip(self.overlays.marker_labels, self.overlays.marker_colors()))
            out.append((Run(f"{tr('Signals')} ", fg), Run(sig[0], colors.get(sig[0], fg))))
            out += [(Run(name, colors.get(name, fg)),) for name in sig[1:]]
        return out

    def _volume_readout(self, i: int) -> list[Segment]:
        d = self._data
        if d is None:
            return []
        j = d.clamp(i)
        c = self.style_.up if d.up[j] else self.style_.down
        return [(Run(tr("Volume"), self.style_.foreground, True),),
                (Run(big_number(float(d.volume[j]), 2), c),)]

    def readout_text(self, pane: str = "price") -> str:
        """The title line of ``pane`` as plain text (all of it, shown or elided)."""
        return self._strips[pane].full_text()
