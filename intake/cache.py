"""Per-process caches of what is read from the database: one kind, declared by its user.

A cache names what it holds, how long another process may serve it stale (a config key
in seconds) and which models' writes make it stale. A commit that wrote one of those
models (through the session, or an ORM bulk UPDATE, INSERT or DELETE) clears it in this
process at once: write views need not remember to. Other processes keep their copy until
it expires. Each app has its own store, so apps built by the tests never share values.
Values that never change in a process (a class built from a file) use functools.cache or
cachetools' decorator where they are computed instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import cachetools
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

_STORES = "intake.cache"
_TOUCHED = "intake.cache.touched"  # in session.info: the models written since commit
_declared: list[Cache] = []


class Cache:
    """A keyed, thread-safe cache per app; `None` results are not kept."""

    def __init__(
        self,
        name: str,
        *,
        ttl_setting: str | None = None,
        cleared_by: tuple[type, ...] = (),
        maxsize: int = 1000,
    ):
        self.name = name
        self.ttl_setting = ttl_setting  # None: kept until evicted (least recently used)
        self.cleared_by = cleared_by
        self.maxsize = maxsize
        _declared.append(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value under `key`, computed (outside the lock) and kept on a miss."""
        store, lock = self._store()
        with lock:
            try:
                return store[key]
            except KeyError:  # missing or expired
                pass
        value = compute()
        if value is not None:
            with lock:
                store[key] = value
        return value

    def clear(self) -> None:
        store, lock = self._store()
        with lock:
            store.clear()

    def _store(self) -> tuple[cachetools.Cache[Hashable, object], threading.Lock]:
        stores = current_app.extensions.setdefault(_STORES, {})
        if self.name not in stores:
            store: cachetools.Cache[Hashable, object]
            if self.ttl_setting is None:
                store = cachetools.LRUCache(self.maxsize)
            else:
                ttl = current_app.config[self.ttl_setting]
                store = cachetools.TTLCache(self.maxsize, ttl=ttl)
            stores.setdefault(self.name, (store, threading.Lock()))
        return stores[self.name]


def _touched(session: Session) -> set[type]:
    return session.info.setdefault(_TOUCHED, set())


@event.listens_for(Session, "before_flush")
def _note_flushed(session: Session, _context, _instances) -> None:
    _touched(session).update(
        type(obj) for obj in (*session.new, *session.dirty, *session.deleted)
    )


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper:
        _touched(state.session).add(state.bind_mapper.class_)


def note_written(session: Session, model: type) -> None:
    """A write the session's events do not see (a Core statement on the model's
    table): its caches are cleared at commit as for any other."""
    _touched(session).add(model)


@event.listens_for(Session, "after_commit")
def _clear_stale(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, set())
    if not touched or not has_app_context():
        return
    for cache in _declared:
        if any(issubclass(model, cache.cleared_by) for model in touched):
            cache.clear()


@event.listens_for(Session, "after_rollback")
def _forget_touched(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
