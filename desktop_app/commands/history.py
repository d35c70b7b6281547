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
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def _when(ts) -> str:
    if not ts:
        return ""
    return dt.datetime.fromtimestamp(float(ts)).strftime("%Y-%m-%d %H:%M:%S")


def _elapsed(rec: dict) -> str:
    if rec.get("started") and rec.get("finished"):
        return f"{float(rec['finished']) - float(rec['started']):.1f}s"
    return ""


def run(args: argparse.Namespace) -> int:
    from desktop_app.commands.scan import json_clean, print_hits_table
    from desktop_app.core.history import HistoryStore
    from desktop_app.core.scan import write_hits_csv

    store = HistoryStore()
    try:
        if args.action == "list":
            if args.csv:
                print("error: --csv applies to 'history show ID'", file=sys.stderr)
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
                print("no tasks in the history")
                return 0
            print("id\tkind\tstatus\tdone/total\tfound\tfailed\tcreated\telapsed\ttitle")
            for t in tasks[:args.limit]:
                print(f"{t['id']}\t{t['kind']}\t{t['status']}\t{t.get('done') or 0}/{t.get('total') or 0}\t"
                      f"{t.get('found') or 0}\t{t.get('failed') or 0}\t{_when(t.get('created'))}\t"
                      f"{_elapsed(t)}\t{t['title']}" + (f"\t({t['error']})" if t.get("error") else ""))
            if len(tasks) > args.limit:
                print(f"… {len(tasks) - args.limit} older tasks (--limit)")
            return 0

        if not args.task_id:
            print("error: 'history show' needs a task id", file=sys.stderr)
            return 2
        ids = store.find_ids(args.task_id)
        if not ids:
            print(f"error: no task {args.task_id!r} in the history", file=sys.stderr)
            return 1
        if len(ids) > 1 and args.task_id not in ids:
            print(f"error: {args.task_id!r} matches {len(ids)} tasks: {', '.join(ids[:10])}", file=sys.stderr)
            return 2
        tid = args.task_id if args.task_id in ids else ids[0]
        task = store.get_task(tid)
        hits = store.load_hits(tid)
        if args.json:
            sys.stdout.write(json.dumps(json_clean({"task": task, "hits": hits}), ensure_ascii=False, allow_nan=False))
            sys.stdout.write("\n")
            return 0
        if args.csv:
            write_hits_csv(args.csv, hits, args.lang)
            print(f"wrote {len(hits)} hits of task {tid} to {args.csv}")
            return 0
        print(f"{task['title']}  [{task['kind']} {tid}, {task['status']}, {_when(task.get('created'))}]")
        print(f"done {task.get('done') or 0}/{task.get('total') or 0}, found {task.get('found') or 0}, "
              f"failed {task.get('failed') or 0}" + (f", error: {task['error']}" if task.get("error") else ""))
        if hits:
            print_hits_table(sorted(hits, key=lambda r: -(r.get("score") or 0)), args.lang, args.limit)
        return 0
    finally:
        store.close()
