"""Owner isolation: owner B cannot see, change or delete owner A's rows through any call.

B is handed A's real ids and names. Each call must fail exactly as it does for ids that exist
nowhere ("no such ..."), or act only on B's own rows; A's data must be unchanged afterwards.
A last test checks that this table covers every public method of every repository.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pg_server
import pytest
from test_storage import make_plan

from planner.errors import InputError
from planner.storage.store import Clients, CustomFoods, OwnerStore, Pantry, Plans, Prices

db_url = pg_server.db_url  # fixtures: every test runs on SQLite and PostgreSQL
store = pg_server.store


@dataclass(frozen=True)
class Ids:
    client_id: int
    client_name: str
    plan_id: int
    food_id: str


GHOST = Ids(client_id=987_654, client_name="Ghost", plan_id=987_654, food_id="fdc:999")

Call = Callable[[OwnerStore, Ids], Any]

# Calls that must behave as if A's row did not exist.
MISSING: dict[str, Call] = {
    "clients.get(id)": lambda b, a: b.clients.get(a.client_id),
    "clients.get(name)": lambda b, a: b.clients.get(a.client_name),
    "clients.rename": lambda b, a: b.clients.rename(a.client_id, "Taken over"),
    "clients.update(notes)": lambda b, a: b.clients.update(a.client_id, notes="mine now"),
    "clients.update(profile)": lambda b, a: b.clients.update(a.client_name, profile={"x": 1}),
    "clients.delete(id)": lambda b, a: b.clients.delete(a.client_id),
    "clients.delete(name)": lambda b, a: b.clients.delete(a.client_name),
    "plans.save(A's client)": lambda b, a: b.plans.save(a.client_name, make_plan()),
    "plans.save(A's client id)": lambda b, a: b.plans.save(a.client_id, make_plan()),
    "plans.save(A's plan)": lambda b, a: b.plans.save("Bea", make_plan(), plan_id=a.plan_id),
    "plans.list(A's client)": lambda b, a: b.plans.list(a.client_id),
    "plans.info": lambda b, a: b.plans.info(a.plan_id),
    "plans.versions": lambda b, a: b.plans.versions(a.plan_id),
    "plans.get": lambda b, a: b.plans.get(a.plan_id),
    "plans.get(version)": lambda b, a: b.plans.get(a.plan_id, version=1),
    "plans.rename": lambda b, a: b.plans.rename(a.plan_id, "Taken over"),
    "plans.duplicate": lambda b, a: b.plans.duplicate(a.plan_id),
    "plans.delete": lambda b, a: b.plans.delete(a.plan_id),
    "plans.delete_version": lambda b, a: b.plans.delete_version(a.plan_id, 1),
    "plans.compare": lambda b, a: b.plans.compare(a.plan_id, 1, 2),
    "custom_foods.get": lambda b, a: b.custom_foods.get(a.food_id),
    "custom_foods.delete": lambda b, a: b.custom_foods.delete(a.food_id),
    "prices.get": lambda b, a: b.prices.get(a.food_id),
    "prices.delete": lambda b, a: b.prices.delete(a.food_id),
    "pantry.get": lambda b, a: b.pantry.get(a.food_id),
    "pantry.delete": lambda b, a: b.pantry.delete(a.food_id),
}

# Calls that succeed but must touch only B's own rows (same names as A's are fine).
OWN: dict[str, Call] = {
    "clients.add": lambda b, a: b.clients.add(a.client_name, notes="B's"),
    "plans.save(new)": lambda b, a: b.plans.save("Bea", make_plan(b12=7.0)),
    "plans.delete_version(own)": lambda b, a: _delete_own_version(b),
    "custom_foods.add": lambda b, a: b.custom_foods.add(
        {"food_id": a.food_id, "description": "B's food"}
    ),
    "custom_foods.add(replace)": lambda b, a: b.custom_foods.add(
        {"food_id": a.food_id, "description": "B's food"}, replace=True
    ),
    "prices.set": lambda b, a: b.prices.set(a.food_id, per_100g=99.0),
    "pantry.set": lambda b, a: b.pantry.set(a.food_id, 999.0),
}


def _delete_own_version(mine: OwnerStore) -> None:
    """B deletes version 1 of B's own two-version plan; A's version 1 must stay."""
    saved = mine.plans.save("Bea", make_plan(b12=7.0))
    mine.plans.save("Bea", make_plan(b12=8.0), plan_id=saved.plan_id)
    mine.plans.delete_version(saved.plan_id, 1)


# Listings: B must see nothing of A's (B owns one client, "Bea", and nothing else).
LISTS: dict[str, Call] = {
    "clients.list": lambda b, a: [c.name for c in b.clients.list()] == ["Bea"],
    "plans.list": lambda b, a: b.plans.list() == [],
    "custom_foods.list": lambda b, a: b.custom_foods.list() == [],
    "custom_foods.frames": lambda b, a: all(len(f) == 0 for f in b.custom_foods.frames()),
    "prices.list": lambda b, a: b.prices.list() == [],
    "pantry.list": lambda b, a: b.pantry.list() == [],
}


def fill_owner_a(mine: OwnerStore) -> Ids:
    client = mine.clients.add("Alice", notes="A's notes", profile={"age": 40})
    saved = mine.plans.save(client.id, make_plan(b12=2.5), label="A's plan")
    mine.plans.save(client.id, make_plan(b12=3.0), plan_id=saved.plan_id)
    mine.custom_foods.add(
        {"food_id": "fdc:111", "description": "A's food"}, [{"portion": "1 cup", "grams": 240}]
    )
    mine.prices.set("fdc:111", per_100g=1.25)
    mine.pantry.set("fdc:111", 500)
    return Ids(client.id, client.name, saved.plan_id, "fdc:111")


def snapshot(mine: OwnerStore) -> dict[str, Any]:
    """Everything A owns, compared before and after B's attempt."""
    plans = mine.plans.list()
    return {
        "clients": mine.clients.list(),
        "plans": plans,
        "versions": {p.id: mine.plans.versions(p.id) for p in plans},
        "contents": {p.id: [mine.plans.get(p.id, v).to_json() for v in (1, 2)] for p in plans},
        "custom_foods": mine.custom_foods.list(),
        "prices": mine.prices.list(),
        "pantry": mine.pantry.list(),
    }


