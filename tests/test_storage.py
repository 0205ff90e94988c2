"""The storage API on SQLite and on a real PostgreSQL server: what is saved comes back intact.

Every test taking `store` or `db_url` runs twice, once per backend (see pg_server.py).
"""

from __future__ import annotations

import math
import threading
from typing import Any

import pg_server
import pytest
from sqlalchemy import inspect

from planner.errors import InputError
from planner.plan import Plan
from planner.storage import (
    LOCAL_OWNER,
    OnlyVersionError,
    Store,
    default_db_path,
    owner_from_streamlit_user,
)

db_url = pg_server.db_url  # fixtures: every test using them runs on SQLite and PostgreSQL
store = pg_server.store

INJECTION = "Robert'); DROP TABLE clients;--"


def make_plan(
    *,
    days: int = 2,
    b12: float = 2.5,
    foods: tuple[str, ...] = ("sr:01077",),
    diet: str = "vegetarian",
    note: str = "",
) -> Plan:
    """A small valid Plan: one breakfast of each food per day, B12 split evenly."""
    entries = [
        {
            "day": day,
            "slot": "breakfast",
            "food_id": food_id,
            "description": f"food {food_id}",
            "portion": "1 cup",
            "portion_grams": 244.0,
            "servings": 1.0,
            "grams": 244.0,
            "kcal": 150.0,
            "protein_g": 8.0,
            "b12_ug": b12 / len(foods),
            "b12_counted_ug": b12 / len(foods),
        }
        for day in range(1, days + 1)
        for food_id in foods
    ]
    return Plan(
        diet=diet,
        n_days=days,
        slots=["breakfast"],
        profile={"sex": "female", "age": 34, "diet": diet},
        entries=entries,
        targets={
            "b12_ug_per_day": 2.4,
            "b12_source": "US RDA, adults 19+ (IOM 1998)",
            "kcal_per_day": 2000.0,
            "kcal_min": 1800.0,
            "kcal_max": 2200.0,
            "protein_g_min": 46.0,
        },
        days=[
            {
                "day": day,
                "kcal": 150.0 * len(foods),
                "protein_g": 8.0 * len(foods),
                "b12_ug": b12,
                "b12_counted_ug": b12,
            }
            for day in range(1, days + 1)
        ],
        solver={"name": "hand-made", "status": "Optimal", "seconds": 0.0},
        notes=[note] if note else [],
    )


# --- clients ----------------------------------------------------------------------------------


def test_clients_round_trip(store):
    mine = store.for_owner(LOCAL_OWNER)
    added = mine.clients.add("Alice", notes="likes oats\nno fish", profile={"age": 34})
    assert added.name == "Alice" and added.notes == "likes oats\nno fish"
    assert added.profile == {"age": 34}
    assert mine.clients.get("Alice") == added
    assert mine.clients.get(added.id) == added
    assert added.created.tzinfo is not None

    renamed = mine.clients.rename("Alice", "Alice B.")
    assert renamed.id == added.id and renamed.name == "Alice B."
    with pytest.raises(InputError, match="no client named 'Alice'"):
        mine.clients.get("Alice")

    updated = mine.clients.update(added.id, notes="vegan now")
    assert updated.notes == "vegan now" and updated.profile == {"age": 34}
    updated = mine.clients.update(added.id, profile={"age": 35, "weight_kg": float("nan")})
    assert updated.notes == "vegan now"
    assert updated.profile == {"age": 35, "weight_kg": None}  # missing stays missing, not 0

    mine.clients.add("bob")
    assert [c.name for c in mine.clients.list()] == ["Alice B.", "bob"]
    mine.clients.delete("bob")
    assert [c.name for c in mine.clients.list()] == ["Alice B."]
    with pytest.raises(InputError, match="no client named 'bob'"):
        mine.clients.delete("bob")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "client name is empty"),
        ("   ", "client name is empty"),
        ("x" * 201, "201 characters long; the limit is 200"),
        ("two\nlines", "line break or control character"),
        ("nul\x00byte", "control character"),
        (42, "client name must be text"),
    ],
)
def test_bad_client_names_are_refused(store, name: Any, message: str):
    mine = store.for_owner(LOCAL_OWNER)
    with pytest.raises(InputError, match=message):
        mine.clients.add(name)
    assert mine.clients.list() == []


