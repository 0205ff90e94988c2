"""Diet labels: the contract others code against, spot checks of hard foods, B12 rules, speed."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from planner.diets import (
    DIETS,
    FLAGS,
    LABEL_COLUMNS,
    ROLES,
    SLOTS,
    Diet,
    allowed,
    compute_labels,
    counted_b12_per_100g,
    explain,
    label_foods,
    label_new_foods,
)
from planner.diets.precomputed import LABELS_FILE, fingerprint, read_labels
from planner.errors import InputError


@pytest.fixture(scope="module")
def labels(catalog):
    return label_foods(catalog)


@pytest.fixture(scope="module")
def fresh(catalog):
    return compute_labels(catalog)


def test_contract_columns_and_index(catalog, labels):
    assert list(labels.columns) == list(LABEL_COLUMNS)
    assert labels.index.equals(catalog.foods.index)
    for flag in (*FLAGS, "vegan", "vegetarian", "diet_uncertain", "plannable", "b12_reliable"):
        assert labels[flag].dtype == bool, flag
    assert set(labels["role"]) <= set(ROLES)
    for column, allowed_items in (("roles", ROLES), ("slots", SLOTS)):
        items = {i for value in labels[column] for i in value.split(",")}
        assert items <= set(allowed_items), column
    assert (labels["slots"].str.len() > 0).all()
    assert labels["group_id"].notna().all()


def test_flags_and_verdicts_agree(labels):
    any_flag = labels[list(FLAGS)].any(axis=1)
    assert not (labels["vegan"] & any_flag).any()
    non_veg = labels[["meat", "poultry", "fish", "byproduct"]].any(axis=1)
    assert not (labels["vegetarian"] & non_veg).any()
    assert not (labels["vegan"] & ~labels["vegetarian"]).any()
    joined = labels[list(FLAGS)].apply(lambda r: ",".join(f for f in FLAGS if r[f]), axis=1)
    assert (joined == labels["animal_flags"]).all()
    # Uncertain means "not established", so never vegan.
    assert not (labels["vegan"] & labels["diet_uncertain"]).any()


def test_precomputed_file_equals_fresh_computation(catalog, fresh):
    from planner.catalog import DEFAULT_SNAPSHOT

    stored = read_labels(DEFAULT_SNAPSHOT / LABELS_FILE)
    assert stored is not None, "run `make labels` to create data/usda/labels.parquet"
    table, stamp = stored
    assert stamp == fingerprint(catalog), "labels.parquet is stale: run `make labels`"
    pd.testing.assert_frame_equal(table, fresh, check_index_type=False)


def test_labels_are_cached_and_fast(catalog):
    label_foods(catalog)
    start = time.perf_counter()
    again = label_foods(catalog)
    assert again is label_foods(catalog)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("food_id", "reason"),
    [
        ("sr:14250", "alcoholic"),  # Beverages, AMBER, hard cider
        ("sr:14252", "alcoholic"),  # Beverages, Malt liquor beverage
        ("sr:14632", "supplement"),  # Beverages, Meal supplement drink, canned, peanut flavor
    ],
)
def test_alcohol_and_supplement_drinks_are_not_planned(labels, food_id, reason):
    """Both were plannable (for everyone, children too) before the rules named them."""
    assert not labels.at[food_id, "plannable"]
    assert reason in labels.at[food_id, "exclusion_reason"]


@pytest.mark.parametrize(
    ("food_id", "vegan", "vegetarian", "flag"),
    [
        ("sr:01009", False, True, "dairy"),  # Cheese, cheddar
        ("sr:01001", False, True, "dairy"),  # Butter, salted
        ("sr:16098", True, True, None),  # Peanut butter, smooth style, with salt
        ("sr:11209", True, True, None),  # Eggplant, raw
        ("sr:14016", True, True, None),  # Almond milk, sweetened, vanilla
        ("fndds:11320000", True, True, None),  # Soy milk, sweetened
        ("fndds:11111000", False, True, "dairy"),  # Milk, whole
    ],
)
def test_spot_checks(labels, food_id, vegan, vegetarian, flag):
    row = labels.loc[food_id]
    assert row["vegan"] == vegan
    assert row["vegetarian"] == vegetarian
    if flag:
        assert row[flag]


def test_diet_presets(labels):
    assert set(DIETS) == {"omnivore", "vegetarian", "vegan", "fortified-only"}
    assert DIETS["fortified-only"] == Diet(
        "omnivore", "fortified_only", DIETS["fortified-only"].label
    )
    assert allowed(labels, "omnivore").all()
    assert allowed(labels, "vegan").equals(labels["vegan"])
    assert allowed(labels, DIETS["vegetarian"]).equals(labels["vegetarian"])
    all_b12 = counted_b12_per_100g(labels, "vegan")
    fortified = counted_b12_per_100g(labels, "fortified-only")
    assert (fortified <= all_b12 + 1e-12).all()
    assert fortified.notna().all() and all_b12.notna().all()
    with pytest.raises(InputError):
        allowed(labels, "paleo")


def test_b12_rules(catalog, labels):
    foods = catalog.foods
    b12 = foods["b12_ug"]
    known = labels["b12_known"]
    assert known.equals(b12.notna())
    # Unknown B12 counts 0 but stays flagged unknown; natural B12 stays NaN where B12 is NaN.
    assert (labels.loc[~known, "b12_counted_all_ug"] == 0).all()
    assert labels.loc[~known, "b12_natural_ug"].isna().all()
    reliable = labels["b12_reliable"] & known
    assert (labels.loc[reliable, "b12_counted_all_ug"] == b12[reliable]).all()
    assert (labels.loc[~labels["b12_reliable"], "b12_counted_all_ug"] == 0).all()
    # Natural B12 = listed minus added, never below 0.
    both = known & foods["b12_added_ug"].notna()
    expected = (b12[both] - foods.loc[both, "b12_added_ug"]).clip(lower=0)
    assert (labels.loc[both, "b12_natural_ug"] - expected).abs().max() < 1e-9


def test_unreliable_sources_count_zero(catalog, labels):
    names = catalog.foods["description"].str.lower()
    for word in ("tempeh", "spirulina", "seaweed", "mushrooms", "miso"):
        plant = labels["animal_flags"].isin(["", "honey"])
        hits = labels[names.str.contains(word) & plant]
        assert len(hits), word
        assert not hits["b12_reliable"].any(), word
        assert (hits["b12_counted_all_ug"] == 0).all(), word


def test_explain_names_the_decisive_ingredient(catalog, labels):
    non_vegan_recipe = labels[labels.index.str.startswith("fndds:") & labels["egg"]].index[0]
    text = explain(non_vegan_recipe, catalog).text
    assert "vegan: no" in text and "egg" in text and "ingredient" in text
    with pytest.raises(InputError):
        explain("sr:99999", catalog)


def test_new_foods_are_conservative():
    foods = pd.DataFrame(
        {
            "food_id": ["new:1", "new:2", "new:3", "new:4"],
            "description": ["Oat drink", "Oat drink", "Granola", "Lentil soup"],
            "category": ["Plant Based Milk", "Plant Based Milk", "Cereal", ""],
            "b12_ug": [0.4, 0.4, None, None],
        }
    )
    statements = {
        "new:1": "Water, oats, rapeseed oil, calcium carbonate, vitamin B12",
        "new:2": "Water, oats, whey powder, vitamin D3",
    }
    labels = label_new_foods(foods, statements)
    assert list(labels.columns) == list(LABEL_COLUMNS)
    assert labels.loc["new:1", "vegan"]
    assert not labels.loc["new:2", "vegan"] and labels.loc["new:2", "dairy"]
    assert not labels.loc["new:3", "vegan"] and labels.loc["new:3", "diet_uncertain"]
    assert not labels.loc["new:4", "vegan"] and not labels.loc["new:4", "vegetarian"]
    assert not labels.loc["new:3", "b12_known"]


def test_catalog_with_custom_foods_keeps_bundled_labels(catalog, labels):
    custom = pd.DataFrame(
        {
            "food_id": ["custom:oat-drink"],
            "description": ["Oat drink, fortified"],
            "source": ["fdc"],
            "category": ["Beverages"],
            "b12_ug": [0.38],
        }
    )
    bigger = catalog.with_foods(custom)
    start = time.perf_counter()
    extended = label_foods(bigger)
    assert time.perf_counter() - start < 2.0
    assert extended.index.equals(bigger.foods.index)
    pd.testing.assert_frame_equal(extended.loc[labels.index], labels)
    row = extended.loc["custom:oat-drink"]
    assert row["b12_known"] and row["role"] == "beverage"


def test_ingredient_statements_ignore_cross_contact_warnings():
    foods = pd.DataFrame(
        {"food_id": ["new:a", "new:b"], "description": ["Dark chocolate bar", "Dark chocolate bar"]}
    )
    statements = {
        "new:a": "Cocoa mass, sugar, cocoa butter, vanilla. May contain milk and hazelnuts.",
        "new:b": "Cocoa mass, sugar, cocoa butter, butterfat, vanilla",
    }
    labels = label_new_foods(foods, statements)
    assert labels.loc["new:a", "vegan"], labels.loc["new:a", "diet_reason"]
    assert labels.loc["new:b", "dairy"] and not labels.loc["new:b", "vegan"]


def test_reviewed_overrides_apply_with_their_reason(labels):
    broth = labels.loc["sr:06615"]  # Soup, SWANSON, vegetable broth
    assert broth["vegan"] and broth["vegetarian"] and not broth["diet_uncertain"]
    assert "override vegan_uncertain=false" in broth["diet_reason"]
    tofu_mayo = labels.loc["sr:42178"]  # Mayonnaise, made with tofu
    assert tofu_mayo["vegan"] and not tofu_mayo["egg"]
    # Without the override the name's 'mayonnaise' would have flagged egg.
    assert labels.loc["sr:04025", "egg"]  # Salad dressing, mayonnaise, regular


def test_fndds_notes_name_the_other_foods_a_code_stands_for(labels):
    # "tomato juice with clam or beef juice": Clamato is sold as a tomato cocktail.
    cocktail = labels.loc["fndds:74302000"]  # Tomato juice cocktail
    assert not cocktail["vegetarian"] and "FNDDS note" in cocktail["diet_reason"]
    assert not labels.loc["fndds:58122320", "vegetarian"]  # Knish: cheese, potato, or meat
    assert not labels.loc["fndds:56203155", "vegan"]  # instant oatmeal: "fruit and cream"
    assert not labels.loc["fndds:71205040", "vegan"]  # potato sticks: Cheddar "fries"
    # "with or without cheese" is read as written, not as an egg-free-style "without" phrase.
    assert not labels.loc["fndds:71405030", "vegan"]  # Potato, hash brown, from dry mix
    # "NS as to meat" only says the report did not say: plain beans stay vegan.
    assert labels.loc["fndds:41102110", "vegan"]  # Black beans, from canned, reduced sodium
    # Vegetables "cooked with butter or margarine; animal fat" stay vegetarian: the name says
    # what to cook them with.
    assert labels.loc["fndds:72107231", "vegetarian"]


def test_reviewed_name_rules(labels):
    assert labels.loc["sr:19225", "byproduct"]  # Desserts, rennin, tablets: calf rennet
    assert labels.loc["sr:18423", "egg"]  # Cookies, ladyfingers
    assert not labels.loc["sr:43017", "vegetarian"]  # green goddess dressing: anchovies
    # Juice with added vitamin D (usually D3 from lanolin) is not vegan; with calcium only it is.
    assert not labels.loc["sr:09210", "vegan"] and labels.loc["sr:09210", "vegetarian"]
    assert labels.loc["sr:09211", "vegan"]
    # Distilled and cider vinegars are not fined like wine: recipes using them can be vegan.
    assert labels.loc["sr:02053", "vegan"] and labels.loc["fndds:58151230", "vegan"]
    # Smoothies other than juice smoothies usually contain milk or yogurt.
    assert not labels.loc["sr:14087", "vegan"] and labels.loc["sr:31032", "vegan"]
    # A name that says the honey is absent: 'Walnuts, excluding honey roasted' is vegan (it
    # was flagged honey); honey-roasted nuts are not.
    assert labels.loc["fndds:42116000", "vegan"] and not labels.loc["fndds:42116000", "honey"]
    assert not labels.loc["fndds:42101350", "vegan"] and labels.loc["fndds:42101350", "honey"]
    # 'no dairy' / 'no butter' name the absence: not dairy from the name (they stay not
    # certainly vegan for other reasons, which the reason now names).
    for food_id in ("fndds:64134015", "fndds:54408416"):  # smoothie no dairy; pretzel no butter
        assert not labels.loc[food_id, "dairy"]
        assert "dairy" not in labels.loc[food_id, "diet_reason"].split(":")[0]


def test_fortified_only_never_counts_natural_b12_of_fast_food(catalog, labels):
    # A Quarter Pounder's B12 is beef's, not fortification, though its name names no meat.
    burger = labels.loc["sr:21234"]
    assert catalog.foods.loc["sr:21234", "b12_ug"] > 1
    assert burger["b12_counted_all_ug"] == catalog.foods.loc["sr:21234", "b12_ug"]
    assert burger["b12_counted_fortified_only_ug"] == 0 and not burger["fortified_inferred"]
    # Fortified cereals without a stated added amount still count under fortified-only.
    cereal = labels.loc["sr:08506"]  # RALSTON Corn Flakes
    assert cereal["fortified_inferred"] and cereal["b12_counted_fortified_only_ug"] > 0
    # Under fortified-only, a food with a stated added amount counts that amount, never more.
    known = catalog.foods["b12_added_ug"].notna()
    counted = labels.loc[known, "b12_counted_fortified_only_ug"]
    assert (counted <= catalog.foods.loc[known, "b12_added_ug"] + 1e-12).all()


def test_unreliable_sources_count_only_added_b12(labels):
    assert labels.loc["sr:18375", "b12_counted_all_ug"] == 0  # baker's yeast, active dry
    foods = pd.DataFrame(
        {
            "food_id": ["new:ny", "new:nyf", "new:nori"],
            "description": [
                "Nutritional yeast flakes",
                "Nutritional yeast flakes, fortified",
                "Seaweed snack, nori",
            ],
            "category": ["Spices and Herbs", "Spices and Herbs", "Vegetables"],
            "b12_ug": [2.0, 40.0, None],
        }
    )
    new = label_new_foods(foods)
    assert not new.loc["new:ny", "b12_reliable"] and new.loc["new:ny", "b12_counted_all_ug"] == 0
    fortified = new.loc["new:nyf"]
    assert not fortified["b12_reliable"]
    assert fortified["b12_counted_all_ug"] == 40.0
    assert fortified["b12_counted_fortified_only_ug"] == 40.0
    # Missing B12 stays missing: not known, no natural amount, counts 0.
    nori = new.loc["new:nori"]
    assert not nori["b12_known"] and pd.isna(nori["b12_natural_ug"])
    assert nori["b12_counted_all_ug"] == 0
