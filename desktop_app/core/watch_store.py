"""Watchlist groups (自选股1, 自选股2, a user's names) and holdings, in SQLite in the data dir.

One file, ``data_dir()/watch.sqlite``, in WAL mode; every change is one transaction, so a process
killed mid-write leaves the groups and holdings as they were before that change or after it,
never a mix (tests/test_watch_crash.py kills a writer to check). A connection is opened per
operation, so the store may be used from any thread (the GUI's workers, the CLI).

On first open the old list (``watchlist.json``, ``core/watchlist.py``) is migrated into the group
自选股1, in its order; the JSON file is left where it was (nothing is lost if the user goes back to
an older version). The alert rules, their state and the alert log live in the same file
(``core/alert_store.py``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from . import paths
from .reasons import R, ReasonError
from .symbols import parse_symbols

DEFAULT_GROUP = "自选股1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS groups (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS members (group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    code TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (group_id, code));
CREATE TABLE IF NOT EXISTS holdings (id INTEGER PRIMARY KEY, code TEXT NOT NULL, quantity REAL NOT NULL,
    cost REAL NOT NULL, date TEXT);
CREATE TABLE IF NOT EXISTS alert_rules (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, target_kind TEXT NOT NULL,
    target TEXT NOT NULL, params TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, created TEXT);
CREATE TABLE IF NOT EXISTS alert_fired (rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    code TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (rule_id, code, day));
CREATE TABLE IF NOT EXISTS alert_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, rule_id INTEGER, code TEXT,
    kind TEXT, message TEXT, demo INTEGER NOT NULL DEFAULT 0);
"""


class WatchError(ReasonError, ValueError):
    """A group name that is empty, taken or unknown; a holding that makes no sense."""


@dataclass(frozen=True)
class Holding:
    code: str
    quantity: float          # shares
    cost: float              # yuan per share (the average cost)
    date: str = ""           # ISO day bought ("" when unknown)
    id: int = 0


