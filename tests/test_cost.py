"""Costs at the prices a profile gives: per day, per plan, per shopping-list line.

Expected values are recomputed here from the entries' grams and the raw price rows (price for
`per_grams` grams), not through planner.cost, on the golden vegan week (real catalog foods).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner.cost import PRICE_UNIT, cost_summary, line_cost, money, plan_cost, plan_prices
from planner.errors import InputError
from planner.plan import Plan
from planner.shopping import PackageSize, build_shopping_list

GOLDEN = Path(__file__).parent / "golden"
SOY_MILK, BANANA, PEANUT_BUTTER = "fndds:11320100", "fndds:63107010", "fndds:42202000"
PRICES = [
    {"food_id": SOY_MILK, "price": 2.49, "per_grams": 946.0},  # per package weight
    {"food_id": BANANA, "price": 0.25},  # per 100 g (the default)
    {"food_id": PEANUT_BUTTER, "price": 0.0, "per_grams": 500.0},  # free: a price, not missing
]


@pytest.fixture(scope="module")
def vegan() -> Plan:
    return Plan.load(GOLDEN / "plan_vegan_week.json")


def with_prices(plan: Plan, prices: list[dict]) -> Plan:
    return plan.model_copy(update={"profile": {**plan.profile, "prices": prices}})


def by_hand(plan: Plan, prices: list[dict], day: int) -> float:
    per_gram = {p["food_id"]: p["price"] / p.get("per_grams", 100.0) for p in prices}
    return math.fsum(
        e.grams * per_gram[e.food_id]
        for e in plan.entries
        if e.day == day and e.food_id in per_gram
    )


def test_no_prices_no_cost(vegan):
    assert plan_prices(vegan) == {}
    assert plan_cost(vegan) is None
    shopping = build_shopping_list(vegan)
    assert not shopping.priced and all(line.cost is None for line in shopping.lines)


def test_cost_per_day_and_plan_from_the_entries(vegan):
    plan = with_prices(vegan, PRICES)
    cost = plan_cost(plan)
    assert cost is not None and cost.unit == PRICE_UNIT == "currency units"
    assert [d.day for d in cost.days] == list(range(1, 8))
    for day in cost.days:
        assert day.cost == pytest.approx(by_hand(plan, PRICES, day.day), rel=1e-12)
        eaten = {e.food_id for e in plan.entries if e.day == day.day}
        assert set(day.unpriced) == eaten - {SOY_MILK, BANANA, PEANUT_BUTTER}
    assert cost.total == pytest.approx(sum(by_hand(plan, PRICES, d) for d in range(1, 8)))
    assert cost.per_day == pytest.approx(cost.total / 7)
    # 488 g soy milk at 2.49 per 946 g, 126 g banana at 0.25 per 100 g, peanut butter free
    assert cost.day(1).cost == pytest.approx(488 * 2.49 / 946 + 126 * 0.0025)
    assert set(cost.unpriced) == set(plan.food_ids()) - {SOY_MILK, BANANA, PEANUT_BUTTER}
    assert cost.tablets  # the week has a daily 25 µg tablet, which has no price


def test_missing_price_stays_missing_not_zero(vegan):
    """A food without a price is named, and differs from a food whose price is 0."""
    cost = plan_cost(with_prices(vegan, PRICES))
    assert cost is not None and len(cost.unpriced) == 9
    summary = cost_summary(cost)
    assert "no price for 9 foods (left out, not counted as 0)" in summary
    assert "B12 tablets not priced" in summary
    assert f"{money(cost.total)} for 7 days" in summary
    free = [{"food_id": food_id, "price": 0.0} for food_id in cost.unpriced]
    complete = plan_cost(with_prices(vegan, [*PRICES, *free]))
    assert complete is not None and complete.unpriced == ()
    assert complete.total == pytest.approx(cost.total)  # same sum, but now nothing is missing
    assert "no price for" not in cost_summary(complete)


def test_chosen_days_and_last_price_wins(vegan):
    prices = [{"food_id": BANANA, "price": 9.0}, {"food_id": BANANA, "price": 0.25}]
    cost = plan_cost(with_prices(vegan, prices), days=[2, 3])
    assert cost is not None and [d.day for d in cost.days] == [2, 3]
    assert cost.total == pytest.approx(2 * 126 * 0.0025)  # the planner also keeps the last


@pytest.mark.parametrize(
    ("prices", "message"),
    [
        ("cheap", "prices is not a list"),
        ([{"food_id": BANANA, "price": -1}], "prices.0.price"),
        ([{"food_id": BANANA}], "prices.0.price"),
        ([{"food_id": BANANA, "price": 1, "per_grams": 0}], "prices.0.per_grams"),
    ],
)
def test_bad_prices_in_a_plan_file_are_named(vegan, prices, message):
    with pytest.raises(InputError, match=message):
        plan_cost(with_prices(vegan, prices))


def test_shopping_lines_cost_what_is_bought(vegan):
    plan = with_prices(vegan, PRICES)
    pantry = {SOY_MILK: 488.0, BANANA: 882.0}  # all bananas at home
    packages = {SOY_MILK: PackageSize(946.0, "1 L carton")}
    shopping = build_shopping_list(plan, pantry=pantry, packages=packages)
    assert shopping.priced
    soy = shopping.line(SOY_MILK)  # 2,928 g to buy: 4 cartons of 946 g, whole cartons paid
    assert soy.packages == 4 and soy.cost == pytest.approx(4 * 2.49)
    assert shopping.line(BANANA).cost == 0.0  # nothing to buy costs nothing
    assert shopping.line(PEANUT_BUTTER).cost == 0.0  # free
    unpriced = [ln for ln in shopping.lines if ln.kind == "food" and ln.cost is None]
    assert {ln.item_id for ln in unpriced} == set(plan.food_ids()) - {
        SOY_MILK,
        BANANA,
        PEANUT_BUTTER,
    }
    assert shopping.unpriced == tuple(ln.item_id for ln in unpriced)
    assert shopping.tablets_unpriced
    assert shopping.cost_total == pytest.approx(4 * 2.49)
    three = build_shopping_list(plan, days=[1, 2, 3])  # no packages: the grams to buy
    assert three.line(BANANA).cost == pytest.approx(3 * 126 * 0.0025)


def test_line_cost_rules():
    assert line_cost(0.01, 250.0) == pytest.approx(2.5)
    assert line_cost(0.01, 250.0, 2, 200.0) == pytest.approx(4.0)  # two whole packages
    assert line_cost(None, 250.0) is None
    assert line_cost(None, 0.0) == 0.0


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.205, "2.21"), (0.0, "0.00"), (-0.0, "0.00"), (1234.5, "1,234.50"), (0.004, "0.00")],
)
def test_money(value, text):
    assert money(value) == text
