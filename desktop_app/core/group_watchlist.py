"""The watchlist the window works on: every group of the watch store (``core/watch_store.py``)
held in memory, one of them *active* (the list the watchlist dock shows, "scan watchlist" scans,
"add to watchlist" adds to).

It keeps the interface of the old ``core/watchlist.Watchlist`` (``symbols``, ``contains``, ``add``,
``remove``, ``save``) so the watchlist dock and the scan panel work on the active group as they
did on the single list. Changes are made in memory on the GUI thread and queued; ``save()`` (run
by a worker, one at a time) writes the queued changes to SQLite in order. Switching groups is a
memory operation: nothing is lost or read on the GUI thread.
"""
from __future__ import annotations

import threading
from typing import Iterable

from .reasons import R
from .symbols import parse_symbols
from .watch_store import DEFAULT_GROUP, WatchError, WatchStore


def _codes(codes: str | Iterable[str]) -> list[str]:
    return parse_symbols(codes if isinstance(codes, str) else [str(c) for c in codes]).codes


class GroupWatchlist:
    def __init__(self, store: WatchStore | None = None, group: str | None = None):
        self.store = store if store is not None else WatchStore()
        self._lock = threading.RLock()
        self._groups: dict[str, list[str]] = self.store.all_members() or {DEFAULT_GROUP: []}
        self.group = group if group in self._groups else next(iter(self._groups))
        self._ops: list[tuple] = []
        self.opened_note = self.store.migration_note    # the old watchlist.json set aside …, or None

    # -- the old Watchlist's interface, on the active group --------------------------------------
    def symbols(self) -> list[str]:
        with self._lock:
            return list(self._groups.get(self.group, []))

    def contains(self, code: str) -> bool:
        c = _codes([code])
        return bool(c) and c[0] in self.symbols()

    def add(self, codes: str | Iterable[str], group: str | None = None, at: int | None = None) -> list[str]:
        with self._lock:
            g = self._known(group or self.group)
            have = self._groups[g]
            new = [c for c in dict.fromkeys(_codes(codes)) if c not in have]
            if new:
                pos = len(have) if at is None else max(0, min(int(at), len(have)))
                self._groups[g] = have[:pos] + new + have[pos:]
                self._ops.append(("set", g, list(self._groups[g])))
            return new

    def remove(self, codes: str | Iterable[str], group: str | None = None) -> list[str]:
        with self._lock:
            g = self._known(group or self.group)
            drop = set(_codes(codes))
            gone = [c for c in self._groups[g] if c in drop]
            if gone:
                self._groups[g] = [c for c in self._groups[g] if c not in drop]
                self._ops.append(("set", g, list(self._groups[g])))
            return gone

    def place(self, codes: str | Iterable[str], row: int, group: str | None = None) -> list[str]:
        """A drop on the list before ``row`` (-1: the end): codes already there move, new ones are
        added there. Returns the codes added."""
        with self._lock:
            g = self._known(group or self.group)
            have = self._groups[g]
            moving = list(dict.fromkeys(_codes(codes)))
            rest = [c for c in have if c not in moving]
            pos = len(rest) if row < 0 else sum(1 for c in have[:row] if c not in moving)
            order = rest[:pos] + moving + rest[pos:]
            if order != have:
                self._groups[g] = order
                self._ops.append(("set", g, list(order)))
            return [c for c in moving if c not in have]

    def save(self) -> None:
        """Write the queued changes (blocking: a worker). Raises what the store raises; the changes
        not written stay queued for the next save."""
        with self._lock:
            ops, self._ops = self._ops, []
        for i, op in enumerate(ops):
            try:
                self._apply(op)
            except BaseException:
                with self._lock:
                    self._ops = ops[i:] + self._ops
                raise

    def _apply(self, op: tuple) -> None:
        kind = op[0]
        if kind == "set":
            self.store.set_members(op[1], op[2])
        elif kind == "create":
            self.store.create_group(op[1])
        elif kind == "rename":
            self.store.rename_group(op[1], op[2])
        elif kind == "delete":
            self.store.delete_group(op[1])

    def __len__(self) -> int:
        return len(self.symbols())

    def __iter__(self):
        return iter(self.symbols())

    # -- groups ---------------------------------------------------------------------------------
    def _known(self, group: str) -> str:
        if group not in self._groups:
            raise WatchError(R("watch_no_group", name=group))
        return group

    def groups(self) -> list[str]:
        with self._lock:
            return list(self._groups)

    def members(self, group: str) -> list[str]:
        with self._lock:
            return list(self._groups.get(group, []))

    def all_members(self) -> dict[str, list[str]]:
        with self._lock:
            return {g: list(v) for g, v in self._groups.items()}

    def set_group(self, group: str) -> None:
        with self._lock:
            self.group = self._known(group)

    def create_group(self, name: str) -> str:
        name = WatchStore._clean_name(name)
        with self._lock:
            if name in self._groups:
                raise WatchError(R("watch_group_exists", name=name))
            self._groups[name] = []
            self._ops.append(("create", name))
        return name

    def rename_group(self, old: str, new: str) -> str:
        new = WatchStore._clean_name(new)
        with self._lock:
            self._known(old)
            if new == old:
                return new
            if new in self._groups:
                raise WatchError(R("watch_group_exists", name=new))
            self._groups = {(new if g == old else g): v for g, v in self._groups.items()}
            if self.group == old:
                self.group = new
            self._ops.append(("rename", old, new))
        return new

    def delete_group(self, name: str) -> None:
        """Delete a group (the last one cannot go: the window always has a list to show)."""
        with self._lock:
            self._known(name)
            if len(self._groups) == 1:
                raise WatchError(R("watch_last_group", name=name))
            del self._groups[name]
            if self.group == name:
                self.group = next(iter(self._groups))
            self._ops.append(("delete", name))

    def move(self, codes: Iterable[str], dst: str, src: str | None = None) -> list[str]:
        with self._lock:
            src = self._known(src or self.group)
            self._known(dst)
            if src == dst:
                return []
            moving = [c for c in self._groups[src] if c in set(codes)]
            self.remove(moving, src)
            self.add(moving, dst)
            return moving
