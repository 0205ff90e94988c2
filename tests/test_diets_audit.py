"""The hand-labelled audit set: zero foods wrongly allowed for vegans or vegetarians."""

from __future__ import annotations

import pytest

from planner.diets import label_foods
from planner.diets.audit import read_audit, score


@pytest.fixture(scope="module")
def audit():
    return read_audit()


def test_audit_set_is_large_and_covers_both_sources(audit, catalog):
    assert len(audit) >= 300
    sources = catalog.foods.loc[audit.index, "source"].value_counts()
    assert sources.get("fndds", 0) >= 100 and sources.get("sr", 0) >= 100
    assert audit.index.is_unique
    # What a vegetarian may not eat, a vegan may not eat either.
    assert not (audit["vegan"].astype(bool) & ~audit["vegetarian"].astype(bool)).any()
    # Descriptions were copied from the catalog; a mismatch means the snapshot changed.
    assert (audit["description"] == catalog.foods.loc[audit.index, "description"]).all()


def test_no_food_is_wrongly_allowed(audit, catalog, capsys):
    scores = score(label_foods(catalog), audit)
    with capsys.disabled():
        for s in scores:
            print(
                f"\naudit {s.diet}: {s.foods} foods, accuracy {s.accuracy:.1%}, "
                f"wrongly allowed {len(s.false_allowed)}, wrongly excluded {len(s.false_excluded)}"
            )
    for s in scores:
        assert s.false_allowed == (), f"{s.diet}: wrongly allowed {s.false_allowed}"
        assert s.accuracy > 0.85, s.diet
