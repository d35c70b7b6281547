"""Where StockScan keeps its files.

platformdirs gives the per-user data, cache and log dirs. ``STOCKSCAN_HOME`` overrides all three
(``$STOCKSCAN_HOME/{data,cache,log}``) so tests, benchmarks and portable installs stay isolated.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "StockScan"


def _root_override() -> Path | None:
    home = os.environ.get("STOCKSCAN_HOME")
    return Path(home) if home else None


def _ensure(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def data_dir() -> Path:
    root = _root_override()
    return _ensure(root / "data" if root else Path(platformdirs.user_data_dir(APP, appauthor=False)))


def cache_dir() -> Path:
    root = _root_override()
    return _ensure(root / "cache" if root else Path(platformdirs.user_cache_dir(APP, appauthor=False)))


def log_dir() -> Path:
    root = _root_override()
    return _ensure(root / "log" if root else Path(platformdirs.user_log_dir(APP, appauthor=False)))


def resources_dir() -> Path:
    """The resources folder, from an installed wheel (desktop_app/resources) or a source checkout."""
    here = Path(__file__).resolve().parent.parent  # desktop_app/
    installed = here / "resources"
    if installed.is_dir():
        return installed
    try:
        from importlib.resources import files

        p = Path(str(files("desktop_app.resources")))
        if p.is_dir():
            return p
    except (ModuleNotFoundError, TypeError):
        pass
    return here.parent / "resources"