def test_client_name_limits_and_uniqueness(store):
    mine = store.for_owner(LOCAL_OWNER)
    longest = "é" * 200  # characters, not bytes
    assert mine.clients.get(mine.clients.add(longest).id).name == longest
    assert mine.clients.add("  Padded  ").name == "Padded"
    with pytest.raises(InputError, match="already exists"):
        mine.clients.add("Padded")
    other = mine.clients.add("Other")
    with pytest.raises(InputError, match="already exists"):
        mine.clients.rename(other.id, "Padded")
    with pytest.raises(InputError, match="notes is 20001 characters"):
        mine.clients.add("Notes", notes="n" * 20_001)
    with pytest.raises(InputError, match="profile must be a mapping"):
        mine.clients.add("Profile", profile=["age", 3])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="infinite"):
        mine.clients.add("Inf", profile={"kcal": float("inf")})


def test_sql_metacharacters_are_stored_as_text(store):
    mine = store.for_owner(INJECTION)
    client = mine.clients.add(INJECTION, notes=f"{INJECTION}\n1; DELETE FROM plans; --")
    saved = mine.plans.save(INJECTION, make_plan(), label=INJECTION)
    mine.custom_foods.add({"food_id": INJECTION, "description": INJECTION})
    mine.prices.set(INJECTION, per_100g=1.0)
    mine.pantry.set("x' OR '1'='1", 100)

    assert mine.clients.get(INJECTION) == client
    assert client.notes == f"{INJECTION}\n1; DELETE FROM plans; --"
    assert mine.plans.info(saved.plan_id).label == INJECTION
    assert mine.custom_foods.get(INJECTION).description == INJECTION
    assert mine.prices.get(INJECTION).per_100g == 1.0
    # The classic always-true condition matches nothing: it is a value, not SQL.
    with pytest.raises(InputError, match="no pantry item"):
        mine.pantry.get("' OR '1'='1")
    assert [p.food_id for p in mine.pantry.list()] == ["x' OR '1'='1"]
    with store.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert {"clients", "plans", "plan_versions", "prices", "pantry", "custom_foods"} <= tables
    assert store.for_owner("someone else").clients.list() == []


# --- plans ------------------------------------------------------------------------------------


def test_plan_versions_are_numbered_and_kept(store):
    mine = store.for_owner(LOCAL_OWNER)
    alice = mine.clients.add("Alice")
    first = make_plan(b12=2.5)
    v1 = mine.plans.save(alice, first)  # a Client, its id or its name all work
    assert (v1.version, v1.client_name, v1.label) == (1, "Alice", "vegetarian plan, 2 days")
    assert v1.profile == first.profile
    second = make_plan(b12=3.0, foods=("sr:01077", "fndds:11111000"))
    v2 = mine.plans.save(alice.id, second, plan_id=v1.plan_id)
    v3 = mine.plans.save("Alice", make_plan(b12=4.0), plan_id=v1.plan_id, label="week 1")
    assert (v2.plan_id, v2.version, v3.version, v3.label) == (v1.plan_id, 2, 3, "week 1")

    assert mine.plans.get(v1.plan_id, version=1) == first
    assert mine.plans.get(v1.plan_id, version=2) == second
    assert mine.plans.get(v1.plan_id).days[0].b12_counted_ug == 4.0  # newest by default
    assert [v.version for v in mine.plans.versions(v1.plan_id)] == [1, 2, 3]
    info = mine.plans.info(v1.plan_id)
    assert (info.versions, info.label, info.client_name) == (3, "week 1", "Alice")
    with pytest.raises(InputError, match="has no version 4; it has versions 1-3"):
        mine.plans.get(v1.plan_id, version=4)
    with pytest.raises(InputError, match="no plan with id 999999"):
        mine.plans.get(999_999)


def test_plan_round_trips_exactly(store):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    plan = make_plan(days=7, foods=("a", "b", "c"), note="µg — “quotes” and 'apostrophes'")
    plan.entries[0].b12_absorbed_ug = 0.123456789012345
    saved = mine.plans.save("Alice", plan)
    again = mine.plans.get(saved.plan_id)
    assert again == plan
    assert again.to_json() == plan.to_json()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"entries": [], "diet": "vegan"', "not valid JSON"),
        ('{"diet": "vegan"}', "no 'entries'"),
        ({"schema_version": 99, "entries": []}, "schema version 99"),
        ("[1, 2]", "not a b12-planner plan"),
        (12, "expected a Plan or plan JSON"),
    ],
)
def test_invalid_plans_are_rejected(store, bad: Any, message: str):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    with pytest.raises(InputError, match=message):
        mine.plans.save("Alice", bad)
    assert mine.plans.list() == []


