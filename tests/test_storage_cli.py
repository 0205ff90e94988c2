"""`b12plan clients ...` and `b12plan plans ...` as people run them."""

from __future__ import annotations

import json
from pathlib import Path

import pg_server
import pytest
from test_storage import make_plan

from planner.cli import main
from planner.plan import Plan

REPO = Path(__file__).resolve().parents[1]
db_url = pg_server.db_url  # fixture: tests taking it run on SQLite and PostgreSQL


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("b12plan: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_clients_and_plans_round_trip(capsys, db_url, tmp_path):
    db = ("--db", db_url)
    assert run(capsys, "clients", "add", "Alice", "--notes", "no fish", *db)[0] == 0
    code, out, _ = run(capsys, "clients", *db, "add", "Bob")  # --db before the action works too
    assert code == 0 and "added client 'Bob'" in out

    plan = make_plan(days=3, b12=2.75)
    plan_file = tmp_path / "plan.json"
    plan.save(plan_file)
    code, out, _ = run(capsys, "plans", "save", str(plan_file), "--client", "Alice", *db)
    assert code == 0
    assert "saved plan 1 version 1 ('vegetarian plan, 3 days') for client 'Alice'" in out
    plan_id = out.split()[2]
    code, out, _ = run(
        capsys, "plans", "save", str(plan_file), "--client", "Alice", "--plan-id", plan_id,
        "--label", "week 1", *db,
    )  # fmt: skip
    assert code == 0 and f"saved plan {plan_id} version 2 ('week 1')" in out

    code, out, _ = run(capsys, "clients", "list", "--format", "json", *db)
    assert code == 0
    rows = json.loads(out)
    assert [(r["name"], r["plans"], r["notes"]) for r in rows] == [
        ("Alice", 1, "no fish"),
        ("Bob", 0, ""),
    ]
    code, out, _ = run(capsys, "clients", "show", "Alice", *db)
    assert code == 0 and "notes: no fish" in out and "week 1" in out

    code, out, _ = run(capsys, "plans", "list", "--client", "Bob", "--format", "json", *db)
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "plans", "list", *db)
    assert code == 0 and "week 1" in out and "Alice" in out

    code, out, _ = run(capsys, "plans", "show", plan_id, "--version", "1", *db)
    assert code == 0
    assert "version 1 of 2" in out and "b12_counted_ug" in out and "2.75" in out
    code, out, _ = run(capsys, "plans", "show", plan_id, "--format", "json", *db)
    assert code == 0 and Plan.from_json(out) == plan

    target = tmp_path / "out" / "exported.json"
    code, out, _ = run(capsys, "plans", "export", plan_id, "--out", str(target), *db)
    assert code == 0 and out.strip() == str(target)
    assert Plan.load(target) == plan
    assert [p.name for p in target.parent.iterdir()] == ["exported.json"]  # no temp files left


def test_plans_show_prints_the_food_cost_of_a_priced_plan(capsys, tmp_path):
    """`b12plan plan` printed the cost of a plan with prices; `plans show` printed none."""
    from planner.cost import cost_summary, plan_cost
    from planner.exports import lower_first

    db = ("--db", str(tmp_path / "store.sqlite3"))
    assert run(capsys, "clients", "add", "Alice", *db)[0] == 0
    plan = make_plan(days=2, foods=("sr:01077", "sr:01079"))
    plan.profile["prices"] = [{"food_id": "sr:01077", "price": 0.5, "per_grams": 100}]
    priced = tmp_path / "priced.json"
    plan.save(priced)
    assert run(capsys, "plans", "save", str(priced), "--client", "Alice", *db)[0] == 0
    code, out, _ = run(capsys, "plans", "show", "1", *db)
    assert code == 0
    summary = lower_first(cost_summary(plan_cost(plan)))
    assert summary in out
    # 244 g of the priced milk a day at 0.50 per 100 g; the other milk has no price
    assert summary.startswith("food cost at your prices: 1.22 currency units a day on average")
    assert "no price for 1 food (left out, not counted as 0)" in summary
    header, _, first_day = out.splitlines()[4:7]
    assert header.split()[-4:] == ["cost", "foods", "w/o", "price"]
    assert first_day.split()[-2:] == ["1.22", "1"]

    unpriced = tmp_path / "unpriced.json"
    make_plan(days=2).save(unpriced)
    assert run(capsys, "plans", "save", str(unpriced), "--client", "Alice", *db)[0] == 0
    code, out, _ = run(capsys, "plans", "show", "2", *db)
    assert code == 0 and "cost" not in out

    plan.profile["prices"] = [{"food_id": "sr:01077", "price": -1}]
    plan.save(priced)
    assert run(capsys, "plans", "save", str(priced), "--client", "Alice", *db)[0] == 0
    code, out, err = run(capsys, "plans", "show", "3", *db)
    assert code == 0 and "Traceback" not in err
    assert "food cost not shown: the plan's profile field prices.0.price" in out
    assert "b12_counted_ug" in out  # the rest of the plan is still shown


