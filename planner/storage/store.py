"""The store: opening a database safely, and owner-bound repositories over its tables.

Every public call runs in one transaction and filters by the owner it was bound to, so another
owner's rows look exactly like rows that do not exist. Values are checked before they reach
the database and always travel as bound parameters.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

import pandas as pd
from pydantic_core import PydanticSerializationError
from sqlalchemy import create_engine, delete, event, insert, select, update
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, IntegrityError, OperationalError
from sqlalchemy.sql import Select, func

from planner.catalog import FOOD_COLUMNS, NUTRIENT_COLUMNS
from planner.errors import InputError
from planner.plan import Plan
from planner.storage import schema
from planner.storage.schema import (
    FOOD_ID_MAX,
    LABEL_MAX,
    NAME_MAX,
    OWNER_MAX,
    SCHEMA_VERSION,
    clients,
    custom_foods,
    pantry,
    plan_versions,
    plans,
    prices,
    utcnow,
)

ENV_DB_URL = "B12PLAN_DB_URL"
LOCAL_OWNER = "local"
NOTES_MAX = 20_000
PLAN_JSON_MAX = 5_000_000  # characters; a 14-day plan is a few hundred kB at most
BUSY_TIMEOUT_S = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"
# An existing empty file becomes a database only under these names (_check_sqlite_file).
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_PG_INIT_LOCK = 0x6231_3270_6C61_6E  # any fixed number: serialises schema setup across processes

R = TypeVar("R")  # the record a repository returns

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_NUL = "\x00"


class OnlyVersionError(InputError):
    """Deleting a plan's only version: the CLI and the app add how to delete the plan itself."""


# --------------------------------------------------------------------------------------------
# Records returned by the repositories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    notes: str
    profile: dict[str, Any] | None
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class PlanSummary:
    """A saved plan without its contents.

    `versions` is the newest kept version number and `version_count` how many versions are
    kept; they differ once a version has been deleted (numbers are never reused).
    """

    id: int
    client_id: int
    client_name: str
    label: str
    versions: int
    created: datetime
    updated: datetime
    version_count: int


@dataclass(frozen=True)
class PlanVersion:
    plan_id: int
    version: int
    label: str
    client_id: int
    client_name: str
    created: datetime
    profile: dict[str, Any]


@dataclass(frozen=True)
class DayChange:
    """Counted B12 (µg) of one day in two versions; None where a version lacks that day."""

    day: int
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class PlanDiff:
    plan_id: int
    version_a: int
    version_b: int
    days: tuple[DayChange, ...]
    foods_added: tuple[tuple[str, str], ...]  # (food_id, description), in version_b only
    foods_removed: tuple[tuple[str, str], ...]  # in version_a only


@dataclass(frozen=True)
class CustomFood:
    """A food from a label or the FDC API: a catalog row (None = not reported) and portions."""

    food_id: str
    row: dict[str, Any]
    portions: tuple[dict[str, Any], ...]
    created: datetime
    updated: datetime

    @property
    def description(self) -> str:
        return str(self.row.get("description") or "")


@dataclass(frozen=True)
class Price:
    """A price per 100 g, or per package of `package_grams` grams."""

    food_id: str
    currency: str
    per_100g: float | None
    package_price: float | None
    package_grams: float | None
    updated: datetime

    @property
    def price_per_100g(self) -> float:
        if self.per_100g is not None:
            return self.per_100g
        assert self.package_price is not None and self.package_grams
        return self.package_price / self.package_grams * 100.0


@dataclass(frozen=True)
class PantryItem:
    food_id: str
    grams: float
    updated: datetime


# --------------------------------------------------------------------------------------------
# Checking values before they reach the database
# --------------------------------------------------------------------------------------------


def _short_text(value: Any, what: str, limit: int) -> str:
    """A one-line, non-empty name (client, label, food id, owner), stripped."""
    if value is None:
        raise InputError(f"{what} is missing; give a {what} of 1-{limit} characters")
    if not isinstance(value, str):
        raise InputError(f"{what} must be text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InputError(f"{what} is empty; give a {what} of 1-{limit} characters")
    if len(text) > limit:
        raise InputError(f"{what} is {len(text)} characters long; the limit is {limit}")
    if _CONTROL_CHARS.search(text):
        raise InputError(f"{what} {text[:40]!r} contains a line break or control character")
    return text


def _long_text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be text, got {type(value).__name__}")
    if len(value) > limit:
        raise InputError(f"{what} is {len(value)} characters long; the limit is {limit}")
    if _NUL in value:
        raise InputError(f"{what} contains a NUL character; remove it")
    return value


def _row_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what} must be a whole number, got {value!r}")
    if value < 1:
        raise InputError(f"{what} must be 1 or more, got {value}")
    return value


