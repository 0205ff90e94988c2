"""FNDDS "At A Glance" workbooks (USDA ARS Food Surveys Research Group) -> catalog frames.

Sheet 1 of each workbook holds the data under a one-row title; headers carry newlines, so columns
are matched after folding white space. Food codes become `fndds:<8-digit code>`.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from planner.errors import DataError, InputError
from planner.ingest.common import (
    SourceFrames,
    finish_foods,
    finish_portions,
    normalise_header,
    to_number,
)

WORKBOOKS = {
    "nutrients": "FNDDS Nutrient Values",
    "foods": "Foods and Beverages",
    "portions": "Portions and Weights",
    "ingredients": "FNDDS Ingredients",
}

NUTRIENT_HEADERS = {
    "b12_ug": "Vitamin B-12 (mcg)",
    "b12_added_ug": "Vitamin B-12, added (mcg)",
    "kcal": "Energy (kcal)",
    "protein_g": "Protein (g)",
    "fat_g": "Total Fat (g)",
    "carb_g": "Carbohydrate (g)",
    "fiber_g": "Fiber, total dietary (g)",
    "sodium_mg": "Sodium (mg)",
}

# FNDDS releases and the date USDA published them in FoodData Central ("Survey (FNDDS)").
PUBLISHED = {"2021-2023": "2024-10-31", "2019-2020": "2022-10-28", "2017-2018": "2020-10-30"}

# Data start on spreadsheet row 3: a title row, then the header row.
FIRST_DATA_ROW = 3


def find_workbooks(folder: Path) -> dict[str, Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"FNDDS folder {folder} does not exist")
    found: dict[str, Path] = {}
    for key, marker in WORKBOOKS.items():
        matches = sorted(p for p in folder.glob("*.xlsx") if p.name.endswith(f"{marker}.xlsx"))
        if not matches:
            raise InputError(
                f"{folder}: no workbook named '... {marker}.xlsx'; expected the four FNDDS "
                "At A Glance workbooks (Nutrient Values, Foods and Beverages, Portions and "
                "Weights, FNDDS Ingredients)"
            )
        found[key] = matches[0]
    return found


def release_of(path: Path) -> str:
    match = re.match(r"(\d{4}-\d{4})", path.name)
    return match.group(1) if match else "unknown"


def read_sheet(path: Path, required: dict[str, str]) -> pd.DataFrame:
    """Read sheet 1 and rename the required headers to our names; error on any missing one."""
    try:
        raw = pd.read_excel(
            path,
            sheet_name=0,
            header=1,
            dtype=object,
            engine="openpyxl",
            keep_default_na=False,  # "n/a" in a number column is an error, not a silent NaN
            na_values=[""],
        )
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as err:
        raise DataError(
            f"cannot read as an Excel workbook ({err}); download the file again",
            path=str(path),
        ) from err
    folded = {normalise_header(c): c for c in raw.columns}
    rename = {}
    for ours, header in required.items():
        original = folded.get(normalise_header(header))
        if original is None:
            raise DataError(
                f"column {header!r} is missing (found: {', '.join(map(str, raw.columns[:8]))}...); "
                "is this the right FNDDS workbook and release?",
                path=str(path),
            )
        rename[original] = ours
    frame = raw[list(rename)].rename(columns=rename)
    return frame.dropna(how="all")


def food_codes(frame: pd.DataFrame, path: Path) -> pd.Series:
    codes = to_number(
        frame["food_code"],
        path=path,
        column="Food code",
        row_offset=FIRST_DATA_ROW,
        allow_missing=False,
    )
    return "fndds:" + codes.astype("int64").astype(str).str.zfill(8)


def read_fndds(folder: Path) -> SourceFrames:
    books = find_workbooks(folder)
    release = release_of(books["nutrients"])

    nut = read_sheet(
        books["nutrients"],
        {
            "food_code": "Food code",
            "description": "Main food description",
            "category_code": "WWEIA Category number",
            "category": "WWEIA Category description",
            **NUTRIENT_HEADERS,
        },
    )
    foods = pd.DataFrame({"food_id": food_codes(nut, books["nutrients"])})
    foods["description"] = nut["description"].astype("string").str.strip()
    foods["category"] = nut["category"].astype("string").str.strip()
    foods["category_code"] = (
        to_number(
            nut["category_code"],
            path=books["nutrients"],
            column="WWEIA Category number",
            row_offset=FIRST_DATA_ROW,
        )
        .astype("Int64")
        .astype("string")
    )
    for ours, header in NUTRIENT_HEADERS.items():
        foods[ours] = to_number(
            nut[ours], path=books["nutrients"], column=header, row_offset=FIRST_DATA_ROW
        )
    foods["kcal_basis"] = foods["kcal"].notna().map({True: "energy", False: pd.NA})
    if foods["food_id"].duplicated().any():
        dup = foods.loc[foods["food_id"].duplicated(), "food_id"].iloc[0]
        raise DataError(f"food code {dup} appears twice", path=str(books["nutrients"]))

    names = read_sheet(
        books["foods"],
        {"food_code": "Food code", "additional": "Additional food description"},
    )
    extra = pd.Series(
        names["additional"].astype("string").str.strip().to_numpy(),
        index=food_codes(names, books["foods"]).to_numpy(),
    )
    extra = extra[~extra.index.duplicated()]
    foods["additional_description"] = foods["food_id"].map(extra).astype("string")
    foods["fdc_id"] = pd.NA
    foods["source"] = "fndds"
    foods["dataset"] = f"FNDDS {release}"
    foods["release"] = release

    por = read_sheet(
        books["portions"],
        {
            "food_code": "Food code",
            "seq": "Seq num",
            "portion": "Portion description",
            "grams": "Portion weight (g)",
        },
    )
    portions = pd.DataFrame(
        {
            "food_id": food_codes(por, books["portions"]),
            "seq": to_number(
                por["seq"], path=books["portions"], column="Seq num", row_offset=FIRST_DATA_ROW
            ),
            "portion": por["portion"].astype("string"),
            "grams": to_number(
                por["grams"],
                path=books["portions"],
                column="Portion weight (g)",
                row_offset=FIRST_DATA_ROW,
            ),
        }
    )
    portions = portions[portions["food_id"].isin(foods["food_id"])]

    ing = read_sheet(
        books["ingredients"],
        {
            "food_code": "Food code",
            "seq": "Seq num",
            "ingredient_code": "Ingredient code",
            "ingredient_description": "Ingredient description",
            "weight_g": "Ingredient weight (g)",
        },
    )
    ingredients = pd.DataFrame(
        {
            "food_id": food_codes(ing, books["ingredients"]).astype("string"),
            "seq": to_number(
                ing["seq"], path=books["ingredients"], column="Seq num", row_offset=FIRST_DATA_ROW
            ).astype("int64"),
            "ingredient_code": to_number(
                ing["ingredient_code"],
                path=books["ingredients"],
                column="Ingredient code",
                row_offset=FIRST_DATA_ROW,
                allow_missing=False,
            ).astype("int64"),
            "ingredient_description": ing["ingredient_description"].astype("string").str.strip(),
            "weight_g": to_number(
                ing["weight_g"],
                path=books["ingredients"],
                column="Ingredient weight (g)",
                row_offset=FIRST_DATA_ROW,
            ),
        }
    ).sort_values(["food_id", "seq"], kind="stable", ignore_index=True)

    return SourceFrames(
        name="fndds",
        dataset=f"FNDDS {release}",
        release=release,
        release_date=PUBLISHED.get(release, "unknown"),
        foods=finish_foods(foods),
        portions=finish_portions(portions),
        ingredients=ingredients,
        inputs=[books[k] for k in WORKBOOKS],
    )
