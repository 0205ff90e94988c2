"""Plans look like food people eat: the diet labels keep not-as-eaten foods out of plans, give
everyday foods sensible roles and slots, cap servings, and flag portions that are not household
measures. Most checks read the labels only (fast); the last section builds short real plans.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from planner import diets
from planner.diets import household_portions, label_foods
from planner.model import choose_portions, make_plan
from planner.profile import Profile

# Foods nobody eats as such (hand-picked from the catalog; the name fragment guards the id).
NOT_EATEN_AS_SUCH = {
    "fndds:41440000": "Textured vegetable protein, dry",
    "fndds:57602100": "Oats, raw",
    "sr:20038": "Oats",
    "fdc:2346396": "Oats, whole grain, rolled",
    "sr:20044": "Rice, white, long-grain, regular, raw",
    "sr:20120": "Pasta, dry",
    "sr:20081": "Wheat flour",
    "sr:16069": "Lentils, raw",
    "fdc:2644283": "Lentils, dry",
    "sr:16144": "Lentils, pink or red, raw",
    "sr:06583": "Soup, ramen noodle, any flavor, dry",
    "sr:01091": "Milk, dry, nonfat",
    "fndds:12210400": "Coffee creamer, powder",
    "fndds:99997100": "Potato, cooked, as ingredient",
    "fndds:99997540": "Eggplant, cooked, as ingredient",
    "fndds:42401010": "Coconut milk, used in cooking",
    "fndds:31111010": "Egg, yolk only, cooked",
    "fndds:31108110": "Egg, white, cooked",
    "fndds:91301100": "Simple syrup",
    "fndds:91101010": "Sugar, white",
    "fndds:91302010": "Honey",
    "sr:19353": "Syrups, maple",
    "fndds:63113030": "Cherry pie filling",
    "fndds:91305010": "Icing, chocolate",
    "fndds:12140000": "Cream, whipped",
    "fndds:75120000": "Green peas, raw",
    "fndds:75100800": "Asparagus, raw",
    "fndds:75111200": "Eggplant, raw",
    "sr:11352": "Potatoes, flesh and skin, raw",
    "sr:11518": "Taro, raw",
    "sr:11026": "Bamboo shoots, raw",
    "sr:11130": "Carrots, frozen, unprepared",
    "sr:11215": "Garlic, raw",
    "sr:11546": "Tomato products, canned, paste",
    "sr:09156": "Lemon peel, raw",
    "fndds:54319500": "Rice paper",
    "sr:18079": "Bread crumbs",
    "sr:10007": "Pork, fresh, separable fat",
    "sr:05018": "Chicken, broilers or fryers, skin only",
    "fndds:81202000": "Lard",
}

# Everyday foods: (name fragment, role, roles it must be able to play, a slot it must fit).
EVERYDAY = {
    "fndds:63101000": ("Apple, raw", "fruit", {"fruit"}, "snack"),
    "fndds:63107010": ("Banana, raw", "fruit", {"fruit"}, "breakfast"),
    "fndds:51300110": ("Bread, whole wheat", "grain", {"grain"}, "breakfast"),
    "fndds:11320100": ("Soy milk, unsweetened", "dairy_alt", {"dairy_alt"}, "breakfast"),
    "fndds:11111000": ("Milk, whole", "dairy_alt", {"dairy_alt"}, "breakfast"),
    "fndds:56203056": (
        "Oatmeal, regular or quick, made with water",
        "grain",
        {"grain"},
        "breakfast",
    ),
    "fndds:56205018": ("Rice, brown, cooked", "grain", {"grain"}, "dinner"),
    "fndds:56130000": ("Pasta, cooked", "grain", {"grain"}, "dinner"),
    "fndds:41305000": ("Lentils, from dried", "protein", {"protein"}, "dinner"),
    "fndds:41420010": ("Soybean curd", "protein", {"protein"}, "dinner"),
    "sr:16426": ("Tofu", "protein", {"protein"}, "dinner"),
    "fndds:72201212": ("Broccoli, frozen, cooked", "vegetable", {"vegetable"}, "dinner"),
    "fndds:75114000": ("Mixed salad greens, raw", "vegetable", {"vegetable"}, "lunch"),
    "fndds:75113000": ("Lettuce, raw", "vegetable", {"vegetable"}, "lunch"),
    "fndds:72125100": ("Spinach, raw", "vegetable", {"vegetable"}, "lunch"),
    "fndds:73101010": ("Carrots, raw", "vegetable", {"vegetable"}, "lunch"),
    "fndds:74101000": ("Tomatoes, raw", "vegetable", {"vegetable"}, "lunch"),
    "fndds:75111000": ("Cucumber, raw", "vegetable", {"vegetable"}, "lunch"),
    "fndds:71101000": ("Potato, baked", "vegetable", {"vegetable", "grain"}, "dinner"),
    "fndds:42202000": ("Peanut butter", "protein", {"protein"}, "breakfast"),
    "fndds:42116000": ("Walnuts", "protein", {"protein"}, "snack"),
    "fndds:11411300": ("Yogurt, nonfat milk, plain", "dairy_alt", {"dairy_alt"}, "breakfast"),
    "fndds:32130010": ("Egg omelet or scrambled egg", "protein", {"protein"}, "breakfast"),
    "fndds:24122141": ("Chicken breast, baked or broiled", "protein", {"protein"}, "dinner"),
    "fndds:24122131": (
        "Chicken breast, baked, broiled, or roasted",
        "protein",
        {"protein"},
        "dinner",
    ),
    "fndds:26137120": ("Fish, salmon, baked or broiled", "protein", {"protein"}, "dinner"),
    "fndds:61210220": ("Orange juice, 100%", "beverage", {"beverage"}, "breakfast"),
    "fndds:14104100": ("Cheese, Cheddar", "dairy_alt", {"dairy_alt"}, "lunch"),
    "fndds:82104000": ("Olive oil", "fat_condiment", {"fat_condiment"}, "dinner"),
    "fndds:91402000": ("Jam", "fat_condiment", {"fat_condiment"}, "breakfast"),
}

MAINS = {"protein", "mixed_dish"}
MEALS = ("breakfast", "lunch", "dinner")
DESSERT_WORDS = re.compile(
    r"\b(?:desserts?|ice creams?|frozen desserts?|puddings?|custards?|cookies?|brownies?|"
    r"cand(?:y|ies)|frosting|icing|syrups?|cheesecake|doughnuts?)\b",
    re.IGNORECASE,
)
# Savoury foods whose names hold a dessert word: corn pudding, TV dinners with a dessert,
# pancakes served with syrup.
NOT_A_DESSERT = re.compile(
    r"\bcorn,? (?:scalloped or )?pudding\b|\byorkshire\b|\bfrozen meal\b|"
    r"\b(?:with|&)\b.*\bsyrup\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def labels(catalog) -> pd.DataFrame:
    return label_foods(catalog)


def _split(value: str) -> set[str]:
    return {v for v in str(value).split(",") if v}


def _check_names(catalog, table: dict) -> None:
    for food_id, entry in table.items():
        fragment = entry if isinstance(entry, str) else entry[0]
        assert fragment.lower() in catalog.foods.at[food_id, "description"].lower(), food_id


# ---------------------------------------------------------------------------------------------
# Labels (fast)


def test_foods_not_eaten_as_such_are_not_plannable_and_say_why(catalog, labels):
    _check_names(catalog, NOT_EATEN_AS_SUCH)
    rows = labels.loc[list(NOT_EATEN_AS_SUCH)]
    assert not rows["plannable"].any(), rows.index[rows["plannable"]].tolist()
    assert rows["exclusion_reason"].notna().all()
    assert (rows["exclusion_reason"].str.len() > 10).all()


def test_every_as_ingredient_recipe_component_is_excluded(catalog, labels):
    components = catalog.foods.index[
        catalog.foods["description"].str.contains(r"\bas ingredient\b", case=False)
    ]
    assert len(components) >= 20
    assert not labels.loc[components, "plannable"].any()


def test_everyday_foods_are_plannable_with_sensible_roles_and_slots(catalog, labels):
    _check_names(catalog, EVERYDAY)
    for food_id, (_, role, can_play, slot) in EVERYDAY.items():
        row = labels.loc[food_id]
        assert row["plannable"], (food_id, row["exclusion_reason"])
        assert row["role"] == role, (food_id, row["role"])
        assert can_play <= _split(row["roles"]), (food_id, row["roles"])
        assert slot in _split(row["slots"]), (food_id, row["slots"])


def test_salad_vegetables_stay_plannable_raw(labels, catalog):
    names = catalog.foods["description"]
    for word in ("Lettuce", "Tomatoes", "Cucumber", "Carrots", "Spinach", "Peppers, sweet"):
        raw = labels[names.str.startswith(word) & names.str.contains(r"\braw\b")]
        assert raw["plannable"].any(), word
        assert (raw.loc[raw["plannable"], "role"] == "vegetable").all(), word


def test_sweets_are_snacks_and_never_a_main(labels):
    sweets = labels[labels["plannable"] & (labels["role"] == "sweet")]
    assert len(sweets) > 500
    assert (sweets["slots"] == "snack").all(), sweets.loc[sweets["slots"] != "snack", "slots"]
    for roles in sweets["roles"]:
        assert not _split(roles) & (MAINS | {"grain", "vegetable"}), roles


def test_no_dessert_can_be_a_meals_main(labels, catalog):
    names = catalog.foods["description"]
    plannable = labels["plannable"]
    main = labels["roles"].map(lambda r: bool(_split(r) & MAINS)) | labels["role"].isin(MAINS)
    dessert = names.str.contains(DESSERT_WORDS) & ~names.str.contains(NOT_A_DESSERT)
    offenders = labels.index[plannable & main & dessert]
    assert not len(offenders), names[offenders].tolist()


@pytest.mark.parametrize(
    "food_id",
    [
        "fndds:41480020",  # Frozen dessert, non-dairy (was a protein main)
        "fndds:58164210",  # Rice dessert or salad with fruit (was a mixed dish)
        "fndds:58149110",  # Noodle pudding (was a mixed dish)
        "fndds:41210000",  # Bean cake: a sweet pastry (was a mixed dish)
        "fndds:53452170",  # Pastry, cookie type, fried (was allowed at breakfast as its grain)
    ],
)
def test_reported_sweets_are_sweet_snacks(labels, food_id):
    row = labels.loc[food_id]
    assert row["role"] == "sweet" and row["slots"] == "snack", (food_id, row["role"], row["slots"])


def test_cheese_is_dairy_not_a_protein_main(labels, catalog):
    cheeses = labels[
        labels["plannable"]
        & catalog.foods["category"].isin(["Cheese", "Cottage/ricotta cheese"])
        & (catalog.foods["source"] == "fndds")
    ]
    assert len(cheeses) > 50
    assert not cheeses["roles"].map(lambda r: bool(_split(r) & MAINS)).any()
    assert labels.at["fndds:14107040", "role"] == "dairy_alt"  # Mozzarella


def test_garnishes_never_count_as_a_meals_vegetable(labels):
    for food_id in ("fndds:75117020", "sr:11282", "sr:11979"):  # onions raw (x2), jalapeno
        row = labels.loc[food_id]
        assert row["plannable"]
        assert "vegetable" not in _split(row["roles"]) | {row["role"]}, food_id


def test_tofu_and_condiment_spreads_are_not_a_vegetable_or_a_main(labels):
    for food_id in ("sr:16426", "sr:16114", "sr:16210"):  # tofu, tempeh, Vitasoy tofu
        assert _split(labels.at[food_id, "roles"]) == {"protein"}, food_id
    tahini = labels.loc["fndds:43103300"]
    assert tahini["role"] == "fat_condiment" and "protein" not in _split(tahini["roles"])
    # Peanut butter is a breakfast spread or snack; at lunch it comes as a sandwich dish.
    assert "lunch" not in _split(labels.at["fndds:42202000", "slots"])


def test_breakfast_foods_are_not_planned_at_dinner(labels, catalog):
    breakfast_categories = [
        "Oatmeal",
        "Grits and other cooked cereals",
        "Pancakes, waffles, French toast",
        "Ready-to-eat cereal, higher sugar (>21.2g/100g)",
        "Ready-to-eat cereal, lower sugar (=<21.2g/100g)",
    ]
    rows = labels[catalog.foods["category"].isin(breakfast_categories) & labels["plannable"]]
    assert len(rows) > 50
    assert not rows["slots"].map(lambda s: "dinner" in _split(s)).any()


def test_plant_milk_rule_leaves_coffee_and_oatmeal_alone(labels):
    assert labels.at["fndds:92101923", "role"] == "beverage"  # Frozen coffee drink, non-dairy milk
    assert labels.at["fndds:56203106", "role"] == "grain"  # Oatmeal made with non-dairy milk
    assert labels.at["fndds:11320100", "role"] == "dairy_alt"  # Soy milk


def test_serving_caps_are_realistic(labels):
    caps = labels["max_g_per_meal"]
    assert caps.dtype == "float64"
    known = caps.dropna()
    assert len(known) > 3000
    assert ((known > 0) & (known <= 500)).all()
    for food_id, at_most in [
        ("fndds:75100500", 60),  # Alfalfa sprouts, raw (was 3 cups)
        ("fndds:75117020", 50),  # Onions, raw (was 2 whole onions)
        ("fndds:14107040", 60),  # Mozzarella (was 1 cup shredded)
        ("fndds:42116000", 50),  # Walnuts
        ("fndds:81101000", 20),  # Butter, stick
        ("fndds:62107200", 60),  # Banana chips (was 1 cup)
        ("fndds:91705010", 60),  # Chocolate candy
        ("fndds:75111800", 150),  # Jicama, raw (was 1.5 cups at dinner)
    ]:
        assert caps[food_id] <= at_most, (food_id, caps[food_id])
    plannable = labels["plannable"]
    for role, at_most in (("sweet", 150), ("fat_condiment", 125)):
        rows = caps[plannable & (labels["role"] == role)]
        assert rows.notna().all() and (rows <= at_most).all(), role


def test_explain_shows_the_serving_cap(catalog):
    text = diets.explain("fndds:14107040", catalog).text
    assert "at most 60 g per meal" in text and "cheese" in text


# ---------------------------------------------------------------------------------------------
# Household portions


@pytest.fixture(scope="module")
def portions(catalog) -> pd.DataFrame:
    return household_portions(catalog)


def test_portions_that_are_not_household_measures_are_flagged(portions):
    assert list(portions.columns) == [
        "food_id",
        "seq",
        "portion",
        "grams",
        "usable",
        "unusable_reason",
    ]
    text = portions["portion"].str.lower()
    for pattern in (
        "quantity not specified",
        "keurig",
        r"^0\.2 package",
        "oz dry, yield after cooking",
        "guideline amount",
        "cubic inch",
        "100 calorie package",
    ):
        hits = portions[text.str.contains(pattern)]
        assert len(hits), pattern
        assert not hits["usable"].any(), pattern
        assert hits["unusable_reason"].notna().all(), pattern
    for plain in ("1 cup", "1 slice", "1 tablespoon", "1 medium"):
        hits = portions[text == plain]
        assert len(hits) > 50 and hits["usable"].all(), plain
    assert portions.loc[portions["usable"], "unusable_reason"].isna().all()


def test_label_serving_is_a_fallback_only(portions):
    by_food = portions.groupby("food_id")
    nlea = portions[portions["portion"].str.lower().isin(["1 nlea serving", "1 serving"])]
    assert len(nlea)
    for _, row in nlea.iterrows():
        others = by_food.get_group(row["food_id"])
        plain = others[others["usable"] & (others["seq"] != row["seq"])]
        # Usable only where the food has no other household measure.
        assert row["usable"] == plain.empty, row["food_id"]


def test_few_plannable_foods_lose_every_portion(labels, portions):
    """Foods whose only measures are not household ones (e.g. tofu sold by '0.2 package') drop
    out of plans once the planner skips unusable portions; keep that group small."""
    usable_foods = set(portions.loc[portions["usable"], "food_id"])
    with_portions = set(portions["food_id"])
    plannable = [f for f in labels.index[labels["plannable"]] if f in with_portions]
    lost = [f for f in plannable if f not in usable_foods]
    assert len(lost) / len(plannable) < 0.01, len(lost)


def test_usable_portions_fix_the_reported_odd_amounts(catalog, labels, portions):
    """What the planner gets when it chooses among usable portions only (see the report)."""
    odd = ["fndds:56203097", "fndds:56203130", "fndds:41106010", "fndds:41302010"]
    usable = portions[portions["usable"]]
    chosen = choose_portions(usable, labels.loc[odd, "role"], catalog.foods.loc[odd, "kcal"])
    assert set(chosen.index) == set(odd)
    for portion in chosen["portion"]:
        assert not re.search(r"keurig|yield|package", portion, re.IGNORECASE), portion


# ---------------------------------------------------------------------------------------------
# Real plans (4 presets x 3 days; about 1-2 s each, the whole section well under 30 s)


@pytest.fixture(scope="module")
def plans(catalog, labels):
    start = time.perf_counter()
    built = {
        diet: make_plan(Profile(diet=diet, days=3), catalog, labels=labels)
        for diet in ("vegan", "vegetarian", "omnivore", "fortified-only")
    }
    assert time.perf_counter() - start < 30
    return built


@pytest.mark.parametrize("diet", ["vegan", "vegetarian", "omnivore", "fortified-only"])
def test_real_plans_contain_only_food_as_eaten(plans, labels, diet):
    plan = plans[diet]
    ids = plan.food_ids()
    assert not set(ids) & set(NOT_EATEN_AS_SUCH), set(ids) & set(NOT_EATEN_AS_SUCH)
    assert labels.loc[ids, "plannable"].all()
    meals: dict[tuple[int, str], list[str]] = {}
    for e in plan.entries:
        meals.setdefault((e.day, e.slot), []).append(e.food_id)
    for (day, slot), foods in meals.items():
        roles = labels.loc[foods, "role"]
        if slot in MEALS:
            # No sweet in a meal at all, so never as its only item or its main.
            assert not (roles == "sweet").any(), (diet, day, slot, foods)
        if slot in ("lunch", "dinner"):
            mains = [f for f in foods if _split(labels.at[f, "roles"]) & MAINS]
            assert mains, (diet, day, slot, foods)
