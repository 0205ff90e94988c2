"""Crashes, concurrent writers, damaged or foreign files, newer schemas, and upgrades.

Subprocess tests run real `python` processes against the same database (SQLite file or
PostgreSQL schema) to show what one process sees of another's half-finished or parallel work.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pg_server
import pytest
from sqlalchemy import create_engine, func, insert, inspect, select
from test_storage import make_plan

from planner.errors import InputError
from planner.storage import SCHEMA_VERSION, Store, schema
from planner.storage.schema import V1_METADATA

db_url = pg_server.db_url  # fixtures: every test using them runs on SQLite and PostgreSQL
store = pg_server.store

REPO = Path(__file__).resolve().parents[1]

# Saves a plan but stops inside the transaction (after every statement, before COMMIT) and
# says so; the test then kills it with SIGKILL.
SAVE_AND_HANG = r"""
import sys, time
from sqlalchemy import event
from planner.plan import Plan
from planner.storage import Store

url, plan_file, plan_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store(url)
mine = store.for_owner("local")

@event.listens_for(store.engine, "commit")
def hang_before_commit(conn):
    print("inside the transaction", flush=True)
    time.sleep(120)

mine.plans.save("Alice", Plan.load(plan_file), plan_id=plan_id)
print("committed", flush=True)
"""

# Waits for the start signal (a file), then saves COUNT versions of one plan.
WRITER = r"""
import os, sys, time
from planner.plan import Plan
from planner.storage import Store

url, plan_file, plan_id, writer, count, go = sys.argv[1:7]
plan = Plan.load(plan_file)
store = Store(url)
mine = store.for_owner("local")
print("ready", flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.005)
for i in range(int(count)):
    plan.notes = [f"writer {writer} save {i}"]
    mine.plans.save("Alice", plan, plan_id=int(plan_id))
    mine.pantry.set(f"writer {writer}", i + 1)
store.close()
"""


def python(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_line(proc: subprocess.Popen, timeout: float = 60) -> str:
    """The child's next stdout line; kill it if it says nothing for `timeout` seconds."""
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        return proc.stdout.readline().strip()
    finally:
        timer.cancel()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- crashes and concurrency ------------------------------------------------------------------


def test_killed_mid_save_keeps_previous_version(db_url, tmp_path):
    with Store(db_url) as opened:
        mine = opened.for_owner("local")
        mine.clients.add("Alice")
        first = mine.plans.save("Alice", make_plan(b12=2.5))
        mine.plans.save("Alice", make_plan(b12=3.0), plan_id=first.plan_id)
    plan_file = tmp_path / "v3.json"
    make_plan(b12=99.0).save(plan_file)

    child = python(SAVE_AND_HANG, db_url, str(plan_file), str(first.plan_id))
    try:
        line = read_line(child)
        assert line == "inside the transaction", line or child.stderr.read()
        with Store(db_url) as reader:  # readers are not blocked and see no half-save
            assert reader.for_owner("local").plans.info(first.plan_id).versions == 2
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    with Store(db_url) as reopened:
        mine = reopened.for_owner("local")
        assert [v.version for v in mine.plans.versions(first.plan_id)] == [1, 2]
        assert mine.plans.get(first.plan_id).days[0].b12_counted_ug == 3.0
        # The lock died with the process: the next save goes through as version 3.
        assert mine.plans.save("Alice", make_plan(b12=4.0), plan_id=first.plan_id).version == 3
        if reopened.is_sqlite:
            with reopened.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_concurrent_writers_lose_nothing(db_url, tmp_path):
    writers, saves = 3, 20
    with Store(db_url) as opened:
        mine = opened.for_owner("local")
        mine.clients.add("Alice")
        first = mine.plans.save("Alice", make_plan(note="original"))
    plan_file = tmp_path / "plan.json"
    make_plan(b12=3.0).save(plan_file)
    go = tmp_path / "go"

    children = [
        python(WRITER, db_url, str(plan_file), str(first.plan_id), str(w), str(saves), str(go))
        for w in range(writers)
    ]
    try:
        for child in children:
            line = read_line(child)
            assert line == "ready", child.stderr.read()
        go.touch()  # all start saving at once
        for child in children:
            child.wait(timeout=120)
            assert child.returncode == 0, child.stderr.read()
    finally:
        for child in children:
            child.kill()
            child.wait()
            child.stdout.close()
            child.stderr.close()

    with Store(db_url) as opened:
        mine = opened.for_owner("local")
        versions = [v.version for v in mine.plans.versions(first.plan_id)]
        assert versions == list(range(1, writers * saves + 2))  # unique and gapless
        notes = [mine.plans.get(first.plan_id, v).notes[0] for v in versions[1:]]
        expected = {f"writer {w} save {i}" for w in range(writers) for i in range(saves)}
        assert len(notes) == len(expected) and set(notes) == expected
        # Each writer's own saves landed in the order it made them.
        for w in range(writers):
            mine_only = [int(n.split()[-1]) for n in notes if n.startswith(f"writer {w} ")]
            assert mine_only == list(range(saves))
        assert {p.food_id: p.grams for p in mine.pantry.list()} == {
            f"writer {w}": float(saves) for w in range(writers)
        }


