"""Drawing attributes after an output (``MA5:MA(C,5),COLORRED,LINETHICK2;``): ignored by screening,
kept per output as style metadata for a chart pane.

A :class:`Style` says: colour (``#RRGGBB``; 通达信's ``COLORBBGGRR`` hex is blue-green-red),
line width, line kind (line, dot, dash, stick, colour stick, volume stick, circle/point/cross
dots) and whether the output is drawn at all (``NODRAW``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

COLORS = {
    "COLORRED": "#FF0000", "COLORGREEN": "#00FF00", "COLORBLUE": "#0000FF", "COLORYELLOW": "#FFFF00",
    "COLORWHITE": "#FFFFFF", "COLORBLACK": "#000000", "COLORMAGENTA": "#FF00FF", "COLORCYAN": "#00FFFF",
    "COLORGRAY": "#808080", "COLORLIGHTGRAY": "#C0C0C0", "COLORLIGHTRED": "#FF8080",
    "COLORLIGHTGREEN": "#80FF80", "COLORLIGHTBLUE": "#8080FF", "COLORBROWN": "#800000",
    "COLORLIGHTMAGENTA": "#FF80FF", "COLORLIGHTCYAN": "#80FFFF", "COLORORANGE": "#FFA500",
}
KINDS = {"DOTLINE": "dot", "DASHLINE": "dash", "STICK": "stick", "COLORSTICK": "colorstick",
         "VOLSTICK": "volstick", "LINESTICK": "linestick", "CIRCLEDOT": "circledot", "POINTDOT": "pointdot",
         "CROSSDOT": "crossdot"}
FLAGS = {"NODRAW", "NOTEXT", "NOTITLE", "NOFRAME", "DRAWABOVE", "LAYER"}
_HEX = re.compile(r"COLOR([0-9A-F]{6})$")
_THICK = re.compile(r"LINETHICK([0-9])$")


@dataclass(frozen=True)
class Style:
    color: str | None = None          # "#RRGGBB"
    width: int = 1
    kind: str = "line"
    draw: bool = True
    flags: frozenset = field(default_factory=frozenset)


def known_attributes() -> list[str]:
    return sorted(set(COLORS) | set(KINDS) | FLAGS | {f"LINETHICK{i}" for i in range(1, 10)})


def style_of(attrs: list[str]) -> tuple[Style, list[str]]:
    """The style of upper-cased attribute names, and the names it does not know."""
    color, width, kind, draw, flags, unknown = None, 1, "line", True, set(), []
    for a in attrs:
        if a in COLORS:
            color = COLORS[a]
        elif (m := _HEX.match(a)) is not None:
            bb, gg, rr = m.group(1)[0:2], m.group(1)[2:4], m.group(1)[4:6]
            color = f"#{rr}{gg}{bb}"
        elif (m := _THICK.match(a)) is not None:
            width = max(1, int(m.group(1)))
        elif a in KINDS:
            kind = KINDS[a]
        elif a == "NODRAW":
            draw = False
        elif a in FLAGS:
            flags.add(a)
        else:
            unknown.append(a)
    return Style(color, width, kind, draw, frozenset(flags)), unknown