def test_plan_with_foods_the_catalog_lacks_is_refused_unsaved(capsys, db_url, tmp_path):
    """Saved, such a plan opened in the app as 'Rules this plan breaks'; now it is refused."""
    db = ("--db", db_url)
    assert run(capsys, "clients", "add", "Alice", *db)[0] == 0
    good = tmp_path / "good.json"
    make_plan().save(good)
    code, out, _ = run(capsys, "plans", "save", str(good), "--client", "Alice", *db)
    assert code == 0
    plan_id = out.split()[2]
    bad = tmp_path / "bad.json"
    make_plan(foods=("sr:01077", "sr:99999", "fndds:1")).save(bad)

    for extra in ((), ("--plan-id", plan_id), ("--catalog", str(REPO / "data" / "usda"))):
        code, _, err = run(capsys, "plans", "save", str(bad), "--client", "Alice", *extra, *db)
        assert code == 2
        line = one_line_error(err)
        assert "uses 2 food id(s)" in line and "fndds:1, sr:99999" in line
        assert "nothing was saved" in line and "--catalog DIR" in line and "custom_foods" in line
    code, out, _ = run(capsys, "plans", "list", "--format", "json", *db)
    assert [(p["id"], p["versions"]) for p in json.loads(out)] == [(int(plan_id), 1)]


def test_plan_carrying_its_custom_foods_is_saved(capsys, tmp_path):
    db = ("--db", str(tmp_path / "store.sqlite3"))
    assert run(capsys, "clients", "add", "Alice", *db)[0] == 0
    plan = make_plan(foods=("sr:01077", "label:oat-drink"))
    plan.custom_foods = [
        {
            "food_id": "label:oat-drink",
            "description": "Oat drink, fortified",
            "portions": [{"portion": "1 cup", "grams": 240.0}],
        }
    ]
    path = tmp_path / "custom.json"
    plan.save(path)
    code, out, err = run(capsys, "plans", "save", str(path), "--client", "Alice", *db)
    assert code == 0, err
    code, out, _ = run(capsys, "plans", "show", "1", "--format", "json", *db)
    assert Plan.from_json(out).custom_foods == plan.custom_foods


def test_missing_catalog_snapshot_is_explained(capsys, tmp_path):
    path = tmp_path / "plan.json"
    make_plan().save(path)
    db = ("--db", str(tmp_path / "store.sqlite3"))
    argv = ("plans", "save", str(path), "--client", "Alice", "--catalog", str(tmp_path / "no"))
    code, _, err = run(capsys, *argv, *db)
    assert code == 2 and "no catalog snapshot at" in one_line_error(err)
    assert not (tmp_path / "store.sqlite3").exists()  # refused before the store was opened


def test_owner_option_separates_data(capsys, tmp_path):
    db = ("--db", str(tmp_path / "shared.sqlite3"))
    assert run(capsys, "clients", "add", "Alice", "--owner", "ann@example.org", *db)[0] == 0
    code, out, _ = run(capsys, "clients", "list", "--format", "json", *db)
    assert code == 0 and json.loads(out) == []  # the default owner "local" sees nothing
    code, _, err = run(capsys, "clients", "show", "Alice", *db)
    assert code == 2 and "no client named 'Alice'" in one_line_error(err)
    code, out, _ = run(capsys, "clients", "list", "--owner", "ann@example.org", *db)
    assert code == 0 and "Alice" in out


