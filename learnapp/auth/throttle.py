"""Sign-in throttling: after repeated failures a short wait, then a temporary pause.

Failures are counted per username and per address in a store chosen by URL
(RATELIMIT_STORAGE_URL). The default, `database://`, keeps the counts in the app's own
database, so every gunicorn worker, every app server and `flask users unlock` see the same
numbers; `redis://…` does the same in Redis. `memory://` counts inside one process only, so a
server with several workers refuses it (`refuse_unshared_store`, called from gunicorn.conf.py).
The memory and Redis stores come from the `limits` package; the database store is below.

A mentor or coordinator can lift a pause with `unlock(username)`.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from flask import Flask, current_app
from limits.storage import MemoryStorage, RedisStorage, storage_from_string
from sqlalchemy import Engine, Table, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import Executable

from learnapp import db
from learnapp.models.base import utcnow
from learnapp.models.people import LoginCounter

log = logging.getLogger(__name__)
EXTENSION_KEY = "learnapp_throttle"
DATABASE_SCHEME = "database://"
MEMORY_SCHEME = "memory://"
MAX_WAIT_SECONDS = 30
COUNTERS = cast(Table, LoginCounter.__table__)


class CounterStore(Protocol):
    """What the throttle needs from a store: counters that expire (a `limits` storage)."""

    def incr(self, key: str, expiry: float, amount: int = 1) -> int: ...

    def get(self, key: str) -> int: ...

    def clear(self, key: str) -> None: ...

    def reset(self) -> int | None: ...


class DatabaseCounterStore:
    """Counters in the app's own database, one atomic upsert per failure."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise RuntimeError(f"database:// throttling does not support {engine.dialect.name}")

    def _upsert(self, key: str, amount: int, expires: datetime, now: datetime) -> Executable:
        """Insert the counter, or add to it (starting afresh if it had expired), in one step."""
        table = COUNTERS
        insert = sqlite.insert if self.engine.dialect.name == "sqlite" else postgresql.insert
        expired = table.c.expires_at <= now
        return (
            insert(table)
            .values(key=key, count=amount, expires_at=expires)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((expired, amount), else_=table.c.count + amount),
                    "expires_at": case((expired, expires), else_=table.c.expires_at),
                },
            )
            .returning(table.c.count)
        )

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        table = COUNTERS
        now = utcnow()
        statement = self._upsert(key, amount, now + timedelta(seconds=expiry), now)
        with self.engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if random.random() < 0.01:  # now and then, forget counters long expired
                connection.execute(
                    delete(table).where(table.c.expires_at < now - timedelta(days=1))
                )
        return int(count)

    def get(self, key: str) -> int:
        table = COUNTERS
        with self.engine.connect() as connection:
            count = connection.execute(
                select(table.c.count).where(table.c.key == key, table.c.expires_at > utcnow())
            ).scalar()
        return int(count or 0)

    def clear(self, key: str) -> None:
        table = COUNTERS
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == key))

    def active_keys(self, keys: list[str] | None = None, prefix: str = "") -> set[str]:
        """Which of these keys (or all keys starting with `prefix`) count now: one query."""
        table = COUNTERS
        statement = select(table.c.key).where(table.c.expires_at > utcnow())
        if keys is not None:
            if not keys:
                return set()
            statement = statement.where(table.c.key.in_(keys))
        else:
            statement = statement.where(table.c.key.startswith(prefix, autoescape=True))
        with self.engine.connect() as connection:
            return set(connection.execute(statement).scalars())

    def reset(self) -> int | None:
        """Forget every counter (tests start from a clean slate)."""
        with self.engine.begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount


def make_store(url: str, engine: Engine) -> CounterStore:
    """The store a URL names: memory://, redis://…, rediss://…, database://."""
    if url.rstrip("/") == DATABASE_SCHEME.rstrip("/"):
        return DatabaseCounterStore(engine)
    return cast(CounterStore, storage_from_string(url))


def is_shared(url: str) -> bool:
    """Whether a store URL counts for every process (not only the one that holds it)."""
    return not url.strip().lower().startswith(MEMORY_SCHEME)


def refuse_unshared_store(url: str, workers: int) -> None:
    """Several workers with a per-process store would each allow the full number of tries."""
    if workers > 1 and not is_shared(url):
        raise RuntimeError(
            f"Refusing to start: RATELIMIT_STORAGE_URL is {url!r} with {workers} workers. "
            "Each worker would count wrong passwords on its own, and an unlock would reach "
            "only one of them. Use the default 'database://' (or 'redis://…'), "
            "or run a single worker."
        )


