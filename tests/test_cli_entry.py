"""The stockscan-cli entry point: only the command run is imported, and the fast exit keeps
every byte of output, the exit code, buffered log records and running threads."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app import cli

ROOT = Path(__file__).resolve().parent.parent


def _py(code: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=str(ROOT), timeout=120)


def test_only_the_command_named_is_imported():
    code = ("import sys; from desktop_app import cli; cli.build_parser(sys.argv[1:]); "
            "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('desktop_app.commands.')))")
    assert _py(code, "history", "--json").stdout.strip() == "['history']"
    assert _py(code, "--help").stdout.strip() == "[]"
    # scan's arguments, not another command's: refresh imports scan's helpers, not the reverse
    assert _py(code, "scan", "--universe", "universe").stdout.strip() == "['scan']"


def test_help_still_lists_every_command_and_each_command_parses(capsys):
    p = cli.build_parser(["--help"])
    help_text = p.format_help()
    for name, text in cli.COMMANDS.items():
        assert name in help_text and text in help_text
    for name in cli.COMMANDS:
        args = cli.build_parser([name]).parse_args([name] + (["show", "x"] if name == "history" else
                                                             ["600001"] if name in ("analyze", "fundamentals", "minutes") else []))
        assert args._module.__name__ == f"desktop_app.commands.{name}"
    full = cli.build_parser()                    # no argv: every command in full
    assert full.parse_args(["scan", "--min-score", "70"]).min_score == 70


def test_the_entry_point_keeps_the_output_and_the_exit_code():
    p = _py("import sys; sys.argv[0] = 'stockscan-cli'; from desktop_app.cli import run; run()",
            "universe", "--source", "demo", "--json")
    assert p.returncode == 0, p.stderr
    assert len(json.loads(p.stdout)) == 5000     # ~1 MB through the pipe, none of it lost
    p = _py("from desktop_app.cli import run; run()", "universe", "--seed", "-1")
    assert p.returncode == 2 and p.stderr.strip()


def test_exit_now_flushes_stdout_and_buffered_log_records(tmp_path):
    log = tmp_path / "x.log"
    code = ("import logging, logging.handlers, sys\n"
            f"target = logging.FileHandler({str(log)!r})\n"
            "mem = logging.handlers.MemoryHandler(1000, target=target)\n"
            "logging.getLogger('t').addHandler(mem)\n"
            "logging.getLogger('t').warning('kept')\n"
            "sys.stdout.write('no newline, not flushed')\n"
            "from desktop_app.cli import exit_now\n"
            "exit_now(4)\n"
            "print('not reached')\n")
    p = _py(code)
    assert p.returncode == 4
    assert p.stdout == "no newline, not flushed"
    assert log.read_text().strip() == "kept"


def test_exit_now_waits_for_a_running_thread():
    code = ("import threading, time\n"
            "from desktop_app.cli import exit_now\n"
            "t = threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True)))\n"
            "t.start()\n"
            "exit_now(3)\n")
    p = _py(code)
    assert p.returncode == 3
    assert p.stdout.strip() == "thread done"


def test_exit_now_is_not_the_in_process_main(capsys):
    """Tests and other callers use main(): it returns the code and never ends the process."""
    assert cli.main(["history", "--lang", "en"]) == 0
    assert "no tasks" in capsys.readouterr().out