def test_env_url_is_used(capsys, tmp_path, monkeypatch):
    target = tmp_path / "env.sqlite3"
    monkeypatch.setenv("B12PLAN_DB_URL", f"sqlite:///{target}")
    assert run(capsys, "clients", "add", "Alice")[0] == 0
    assert target.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("clients", "add", "x" * 201), "the limit is 200"),
        (("clients", "add", ""), "client name is empty"),
        (("clients", "show", "Nobody"), "no client named 'Nobody'"),
        (("plans", "save", "missing.json", "--client", "Alice"), "cannot read plan file"),
        (("plans", "save", "bad.json", "--client", "Alice"), "is not a valid plan"),
        (("plans", "save", "good.json", "--client", "Nobody"), "no client named 'Nobody'"),
        (("plans", "save", "good.json", "--client", "Alice", "--plan-id", "42"), "no plan with"),
        (("plans", "show", "42"), "no plan with id 42"),
        (("plans", "export", "1", "--out", "."), "is a folder"),
        (("plans", "export", "1", "--out", "good.json/x.json"), "is a file, not a folder"),
        (("plans", "export", "1", "--out", "/proc/b12/x.json"), "cannot write --out"),
        (("plans", "export", "1", "--out", "x.json", "--version", "7"), "no version 7"),
        (
            ("plans", "delete", "1", "--version", "1"),
            "version 1 is the only version of plan 1 ('vegetarian plan, 2 days'); a plan keeps "
            "at least one version, so delete the whole plan instead: "
            "b12plan plans delete 1 --all-versions",
        ),
        (("plans", "delete", "1", "--version", "7"), "plan 1 has no version 7; it has only"),
        (("plans", "delete", "42", "--version", "1"), "no plan with id 42"),
        (("plans", "delete", "42", "--all-versions"), "no plan with id 42"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    db = ("--db", str(tmp_path / "store.sqlite3"))
    assert run(capsys, "clients", "add", "Alice", *db)[0] == 0
    make_plan().save(tmp_path / "good.json")
    assert run(capsys, "plans", "save", "good.json", "--client", "Alice", *db)[0] == 0
    bad = make_plan().model_dump()
    bad["days"][0]["day"] = 99
    (tmp_path / "bad.json").write_text(json.dumps(bad))

    code, _, err = run(capsys, *argv, *db)
    assert code == 2
    assert message in one_line_error(err)
    assert not (tmp_path / "x.json").exists()


def test_plans_delete_one_version_then_the_plan(capsys, db_url, tmp_path):
    db = ("--db", db_url)
    assert run(capsys, "clients", "add", "Alice", *db)[0] == 0
    for b12 in (2.5, 3.0, 4.0):
        make_plan(b12=b12).save(tmp_path / f"{b12}.json")
    save = ("plans", "save", "--client", "Alice", "--label", "week 1", *db)
    assert run(capsys, *save, str(tmp_path / "2.5.json"))[0] == 0
    for b12 in (3.0, 4.0):
        assert run(capsys, *save, str(tmp_path / f"{b12}.json"), "--plan-id", "1")[0] == 0

    code, out, err = run(capsys, "plans", "delete", "1", "--version", "2", *db)
    assert (code, err) == (0, "")
    assert out == "deleted version 2 of plan 1 ('week 1'); it keeps version(s) 1 and 3, newest 3\n"
    code, out, _ = run(capsys, "plans", "list", "--format", "json", *db)
    assert [(p["versions"], p["newest"]) for p in json.loads(out)] == [(2, 3)]
    code, out, _ = run(capsys, "plans", "show", "1", "--version", "3", *db)
    assert code == 0 and "version 3 (kept: 1 and 3); vegetarian, 2 day(s)" in out
    code, _, err = run(capsys, "plans", "show", "1", "--version", "2", *db)
    assert code == 2 and "plan 1 has no version 2; it has versions 1 and 3" in one_line_error(err)
    code, out, _ = run(capsys, *save, str(tmp_path / "3.0.json"), "--plan-id", "1")
    assert "saved plan 1 version 4" in out  # numbers are not given twice

    code, out, _ = run(capsys, "plans", "delete", "1", "--all-versions", *db)
    assert code == 0
    assert out == "deleted plan 1 ('week 1') of client 'Alice' with its 3 version(s)\n"
    code, out, _ = run(capsys, "plans", "list", "--format", "json", *db)
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("plans", "delete", "1"), "one of the arguments --version --all-versions is required"),
        (
            ("plans", "delete", "1", "--version", "2", "--all-versions"),
            "argument --all-versions: not allowed with argument --version",
        ),
        (("plans", "delete", "1", "--version", "0"), "--version must be 1 or more, got 0"),
    ],
)
def test_plans_delete_usage_errors_are_one_line(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_damaged_database_exits_2(capsys, tmp_path):
    path = tmp_path / "b12plan.sqlite3"
    path.write_bytes(b"definitely not sqlite")
    code, _, err = run(capsys, "clients", "list", "--db", str(path))
    assert code == 2 and "is not a SQLite database" in one_line_error(err)
    assert path.read_bytes() == b"definitely not sqlite"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.json", b'{"diet": "vegan"}\n', "is not a SQLite database"),
        ("notes.json", b"", "is an empty file"),
        ("clients.csv", b"", "is an empty file"),
    ],
)
@pytest.mark.parametrize("via", ["--db", "B12PLAN_DB_URL"])
def test_db_that_is_another_kind_of_file_exits_2_untouched(
    capsys, tmp_path, monkeypatch, name, content, message, via
):
    path = tmp_path / name
    path.write_bytes(content)
    if via == "--db":
        argv: tuple[str, ...] = ("clients", "add", "Alice", "--db", str(path))
    else:
        monkeypatch.setenv("B12PLAN_DB_URL", str(path))
        argv = ("clients", "add", "Alice")
    code, _, err = run(capsys, *argv)
    assert code == 2
    line = one_line_error(err)
    assert message in line and "left it untouched" in line and "--db or B12PLAN_DB_URL" in line
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no -wal/-shm beside it


def test_non_numeric_plan_id_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["plans", "show", "first"])
    assert exit_info.value.code == 2
    assert "PLAN_ID must be a whole number, got 'first'" in capsys.readouterr().err