def _number(value: Any, what: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if hasattr(value, "item") and not isinstance(value, bool):
            return _number(value.item(), what, positive=positive)
        raise InputError(f"{what} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"{what} must be a finite number, got {value!r}")
    if positive and number <= 0:
        raise InputError(f"{what} must be more than 0, got {value!r}")
    if number < 0:
        raise InputError(f"{what} must be 0 or more, got {value!r}")
    return number


def _plain(value: Any, what: str) -> Any:
    """JSON-ready copy: NaN and pandas NA become null (missing stays missing, never 0)."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise InputError(f"{what} holds an infinite number; use a finite value")
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{what} has a non-text key {key!r}")
            out[key] = _plain(item, f"{what}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, what) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item(), what)
    raise InputError(f"{what} holds a {type(value).__name__}, which cannot be saved as JSON")


def _to_json(value: Any, what: str) -> str:
    return json.dumps(_plain(value, what), ensure_ascii=False, allow_nan=False)


def _profile_json(profile: Mapping[str, Any] | None) -> str | None:
    if profile is None:
        return None
    if not isinstance(profile, Mapping):
        raise InputError(f"profile must be a mapping of settings, got {type(profile).__name__}")
    return _to_json(profile, "profile")


def _valid_plan(plan: Plan | Mapping[str, Any] | str | bytes) -> Plan:
    """The plan, validated afresh (a Plan's fields can be reassigned without validation)."""
    if isinstance(plan, Plan):
        try:
            text: str | bytes = plan.model_dump_json()
        except PydanticSerializationError as err:
            raise InputError(f"plan cannot be saved: {err}") from err
    elif isinstance(plan, Mapping):
        text = _to_json(plan, "plan")
    elif isinstance(plan, str | bytes):
        text = plan
    else:
        raise InputError(f"expected a Plan or plan JSON, got {type(plan).__name__}")
    return Plan.from_json(text, source="plan")


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _load_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# --------------------------------------------------------------------------------------------
# Where the database is
# --------------------------------------------------------------------------------------------


def default_db_path() -> Path:
    """$XDG_DATA_HOME/b12-planner/b12plan.sqlite3, else ~/.local/share/b12-planner/..."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "b12-planner" / "b12plan.sqlite3"


def _parse_url(text: str, origin: str) -> URL:
    if "://" not in text:  # a plain file path means a SQLite file
        return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().resolve()))
    try:
        url = make_url(text)
    except ArgumentError as err:
        raise InputError(
            f"{origin} {text!r} is not a database URL; use sqlite:////path/to/file.sqlite3 "
            "or postgresql+psycopg://user:password@host:5432/dbname"
        ) from err
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if url.get_driver_name() not in ("psycopg", "postgresql", "postgres", ""):
            raise InputError(
                f"{origin} asks for the {url.get_driver_name()!r} driver; b12-planner ships "
                "psycopg 3: use postgresql+psycopg://..."
            )
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise InputError(
                f"{origin} {url.render_as_string()!r} names no file; "
                "use sqlite:////absolute/path/b12plan.sqlite3"
            )
        return url.set(drivername="sqlite+pysqlite")
    raise InputError(
        f"{origin} uses {backend!r}; b12-planner stores data in SQLite or PostgreSQL only"
    )


def resolve_db_url(url: str | None = None) -> tuple[URL, str]:
    """(URL, where it came from): `url` (e.g. --db), else $B12PLAN_DB_URL, else the default."""
    if url is not None and url.strip():
        return _parse_url(url.strip(), "--db"), "--db"
    env = os.environ.get(ENV_DB_URL, "").strip()
    if env:
        return _parse_url(env, ENV_DB_URL), ENV_DB_URL
    return URL.create("sqlite+pysqlite", database=str(default_db_path())), "default"


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


class Store:
    """One database (SQLite file or PostgreSQL), opened, checked and upgraded on construction.

    `Store(url)` with url None uses $B12PLAN_DB_URL, else the default SQLite file (created on
    first use). Use `for_owner(owner)` to read and write; close() releases connections.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url, self._origin = resolve_db_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            self._check_sqlite_file()
        self.engine: Engine = self._make_engine()
        try:
            self._open()
        except BaseException:
            self.engine.dispose()
            raise

    @property
    def description(self) -> str:
        """Where the data lives, without any password: for messages."""
        if self.is_sqlite:
            return f"SQLite file {self.url.database}"
        return f"PostgreSQL {self.url.render_as_string(hide_password=True)}"

    def for_owner(self, owner: str) -> OwnerStore:
        return OwnerStore(self, _short_text(owner, "owner", OWNER_MAX))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening ---------------------------------------------------------------------------

    def _check_sqlite_file(self) -> None:
        """Refuse anything that is not a SQLite file before SQLite gets to touch it."""
        path = Path(str(self.url.database))
        if path.is_dir():
            raise InputError(f"{self._origin} points at the folder {path}; give a file name")
        if path.exists():
            try:
                with open(path, "rb") as fh:
                    head = fh.read(len(SQLITE_HEADER))
            except OSError as err:
                raise InputError(f"cannot read {path}: {err.strerror}") from err
            if head and head != SQLITE_HEADER:
                raise InputError(
                    f"{path} is not a SQLite database (it does not start with the SQLite "
                    f"header); b12-planner left it untouched. {self._another_file()}"
                )
            if not head and path.suffix.lower() not in SQLITE_SUFFIXES:
                # SQLite takes a 0-byte file for an empty database and writes its tables into
                # it. `touch b12plan.sqlite3` asks for that; an empty notes.json or plan.csv
                # is far more likely a mistyped --db, and turning it into a database would
                # hand the program that owns it a file it cannot read. So only a database
                # name (.db, .sqlite, .sqlite3) is taken as consent.
                raise InputError(
                    f"{path} is an empty file and its name does not end in "
                    f"{', '.join(SQLITE_SUFFIXES[:-1])} or {SQLITE_SUFFIXES[-1]}; b12-planner "
                    f"did not turn it into a database and left it untouched. "
                    f"{self._another_file()} (a new file name ending in .sqlite3 is created as "
                    "a database)"
                )
        elif not path.parent.is_dir():
            if self._origin != "default":
                raise InputError(
                    f"the folder {path.parent} for the database does not exist; create it first"
                )
            path.parent.mkdir(parents=True, exist_ok=True)

    def _another_file(self) -> str:
        """How to point b12-planner elsewhere, in the words of where the path came from."""
        if self._origin == "default":
            return f"Move it away or set {ENV_DB_URL} to another file"
        # The app hands $B12PLAN_DB_URL to Store(url) too, so name both ways of choosing.
        return f"Point --db or {ENV_DB_URL} at another file"

    def _make_engine(self) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        engine = create_engine(
            self.url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # We emit BEGIN ourselves (below) so a write transaction can take the write lock
            # up front; foreign keys are off by default in SQLite.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # BEGIN IMMEDIATE waits (busy timeout) for the write lock instead of failing later
            # when a read transaction tries to upgrade to a write.
            if conn.get_execution_options().get("b12_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine

    def _open(self) -> None:
        with self._transaction(write=False) as conn:
            version = schema.read_version(conn)
            self._check_version(version, conn)
        if self.is_sqlite:
            self._sqlite_pragma("PRAGMA journal_mode = WAL")
        if version == SCHEMA_VERSION:
            return
        if version is not None and self.is_sqlite:
            self._backup_sqlite(version)
        with self._transaction(write=True) as conn:
            if not self.is_sqlite:
                conn.execute(select(func.pg_advisory_xact_lock(_PG_INIT_LOCK)))
            version = schema.read_version(conn)  # again, under the lock
            self._check_version(version, conn)
            if version is None:
                schema.create_latest(conn)
            elif version < SCHEMA_VERSION:
                schema.upgrade(conn, version)

    def _check_version(self, version: int | None, conn: Connection) -> None:
        where = self.description
        if version is None:
            from sqlalchemy import inspect

            tables = set(inspect(conn).get_table_names())
            if tables & schema.TABLE_NAMES or (self.is_sqlite and tables):
                raise InputError(
                    f"{where} holds tables but is not a b12-planner store (no schema_version "
                    f"table); b12-planner left it untouched. Set {ENV_DB_URL} to another database"
                )
        elif version < 1:
            raise InputError(f"{where} has an empty schema_version table; restore a backup")
        elif version > SCHEMA_VERSION:
            raise InputError(
                f"{where} was written by a newer b12-planner (schema version {version}; this "
                f"one knows up to {SCHEMA_VERSION}); upgrade b12-planner. Nothing was changed"
            )

    def _sqlite_pragma(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        """Run a statement outside any transaction (WAL switch, VACUUM INTO)."""
        raw = self.engine.raw_connection()
        try:
            raw.driver_connection.execute(statement, params)  # type: ignore[union-attr]
        except Exception as err:
            raise InputError(self._explain(err)) from err
        finally:
            raw.close()

    def _backup_sqlite(self, version: int) -> None:
        """Copy the file before upgrading it, so an upgrade can always be undone by hand."""
        path = Path(str(self.url.database))
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        backup = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
        if not backup.exists():
            self._sqlite_pragma("VACUUM INTO ?", (str(backup),))

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction; database failures become InputError with a plain message."""
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(b12_write=True)
                with conn.begin():
                    yield conn
        except IntegrityError:
            raise
        except (OperationalError, DatabaseError) as err:
            if type(err) not in (OperationalError, DatabaseError):
                raise
            raise InputError(self._explain(err)) from err

    def _explain(self, err: Exception) -> str:
        orig = getattr(err, "orig", None) or err
        reason = (str(orig).strip().splitlines() or ["unknown error"])[0]
        lowered = reason.lower()
        where = self.description
        if "is not a database" in lowered or "malformed" in lowered:
            return (
                f"{where} is damaged or not a SQLite database ({reason}); b12-planner did not "
                f"change it. Restore a backup or set {ENV_DB_URL} to another file"
            )
        if "locked" in lowered or "busy" in lowered:
            return f"{where} is busy: another program is writing to it; try again"
        if "readonly" in lowered or "read-only" in lowered:
            return f"{where} is read-only; check the file's permissions"
        if "unable to open" in lowered:
            return f"cannot open {where}: check that the folder exists and is writable"
        if not self.is_sqlite and ("connect" in lowered or "connection" in lowered):
            return f"cannot reach {where}: {reason}. Check {ENV_DB_URL} and that the server runs"
        return f"{where} failed: {reason}"


class OwnerStore:
    """Everything one owner may see: clients, plans, custom foods, prices, pantry."""

    def __init__(self, store: Store, owner: str) -> None:
        self.store = store
        self.owner = owner
        self.clients = Clients(store, owner)
        self.plans = Plans(store, owner)
        self.custom_foods = CustomFoods(store, owner)
        self.prices = Prices(store, owner)
        self.pantry = Pantry(store, owner)


class _Repository:
    def __init__(self, store: Store, owner: str) -> None:
        self._store = store
        self._owner = owner

    def _read(self) -> Any:
        return self._store._transaction(write=False)

    def _write(self) -> Any:
        return self._store._transaction(write=True)

    def _upsert(
        self,
        conn: Connection,
        table: Any,
        key: dict[str, Any],
        values: dict[str, Any],
        insert_only: dict[str, Any] | None = None,
    ) -> None:
        """Insert or update in one atomic statement (ON CONFLICT), so racing writers agree."""
        if self._store.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        statement = dialect_insert(table).values(**key, **values, **(insert_only or {}))
        conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=values))


class _FoodKeyed(_Repository, Generic[R]):
    """A repository of one row per owner and food id (custom foods, prices, pantry).

    get, delete, list and the lookups are written once here, so every such table filters by
    owner the same way. Subclasses name the table, the record built from a row and what a
    missing row is called ("no price for 'x'").
    """

    _table: ClassVar[Any]
    _missing: ClassVar[str]  # message prefix before the food id's repr

    @staticmethod
    def _record(row: Any) -> R:
        raise NotImplementedError

    def _key(self, food_id: str) -> dict[str, str]:
        return {"owner": self._owner, "food_id": food_id}

    def _where(self, food_id: str) -> Any:
        return (self._table.c.owner == self._owner) & (self._table.c.food_id == food_id)

    def get(self, food_id: str) -> R:
        food_id = _food_id(food_id)
        with self._read() as conn:
            return self._get(conn, food_id)

    def delete(self, food_id: str) -> None:
        food_id = _food_id(food_id)
        with self._write() as conn:
            gone = conn.execute(delete(self._table).where(self._where(food_id)))
            if gone.rowcount != 1:
                raise InputError(f"{self._missing} {food_id!r}")

    def list(self) -> list[R]:
        with self._read() as conn:
            rows = conn.execute(
                select(self._table)
                .where(self._table.c.owner == self._owner)
                .order_by(self._table.c.food_id)
            ).all()
        return [self._record(r) for r in rows]

    def _find(self, conn: Connection, food_id: str) -> Any:
        return conn.execute(select(self._table).where(self._where(food_id))).first()

    def _get(self, conn: Connection, food_id: str) -> R:
        row = self._find(conn, food_id)
        if row is None:
            raise InputError(f"{self._missing} {food_id!r}")
        return self._record(row)


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------


def _client_of(row: Any) -> Client:
    return Client(
        id=row.id,
        name=row.name,
        notes=row.notes,
        profile=_load_json(row.profile_json),
        created=_aware(row.created_at),
        updated=_aware(row.updated_at),
    )


class Clients(_Repository):
    """People plans are made for; names are unique per owner."""

    def add(self, name: str, notes: str = "", profile: Mapping[str, Any] | None = None) -> Client:
        name = _short_text(name, "client name", NAME_MAX)
        notes = _long_text(notes, "notes", NOTES_MAX)
        profile_json = _profile_json(profile)
        now = utcnow()
        try:
            with self._write() as conn:
                self._refuse_taken(conn, name)
                result = conn.execute(
                    insert(clients).values(
                        owner=self._owner,
                        name=name,
                        notes=notes,
                        profile_json=profile_json,
                        created_at=now,
                        updated_at=now,
                    )
                )
                return self._fetch(conn, result.inserted_primary_key[0])
        except IntegrityError as err:  # a concurrent add won the race
            raise InputError(f"a client named {name!r} already exists") from err

    def get(self, client: int | str) -> Client:
        with self._read() as conn:
            return _client_of(self._row(conn, client))

    def rename(self, client: int | str, new_name: str) -> Client:
        new_name = _short_text(new_name, "client name", NAME_MAX)
        try:
            with self._write() as conn:
                row = self._row(conn, client)
                if new_name != row.name:
                    self._refuse_taken(conn, new_name)
                conn.execute(
                    update(clients)
                    .where(clients.c.id == row.id, clients.c.owner == self._owner)
                    .values(name=new_name, updated_at=utcnow())
                )
                return self._fetch(conn, row.id)
        except IntegrityError as err:
            raise InputError(f"a client named {new_name!r} already exists") from err

    def update(
        self,
        client: int | str,
        *,
        notes: str | None = None,
        profile: Mapping[str, Any] | None = None,
    ) -> Client:
        """Change notes and/or profile; None leaves a field as it is."""
        values: dict[str, Any] = {"updated_at": utcnow()}
        if notes is not None:
            values["notes"] = _long_text(notes, "notes", NOTES_MAX)
        if profile is not None:
            values["profile_json"] = _profile_json(profile)
        with self._write() as conn:
            row = self._row(conn, client)
            conn.execute(
                update(clients)
                .where(clients.c.id == row.id, clients.c.owner == self._owner)
                .values(**values)
            )
            return self._fetch(conn, row.id)

    def delete(self, client: int | str) -> int:
        """Delete a client and all their plans; returns how many plans went with them."""
        with self._write() as conn:
            row = self._row(conn, client)
            plan_ids = select(plans.c.id).where(
                plans.c.client_id == row.id, plans.c.owner == self._owner
            )
            conn.execute(
                delete(plan_versions).where(
                    plan_versions.c.plan_id.in_(plan_ids), plan_versions.c.owner == self._owner
                )
            )
            removed = conn.execute(
                delete(plans).where(plans.c.client_id == row.id, plans.c.owner == self._owner)
            ).rowcount
            conn.execute(
                delete(clients).where(clients.c.id == row.id, clients.c.owner == self._owner)
            )
            return int(removed)

    def list(self) -> list[Client]:
        with self._read() as conn:
            rows = conn.execute(select(clients).where(clients.c.owner == self._owner)).all()
        return sorted((_client_of(r) for r in rows), key=lambda c: (c.name.casefold(), c.id))

    # -- helpers ---------------------------------------------------------------------------

    def _refuse_taken(self, conn: Connection, name: str) -> None:
        taken = conn.execute(
            select(clients.c.id).where(clients.c.owner == self._owner, clients.c.name == name)
        ).first()
        if taken is not None:
            raise InputError(f"a client named {name!r} already exists; choose another name")

    def _row(self, conn: Connection, client: int | str) -> Any:
        return _client_row(conn, self._owner, client)

    def _fetch(self, conn: Connection, client_id: int) -> Client:
        return _client_of(_client_row(conn, self._owner, client_id))


def _client_row(conn: Connection, owner: str, client: int | str | Client) -> Any:
    """The owner's client by id or exact name; anyone else's looks like no client at all."""
    if isinstance(client, Client):
        client = client.id
    if isinstance(client, str):
        name = client.strip()
        row = conn.execute(
            select(clients).where(clients.c.owner == owner, clients.c.name == name)
        ).first()
        if row is None:
            raise InputError(
                f"no client named {name!r}; see `b12plan clients list` or add one with "
                "`b12plan clients add NAME`"
            )
        return row
    client_id = _row_id(client, "client id")
    row = conn.execute(
        select(clients).where(clients.c.owner == owner, clients.c.id == client_id)
    ).first()
    if row is None:
        raise InputError(f"no client with id {client_id}")
    return row


# --------------------------------------------------------------------------------------------
# Plans and their versions
# --------------------------------------------------------------------------------------------


def _summary_query(owner: str) -> Select:
    # plans.latest_version is the highest number ever given (the next save gets one more);
    # the newest kept version and the count come from the versions themselves.
    kept = (plan_versions.c.plan_id == plans.c.id) & (plan_versions.c.owner == owner)
    newest = select(func.max(plan_versions.c.version)).where(kept).scalar_subquery()
    count = select(func.count()).select_from(plan_versions).where(kept).scalar_subquery()
    return (
        select(
            plans.c.id,
            plans.c.client_id,
            clients.c.name.label("client_name"),
            plans.c.label,
            newest.label("newest_version"),
            count.label("version_count"),
            plans.c.created_at,
            plans.c.updated_at,
        )
        .join(clients, clients.c.id == plans.c.client_id)
        .where(plans.c.owner == owner, clients.c.owner == owner)
    )


def _summary_of(row: Any) -> PlanSummary:
    return PlanSummary(
        id=row.id,
        client_id=row.client_id,
        client_name=row.client_name,
        label=row.label,
        versions=int(row.newest_version or 0),
        created=_aware(row.created_at),
        updated=_aware(row.updated_at),
        version_count=int(row.version_count),
    )


def version_list(numbers: Sequence[int]) -> str:
    """Version numbers for a message, runs shortened: '1-3', '1, 2 and 4', '1 and 5-7'."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    if len(runs) == 1 and len(runs[0]) > 1:
        return f"{runs[0][0]}-{runs[0][-1]}"
    parts = [
        part
        for run in runs
        for part in ([f"{run[0]}-{run[-1]}"] if len(run) > 2 else [str(n) for n in run])
    ]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class Plans(_Repository):
    """Saved plans: each save adds a version, numbered 1, 2, 3...

    A deleted version leaves a gap: numbers are never reused, so "version 3" of a plan always
    means the same saved plan, and the next save gets one more than the highest number given.
    """

    def save(
        self,
        client: int | str | Client,
        plan: Plan | Mapping[str, Any] | str | bytes,
        label: str | None = None,
        plan_id: int | None = None,
    ) -> PlanVersion:
        """Save `plan` as a new plan, or as the next version of `plan_id` (same client)."""
        valid = _valid_plan(plan)
        plan_json = valid.to_json(indent=None)
        if len(plan_json) > PLAN_JSON_MAX:
            raise InputError(
                f"plan is {len(plan_json):,} characters of JSON; the limit is {PLAN_JSON_MAX:,}"
            )
        profile_json = _to_json(valid.profile, "plan profile")
        if label is not None:
            label = _short_text(label, "plan label", LABEL_MAX)
        if plan_id is not None:
            plan_id = _row_id(plan_id, "plan id")
        now = utcnow()
        with self._write() as conn:
            owner_client = _client_row(conn, self._owner, client)
            if plan_id is None:
                result = conn.execute(
                    insert(plans).values(
                        owner=self._owner,
                        client_id=owner_client.id,
                        label=label or schema.default_label(plan_json),
                        latest_version=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
                plan_id = int(result.inserted_primary_key[0])
            else:
                # The UPDATE takes the row lock first, so concurrent saves queue up here and
                # each one sees the number the previous one left.
                changes: dict[str, Any] = {
                    "latest_version": plans.c.latest_version + 1,
                    "updated_at": now,
                }
                if label is not None:
                    changes["label"] = label
                bumped = conn.execute(
                    update(plans)
                    .where(plans.c.id == plan_id, plans.c.owner == self._owner)
                    .values(**changes)
                )
                if bumped.rowcount != 1:
                    raise InputError(f"no plan with id {plan_id}")
                current = self._summary(conn, plan_id)
                if current.client_id != owner_client.id:
                    raise InputError(
                        f"plan {plan_id} belongs to client {current.client_name!r}, not "
                        f"{owner_client.name!r}; save it without a plan id to start a new plan"
                    )
            number = conn.execute(
                select(plans.c.latest_version).where(
                    plans.c.id == plan_id, plans.c.owner == self._owner
                )
            ).scalar_one()
            conn.execute(
                insert(plan_versions).values(
                    plan_id=plan_id,
                    owner=self._owner,
                    version=number,
                    profile_json=profile_json,
                    plan_json=plan_json,
                    created_at=now,
                )
            )
            summary = self._summary(conn, plan_id)
        return PlanVersion(
            plan_id=plan_id,
            version=number,
            label=summary.label,
            client_id=summary.client_id,
            client_name=summary.client_name,
            created=_aware(now),
            profile=json.loads(profile_json),
        )

    def info(self, plan_id: int) -> PlanSummary:
        with self._read() as conn:
            return self._summary(conn, _row_id(plan_id, "plan id"))

    def versions(self, plan_id: int) -> list[PlanVersion]:
        plan_id = _row_id(plan_id, "plan id")
        with self._read() as conn:
            summary = self._summary(conn, plan_id)
            rows = conn.execute(
                select(
                    plan_versions.c.version,
                    plan_versions.c.created_at,
                    plan_versions.c.profile_json,
                )
                .where(plan_versions.c.plan_id == plan_id, plan_versions.c.owner == self._owner)
                .order_by(plan_versions.c.version)
            ).all()
        return [
            PlanVersion(
                plan_id=plan_id,
                version=r.version,
                label=summary.label,
                client_id=summary.client_id,
                client_name=summary.client_name,
                created=_aware(r.created_at),
                profile=json.loads(r.profile_json),
            )
            for r in rows
        ]

    def get(self, plan_id: int, version: int | None = None) -> Plan:
        """The plan as saved (the newest version unless `version` is given)."""
        plan_id = _row_id(plan_id, "plan id")
        with self._read() as conn:
            return self._plan(conn, plan_id, version)

    def rename(self, plan_id: int, label: str) -> PlanSummary:
        plan_id = _row_id(plan_id, "plan id")
        label = _short_text(label, "plan label", LABEL_MAX)
        with self._write() as conn:
            changed = conn.execute(
                update(plans)
                .where(plans.c.id == plan_id, plans.c.owner == self._owner)
                .values(label=label, updated_at=utcnow())
            )
            if changed.rowcount != 1:
                raise InputError(f"no plan with id {plan_id}")
            return self._summary(conn, plan_id)

    def duplicate(self, plan_id: int, label: str | None = None) -> PlanSummary:
        """A new plan for the same client whose version 1 is this plan's newest version."""
        plan_id = _row_id(plan_id, "plan id")
        if label is not None:
            label = _short_text(label, "plan label", LABEL_MAX)
        now = utcnow()
        with self._write() as conn:
            source = self._summary(conn, plan_id)
            newest = self._version_row(conn, plan_id, source.versions)
            result = conn.execute(
                insert(plans).values(
                    owner=self._owner,
                    client_id=source.client_id,
                    label=label or f"copy of {source.label}"[:LABEL_MAX],
                    latest_version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            new_id = int(result.inserted_primary_key[0])
            conn.execute(
                insert(plan_versions).values(
                    plan_id=new_id,
                    owner=self._owner,
                    version=1,
                    profile_json=newest.profile_json,
                    plan_json=newest.plan_json,
                    created_at=now,
                )
            )
            return self._summary(conn, new_id)

    def delete(self, plan_id: int) -> None:
        """Delete a plan with all its versions."""
        plan_id = _row_id(plan_id, "plan id")
        with self._write() as conn:
            self._summary(conn, plan_id)
            conn.execute(
                delete(plan_versions).where(
                    plan_versions.c.plan_id == plan_id, plan_versions.c.owner == self._owner
                )
            )
            conn.execute(delete(plans).where(plans.c.id == plan_id, plans.c.owner == self._owner))

    def delete_version(self, plan_id: int, version: int) -> PlanSummary:
        """Delete one version of a plan; returns the plan as it is afterwards.

        The other versions keep their numbers and the next save still gets a new one, so a
        number never comes to mean another plan. A plan's only version is refused: a plan
        keeps at least one version, and deleting the plan is the explicit way to remove all.
        """
        plan_id = _row_id(plan_id, "plan id")
        version = _row_id(version, "version")
        with self._write() as conn:
            # Lock the plan row first (as save does), so two deletions of a two-version plan,
            # or a deletion and a save, queue up and the second one sees what the first left.
            locked = conn.execute(
                update(plans)
                .where(plans.c.id == plan_id, plans.c.owner == self._owner)
                .values(updated_at=utcnow())
            )
            if locked.rowcount != 1:
                raise InputError(f"no plan with id {plan_id}")
            summary = self._summary(conn, plan_id)
            self._version_row(conn, plan_id, version)  # a clear error if it is not there
            if summary.version_count == 1:
                raise OnlyVersionError(
                    f"version {version} is the only version of plan {plan_id} "
                    f"({summary.label!r}); a plan keeps at least one version, so delete the "
                    "whole plan instead"
                )
            conn.execute(
                delete(plan_versions).where(
                    plan_versions.c.plan_id == plan_id,
                    plan_versions.c.owner == self._owner,
                    plan_versions.c.version == version,
                )
            )
            return self._summary(conn, plan_id)

    def compare(self, plan_id: int, version_a: int, version_b: int) -> PlanDiff:
        """Per-day counted B12 of two versions, and the foods one has and the other lacks."""
        plan_id = _row_id(plan_id, "plan id")
        with self._read() as conn:
            first = self._plan(conn, plan_id, version_a)
            second = self._plan(conn, plan_id, version_b)
        before = {d.day: d.b12_counted_ug for d in first.days}
        after = {d.day: d.b12_counted_ug for d in second.days}
        days = tuple(
            DayChange(day, before.get(day), after.get(day)) for day in sorted(before | after)
        )
        foods_a = {e.food_id: e.description for e in first.entries}
        foods_b = {e.food_id: e.description for e in second.entries}
        return PlanDiff(
            plan_id=plan_id,
            version_a=version_a,
            version_b=version_b,
            days=days,
            foods_added=tuple(sorted((k, v) for k, v in foods_b.items() if k not in foods_a)),
            foods_removed=tuple(sorted((k, v) for k, v in foods_a.items() if k not in foods_b)),
        )

    def list(self, client: int | str | Client | None = None) -> list[PlanSummary]:
        """The owner's plans (one client's if given), most recently changed first."""
        with self._read() as conn:
            query = _summary_query(self._owner)
            if client is not None:
                query = query.where(plans.c.client_id == _client_row(conn, self._owner, client).id)
            rows = conn.execute(query.order_by(plans.c.updated_at.desc(), plans.c.id.desc())).all()
        return [_summary_of(r) for r in rows]

    # -- helpers ---------------------------------------------------------------------------

    def _summary(self, conn: Connection, plan_id: int) -> PlanSummary:
        row = conn.execute(_summary_query(self._owner).where(plans.c.id == plan_id)).first()
        if row is None:
            raise InputError(f"no plan with id {plan_id}")
        return _summary_of(row)

    def _version_row(self, conn: Connection, plan_id: int, version: int) -> Any:
        row = conn.execute(
            select(plan_versions).where(
                plan_versions.c.plan_id == plan_id,
                plan_versions.c.owner == self._owner,
                plan_versions.c.version == version,
            )
        ).first()
        if row is None:
            kept = conn.execute(
                select(plan_versions.c.version).where(
                    plan_versions.c.plan_id == plan_id, plan_versions.c.owner == self._owner
                )
            ).scalars()
            numbers = list(kept)
            which = (
                f"only version {numbers[0]}"
                if len(numbers) == 1
                else f"versions {version_list(numbers)}"
            )
            raise InputError(f"plan {plan_id} has no version {version}; it has {which}")
        return row

    def _plan(self, conn: Connection, plan_id: int, version: int | None) -> Plan:
        summary = self._summary(conn, plan_id)
        if version is None:
            version = summary.versions
        version = _row_id(version, "version")
        row = self._version_row(conn, plan_id, version)
        return Plan.from_json(row.plan_json, source=f"saved plan {plan_id} version {version}")


# --------------------------------------------------------------------------------------------
# Custom foods, prices, pantry
# --------------------------------------------------------------------------------------------


def _food_id(value: Any) -> str:
    return _short_text(value, "food id", FOOD_ID_MAX)


def _custom_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A catalog row checked against the catalog schema; missing nutrients stay None."""
    if not isinstance(row, Mapping):
        raise InputError(f"a custom food must be a mapping of catalog columns, got {row!r}")
    unknown = sorted(set(row) - set(FOOD_COLUMNS))
    if unknown:
        raise InputError(
            f"custom food has unknown columns {unknown}; allowed: {', '.join(FOOD_COLUMNS)}"
        )
    clean: dict[str, Any] = {column: None for column in FOOD_COLUMNS}
    for column, value in row.items():
        value = _plain(value, f"custom food {column}")
        if value is None:
            continue
        if column in NUTRIENT_COLUMNS:
            clean[column] = _number(value, f"custom food {column}", positive=False)
        elif column == "fdc_id":
            clean[column] = _row_id(int(value) if isinstance(value, float) else value, "fdc_id")
        else:
            clean[column] = _long_text(value, f"custom food {column}", 2_000)
    clean["food_id"] = _food_id(row.get("food_id"))
    clean["description"] = _short_text(row.get("description"), "food description", 2_000)
    return clean


def _custom_portions(food_id: str, portions: Sequence[Mapping[str, Any]]) -> list[dict]:
    out = []
    for seq, portion in enumerate(portions, start=1):
        if not isinstance(portion, Mapping):
            raise InputError(f"portion {seq} of {food_id} must be a mapping, got {portion!r}")
        other_food = portion.get("food_id")
        if other_food is not None and other_food != food_id:
            raise InputError(f"portion {seq} belongs to {other_food!r}, not {food_id!r}")
        out.append(
            {
                "food_id": food_id,
                "seq": _row_id(portion.get("seq", seq), f"portion {seq} seq"),
                "portion": _short_text(portion.get("portion"), f"portion {seq} name", NAME_MAX),
                "grams": _number(portion.get("grams"), f"portion {seq} grams", positive=True),
            }
        )
    return out


def _custom_food_of(row: Any) -> CustomFood:
    return CustomFood(
        food_id=row.food_id,
        row=json.loads(row.row_json),
        portions=tuple(json.loads(row.portions_json)),
        created=_aware(row.created_at),
        updated=_aware(row.updated_at),
    )


class CustomFoods(_FoodKeyed[CustomFood]):
    """Foods from labels or the FDC API, kept per owner beside the bundled catalog."""

    _table = custom_foods
    _missing = "no custom food"
    _record = staticmethod(_custom_food_of)

    def add(
        self,
        row: Mapping[str, Any],
        portions: Sequence[Mapping[str, Any]] = (),
        *,
        replace: bool = False,
    ) -> CustomFood:
        """Save a food; an existing food_id is an error unless `replace` is true."""
        clean = _custom_row(row)
        food_id = clean["food_id"]
        values = {
            "row_json": _to_json(clean, "custom food"),
            "portions_json": _to_json(_custom_portions(food_id, portions), "portions"),
            "updated_at": utcnow(),
        }
        key = self._key(food_id)
        try:
            with self._write() as conn:
                if replace:
                    created = {"created_at": values["updated_at"]}
                    self._upsert(conn, custom_foods, key, values, insert_only=created)
                else:
                    if self._find(conn, food_id) is not None:
                        raise InputError(
                            f"custom food {food_id!r} already exists; delete it or replace it"
                        )
                    conn.execute(
                        insert(custom_foods).values(
                            **key, **values, created_at=values["updated_at"]
                        )
                    )
                return self._get(conn, food_id)
        except IntegrityError as err:
            raise InputError(f"custom food {food_id!r} already exists") from err

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(foods, portions) in the catalog schema, ready for `Catalog.with_foods`."""
        from planner.ingest.common import finish_foods, finish_portions

        foods = self.list()
        food_frame = pd.DataFrame([f.row for f in foods], columns=list(FOOD_COLUMNS))
        portion_frame = pd.DataFrame(
            [p for f in foods for p in f.portions], columns=["food_id", "seq", "portion", "grams"]
        )
        return finish_foods(food_frame), finish_portions(portion_frame)


def _price_of(row: Any) -> Price:
    return Price(
        food_id=row.food_id,
        currency=row.currency,
        per_100g=row.per_100g,
        package_price=row.package_price,
        package_grams=row.package_grams,
        updated=_aware(row.updated_at),
    )


class Prices(_FoodKeyed[Price]):
    """What a food costs the owner: per 100 g, or per package of known weight."""

    _table = prices
    _missing = "no price for"
    _record = staticmethod(_price_of)

    def set(
        self,
        food_id: str,
        *,
        per_100g: float | None = None,
        package_price: float | None = None,
        package_grams: float | None = None,
        currency: str = "USD",
    ) -> Price:
        food_id = _food_id(food_id)
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency.strip()):
            raise InputError(
                f"currency must be a 3-letter code such as USD or EUR, got {currency!r}"
            )
        currency = currency.strip().upper()
        by_package = package_price is not None or package_grams is not None
        if (per_100g is None) == (not by_package):
            raise InputError(
                "give either a price per 100 g or a package price with its grams, not both"
            )
        if by_package:
            if package_price is None or package_grams is None:
                raise InputError("a package price needs both the price and the package grams")
            package_price = _number(package_price, "package price", positive=False)
            package_grams = _number(package_grams, "package grams", positive=True)
        else:
            per_100g = _number(per_100g, "price per 100 g", positive=False)
        values = {
            "per_100g": per_100g,
            "package_price": package_price,
            "package_grams": package_grams,
            "currency": currency,
            "updated_at": utcnow(),
        }
        with self._write() as conn:
            self._upsert(conn, prices, self._key(food_id), values)
            return self._get(conn, food_id)


def _pantry_of(row: Any) -> PantryItem:
    return PantryItem(food_id=row.food_id, grams=row.grams, updated=_aware(row.updated_at))


class Pantry(_FoodKeyed[PantryItem]):
    """Food the owner already has, in grams (shopping lists subtract it)."""

    _table = pantry
    _missing = "no pantry item"
    _record = staticmethod(_pantry_of)

    def set(self, food_id: str, grams: float) -> PantryItem:
        food_id = _food_id(food_id)
        grams = _number(grams, "pantry grams", positive=True)
        with self._write() as conn:
            self._upsert(conn, pantry, self._key(food_id), {"grams": grams, "updated_at": utcnow()})
            return self._get(conn, food_id)


# --------------------------------------------------------------------------------------------
# Owners
# --------------------------------------------------------------------------------------------


def owner_from_streamlit_user(user_info: Mapping[str, Any] | None) -> str:
    """The owner for the person using the app, from `st.user` (passed in as a mapping).

    No authentication configured (an empty `st.user`): the single local owner. Configured but
    not signed in: an error, never the local owner, so visitors cannot see local data. Signed
    in: the OpenID Connect issuer and subject, which stay the same for a person even if their
    email changes (email is the fallback when a provider sends no subject).
    """
    info = dict(user_info or {})
    if "is_logged_in" not in info:
        return LOCAL_OWNER
    if not info.get("is_logged_in"):
        raise InputError("sign in to see your saved clients and plans")
    subject = str(info.get("sub") or "").strip()
    issuer = str(info.get("iss") or "").strip()
    if subject:
        owner = f"oidc:{issuer}#{subject}" if issuer else f"oidc:{subject}"
    else:
        email = str(info.get("email") or "").strip().lower()
        if not email or info.get("email_verified") is False:
            raise InputError(
                "the sign-in provider sent neither a user id ('sub') nor a verified email; "
                "ask for the 'openid email' scopes"
            )
        owner = f"email:{email}"
    return _short_text(owner, "owner", OWNER_MAX)
