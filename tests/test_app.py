"""Headless tests of every app page with Streamlit's AppTest (no browser, no server).

The catalog is cached with st.cache_resource, so it loads once for the whole module; plans are
generated with short solver limits and shared between tests where a test only reads them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import diets
from planner.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "streamlit_app.py")


def new_app(page: str | None = None, timeout: float = 60) -> AppTest:
    """A fresh session of the app, opened on one of its pages (default: the Plan page)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if page:
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (markdown, alerts, captions, headings)."""
    parts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "success", "info"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    for kind in ("error", "warning"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)


# --- About B12 -----------------------------------------------------------------------------


def test_about_page_risk_check_suggests_a_preset_and_says_what_planning_cannot_do():
    at = new_app("about")
    assert "Suggested plan preset: omnivore" in texts(at)
    assert "not medical advice" in texts(at)
    assert "ods.od.nih.gov/factsheets/VitaminB12" in texts(at)
    for word in ("tingling", "methylmalonic acid", "homocysteine", "serum B12"):
        assert word in texts(at)

    at.checkbox(key="risk_vegan").check().run()
    at.checkbox(key="risk_over_50").check().run()
    assert "Suggested plan preset: vegan" in texts(at)
    assert any("Plant foods contain essentially no B12" in str(w.value) for w in at.warning)
    assert not at.error

    at.checkbox(key="risk_pernicious_anaemia").check().run()
    assert any("may not be enough" in str(e.value) for e in at.error)
    assert not at.exception


def test_about_page_preset_button_carries_the_suggestion_to_the_plan_page():
    at = new_app("about")
    at.checkbox(key="risk_vegan").check().run()
    at.button(key="use_preset").click().run()
    assert not at.exception
    assert at.selectbox(key="profile_diet").value == "vegan"


# --- Foods ---------------------------------------------------------------------------------


def test_foods_search_shows_details_with_units_diet_labels_and_source():
    at = new_app("foods")
    at.text_input(key="foods_query").input("soymilk unsweetened").run()
    assert not at.exception
    details = at.selectbox(key="foods_detail")
    assert details.value == "sr:16222" or "sr:16222" in details.options
    details.set_value("sr:16222").run()
    page = texts(at)
    assert "Soymilk (all flavors), unsweetened, with added calcium, vitamins A and D" in page
    assert "SR28" in page and "`sr:16222`" in page
    assert ":green-badge[vegan]" in page and ":green-badge[reliable B12 source]" in page
    assert "counts 1.11 µg under 'all sources'" in page  # the library's explanation
    nutrients = at.dataframe[1].value.set_index("nutrient")
    assert nutrients.loc["Vitamin B12", "unit"] == "µg"
    assert nutrients.loc["Vitamin B12", "per 100 g"] == pytest.approx(1.11)
    cup = next(c for c in nutrients.columns if c.startswith("per 1 cup"))
    assert nutrients.loc["Vitamin B12", cup] > 2.5  # ~243 g


def test_foods_diet_filter_and_best_vegan_sources_are_vegan_and_ranked():
    at = new_app("foods")
    at.text_input(key="foods_query").input("milk").run()
    omnivore_count = len(at.dataframe[0].value)
    at.selectbox(key="foods_diet").set_value("vegan").run()
    vegan = at.dataframe[0].value
    labels = diets.label_foods(load_catalog())
    assert 0 < len(vegan) < omnivore_count
    assert labels.loc[vegan.index, "vegan"].all()

    at.selectbox(key="best_diet").set_value("vegan").run()
    ranking = at.dataframe[-1].value
    assert len(ranking) > 5
    per_serving = ranking["b12_per_serving_ug"].tolist()
    assert per_serving == sorted(per_serving, reverse=True)
    assert labels.loc[ranking.index, "vegan"].all()
    assert labels.loc[ranking.index, "plannable"].all()
    at.radio(key="best_by").set_value("100kcal").run()
    per_kcal = at.dataframe[-1].value["b12_per_100kcal_ug"].tolist()
    assert per_kcal == sorted(per_kcal, reverse=True)


def test_add_food_from_label_percent_dv_and_clear_errors():
    at = new_app("foods")
    at.text_input(key="label_name").input("Oat drink, fortified (test)")
    at.number_input(key="label_serving_g").set_value(240.0)
    at.text_input(key="label_serving_text").input("1 cup")
    at.radio(key="label_unit").set_value("percent_dv")
    at.number_input(key="label_amount").set_value(50.0)
    at.radio(key="label_basis").set_value("older US label (6 µg)")
    at.number_input(key="label_kcal").set_value(120.0)
    at.text_area(key="label_ingredients").input("water, oats, sunflower oil, vitamin B12")
    at.button(key="label_submit").click().run()
    assert not at.exception and not at.error
    success = " ".join(str(s.value) for s in at.success)
    # 50 % of the older 6 µg Daily Value = 3 µg per 240 g serving = 1.25 µg per 100 g.
    assert "3.00 µg B12 per serving = 1.25 µg and 50 kcal per 100 g" in success

    at.text_input(key="foods_query").input("oat drink fortified test").run()
    assert at.dataframe[0].value.index.tolist() == ["label:oat-drink-fortified-test"]
    page = texts(at)
    assert ":green-badge[vegan]" in page  # judged from the ingredient list

    at.number_input(key="label_serving_g").set_value(None)
    at.button(key="label_submit").click().run()
    assert not at.exception
    assert any("serving size is missing" in str(e.value) for e in at.error)


def test_fdc_tab_explains_the_missing_key(monkeypatch):
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    at = new_app("foods")
    assert any("FDC_API_KEY" in str(i.value) for i in at.info)


def test_fdc_search_adds_a_branded_food_from_a_local_server(monkeypatch):
    from fdc_server import LocalServer, Reply

    search = json.loads((REPO / "tests/fixtures/fdc_api/search-page1.json").read_text())
    with LocalServer() as server:
        server.route("/fdc/v1/foods/search", Reply(200, search))
        monkeypatch.setenv("FDC_API_KEY", "test-key-app")
        monkeypatch.setenv("FDC_API_BASE_URL", server.url + "/fdc")
        at = new_app("foods")
        at.text_input(key="fdc_query").input("oat drink fortified")
        at.button(key="fdc_search").click().run()
        assert not at.exception and not at.error
        assert len(server.requests_to("/fdc/v1/foods/search")) == 1
        at.selectbox(key="fdc_pick").set_value(0).run()
        at.button(key="fdc_add").click().run()
    assert not at.exception
    assert any("OAT DRINK, FORTIFIED" in str(s.value) for s in at.success)
    at.text_input(key="foods_query").input("oat drink fortified").run()
    assert "fdc:900001" in at.dataframe[0].value.index
