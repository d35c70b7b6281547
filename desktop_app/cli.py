"""stockscan-cli: the headless door to core. Every scan and analysis the GUI runs, this runs too.

Each subcommand's implementation lives in ``desktop_app/commands/<name>.py`` as
``add_arguments(parser)`` and ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    "universe": "List the stocks of a source's universe.",
    "refresh": "Backfill or update the local bar store.",
    "analyze": "Print the analysis report of one stock.",
    "scan": "Scan a universe and print the hits.",
    "fundamentals": "Print a stock's latest report and score.",
    "history": "List stored tasks, or show one task's hits.",
    "screens": "Saved screens: list, show, export, import, delete.",
    "validate": "Forward returns of a screen over past days.",
    "market": "Breadth, limit-ups and boards of a day.",
    "minutes": "Minute bars or the 分时 summary of a stock.",
    "watchlist": "Watchlist groups: list, add, remove, import.",
    "holdings": "Holdings with P&L: show, add, import, export.",
    "alerts": "Alerts: list, add, remove, check once (cron).",
}


def _common() -> argparse.ArgumentParser:
    """Options every command takes (``stockscan-cli scan --lang en …``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["zh", "en"], default="zh",
                        help="language of every message, header and report (default zh)")
    return common


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser. Only the command named in ``argv`` (its first word that is not an option)
    has its module imported and its arguments added: the others are listed with their help
    text, which is all ``--help`` shows of them. No ``argv``: every command, in full."""
    parser = argparse.ArgumentParser(prog="stockscan-cli", description="StockScan, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    common = _common()
    words = [a for a in argv if not a.startswith("-")][:1] if argv is not None else list(COMMANDS)
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        if name in words:
            mod = importlib.import_module(f"desktop_app.commands.{name}")
            mod.add_arguments(p)
            p.set_defaults(_module=mod)
    return parser


def _lang_in(argv: list[str]) -> str:
    """The ``--lang`` asked for, before argparse has run (for messages about the arguments)."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if a.startswith("--lang="):
            return "en" if a.split("=", 1)[1] == "en" else "zh"
    return "zh"


def _bad_argument(argv: list[str], lang: str) -> str | None:
    """A sentence about the first argument that is not text (invalid UTF-8 arrives as lone
    surrogates, ``surrogateescape``; a NUL cannot be passed to a file name or a database)."""
    from desktop_app.core.catalogue import say

    for i, a in enumerate(argv, 1):
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in a):
            shown = a.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return say("arg_not_utf8", lang, n=i, arg=repr(shown))
        if "\x00" in a:
            return say("arg_nul", lang, n=i)
    return None


def _log_internal_error() -> str:
    """Append the current traceback to the CLI's log file; returns where it went."""
    import traceback

    text = traceback.format_exc()
    try:
        from desktop_app.core import paths

        path = paths.log_dir() / "stockscan-cli.log"
        with open(path, "a", encoding="utf-8") as f:
            import time

            f.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {sys.argv!r}\n{text}\n")
        return str(path)
    except Exception:  # noqa: BLE001 - no log dir: the traceback goes nowhere, the sentence stays
        return "-"


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure is one sentence on stderr (never a traceback: those go
    to the log file) and a non-zero exit: 2 for bad arguments and unusable folders, 1 for a
    failure while working, 130 when interrupted."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    argv = list(sys.argv[1:] if argv is None else argv)
    from desktop_app.core.catalogue import say

    lang = _lang_in(argv)
    bad = _bad_argument(argv, lang)
    if bad:
        print(say("error", lang, text=bad), file=sys.stderr)
        return 2
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    lang = args.lang
    try:
        needs = getattr(args._module, "needs_dirs", None)
        kinds = tuple(needs(args)) if needs is not None else ()
        if kinds:
            from desktop_app.core import paths

            problem = paths.check_dirs(kinds)
            if problem is not None:
                print(say("error", lang, text=problem), file=sys.stderr)
                return 2
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        print(say("interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:           # ``stockscan-cli … | head``: the reader has gone
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except Exception as e:  # noqa: BLE001 - the one place every failure becomes a sentence
        from desktop_app.core.file_errors import problem_of
        from desktop_app.core.reasons import ReasonError

        if isinstance(e, ReasonError):
            print(say("error", lang, text=e.reason), file=sys.stderr)
            return 1
        problem = problem_of(e, getattr(e, "filename", None) or "?") if isinstance(e, OSError) else None
        if problem is not None:
            print(say("error", lang, text=problem.reason), file=sys.stderr)
            return 1
        where = _log_internal_error()
        print(say("error", lang, text=say("internal_error", lang, type=type(e).__name__, detail=str(e)[:300],
                                          log=where)), file=sys.stderr)
        return 1


def run() -> None:
    """The ``stockscan-cli`` entry point: :func:`main`, then :func:`exit_now`."""
    exit_now(main())


def exit_now(rc: int) -> None:
    """End the process with ``rc`` once the output is flushed. Tearing the interpreter down
    (every module and object freed one by one, pandas and numpy included) takes 0.1–0.3 s and
    serves nothing after that, so it is skipped — unless another thread is still running (then
    the ordinary exit waits for it, as it always has)."""
    import threading

    if threading.active_count() > 1:
        sys.exit(rc)
    import logging

    logging.shutdown()                 # what the ordinary exit's atexit would flush
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):      # a closed or broken stream: let Python report it as usual
        sys.exit(rc)
    os._exit(rc)


if __name__ == "__main__":
    run()
