"""Library helpers behind the app: label foods, the risk check, B12 source rankings."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from planner.app_support import (
    attach_custom_foods,
    b12_per_serving_from_label,
    edit_servings,
    food_from_label,
    label_food_id,
    nutrients_table,
    rank_b12_sources,
    search_foods,
    search_variants,
)
from planner.errors import InputError
from planner.plan import Plan
from planner.risk import FACTORS_BY_KEY, LIMITS, RISK_FACTORS, assess_risk

# --- product labels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "basis", "expected_ug"),
    [
        (1.2, "ug", 2.4, 1.2),
        (50, "percent_dv", 2.4, 1.2),  # current US label
        (50, "percent_dv", 6.0, 3.0),  # older label: the same 50 % is 2.5 times more B12
        (0, "percent_dv", 6.0, 0.0),
        (250, "percent_dv", 2.4, 6.0),  # fortified foods often exceed 100 % DV
    ],
)
def test_b12_per_serving_from_label(amount, unit, basis, expected_ug):
    assert b12_per_serving_from_label(amount, unit, basis) == pytest.approx(expected_ug)


@pytest.mark.parametrize(
    ("amount", "unit", "basis", "message"),
    [
        (None, "ug", 2.4, "B12 per serving is missing"),
        (-1, "ug", 2.4, "from 0 to 10000 µg"),
        (math.inf, "percent_dv", 2.4, "B12 % Daily Value must be"),
        (50, "percent_dv", 3.0, r"2.4 µg \(current US labels\) or 6 µg"),
        (50, "iu", 2.4, "'ug' or 'percent_dv'"),
        ("lots", "ug", 2.4, "must be a number"),
    ],
)
def test_bad_label_b12_values_are_explained(amount, unit, basis, message):
    with pytest.raises(InputError, match=message):
        b12_per_serving_from_label(amount, unit, basis)


def test_food_from_label_scales_to_100_g_and_joins_the_catalog(catalog):
    foods, portions = food_from_label(
        name="Oat drink, fortified (Brand X)",
        serving_g=250,
        serving_label="1 glass",
        b12_per_serving_ug=0.96,
        kcal_per_serving=115,
        protein_g_per_serving=2.5,
        fat_g_per_serving=5,
        sodium_mg_per_serving=100,
    )
    row = foods.iloc[0]
    assert row["food_id"] == "label:oat-drink-fortified-brand-x"
    assert row["b12_ug"] == pytest.approx(0.384)
    assert row["b12_added_ug"] == pytest.approx(0.384)
    assert row["kcal"] == pytest.approx(46)
    assert (row["protein_g"], row["fat_g"], row["sodium_mg"]) == pytest.approx((1, 2, 40))
    assert math.isnan(row["carb_g"])  # left blank: unknown, never 0
    assert math.isnan(row["fiber_g"])
    assert portions.iloc[0]["portion"] == "1 glass"
    assert portions.iloc[0]["grams"] == 250

    merged = catalog.with_foods(foods, portions)
    assert len(merged) == len(catalog) + 1
    assert merged.food("label:oat-drink-fortified-brand-x")["source"] == "label"
    assert merged.portions_of("label:oat-drink-fortified-brand-x")["grams"].tolist() == [250]


def test_natural_b12_label_counts_no_added_b12():
    foods, portions = food_from_label(
        name="Greek yogurt",
        serving_g=170,
        serving_label="",
        b12_per_serving_ug=1.0,
        kcal_per_serving=100,
        b12_is_added=False,
        protein_g_per_serving=17,
        fat_g_per_serving=0,
        sodium_mg_per_serving=60,
        carb_g_per_serving=6.8,
    )
    assert foods.iloc[0]["b12_added_ug"] == 0
    assert foods.iloc[0]["protein_g"] == pytest.approx(10)
    assert foods.iloc[0]["fat_g"] == 0  # a stated 0 is a real 0
    assert foods.iloc[0]["carb_g"] == pytest.approx(4)
    assert portions.iloc[0]["portion"] == "1 serving (170 g)"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": " "}, "give the food a name"),
        ({"serving_g": None}, "serving size is missing"),
        ({"serving_g": 0.2}, "serving size must be from 1 to 2000 g"),
        ({"kcal_per_serving": None}, "energy per serving is missing"),
        ({"kcal_per_serving": 500, "serving_g": 30}, "more than 900 kcal per 100 g"),
        ({"protein_g_per_serving": 300}, "protein per serving must be from 0 to 240 g"),
        ({"fat_g_per_serving": None}, "fat per serving is missing; the planner needs"),
        ({"sodium_mg_per_serving": None}, "sodium per serving is missing"),
        ({"carb_g_per_serving": -1}, "carbohydrate per serving must be from 0"),
        ({"name": "!!!"}, "at least one letter or digit"),
    ],
)
def test_bad_label_forms_are_explained(overrides, message):
    values = {
        "name": "Soy drink",
        "serving_g": 240,
        "serving_label": "1 cup",
        "b12_per_serving_ug": 1.0,
        "kcal_per_serving": 80,
        "protein_g_per_serving": 7,
        "fat_g_per_serving": 4,
        "sodium_mg_per_serving": 90,
    }
    with pytest.raises(InputError, match=message):
        food_from_label(**(values | overrides))


def test_label_ids_are_stable_slugs():
    assert label_food_id("Nutritional Yeast — fortified!") == "label:nutritional-yeast-fortified"
    assert label_food_id("A" * 100) == "label:" + "a" * 60


# --- B12 source ranking --------------------------------------------------------------------


def _mini_catalog():
    foods = pd.DataFrame(
        {
            "description": ["Clams", "Soy drink", "Cheese", "Unknown bar", "Rice"],
            "category": ["fish", "drinks", "dairy", "snacks", "grains"],
            "kcal": [148.0, 40.0, 400.0, 350.0, 130.0],
        },
        index=pd.Index(["c", "s", "ch", "u", "r"], name="food_id"),
    )
    portions = pd.DataFrame(
        {
            "food_id": ["c", "s", "s", "ch", "u"],
            "seq": [1, 2, 1, 1, 1],
            "portion": ["3 oz", "1 quart", "1 cup", "1 oz", "1 bar"],
            "grams": [85.0, 976.0, 243.0, 28.0, 40.0],
        }
    )
    counted = pd.Series({"c": 98.9, "s": 1.1, "ch": 3.3, "u": float("nan"), "r": 0.0})
    return foods, portions, counted


def test_ranking_per_serving_uses_the_first_portion_and_skips_unknowns():
    foods, portions, counted = _mini_catalog()
    ranked = rank_b12_sources(foods, portions, counted, by="serving")
    assert ranked.index.tolist() == ["c", "s", "ch"]  # unknown and zero B12 drop out
    assert ranked.loc["s", "portion"] == "1 cup"  # seq 1, not the quart
    assert ranked.loc["s", "b12_per_serving_ug"] == pytest.approx(1.1 * 2.43)
    assert ranked.loc["c", "b12_per_100kcal_ug"] == pytest.approx(98.9 / 148 * 100)


def test_ranking_per_100_kcal_prefers_dense_low_energy_foods():
    foods, portions, counted = _mini_catalog()
    ranked = rank_b12_sources(foods, portions, counted, by="100kcal", limit=2)
    assert ranked.index.tolist() == ["c", "s"]  # soy drink 2.75 µg/100 kcal beats cheese 0.83
    with pytest.raises(InputError, match="rank by"):
        rank_b12_sources(foods, portions, counted, by="weight")


def test_nutrients_table_per_portion_keeps_missing_values_missing(catalog):
    food = catalog.food("sr:01077")  # whole milk
    table = nutrients_table(food, catalog.portions_of("sr:01077")).set_index("nutrient")
    cup = next(c for c in table.columns if c.startswith("per 1 cup"))
    assert table.loc["Vitamin B12", cup] == pytest.approx(food["b12_ug"] * 2.44)
    assert table.loc["Vitamin B12", "unit"] == "µg"
    garlic = catalog.food("fdc:1104647")  # Foundation food with no B12 analysis
    assert math.isnan(
        nutrients_table(garlic, pd.DataFrame())
        .set_index("nutrient")
        .loc["Vitamin B12", "per 100 g"]
    )


# --- risk check ----------------------------------------------------------------------------


def test_no_risk_factor_suggests_omnivore_and_no_clinician():
    result = assess_risk([])
    assert result.suggested_preset == "omnivore"
    assert not result.needs_clinician
    assert result.messages == ()


@pytest.mark.parametrize(
    ("factors", "preset", "clinician"),
    [
        (["vegan"], "vegan", False),
        (["vegetarian"], "vegetarian", False),
        (["vegan", "vegetarian"], "vegan", False),
        (["over_50"], "fortified-only", False),
        (["acid_reducers"], "fortified-only", False),
        (["atrophic_gastritis"], "fortified-only", False),
        (["metformin"], "omnivore", False),
        (["vegetarian", "over_50"], "vegetarian", False),
        (["vegan", "over_50"], "vegan", False),
        (["pernicious_anaemia"], "fortified-only", True),
        (["gastric_surgery", "vegan"], "vegan", True),
        (["crohns"], "fortified-only", True),
    ],
)
def test_risk_factors_map_to_a_preset(factors, preset, clinician):
    result = assess_risk(factors)
    assert result.suggested_preset == preset
    assert result.needs_clinician is clinician
    for key in factors:
        assert (FACTORS_BY_KEY[key].level, FACTORS_BY_KEY[key].message) in result.messages


def test_malabsorption_leads_with_the_plan_is_not_enough_message():
    result = assess_risk(["metformin", "pernicious_anaemia"])
    level, text = result.messages[0]
    assert level == "clinician" and "may not be enough" in text
    assert [lvl for lvl, _ in result.messages[1:]] == ["clinician", "warning"]


def test_vegetarian_over_50_is_told_to_prefer_fortified_sources():
    assert "fortified" in assess_risk(["vegetarian", "over_50"]).reason
    assert "fortified" not in assess_risk(["vegetarian"]).reason


def test_unknown_factor_is_refused_with_the_choices():
    with pytest.raises(InputError, match="unknown risk factor.*'smoker'.*choose from"):
        assess_risk(["smoker"])


def test_every_factor_of_the_brief_is_asked_and_limits_name_symptoms_and_tests():
    assert {f.key for f in RISK_FACTORS} == {
        "vegan",
        "vegetarian",
        "over_50",
        "pernicious_anaemia",
        "crohns",
        "coeliac",
        "atrophic_gastritis",
        "gastric_surgery",
        "metformin",
        "acid_reducers",
        "alcohol",
    }
    text = " ".join(LIMITS).lower()
    for word in ("tingling", "numbness", "calf cramps", "balance", "clinician"):
        assert word in text
    for test in ("blood count", "serum b12", "methylmalonic acid", "homocysteine"):
        assert test in text


# --- edited servings ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vegan_plan(catalog):
    from planner.model import make_plan

    return make_plan({"diet": "vegan"}, catalog, time_limit=5)


def test_edit_servings_scales_entries_and_recomputes_days(vegan_plan, catalog):
    index, entry = next((i, e) for i, e in enumerate(vegan_plan.entries) if e.b12_counted_ug > 0)
    new = entry.servings + 1
    edited, report = edit_servings(vegan_plan, {index: new}, catalog)
    changed = edited.entries[index]
    assert changed.servings == new
    assert changed.grams == pytest.approx(new * entry.portion_grams, abs=0.05)
    assert changed.b12_counted_ug == pytest.approx(entry.b12_counted_ug * new / entry.servings)
    before = next(d for d in vegan_plan.days if d.day == entry.day)
    after = next(d for d in edited.days if d.day == entry.day)
    extra = entry.b12_counted_ug / entry.servings
    assert after.b12_counted_ug == pytest.approx(before.b12_counted_ug + extra, rel=1e-3)
    assert after.b12_absorbed_ug is not None
    assert vegan_plan.entries[index].servings == entry.servings  # the original is untouched
    assert "edited by hand" in edited.notes[-1]


def test_dropping_the_b12_foods_of_a_day_reports_the_shortfall(vegan_plan, catalog):
    day_one = {
        i: 0 for i, e in enumerate(vegan_plan.entries) if e.day == 1 and e.b12_counted_ug > 0
    }
    edited, report = edit_servings(vegan_plan, day_one, catalog)
    assert len(edited.entries) == len(vegan_plan.entries) - len(day_one)
    assert not report.ok
    names = {v.name for v in report.shortfalls()}
    assert any(name.startswith("b12_day1") for name in names), names
    assert next(d for d in edited.days if d.day == 1).b12_counted_ug == pytest.approx(
        sum(s.strength_ug * s.count for s in vegan_plan.supplements if s.day == 1)
    )


@pytest.mark.parametrize(
    ("servings", "message"), [(-1, "from 0 to 10"), (11, "from 0 to 10"), (0.3, "half portions")]
)
def test_bad_servings_are_explained(vegan_plan, catalog, servings, message):
    with pytest.raises(InputError, match=message):
        edit_servings(vegan_plan, {0: servings}, catalog)


def test_attach_custom_foods_records_only_the_used_ones(vegan_plan, catalog):
    used_id = vegan_plan.entries[0].food_id
    foods = pd.DataFrame(
        [
            {"food_id": used_id, "description": "Stand-in", "source": "label", "b12_ug": 1.5},
            {"food_id": "label:unused", "description": "Unused", "source": "label"},
        ]
    )
    portions = pd.DataFrame(
        [
            {"food_id": used_id, "seq": 2, "portion": "1 glass", "grams": 250.0},
            {"food_id": used_id, "seq": 1, "portion": "1 cup", "grams": 240.0},
        ]
    )
    attached = attach_custom_foods(vegan_plan, foods, portions, {used_id: "water, oats"})
    (record,) = attached.custom_foods
    assert record["ingredients"] == "water, oats"
    assert record["food_id"] == used_id and record["b12_ug"] == 1.5
    assert record["kcal"] is None  # unknown stays unknown
    assert record["portions"] == [
        {"portion": "1 cup", "grams": 240.0},
        {"portion": "1 glass", "grams": 250.0},
    ]
    assert Plan.from_json(attached.to_json()).custom_foods == attached.custom_foods
    assert vegan_plan.custom_foods == []


# --- food search -------------------------------------------------------------------------------


def test_search_variants_singular_and_joined_words():
    assert search_variants("Soy  milk") == ["soy milk", "soymilk"]
    assert search_variants("clams") == ["clams", "clam"]
    assert search_variants("blueberries") == ["blueberries", "blueberry"]
    assert search_variants("nutritional yeast") == ["nutritional yeast", "nutritionalyeast"]


def test_search_foods_finds_each_spelling_the_catalog_uses(catalog):
    """SR28 writes "Soymilk" and "Mollusks, clam": "soy milk" missed every fortified soymilk
    (sr:16222, 1.11 µg/100 g) and "clams" the B12-richest clam (sr:15159, cooked, moist heat)."""
    soy = search_foods(catalog, "soy milk")
    assert {"fndds:11320100", "sr:16222", "sr:16235"} <= set(soy.index)
    assert "sr:16222" not in catalog.search("soy milk").index  # what the page showed before
    clams = search_foods(catalog, "clams")
    assert {"fndds:26303100", "sr:15157", "sr:15159"} <= set(clams.index)
    assert list(clams.index) == [i for i in catalog.foods.index if i in set(clams.index)]
    # still a word start: "fortified" does not find "not fortified"'s "unfortified" twin
    assert not search_foods(catalog, "fortified")["description"].str.contains("unfortified").any()
    assert search_foods(catalog, "nutritional yeast").empty  # not in the bundled catalog
