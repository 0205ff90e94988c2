"""`b12plan foods`, `b12plan food` and `b12plan ingest` as people run them."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from planner.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_foods_csv_without_limit_is_the_whole_catalog(capsys, catalog):
    code, out, _ = run(capsys, "foods", "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"food_id": str})
    assert len(table) == len(catalog)
    for column in ("food_id", "fdc_id", "description", "source", "category", "b12_ug"):
        assert column in table.columns
    for column in ("b12_added_ug", "kcal", "protein_g", "fat_g", "carb_g", "fiber_g", "sodium_mg"):
        assert column in table.columns
    liver = table.set_index("food_id").loc["fndds:25110140"]
    assert liver["b12_ug"] == 82.47
    # Missing values stay blank in CSV, never 0.
    assert pd.isna(table.set_index("food_id").at["sr:15159", "b12_added_ug"])


def test_foods_search_source_limit_json(capsys):
    code, out, _ = run(
        capsys, "foods", "--search", "soy milk", "--source", "fndds", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)
    assert rows and all(r["source"] == "fndds" for r in rows)
    assert "fndds:11320100" in {r["food_id"] for r in rows}  # Soy milk, unsweetened
    code, out, _ = run(capsys, "foods", "--limit", "3", "--format", "json")
    assert len(json.loads(out)) == 3


def test_foods_table_marks_missing(capsys):
    code, out, _ = run(capsys, "foods", "--search", "clam cooked moist", "--source", "sr")
    assert code == 0
    assert "—" in out  # b12_added is not reported for SR cooked clams


def test_food_detail(capsys):
    code, out, _ = run(capsys, "food", "sr:01077", "--format", "json")
    assert code == 0
    detail = json.loads(out)
    assert detail["nutrients_per_100g"]["b12_ug"] == {"value": 0.45, "unit": "µg"}
    assert detail["fdc_url"].endswith("/171265/nutrients")
    assert {"portion": "1 cup", "grams": 244.0} in detail["portions"]
    code, out, _ = run(capsys, "food", "fndds:25110140")
    assert code == 0 and "Liver, beef" in out and "82.47" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["food", "nonsense"], "is not a food id"),
        (["food", "sr:99999"], "no food with id"),
        (["ingest", "--raw", "/nonexistent/raw"], "does not exist"),
        (["ingest"], "nothing to ingest"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("argv", [["foods", "--limit", "0"], ["foods", "--source", "xyz"]])
def test_bad_arguments_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error" in capsys.readouterr().err


@pytest.mark.raw
def test_ingest_cli_builds_a_snapshot(capsys, raw_dir, tmp_path):
    code, out, err = run(capsys, "ingest", "--raw", str(raw_dir), "--out", str(tmp_path / "s"))
    assert code == 0
    assert "FNDDS 2021-2023" in out and "5,431 foods" in out
    assert "reading SR28" in err  # progress on stderr
    assert (tmp_path / "s" / "foods.parquet").exists()
