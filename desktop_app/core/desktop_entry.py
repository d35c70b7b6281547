"""The application-menu entry of the current user (``stockscan --install-desktop``, the window's
"Add to application menu"): the ``.desktop`` file with an ``Exec`` line that starts this install,
and the icons, under ``$XDG_DATA_HOME`` (``~/.local/share``). Plain files, no Qt."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import paths

DESKTOP_ID = "stockscan"


def _xdg_data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _exec_line() -> str:
    """How the menu entry starts the app: the installed ``stockscan`` script when there is one."""
    exe = shutil.which("stockscan")
    if exe:
        return f"{exe} %U"
    return f"{sys.executable} -m desktop_app %U"


def install_desktop(data_home: Path | None = None) -> list[Path]:
    """Install the .desktop file and icons for the current user; returns the files written."""
    res = paths.resources_dir()
    base = data_home or _xdg_data_home()
    apps = base / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    text = (res / "stockscan.desktop").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + _exec_line()
        elif line.startswith("TryExec="):
            continue  # Exec may be an absolute path or "python -m"; TryExec would hide the entry
        lines.append(line)
    desktop = apps / f"{DESKTOP_ID}.desktop"
    desktop.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = [desktop]
    icons = base / "icons" / "hicolor"
    for src, sub in ((res / "icons" / "stockscan.svg", "scalable"), (res / "icons" / "stockscan.png", "256x256")):
        if src.exists():
            dst = icons / sub / "apps" / f"{DESKTOP_ID}{src.suffix}"
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            written.append(dst)
    tool = shutil.which("update-desktop-database")
    if tool:
        subprocess.run([tool, str(apps)], check=False, capture_output=True, timeout=20)
    return written
