"""stockscan-cli screens: the saved screens (选股方案) the window and ``scan --screen`` share.

    stockscan-cli screens [list] [--json]
    stockscan-cli screens show NAME [--json]
    stockscan-cli screens export NAME PATH               (a screen file, or its formula as a .txt)
    stockscan-cli screens import PATH [--name NAME]     (a screen file, or a 通达信 formula .txt)
    stockscan-cli screens delete NAME
"""
from __future__ import annotations

import argparse
import json
import sys

ACTIONS = ("list", "show", "export", "import", "delete")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=ACTIONS, default="list")
    parser.add_argument("target", nargs="?", help="the screen's name (show, export, delete) or a file (import)")
    parser.add_argument("path", nargs="?", help="export: the file to write (.json; .txt writes the formula)")
    parser.add_argument("--name", help="import: save under this name (default: the file's)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("data",)


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import error
    from desktop_app.core.catalogue import say
    from desktop_app.core.screens import ScreenLibrary

    lang, lib, action = args.lang, ScreenLibrary(), args.action
    if action != "list" and not args.target:
        error(say("screen_needs_path" if action == "import" else "screen_needs_name", lang, action=action), lang)
        return 2
    if action == "export" and not args.path:
        error(say("screen_needs_path", lang, action=action), lang)
        return 2
    if action == "list":
        screens = lib.screens()
        if args.json:
            print(json.dumps([{"name": s.name, "request": s.request, "columns": s.columns} for s in screens],
                             ensure_ascii=False, indent=1))
        elif not screens:
            print(say("screens_none", lang), file=sys.stderr)
        else:
            from desktop_app.core.scan import ScanRequest

            for s in screens:
                print(f"{s.name}\t{ScanRequest.from_dict(s.request).title(lang)}")
        return 0
    if action == "show":
        _show(lib.get(args.target), args.json, lang)
    elif action == "export":
        print(say("screen_exported", lang, name=args.target, file=str(lib.export(args.target, args.path))))
    elif action == "import":
        screen = lib.import_any(args.target, args.name)
        print(say("screen_saved", lang, name=screen.name, file=str(lib.path_of(screen.name))))
    elif action == "delete":
        if not lib.delete(args.target):
            lib.get(args.target)                 # raises: no such screen, naming the saved ones
        print(say("screen_deleted", lang, name=args.target))
    return 0


def _show(screen, as_json: bool, lang: str) -> None:
    from desktop_app.core.catalogue import say
    from desktop_app.core.request_lines import describe_request

    if as_json:
        print(json.dumps({"name": screen.name, "request": screen.request, "columns": screen.columns},
                         ensure_ascii=False, indent=1))
        return
    print(screen.name)
    for line in describe_request(screen.scan_request(), lang):
        print(f"  {line}")
    if screen.columns:
        print("  " + say("screen_columns", lang, columns=", ".join(screen.columns)))