def test_plan_changed_after_validation_is_validated_again(store):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    plan = make_plan()
    plan.n_days = 40  # pydantic does not check assignments; save must
    with pytest.raises(InputError, match="n_days"):
        mine.plans.save("Alice", plan)
    raw = make_plan().model_dump()
    raw["entries"][0]["grams"] = -5
    with pytest.raises(InputError, match="entries.0.grams"):
        mine.plans.save("Alice", raw)
    assert mine.plans.save("Alice", make_plan().model_dump()).version == 1  # a dict is fine


def test_plan_save_checks_client_and_plan(store):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    mine.clients.add("Bob")
    saved = mine.plans.save("Alice", make_plan())
    with pytest.raises(InputError, match="no client named 'Carol'"):
        mine.plans.save("Carol", make_plan())
    with pytest.raises(InputError, match="belongs to client 'Alice', not 'Bob'"):
        mine.plans.save("Bob", make_plan(), plan_id=saved.plan_id)
    with pytest.raises(InputError, match="plan label is empty"):
        mine.plans.save("Alice", make_plan(), label=" ")
    with pytest.raises(InputError, match="plan id must be a whole number"):
        mine.plans.save("Alice", make_plan(), plan_id="1")  # type: ignore[arg-type]
    # Nothing above left a version behind.
    assert [v.version for v in mine.plans.versions(saved.plan_id)] == [1]


def test_plan_list_rename_duplicate_delete(store):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    mine.clients.add("Bob")
    a = mine.plans.save("Alice", make_plan(), label="A")
    mine.plans.save("Alice", make_plan(b12=9), plan_id=a.plan_id)
    b = mine.plans.save("Bob", make_plan(), label="B")
    assert [p.id for p in mine.plans.list()] == [b.plan_id, a.plan_id]  # newest change first
    assert [p.label for p in mine.plans.list("Alice")] == ["A"]

    assert mine.plans.rename(a.plan_id, "A renamed").label == "A renamed"
    copy = mine.plans.duplicate(a.plan_id)
    assert (copy.label, copy.versions, copy.client_name) == ("copy of A renamed", 1, "Alice")
    assert mine.plans.get(copy.id) == mine.plans.get(a.plan_id)
    mine.plans.save("Alice", make_plan(b12=1), plan_id=copy.id)
    assert mine.plans.get(a.plan_id).days[0].b12_counted_ug == 9  # the original is untouched

    mine.plans.delete(a.plan_id)
    with pytest.raises(InputError, match=f"no plan with id {a.plan_id}"):
        mine.plans.versions(a.plan_id)
    with pytest.raises(InputError, match=f"no plan with id {a.plan_id}"):
        mine.plans.delete(a.plan_id)
    assert mine.clients.delete("Alice") == 1  # the copy went with its client
    assert [p.id for p in mine.plans.list()] == [b.plan_id]
    with store.engine.connect() as conn:
        from sqlalchemy import func, select

        from planner.storage.schema import plan_versions

        assert conn.execute(select(func.count()).select_from(plan_versions)).scalar() == 1


def test_deleting_a_version_keeps_the_other_numbers(store):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    first, second, third = (make_plan(b12=b12) for b12 in (2.5, 3.0, 4.0))
    saved = mine.plans.save("Alice", first, label="week 1")
    mine.plans.save("Alice", second, plan_id=saved.plan_id)
    mine.plans.save("Alice", third, plan_id=saved.plan_id)

    after = mine.plans.delete_version(saved.plan_id, 2)
    assert (after.versions, after.version_count, after.label) == (3, 2, "week 1")
    assert [v.version for v in mine.plans.versions(saved.plan_id)] == [1, 3]
    assert mine.plans.get(saved.plan_id, 1) == first  # "version 3" still means the third save
    assert mine.plans.get(saved.plan_id, 3) == third
    with pytest.raises(InputError, match="has no version 2; it has versions 1 and 3"):
        mine.plans.get(saved.plan_id, 2)
    assert mine.plans.compare(saved.plan_id, 1, 3).days[0].change == pytest.approx(1.5)

    # The newest one: the plan's newest is now version 1, but 2 and 3 are not given again.
    after = mine.plans.delete_version(saved.plan_id, 3)
    assert (after.versions, after.version_count) == (1, 1)
    assert mine.plans.get(saved.plan_id) == first
    assert mine.plans.duplicate(saved.plan_id).versions == 1
    again = mine.plans.save("Alice", second, plan_id=saved.plan_id)
    assert again.version == 4
    assert [v.version for v in mine.plans.versions(saved.plan_id)] == [1, 4]
    listed = next(p for p in mine.plans.list() if p.id == saved.plan_id)
    assert (listed.versions, listed.version_count) == (4, 2)
    assert mine.plans.get(saved.plan_id) == second


