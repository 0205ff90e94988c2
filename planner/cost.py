"""What a plan costs at the prices a person gave, per day, in all, and per shopping-list line.

Prices (`Profile.prices`: a price per 100 g or per package weight) steer which foods the planner
picks, so whoever entered them wants to see the bill. The profile stores a bare number per
weight, in whatever money the person thinks in, with no currency field, so costs are shown in
"currency units" (the docs' word for them), never in a currency made up here. A food without a
price is left out of every sum and counted ("no price for 3 foods"), never priced at 0: missing
stays missing. B12 tablets cannot be priced in a profile (the planner accepts prices for catalog
foods only), so a note says they are not in the cost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import ValidationError

from planner.errors import InputError
from planner.plan import Plan
from planner.profile import Price, ProfileError, parse_profile

PRICE_UNIT = "currency units"


def plan_prices(plan: Plan) -> dict[str, float]:
    """Price per gram of each priced food, from the profile saved in the plan.

    A food priced twice keeps its last price, as in the planner (planner.model).
    """
    raw = plan.profile.get("prices") if isinstance(plan.profile, dict) else None
    if not raw:
        return {}
    if not isinstance(raw, list):
        raise InputError(
            "the plan's profile field prices is not a list of prices; plan again with "
            'prices such as [{"food_id": "fndds:11320100", "price": 0.35, "per_grams": 100}]'
        )
    per_gram: dict[str, float] = {}
    for index, item in enumerate(raw):
        try:
            price = Price.model_validate(item)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(
                f"the plan's profile field prices.{index}{'.' + where if where else ''}: "
                f"{first['msg']}; fix the price or plan again"
            ) from None
        per_gram[price.food_id] = price.price / price.per_grams
    return per_gram


@dataclass(frozen=True)
class DayCost:
    """One day's food cost: `cost` sums the priced foods; `unpriced` are the others eaten."""

    day: int
    cost: float
    unpriced: tuple[str, ...]


@dataclass(frozen=True)
class PlanCost:
    """The food cost of (some days of) a plan at the given prices, in `unit`."""

    days: tuple[DayCost, ...]
    unpriced: tuple[str, ...]  # distinct food ids without a price, left out of the sums
    tablets: bool  # the days hold B12 tablets, which have no price
    unit: str = PRICE_UNIT

    @property
    def total(self) -> float:
        return math.fsum(day.cost for day in self.days)

    @property
    def per_day(self) -> float:
        return self.total / len(self.days) if self.days else 0.0

    def day(self, day: int) -> DayCost:
        for item in self.days:
            if item.day == day:
                return item
        raise KeyError(day)


def plan_cost(
    plan: Plan, prices: Mapping[str, float] | None = None, *, days: Iterable[int] | None = None
) -> PlanCost | None:
    """The cost of the food eaten on `days` (default all), or None when nothing is priced.

    `prices` are per gram (default: the plan's own, `plan_prices`). An entry costs its grams
    times its food's price; a day sums its priced entries and lists the foods it could not price.
    """
    prices = plan_prices(plan) if prices is None else prices
    if not prices:
        return None
    chosen = sorted(set(days)) if days is not None else list(range(1, plan.n_days + 1))
    costs: dict[int, list[float]] = {day: [] for day in chosen}
    missing: dict[int, dict[str, None]] = {day: {} for day in chosen}
    for entry in plan.entries:
        if entry.day not in costs:
            continue
        price = prices.get(entry.food_id)
        if price is None:
            missing[entry.day][entry.food_id] = None
        else:
            costs[entry.day].append(entry.grams * price)
    unpriced = sorted({food_id for foods in missing.values() for food_id in foods})
    return PlanCost(
        days=tuple(
            DayCost(day, math.fsum(costs[day]), tuple(sorted(missing[day]))) for day in chosen
        ),
        unpriced=tuple(unpriced),
        tablets=any(dose.day in costs for dose in plan.supplements),
    )


