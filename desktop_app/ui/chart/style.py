"""Colours of the chart (A-share convention: red = up, green = down; both candles are filled)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartStyle:
    background: str
    foreground: str
    grid: str
    up: str
    down: str
    crosshair: str
    readout_bg: str
    watermark: str
    ma: tuple[str, str, str, str]      # MA5, MA10, MA20, MA60
    boll: tuple[str, str, str]         # mid, upper, lower
    lines: tuple[str, str, str]        # first, second, third indicator line (DIF/DEA, K/D/J, RSI)
    support: str
    resistance: str
    markers: tuple[str, ...]


LIGHT = ChartStyle(
    background="#ffffff", foreground="#333333", grid="#e6e6e6",
    up="#e0302d", down="#0f9d58", crosshair="#666666", readout_bg="#f4f4f4cc",
    watermark="#20000000",
    ma=("#444444", "#d4a017", "#c239b3", "#1f77b4"),
    boll=("#7f7f7f", "#d4a017", "#1f77b4"),
    lines=("#444444", "#d4a017", "#c239b3"),
    support="#0f9d58", resistance="#e0302d",
    markers=("#ff7f0e", "#1f77b4", "#9467bd", "#8c564b", "#17becf", "#bcbd22"),
)

DARK = ChartStyle(
    background="#000000", foreground="#c8c8c8", grid="#222222",
    up="#ff3b3b", down="#1fd65f", crosshair="#aaaaaa", readout_bg="#202020cc",
    watermark="#30ffffff",
    ma=("#ffffff", "#ffd700", "#ff4fd8", "#00d000"),
    boll=("#ffffff", "#ffd700", "#ff4fd8"),
    lines=("#ffffff", "#ffd700", "#ff4fd8"),
    support="#1fd65f", resistance="#ff3b3b",
    markers=("#ff9f1a", "#4fa3ff", "#c792ea", "#ffcb6b", "#89ddff", "#c3e88d"),
)

THEMES = {"light": LIGHT, "dark": DARK}
