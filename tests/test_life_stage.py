"""Foods not planned for a life stage (planner/rules/life_stage_foods.csv): no coffee, tea, soft,
sports or energy drinks for children; no energy drinks for teens, in pregnancy or lactation."""

from __future__ import annotations

import re

import pytest

from planner import diets
from planner.cli import main
from planner.diets import life_stage
from planner.diets.life_stage import (
    catalog_life_stage_reasons,
    life_stage_reasons,
    load_stage_rules,
    unsuitable_for_stage,
)
from planner.errors import DataError, InputError
from planner.model import build_candidates, make_plan
from planner.profile import LIFE_STAGES, Profile
from planner.verify import verify_plan

CHILDREN = ("child-1-3", "child-4-8", "child-9-13")
# Real caffeinated drinks from the bundled catalog (the lead found the first four in plans for
# toddlers), with the word the reason must use.
DRINKS = {
    "fndds:92171000": "coffee",  # Coffee, bottled/canned
    "fndds:92101920": "coffee",  # Frozen coffee drink
    "fndds:92102502": "coffee",  # Coffee, Iced Latte, with non-dairy milk
    "fndds:92101925": "coffee",  # Frozen coffee drink, with whipped cream
    "fndds:92111010": "coffee",  # Coffee, brewed, decaffeinated
    "sr:14209": "coffee",  # Beverages, coffee, brewed, prepared with tap water
    "sr:14270": "coffee",  # Beverages, coffee, instant, ..., with non dairy creamer
    "sr:16249": "coffee",  # SILK Coffee, soymilk
    "fndds:92302000": "tea",  # Tea, hot, leaf, black
    "sr:14355": "tea",  # Beverages, tea, black, brewed, prepared with tap water
    "sr:16247": "tea",  # SILK Chai, soymilk
    "fndds:92410310": "soft drink",  # Soft drink, cola
    "sr:14148": "soft drink",  # Beverages, carbonated, cola, regular
    "fndds:95320200": "sports drink",  # Sports drink (Gatorade G)
    "fndds:95310600": "energy drink",  # Energy drink (Red Bull)
    "fndds:95310400": "energy drink",  # Energy drink (Monster)
    "fndds:95312600": "energy drink",  # Energy drink, sugar-free (Red Bull)
    "sr:14627": "energy drink",  # Beverages, Energy Drink, Monster, fortified with ... B12
    "sr:14038": "energy drink",  # Beverages, OCEAN SPRAY, Cran-Energy, ...
}
ENERGY = [food_id for food_id, kind in DRINKS.items() if kind == "energy drink"]
# Names that mention coffee, tea, soda or energy but are not such drinks.
NOT_DRINKS = (
    "fndds:51168000",  # Bread, Spanish coffee (a pastry)
    "fndds:51165000",  # Coffee cake, yeast type
    "sr:18103",  # Coffeecake, cheese
    "fndds:12210200",  # Coffee creamer, liquid (no caffeine; not a drink on its own)
    "sr:01050",  # Cream, fluid, light (coffee cream or table cream)
    "fndds:53246000",  # Cookie, tea, Japanese
    "sr:28399",  # Cookies, animal crackers (includes arrowroot, tea biscuits)
    "fndds:41420400",  # Teriyaki sauce
    "fndds:27115100",  # Steak teriyaki
    "fndds:21001000",  # Steak, NS as to type of meat
    "fndds:74302000",  # Tomato juice cocktail
    "fndds:52408000",  # Bread, Irish soda
    "sr:18228",  # Crackers, saltines (includes oyster, soda, soup)
    "sr:25016",  # SNICKERS MARATHON Energy Bar
    "sr:14065",  # Beverages, The COCA-COLA company, Hi-C Flashin' Fruit Punch
    "sr:14434",  # Beverages, The COCA-COLA company, DASANI, water, bottled, non-carbonated
    "sr:14121",  # Beverages, carbonated, club soda
    "fndds:94000100",  # Water, tap
    "fndds:11111000",  # Milk, whole
    "fndds:11511100",  # Chocolate milk, whole
)
CAFFEINE_CATEGORIES = {
    "Coffee",
    "Tea",
    "Soft drinks",
    "Diet soft drinks",
    "Sport and energy drinks",
    "Diet sport and energy drinks",
}


@pytest.fixture(scope="module")
def labels(catalog):
    return diets.label_foods(catalog)