# --- files that are not (our) databases -------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        b"name,b12\nmilk,1.1\n",
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        b"SQLite format",  # a truncated header
    ],
    ids=["random-bytes", "csv-text", "png", "truncated-header"],
)
def test_non_sqlite_files_are_refused_untouched(tmp_path, content):
    path = tmp_path / "b12plan.sqlite3"
    path.write_bytes(content)
    with pytest.raises(InputError, match="is not a SQLite database.*left it untouched"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b12plan.sqlite3"]  # no -wal/-shm


@pytest.mark.parametrize("name", ["notes.json", "plan.csv", "b12plan", "store.sqlite3.txt"])
def test_empty_file_without_a_database_name_is_refused_untouched(tmp_path, name):
    """SQLite would take a 0-byte notes.json for an empty database and write into it."""
    path = tmp_path / name
    path.touch()
    with pytest.raises(InputError, match="is an empty file.*left it untouched"):
        Store(str(path))
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no -wal/-shm


@pytest.mark.parametrize("name", ["b12plan.sqlite3", "clinic.db", "store.SQLITE"])
def test_empty_file_with_a_database_name_becomes_a_store(tmp_path, name):
    path = tmp_path / name
    path.touch()  # `touch b12plan.sqlite3` then `--db b12plan.sqlite3`: a request for a store
    with Store(str(path)) as opened:
        opened.for_owner("local").clients.add("Alice")
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_damaged_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "b12plan.sqlite3"
    # A real header followed by garbage: a database whose pages are destroyed.
    content = b"SQLite format 3\x00" + os.urandom(8192)
    path.write_bytes(content)
    with pytest.raises(InputError, match="damaged or not a SQLite database"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == content


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.close()
    before = sha256(path)
    with pytest.raises(InputError, match="not a b12-planner store"):
        Store(f"sqlite:///{path}")
    assert sha256(path) == before


def test_folder_and_missing_folder_are_explained(tmp_path):
    with pytest.raises(InputError, match="points at the folder"):
        Store(f"sqlite:///{tmp_path}")
    with pytest.raises(InputError, match="does not exist; create it first"):
        Store(f"sqlite:///{tmp_path / 'nowhere' / 'db.sqlite3'}")


def test_newer_schema_is_refused_untouched(db_url):
    with Store(db_url) as opened:
        opened.for_owner("local").clients.add("Alice")
        with opened.engine.begin() as conn:
            conn.execute(
                insert(schema.schema_version).values(
                    version=SCHEMA_VERSION + 1, applied_at=schema.utcnow()
                )
            )
    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None
    before = sha256(path) if path else None
    with pytest.raises(
        InputError, match=f"newer b12-planner \\(schema version {SCHEMA_VERSION + 1}"
    ):
        Store(db_url)
    if path:
        assert sha256(path) == before
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert schema.read_version(conn) == SCHEMA_VERSION + 1
            assert conn.execute(select(schema.clients.c.name)).scalars().all() == ["Alice"]
    finally:
        engine.dispose()


# --- upgrades ---------------------------------------------------------------------------------


def _make_v1_database(url: str) -> None:
    """A version 1 database built by the v1 DDL, with a client and a plan of two versions."""
    engine = create_engine(url)
    v1 = V1_METADATA.tables
    now = schema.utcnow()
    try:
        with engine.begin() as conn:
            schema.create_v1(conn)
            client_id = conn.execute(
                insert(v1["clients"]).values(
                    owner="local", name="Alice", notes="", created_at=now, updated_at=now
                )
            ).inserted_primary_key[0]
            plan_id = conn.execute(
                insert(v1["plans"]).values(
                    owner="local",
                    client_id=client_id,
                    latest_version=2,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            for version, diet in ((1, "vegan"), (2, "vegetarian")):
                plan = make_plan(diet=diet, days=version + 2)
                conn.execute(
                    insert(v1["plan_versions"]).values(
                        plan_id=plan_id,
                        owner="local",
                        version=version,
                        profile_json="{}",
                        plan_json=plan.to_json(indent=None),
                        created_at=now,
                    )
                )
    finally:
        engine.dispose()


def _columns(url: str) -> dict[str, set[tuple[str, bool]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            return {
                table: {(c["name"], c["nullable"]) for c in found.get_columns(table)}
                for table in found.get_table_names()
            }
    finally:
        engine.dispose()


def test_upgrade_from_v1(db_url, tmp_path):
    _make_v1_database(db_url)
    with Store(db_url) as opened:
        mine = opened.for_owner("local")
        (summary,) = mine.plans.list()
        # The label was backfilled from the newest version (vegetarian, 4 days).
        assert (summary.label, summary.versions) == ("vegetarian plan, 4 days", 2)
        assert mine.plans.get(summary.id, version=1).diet == "vegan"
        assert mine.prices.set("sr:01077", per_100g=0.4).per_100g == 0.4  # new table works
        assert mine.plans.save("Alice", make_plan(), plan_id=summary.id).version == 3
        with opened.engine.connect() as conn:
            versions = conn.execute(select(schema.schema_version.c.version)).scalars().all()
        assert sorted(versions) == [1, 2]

    # The upgraded schema matches a freshly created one, column for column.
    fresh_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    Store(fresh_url).close()
    assert _columns(db_url) == _columns(fresh_url)

    if db_url.startswith("sqlite"):  # a copy of the v1 file was kept beside it
        path = Path(db_url.removeprefix("sqlite:///"))
        (backup,) = path.parent.glob(f"{path.name}.v1-*.bak")
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (1,)
        conn.close()
        Store(db_url).close()  # reopening neither upgrades nor backs up again
        assert len(list(path.parent.glob(f"{path.name}.v1-*.bak"))) == 1


def test_failed_upgrade_changes_nothing(db_url, monkeypatch):
    _make_v1_database(db_url)

    def broken_step(conn):
        schema._upgrade_1_to_2(conn)  # the real step runs, then something fails
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setitem(schema.UPGRADES, 2, broken_step)
    with pytest.raises(RuntimeError, match="simulated"):
        Store(db_url)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert schema.read_version(conn) == 1
            found = inspect(conn)
            assert "prices" not in found.get_table_names()
            assert "label" not in {c["name"] for c in found.get_columns("plans")}
            assert (
                conn.execute(select(func.count()).select_from(schema.plan_versions)).scalar() == 2
            )
    finally:
        engine.dispose()
    monkeypatch.undo()
    with Store(db_url) as opened:  # and the real upgrade still works afterwards
        assert opened.for_owner("local").plans.list()[0].versions == 2


def test_schema_version_timeline():
    assert SCHEMA_VERSION == 2
    assert sorted(schema.UPGRADES) == [2]
    assert set(V1_METADATA.tables) == {
        "schema_version",
        "clients",
        "plans",
        "plan_versions",
        "custom_foods",
        "pantry",
    }


def test_threads_sharing_one_store(store):
    """Streamlit serves sessions from threads that share one cached Store."""
    mine = store.for_owner("local")
    mine.clients.add("Alice")
    first = mine.plans.save("Alice", make_plan())
    errors: list[BaseException] = []

    def save_some(worker: int) -> None:
        try:
            for i in range(10):
                plan = make_plan(note=f"thread {worker} save {i}")
                mine.plans.save("Alice", plan, plan_id=first.plan_id)
                mine.plans.list()
        except BaseException as err:  # reported below, in the test's thread
            errors.append(err)

    threads = [threading.Thread(target=save_some, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [v.version for v in mine.plans.versions(first.plan_id)] == list(range(1, 42))
