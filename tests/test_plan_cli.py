"""`b12plan plan`: exit 0 with a verified plan, 2 on bad arguments, 3 with a diagnosis."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from planner import diets
from planner.cli import main
from planner.plan import Plan
from planner.verify import verify_plan


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["plan", *argv])
    except SystemExit as err:  # argparse rejects bad choices itself, with status 2
        code = int(err.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_plan_to_json_file(tmp_path, capsys, catalog):
    target = tmp_path / "plan.json"
    code, out, err = run(capsys, "--diet", "vegan", "--days", "2", "--out", str(target))
    assert code == 0, err
    data = json.loads(target.read_text())
    for key in ("entries", "supplements", "targets", "days", "solver"):
        assert key in data
    for entry in data["entries"]:
        assert {"day", "slot", "food_id", "servings", "portion", "grams"} <= set(entry)
    assert data["targets"]["b12_ug_per_day"] == 2.4
    assert data["targets"]["b12_absorbed_ug_per_day"] == pytest.approx(1.2)
    assert len(data["days"]) == 2
    assert "day" in out and "B12" in out  # the table on stdout
    plan = Plan.load(target)
    assert verify_plan(plan, catalog, diets.label_foods(catalog)).ok


def test_json_on_stdout_is_clean():
    """A fresh process: HiGHS prints a banner on its first use, which must not reach stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "planner.cli", "plan", "--days", "1", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["n_days"] == 1 and data["solver"]["name"] == "highs"


def test_thorough_effort_flag_gives_a_verified_plan_no_worse(capsys, catalog):
    argv = ("--diet", "vegan", "--days", "3", "--seed", "4", "--format", "json")
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    standard = Plan.from_json(out)
    code, out, err = run(capsys, *argv, "--effort", "thorough")
    assert code == 0, err
    thorough = Plan.from_json(out)
    assert verify_plan(thorough, catalog, diets.label_foods(catalog)).ok
    assert thorough.solver.objective <= standard.solver.objective + 1e-6


def test_weekly_supplement_flag(capsys):
    code, out, _ = run(
        capsys, "--diet", "vegan", "--days", "2", "--supplements", "weekly", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["supplements"] == [
        {"day": 1, "slot": "breakfast", "strength_ug": 2000.0, "count": 1}
    ]
    assert data["targets"]["b12_rule"] == "weekly"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--days", "0"], "days"),
        (["--days", "x"], "whole number"),
        (["--diet", "carnivore"], "invalid choice"),
        (["--exclude", "fndds:99999999"], "no such food id"),
        (["--life-stage", "pregnancy", "--sex", "male"], "female"),
        (["--kcal", "-5"], "positive"),
        (["--effort", "max"], "argument --effort: invalid choice: 'max'"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err


def test_no_plan_exits_3_with_the_diagnosis(tmp_path, capsys, catalog):
    labels = diets.label_foods(catalog)
    sources = labels.index[labels["vegan"].astype(bool) & (labels["b12_counted_all_ug"] > 0)]
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"exclude_foods": list(sources)}))
    target = tmp_path / "plan.json"
    code, out, err = run(
        capsys,
        "--profile",
        str(profile),
        "--diet",
        "vegan",
        "--supplements",
        "none",
        "--days",
        "2",
        "--out",
        str(target),
    )
    assert code == 3
    assert "B12" in err and "supplement" in err
    data = json.loads(target.read_text())
    assert data["error"] == "no_plan"
    assert data["diagnosis"]["findings"][0]["constraint"] == "b12_day"
    assert out == ""


def test_unreadable_profile_is_bad_input(tmp_path, capsys):
    bad = tmp_path / "profile.json"
    bad.write_text("{not json")
    code, _, err = run(capsys, "--profile", str(bad))
    assert code == 2 and "not valid JSON" in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"diet": "caf\xe9"}', "is not UTF-8 text (byte 14)"),
        (b"", "is empty"),
        (b"  \n", "is empty"),
    ],
)
def test_profile_that_is_not_utf8_or_empty_is_bad_input(tmp_path, capsys, content, fragment):
    """A Latin-1 file used to end in a UnicodeDecodeError traceback (exit 1)."""
    bad = tmp_path / "profile.json"
    bad.write_bytes(content)
    code, out, err = run(capsys, "--profile", str(bad))
    assert code == 2 and fragment in err and "Traceback" not in err
    assert out == ""