@dataclass(frozen=True)
class Limits:
    window: int
    slowdown_after: int
    lock_after: int
    lock_seconds: int
    address_slowdown_after: int
    address_lock_after: int


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in may be tried now: fine, wait a little, or paused."""

    locked: bool = False
    wait: bool = False

    @property
    def allowed(self) -> bool:
        return not (self.locked or self.wait)


class Throttle:
    def __init__(self, store: CounterStore, limits: Limits, prefix: str) -> None:
        self.store = store
        self.limits = limits
        self.prefix = prefix

    def _key(self, kind: str, who: str, what: str) -> str:
        return f"{self.prefix}:{kind}:{who}:{what}"

    def _active(self, key: str) -> bool:
        try:
            return self.store.get(key) > 0
        except Exception:  # a store that is down must not keep everyone out
            log.exception("sign-in throttle store unreachable; letting the attempt through")
            return False

    def check(self, username: str, address: str) -> Verdict:
        """Before the password is checked: paused, or asked to wait, or free to try."""
        if self._active(self._key("lock", "user", username)) or self._active(
            self._key("lock", "addr", address)
        ):
            return Verdict(locked=True)
        if self._active(self._key("wait", "user", username)) or self._active(
            self._key("wait", "addr", address)
        ):
            return Verdict(wait=True)
        return Verdict()

    def _count(self, who: str, what: str, slowdown_after: int, lock_after: int) -> bool:
        """Count one failure; True when this one paused `what`."""
        failures = self.store.incr(self._key("fail", who, what), self.limits.window)
        if failures >= lock_after:
            self.store.incr(self._key("lock", who, what), self.limits.lock_seconds)
            return True
        if failures >= slowdown_after:
            wait = min(2 ** (failures - slowdown_after), MAX_WAIT_SECONDS)
            self.store.incr(self._key("wait", who, what), wait)
        return False

    def record_failure(self, username: str, address: str) -> Verdict:
        """After a wrong password or code; says whether the next try is paused."""
        limits = self.limits
        try:
            locked = self._count("user", username, limits.slowdown_after, limits.lock_after)
            locked |= self._count(
                "addr", address, limits.address_slowdown_after, limits.address_lock_after
            )
        except Exception:
            log.exception("sign-in throttle store unreachable; failure not counted")
            return Verdict()
        return Verdict(locked=locked)

    def record_success(self, username: str) -> None:
        """A right password forgets that username's earlier failures (not the address's)."""
        self._clear("user", username)

    def _clear(self, who: str, what: str) -> None:
        try:
            for kind in ("fail", "wait", "lock"):
                self.store.clear(self._key(kind, who, what))
        except Exception:
            log.exception("sign-in throttle store unreachable; nothing cleared")

    def is_locked(self, username: str) -> bool:
        return self._active(self._key("lock", "user", username))

    def unlock(self, username: str) -> None:
        self._clear("user", username)

    def locked_among(self, usernames: list[str]) -> set[str]:
        """Which of these usernames are paused: one look-up in the database store."""
        keys = {self._key("lock", "user", name): name for name in usernames}
        try:
            if isinstance(self.store, DatabaseCounterStore):
                return {keys[key] for key in self.store.active_keys(list(keys))}
            return {name for key, name in keys.items() if self.store.get(key) > 0}
        except Exception:  # a store that is down shows nobody as paused
            log.exception("sign-in throttle store unreachable; pauses not shown")
            return set()

    def locked_usernames(self) -> set[str]:
        """Every username paused now (a handful), from whichever store keeps the counts."""
        prefix = self._key("lock", "user", "")
        try:
            return {key[len(prefix) :] for key in keys_counting_now(self.store, prefix)}
        except Exception:
            log.exception("sign-in throttle store unreachable; pauses not listed")
            return set()

    def unlock_address(self, address: str) -> None:
        self._clear("addr", address)


def keys_counting_now(store: CounterStore, prefix: str) -> set[str]:
    """The keys starting with `prefix` whose count is running now, in any of the stores."""
    if isinstance(store, DatabaseCounterStore):
        return store.active_keys(prefix=prefix)
    if isinstance(store, RedisStorage):
        # Redis keeps its keys under the store's own prefix ("LIMITS:…"); a pause is a key
        # with an expiry, so the keys that are there are the ones that count.
        outer = store.prefixed_key("")
        pattern = store.prefixed_key(prefix).translate(REDIS_GLOB_ESCAPES) + "*"
        connection: Any = store.get_connection(True)  # a redis.Redis; limits types it narrowly
        found = (key.decode() for key in connection.scan_iter(match=pattern, count=500))
        return {key[len(outer) :] for key in found if store.get(key[len(outer) :]) > 0}
    if isinstance(store, MemoryStorage):
        return {key for key in list(store.storage) if key.startswith(prefix) and store.get(key) > 0}
    raise TypeError(f"cannot list the keys of {type(store).__name__}")


REDIS_GLOB_ESCAPES = str.maketrans({c: "\\" + c for c in "*?[]\\"})


def _normal(username: str) -> str:
    return username.strip().lower()


def get_throttle() -> Throttle:
    return current_app.extensions[EXTENSION_KEY]


def is_locked(username: str) -> bool:
    """True while this username is paused after too many wrong passwords."""
    return get_throttle().is_locked(_normal(username))


def locked_among(usernames: list[str]) -> set[str]:
    """The usernames of these that are paused now (a page of accounts at a time)."""
    wanted = {_normal(name): name for name in usernames}
    return {wanted[name] for name in get_throttle().locked_among(list(wanted))}


def locked_usernames() -> set[str]:
    """Every username paused now, in the database, Redis or memory store alike."""
    return get_throttle().locked_usernames()


def unlock(username: str) -> None:
    """Lift the pause and forget the failures of this username (mentors, coordinators)."""
    get_throttle().unlock(_normal(username))


def unlock_address(address: str) -> None:
    """Lift the pause on an address, e.g. a centre's router after a busy morning."""
    get_throttle().unlock_address(address)


def init_app(app: Flask) -> None:
    config = app.config
    limits = Limits(
        window=int(config["LOGIN_WINDOW_MINUTES"]) * 60,
        slowdown_after=int(config["LOGIN_SLOWDOWN_AFTER"]),
        lock_after=int(config["LOGIN_LOCK_AFTER"]),
        lock_seconds=int(config["LOGIN_LOCK_MINUTES"]) * 60,
        address_slowdown_after=int(config["LOGIN_ADDRESS_SLOWDOWN_AFTER"]),
        address_lock_after=int(config["LOGIN_ADDRESS_LOCK_AFTER"]),
    )
    engine = app.extensions[db.EXTENSION_KEY].engine
    store = make_store(config["RATELIMIT_STORAGE_URL"], engine)
    app.extensions[EXTENSION_KEY] = Throttle(store, limits, config["RATELIMIT_KEY_PREFIX"])
