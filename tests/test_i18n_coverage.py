"""The zh_CN catalogue (``resources/i18n/zh_CN*.json``) against the code, both ways, over the whole
``desktop_app/`` tree (no hand-picked list of modules):

- every ``tr("…")``, ``self.tr("…")``, ``i18n.tr("…")`` and ``QCoreApplication.translate(ctx, "…")``
  literal has a Chinese translation;
- every catalogue key is used by some code (an unused key is reported with its file);
- placeholders survive translation, and no ``tr(f"…")`` (an f-string can never match a key).

Strings translated through a variable (``for key, text in (("open", "Open"), …): tr(text)``) count
as used when they are string constants of the function that makes the ``tr(variable)`` call."""
from __future__ import annotations

import ast
import json
import string
from pathlib import Path

from desktop_app.ui import i18n

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "desktop_app"
CATALOGUES = sorted((ROOT / "resources" / "i18n").glob("zh_CN*.json"))


def _translated_arg(call: ast.Call) -> ast.expr | None:
    """The argument holding the English text, when ``call`` is a translation call."""
    fn = call.func
    name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
    if name == "tr" and call.args:
        return call.args[0]
    if name == "translate" and len(call.args) >= 2:  # QCoreApplication.translate(context, text)
        return call.args[1]
    return None


def _scopes(tree: ast.AST):
    """Every function and lambda (and the module) with the nodes that belong to it and not to a
    nested one."""
    def own(scope: ast.AST):
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.extend(ast.iter_child_nodes(node))

    yield tree, list(own(tree))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield node, list(own(node))


def scan_code(pkg: Path = PKG) -> tuple[dict[str, set[str]], dict[str, set[str]], list[str]]:
    """``(literals, reachable, problems)``: text -> files for literal translation calls; text ->
    files for constants of functions that translate a variable; and malformed calls."""
    literals: dict[str, set[str]] = {}
    reachable: dict[str, set[str]] = {}
    problems: list[str] = []
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for _scope, nodes in _scopes(tree):
            dynamic = False
            for node in nodes:
                if not isinstance(node, ast.Call) or (arg := _translated_arg(node)) is None:
                    continue
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literals.setdefault(arg.value, set()).add(rel)
                elif isinstance(arg, ast.JoinedStr):
                    problems.append(f"{rel}:{node.lineno}: tr(f\"…\") can never match a catalogue key")
                else:
                    dynamic = True
            if dynamic:
                for node in nodes:
                    if isinstance(node, ast.Constant) and isinstance(node.value, str):
                        reachable.setdefault(node.value, set()).add(rel)
    return literals, reachable, problems


def catalogue_keys() -> dict[str, list[str]]:
    """key -> the catalogue files that define it."""
    out: dict[str, list[str]] = {}
    for path in CATALOGUES:
        for k in json.loads(path.read_text(encoding="utf-8")):
            if not k.startswith("__"):
                out.setdefault(k, []).append(path.name)
    return out


def unused_keys() -> list[str]:
    literals, reachable, _ = scan_code()
    return sorted(f"{k!r} ({', '.join(files)})" for k, files in catalogue_keys().items()
                  if k not in literals and k not in reachable)


def _placeholders(text: str) -> list[str]:
    return sorted(name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None)


def test_every_translated_literal_has_a_translation():
    i18n.catalogue.cache_clear()
    cat = i18n.catalogue("zh_CN")  # zh_CN.json plus the part catalogues (zh_CN_stock.json …)
    literals, _reachable, problems = scan_code()
    assert problems == []
    assert len(literals) > 150   # a sanity floor: the scanner found the window's strings
    files = set().union(*literals.values())
    assert {"desktop_app/ui/main_window.py", "desktop_app/ui/stock_view.py",
            "desktop_app/ui/chart/chart_widget.py", "desktop_app/workers/task_manager.py"} <= files
    missing = sorted(f"{s!r} ({', '.join(sorted(literals[s]))})" for s in literals if not cat.get(s))
    assert missing == []


def test_no_catalogue_key_is_unused():
    assert len(CATALOGUES) >= 2
    assert unused_keys() == []


def test_placeholders_survive_translation():
    bad = []
    for path in CATALOGUES:
        for k, v in json.loads(path.read_text(encoding="utf-8")).items():
            if not k.startswith("__") and _placeholders(k) != _placeholders(v):
                bad.append(f"{path.name}: {k!r} -> {v!r}")
    assert bad == []


def test_the_scanner_sees_every_form(tmp_path):
    pkg = tmp_path / "desktop_app"
    (pkg / "ui").mkdir(parents=True)
    (pkg / "ui" / "a.py").write_text(
        "def f(self):\n"
        "    tr('Plain')\n"
        "    self.tr('Method')\n"
        "    QCoreApplication.translate('Ctx', 'Qt way')\n"
        "    for key, text in (('k', 'Through a variable'),):\n"
        "        tr(text)\n"
        "def g(n):\n"
        "    tr(f'{n} bad')\n"
        "    return 'Not translated here'\n"
        "RULES = [lambda m: tr('In a lambda {x}').format(x=m)]\n", encoding="utf-8")
    literals, reachable, problems = scan_code(pkg)
    assert set(literals) == {"Plain", "Method", "Qt way", "In a lambda {x}"}
    assert "Through a variable" in reachable and "Not translated here" not in reachable
    assert len(problems) == 1 and "a.py:8" in problems[0]
