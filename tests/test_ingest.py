"""Ingest from the real USDA releases: determinism, the generic FDC reader, and bad input."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.catalog import DEFAULT_SNAPSHOT
from planner.errors import DataError, InputError
from planner.files import sha256_file
from planner.ingest import build_snapshot, find_raw_sources, read_fdc_csv, read_fndds, read_sr28
from planner.ingest.common import added_exceeds_total
from planner.ingest.fdc_csv import FdcCsvBundle, stream_nutrients

pytestmark = pytest.mark.raw

FOUNDATION_ZIP = "fdc-foundation-2025-04-24/FoodData_Central_foundation_food_csv_2025-04-24.zip"
SNAPSHOT_FILES = (
    "foods.parquet",
    "portions.parquet",
    "ingredients.parquet",
    "langual.parquet",
    "MANIFEST.json",
)


@pytest.fixture(scope="module")
def fresh_snapshot(raw_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("snapshot") / "usda"
    build_snapshot(find_raw_sources(raw_dir), out)
    return out


def test_committed_snapshot_equals_a_fresh_build(fresh_snapshot):
    for name in SNAPSHOT_FILES:
        assert sha256_file(fresh_snapshot / name) == sha256_file(DEFAULT_SNAPSHOT / name), name


def test_rebuild_is_byte_identical(raw_dir, fresh_snapshot, tmp_path):
    again = tmp_path / "usda"
    build_snapshot(find_raw_sources(raw_dir), again)
    for name in SNAPSHOT_FILES:
        assert (again / name).read_bytes() == (fresh_snapshot / name).read_bytes(), name


def test_manifest_records_sources_and_checksums(fresh_snapshot):
    import json

    manifest = json.loads((fresh_snapshot / "MANIFEST.json").read_text())
    by_name = {s["name"]: s for s in manifest["sources"]}
    assert by_name["fndds"]["rows"]["foods"] == 5431
    assert by_name["sr"]["rows"]["foods"] == 8789
    assert by_name["fdc"]["release_date"] == "2025-04-24"
    nut = [i for i in by_name["sr"]["inputs"] if i["file"] == "NUT_DATA.txt.gz"][0]
    assert nut["sha256"] == "2cd2df30e6a423aecc27068212c8298444f4f5eecb54ab73d1fd8cd1016e086a"
    for name, out in manifest["outputs"].items():
        assert out["sha256"] == sha256_file(fresh_snapshot / name)


def test_foundation_zip_and_unpacked_folder_read_the_same(raw_dir, tmp_path):
    zipped = read_fdc_csv(raw_dir / FOUNDATION_ZIP, data_types=("foundation_food",))
    with zipfile.ZipFile(raw_dir / FOUNDATION_ZIP) as zf:
        zf.extractall(tmp_path)
    folder = next(tmp_path.iterdir())
    unpacked = read_fdc_csv(folder, data_types=("foundation_food",))
    pd.testing.assert_frame_equal(zipped.foods, unpacked.foods)
    pd.testing.assert_frame_equal(zipped.portions, unpacked.portions)
    foods = zipped.foods.set_index("food_id")
    assert foods.at["fdc:746782", "kcal_basis"] == "energy"
    # Soy milk reports only Atwater energy: the specific factors win over the general ones.
    assert foods.at["fdc:1999630", "kcal_basis"] == "atwater_specific"
    assert len(foods) == 332


def test_streaming_reader_filters_in_batches(tmp_path):
    rows = ["id,fdc_id,nutrient_id,amount"]
    for i in range(30_000):
        rows.append(f"{i},{1000 + i % 50},{1178 if i % 3 == 0 else 1003},{i / 10}")
    bundle_dir = tmp_path / "bundle"
    bundle_dir.mkdir()
    (bundle_dir / "food_nutrient.csv").write_text("\n".join(rows) + "\n")
    (bundle_dir / "food.csv").write_text("fdc_id,data_type,description,food_category_id\n")
    values = stream_nutrients(FdcCsvBundle(bundle_dir), {1178}, {1000, 1001})
    expected = [i / 10 for i in range(30_000) if i % 3 == 0 and i % 50 in (0, 1)]
    assert sorted(values["amount"]) == sorted(expected)
    assert set(values["nutrient_id"]) == {1178}


# ---------- bad input: clear errors naming file, row and column; nothing half-written ----------


def copy_sr28(raw_dir: Path, dest: Path, n_lines: int = 200) -> Path:
    """A small but real SR28 release: the first foods of each table."""
    dest.mkdir()
    src = raw_dir / "sr28-ascii"
    for path in src.glob("*.txt"):
        shutil.copy(path, dest / path.name)
    with gzip.open(src / "NUT_DATA.txt.gz", "rb") as fh:
        head = b"".join(fh.readline() for _ in range(n_lines))
    (dest / "NUT_DATA.txt").write_bytes(head)
    return dest


def test_sr28_small_copy_reads(raw_dir, tmp_path):
    frames = read_sr28(copy_sr28(raw_dir, tmp_path / "sr"))
    assert len(frames.foods) == 8789
    assert frames.foods.set_index("food_id").at["sr:01001", "protein_g"] == 0.85


def test_sr28_non_numeric_amount_names_row_and_column(raw_dir, tmp_path):
    sr = copy_sr28(raw_dir, tmp_path / "sr")
    lines = (sr / "NUT_DATA.txt").read_bytes().split(b"\r\n")
    fields = lines[4].split(b"^")
    fields[2] = b"abc"
    lines[4] = b"^".join(fields)
    (sr / "NUT_DATA.txt").write_bytes(b"\r\n".join(lines))
    with pytest.raises(DataError, match=r"NUT_DATA.txt, row 5, column 'Nutr_Val': not a number"):
        read_sr28(sr)


def test_sr28_wrong_field_count_is_reported(raw_dir, tmp_path):
    sr = copy_sr28(raw_dir, tmp_path / "sr")
    lines = (sr / "WEIGHT.txt").read_bytes().split(b"\r\n")
    lines[2] = lines[2] + b"^extra^fields"
    (sr / "WEIGHT.txt").write_bytes(b"\r\n".join(lines))
    with pytest.raises(DataError, match=r"WEIGHT.txt.*line 3"):
        read_sr28(sr)


def test_sr28_utf16_file_is_rejected(raw_dir, tmp_path):
    sr = copy_sr28(raw_dir, tmp_path / "sr")
    text = (sr / "FD_GROUP.txt").read_bytes().decode("latin-1")
    (sr / "FD_GROUP.txt").write_bytes(text.encode("utf-16"))
    with pytest.raises(DataError, match="FD_GROUP.txt: contains NUL bytes"):
        read_sr28(sr)


def test_sr28_unknown_unit_is_reported(raw_dir, tmp_path):
    sr = copy_sr28(raw_dir, tmp_path / "sr")
    text = (sr / "NUTR_DEF.txt").read_bytes().decode("latin-1")
    text = text.replace("~418~^~\xb5g~", "~418~^~mg~")
    (sr / "NUTR_DEF.txt").write_bytes(text.encode("latin-1"))
    with pytest.raises(DataError, match=r"nutrient 418 \(b12_ug\) is in unit 'mg'"):
        read_sr28(sr)


def test_sr28_missing_table(raw_dir, tmp_path):
    sr = copy_sr28(raw_dir, tmp_path / "sr")
    (sr / "WEIGHT.txt").unlink()
    with pytest.raises(InputError, match="WEIGHT.txt"):
        read_sr28(sr)


def write_workbook(path: Path, header: list[str], rows: list[list]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["FNDDS title row"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def fndds_folder(tmp_path: Path, energy: object = 61) -> Path:
    folder = tmp_path / "fndds"
    folder.mkdir()
    prefix = "2021-2023 FNDDS At A Glance - "
    nutrients = [
        "Food code",
        "Main food description",
        "WWEIA Category number",
        "WWEIA Category description",
        "Energy (kcal)",
        "Protein (g)",
        "Carbohydrate (g)",
        "Fiber, total dietary (g)",
        "Total Fat (g)",
        "Sodium (mg)",
        "Vitamin B-12 (mcg)",
        "Vitamin B-12, added\n(mcg)",
    ]
    write_workbook(
        folder / f"{prefix}FNDDS Nutrient Values.xlsx",
        nutrients,
        [
            [11111000, "Milk, whole", 1002, "Milk, whole", 61, 3.27, 4.63, 0, 3.2, 38, 0.54, 0],
            [11320100, "Soy milk, unsweetened", 1006, "Milk substitutes"]
            + [energy, 2.9, 1.7, 0.5, 1.9, 40, 0.39, 0.39],
        ],
    )
    write_workbook(
        folder / f"{prefix}Foods and Beverages.xlsx",
        ["Food code", "Main food description", "Additional food description"],
        [[11111000, "Milk, whole", "leche"], [11320100, "Soy milk, unsweetened", None]],
    )
    write_workbook(
        folder / f"{prefix}Portions and Weights.xlsx",
        ["Food code", "Seq num", "Portion description", "Portion weight\n(g)"],
        [[11111000, 1, "1 cup", 244], [11111000, 2, "Quantity not specified", 0]],
    )
    write_workbook(
        folder / f"{prefix}FNDDS Ingredients.xlsx",
        [
            "Food code",
            "Seq num",
            "Ingredient code",
            "Ingredient description",
            "Ingredient weight (g)",
        ],
        [[11111000, 1, 1077, "Milk, whole", 100]],
    )
    return folder


def test_fndds_reader_on_a_small_workbook_set(tmp_path):
    frames = read_fndds(fndds_folder(tmp_path))
    foods = frames.foods.set_index("food_id")
    assert foods.at["fndds:11320100", "b12_added_ug"] == 0.39
    assert foods.at["fndds:11111000", "additional_description"] == "leche"
    assert list(frames.portions["portion"]) == ["1 cup"]  # zero-gram placeholder dropped


def test_fndds_non_numeric_value_names_row_and_column(tmp_path):
    folder = fndds_folder(tmp_path, energy="n/a")
    with pytest.raises(DataError, match=r"Nutrient Values.xlsx, row 4, column 'Energy \(kcal\)'"):
        read_fndds(folder)


def test_fndds_missing_column(tmp_path):
    folder = fndds_folder(tmp_path)
    book_path = next(folder.glob("*Nutrient Values.xlsx"))
    book = openpyxl.load_workbook(book_path)
    book.active.cell(row=2, column=11).value = "Vitamin B12 renamed"
    book.save(book_path)
    with pytest.raises(DataError, match=r"column 'Vitamin B-12 \(mcg\)' is missing"):
        read_fndds(folder)


def test_fndds_file_that_is_not_a_workbook(tmp_path):
    folder = fndds_folder(tmp_path)
    next(folder.glob("*Portions and Weights.xlsx")).write_bytes(b"not a zip at all")
    with pytest.raises(DataError, match="cannot read as an Excel workbook"):
        read_fndds(folder)


def test_truncated_fdc_zip(raw_dir, tmp_path):
    data = (raw_dir / FOUNDATION_ZIP).read_bytes()
    broken = tmp_path / "FoodData_Central_foundation_food_csv_2025-04-24.zip"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated"):
        read_fdc_csv(broken)


def test_corrupt_member_in_fdc_zip(raw_dir, tmp_path):
    src = raw_dir / FOUNDATION_ZIP
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("/food_nutrient.csv"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 1000
    data[start : start + 64] = bytes(64)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(data))
    with pytest.raises(DataError, match="food_nutrient.csv"):
        read_fdc_csv(broken)


def test_fdc_csv_renamed_column(raw_dir, tmp_path):
    with zipfile.ZipFile(raw_dir / FOUNDATION_ZIP) as zf:
        zf.extractall(tmp_path)
    folder = next(tmp_path.iterdir())
    food = folder / "food.csv"
    food.write_text(food.read_text().replace('"description"', '"food_description"', 1))
    with pytest.raises(DataError, match=r"food.csv: columns \['description'\] are missing"):
        read_fdc_csv(folder)


def test_fdc_csv_non_utf8_and_unknown_unit(raw_dir, tmp_path):
    with zipfile.ZipFile(raw_dir / FOUNDATION_ZIP) as zf:
        zf.extractall(tmp_path)
    folder = next(tmp_path.iterdir())
    nutrient = folder / "nutrient.csv"
    original = nutrient.read_text()
    nutrient.write_text(
        original.replace('"1178","Vitamin B-12","UG"', '"1178","Vitamin B-12","MG"')
    )
    with pytest.raises(DataError, match=r"nutrient 1178 \(b12_ug\) has unknown unit 'MG'"):
        read_fdc_csv(folder)
    nutrient.write_bytes(original.replace("Vitamin B-12", "Vitamin B-12 \xb5").encode("latin-1"))
    with pytest.raises(DataError, match="is not UTF-8"):
        read_fdc_csv(folder)


def test_fdc_csv_non_numeric_amount(raw_dir, tmp_path):
    with zipfile.ZipFile(raw_dir / FOUNDATION_ZIP) as zf:
        zf.extractall(tmp_path)
    folder = next(tmp_path.iterdir())
    path = folder / "food_nutrient.csv"
    lines = path.read_text().splitlines()
    target = next(i for i, line in enumerate(lines) if ',"746782","1178",' in line)
    parts = lines[target].split(",")
    parts[3] = '"lots"'
    lines[target] = ",".join(parts)
    path.write_text("\n".join(lines) + "\n")
    match = rf"food_nutrient.csv, row {target + 1}, column 'amount': not a number: 'lots'"
    with pytest.raises(DataError, match=match):
        read_fdc_csv(folder)


def test_failed_build_leaves_previous_snapshot_untouched(raw_dir, tmp_path):
    out = tmp_path / "usda"
    out.mkdir()
    (out / "foods.parquet").write_bytes(b"previous")
    sources = find_raw_sources(raw_dir)
    broken_sr = copy_sr28(raw_dir, tmp_path / "sr")
    (broken_sr / "FOOD_DES.txt").write_bytes(b"~01001~^broken\r\n~01002~\r\n")
    from dataclasses import replace

    with pytest.raises(DataError):
        build_snapshot(replace(sources, sr28=broken_sr), out)
    assert (out / "foods.parquet").read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".usda")] == []


def test_added_exceeding_total_is_reported_not_fixed():
    foods = pd.DataFrame(
        {
            "food_id": ["a", "b", "c"],
            "description": ["x", "y", "z"],
            "b12_ug": [1.0, 1.0, float("nan")],
            "b12_added_ug": [1.01, 1.5, 1.0],
        }
    )
    report = added_exceeds_total(foods)
    assert len(report) == 1 and report[0].startswith("b ")
