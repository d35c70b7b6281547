"""Kill a writer of groups and holdings mid-write, repeatedly: the store opens and holds one
committed state of every change (as tests/test_store_crash.py does for the bar store).

The writer loops over changes, each tagged with a version v: it sets group A to the codes of
version v (a full rewrite), moves a code between groups B and C, and replaces the holdings with
a version-v portfolio (quantity = v for every row, n rows a function of v). After a kill: A is
exactly one version's list, the moved code is in exactly one of B/C, the holdings share one v."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from desktop_app.core.watch_store import WatchStore

ROOT = Path(__file__).resolve().parents[1]
CODES = [f"6000{i:02d}" for i in range(10, 60)]

WRITER = r"""
import sys
from desktop_app.core.watch_store import WatchStore, Holding
CODES = [f"6000{i:02d}" for i in range(10, 60)]
path, v = sys.argv[1], int(sys.argv[2])
s = WatchStore(path)
for g in ("A", "B", "C"):
    if g not in s.groups():
        s.create_group(g)
if not s.members("B") and not s.members("C"):
    s.add("B", ["000001"])
print("ready", flush=True)
while True:
    v += 1
    n = 1 + v % 40
    s.remove("A", s.members("A"))
    s.add("A", CODES[:n])
    src, dst = ("B", "C") if "000001" in s.members("B") else ("C", "B")
    s.move(["000001"], src, dst)
    s.replace_holdings([Holding(c, float(v), 1.0) for c in CODES[: 1 + v % 7]])
"""


def _check(path) -> None:
    s = WatchStore(path)
    a = s.members("A")
    assert a == CODES[:len(a)]
    b, c = s.members("B"), s.members("C")
    assert (b + c) == ["000001"], (b, c)
    h = s.holdings()
    if h:
        assert len({x.quantity for x in h}) == 1
        v = int(h[0].quantity)
        assert [x.code for x in h] == CODES[: 1 + v % 7]


def test_killed_writer_leaves_groups_and_holdings_whole(tmp_path):
    path = tmp_path / "watch.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = random.Random(19)
    last_v = 0
    progressed = 0
    for round_ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(round_ * 100000)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
            try:
                proc.wait(timeout=rng.uniform(0.1, 0.4))
            except subprocess.TimeoutExpired:
                pass
            assert proc.poll() is None, proc.stderr.read()
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        _check(path)
        h = WatchStore(path).holdings()
        v = int(h[0].quantity) if h else 0
        if v > round_ * 100000:
            progressed += 1
        last_v = v
    assert progressed >= 3 and last_v > 0
