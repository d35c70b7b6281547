"""One explicit transaction of a ``BarStore`` connection (``with store._write_txn() as conn``):
its ``BEGIN`` waiting out another process's lock, its rollback and the file problem an error
means, and the connection given back to the pool or dropped."""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import BarStore


class StoreTxn:
    """``with`` block around one explicit transaction (the connection is in autocommit mode).

    ``BEGIN`` waits for another process's lock (``BarStore._still_busy``); an error inside the
    block or at ``COMMIT`` rolls back (if SQLite has not already) and surfaces as the
    ``FileProblem`` it means (full disk, read-only …). A connection left in a transaction is never
    given back to the pool."""

    def __init__(self, store: "BarStore", begin: str):
        self.store, self.begin = store, begin
        self.conn: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        conn = self.store._borrow()
        attempt = 0
        while True:
            try:
                conn.execute(self.begin)
                break
            except sqlite3.OperationalError as e:
                try:
                    self.store._still_busy(attempt, e)
                except BaseException:
                    self._release(conn)
                    raise
                attempt += 1
            except BaseException:
                self._release(conn)
                raise
        self.conn = conn
        return conn

    def _release(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        if conn.in_transaction:      # cannot be cleaned: never lend it again
            with self.store._conns_lock:
                self.store._open.discard(conn)
            conn.close()
        else:
            self.store._give_back(conn)

    def __exit__(self, exc_type, exc, tb) -> None:
        conn, self.conn = self.conn, None
        try:
            if exc_type is None:
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error as e:
                    problem = self.store._problem(e)
                    if problem is e:
                        raise
                    raise problem from e
            elif isinstance(exc, sqlite3.OperationalError):
                problem = self.store._problem(exc)
                if problem is not exc:
                    raise problem from exc
        finally:
            self._release(conn)