@pytest.mark.parametrize("stage", CHILDREN)
def test_children_get_no_coffee_tea_soft_sports_or_energy_drinks(catalog, stage):
    reasons = life_stage_reasons(catalog.foods.loc[list(DRINKS)], stage)
    for food_id, kind in DRINKS.items():
        assert isinstance(reasons[food_id], str), catalog.foods.at[food_id, "description"]
        assert kind in reasons[food_id], (food_id, reasons[food_id])


@pytest.mark.parametrize("stage", [*CHILDREN, "teen-14-18", "pregnancy", "lactation", "adult"])
def test_names_that_only_mention_coffee_tea_or_soda_are_kept(catalog, stage):
    reasons = life_stage_reasons(catalog.foods.loc[list(NOT_DRINKS)], stage)
    hits = {i: catalog.foods.at[i, "description"] for i in reasons[reasons.notna()].index}
    assert not hits


def test_every_fndds_caffeinated_drink_category_is_left_out_for_children(catalog):
    foods = catalog.foods
    in_categories = foods["category"].isin(CAFFEINE_CATEGORIES)
    assert in_categories.sum() > 100
    for stage in CHILDREN:
        assert unsuitable_for_stage(catalog, stage)[in_categories].all()


@pytest.mark.parametrize("stage", ["teen-14-18", "pregnancy", "lactation"])
def test_energy_drinks_only_for_teens_pregnancy_and_lactation(catalog, stage):
    reasons = life_stage_reasons(catalog.foods.loc[list(DRINKS)], stage)
    for food_id, kind in DRINKS.items():
        if kind == "energy drink":
            assert "energy drink" in reasons[food_id]
        else:  # coffee, tea and soft drinks stay (no caffeine amounts in the catalog to limit)
            assert reasons.isna()[food_id], (food_id, reasons[food_id])


def test_adults_have_no_life_stage_rule(catalog):
    assert not unsuitable_for_stage(catalog, "adult").any()


def test_energy_drinks_match_by_name_outside_their_category(catalog):
    """Every food named an energy drink is caught for a teen, whatever its category."""
    foods = catalog.foods
    named = foods["description"].str.contains(r"\benergy drink", case=False, regex=True)
    assert named.sum() >= 30
    assert unsuitable_for_stage(catalog, "teen-14-18")[named].all()


def test_rules_name_known_stages_and_give_a_reason_and_source():
    rules = load_stage_rules()
    assert rules
    for rule in rules:
        assert set(rule.stages) <= set(LIFE_STAGES)
        assert rule.reason and rule.source


def test_a_broken_rule_table_is_a_data_error(tmp_path, monkeypatch):
    from planner.diets import rules as rule_module

    (tmp_path / life_stage.LIFE_STAGE_RULES_FILE).write_text(
        "stages,catalog,category,pattern,unless,reason,source\n"
        "toddler,all,,coffee,,coffee drink,somewhere\n"
    )
    monkeypatch.setattr(rule_module, "RULES_DIR", tmp_path)
    load_stage_rules.cache_clear()
    try:
        with pytest.raises(DataError, match="unknown life stages"):
            load_stage_rules()
    finally:
        load_stage_rules.cache_clear()


def test_catalog_reasons_are_cached_per_stage(catalog):
    first = catalog_life_stage_reasons(catalog, "child-1-3")
    assert catalog_life_stage_reasons(catalog, "child-1-3") is first
    assert first.index.equals(catalog.foods.index)
    assert catalog_life_stage_reasons(catalog, "adult").notna().sum() == 0


# ---------------------------------------------------------------------------------------------
# Plans


def _caffeinated(plan, catalog) -> list[str]:
    """Foods of the plan in a caffeinated-drink category or named like one (independent of the
    rule table)."""
    foods = catalog.foods
    named = re.compile(r"\b(coffee|espresso|latte|cappuccino|cola|energy drink)\b", re.I)
    return [
        f"{e.food_id} {e.description}"
        for e in plan.entries
        if foods.at[e.food_id, "category"] in CAFFEINE_CATEGORIES
        or (named.search(e.description) and "cake" not in e.description.lower())
    ]


# Each of these plans had a coffee drink before the rule (Coffee, bottled/canned; Coffee, Iced
# Latte, nonfat, flavored; Frozen coffee drink, with non-dairy milk).
@pytest.mark.parametrize(
    ("diet", "stage", "seed", "days"),
    [
        ("vegetarian", "child-1-3", 0, 2),
        ("vegetarian", "child-1-3", 1, 3),
        ("vegetarian", "child-1-3", 3, 2),
        ("vegan", "child-4-8", 2, 2),
    ],
)
def test_child_plans_have_no_caffeinated_drinks(catalog, labels, diet, stage, seed, days):
    profile = Profile(diet=diet, life_stage=stage, days=days, seed=seed)
    plan = make_plan(profile, catalog, labels=labels)
    assert not _caffeinated(plan, catalog)
    reasons = life_stage_reasons(catalog.foods.loc[[e.food_id for e in plan.entries]], stage)
    assert reasons.isna().all(), reasons.dropna().to_dict()
    assert verify_plan(plan, catalog, labels).ok