@pytest.fixture
def owners(store):
    owner_a, owner_b = store.for_owner("alice@example.org"), store.for_owner("bob@example.org")
    ids = fill_owner_a(owner_a)
    owner_b.clients.add("Bea")
    return owner_a, owner_b, ids


def _normalise(message: str, ids: Ids) -> str:
    return re.sub(r"\d+", "N", message.replace(repr(ids.client_name), "'NAME'"))


@pytest.mark.parametrize("name", sorted(MISSING))
def test_other_owners_rows_look_nonexistent(owners, name):
    owner_a, owner_b, ids = owners
    before = snapshot(owner_a)
    with pytest.raises(InputError) as theirs:
        MISSING[name](owner_b, ids)
    with pytest.raises(InputError) as nobodys:
        MISSING[name](owner_b, GHOST)
    assert _normalise(str(theirs.value), ids) == _normalise(str(nobodys.value), GHOST)
    assert snapshot(owner_a) == before


@pytest.mark.parametrize("name", sorted(OWN))
def test_writes_touch_only_own_rows(owners, name):
    owner_a, owner_b, ids = owners
    before = snapshot(owner_a)
    OWN[name](owner_b, ids)
    assert snapshot(owner_a) == before


@pytest.mark.parametrize("name", sorted(LISTS))
def test_listings_show_only_own_rows(owners, name):
    _owner_a, owner_b, ids = owners
    assert LISTS[name](owner_b, ids)


def test_same_names_live_side_by_side(owners):
    owner_a, owner_b, ids = owners
    theirs = owner_b.clients.add(ids.client_name)
    assert theirs.id != ids.client_id
    assert owner_b.clients.get(ids.client_name).notes == ""
    assert owner_a.clients.get(ids.client_name).notes == "A's notes"
    owner_b.prices.set(ids.food_id, per_100g=9.0)
    assert owner_a.prices.get(ids.food_id).per_100g == 1.25


def test_every_public_method_is_covered():
    covered = {key.split("(")[0] for table in (MISSING, OWN, LISTS) for key in table}
    repositories = {
        "clients": Clients,
        "plans": Plans,
        "custom_foods": CustomFoods,
        "prices": Prices,
        "pantry": Pantry,
    }
    public = {
        f"{attr}.{name}"
        for attr, cls in repositories.items()
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }
    assert public - covered == set(), "add the new methods to the isolation tables"
