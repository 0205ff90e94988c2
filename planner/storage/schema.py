"""Tables, schema versions and upgrade steps, identical on SQLite and PostgreSQL.

A database records its version in `schema_version` (one row per applied version). Opening a
store creates the latest schema in an empty database, upgrades an older one step by step inside
one transaction, and refuses (without writing anything) a newer or foreign database.
`V1_METADATA` freezes the first released schema so its upgrade stays testable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

SCHEMA_VERSION = 2

OWNER_MAX = 512
NAME_MAX = 200
LABEL_MAX = 200
FOOD_ID_MAX = 100


def utcnow() -> datetime:
    return datetime.now(UTC)


def _stamp(name: str) -> Column:
    return Column(name, DateTime(timezone=True), nullable=False)


def _version_table(metadata: MetaData) -> Table:
    return Table(
        "schema_version",
        metadata,
        Column("version", Integer, primary_key=True, autoincrement=False),
        _stamp("applied_at"),
    )


def _clients_table(metadata: MetaData) -> Table:
    return Table(
        "clients",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("owner", String(OWNER_MAX), nullable=False),
        Column("name", String(NAME_MAX), nullable=False),
        Column("notes", Text, nullable=False),
        Column("profile_json", Text, nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        UniqueConstraint("owner", "name", name="uq_clients_owner_name"),
    )


def _plan_versions_table(metadata: MetaData) -> Table:
    return Table(
        "plan_versions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        Column("owner", String(OWNER_MAX), nullable=False),
        Column("version", Integer, nullable=False),
        Column("profile_json", Text, nullable=False),
        Column("plan_json", Text, nullable=False),
        _stamp("created_at"),
        UniqueConstraint("plan_id", "version", name="uq_plan_versions_plan_version"),
    )


def _custom_foods_table(metadata: MetaData) -> Table:
    return Table(
        "custom_foods",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("owner", String(OWNER_MAX), nullable=False),
        Column("food_id", String(FOOD_ID_MAX), nullable=False),
        Column("row_json", Text, nullable=False),
        Column("portions_json", Text, nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        UniqueConstraint("owner", "food_id", name="uq_custom_foods_owner_food"),
    )


def _pantry_table(metadata: MetaData) -> Table:
    return Table(
        "pantry",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("owner", String(OWNER_MAX), nullable=False),
        Column("food_id", String(FOOD_ID_MAX), nullable=False),
        Column("grams", Float, nullable=False),
        _stamp("updated_at"),
        UniqueConstraint("owner", "food_id", name="uq_pantry_owner_food"),
    )


def _plans_table(metadata: MetaData, *, with_label: bool) -> Table:
    columns = [
        Column("id", Integer, primary_key=True),
        Column("owner", String(OWNER_MAX), nullable=False),
        Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
        Column("latest_version", Integer, nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        Index("ix_plans_owner_client", "owner", "client_id"),
    ]
    if with_label:
        # server_default matches what the v1 -> v2 ALTER TABLE adds, so both paths agree.
        columns.insert(3, Column("label", String(LABEL_MAX), nullable=False, server_default=""))
    return Table("plans", metadata, *columns)


# --- version 1: the first released schema (frozen; never edit) ------------------------------
V1_METADATA = MetaData()
_version_table(V1_METADATA)
_clients_table(V1_METADATA)
_plans_table(V1_METADATA, with_label=False)
_plan_versions_table(V1_METADATA)
_custom_foods_table(V1_METADATA)
_pantry_table(V1_METADATA)

# --- the current schema -----------------------------------------------------------------------
METADATA = MetaData()
schema_version = _version_table(METADATA)
clients = _clients_table(METADATA)
plans = _plans_table(METADATA, with_label=True)
plan_versions = _plan_versions_table(METADATA)
custom_foods = _custom_foods_table(METADATA)
pantry = _pantry_table(METADATA)
prices = Table(
    "prices",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("owner", String(OWNER_MAX), nullable=False),
    Column("food_id", String(FOOD_ID_MAX), nullable=False),
    Column("per_100g", Float, nullable=True),
    Column("package_price", Float, nullable=True),
    Column("package_grams", Float, nullable=True),
    Column("currency", String(3), nullable=False),
    _stamp("updated_at"),
    UniqueConstraint("owner", "food_id", name="uq_prices_owner_food"),
)

TABLE_NAMES = frozenset(METADATA.tables) | frozenset(V1_METADATA.tables)


def default_label(plan_json: str) -> str:
    """A readable label for a plan saved without one: its diet and length."""
    try:
        raw = json.loads(plan_json)
        days = int(raw["n_days"])
        return f"{raw['diet']} plan, {days} day{'s' if days != 1 else ''}"[:LABEL_MAX]
    except (ValueError, KeyError, TypeError):
        return "plan"


def _upgrade_1_to_2(conn: Connection) -> None:
    """v2 adds plan labels (backfilled from each plan's newest version) and the prices table."""
    conn.execute(text("ALTER TABLE plans ADD COLUMN label VARCHAR(200) NOT NULL DEFAULT ''"))
    newest = (
        select(plan_versions.c.plan_id, plan_versions.c.plan_json)
        .join(plans, plans.c.id == plan_versions.c.plan_id)
        .where(plan_versions.c.version == plans.c.latest_version)
    )
    for plan_id, plan_json in conn.execute(newest).all():
        conn.execute(
            update(plans).where(plans.c.id == plan_id).values(label=default_label(plan_json))
        )
    prices.create(conn)


# UPGRADES[n] turns a version n-1 database into version n.
UPGRADES: dict[int, Callable[[Connection], None]] = {2: _upgrade_1_to_2}
assert sorted(UPGRADES) == list(range(2, SCHEMA_VERSION + 1))


def read_version(conn: Connection) -> int | None:
    """The database's schema version, or None when it has no schema_version table."""
    if not inspect(conn).has_table("schema_version"):
        return None
    version = conn.execute(
        select(schema_version.c.version).order_by(schema_version.c.version.desc())
    ).scalar()
    return int(version) if version is not None else 0


def create_latest(conn: Connection) -> None:
    METADATA.create_all(conn)
    conn.execute(insert(schema_version).values(version=SCHEMA_VERSION, applied_at=utcnow()))


def create_v1(conn: Connection) -> None:
    """The version 1 schema exactly as v1 created it (used by the upgrade tests)."""
    V1_METADATA.create_all(conn)
    conn.execute(insert(schema_version).values(version=1, applied_at=utcnow()))


def upgrade(conn: Connection, from_version: int) -> None:
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        UPGRADES[version](conn)
        conn.execute(insert(schema_version).values(version=version, applied_at=utcnow()))