def test_deleting_a_version_refuses_what_it_cannot_do(store):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    single = mine.plans.save("Alice", make_plan(), label="only one")
    with pytest.raises(OnlyVersionError) as refused:  # an InputError the CLI and app explain
        mine.plans.delete_version(single.plan_id, 1)
    assert str(refused.value) == (
        f"version 1 is the only version of plan {single.plan_id} ('only one'); a plan keeps at "
        "least one version, so delete the whole plan instead"
    )
    assert [v.version for v in mine.plans.versions(single.plan_id)] == [1]

    saved = mine.plans.save("Alice", make_plan(), label="two")
    mine.plans.save("Alice", make_plan(b12=3.0), plan_id=saved.plan_id)
    before = mine.plans.info(saved.plan_id)
    with pytest.raises(InputError, match="has no version 7; it has versions 1-2"):
        mine.plans.delete_version(saved.plan_id, 7)
    with pytest.raises(InputError, match="no plan with id 999999"):
        mine.plans.delete_version(999_999, 1)
    with pytest.raises(InputError, match="version must be 1 or more, got 0"):
        mine.plans.delete_version(saved.plan_id, 0)
    with pytest.raises(InputError, match="version must be a whole number, got '1'"):
        mine.plans.delete_version(saved.plan_id, "1")  # type: ignore[arg-type]
    assert mine.plans.info(saved.plan_id) == before  # refused calls changed nothing, not a time

    mine.plans.delete_version(saved.plan_id, 1)
    with pytest.raises(InputError, match="has no version 1; it has only version 2"):
        mine.plans.delete_version(saved.plan_id, 1)
    with pytest.raises(InputError, match="version 2 is the only version"):
        mine.plans.delete_version(saved.plan_id, 2)


def test_two_deletions_at_once_leave_the_plan_one_version(store):
    """Two tabs deleting versions 1 and 2 of a two-version plan: the second must be refused."""
    from sqlalchemy import delete, update

    from planner.storage.schema import plan_versions, plans, utcnow

    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    saved = mine.plans.save("Alice", make_plan())
    mine.plans.save("Alice", make_plan(b12=3.0), plan_id=saved.plan_id)
    outcome: list[str] = []

    def delete_second() -> None:
        try:
            mine.plans.delete_version(saved.plan_id, 2)
            outcome.append("deleted")
        except InputError as err:
            outcome.append(str(err))

    with store.engine.connect() as conn, conn.begin():  # the first tab, mid-way through
        conn.execute(update(plans).where(plans.c.id == saved.plan_id).values(updated_at=utcnow()))
        conn.execute(
            delete(plan_versions).where(
                plan_versions.c.plan_id == saved.plan_id, plan_versions.c.version == 1
            )
        )
        second = threading.Thread(target=delete_second)
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive()  # it waits for the first to finish
    second.join(timeout=30)
    assert outcome == [
        f"version 2 is the only version of plan {saved.plan_id} ('vegetarian plan, 2 days'); "
        "a plan keeps at least one version, so delete the whole plan instead"
    ]
    assert [v.version for v in mine.plans.versions(saved.plan_id)] == [2]


def test_compare_versions(store):
    mine = store.for_owner(LOCAL_OWNER)
    mine.clients.add("Alice")
    saved = mine.plans.save("Alice", make_plan(days=2, b12=2.5, foods=("milk", "egg")))
    mine.plans.save(
        "Alice", make_plan(days=3, b12=3.0, foods=("milk", "tofu")), plan_id=saved.plan_id
    )
    diff = mine.plans.compare(saved.plan_id, 1, 2)
    assert [(d.day, d.before, d.after) for d in diff.days] == [
        (1, 2.5, 3.0),
        (2, 2.5, 3.0),
        (3, None, 3.0),
    ]
    assert diff.days[0].change == pytest.approx(0.5) and diff.days[2].change is None
    assert diff.foods_added == (("tofu", "food tofu"),)
    assert diff.foods_removed == (("egg", "food egg"),)
    with pytest.raises(InputError, match="no version 3"):
        mine.plans.compare(saved.plan_id, 1, 3)


# --- custom foods, prices, pantry -------------------------------------------------------------