class WatchStore:
    def __init__(self, path: str | Path | None = None, legacy_json: str | Path | None = None):
        self.path = Path(path) if path is not None else paths.data_dir() / "watch.sqlite"
        self._legacy = Path(legacy_json) if legacy_json is not None else self.path.with_name("watchlist.json")
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open()
        try:
            con.executescript(SCHEMA)          # CREATE … IF NOT EXISTS: its own transaction
        finally:
            con.close()
        self._migrate()

    # -- plumbing -----------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        return con

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction (BEGIN IMMEDIATE … COMMIT, rolled back on any error)."""
        with self._lock:
            con = self._open()
            try:
                con.execute("BEGIN IMMEDIATE")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.close()

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        con = self._open()
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """A transaction on the file (``core/alert_store.py`` keeps its tables here)."""
        return self._tx()

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        return self._read(sql, args)

    def _migrate(self) -> None:
        """自选股1 from ``watchlist.json`` once (see the module docstring). A file that cannot be
        read now (permissions, a busy disk) is not marked migrated: the next open tries again."""
        self.migration_note = None        # a Reason from reading the old file (set aside …), or None
        if self._read("SELECT value FROM meta WHERE key='migrated'"):
            return
        codes: list[str] = []
        blocked = False
        if self._legacy.exists():
            from .watchlist import Watchlist

            old = Watchlist(self._legacy)
            codes, self.migration_note = old.symbols(), old.opened_note
            blocked = old._blocked is not None
        with self._tx() as con:
            if con.execute("SELECT value FROM meta WHERE key='migrated'").fetchone():
                return
            row = con.execute("SELECT id FROM groups WHERE name=?", (DEFAULT_GROUP,)).fetchone()
            if row is None and not con.execute("SELECT 1 FROM groups").fetchone():
                row = (con.execute("INSERT INTO groups(name, position) VALUES (?, 0)", (DEFAULT_GROUP,)).lastrowid,)
            if row is not None and codes:
                start = con.execute("SELECT COUNT(*) FROM members WHERE group_id=?", (row[0],)).fetchone()[0]
                con.executemany("INSERT OR IGNORE INTO members(group_id, code, position) VALUES (?, ?, ?)",
                                [(row[0], c, start + i) for i, c in enumerate(codes)])
            if not blocked:
                con.execute("INSERT INTO meta(key, value) VALUES ('migrated', ?)", (str(len(codes)),))

    # -- groups -------------------------------------------------------------------------------
    def groups(self) -> list[str]:
        return [r[0] for r in self._read("SELECT name FROM groups ORDER BY position, id")]

    def _gid(self, con: sqlite3.Connection, name: str) -> int:
        row = con.execute("SELECT id FROM groups WHERE name=?", (name,)).fetchone()
        if row is None:
            raise WatchError(R("watch_no_group", name=name))
        return int(row[0])

    @staticmethod
    def _clean_name(name: str) -> str:
        name = str(name or "").strip()
        if not name:
            raise WatchError(R("watch_group_empty_name"))
        return name

    def create_group(self, name: str) -> str:
        name = self._clean_name(name)
        with self._tx() as con:
            if con.execute("SELECT 1 FROM groups WHERE name=?", (name,)).fetchone():
                raise WatchError(R("watch_group_exists", name=name))
            pos = con.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM groups").fetchone()[0]
            con.execute("INSERT INTO groups(name, position) VALUES (?, ?)", (name, pos))
        return name

    def rename_group(self, old: str, new: str) -> str:
        new = self._clean_name(new)
        with self._tx() as con:
            gid = self._gid(con, old)
            if new != old and con.execute("SELECT 1 FROM groups WHERE name=?", (new,)).fetchone():
                raise WatchError(R("watch_group_exists", name=new))
            con.execute("UPDATE groups SET name=? WHERE id=?", (new, gid))
            con.execute("UPDATE alert_rules SET target=? WHERE target_kind='group' AND target=?", (new, old))
        return new

    def delete_group(self, name: str) -> None:
        with self._tx() as con:
            gid = self._gid(con, name)
            con.execute("DELETE FROM members WHERE group_id=?", (gid,))
            con.execute("DELETE FROM groups WHERE id=?", (gid,))

    def members(self, group: str) -> list[str]:
        return [r[0] for r in self._read(
            "SELECT m.code FROM members m JOIN groups g ON g.id=m.group_id WHERE g.name=? ORDER BY m.position",
            (group,))]

    def all_members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {g: [] for g in self.groups()}
        for name, code in self._read("SELECT g.name, m.code FROM members m JOIN groups g ON g.id=m.group_id "
                                     "ORDER BY g.position, g.id, m.position"):
            out.setdefault(name, []).append(code)
        return out

    def add(self, group: str, codes: str | Iterable[str], at: int | None = None) -> list[str]:
        """Add the stock codes among ``codes`` not yet in ``group`` (at the end, or before row
        ``at``); returns those added. Tokens that are no stock are skipped (the import preview
        shows them with their reasons)."""
        parsed = parse_symbols(codes if isinstance(codes, str) else [str(c) for c in codes]).codes
        with self._tx() as con:
            gid = self._gid(con, group)
            have = [r[0] for r in con.execute("SELECT code FROM members WHERE group_id=? ORDER BY position", (gid,))]
            new = [c for c in parsed if c not in have]
            if not new:
                return []
            pos = len(have) if at is None else max(0, min(int(at), len(have)))
            order = have[:pos] + new + have[pos:]
            self._write_order(con, gid, order)
        return new

    def remove(self, group: str, codes: Iterable[str]) -> list[str]:
        codes = [str(c) for c in codes]
        with self._tx() as con:
            gid = self._gid(con, group)
            have = [r[0] for r in con.execute("SELECT code FROM members WHERE group_id=? ORDER BY position", (gid,))]
            gone = [c for c in have if c in codes]
            con.executemany("DELETE FROM members WHERE group_id=? AND code=?", [(gid, c) for c in gone])
        return gone

    def move(self, codes: Iterable[str], src: str, dst: str) -> list[str]:
        """Move codes from one group to another (one transaction: never in both, never in none)."""
        codes = [str(c) for c in codes]
        with self._tx() as con:
            gs, gd = self._gid(con, src), self._gid(con, dst)
            have = {r[0] for r in con.execute("SELECT code FROM members WHERE group_id=?", (gs,))}
            moving = [c for c in codes if c in have]
            dst_have = [r[0] for r in con.execute("SELECT code FROM members WHERE group_id=? ORDER BY position", (gd,))]
            if gs != gd:
                con.executemany("DELETE FROM members WHERE group_id=? AND code=?", [(gs, c) for c in moving])
                self._write_order(con, gd, dst_have + [c for c in moving if c not in dst_have])
        return moving

    def set_members(self, group: str, codes: list[str]) -> None:
        """Replace a group's members by ``codes`` in this order (one transaction)."""
        with self._tx() as con:
            self._write_order(con, self._gid(con, group), list(dict.fromkeys(str(c) for c in codes)))

    def reorder(self, group: str, codes: list[str]) -> None:
        """Set the order of a group's members (a drag inside the list); unknown codes ignored."""
        with self._tx() as con:
            gid = self._gid(con, group)
            have = [r[0] for r in con.execute("SELECT code FROM members WHERE group_id=? ORDER BY position", (gid,))]
            order = [c for c in codes if c in have]
            order += [c for c in have if c not in order]
            self._write_order(con, gid, order)

    @staticmethod
    def _write_order(con: sqlite3.Connection, gid: int, order: list[str]) -> None:
        con.execute("DELETE FROM members WHERE group_id=?", (gid,))
        con.executemany("INSERT INTO members(group_id, code, position) VALUES (?, ?, ?)",
                        [(gid, c, i) for i, c in enumerate(order)])

    # -- holdings -----------------------------------------------------------------------------
    def holdings(self) -> list[Holding]:
        return [Holding(r[1], float(r[2]), float(r[3]), r[4] or "", int(r[0]))
                for r in self._read("SELECT id, code, quantity, cost, date FROM holdings ORDER BY id")]

    def add_holding(self, code: str, quantity: float, cost: float, date: str | dt.date | None = None) -> Holding:
        h = check_holding(code, quantity, cost, date)
        with self._tx() as con:
            hid = con.execute("INSERT INTO holdings(code, quantity, cost, date) VALUES (?, ?, ?, ?)",
                              (h.code, h.quantity, h.cost, h.date)).lastrowid
        return Holding(h.code, h.quantity, h.cost, h.date, int(hid))

    def remove_holding(self, holding_id: int) -> bool:
        with self._tx() as con:
            return con.execute("DELETE FROM holdings WHERE id=?", (int(holding_id),)).rowcount > 0

    def replace_holdings(self, holdings: Iterable[Holding]) -> int:
        """Set the whole portfolio (an import) in one transaction."""
        rows = [(h.code, h.quantity, h.cost, h.date) for h in holdings]
        with self._tx() as con:
            con.execute("DELETE FROM holdings")
            con.executemany("INSERT INTO holdings(code, quantity, cost, date) VALUES (?, ?, ?, ?)", rows)
        return len(rows)


def check_holding(code: str, quantity, cost, date=None) -> Holding:
    """A holding from user input, or ``WatchError`` with the reason (code, quantity > 0, cost ≥ 0,
    a date)."""
    from .symbols import parse_symbol, SymbolError

    try:
        sym = parse_symbol(str(code))
    except SymbolError as e:
        raise WatchError(e.reason) from None
    try:
        q = float(quantity)
    except (TypeError, ValueError):
        raise WatchError(R("holding_bad_number", what=R("holding_quantity"), value=str(quantity))) from None
    try:
        c = float(cost)
    except (TypeError, ValueError):
        raise WatchError(R("holding_bad_number", what=R("holding_cost"), value=str(cost))) from None
    if not q > 0:
        raise WatchError(R("holding_quantity_positive", value=str(quantity)))
    if not c >= 0 or c != c:
        raise WatchError(R("holding_cost_negative", value=str(cost)))
    day = ""
    if isinstance(date, dt.datetime):
        date = date.date()
    if date not in (None, ""):
        try:
            day = (date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date).strip()[:10])).isoformat()
        except ValueError:
            raise WatchError(R("holding_bad_date", value=str(date))) from None
    return Holding(sym.code, q, c, day)
