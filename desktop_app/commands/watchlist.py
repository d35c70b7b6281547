"""stockscan-cli watchlist: the watchlist groups (自选股) the window shows.

    stockscan-cli watchlist [groups]                     the groups and their sizes
    stockscan-cli watchlist show [--group G]             a group's codes
    stockscan-cli watchlist add CODE… [--group G]        (creates the group when missing)
    stockscan-cli watchlist remove CODE… [--group G]
    stockscan-cli watchlist import FILE [--group G]      a 通达信 .blk, CSV, XLSX or text file
"""
from __future__ import annotations

import argparse
import sys

from desktop_app.core.catalogue import say

ACTIONS = ("groups", "show", "add", "remove", "import")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=ACTIONS, default="groups")
    parser.add_argument("items", nargs="*", help="codes (add, remove) or a file (import)")
    parser.add_argument("--group", default=None, help="the group (default 自选股1)")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("data",)


def print_rejected(preview, lang: str) -> None:
    for n, text, reason in preview.rejected:
        print(say("watch_rejected", lang, line=n, text=text, reason=reason), file=sys.stderr)
    if getattr(preview, "duplicates", 0):
        print(say("watch_duplicates", lang, n=preview.duplicates), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from desktop_app.core.watch_import import parse_text, preview_file
    from desktop_app.core.watch_store import DEFAULT_GROUP, WatchStore

    lang = args.lang
    store = WatchStore()
    group = args.group or DEFAULT_GROUP
    if args.action == "groups":
        for name, codes in store.all_members().items():
            print(say("watch_group_line", lang, name=name, n=len(codes)))
        return 0
    if args.action == "show":
        if group not in store.groups():
            from desktop_app.core.reasons import R
            from desktop_app.core.watch_store import WatchError

            raise WatchError(R("watch_no_group", name=group))
        for c in store.members(group):
            print(c)
        return 0
    if args.action in ("add", "import") and group not in store.groups():
        store.create_group(group)
        print(say("watch_created", lang, group=group))
    if args.action == "remove":
        gone = store.remove(group, parse_text(" ".join(args.items)).codes)
        print(say("watch_removed", lang, group=group, n=len(gone)))
        return 0
    if args.action == "import":
        if len(args.items) != 1:
            print(say("error", lang, text=say("watch_import_needs_file", lang)), file=sys.stderr)
            return 2
        preview = preview_file(args.items[0])
    else:
        preview = parse_text("\n".join(args.items))
    print_rejected(preview, lang)
    added = store.add(group, preview.codes)
    print(say("watch_added", lang, group=group, n=len(added)))
    return 0 if not preview.rejected else 1