def test_custom_foods_keep_missing_values_missing(store, catalog):
    mine = store.for_owner(LOCAL_OWNER)
    row = {
        "food_id": "fdc:2000001",
        "fdc_id": 2000001,
        "description": "Oat drink, fortified",
        "source": "fdc",
        "b12_ug": 0.38,
        "b12_added_ug": float("nan"),  # not reported
        "kcal": 46,
    }
    food = mine.custom_foods.add(row, [{"portion": "1 cup", "grams": 240}])
    assert food.row["b12_added_ug"] is None and food.row["kcal"] == 46.0
    assert food.portions == (
        {"food_id": "fdc:2000001", "seq": 1, "portion": "1 cup", "grams": 240.0},
    )
    with pytest.raises(InputError, match="already exists"):
        mine.custom_foods.add(row)
    replaced = mine.custom_foods.add({**row, "b12_ug": 0.4}, replace=True)
    assert replaced.row["b12_ug"] == 0.4 and replaced.portions == ()
    assert replaced.created == food.created

    foods, portions = mine.custom_foods.frames()
    assert math.isnan(foods.loc[0, "b12_added_ug"]) and foods.loc[0, "b12_ug"] == 0.4
    assert len(portions) == 0
    merged = catalog.with_foods(foods)
    assert merged.food("fdc:2000001")["description"] == "Oat drink, fortified"
    assert math.isnan(merged.food("fdc:2000001")["b12_added_ug"])

    assert [f.food_id for f in mine.custom_foods.list()] == ["fdc:2000001"]
    mine.custom_foods.delete("fdc:2000001")
    with pytest.raises(InputError, match="no custom food 'fdc:2000001'"):
        mine.custom_foods.get("fdc:2000001")


@pytest.mark.parametrize(
    ("row", "portions", "message"),
    [
        ({"food_id": "x"}, (), "food description is missing"),
        ({"description": "x"}, (), "food id is missing"),
        ({"food_id": "x", "description": "d", "colour": "red"}, (), "unknown columns"),
        ({"food_id": "x", "description": "d", "b12_ug": -1}, (), "b12_ug must be 0 or more"),
        ({"food_id": "x", "description": "d", "kcal": "lots"}, (), "kcal must be a number"),
        ({"food_id": "x", "description": "d"}, [{"portion": "cup", "grams": 0}], "more than 0"),
        ({"food_id": "x", "description": "d"}, [{"grams": 10}], "portion 1 name"),
    ],
)
def test_bad_custom_foods_are_refused(store, row, portions, message):
    mine = store.for_owner(LOCAL_OWNER)
    with pytest.raises(InputError, match=message):
        mine.custom_foods.add(row, portions)
    assert mine.custom_foods.list() == []


def test_prices_and_pantry(store):
    mine = store.for_owner(LOCAL_OWNER)
    per_package = mine.prices.set("sr:01077", package_price=3.49, package_grams=946)
    assert per_package.price_per_100g == pytest.approx(3.49 / 946 * 100)
    assert per_package.currency == "USD"
    per_100 = mine.prices.set("sr:01077", per_100g=0.5, currency="eur")  # replaces
    assert (per_100.per_100g, per_100.package_price, per_100.currency) == (0.5, None, "EUR")
    assert [p.food_id for p in mine.prices.list()] == ["sr:01077"]
    for kwargs, message in [
        ({}, "either a price per 100 g or a package price"),
        ({"per_100g": 1, "package_price": 2, "package_grams": 3}, "not both"),
        ({"package_price": 2}, "needs both"),
        ({"per_100g": -1}, "0 or more"),
        ({"package_price": 2, "package_grams": 0}, "more than 0"),
        ({"per_100g": 1, "currency": "dollars"}, "3-letter code"),
    ]:
        with pytest.raises(InputError, match=message):
            mine.prices.set("sr:2", **kwargs)
    mine.prices.delete("sr:01077")
    assert mine.prices.list() == []

    assert mine.pantry.set("sr:01077", 500).grams == 500.0
    assert mine.pantry.set("sr:01077", 250.5).grams == 250.5
    with pytest.raises(InputError, match="pantry grams must be more than 0"):
        mine.pantry.set("sr:01077", 0)
    with pytest.raises(InputError, match="finite"):
        mine.pantry.set("sr:01077", float("nan"))
    assert [(p.food_id, p.grams) for p in mine.pantry.list()] == [("sr:01077", 250.5)]
    mine.pantry.delete("sr:01077")
    with pytest.raises(InputError, match="no pantry item"):
        mine.pantry.delete("sr:01077")