def line_cost(
    price_per_gram: float | None,
    to_buy: float,
    packages: int | None = None,
    package_size: float | None = None,
) -> float | None:
    """What one shopping-list line costs: whole packages when their size is known, else the
    grams to buy; None without a price (0 when the pantry covers it all: nothing to buy)."""
    if to_buy <= 0:
        return 0.0
    if price_per_gram is None:
        return None
    if packages is not None and package_size is not None:
        return packages * package_size * price_per_gram
    return to_buy * price_per_gram


def money(value: float) -> str:
    """A cost for people: two decimals, thousands separated ('1,234.50'), rounded half up
    from the decimal the number prints as, as the CSV's cost column is (2.205 -> 2.21)."""
    rounded = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{rounded + 0:,.2f}"  # + 0 turns -0.00 into 0.00


def foods_word(count: int) -> str:
    return f"{count} food{'s' if count != 1 else ''}"


def missing_note(unpriced: int, tablets: bool) -> str:
    """'no price for 3 foods (left out, not counted as 0); B12 tablets not priced', or ''."""
    parts = []
    if unpriced:
        parts.append(f"no price for {foods_word(unpriced)} (left out, not counted as 0)")
    if tablets:
        parts.append("B12 tablets not priced")
    return "; ".join(parts)


def cost_summary(cost: PlanCost) -> str:
    """One line for the plan: 'Food cost at your prices: 4.32 currency units a day on
    average, 30.24 for 7 days; no price for 3 foods (left out, not counted as 0)'."""
    n = len(cost.days)
    span = f"for {n} day{'s' if n != 1 else ''}"
    text = (
        f"Food cost at your prices: {money(cost.per_day)} {cost.unit} a day on average, "
        f"{money(cost.total)} {span}"
    )
    note = missing_note(len(cost.unpriced), cost.tablets)
    return f"{text}; {note}" if note else text


def day_cost_text(day: DayCost) -> str:
    """'4.32' or '4.32 + 2 foods without a price' for one day."""
    if not day.unpriced:
        return money(day.cost)
    return f"{money(day.cost)} + {foods_word(len(day.unpriced))} without a price"


# --- prices typed into a table (the app's price editor) ---------------------------------------

# How a price table names the Price fields in its messages (the app's column headings).
PRICE_FIELD_NAMES = {"price": "Price", "per_grams": "Per (g)", "food_id": "Food"}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def check_price_rows(
    rows: Sequence[Mapping[str, Any]],
) -> tuple[list[Price], dict[int, list[str]]]:
    """The rows of a price table ({food_id, price, per_grams}) as Prices, and, by row index, what
    is wrong with each row that is not one.

    A row with a blank price is not priced yet: neither a Price nor a problem. A blank weight
    means per 100 g. Each row is checked as a profile's price is, so the messages give the same
    units and ranges as for a profile file ("Price: -1 is out of range; give a value from 0 to
    10000 (currency units)").
    """
    prices: list[Price] = []
    problems: dict[int, list[str]] = {}
    for index, row in enumerate(rows):
        if _blank(row.get("price")):
            continue
        per_grams = row.get("per_grams")
        item = {
            "food_id": row.get("food_id"),
            "price": row.get("price"),
            "per_grams": 100.0 if _blank(per_grams) else per_grams,
        }
        try:
            prices.append(parse_profile({"prices": [item]}).prices[0])
        except ProfileError as err:
            problems[index] = [
                re.sub(
                    r"^profile field prices\.0\.(\w+): ",
                    lambda m: f"{PRICE_FIELD_NAMES.get(m.group(1), m.group(1))}: ",
                    problem,
                )
                for problem in err.problems
            ]
    return prices, problems


def price_meaning(price: Price) -> str:
    """A price in words with its unit: '2.49 currency units per 100 g', or per package
    '2.49 currency units per package of 946 g (0.26 per 100 g)'."""
    text = f"{money(price.price)} {PRICE_UNIT} per "
    if price.per_grams == 100:
        return text + "100 g"
    return text + f"package of {price.per_grams:,g} g ({money(price.per_100g)} per 100 g)"
