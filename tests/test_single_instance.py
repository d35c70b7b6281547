"""Issue 12 #9: a second StockScan with the same user dirs hands its arguments to the running window
(QLocalServer/QLocalSocket) and exits; the window opens the stock and comes to the front."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import copy_store
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.single_instance import InstanceServer, bring_to_front, forward, server_name

ROOT = Path(__file__).resolve().parents[1]


def _second_instance(code: str, home: Path) -> subprocess.Popen:
    """What `stockscan 600519` does first, in a real second process with the same user dirs."""
    env = dict(os.environ, STOCKSCAN_HOME=str(home), PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    script = ("import sys\nfrom PySide6.QtCore import QCoreApplication\napp = QCoreApplication([])\n"
              "from desktop_app.ui.single_instance import forward\n"
              f"sys.exit(0 if forward({code!r}) else 1)\n")
    return subprocess.Popen([sys.executable, "-c", script], cwd=str(ROOT), env=env)


def test_nobody_listening_means_this_is_the_first_instance(qtbot):
    assert forward("600519", name="stockscan-test-nobody-here") is False


def test_the_name_follows_the_user_dirs(isolated_home, monkeypatch, tmp_path):
    a = server_name()
    monkeypatch.setenv("STOCKSCAN_HOME", str(tmp_path / "other"))
    assert server_name() != a


def test_a_second_instance_forwards_its_code_to_the_running_window(qtbot, tmp_path, isolated_home,
                                                                   demo_store_file):
    store = copy_store(demo_store_file(300), tmp_path / "s")
    w = MainWindow(context=AppContext.for_demo(n_stocks=300, store=store), restore=False)
    qtbot.addWidget(w)
    w.ensure_built()          # the stock view is built after the first frame
    w.show()
    server = InstanceServer(parent=w)
    assert server.listening
    server.opened.connect(bring_to_front(w, w.open_symbol))
    code = str(w.ctx.source.universe()["symbol"].iloc[5])
    try:
        with qtbot.waitSignal(server.opened, timeout=15000) as sig:
            p = _second_instance(code, isolated_home)
            qtbot.waitUntil(lambda: p.poll() is not None, timeout=15000)
        assert p.returncode == 0                      # the second process found us and exits
        assert sig.args == [code]
        assert w.current_symbol == code
    finally:
        w.close()
        w.shutdown()
