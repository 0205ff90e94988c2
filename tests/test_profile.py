"""Profile validation and the targets it implies (each number with its source)."""

from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.profile import (
    Profile,
    life_stage_for_age,
    mifflin_st_jeor_kcal,
    parse_profile,
    reference_table,
)

US_RDA = {
    "infant-0-6m": 0.4,
    "infant-7-12m": 0.5,
    "child-1-3": 0.9,
    "child-4-8": 1.2,
    "child-9-13": 1.8,
    "teen-14-18": 2.4,
    "adult": 2.4,
    "pregnancy": 2.6,
    "lactation": 2.8,
}


def test_defaults_are_an_adult_omnivore_week():
    profile = Profile()
    t = profile.targets()
    assert profile.days == 7
    assert [s.name for s in profile.slots] == ["breakfast", "lunch", "dinner", "snack"]
    assert t.b12_ug_per_day == 2.4
    assert "IOM 1998" in t.b12_source
    assert t.b12_absorbed_ug_per_day is None  # omnivore: plain daily floor by default
    assert (t.kcal_per_day, t.kcal_min, t.kcal_max) == (2000, 1800, 2200)
    assert t.sodium_mg_max == 2300
    assert t.protein_g_min == 50
    assert set(t.sources) >= {"b12", "kcal", "protein", "sodium"}


@pytest.mark.parametrize(("stage", "value"), sorted(US_RDA.items()))
def test_us_reference_intakes_by_life_stage(stage, value):
    amount, source = Profile(life_stage=stage).b12_target()
    assert amount == value
    assert "IOM 1998" in source
    if not stage.startswith("infant"):
        assert Profile(life_stage=stage).targets().b12_ug_per_day == value


@pytest.mark.parametrize(
    ("stage", "value"), [("adult", 4.0), ("pregnancy", 4.5), ("lactation", 5.0)]
)
def test_efsa_adequate_intakes(stage, value):
    t = Profile(life_stage=stage, b12_reference="efsa").targets()
    assert t.b12_ug_per_day == value
    assert "EFSA" in t.b12_source and "4150" in t.b12_source


def test_efsa_for_children_is_refused_with_a_fix():
    with pytest.raises(InputError, match="b12_reference 'us' or give b12_target_ug"):
        parse_profile({"life_stage": "child-4-8", "b12_reference": "efsa"})


def test_custom_target_wins_and_says_so():
    t = Profile(b12_target_ug=5.0).targets()
    assert t.b12_ug_per_day == 5.0
    assert "custom" in t.b12_source


def test_every_reference_row_has_a_source():
    rows = reference_table()
    assert rows and all(r["source"].strip() for r in rows)


def test_absorbed_target_is_half_the_intake_and_default_for_vegan():
    assert Profile(diet="vegan").targets().b12_absorbed_ug_per_day == pytest.approx(1.2)
    assert Profile(diet="fortified-only").targets().b12_absorbed_ug_per_day == pytest.approx(1.2)
    assert Profile(diet="vegan", absorption=False).targets().b12_absorbed_ug_per_day is None
    assert Profile(absorption=True, life_stage="lactation").targets().b12_absorbed_ug_per_day == (
        pytest.approx(1.4)
    )


def test_fortified_only_preset_counts_only_fortified_b12():
    assert Profile(diet="fortified-only").targets().b12_counting == "fortified_only"
    assert Profile(diet="vegan").targets().b12_counting == "all"
    overridden = Profile(diet="vegan", b12_counting="fortified_only")
    assert overridden.resolved_food_rule == "vegan"
    assert overridden.targets().b12_counting == "fortified_only"


def test_energy_from_mifflin_st_jeor_with_activity():
    profile = Profile(sex="male", age_years=30, weight_kg=70, height_cm=175, activity="light")
    expected = (10 * 70 + 6.25 * 175 - 5 * 30 + 5) * 1.375
    t = profile.targets()
    assert t.kcal_per_day == pytest.approx(expected, abs=0.1)
    assert "Mifflin" in t.sources["kcal"]
    female = mifflin_st_jeor_kcal("female", 30, 70, 175, "sedentary")
    assert female == pytest.approx((10 * 70 + 6.25 * 175 - 5 * 30 - 161) * 1.2)


def test_kcal_given_overrides_the_estimate_and_tolerance_sets_the_band():
    t = Profile(kcal=2500, kcal_tolerance=0.05, sex="female", age_years=40).targets()
    assert (t.kcal_min, t.kcal_max) == (2375, 2625)


def test_protein_from_weight_and_life_stage():
    assert Profile(weight_kg=60).targets().protein_g_min == pytest.approx(48)
    assert Profile(weight_kg=60, protein_g_per_kg=1.2).targets().protein_g_min == pytest.approx(72)
    assert Profile(protein_g=90).targets().protein_g_min == 90
    assert Profile(sex="male").targets().protein_g_min == 56


def test_life_stage_follows_age():
    assert life_stage_for_age(2) == "child-1-3"
    assert life_stage_for_age(16) == "teen-14-18"
    assert life_stage_for_age(40) == "adult"
    assert Profile(age_years=10).targets().b12_ug_per_day == 1.8
    assert Profile(age_years=5).targets().sodium_mg_max == 1500


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"days": 20}, "days"),
        ({"diet": "carnivore"}, "diet"),
        ({"age_years": 10, "life_stage": "adult"}, "child-9-13"),
        ({"sex": "male", "life_stage": "pregnancy"}, "female"),
        ({"supplement_strength_ug": 30}, "tablet strength"),
        ({"supplements": "weekly", "supplement_strength_ug": 25}, "weekly regimen"),
        ({"locked": [{"day": 9, "slot": "lunch", "food_id": "x", "servings": 1}]}, "day 9"),
        ({"locked": [{"day": 1, "slot": "brunch", "food_id": "x", "servings": 1}]}, "brunch"),
        ({"locked": [{"day": 1, "slot": "lunch", "food_id": "x", "servings": 0.3}]}, "half"),
        ({"favourites": ["a"], "exclude_foods": ["a"]}, "both favourite and excluded"),
        ({"colour": "blue"}, "colour"),
        ({"supplements": "daily", "supplement_slot": "tea"}, "supplement_slot"),
    ],
)
def test_bad_fields_name_the_field_and_the_fix(fields, fragment):
    with pytest.raises(InputError) as err:
        parse_profile(fields)
    assert fragment in str(err.value)
    assert "Traceback" not in str(err.value)


