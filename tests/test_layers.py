"""The layer rules of DESIGN.md §1 / ARCHITECTURE.md, checked on the source in every direction.

Every ``import``/``from … import`` anywhere in a module counts — at module level or lazily inside a
function — with relative imports resolved to the package they name:

- core imports neither Qt nor pyqtgraph, nor workers/ui/the entry modules;
- workers import no QtWidgets/QtGui/pyqtgraph, nor ui/the entry modules;
- ui imports no entry module (``app``, ``cli``, ``commands``, ``__main__``);
- akshare is imported lazily (inside functions only): a module-level import costs ~0.9 s.
"""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "desktop_app"
ROOT = "desktop_app"
QT = {"PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6"}
ENTRY = ("app", "cli", "commands", "__main__")
# what each layer may import of our own package
ALLOWED = {"core": {"core"}, "workers": {"core", "workers"}, "ui": {"core", "workers", "ui"}}


def module_name(path: Path, pkg: Path = PKG) -> str:
    parts = list(path.relative_to(pkg.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False):
    """``(lineno, dotted name)`` of everything ``source`` imports, anywhere in its tree, relative
    imports resolved against ``module``. ``from X import Y`` yields X and X.Y (Y may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for a in node.names:
                if a.name != "*":
                    yield node.lineno, f"{target}.{a.name}"


def layer_of(name: str) -> str | None:
    """"core" | "workers" | "ui" | "entry" for a module of our package, else None."""
    parts = name.split(".")
    if parts[0] != ROOT or len(parts) < 2:
        return None
    if parts[1] in ALLOWED:
        return parts[1]
    if parts[1] in ENTRY:
        return "entry"
    return None


def violations(pkg: Path = PKG) -> list[str]:
    bad = []
    for path in sorted(pkg.rglob("*.py")):
        mod = module_name(path, pkg)
        layer = layer_of(mod)
        if layer not in ALLOWED:
            continue  # the entry modules may import everything
        for line, target in imported_modules(path.read_text(encoding="utf-8"), mod, path.name == "__init__.py"):
            where = f"{path.relative_to(pkg.parent)}:{line} imports {target}"
            top = target.split(".")[0]
            if layer == "core" and top in QT:
                bad.append(f"{where} (core never imports Qt)")
            elif layer == "workers" and (top in {"pyqtgraph", "PyQt5", "PyQt6"}
                                         or target.startswith(("PySide6.QtWidgets", "PySide6.QtGui"))):
                bad.append(f"{where} (workers never import widgets)")
            other = layer_of(target)
            if other is not None and other not in ALLOWED[layer]:
                bad.append(f"{where} ({layer} never imports {other})")
    return bad


def test_no_layer_imports_one_above_it_or_qt_where_it_must_not():
    assert violations() == []


def test_the_checker_sees_lazy_relative_and_from_imports(tmp_path):
    """The rules bite on the forms that slipped through before: an import inside a function, a
    relative import, ``from PySide6 import QtWidgets`` and ``from desktop_app import app``."""
    pkg = tmp_path / "desktop_app"
    for sub in ("core", "workers", "ui", "commands"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "app.py").write_text("from desktop_app.ui import main_window\n")           # entry: fine
    (pkg / "core" / "ok.py").write_text("from . import other\nfrom .data import store\nimport numpy\n")
    (pkg / "core" / "lazy.py").write_text("def f():\n    from ..workers import task_manager\n")
    (pkg / "core" / "qt.py").write_text("def f():\n    import PySide6.QtCore\n")
    (pkg / "workers" / "w.py").write_text("from PySide6 import QtWidgets\nfrom PySide6.QtCore import QObject\n")
    (pkg / "workers" / "up.py").write_text("import desktop_app.ui.i18n\n")
    (pkg / "ui" / "cycle.py").write_text("def f():\n    from desktop_app import app\n")
    (pkg / "ui" / "cmd.py").write_text("from ..commands import scan\nfrom ..core import paths\n")
    found = violations(pkg)
    text = "\n".join(found)
    assert "core/lazy.py:2 imports desktop_app.workers (core never imports workers)" in text
    assert "core/qt.py:2 imports PySide6.QtCore (core never imports Qt)" in text
    assert "workers/w.py:1 imports PySide6.QtWidgets (workers never import widgets)" in text
    assert "workers/up.py:1 imports desktop_app.ui.i18n (workers never imports ui)" in text
    assert "ui/cycle.py:2 imports desktop_app.app (ui never imports entry)" in text
    assert "ui/cmd.py:1 imports desktop_app.commands (ui never imports entry)" in text
    assert not [f for f in found if "ok.py" in f or "app.py" in f or "paths" in f]


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


def test_no_import_error_fallback_hides_our_own_modules():
    """``try: from desktop_app… import X / except ImportError: <carry on without it>`` hides real
    import errors. Probing an optional third-party package (akshare's calendar file) is fine."""
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        mod = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            catches = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            if not any("ImportError" in c or "ModuleNotFoundError" in c for c in catches):
                continue
            body = ast.Module(body=node.body, type_ignores=[])
            ours = [t for _l, t in imported_modules(ast.unparse(body), mod, path.name == "__init__.py")
                    if t.split(".")[0] == ROOT]
            if ours:
                bad.append(f"{rel}:{node.lineno} {ours[0]}")
    assert bad == []
