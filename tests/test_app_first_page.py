"""The first page opens before the planner package loads, and its form offers the library's choices.

A fresh server's Plan page used to wait about half a second for numpy, pandas, pyarrow and
pydantic (imported by `planner/__init__.py`). The page now draws its form from
app_pages/light.py; these tests keep that true, and keep the copied choices equal to
planner.profile's. The time itself is measured in a real browser by tests/test_browser.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import get_args

from app_pages import light
from planner import profile

REPO = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: the Plan page in AppTest, recording every module that a thread
# other than the background warm-up imports while the page runs.
FIRST_PAGE_PROBE = """
import json, sys, threading
from streamlit.testing.v1 import AppTest

imported = []
def hook(event, args):
    if event == "import" and threading.current_thread().name != "b12-warm-up":
        imported.append(args[0])
at = AppTest.from_file(sys.argv[1], default_timeout=60)
sys.addaudithook(hook)
at.run()
sys.stdout.write(json.dumps({
    "imported": imported,
    "exception": [str(e.value) for e in at.exception],
    "buttons": [b.label for b in at.button],
}))
"""


def test_the_first_page_imports_neither_pandas_nor_the_planner_package():
    result = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE_PROBE, str(REPO / "streamlit_app.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    probe = json.loads(result.stdout)
    assert not probe["exception"], probe["exception"]
    assert "Generate plan" in probe["buttons"]
    heavy = {"numpy", "pandas", "pyarrow", "pydantic", "planner", "altair", "sqlalchemy"}
    loaded = sorted({name for name in probe["imported"] if name.split(".")[0] in heavy})
    assert not loaded, f"the first page imported {loaded}"


def test_the_form_offers_the_library_choices():
    assert light.DIET_NAMES == profile.DIET_NAMES
    assert light.LIFE_STAGES == profile.LIFE_STAGES
    assert {s: profile.stage_label(s) for s in profile.LIFE_STAGES} == light.STAGE_LABELS
    assert light.SUPPLEMENT_STRENGTHS_UG == profile.SUPPLEMENT_STRENGTHS_UG
    assert tuple(profile.ACTIVITY_FACTORS) == light.ACTIVITIES
    # B12 counting: "auto" stands for None (the diet's counting, with the age and acid reducers
    # rule); the others are the library's values.
    assert tuple(light.B12_COUNTING_LABELS) == ("auto", *get_args(profile.B12Counting))
    assert (
        light.DEFAULT_SETTINGS["b12_counting"] == "auto" and profile.Profile().b12_counting is None
    )
    # The form's slots are the planner's default slots plus a second snack (made like the first).
    assert set(light.SLOT_CHOICES) - {"snack2"} <= {slot.name for slot in profile.default_slots()}


def test_every_profile_field_is_in_the_form_or_kept_and_listed():
    """A field the form neither shows nor keeps was dropped by Generate (acid_reducers was)."""
    form = set(light.DEFAULT_SETTINGS)
    kept = set(light.KEPT_LABELS) - {"slot_definitions"}
    assert not form & kept
    assert form | kept | {"prices"} | set(light.NOT_KEPT) == set(profile.Profile.model_fields)
    assert set(light.DIET_OVERRIDES) <= kept


def test_the_risks_that_tick_acid_reducers_are_the_risk_checks_food_bound_ones():
    from planner.risk import FACTORS_BY_KEY

    for key in light.ACID_REDUCER_RISKS:
        assert FACTORS_BY_KEY[key].effect == "food_bound"


def test_a_planner_error_is_recognised_without_importing_the_library_for_it():
    from planner.errors import InputError

    assert light.is_planner_error(InputError("profile field days: too many"))
    assert not light.is_planner_error(ValueError("not the library's"))