def test_profile_with_a_byte_order_mark_is_read(tmp_path, capsys):
    profile = tmp_path / "profile.json"
    profile.write_bytes(b'\xef\xbb\xbf{"days": 0}')
    code, _, err = run(capsys, "--profile", str(profile))
    assert code == 2 and f"profile {profile}, field days: 0 days is out of range" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--days", "15"], "--days: 15 days is out of range; give a value from 1 to 14 days"),
        (["--kcal", "5"], "--kcal: 5 kcal/day is out of range; give a value from 800 to 6000"),
        (["--age", "200"], "--age: 200 years is out of range; give a value from 0 to 120 years"),
        (["--weight", "3"], "--weight: 3 kg is out of range; give a value from 8 to 400 kg"),
        (
            ["--b12-target", "10000"],
            "--b12-target: 10000 µg/day is out of range; give a value more than 0 and at most "
            "1000 µg/day",
        ),
    ],
)
def test_out_of_range_flags_are_named_with_units(capsys, argv, message):
    """Was 'profile field days: Input should be less than or equal to 14': no flag, no unit."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err


@pytest.mark.parametrize("where", ["folder", "under_a_file", "unwritable"])
def test_out_that_cannot_be_written_is_refused_before_planning(tmp_path, capsys, where):
    """--out a folder, a path under a file, or a place nothing can be created: exit 2, no file.

    Each used to end in a traceback (IsADirectoryError, FileNotFoundError) after planning.
    """
    blocker = tmp_path / "plan.json"
    blocker.write_text("{}")
    out_path = {
        "folder": tmp_path,
        "under_a_file": blocker / "plan.json",
        "unwritable": "/proc/b12plan-test/plan.json",
    }[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, "--days", "1", "--out", str(out_path))
    assert code == 2, err
    assert err.startswith("b12plan: error: ") and "Traceback" not in err
    assert str(out_path) in err
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left


def test_plan_file_gets_the_usual_permissions(tmp_path, capsys):
    """Plans were written 0600 (tempfile.mkstemp), unreadable to anyone else."""
    import os

    old = os.umask(0o022)
    try:
        target = tmp_path / "plan.json"
        code, _, err = run(capsys, "--days", "1", "--out", str(target))
    finally:
        os.umask(old)
    assert code == 0, err
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_plan_file_as_profile_replans_from_its_profile(tmp_path, capsys):
    """A plan given as --profile failed with 15 schema errors; its own profile is what one means."""
    first = tmp_path / "plan.json"
    code, _, err = run(capsys, "--diet", "vegan", "--age", "70", "--days", "1", "--out", str(first))
    assert code == 0, err
    code, out, err = run(capsys, "--profile", str(first), "--seed", "1", "--format", "json")
    assert code == 0, err
    assert f"using the profile saved in the plan {first}" in err
    again = Plan.from_json(out)
    assert again.diet == "vegan" and again.n_days == 1 and again.profile["age_years"] == 70
    assert again.profile["seed"] == 1


def test_prices_show_the_food_cost_per_day_and_for_the_plan(tmp_path, capsys):
    """Prices steer the plan; the table and summary now say what the food costs at them."""
    soy_milk, banana = "fndds:11320100", "fndds:63107010"
    prices = [
        {"food_id": soy_milk, "price": 2.49, "per_grams": 946},
        {"food_id": banana, "price": 0.25},
    ]
    profile = tmp_path / "profile.json"
    profile.write_text(
        json.dumps({"diet": "vegan", "days": 2, "favourites": [soy_milk], "prices": prices})
    )
    target = tmp_path / "plan.json"
    code, out, err = run(capsys, "--profile", str(profile), "--out", str(target))
    assert code == 0, err
    plan = Plan.load(target)
    assert soy_milk in plan.food_ids()  # a favourite: the cost has a priced food to show
    per_gram = {soy_milk: 2.49 / 946, banana: 0.25 / 100}
    days = [
        math.fsum(
            e.grams * per_gram[e.food_id]
            for e in plan.entries
            if e.day == day and (e.food_id in per_gram)
        )
        for day in (1, 2)
    ]
    unpriced = set(plan.food_ids()) - set(per_gram)
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("day  kcal"))
    assert lines[start].split()[-4:] == ["cost", "foods", "w/o", "price"]
    for day, cost in zip((1, 2), days, strict=True):
        row = lines[start + 1 + day].split()  # the day totals, under the header and its rule
        assert row[0] == str(day)
        without = {e.food_id for e in plan.entries if e.day == day} - set(per_gram)
        assert row[-2:] == [f"{cost:.2f}", str(len(without))]
    assert (
        f"food cost at your prices: {sum(days) / 2:.2f} currency units a day on average, "
        f"{sum(days):.2f} for 2 days; no price for {len(unpriced)} foods (left out, not "
        "counted as 0)"
    ) in out
    assert json.loads(target.read_text())["schema_version"] == 1  # the plan file is unchanged


def test_a_plan_without_prices_says_nothing_of_cost():
    from planner.cli.plan import render_plan

    text = render_plan(Plan.load(Path(__file__).parent / "golden" / "plan_vegan_week.json"))
    assert "cost" not in text and "price" not in text


def test_over_50_and_acid_reducers_count_only_added_b12(tmp_path, capsys, catalog):
    """IOM 1998 (p. 306): people over 50 should meet the RDA mainly from fortified foods or
    supplements; acid reducers keep food-bound B12 from being released."""
    labels = diets.label_foods(catalog)
    for flags in (["--age", "70"], ["--acid-reducers"]):
        target = tmp_path / "plan.json"
        code, out, err = run(capsys, *flags, "--days", "1", "--out", str(target))
        assert code == 0, err
        plan = Plan.load(target)
        assert plan.targets.b12_counting == "fortified_only"
        assert any("poorly absorbed" in n for n in plan.notes)
        for e in plan.entries:  # only B12 added to foods counts
            per = e.grams / 100
            added = labels.at[e.food_id, "b12_counted_fortified_only_ug"] * per
            assert e.b12_counted_ug == pytest.approx(added, abs=1e-4)  # stored rounded
        assert verify_plan(plan, catalog, labels).ok
    code, out, err = run(capsys, "--age", "70", "--b12-counting", "all", "--days", "1")
    assert code == 0, err
    assert "poorly absorbed" not in out
