"""The bundled snapshot agrees exactly with the USDA sources, and missing stays missing."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from planner.catalog import FOOD_COLUMNS, fdc_url, load_catalog
from planner.errors import InputError


@pytest.mark.parametrize(
    ("food_id", "column", "expected"),
    [
        ("fndds:25110140", "b12_ug", 82.47),  # Liver, beef
        ("fndds:25110140", "kcal", 174.0),
        ("fndds:11111000", "b12_ug", 0.54),  # Milk, whole
        ("fndds:57308400", "b12_ug", 5.89),  # Cereal, O's, multigrain (fortified)
        ("fndds:57308400", "b12_added_ug", 5.89),
        ("fndds:11320100", "b12_added_ug", 0.39),  # Soy milk, unsweetened
        ("sr:01077", "b12_ug", 0.45),  # Milk, whole, 3.25%
        ("sr:01077", "kcal", 61.0),
        ("sr:01077", "protein_g", 3.15),
        ("sr:01077", "sodium_mg", 43.0),
        ("sr:08001", "b12_ug", 18.80),  # KELLOGG'S ALL-BRAN Original (fortified)
        ("sr:08001", "b12_added_ug", 18.80),
        ("sr:15159", "b12_ug", 98.89),  # clams, cooked
        ("sr:16120", "b12_ug", 0.0),  # soymilk, unfortified: a real zero
        ("fdc:746782", "b12_ug", 0.54),  # Foundation whole milk
        ("fdc:1999630", "b12_ug", 0.3931),
        ("fdc:2684441", "b12_ug", 5.696),
    ],
)
def test_spot_values_match_sources(catalog, food_id, column, expected):
    assert catalog.foods.at[food_id, column] == pytest.approx(expected, abs=1e-9)


def test_missing_values_stay_missing(catalog):
    foods = catalog.foods
    # SR28 has no B12-added row for cooked clams: unknown, not zero.
    assert math.isnan(foods.at["sr:15159", "b12_added_ug"])
    # Foundation reports B12 for 51 foods only; the rest are unknown.
    foundation = foods[foods["source"] == "fdc"]
    assert foundation["b12_ug"].notna().sum() == 51
    assert foundation["b12_ug"].isna().sum() == len(foundation) - 51
    assert foundation["b12_added_ug"].isna().all()
    # SR28: 7,596 foods report B12 (PROVENANCE.md); the other 1,193 stay NaN.
    sr = foods[foods["source"] == "sr"]
    assert sr["b12_ug"].notna().sum() == 7596
    assert sr["b12_added_ug"].notna().sum() == 4931


def test_all_foods_of_each_release(catalog):
    counts = catalog.foods["source"].value_counts()
    assert counts["fndds"] == 5431
    assert counts["sr"] == 8789
    assert counts["fdc"] == 332  # the current Foundation foods that have nutrient data
    assert list(catalog.foods.reset_index().columns) == list(FOOD_COLUMNS)


def test_ids_are_stable_and_prefixed(catalog):
    ids = catalog.foods.index.to_series()
    assert ids.is_unique
    assert ids.str.fullmatch(r"fndds:\d{8}|sr:\d{5}|fdc:\d+").all()


def test_sr_foods_get_sr_legacy_fdc_ids_by_exact_description(catalog):
    foods = catalog.foods
    assert foods.at["sr:01077", "fdc_id"] == 171265
    assert foods.at["sr:15159", "fdc_id"] == 171975
    assert foods.loc[foods["source"] == "sr", "fdc_id"].notna().sum() == 7354
    assert foods.loc[foods["source"] == "fndds", "fdc_id"].isna().all()
    assert fdc_url(171265) == "https://fdc.nal.usda.gov/food-details/171265/nutrients"


def test_categories(catalog):
    foods = catalog.foods
    assert foods.at["fndds:25110140", "category"] == "Liver and organ meats"
    assert foods.at["sr:01077", "category"] == "Dairy and Egg Products"
    assert foods.at["fdc:746782", "category"] == "Dairy and Egg Products"


def test_portions_have_positive_weights(catalog):
    portions = catalog.portions
    assert (portions["grams"] > 0).all()
    milk = catalog.portions_of("sr:01077")
    assert ((milk["portion"] == "1 cup") & (milk["grams"] == 244.0)).any()
    assert set(portions["food_id"]) <= set(catalog.foods.index)


def test_added_b12_rounding_is_kept_as_reported(catalog):
    foods = catalog.foods
    over = foods[foods["b12_added_ug"] > foods["b12_ug"]]
    assert len(over) == 8  # the sources round independently
    assert ((over["b12_added_ug"] - over["b12_ug"]) <= 0.05 + 1e-9).all()
    assert catalog.manifest["warnings"] == []


def test_ingredients_link_fndds_foods(catalog):
    ing = catalog.ingredients
    assert len(ing) == 18584
    milk_nfs = ing[ing["food_id"] == "fndds:11100000"]
    assert 1077 in set(milk_nfs["ingredient_code"])


def test_search_matches_every_word(catalog):
    found = catalog.search("soy milk unsweetened")
    assert "fndds:11320100" in found.index
    assert all("soy" in d.lower() for d in found["description"])
    assert not catalog.search("soymilk unfortified").empty
    fortified = catalog.search("soymilk fortified")
    assert not fortified["description"].str.contains("unfortified", case=False).any()
    assert catalog.foods.at["sr:01077", "fdc_id"] == 171265
    assert str(catalog.foods["fdc_id"].dtype) == "Int64"


def test_unknown_food_has_clear_message(catalog):
    with pytest.raises(InputError, match="no food with id"):
        catalog.food("sr:99999")


def test_with_foods_adds_custom_food(catalog):
    row = {
        "food_id": "custom:oatly",
        "description": "Oat drink, fortified (label)",
        "source": "custom",
        "b12_ug": 0.38,
        "b12_added_ug": 0.38,
        "kcal": 46.0,
    }
    extended = catalog.with_foods(pd.DataFrame([row]))
    assert extended.foods.at["custom:oatly", "b12_ug"] == 0.38
    assert math.isnan(extended.foods.at["custom:oatly", "protein_g"])
    assert len(extended) == len(catalog) + 1
    assert "custom:oatly" not in catalog.foods.index  # the shared catalog is untouched


def test_missing_snapshot_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="make ingest"):
        load_catalog(tmp_path / "nowhere")
    (tmp_path / "snap").mkdir()
    with pytest.raises(InputError, match="foods.parquet is missing"):
        load_catalog(tmp_path / "snap")