@pytest.mark.parametrize(
    ("repository", "missing"),
    [
        ("custom_foods", "no custom food"),
        ("prices", "no price for"),
        ("pantry", "no pantry item"),
    ],
)
def test_food_keyed_repositories_share_owner_scoping(store, repository, missing):
    """Custom foods, prices and pantry: get, delete and list see only the owner's rows."""

    def add(owner_store: Any, food_id: str) -> None:
        if repository == "custom_foods":
            owner_store.custom_foods.add({"food_id": food_id, "description": "oat drink"})
        elif repository == "prices":
            owner_store.prices.set(food_id, per_100g=0.3)
        else:
            owner_store.pantry.set(food_id, 100)

    mine = getattr(store.for_owner("me"), repository)
    theirs = getattr(store.for_owner("them"), repository)
    add(store.for_owner("me"), "fdc:2")
    add(store.for_owner("me"), "fdc:1")
    add(store.for_owner("them"), "fdc:3")
    assert [r.food_id for r in mine.list()] == ["fdc:1", "fdc:2"]  # sorted by food id
    assert mine.get(" fdc:1 ").food_id == "fdc:1"  # ids are checked and stripped
    for call in (mine.get, mine.delete):
        with pytest.raises(InputError, match=f"^{missing} 'fdc:3'$"):
            call("fdc:3")  # another owner's row looks like no row
    assert [r.food_id for r in theirs.list()] == ["fdc:3"]
    mine.delete("fdc:1")
    with pytest.raises(InputError, match=f"^{missing} 'fdc:1'$"):
        mine.delete("fdc:1")
    with pytest.raises(InputError, match="food id is empty"):
        mine.get("  ")
    assert [r.food_id for r in mine.list()] == ["fdc:2"]


# --- where the database is, and who owns what ---------------------------------------------------


def test_default_database_is_created_under_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("B12PLAN_DB_URL", raising=False)
    expected = tmp_path / "data" / "b12-planner" / "b12plan.sqlite3"
    assert default_db_path() == expected
    with Store() as opened:
        opened.for_owner(LOCAL_OWNER).clients.add("Alice")
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    assert expected.exists()
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # not absolute: ignored, per the spec
    assert default_db_path().parent.parent == default_db_path().home() / ".local" / "share"


def test_env_url_and_plain_paths(tmp_path, monkeypatch):
    target = tmp_path / "env.sqlite3"
    monkeypatch.setenv("B12PLAN_DB_URL", f"sqlite:///{target}")
    with Store() as opened:
        assert opened.description == f"SQLite file {target}"
    assert target.exists()
    with Store(str(tmp_path / "plain.sqlite3")) as opened:  # a path, not a URL
        assert opened.is_sqlite
    assert (tmp_path / "plain.sqlite3").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "SQLite or PostgreSQL only"),
        ("postgresql+psycopg2://u@h/db", "psycopg 3"),
        ("sqlite://", "names no file"),
        ("sqlite:///:memory:", "names no file"),
        ("not a url://", "not a database URL"),
    ],
)
def test_bad_urls_are_explained(url, message):
    with pytest.raises(InputError, match=message):
        Store(url)


def test_unreachable_postgresql_is_explained():
    from pg_server import free_port

    url = f"postgresql+psycopg://nobody:secret@127.0.0.1:{free_port()}/none"
    with pytest.raises(InputError, match="cannot reach PostgreSQL") as err:
        Store(url)
    assert "secret" not in str(err.value)


@pytest.mark.parametrize(
    ("user", "owner"),
    [
        ({}, "local"),
        (None, "local"),
        (
            {"is_logged_in": True, "iss": "https://accounts.google.com", "sub": "1234"},
            "oidc:https://accounts.google.com#1234",
        ),
        ({"is_logged_in": True, "sub": "abc", "email": "a@b.org"}, "oidc:abc"),
        ({"is_logged_in": True, "email": "Ann@Example.org"}, "email:ann@example.org"),
    ],
)
def test_owner_from_streamlit_user(user, owner):
    assert owner_from_streamlit_user(user) == owner


@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": False},  # auth configured, nobody signed in: never the local owner
        {"is_logged_in": True},
        {"is_logged_in": True, "email": "a@b.org", "email_verified": False},
    ],
)
def test_owner_from_streamlit_user_refuses(user):
    with pytest.raises(InputError):
        owner_from_streamlit_user(user)
