"""One StockScan per user: a second ``stockscan`` (or ``stockscan 600519``) with the same user
dirs hands its arguments to the running window and exits; the window opens the stock and comes to
the front — as 通达信 does when a second copy is started.

The channel is a ``QLocalServer`` named after the user's data directory (so a test's or a second
user's ``STOCKSCAN_HOME`` is its own instance). The message is one JSON line: ``{"code": …}``.
"""
from __future__ import annotations

import json
import logging
import zlib
from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop_app.core import paths

log = logging.getLogger(__name__)

CONNECT_MS = 500     # a running instance answers at once; a stale socket file does not answer at all


def server_name() -> str:
    """The instance's socket name: one per user data directory."""
    key = f"{zlib.crc32(str(paths.data_dir().resolve()).encode('utf-8')):08x}"   # (hashlib loads OpenSSL: 4 ms)
    return f"stockscan-{key}"


def forward(code: str | None, name: str | None = None) -> bool:
    """Hand ``code`` (may be None: just come to the front) to a running instance. True when one
    took it (the caller then exits); False when none runs."""
    sock = QLocalSocket()
    sock.connectToServer(name or server_name())
    if not sock.waitForConnected(CONNECT_MS):
        return False
    data = (json.dumps({"code": code}) + "\n").encode("utf-8")
    ok = sock.write(data) == len(data)
    while ok and sock.bytesToWrite() > 0:       # flush() may already have sent it all
        ok = sock.waitForBytesWritten(CONNECT_MS)
    sock.disconnectFromServer()
    if sock.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        sock.waitForDisconnected(CONNECT_MS)
    return ok


class InstanceServer(QObject):
    """Listens for later instances; ``opened(code)`` for each message (``""``: no code)."""

    opened = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)
        if not self._server.listen(self.name):
            QLocalServer.removeServer(self.name)     # a socket file left by a crashed instance
            if not self._server.listen(self.name):
                log.warning("single instance: cannot listen on %s: %s", self.name, self._server.errorString())

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    @Slot()
    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        while sock.canReadLine():
            line = bytes(sock.readLine()).decode("utf-8", "replace").strip()
            try:
                code = json.loads(line).get("code") or ""
            except (ValueError, AttributeError):
                log.warning("single instance: unreadable message %r", line[:80])
                continue
            self.opened.emit(str(code))


def bring_to_front(window, open_code: Callable[[str], None]) -> Callable[[str], None]:
    """The handler a running window gives ``InstanceServer.opened``."""
    def handle(code: str) -> None:
        if code:
            open_code(code)
        window.showNormal() if window.isMinimized() else window.show()
        window.raise_()
        window.activateWindow()
    return handle
