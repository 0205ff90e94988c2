"""Shared pieces of the readers: the tidy frames they return and strict value checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.catalog import FOOD_COLUMNS, INGREDIENT_COLUMNS, LANGUAL_COLUMNS, PORTION_COLUMNS
from planner.errors import DataError

FLOAT_COLUMNS = (
    "b12_ug",
    "b12_added_ug",
    "kcal",
    "protein_g",
    "fat_g",
    "carb_g",
    "fiber_g",
    "sodium_mg",
)


@dataclass
class SourceFrames:
    """What one reader produced from one release, already in the catalog schema."""

    name: str  # "fndds" | "sr" | "fdc"
    dataset: str
    release: str
    release_date: str  # ISO date (or year-month) the release was published
    foods: pd.DataFrame
    portions: pd.DataFrame
    ingredients: pd.DataFrame = field(default_factory=lambda: empty_frame(INGREDIENT_COLUMNS))
    langual: pd.DataFrame = field(default_factory=lambda: empty_frame(LANGUAL_COLUMNS))
    inputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def normalise_header(name: object) -> str:
    """Workbook headers carry embedded newlines and double spaces; compare them folded."""
    return re.sub(r"\s+", " ", str(name)).strip().lower()


def to_number(
    values: pd.Series,
    *,
    path: Path | str,
    column: str,
    row_offset: int,
    allow_missing: bool = True,
) -> pd.Series:
    """Parse a column as float64; a non-numeric cell is an error naming file, row and column.

    Rows are reported as the index label plus `row_offset`, so filtered frames that keep their
    original index still point at the right line of the file.
    """
    parsed = pd.to_numeric(values, errors="coerce")
    text = values.astype("string").str.strip()
    bad = parsed.isna() & values.notna() & (text != "")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"not a number: {values.iloc[pos]!r}; fix or remove the value",
            path=str(path),
            row=int(values.index[pos]) + row_offset,
            column=column,
        )
    if not allow_missing and parsed.isna().any():
        pos = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise DataError(
            "value is missing",
            path=str(path),
            row=int(values.index[pos]) + row_offset,
            column=column,
        )
    return parsed.astype("float64")


def finish_foods(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in catalog order and dtypes, sorted by food_id (deterministic output)."""
    out = frame.reindex(columns=list(FOOD_COLUMNS))
    for col in FLOAT_COLUMNS:
        out[col] = out[col].astype("float64")
    out["fdc_id"] = out["fdc_id"].astype("Int64")
    for col in set(FOOD_COLUMNS) - set(FLOAT_COLUMNS) - {"fdc_id"}:
        out[col] = out[col].astype("string")
    return out.sort_values("food_id", kind="stable").reset_index(drop=True)


def finish_portions(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=list(PORTION_COLUMNS))
    out = out[out["grams"] > 0].copy()
    out["food_id"] = out["food_id"].astype("string")
    out["seq"] = out["seq"].astype("int64")
    out["portion"] = out["portion"].astype("string").str.strip()
    out["grams"] = out["grams"].astype("float64")
    out = out.drop_duplicates(["food_id", "portion", "grams"])
    return out.sort_values(["food_id", "seq", "portion"], kind="stable").reset_index(drop=True)


def added_exceeds_total(foods: pd.DataFrame, tolerance: float = 0.05) -> list[str]:
    """Foods whose B12 added exceeds total B12 by more than rounding: reported, not fixed."""
    over = foods[(foods["b12_added_ug"] - foods["b12_ug"]) > tolerance]
    return [
        f"{row.food_id} {row.description!r}: B12 added {row.b12_added_ug} µg > "
        f"total {row.b12_ug} µg per 100 g"
        for row in over.itertuples()
    ]
