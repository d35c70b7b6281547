"""Colours of the chart (A-share convention: red = up, green = down; both candles are filled).

MA lines keep 通达信's colours (dark: white, yellow, magenta, green); the BOLL band has colours of
its own (no MA colour), so the two overlays can be told apart when both are on, and the strategy
markers use neither.
"""
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
    strip: str                         # the opaque title strip above each pane
    watermark: str
    ma: tuple[str, str, str, str]      # MA5, MA10, MA20, MA60
    boll: tuple[str, str, str]         # mid, upper, lower
    lines: tuple[str, str, str]        # first, second, third indicator line (DIF/DEA, K/D/J, RSI)
    support: str
    resistance: str
    tag_text: str                      # text on a support/resistance price tag
    markers: tuple[str, ...]


LIGHT = ChartStyle(
    background="#ffffff", foreground="#333333", grid="#e6e6e6",
    up="#e0302d", down="#0f9d58", crosshair="#666666", readout_bg="#f4f4f4cc",
    strip="#f5f5f5", watermark="#20000000",
    ma=("#444444", "#d4a017", "#c239b3", "#1f77b4"),
    boll=("#8c564b", "#0e9aa7", "#0e9aa7"),
    lines=("#444444", "#d4a017", "#c239b3"),
    support="#0f9d58", resistance="#e0302d", tag_text="#ffffff",
    markers=("#ff7f0e", "#7b61ff", "#00a6d6", "#bcbd22", "#e377c2", "#a0522d"),
)

DARK = ChartStyle(
    background="#000000", foreground="#c8c8c8", grid="#222222",
    up="#ff3b3b", down="#1fd65f", crosshair="#aaaaaa", readout_bg="#202020cc",
    strip="#141414", watermark="#30ffffff",
    ma=("#ffffff", "#ffd700", "#ff4fd8", "#00d000"),
    boll=("#c08040", "#33ccff", "#33ccff"),
    lines=("#ffffff", "#ffd700", "#ff4fd8"),
    support="#1fd65f", resistance="#ff3b3b", tag_text="#000000",
    markers=("#ff9f1a", "#5b7cff", "#c792ea", "#d2b48c", "#ff80ab", "#80cbc4"),
)

THEMES = {"light": LIGHT, "dark": DARK}
