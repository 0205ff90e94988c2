"""The food catalog: the snapshot in data/usda loaded as pandas tables, once.

Every other part (diet rules, the model, exports, the app) reads foods through `Catalog`. Values
are per 100 g edible portion; a value the source does not report is NaN, never 0.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import InputError

DEFAULT_SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "usda"

# Nutrient columns, per 100 g, with units in their names.
NUTRIENT_COLUMNS = (
    "b12_ug",
    "b12_added_ug",
    "kcal",
    "protein_g",
    "fat_g",
    "carb_g",
    "fiber_g",
    "sodium_mg",
)

FOOD_COLUMNS = (
    "food_id",  # "fndds:<8-digit code>", "sr:<5-digit NDB>", "fdc:<fdc id>"
    "fdc_id",  # Int64, missing where unknown
    "description",
    "additional_description",  # FNDDS alternative names; SR common names; else missing
    "source",  # "fndds" | "sr" | "fdc"
    "dataset",  # e.g. "FNDDS 2021-2023", "SR28", "FDC Foundation"
    "release",  # e.g. "2021-2023", "2015-09", "2025-04-24"
    "category",  # WWEIA category (FNDDS), food group (SR), FDC category (Foundation)
    "category_code",
    *NUTRIENT_COLUMNS,
    "kcal_basis",  # "energy" | "atwater_specific" | "atwater_general" | missing
)

PORTION_COLUMNS = ("food_id", "seq", "portion", "grams")
INGREDIENT_COLUMNS = (
    "food_id",
    "seq",
    "ingredient_code",
    "ingredient_description",
    "weight_g",
)
LANGUAL_COLUMNS = ("food_id", "factor_code", "factor_description")

SNAPSHOT_TABLES = {
    "foods": FOOD_COLUMNS,
    "portions": PORTION_COLUMNS,
    "ingredients": INGREDIENT_COLUMNS,
    "langual": LANGUAL_COLUMNS,
}

SOURCES = ("fndds", "sr", "fdc")


def fdc_url(fdc_id: int | None) -> str | None:
    """The public FoodData Central page for a food, where it has an FDC id."""
    if fdc_id is None or pd.isna(fdc_id):
        return None
    return f"https://fdc.nal.usda.gov/food-details/{int(fdc_id)}/nutrients"


@dataclass(frozen=True)
class Catalog:
    """Foods (indexed by food_id), their household portions, FNDDS ingredients, SR LanguaL codes.

    Treat the frames as read-only: the loaded catalog is shared by every caller.
    """

    foods: pd.DataFrame
    portions: pd.DataFrame
    ingredients: pd.DataFrame
    langual: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.foods)

    def food(self, food_id: str) -> pd.Series:
        try:
            return self.foods.loc[food_id]
        except KeyError:
            raise InputError(
                f"no food with id {food_id!r} in the catalog; "
                "find ids with `b12plan foods --search TEXT`"
            ) from None

    def portions_of(self, food_id: str) -> pd.DataFrame:
        return self.portions[self.portions["food_id"] == food_id]

    def search(self, text: str) -> pd.DataFrame:
        """Foods whose name has a word starting with each word of `text` (case-insensitive)."""
        mask = pd.Series(True, index=self.foods.index)
        haystack = (
            self.foods["description"].str.lower()
            + " "
            + self.foods["additional_description"].fillna("").str.lower()
        )
        for word in text.lower().split():
            # A word must start a word in the name: "fortified" does not match "unfortified".
            mask &= haystack.str.contains(rf"(?<![a-z0-9]){re.escape(word)}", regex=True)
        return self.foods[mask]

    def with_foods(self, foods: pd.DataFrame, portions: pd.DataFrame | None = None) -> Catalog:
        """A new catalog with extra foods (custom label foods, FDC API foods) added or replaced."""
        extra = foods.copy()
        if "food_id" in extra.columns:
            extra = extra.set_index("food_id")
        extra = extra.reindex(columns=list(self.foods.columns))
        base = self.foods.drop(index=extra.index, errors="ignore")
        merged = pd.concat([base, extra.astype(self.foods.dtypes.to_dict())])
        new_portions = self.portions
        if portions is not None and len(portions):
            new_portions = pd.concat(
                [
                    self.portions[~self.portions["food_id"].isin(extra.index)],
                    portions.reindex(columns=list(PORTION_COLUMNS)),
                ],
                ignore_index=True,
            )
        return Catalog(merged, new_portions, self.ingredients, self.langual, self.manifest)


def read_snapshot_table(directory: Path, name: str) -> pd.DataFrame:
    path = directory / f"{name}.parquet"
    if not path.exists():
        raise InputError(
            f"catalog snapshot table {path} is missing; rebuild it with `make ingest` "
            "(or `b12plan ingest --raw PATH`)"
        )
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several types for corrupt files
        raise InputError(f"catalog snapshot table {path} cannot be read ({err})") from err
    missing = [c for c in SNAPSHOT_TABLES[name] if c not in frame.columns]
    if missing:
        raise InputError(f"catalog snapshot table {path} lacks columns {missing}; rebuild it")
    return frame


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the catalog snapshot (cached per directory: loading twice returns the same object)."""
    return _load_cached(str(Path(path or DEFAULT_SNAPSHOT).resolve()))


@lru_cache(maxsize=4)
def _load_cached(directory: str) -> Catalog:
    root = Path(directory)
    if not root.is_dir():
        raise InputError(f"no catalog snapshot at {root}; build one with `make ingest`")
    foods = read_snapshot_table(root, "foods").set_index("food_id", drop=True)
    # Parquet stores ids as int64 with nulls; pandas would widen them to float64.
    foods["fdc_id"] = foods["fdc_id"].astype("Int64")
    portions = read_snapshot_table(root, "portions")
    ingredients = read_snapshot_table(root, "ingredients")
    langual = read_snapshot_table(root, "langual")
    manifest_path = root / "MANIFEST.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    return Catalog(foods, portions, ingredients, langual, manifest)