def test_slot_shares_must_be_able_to_add_up():
    slots = [
        {"name": "lunch", "kcal_share_min": 0.1, "kcal_share_max": 0.3},
        {"name": "dinner", "kcal_share_min": 0.1, "kcal_share_max": 0.3},
    ]
    with pytest.raises(InputError, match="cannot add up to 100"):
        parse_profile({"slots": slots})


def test_custom_slot_needs_to_say_which_foods_fit():
    slot = {"name": "elevenses", "kcal_share_min": 0.0, "kcal_share_max": 1.0}
    with pytest.raises(InputError, match="foods_from"):
        parse_profile({"slots": [slot]})
    slot["foods_from"] = "snack"
    assert parse_profile({"slots": [slot]}).slots[0].foods_from == "snack"
    second = parse_profile(
        {"slots": [{"name": "snack2", "kcal_share_min": 0, "kcal_share_max": 1}]}
    )
    assert second.slots[0].foods_from == "snack"


def test_roles_and_slots_come_from_the_diet_rules():
    """One list of roles and meal slots: the rule tables' (planner.diets.rules)."""
    from planner import profile
    from planner.diets import rules

    assert profile.Role is rules.Role and profile.CatalogSlot is rules.CatalogSlot
    assert profile.ROLES is rules.ROLES
    for slot in rules.SLOTS:  # every catalog slot names a slot's foods, also as "<slot>2"
        made = {"name": f"{slot}2", "kcal_share_min": 0, "kcal_share_max": 1}
        assert parse_profile({"slots": [made]}).slots[0].foods_from == slot
    for role in rules.ROLES:
        made = {"name": "lunch", "kcal_share_min": 0, "kcal_share_max": 1, "requires": [[role]]}
        assert parse_profile({"slots": [made]}).slots[0].requires == [[role]]
    made = {"name": "lunch", "kcal_share_min": 0, "kcal_share_max": 1, "requires": [["pie"]]}
    with pytest.raises(InputError, match="'fat_condiment' or 'other'"):
        parse_profile({"slots": [made]})
    with pytest.raises(InputError, match=r"\(breakfast, lunch, dinner, snack or drink\)"):
        parse_profile({"slots": [{"name": "brunch", "kcal_share_min": 0, "kcal_share_max": 1}]})


def test_profile_round_trips_through_a_dict():
    profile = Profile(diet="vegan", days=3, seed=7, exclude_foods=["fndds:11111000"])
    assert parse_profile(profile.model_dump(mode="json")) == profile


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"days": 15},
            "profile field days: 15 days is out of range; give a value from 1 to 14 days",
        ),
        (
            {"kcal": 5},
            "profile field kcal: 5 kcal/day is out of range; give a value from 800 to "
            "6000 kcal/day",
        ),
        (
            {"weight_kg": 3.5},
            "profile field weight_kg: 3.5 kg is out of range; give a value from 8 to 400 kg",
        ),
        (
            {"b12_target_ug": 0},
            "profile field b12_target_ug: 0 µg/day is out of range; give a value more than 0 and "
            "at most 1000 µg/day",
        ),
        ({"days": "seven"}, "profile field days: expected a whole number of days, got 'seven'"),
        ({"dayz": 7}, "profile field dayz: no such setting; did you mean 'days'?"),
        (
            {"locked": [{"day": 1, "slot": "lunch", "food_id": "x", "servings": 0}]},
            "profile field locked.0.servings: 0 servings is out of range; give a value more than "
            "0 and at most 10 servings",
        ),
    ],
)
def test_refused_values_are_told_with_their_unit_and_the_allowed_range(fields, message):
    """Was pydantic's 'Input should be less than or equal to 14': no unit, no range."""
    with pytest.raises(InputError) as err:
        parse_profile(fields)
    assert str(err.value) == message


def test_every_problem_is_kept_for_callers_that_show_them_all():
    from planner.profile import ProfileError

    with pytest.raises(ProfileError) as err:
        parse_profile({"days": 0, "kcal": 5})
    assert str(err.value).endswith("(1 more problem(s))")
    assert err.value.problems == [
        "profile field kcal: 5 kcal/day is out of range; give a value from 800 to 6000 kcal/day",
        "profile field days: 0 days is out of range; give a value from 1 to 14 days",
    ]


@pytest.mark.parametrize(
    ("fields", "counting", "absorption"),
    [
        ({"age_years": 70}, "fortified_only", True),  # IOM: over 50, from fortified foods
        ({"age_years": 50}, "all", False),
        ({"age_years": 70, "b12_counting": "all"}, "all", False),  # the person's own choice
        ({"acid_reducers": True}, "fortified_only", True),
        ({"age_years": 12, "acid_reducers": False}, "all", False),
        ({"age_years": 70, "absorption": False}, "fortified_only", False),
    ],
)
def test_food_bound_b12_risks_count_only_added_b12(fields, counting, absorption):
    profile = Profile(**fields)
    assert profile.resolved_b12_counting == counting
    assert profile.absorption_aware is absorption
    assert profile.targets().b12_counting == counting
