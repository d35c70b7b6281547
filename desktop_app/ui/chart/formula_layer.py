"""The chart's formula indicators: a mixin of ``ChartWidget`` (see ``formula_pane``).

:meth:`set_formula_indicators` says which user formulas are shown (each in a pane of its own,
under the built-in panes, or over the candles); :meth:`set_formula_results` hands over what their
evaluation gave for a ``BarData``. A result is kept with the bars it was computed for and shown
only while the chart shows those very bars, so a late result for the previous stock never draws
over the new one. The chart emits ``bars_changed`` on every new ``set_bars``: the owner evaluates
then. Like the rest of the chart, nothing here stores settings or evaluates.
"""
from __future__ import annotations

from .bar_data import BarData
from .formula_pane import FormulaGroup, FormulaIndicator, FormulaPane, FormulaResult
from .legend import Entry
from .title_strip import Segment


class ChartFormulas:
    """Formula panes and price-pane formula overlays of the chart."""

    def _init_formulas(self) -> None:
        self._formula_specs: list[FormulaIndicator] = []
        self._formula_results: dict[str, tuple[BarData, FormulaResult]] = {}
        self._formula_overlays: list[FormulaGroup] = []

    # ------------------------------------------------------------------ public API
    def set_formula_indicators(self, specs: list[FormulaIndicator]) -> None:
        """Show these formula indicators (in order; results already given for them are kept)."""
        specs = list(specs)
        if specs == self._formula_specs:
            return
        ids = {s.id for s in specs}
        self._formula_results = {k: v for k, v in self._formula_results.items() if k in ids}
        self._formula_specs = specs
        self._rebuild_keep_view()

    def formula_indicators(self) -> list[FormulaIndicator]:
        return list(self._formula_specs)

    def set_formula_results(self, data: BarData | None, results: dict[str, FormulaResult]) -> bool:
        """Show ``results`` (formula id -> result) computed for ``data``; False (nothing shown)
        when the chart no longer shows those bars."""
        if data is None or data is not self._data:
            return False
        for fid, result in results.items():
            self._formula_results[fid] = (data, result)
        self._apply_formulas(data)
        for p in self.formula_panes().values():
            p.refresh()
        self._update_legend()
        self._refit()
        self.cursor.refresh_text()
        return True

    def formula_result(self, fid: str) -> FormulaResult | None:
        """The result shown for formula ``fid`` (None before its evaluation for these bars)."""
        return self._formula_lookup(fid, self._data)

    def formula_panes(self) -> dict[str, FormulaPane]:
        """The formula panes by key (``formula:<id>``)."""
        return {k: p for k, p in self._pane_objs.items() if isinstance(p, FormulaPane)}

    def formula_overlays(self) -> list[FormulaGroup]:
        """The formulas drawn over the candles."""
        return list(self._formula_overlays)

    # ------------------------------------------------------------------ chart hooks
    def _formula_lookup(self, fid: str, data: BarData | None) -> FormulaResult | None:
        hit = self._formula_results.get(fid)
        return hit[1] if hit is not None and data is not None and hit[0] is data else None

    def _build_formula_layers(self, row: int) -> None:
        """The formula panes from ``row`` on, and the price pane's formula groups."""
        self._formula_overlays = []
        for spec in self._formula_specs:
            if spec.on_price:
                self._formula_overlays.append(FormulaGroup(spec, self.price_plot, self.style_))
            else:
                plot = self._new_plot(row, 2, spec.pane_key)
                self._pane_objs[spec.pane_key] = FormulaPane(spec, plot, self.style_, self._formula_lookup)
                row += 1

    def _apply_formulas(self, data: BarData | None) -> None:
        for g in self._formula_overlays:
            g.show(data, self._formula_lookup(g.spec.id, data))

    def _formula_price_range(self, i0: int, i1: int) -> list[tuple[float, float]]:
        return [r for g in self._formula_overlays if (r := g.y_range(i0, i1)) is not None]

    def _formula_price_segments(self, i: int) -> list[Segment]:
        return [s for g in self._formula_overlays for s in g.segments(i, 2)]

    def _formula_legend(self) -> list[Entry]:
        return [Entry("line", tuple(g.colors[it.key] for it in g.items), g.spec.name)
                for g in self._formula_overlays if g.items]

    def _copy_formulas_to(self, twin: "ChartFormulas") -> None:
        """An export twin shows the same formulas with the same results (the same bars object)."""
        twin.set_formula_indicators(self._formula_specs)
        twin._formula_results = dict(self._formula_results)
