"""`b12plan foods --diet/--plannable/--explain` as people run them."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from planner.cli import main
from planner.cli.foods import DIET_COLUMNS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rows_gain_diet_columns(capsys):
    code, out, _ = run(capsys, "foods", "--search", "cheddar", "--format", "json", "--limit", "3")
    assert code == 0
    rows = json.loads(out)
    assert rows and all(set(DIET_COLUMNS) <= set(row) for row in rows)


@pytest.mark.parametrize("diet", ["vegan", "vegetarian"])
def test_diet_filter_keeps_only_allowed_foods(capsys, diet):
    code, out, _ = run(capsys, "foods", "--diet", diet, "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"food_id": str})
    assert len(table) > 100
    assert table[diet].all()
    if diet == "vegan":
        assert table["animal_flags"].isna().all()  # blank: no animal content
        assert "sr:01009" not in set(table["food_id"])  # cheddar
    else:
        assert not table["animal_flags"].fillna("").str.contains("meat|poultry|fish").any()


def test_plannable_filter(capsys):
    code, out, _ = run(capsys, "foods", "--search", "beef", "--plannable", "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"food_id": str})
    assert table["plannable"].all() and table["exclusion_reason"].isna().all()
    assert not table["description"].str.contains(r"\braw\b").any()


def test_explain_prints_the_reason(capsys):
    code, out, _ = run(capsys, "foods", "--explain", "sr:01009")
    assert code == 0
    assert "Cheese, cheddar" in out and "vegan: no" in out and "dairy" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["foods", "--explain", "sr:99999"], "no food with id"),
        (["foods", "--explain", "cheddar"], "is not a food id"),
    ],
)
def test_bad_explain_exits_2_with_one_line(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_unknown_diet_is_rejected(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["foods", "--diet", "paleo"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
