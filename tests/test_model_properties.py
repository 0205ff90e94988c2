"""Property: any valid profile gives a verified plan or a plain-language diagnosis, never an
exception, with HiGHS and with CBC, and with HiGHS at effort="thorough" (few examples, short
plans: the suite stays fast)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner import diets
from planner.errors import InputError, NoPlanError
from planner.model import make_plan
from planner.profile import parse_profile
from planner.verify import verify_plan

profiles = st.fixed_dictionaries(
    {
        "diet": st.sampled_from(["omnivore", "vegetarian", "vegan", "fortified-only"]),
        "life_stage": st.sampled_from(["adult", "teen-14-18", "pregnancy", "child-9-13"]),
        "days": st.integers(1, 3),
        "kcal": st.one_of(st.none(), st.integers(1400, 3200)),
        "kcal_tolerance": st.sampled_from([0.05, 0.1, 0.2]),
        "supplements": st.sampled_from(["none", "daily", "weekly", "auto"]),
        "absorption": st.sampled_from([None, True, False]),
        "max_per_week": st.integers(1, 4),
        "sodium_mg_max": st.one_of(st.none(), st.integers(1200, 3000)),
        "seed": st.integers(0, 10_000),
    }
)


@pytest.fixture(scope="module")
def labels(catalog):
    return diets.label_foods(catalog)


@pytest.mark.parametrize(
    ("solver", "effort"), [("highs", "standard"), ("cbc", "standard"), ("highs", "thorough")]
)
def test_any_valid_profile_gives_a_verified_plan_or_a_diagnosis(catalog, labels, solver, effort):
    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(fields=profiles)
    def check(fields):
        try:
            profile = parse_profile(fields)
        except InputError:
            assume(False)
        try:
            plan = make_plan(
                profile, catalog, labels=labels, solver=solver, time_limit=30, effort=effort
            )
        except NoPlanError as err:
            assert str(err).strip()
            assert "Traceback" not in str(err)
            return
        report = verify_plan(plan, catalog, labels)
        assert report.ok, report.summary()
        assert plan.n_days == profile.days
        assert plan.solver.name == solver

    check()