@pytest.mark.parametrize("diet", ["vegan", "vegetarian"])
def test_a_toddlers_candidates_have_no_caffeinated_drinks(catalog, labels, diet):
    """No plan can hold what is not a candidate; an adult's candidates still have coffee."""
    foods = catalog.foods

    def caffeinated(profile: Profile) -> list[str]:
        ids = build_candidates(profile, catalog, labels, dedupe=False, preselect=False).ids
        return [i for i in ids if foods.at[i, "category"] in CAFFEINE_CATEGORIES]

    assert not caffeinated(Profile(diet=diet, life_stage="child-1-3", days=1))
    assert caffeinated(Profile(diet=diet, days=1))


def test_pantry_coffee_is_not_planned_for_a_child(catalog, labels):
    """Pantry foods are what the household has: a child's plan simply leaves the coffee out."""
    coffee = "fndds:92101000"
    profile = Profile(diet="vegetarian", life_stage="child-4-8", days=2, pantry=[coffee])
    plan = make_plan(profile, catalog, labels=labels)
    assert coffee not in {e.food_id for e in plan.entries}
    assert not _caffeinated(plan, catalog)


@pytest.mark.parametrize("where", ["favourites", "locked"])
def test_a_coffee_asked_for_a_child_is_refused_with_the_reason(catalog, labels, where):
    coffee = "fndds:92101000"  # Coffee, brewed
    asked = (
        {"favourites": [coffee]}
        if where == "favourites"
        else {"locked": [{"day": 1, "slot": "breakfast", "food_id": coffee, "servings": 1}]}
    )
    profile = Profile(life_stage="child-4-8", days=2, **asked)
    with pytest.raises(InputError) as err:
        make_plan(profile, catalog, labels=labels)
    message = str(err.value)
    assert coffee in message and "Coffee, brewed" in message
    assert "children 4-8 years" in message and "coffee drink" in message
    assert ("remove it from the favourites" if where == "favourites" else "unlock it") in message


def test_an_energy_drink_favourite_in_pregnancy_is_refused(catalog, labels):
    profile = Profile(life_stage="pregnancy", days=1, favourites=[ENERGY[0]])
    with pytest.raises(InputError, match="not planned for pregnancy: energy drink"):
        make_plan(profile, catalog, labels=labels)


def test_cli_refuses_a_favourite_coffee_for_a_child_in_one_line(capsys):
    code = main(["plan", "--life-stage", "child-4-8", "--favourite", "fndds:92101000"])
    err = capsys.readouterr().err
    assert code == 2
    assert "fndds:92101000" in err and "children 4-8 years" in err and "coffee drink" in err
    assert "Traceback" not in err


NON_ALCOHOLIC = ("sr:14305", "sr:14553")  # Malt beverage incl. non-alcoholic beer; Wine, non-alc.


@pytest.mark.parametrize("stage", [*CHILDREN, "teen-14-18", "pregnancy", "lactation"])
def test_non_alcoholic_beer_and_wine_are_not_for_the_young_or_in_pregnancy(catalog, stage):
    reasons = life_stage_reasons(catalog.foods.loc[[*NON_ALCOHOLIC, "sr:44203"]], stage)
    for food_id in NON_ALCOHOLIC:
        assert "0.5 % alcohol" in reasons[food_id]
    assert reasons.isna()["sr:44203"]  # a non-alcoholic cocktail mix holds no alcohol


def test_adults_may_have_non_alcoholic_beer(catalog):
    assert life_stage_reasons(catalog.foods.loc[list(NON_ALCOHOLIC)], "adult").isna().all()


def test_a_childs_plan_says_what_was_left_out(catalog, labels):
    plan = make_plan(
        Profile(diet="vegetarian", life_stage="child-4-8", days=1), catalog, labels=labels
    )
    note = next(n for n in plan.notes if n.startswith("Left out at this life stage"))
    assert "coffee drink" in note and "energy drink" in note
    adult = make_plan(Profile(diet="vegetarian", days=1), catalog, labels=labels)
    assert not any(n.startswith("Left out") for n in adult.notes)
