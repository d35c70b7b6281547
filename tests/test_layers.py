"""The layer rules of DESIGN.md §1, checked on the source: core never imports Qt,
workers never import QtWidgets, and akshare is imported lazily (inside functions only)."""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "desktop_app"


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node, a.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node, node.module


def _files(sub: str):
    return sorted((PKG / sub).rglob("*.py"))


def test_core_never_imports_qt():
    bad = [(str(f), m) for f in _files("core") for _, m in _imports(f)
           if m.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6"}]
    assert bad == []


def test_workers_never_import_widgets():
    bad = [(str(f), m) for f in _files("workers") for _, m in _imports(f)
           if "QtWidgets" in m or m.startswith("pyqtgraph") or m.startswith("desktop_app.ui")]
    assert bad == []


def test_akshare_is_imported_lazily():
    """A module-level `import akshare` would cost ~0.9 s at start-up (FACTS.md)."""
    bad = []
    for f in PKG.rglob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(n.split(".")[0] == "akshare" for n in names):
                    bad.append(str(f))
    assert bad == []
