"""Saved clients, plans, custom foods, prices and pantry, per owner, in SQLite or PostgreSQL.

    store = Store()                      # $B12PLAN_DB_URL, else the default SQLite file
    mine = store.for_owner("local")      # every call below sees only this owner's rows
    alice = mine.clients.add("Alice")
    saved = mine.plans.save(alice, plan, label="first week")
    plan = mine.plans.get(saved.plan_id)

The app and the CLI use only this API; see docs/storage.md for deployments and migrations.
"""

from planner.storage.schema import SCHEMA_VERSION
from planner.storage.store import (
    ENV_DB_URL,
    LOCAL_OWNER,
    Client,
    CustomFood,
    DayChange,
    OnlyVersionError,
    OwnerStore,
    PantryItem,
    PlanDiff,
    PlanSummary,
    PlanVersion,
    Price,
    Store,
    default_db_path,
    owner_from_streamlit_user,
    version_list,
)

__all__ = [
    "ENV_DB_URL",
    "LOCAL_OWNER",
    "SCHEMA_VERSION",
    "Client",
    "CustomFood",
    "DayChange",
    "OnlyVersionError",
    "OwnerStore",
    "PantryItem",
    "PlanDiff",
    "PlanSummary",
    "PlanVersion",
    "Price",
    "Store",
    "default_db_path",
    "owner_from_streamlit_user",
    "version_list",
]
