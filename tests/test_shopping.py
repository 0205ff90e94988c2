"""Shopping lists: one line per food, household units, aisles, pantry and packages, conservation.

Plans here are the golden plans in tests/golden (real catalog foods in real portions, rebuilt by
scripts/regenerate_golden.py --plans) and variations of them made in the tests.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import DataError, InputError
from planner.plan import Plan, SupplementDose
from planner.shopping import (
    AISLES,
    AISLES_FILE,
    SCHEME_BY_SOURCE,
    PackageSize,
    aisle_for,
    build_shopping_list,
    format_quantity,
    household_units,
    load_aisle_rules,
    parse_days,
    parse_portion,
    plural,
    read_packages,
    read_pantry,
    round_up,
    supplement_id,
)

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def vegan() -> Plan:
    return Plan.load(GOLDEN / "plan_vegan_week.json")


@pytest.fixture(scope="module")
def vegetarian() -> Plan:
    return Plan.load(GOLDEN / "plan_vegetarian_3day.json")


def plan_grams(plan: Plan, days: set[int] | None = None) -> dict[str, float]:
    totals: dict[str, list[float]] = defaultdict(list)
    for entry in plan.entries:
        if days is None or entry.day in days:
            totals[entry.food_id].append(entry.grams)
    return {food_id: math.fsum(values) for food_id, values in totals.items()}


def assert_conserved(shopping, expected_grams: dict[str, float]) -> None:
    foods = [line for line in shopping.lines if line.kind == "food"]
    assert sorted(line.item_id for line in foods) == sorted(expected_grams)
    for line in shopping.lines:
        if line.kind == "food":
            assert line.needed == pytest.approx(expected_grams[line.item_id], rel=1e-12)
        assert line.pantry_used >= 0 and line.to_buy >= 0
        assert line.pantry_used + line.to_buy == pytest.approx(line.needed, rel=1e-12, abs=1e-9)
        if line.packages is not None:
            assert line.package_size is not None and line.leftover is not None
            assert line.packages * line.package_size - line.leftover == pytest.approx(
                line.to_buy, rel=1e-9, abs=1e-9
            )
            assert -1e-9 <= line.leftover < line.package_size
        # household quantity covers what is bought, and is rounded up by less than one step
        if line.kind == "food" and line.unit_grams:
            assert line.quantity * line.unit_grams >= line.to_buy - 1e-6
            steps = line.to_buy / line.unit_grams
            assert line.quantity - steps < 1.0 + 1e-9


# ---------------------------------------------------------------------------------------------
# The golden plans are real: every number comes from the catalog


@pytest.mark.parametrize("name", ["vegan_week", "vegetarian_3day"])
def test_golden_plans_are_built_from_catalog_values(catalog, name):
    plan = Plan.load(GOLDEN / f"plan_{name}.json")
    for entry in plan.entries:
        food = catalog.food(entry.food_id)
        portions = catalog.portions_of(entry.food_id)
        grams = portions.loc[portions["portion"] == entry.portion, "grams"]
        assert len(grams) == 1, f"{entry.food_id} has no portion {entry.portion!r}"
        assert entry.portion_grams == pytest.approx(float(grams.iloc[0]))
        assert entry.grams == pytest.approx(entry.servings * entry.portion_grams)
        assert entry.description == food["description"]
        assert entry.b12_ug == pytest.approx(entry.grams * food["b12_ug"] / 100)
        assert entry.kcal == pytest.approx(entry.grams * food["kcal"] / 100)


# ---------------------------------------------------------------------------------------------
# One line per food, grams conserved


@pytest.mark.parametrize("name", ["vegan_week", "vegetarian_3day"])
def test_one_line_per_food_with_the_plans_grams(catalog, name):
    plan = Plan.load(GOLDEN / f"plan_{name}.json")
    shopping = build_shopping_list(plan, catalog)
    ids = [line.item_id for line in shopping.lines]
    assert len(ids) == len(set(ids)), "a food is listed twice"
    assert_conserved(shopping, plan_grams(plan))


def test_soy_milk_from_two_slots_is_one_line_in_cups(catalog, vegan):
    line = build_shopping_list(vegan, catalog).line("fndds:11320100")
    # 2 cups a day (breakfast and snack) for 7 days, 244 g a cup
    assert line.needed == pytest.approx(14 * 244)
    assert (line.quantity, line.unit, line.unit_grams) == (14, "cup", 244)


def test_lines_are_in_store_order(catalog, vegan):
    shopping = build_shopping_list(vegan, catalog)
    order = [AISLES.index(line.aisle) for line in shopping.lines]
    assert order == sorted(order)
    assert [a for a, _ in shopping.by_aisle()][-1] == "supplements"


def test_chosen_days_only(catalog, vegan):
    shopping = build_shopping_list(vegan, catalog, days=[1, 2, 3])
    assert shopping.days == (1, 2, 3)
    assert_conserved(shopping, plan_grams(vegan, {1, 2, 3}))
    assert shopping.line(supplement_id(25)).needed == 3


def test_supplements_are_their_own_line_in_tablets(catalog, vegan):
    extra = vegan.model_copy(
        update={
            "supplements": [
                *vegan.supplements,
                SupplementDose(day=3, slot="dinner", strength_ug=1000, count=2),
            ]
        }
    )
    shopping = build_shopping_list(extra, catalog)
    daily = shopping.line("supplement:b12-25ug")
    weekly = shopping.line("supplement:b12-1000ug")
    assert (daily.needed, daily.quantity, daily.unit) == (7, 7, "tablet")
    assert (weekly.needed, weekly.aisle) == (2, "supplements")
    assert daily.description == "Vitamin B12 supplement, 25 µg"


def test_pantry_and_packages_golden_inputs(catalog, vegan):
    pantry = read_pantry(GOLDEN / "pantry.csv", catalog)
    packages = read_packages(GOLDEN / "packages.csv", catalog)
    shopping = build_shopping_list(vegan, catalog, pantry=pantry, packages=packages)
    assert_conserved(shopping, plan_grams(vegan))
    milk = shopping.line("fndds:11320100")
    assert milk.pantry_used == pytest.approx(2 * 244)  # "2,cups" through the catalog's cup
    # 946 ml carton at 244 g per 236.59 ml cup
    assert milk.package_size == pytest.approx(946 * 244 / 236.5882365)
    assert milk.packages == math.ceil(milk.to_buy / milk.package_size)
    tablets = shopping.line("supplement:b12-25ug")
    assert (tablets.pantry_used, tablets.to_buy, tablets.packages, tablets.leftover) == (
        3,
        4,
        1,
        96,
    )


def test_pantry_covering_everything_leaves_nothing_to_buy(catalog, vegetarian):
    pantry = {food_id: grams * 2 for food_id, grams in plan_grams(vegetarian).items()}
    packages = {food_id: PackageSize(500, "500 g bag") for food_id in pantry}
    shopping = build_shopping_list(vegetarian, catalog, pantry=pantry, packages=packages)
    for line in shopping.lines:
        assert line.to_buy == 0 and line.quantity == 0
        assert (line.packages, line.leftover) == (0, 0)
        assert line.pantry_used == pytest.approx(line.needed)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_conservation_holds_for_any_pantry_packages_and_days(catalog, vegan, data):
    food_ids = vegan.food_ids()
    days = data.draw(st.sets(st.integers(1, 7), min_size=1), label="days")
    pantry = data.draw(
        st.dictionaries(
            st.sampled_from([*food_ids, "supplement:b12-25ug"]),
            st.floats(0, 5000, allow_nan=False),
        ),
        label="pantry",
    )
    packages = data.draw(
        st.dictionaries(
            st.sampled_from(food_ids),
            st.floats(0.5, 3000, allow_nan=False).map(lambda s: PackageSize(s, "pack")),
        ),
        label="packages",
    )
    shopping = build_shopping_list(vegan, catalog, days=days, pantry=pantry, packages=packages)
    assert_conserved(shopping, plan_grams(vegan, days))


# ---------------------------------------------------------------------------------------------
# Household units


@pytest.mark.parametrize(
    ("text", "grams", "unit", "per_unit"),
    [
        ("1 cup", 244, "cup", 244),
        ("1 cup, chopped", 91, "cup", 91),
        ("2 tablespoon", 33.9, "tbsp", 16.95),
        ("1/2 cup", 100, "cup", 200),
        ("1 1/2 cup", 300, "cup", 200),
        ("1-1/2 cup", 300, "cup", 200),
        ("0.5 cup", 126, "cup", 252),
        ("1 fl oz (no ice)", 31, "fl oz", 31),
        ("1 medium", 200, "medium", 200),
        ("1 medium or regular slice", 36, "slice", 36),
        ("1 medium slice (yield after cooking)", 8, "slice", 8),
        ("5 tomatoes", 49.7, "tomato", 9.94),
        ("1 each", 120, "item", 120),
        ("1 5.3 oz container", 150, "container", 150),
        ("Quantity not specified", 100, None, None),
        ("Guideline amount per fl oz of beverage", 2.5, None, None),
        ("1 serving", 50, None, None),
        ("1 oz dry, yield after cooking", 70, None, None),
        ("1 piece", 1.0, None, None),  # a 1 g piece is not a unit to count by
    ],
)
def test_parse_portion(text, grams, unit, per_unit):
    parsed = parse_portion(text, grams)
    if unit is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert parsed.unit.unit == unit
        assert parsed.unit.grams == pytest.approx(per_unit)


@pytest.mark.parametrize(
    ("food_id", "unit"),
    [
        ("fndds:11320100", "cup"),  # soy milk: cup over fl oz
        ("fndds:63101000", "medium"),  # apple: a medium one over slices and cups
        ("fndds:51300110", "slice"),  # bread: the regular slice
        ("fndds:63107010", "banana"),  # the food's own noun
        ("fndds:31103010", "egg"),
        ("fndds:42202000", "tbsp"),  # peanut butter
        ("fndds:61210220", "fl oz"),  # orange juice: fl oz over bottle sizes
        ("fndds:11411390", "cup"),  # Greek yogurt: cup over odd container sizes
        ("fndds:72201212", "cup"),  # frozen broccoli: cup over spears and florets
        ("fndds:14104100", "slice"),  # cheddar
        ("sr:16426", "cup"),  # tofu, SR28 "0.5 cup"
    ],
)
def test_preferred_household_unit(catalog, food_id, unit):
    portions = catalog.portions_of(food_id).sort_values("seq")
    units = household_units(
        zip(portions["portion"], portions["grams"], strict=True),
        catalog.food(food_id)["description"],
    )
    assert units[0].unit == unit


def test_the_plans_own_portion_wins(catalog):
    portions = catalog.portions_of("fndds:11411390").sort_values("seq")
    pairs = list(zip(portions["portion"], portions["grams"], strict=True))
    units = household_units(pairs, "Yogurt, Greek", preferred=["1 5.3 oz container"])
    assert (units[0].unit, units[0].grams) == ("container", 150)


def test_food_without_portions_falls_back_to_grams(catalog, vegetarian):
    no_portions = sorted(set(catalog.foods.index) - set(catalog.portions["food_id"]))[0]
    entry = vegetarian.entries[0].model_copy(
        update={"food_id": no_portions, "grams": 87.3, "portion": "100 g", "portion_grams": 100}
    )
    plan = vegetarian.model_copy(update={"entries": [entry]})
    (line,) = build_shopping_list(plan, catalog).lines
    assert (line.unit, line.quantity, line.unit_grams) == ("g", 90, 1.0)
    assert line.needed == pytest.approx(87.3)


@pytest.mark.parametrize(
    ("amount", "step", "expected"),
    [(2.0, 0.25, 2.0), (2.0000000001, 0.25, 2.0), (2.01, 0.25, 2.25), (0.1, 1, 1), (0, 1, 0)],
)
def test_round_up(amount, step, expected):
    assert round_up(amount, step) == expected


@pytest.mark.parametrize(
    ("quantity", "text"),
    [(2, "2"), (2.5, "2 1/2"), (0.25, "1/4"), (3.75, "3 3/4"), (1.37, "1.37"), (0, "0")],
)
def test_format_quantity(quantity, text):
    assert format_quantity(quantity) == text


@pytest.mark.parametrize(
    ("unit", "quantity", "text"),
    [
        ("cup", 2, "cups"),
        ("cup", 1, "cup"),
        ("medium", 3, "medium"),
        ("fl oz", 8, "fl oz"),
        ("potato", 1.5, "potatoes"),  # the week showed '1 1/2 potatos'
        ("tomato", 2, "tomatoes"),
        ("avocado", 2, "avocados"),
    ],
)
def test_plural(unit, quantity, text):
    assert plural(unit, quantity) == text


# ---------------------------------------------------------------------------------------------
# Aisles (rules as a table)


@pytest.mark.parametrize(
    ("food_id", "aisle"),
    [
        ("fndds:11320100", "dairy and plant alternatives"),  # soy milk
        ("fndds:63101000", "produce"),
        ("fndds:72201211", "produce"),  # fresh broccoli
        ("fndds:72201212", "frozen"),  # frozen broccoli: description rule
        ("fndds:75205023", "canned and dry goods"),  # canned green beans
        ("fndds:41305000", "canned and dry goods"),  # lentils
        ("fndds:51300110", "bakery"),
        ("fndds:57207000", "cereals and grains"),
        ("fndds:61210220", "beverages"),
        ("fndds:31103010", "meat, fish and eggs"),
        ("sr:16426", "dairy and plant alternatives"),  # tofu in SR legumes
        ("sr:01123", "meat, fish and eggs"),  # egg in SR dairy and egg
        ("fdc:321611", "canned and dry goods"),  # FDC canned snap beans
        ("fdc:747447", "produce"),  # FDC raw broccoli
    ],
)
def test_aisle_of_food(catalog, food_id, aisle):
    food = catalog.food(food_id)
    assert aisle_for(food["category"], food["source"], food["description"]) == aisle


def test_every_catalog_category_has_a_plain_rule(catalog):
    rules = load_aisle_rules()
    plain = {(r.scheme, r.category) for r in rules if r.pattern is None}
    pairs = catalog.foods[["source", "category"]].dropna().drop_duplicates()
    missing = [
        (source, category)
        for source, category in pairs.itertuples(index=False)
        if (SCHEME_BY_SOURCE[source], category) not in plain
    ]
    assert not missing


def test_every_rule_names_a_real_category(catalog):
    known = {
        (SCHEME_BY_SOURCE[source], category)
        for source, category in catalog.foods[["source", "category"]]
        .dropna()
        .drop_duplicates()
        .itertuples(index=False)
    }
    typos = [
        (r.scheme, r.category) for r in load_aisle_rules() if (r.scheme, r.category) not in known
    ]
    assert not typos
    assert all(r.reason for r in load_aisle_rules()), "every rule says why"


def test_unknown_category_goes_to_other():
    assert aisle_for("No such category", "fndds", "Something") == "other"
    assert aisle_for(None, "fndds", "Something") == "other"


def test_bad_aisle_table_names_row_and_column(tmp_path):
    bad = tmp_path / "aisles.csv"
    text = AISLES_FILE.read_text().splitlines()
    text.insert(3, 'wweia,1002,"Milk, whole",,dairy aisle,typo')
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(DataError, match=r"row 4, column 'aisle'.*unknown aisle 'dairy aisle'"):
        load_aisle_rules(bad)


# ---------------------------------------------------------------------------------------------
# Pantry and package files


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_pantry_units(catalog, tmp_path):
    path = write(
        tmp_path,
        "pantry.csv",
        "food_id,amount,unit\n"
        "fndds:11320100,1,cup\n"
        "fndds:11320100,8,fl oz\n"  # repeated foods add up
        "fndds:63101000,2,medium\n"
        "fndds:51300110,3,slices\n"
        "fndds:41305000,0.5,kg\n"
        "fndds:57207000,12,oz\n"
        "sr:16426,250,ml\n"
        "\n"
        "supplement:b12-25ug,10,tablets\n",
    )
    pantry = read_pantry(path, catalog)
    assert pantry["fndds:11320100"] == pytest.approx(244 + 8 * 29.5735295625 * 244 / 236.5882365)
    assert pantry["fndds:63101000"] == pytest.approx(400)
    assert pantry["fndds:51300110"] == pytest.approx(3 * 36)
    assert pantry["fndds:41305000"] == pytest.approx(500)
    assert pantry["fndds:57207000"] == pytest.approx(12 * 28.349523125)
    assert pantry["sr:16426"] == pytest.approx(250 * 252 / 236.5882365)
    assert pantry["supplement:b12-25ug"] == 10


def test_pantry_in_grams(catalog, tmp_path):
    path = write(tmp_path, "pantry.csv", "food_id,grams\nfndds:11320100,500\n")
    assert read_pantry(path, catalog) == {"fndds:11320100": 500}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("food_id,grams\nfndds:11320100,-5\n", r"row 2, column 'grams'.*-5 is not allowed"),
        ("food_id,grams\nfndds:11320100,lots\n", r"row 2, column 'grams'.*'lots' is not a number"),
        ("food_id,grams\nfndds:11320100,nan\n", r"row 2, column 'grams'.*not a finite number"),
        (
            "food_id,grams\nfndds:11320100,1\nfndds:99999999,1\n",
            r"row 3, column 'food_id'.*no food",
        ),
        ("food_id,amount,unit\nfndds:11320100,2,buckets\n", r"row 2, column 'unit'.*'buckets'"),
        ("food_id,amount,unit\nfndds:11320100,2,\n", r"row 2, column 'unit'.*empty unit"),
        ("food_id,amount,unit\nfndds:51300110,100,ml\n", r"row 2, column 'unit'.*volume"),
        ("food_id,amount,unit\nsupplement:b12-25ug,3,g\n", r"row 2.*tablet"),
        ("food_id,amount,unit\nsupplement:b12-xug,3,tablet\n", r"row 2.*not a supplement id"),
        ("food_id,gram\nfndds:11320100,5\n", r"row 1.*unknown column"),
        ("food_id,grams,amount,unit\nfndds:11320100,5,5,g\n", r"row 1.*either a grams column"),
        ("grams\n5\n", r"row 1.*food_id"),
        ("food_id,grams\nfndds:11320100,5,7\n", r"row 2.*3 cells"),
        ("", r"row 1.*header"),
    ],
)
def test_bad_pantry_file_names_file_row_and_column(catalog, tmp_path, text, message):
    path = write(tmp_path, "pantry.csv", text)
    with pytest.raises(DataError, match=message) as err:
        read_pantry(path, catalog)
    assert str(path) in str(err.value)


def test_missing_pantry_file(catalog, tmp_path):
    with pytest.raises(InputError, match="cannot read pantry file"):
        read_pantry(tmp_path / "nope.csv", catalog)


def test_packages_with_labels(catalog, tmp_path):
    path = write(
        tmp_path,
        "packages.csv",
        "food_id,amount,unit,label\nfndds:11320100,1,l,1 L carton\nfndds:57207000,500,g,\n",
    )
    packages = read_packages(path, catalog)
    assert packages["fndds:11320100"].label == "1 L carton"
    assert packages["fndds:11320100"].size == pytest.approx(1000 * 244 / 236.5882365)
    assert packages["fndds:57207000"] == PackageSize(500, "500 g package")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("food_id,grams\nfndds:11320100,0\n", r"row 2, column 'grams'.*more than zero"),
        ("food_id,grams\nfndds:11320100,1\nfndds:11320100,2\n", r"row 3.*listed twice"),
    ],
)
def test_bad_packages_file(catalog, tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        read_packages(write(tmp_path, "packages.csv", text), catalog)


# ---------------------------------------------------------------------------------------------
# Days and bad plans


@pytest.mark.parametrize(
    ("text", "days"),
    [(None, (1, 2, 3, 4, 5, 6, 7)), ("1-3", (1, 2, 3)), ("1,3,5-6", (1, 3, 5, 6)), ("2", (2,))],
)
def test_parse_days(text, days):
    assert parse_days(text, 7) == days


@pytest.mark.parametrize(
    ("text", "message"), [("0", "1-7"), ("8", "1-7"), ("3-1", "backwards"), ("a", "not a day")]
)
def test_parse_days_rejects(text, message):
    with pytest.raises(InputError, match=message):
        parse_days(text, 7)


def test_unknown_food_in_plan(catalog, vegetarian):
    entry = vegetarian.entries[0].model_copy(update={"food_id": "fndds:99999999"})
    plan = vegetarian.model_copy(update={"entries": [entry, *vegetarian.entries[1:]]})
    with pytest.raises(InputError, match=r"not in the catalog: fndds:99999999"):
        build_shopping_list(plan, catalog)


def test_custom_food_from_the_plan(catalog, vegetarian):
    custom = {
        "food_id": "label:oat-drink",
        "description": "Oat drink, fortified (label)",
        "category": "Plant-based milk",
        "source": "fndds",
        "portions": [{"portion": "1 cup", "grams": 240}],
    }
    entry = vegetarian.entries[0].model_copy(
        update={"food_id": "label:oat-drink", "grams": 480, "portion": "1 cup"}
    )
    plan = vegetarian.model_copy(update={"entries": [entry], "custom_foods": [custom]})
    (line,) = build_shopping_list(plan, catalog).lines
    assert (line.aisle, line.quantity, line.unit) == ("dairy and plant alternatives", 2, "cup")


def test_frozen_fruit_is_in_the_frozen_aisle(catalog):
    """Frozen pineapple, strawberries, melon, mango and peaches were listed under produce (a
    generated vegan week had '2 cups pineapple, frozen' there)."""
    foods = catalog.foods
    fruit = foods[
        (foods["source"] == "fndds")
        & foods["category_code"].astype(str).str.startswith("60")
        & foods["description"].str.contains(r"\bfrozen\b", case=False, regex=True)
    ]
    assert len(fruit) >= 5
    wrong = [
        d
        for c, s, d in fruit[["category", "source", "description"]].itertuples(index=False)
        if aisle_for(c, s, d) != "frozen"
    ]
    assert not wrong


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "food_id;amount;unit\nfndds:11320100;2;cups\n",
            "row 1: columns are separated by semicolons; save the file as comma-separated CSV",
        ),
        (
            'food_id,amount,unit\nfndds:11320100,"2,5",cups\n',
            "row 2, column 'amount': '2,5' is not a number; write decimals with a point: 2.5",
        ),
    ],
)
def test_spreadsheet_habits_in_a_pantry_file_are_named(tmp_path, catalog, text, message):
    """A semicolon CSV was 'needs a header row with food_id', though it had one."""
    pantry = tmp_path / "pantry.csv"
    pantry.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_pantry(pantry, catalog)
    assert message in str(err.value)
