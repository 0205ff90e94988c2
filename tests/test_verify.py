"""The verifier catches every kind of broken plan, recomputing from the catalog alone."""

from __future__ import annotations

import pytest

from planner import diets
from planner.model import make_plan
from planner.plan import Plan, SupplementDose
from planner.profile import Profile
from planner.verify import absorbed_from_dose, verify_plan


@pytest.fixture(scope="module")
def labels(catalog):
    return diets.label_foods(catalog)


@pytest.fixture(scope="module")
def vegan_plan(catalog, labels) -> Plan:
    return make_plan(Profile(diet="vegan", days=2, seed=4), catalog, labels=labels)


@pytest.fixture(scope="module")
def omnivore_plan(catalog, labels) -> Plan:
    return make_plan(Profile(days=2, seed=4), catalog, labels=labels)


def names(report) -> set[str]:
    return {v.name for v in report.violations}


def edited(plan: Plan, index: int, **changes) -> Plan:
    copy = plan.model_copy(deep=True)
    copy.entries[index] = copy.entries[index].model_copy(update=changes)
    return copy


def test_planner_output_verifies(catalog, labels, vegan_plan, omnivore_plan):
    for plan in (vegan_plan, omnivore_plan):
        report = verify_plan(plan, catalog, labels)
        assert report.ok, report.summary()
        assert [d.day for d in report.days] == [1, 2]
        for stated, check in zip(plan.days, report.days, strict=True):
            assert check.kcal == pytest.approx(stated.kcal, abs=0.5)
            assert check.b12_counted_ug == pytest.approx(stated.b12_counted_ug, abs=0.01)


def test_non_vegan_food_in_a_vegan_plan(catalog, labels, vegan_plan):
    milk = "fndds:11111000"
    bad = edited(vegan_plan, 0, food_id=milk, description="Milk, whole")
    assert "diet_vegan" in names(verify_plan(bad, catalog, labels))


def test_stale_numbers_and_unknown_portions(catalog, labels, omnivore_plan):
    entry = omnivore_plan.entries[0]
    bad = edited(omnivore_plan, 0, kcal=entry.kcal + 50)
    assert "entry_numbers" in names(verify_plan(bad, catalog, labels))
    bad = edited(omnivore_plan, 0, portion="1 bucket")
    assert "portion_unknown" in names(verify_plan(bad, catalog, labels))
    bad = edited(omnivore_plan, 0, servings=entry.servings + 0.25)
    assert "portion_whole" in names(verify_plan(bad, catalog, labels))


def test_edited_servings_report_shortfalls_per_day(catalog, labels, omnivore_plan):
    plan = omnivore_plan.model_copy(deep=True)
    plan.entries = [
        e.model_copy(update={"servings": 0.5, "grams": 0.5 * e.portion_grams}) for e in plan.entries
    ]
    report = verify_plan(plan, catalog, labels, check_claims=False)
    shortfalls = {v.name for v in report.shortfalls()}
    assert {"energy_day1_min", "energy_day2_min"} <= shortfalls
    assert all(v.day in (1, 2) for v in report.shortfalls() if v.name.startswith("energy_day"))
    assert "entry_numbers" not in names(report)  # claims are not compared for edited plans


def test_missing_b12_is_a_named_daily_shortfall(catalog, labels, omnivore_plan):
    plan = omnivore_plan.model_copy(deep=True)
    plan.entries = [e for e in plan.entries if not (e.day == 1 and e.b12_counted_ug > 0)]
    report = verify_plan(plan, catalog, labels, check_claims=False)
    b12 = [v for v in report.violations if v.name == "b12_day1_counted"]
    assert b12 and b12[0].limit == pytest.approx(2.4)
    assert "b12_day2_counted" not in names(report)


def test_spread_rule_needs_two_occasions(catalog, labels, vegan_plan):
    plan = vegan_plan.model_copy(deep=True)
    day1 = [e for e in plan.entries if e.day == 1 and e.b12_counted_ug > 0]
    keep_slot = max(day1, key=lambda e: e.b12_counted_ug).slot
    plan.entries = [
        e for e in plan.entries if not (e.day == 1 and e.b12_counted_ug > 0 and e.slot != keep_slot)
    ]
    report = verify_plan(plan, catalog, labels, check_claims=False)
    assert names(report) & {"b12_day1_spread", "b12_day1_absorbed"}


def test_supplements_duplicates_and_variety(catalog, labels, omnivore_plan):
    plan = omnivore_plan.model_copy(deep=True)
    plan.supplements = [SupplementDose(day=1, slot="breakfast", strength_ug=30, count=1)]
    assert "supplement_strength" in names(verify_plan(plan, catalog, labels, check_claims=False))
    plan = omnivore_plan.model_copy(deep=True)
    first = next(e for e in plan.entries if e.day == 1 and e.slot == "lunch")
    dinner_twin = first.model_copy(update={"slot": "dinner"})
    plan.entries.append(dinner_twin)
    assert f"once_day1_{first.food_id}" in names(
        verify_plan(plan, catalog, labels, check_claims=False)
    )
    plan = omnivore_plan.model_copy(deep=True)
    plan.profile = {**plan.profile, "max_per_week": 1}
    repeated = plan.entries[0].model_copy(update={"day": 2, "slot": "snack"})
    plan.entries.append(repeated)
    assert any(
        n.startswith("variety_")
        for n in names(verify_plan(plan, catalog, labels, check_claims=False))
    )


def test_excluded_and_locked_foods(catalog, labels, omnivore_plan):
    plan = omnivore_plan.model_copy(deep=True)
    food_id = plan.entries[0].food_id
    plan.profile = {**plan.profile, "exclude_foods": [food_id]}
    assert "excluded_food" in names(verify_plan(plan, catalog, labels))
    plan = omnivore_plan.model_copy(deep=True)
    lock = {"day": 1, "slot": "lunch", "food_id": "fndds:11111000", "servings": 1.0}
    plan.profile = {**plan.profile, "locked": [lock]}
    assert "locked_meal" in names(verify_plan(plan, catalog, labels))


def test_verifier_curve_is_model_a():
    assert absorbed_from_dose(0) == 0
    assert absorbed_from_dose(1) == pytest.approx(0.5)
    assert absorbed_from_dose(3) == pytest.approx(0.75)
    assert absorbed_from_dose(5) == pytest.approx(1.0)
    assert absorbed_from_dose(25) == pytest.approx(1.25)
    assert absorbed_from_dose(500) == pytest.approx(6.0)


def test_verifier_does_not_import_the_model():
    import ast
    from pathlib import Path

    import planner.verify as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {m for m in imported if m and m.startswith(("planner.model", "planner.diagnose"))}
