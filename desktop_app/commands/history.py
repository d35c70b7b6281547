"""stockscan-cli history: the stored tasks (GUI and CLI alike), or one task's hits.

    stockscan-cli history [--json] [--limit N]
    stockscan-cli history show ID [--json | --csv PATH]

ID may be any unique prefix of a task id.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["list", "show"], default="list",
                        help="list the tasks (default) or show one task's hits")
    parser.add_argument("task_id", nargs="?", help="task id (or a unique prefix) for 'show'")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", metavar="PATH", help="show: write the hits to a CSV file (UTF-8 with BOM)")
    parser.add_argument("--limit", type=int, default=50, help="rows printed in table form (default 50)")
    parser.add_argument("--since", action="store_true", help="show: add the returns since the scan")
    parser.add_argument("--demo-stocks", type=int, default=None, help="--since: the demo market's size")


def needs_dirs(args: argparse.Namespace) -> tuple[str, ...]:
    return ("data",)


def _when(ts) -> str:
    if not ts:
        return ""
    return dt.datetime.fromtimestamp(float(ts)).strftime("%Y-%m-%d %H:%M:%S")


def _elapsed(rec: dict) -> str:
    if rec.get("started") and rec.get("finished"):
        return f"{float(rec['finished']) - float(rec['started']):.1f}s"
    return ""


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import error, json_clean, note, print_hits_table
    from desktop_app.core.file_errors import check_output_path, problem_of
    from desktop_app.core.catalogue import TASK_KINDS, TASK_STATES, pick, say
    from desktop_app.core.hits import write_hits
    from desktop_app.core.history import HistoryStore
    from desktop_app.core.reasons import reason_from_column

    lang = args.lang

    def kind(t: dict) -> str:
        return pick(TASK_KINDS.get(t.get("kind") or ""), lang, t.get("kind") or "")

    def state(t: dict) -> str:
        return pick(TASK_STATES.get(t.get("status") or ""), lang, t.get("status") or "")

    def err(t: dict) -> str:
        return reason_from_column(t["error"]).text(lang) if t.get("error") else ""

    if args.limit < 0:
        error(say("not_non_negative", lang, option="--limit", value=args.limit), lang)
        return 2
    if args.csv is not None:
        if args.action != "show":
            error(say("csv_only_show", lang), lang)
            return 2
        problem = check_output_path(args.csv)
        if problem is not None:
            error(problem, lang)
            return 2
    store = HistoryStore(on_busy=lambda r: note(r, lang))
    if store.opened_note is not None:
        note(store.opened_note, lang)
    try:
        store.mark_unfinished_interrupted(include_own=False)   # rows of processes that are gone
        if args.action == "list":
            if args.csv:
                error(say("csv_only_show", lang), lang)
                return 2
            tasks = store.load_tasks()
            tasks.reverse()                      # newest first
            counts = store.hit_counts()
            if args.json:
                for t in tasks:
                    t["hits"] = counts.get(t["id"], 0)
                    t.pop("result", None)
                sys.stdout.write(json.dumps(json_clean(tasks), ensure_ascii=False, allow_nan=False))
                sys.stdout.write("\n")
                return 0
            if not tasks:
                print(say("no_tasks", lang))
                return 0
            print(say("history_header", lang))
            for t in tasks[:args.limit]:
                print(f"{t['id']}\t{kind(t)}\t{state(t)}\t{t.get('done') or 0}/{t.get('total') or 0}\t"
                      f"{t.get('found') or 0}\t{t.get('failed') or 0}\t{_when(t.get('created'))}\t"
                      f"{_elapsed(t)}\t{t['title']}" + (f"\t({err(t)})" if t.get("error") else ""))
            if len(tasks) > args.limit:
                print(say("older_tasks", lang, n=len(tasks) - args.limit))
            return 0

        if not args.task_id:
            error(say("show_needs_id", lang), lang)
            return 2
        ids = store.find_ids(args.task_id)
        if not ids:
            error(say("no_such_task", lang, id=repr(args.task_id)), lang)
            return 1
        if len(ids) > 1 and args.task_id not in ids:
            error(say("ambiguous_task", lang, id=repr(args.task_id), n=len(ids), ids=", ".join(ids[:10])), lang)
            return 2
        tid = args.task_id if args.task_id in ids else ids[0]
        task = store.get_task(tid)
        hits = store.load_hits(tid)
        if args.since:
            from desktop_app.commands.history_since import with_since
            hits = with_since(task, hits, lang, args.demo_stocks)
        if args.json:
            sys.stdout.write(json.dumps(json_clean({"task": task, "hits": hits}), ensure_ascii=False, allow_nan=False))
            sys.stdout.write("\n")
            return 0
        if args.csv:
            try:
                write_hits(args.csv, sorted(hits, key=lambda r: -(r.get("score") or 0)), lang)
            except OSError as e:
                error(problem_of(e, args.csv).reason, lang)
                return 1
            print(say("wrote_task_hits", lang, n=len(hits), id=tid, path=args.csv))
            return 0
        print(say("task_line", lang, title=task["title"], kind=kind(task), id=tid, status=state(task),
                  created=_when(task.get("created"))))
        print(say("task_counts", lang, done=task.get("done") or 0, total=task.get("total") or 0,
                  found=task.get("found") or 0, failed=task.get("failed") or 0,
                  error=say("task_error", lang, error=err(task)) if task.get("error") else ""))
        if hits:
            print_hits_table(sorted(hits, key=lambda r: -(r.get("score") or 0)), lang, args.limit)
        return 0
    finally:
        store.close()
