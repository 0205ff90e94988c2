"""FDC API client and parser, against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pandas as pd
import pytest
from fdc_server import LocalServer, Reply, Request, free_port

from planner.catalog import FOOD_COLUMNS, INGREDIENT_COLUMNS, LANGUAL_COLUMNS, Catalog
from planner.cli import main
from planner.errors import DataError, FdcApiError, InputError
from planner.fdc_api import (
    FdcClient,
    food_to_catalog_row,
    foods_to_frames,
    ingredients_by_food,
    parse_food,
)

FIXTURES = Path(__file__).parent / "fixtures" / "fdc_api"
RAW_API = Path(__file__).resolve().parents[2] / "shared" / "usda-raw" / "fdc-api-fixtures"
KEY = "test-key-7f3a9c"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def raw(name: str):
    path = RAW_API / name
    if not path.exists():
        pytest.skip(f"real FDC API responses not available at {RAW_API} (../shared/usda-raw)")
    return path.read_bytes()


class Sleeps(list):
    """Records requested sleeps instead of sleeping, so retry tests take no time."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def sleeps():
    return Sleeps()


def client_for(server: LocalServer, sleeps: Sleeps, **kwargs) -> FdcClient:
    options = {"api_key": KEY, "base_url": server.url + "/fdc", "timeout": 5.0, "sleep": sleeps}
    options.update(kwargs)
    return FdcClient(**options)


# ---------------------------------------------------------------------------------------------
# Parsing every response shape
# ---------------------------------------------------------------------------------------------


def test_abridged_number_amount_shape():
    row = food_to_catalog_row(fixture("food-survey-abridged.json"))
    assert tuple(row) == FOOD_COLUMNS
    assert row["food_id"] == "fdc:900030"
    assert row["fdc_id"] == 900030
    assert row["dataset"] == "FDC Survey (FNDDS)"
    assert row["release"] == "2024-10-31"
    assert row["b12_ug"] == 1.76
    assert row["b12_added_ug"] == 0.0  # reported zero stays zero
    assert (row["kcal"], row["kcal_basis"]) == (159.0, "energy")
    assert (row["protein_g"], row["fat_g"], row["carb_g"]) == (15.2, 9.26, 3.1)
    assert (row["fiber_g"], row["sodium_mg"]) == (0.2, 401.0)


def test_full_nested_shape_with_atwater_energy_and_portions():
    parsed = parse_food(fixture("food-foundation-full.json"))
    row = parsed.row
    assert row["dataset"] == "FDC Foundation"
    assert row["release"] == "2023-04-20"  # "4/20/2023" normalised
    assert (row["category"], row["category_code"]) == ("Dairy and Egg Products", "0100")
    assert row["b12_ug"] == 1.02
    assert math.isnan(row["b12_added_ug"])  # not reported -> missing, not 0
    assert math.isnan(row["fiber_g"]) and math.isnan(row["carb_g"])
    assert (row["kcal"], row["kcal_basis"]) == (143.0, "atwater_specific")
    # Zero-gram portion dropped; text built like the CSV reader does.
    assert parsed.portions == [
        {"food_id": "fdc:900020", "seq": 2, "portion": "1 cup, chopped", "grams": 136.0},
        {"food_id": "fdc:900020", "seq": 1, "portion": "1 egg, large", "grams": 50.0},
    ]


def test_energy_falls_back_to_atwater_general_and_kj_is_not_kcal():
    food = fixture("food-foundation-full.json")
    food["foodNutrients"] = [n for n in food["foodNutrients"] if n["nutrient"]["id"] != 2048]
    assert food_to_catalog_row(food)["kcal"] == 148.0
    assert food_to_catalog_row(food)["kcal_basis"] == "atwater_general"

    seaweed = fixture("foods-list.json")[1]  # only kJ energy (number 268)
    row = food_to_catalog_row(seaweed)
    assert math.isnan(row["kcal"]) and row["kcal_basis"] is None
    assert row["protein_g"] == 5.8


def test_branded_details_brand_category_serving_and_ingredients():
    parsed = parse_food(fixture("food-branded-full.json"))
    row = parsed.row
    assert row["description"] == "SOY BEVERAGE, UNSWEETENED (EXAMPLE SOY, Example Soy Foods, Inc.)"
    assert row["dataset"] == "FDC Branded"
    assert row["category"] == "Plant Based Milk"
    assert row["release"] == "2024-02-01"
    assert row["b12_ug"] == 1.25  # unitName "µg"
    assert (row["kcal"], row["sodium_mg"]) == (33.0, 38.0)
    assert parsed.portions == [
        {"food_id": "fdc:900010", "seq": 1, "portion": "1 cup", "grams": 240.0}
    ]
    assert parsed.ingredients.startswith("FILTERED WATER, WHOLE SOYBEANS")
    assert (parsed.brand_owner, parsed.brand_name) == ("Example Soy Foods, Inc.", "EXAMPLE SOY")
    # The {type,id,amount} entry without a nutrient (a known API quirk) is reported, not guessed.
    assert parsed.notes == ["1 nutrient entries without a nutrient id were ignored"]


def test_search_flat_shape_ml_serving_and_food_measures():
    page1 = fixture("search-page1.json")["foods"]
    drink = parse_food(page1[0])
    assert drink.row["description"] == "OAT DRINK, FORTIFIED (OATLY-ISH, Example Oat Co.)"
    assert drink.row["b12_ug"] == 0.38 and math.isnan(drink.row["b12_added_ug"])
    assert drink.row["category"] == "Plant Based Milk"
    assert drink.portions == []  # 240 ml is not a gram weight
    assert "per 100 ml" in drink.notes[0]

    cereal = food_to_catalog_row(page1[1])
    assert (cereal["b12_ug"], cereal["b12_added_ug"]) == (6.0, 6.0)
    assert (cereal["fiber_g"], cereal["carb_g"], cereal["kcal"]) == (10.0, 80.0, 375.0)

    yeast = parse_food(fixture("search-page2.json")["foods"][0])
    assert yeast.row["dataset"] == "FDC SR Legacy"
    assert yeast.row["additional_description"] == "savory yeast"
    assert (yeast.row["kcal"], yeast.row["b12_ug"]) == (360.0, 24.0)
    assert yeast.portions == [
        {"food_id": "fdc:900003", "seq": 1, "portion": "2 tbsp", "grams": 8.0}
    ]


@pytest.mark.parametrize(
    ("nutrient", "unit", "message"),
    [
        ({"number": "418", "amount": 0.001, "unitName": "MG"}, "MG", "nutrient 1178"),
        ({"nutrientId": 1008, "value": 1200.0, "unitName": "kJ"}, "kJ", "nutrient 1008"),
        ({"nutrient": {"id": 1093, "unitName": "g"}, "amount": 0.4}, "g", "nutrient 1093"),
    ],
)
def test_unknown_unit_is_refused_naming_food_and_nutrient(nutrient, unit, message):
    food = {"fdcId": 900050, "description": "Broken record", "foodNutrients": [nutrient]}
    with pytest.raises(DataError) as err:
        parse_food(food)
    assert "900050" in str(err.value) and message in str(err.value) and repr(unit) in str(err.value)


def test_bad_unit_fixture_and_records_without_id_or_description():
    with pytest.raises(DataError, match="900050.*nutrient 1178.*'MG'"):
        parse_food(fixture("food-bad-unit.json"))
    with pytest.raises(DataError, match="no fdcId"):
        parse_food({"description": "x", "foodNutrients": []})
    with pytest.raises(DataError, match="no description"):
        parse_food({"fdcId": 5, "foodNutrients": []})


def test_frames_join_the_catalog_as_fdc_ids():
    api_foods = [
        fixture("food-branded-full.json"),
        fixture("food-foundation-full.json"),
        fixture("food-survey-abridged.json"),
        *fixture("foods-list.json"),
    ]
    foods, portions = foods_to_frames(api_foods)
    assert list(foods.columns) == list(FOOD_COLUMNS)
    assert str(foods["fdc_id"].dtype) == "Int64"
    assert foods["b12_ug"].dtype == "float64"
    assert foods["food_id"].tolist() == sorted(f"fdc:{f['fdcId']}" for f in api_foods)
    assert len(portions) == 3 and (portions["grams"] > 0).all()

    base_foods, base_portions = foods_to_frames(fixture("search-page2.json")["foods"])
    empty = {c: pd.Series(dtype="object") for c in INGREDIENT_COLUMNS}
    base = Catalog(
        base_foods.set_index("food_id"),
        base_portions,
        pd.DataFrame(empty),
        pd.DataFrame({c: pd.Series(dtype="object") for c in LANGUAL_COLUMNS}),
    )
    catalog = base.with_foods(foods, portions)
    assert len(catalog) == 6
    assert catalog.food("fdc:900020")["b12_ug"] == 1.02
    assert pd.isna(catalog.food("fdc:900041")["kcal"])
    assert catalog.portions_of("fdc:900010")["grams"].tolist() == [240.0]
    assert ingredients_by_food(api_foods) == {
        "fdc:900010": fixture("food-branded-full.json")["ingredients"]
    }


# ---------------------------------------------------------------------------------------------
# The client against a local server
# ---------------------------------------------------------------------------------------------


def test_search_sends_key_and_parameters(server, sleeps):
    server.route("/fdc/v1/foods/search", Reply(body=fixture("search-page1.json")))
    client = client_for(server, sleeps)
    page = client.search("fortified oat drink", data_type=["branded", "SR Legacy"], page_size=2)
    assert (page.total_hits, page.page, page.total_pages) == (3, 1, 2)
    assert [f["fdcId"] for f in page.foods] == [900001, 900002]
    [request] = server.requests
    assert request.param("api_key") == KEY
    assert request.param("query") == "fortified oat drink"
    assert request.param("dataType") == "Branded,SR Legacy"
    assert (request.param("pageSize"), request.param("pageNumber")) == ("2", "1")


def test_search_all_follows_pages_and_respects_max_pages(server, sleeps):
    def pages(request: Request) -> Reply:
        return Reply(body=fixture(f"search-page{request.param('pageNumber')}.json"))

    server.route("/fdc/v1/foods/search", handler=pages)
    client = client_for(server, sleeps)
    ids = [f["fdcId"] for f in client.search_all("oat", page_size=2, max_pages=10)]
    assert ids == [900001, 900002, 900003]
    assert len(server.requests) == 2  # stopped at totalPages, not max_pages
    assert len(list(client.search_all("oat", page_size=2, max_pages=1))) == 2
    assert len(server.requests) == 3


def test_food_formats_and_foods_batches_of_twenty(server, sleeps):
    server.route("/fdc/v1/food/900030", Reply(body=fixture("food-survey-abridged.json")))
    known = {900010 + i: {"fdcId": 900010 + i, "description": f"food {i}"} for i in range(40)}

    def batch(request: Request) -> Reply:
        ids = [int(x) for x in request.param("fdcIds").split(",")]
        return Reply(body=[known[i] for i in ids if i in known])  # unknown ids omitted

    server.route("/fdc/v1/foods", handler=batch)
    client = client_for(server, sleeps)
    food = client.food("fdc:900030")
    assert food_to_catalog_row(food)["b12_ug"] == 1.76
    assert server.requests[0].param("format") == "abridged"
    client.food(900030, format="full")
    assert server.requests[1].param("format") == "full"

    wanted = [*range(900010, 900050), 900010, 900011]  # 40 known, 5 unknown, 2 repeats
    wanted = wanted[:40] + [999001, 999002, 999003, 999004, 999005] + wanted[40:]
    foods = client.foods(wanted)
    assert [f["fdcId"] for f in foods] == list(range(900010, 900050))
    sizes = [len(r.param("fdcIds").split(",")) for r in server.requests_to("/fdc/v1/foods")]
    assert sizes == [20, 20, 5]


def test_list_foods_endpoint(server, sleeps):
    server.route("/fdc/v1/foods/list", Reply(body=fixture("foods-list.json")))
    foods = client_for(server, sleeps).list_foods(data_type="Survey (FNDDS)", page_size=2)
    assert [food_to_catalog_row(f)["b12_ug"] for f in foods][0] == 0.54
    assert server.requests[0].param("dataType") == "Survey (FNDDS)"


def test_demo_key_warning_and_base_url_from_environment(server, sleeps, monkeypatch):
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    monkeypatch.setenv("FDC_API_BASE_URL", server.url + "/fdc/")
    server.route("/fdc/v1/food/900030", Reply(body=fixture("food-survey-abridged.json")))
    with pytest.warns(UserWarning, match="DEMO_KEY.*30 requests per hour and 50 per day"):
        client = FdcClient(sleep=sleeps)
    client.food(900030)
    assert server.requests[0].param("api_key") == "DEMO_KEY"

    monkeypatch.setenv("FDC_API_KEY", "env-key-1")
    FdcClient(sleep=sleeps).food(900030)
    assert server.requests[1].param("api_key") == "env-key-1"


def test_429_honours_retry_after_then_succeeds(server, sleeps):
    server.route(
        "/fdc/v1/food/900030",
        Reply(429, b"", {"Retry-After": "7"}),
        Reply(429, b""),  # no Retry-After: exponential backoff (attempt 1 -> 2 s)
        Reply(body=fixture("food-survey-abridged.json")),
    )
    food = client_for(server, sleeps, max_retries=3).food(900030)
    assert food["fdcId"] == 900030
    assert sleeps == [7.0, 2.0]
    assert len(server.requests) == 3


def test_429_with_a_long_wait_fails_at_once_and_forever_is_bounded(server, sleeps):
    server.route("/fdc/v1/food/1", Reply(429, b"", {"Retry-After": "3600"}))
    client = client_for(server, sleeps, api_key="DEMO_KEY")
    with pytest.raises(FdcApiError, match="wait 3600 s.*FDC_API_KEY"):
        client.food(1)
    assert sleeps == [] and len(server.requests) == 1

    server.route("/fdc/v1/food/2", Reply(429, b"", {"Retry-After": "1"}))
    with pytest.raises(FdcApiError, match=r"rate limit reached \(HTTP 429\) after 3 attempts"):
        client_for(server, sleeps, max_retries=2).food(2)
    assert sleeps == [1.0, 1.0]


def test_500_then_success_and_500_forever_with_capped_backoff(server, sleeps):
    server.route(
        "/fdc/v1/food/900030", Reply(500), Reply(body=fixture("food-survey-abridged.json"))
    )
    assert client_for(server, sleeps).food(900030)["fdcId"] == 900030
    assert sleeps == [1.0]

    sleeps.clear()
    server.route("/fdc/v1/food/7", Reply(503))
    client = client_for(server, sleeps, max_retries=4, backoff_cap=3.0)
    with pytest.raises(FdcApiError, match=r"server error \(HTTP 503\) after 5 attempts"):
        client.food(7)
    assert sleeps == [1.0, 2.0, 3.0, 3.0]
    assert len(server.requests_to("/fdc/v1/food/7")) == 5


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_key_is_not_retried(server, sleeps, status):
    server.route("/fdc/v1/food/1", Reply(status, {"error": {"code": "API_KEY_INVALID"}}))
    with pytest.raises(FdcApiError) as err:
        client_for(server, sleeps).food(1)
    assert "API key rejected" in str(err.value) and "FDC_API_KEY" in str(err.value)
    assert KEY not in str(err.value)
    assert len(server.requests) == 1 and sleeps == []


def test_404_means_no_such_food(server, sleeps):
    with pytest.raises(FdcApiError, match="no such food: FDC id 123"):
        client_for(server, sleeps).food(123)
    with pytest.raises(FdcApiError, match="try the abridged format"):
        client_for(server, sleeps).food(123, format="full")


def test_malformed_json_and_wrong_shapes_are_clear_errors(server, sleeps):
    server.route("/fdc/v1/food/1", Reply(body=b'{"fdcId": 1, "description": "trunc'))
    server.route("/fdc/v1/foods/search", Reply(body={"error": "x"}))
    server.route("/fdc/v1/foods", Reply(body={"not": "a list"}))
    client = client_for(server, sleeps)
    with pytest.raises(FdcApiError, match="not valid JSON"):
        client.food(1)
    with pytest.raises(FdcApiError, match="without a 'foods' list"):
        client.search("cheese")
    with pytest.raises(FdcApiError, match="other than a list"):
        client.foods([1])


def test_bad_request_body_is_shown_without_the_key(server, sleeps):
    server.route("/fdc/v1/foods/search", Reply(400, f"bad pageSize in ?api_key={KEY}&pageSize=x"))
    with pytest.raises(FdcApiError) as err:
        client_for(server, sleeps).search("cheese")
    assert "HTTP 400" in str(err.value) and "bad pageSize" in str(err.value)
    assert KEY not in str(err.value)


def test_connection_refused_is_retried_then_reported(sleeps):
    url = f"http://127.0.0.1:{free_port()}/fdc"
    client = FdcClient(api_key=KEY, base_url=url, sleep=sleeps, max_retries=2, timeout=2)
    with pytest.raises(FdcApiError) as err:
        client.food(1)
    assert "cannot connect" in str(err.value) and "after 3 attempts" in str(err.value)
    assert KEY not in str(err.value)
    assert sleeps == [1.0, 2.0]


def test_timeout_when_the_server_is_too_slow(server, sleeps):
    server.route("/fdc/v1/food/1", Reply(body={"fdcId": 1}, delay=1.5))
    client = client_for(server, sleeps, timeout=0.2, max_retries=1)
    started = time.monotonic()
    with pytest.raises(FdcApiError, match=r"no answer within 0.2 s after 2 attempts"):
        client.food(1)
    assert time.monotonic() - started < 1.2  # gave up on each attempt well before 1.5 s
    assert len(server.requests) == 2


def test_cache_reuses_responses_and_never_stores_the_key(server, sleeps, tmp_path):
    server.route("/fdc/v1/food/900030", Reply(body=fixture("food-survey-abridged.json")))
    server.route("/fdc/v1/food/5", Reply(500))
    cache = tmp_path / "cache"
    client = client_for(server, sleeps, cache_dir=cache, max_retries=0)
    first = client.food(900030)
    second = client.food(900030)
    assert first == second and len(server.requests) == 1
    assert client.requests_sent == 1
    other_key = client_for(server, sleeps, cache_dir=cache, api_key="another-key")
    assert other_key.food(900030) == first and len(server.requests) == 1
    # A different format is a different request.
    client.food(900030, format="full")
    assert len(server.requests) == 2
    with pytest.raises(FdcApiError):
        client.food(5)  # failures are not cached
    files = sorted(p.name for p in cache.iterdir())
    assert len(files) == 2 and all(f.endswith(".json") and not f.startswith(".") for f in files)
    for path in cache.iterdir():
        assert KEY not in path.name and KEY not in path.read_text(encoding="utf-8")


def test_bad_arguments_raise_input_error_before_any_request(server, sleeps):
    client = client_for(server, sleeps)
    for call in (
        lambda: client.search("cheese", page_size=0),
        lambda: client.search("cheese", page_size=201),
        lambda: client.search("cheese", page_number=0),
        lambda: client.search("   "),
        lambda: client.search("cheese", data_type="Frozen"),
        lambda: client.food("abc"),
        lambda: client.food(-3),
        lambda: client.food(1, format="compact"),
        lambda: client.foods([1, "x"]),
        lambda: list(client.search_all("cheese", max_pages=0)),
    ):
        with pytest.raises(InputError):
            call()
    with pytest.raises(InputError, match="FDC_API_BASE_URL"):
        FdcClient(api_key=KEY, base_url="ftp://example.org")
    with pytest.raises(InputError, match="timeout"):
        FdcClient(api_key=KEY, base_url=server.url, timeout=0)
    assert server.requests == []


# ---------------------------------------------------------------------------------------------
# Real recorded FDC responses (../shared/usda-raw/fdc-api-fixtures), replayed over HTTP
# ---------------------------------------------------------------------------------------------


@pytest.mark.raw
def test_real_abridged_detail_cheddar(server, sleeps):
    server.route(
        "/fdc/v1/food/328637",
        Reply(body=raw("trellislabs-2026-07-03/food-328637.detail-abridged.json")),
    )
    row = food_to_catalog_row(client_for(server, sleeps).food(328637))
    assert row["description"] == "Cheese, cheddar"
    assert row["dataset"] == "FDC Foundation" and row["release"] == "2019-04-01"
    assert row["b12_ug"] == 1.06
    assert math.isnan(row["b12_added_ug"])
    assert (row["kcal"], row["kcal_basis"]) == (408.0, "energy")
    assert (row["protein_g"], row["fat_g"], row["carb_g"], row["sodium_mg"]) == (
        23.3,
        34.0,
        2.44,
        654.0,
    )


@pytest.mark.raw
def test_real_full_detail_big_mac(server, sleeps):
    server.route("/fdc/v1/food/170720", Reply(body=raw("danclowry-2019-12/BigMacFood.json")))
    parsed = parse_food(client_for(server, sleeps).food(170720, format="full"))
    row = parsed.row
    assert row["description"] == "McDONALD'S, BIG MAC"
    assert row["dataset"] == "FDC SR Legacy" and row["release"] == "2019-04-01"
    assert (row["category"], row["category_code"]) == ("Fast Foods", "2100")
    assert row["b12_ug"] == 0.88
    assert (row["kcal"], row["fiber_g"], row["sodium_mg"]) == (257.0, 1.6, 460.0)
    assert parsed.portions == [
        {"food_id": "fdc:170720", "seq": 1, "portion": "1 item 7.6 oz", "grams": 219.0}
    ]


@pytest.mark.raw
def test_real_search_branded_and_foundation(server, sleeps):
    server.route(
        "/fdc/v1/foods/search",
        Reply(body=raw("trellislabs-2026-07-03/cheddar-cheese.search-all.json")),
        Reply(body=raw("trellislabs-2026-07-03/cheddar-cheese.search-foundation.json")),
    )
    client = client_for(server, sleeps)
    page = client.search("cheddar cheese", page_size=10)
    assert (page.total_hits, page.total_pages, len(page.foods)) == (64784, 6479, 10)
    foods, portions = foods_to_frames(page.foods)
    first = foods.set_index("food_id").loc["fdc:2057648"]
    assert (
        first["description"] == "CHEDDAR CHEESE (GRAFTON VILLAGE, Grafton Village Cheese Co, LLC)"
    )
    assert (first["dataset"], first["category"], first["kcal"]) == ("FDC Branded", "Cheese", 393.0)
    assert foods["b12_ug"].isna().all()  # these labels report no B12: missing, not 0
    assert portions.set_index("food_id").loc["fdc:2057648", "grams"] == 28.0

    page = client.search("cheddar cheese", data_type="Foundation", page_size=10)
    foods, _ = foods_to_frames(page.foods)
    b12 = foods.set_index("food_id")["b12_ug"].dropna().to_dict()
    assert b12 == {"fdc:325036": 1.35, "fdc:328637": 1.06, "fdc:746767": 3.02}
    cotija = foods.set_index("food_id").loc["fdc:2647443"]
    assert (cotija["kcal"], cotija["kcal_basis"]) == (352.0, "atwater_specific")


@pytest.mark.raw
def test_real_2020_search_and_list_formats(server, sleeps):
    server.route("/fdc/v1/foods/search", Reply(body=raw("bluedreamer-2020-08/cheddar_cheese.json")))
    server.route("/fdc/v1/foods/list", Reply(body=raw("bluedreamer-2020-08/food_list.json")))
    client = client_for(server, sleeps)
    foods, _ = foods_to_frames(client.search("Cheddar Cheese").foods)
    assert len(foods) == 50
    assert foods.set_index("food_id").loc["fdc:470991", "kcal"] == 393.0

    listed = client.list_foods(page_size=50)
    foods, _ = foods_to_frames(listed)
    by_id = foods.set_index("food_id")
    assert len(foods) == 50 and by_id["b12_ug"].notna().sum() == 44
    assert (by_id.loc["fdc:789266", "b12_ug"], by_id.loc["fdc:789266", "b12_added_ug"]) == (
        0.29,
        0.0,
    )
    assert by_id.loc["fdc:789266", "dataset"] == "FDC Survey (FNDDS)"
    assert pd.isna(by_id.loc["fdc:167782", "b12_ug"])  # Abiyuch: no B12 reported
    assert by_id.loc["fdc:168977", "b12_ug"] == 4.83


@pytest.mark.raw
def test_real_2019_search_without_nutrients(server, sleeps):
    server.route("/fdc/v1/foods/search", Reply(body=raw("danclowry-2019-12/BigMacSearch.json")))
    page = client_for(server, sleeps).search("big mac")
    foods, _ = foods_to_frames(page.foods)
    assert len(foods) == 50 and page.total_hits == 2312
    assert foods[["b12_ug", "kcal", "protein_g"]].isna().all().all()


# ---------------------------------------------------------------------------------------------
# CLI: b12plan fdc search / food
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def cli_server(server, monkeypatch):
    monkeypatch.setenv("FDC_API_BASE_URL", server.url + "/fdc")
    monkeypatch.setenv("FDC_API_KEY", KEY)
    return server


def test_cli_search_table_json_csv(cli_server, capsys):
    cli_server.route("/fdc/v1/foods/search", Reply(body=fixture("search-page1.json")))
    assert main(["fdc", "search", "oat drink", "--data-type", "Branded", "--page-size", "2"]) == 0
    out = capsys.readouterr().out
    assert "OAT DRINK, FORTIFIED" in out and "OATLY-ISH" in out and "page 1 of 2" in out
    request = cli_server.requests[-1]
    assert (request.param("dataType"), request.param("pageSize")) == ("Branded", "2")

    assert main(["fdc", "search", "oat drink", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[1] == {
        "fdc_id": 900002,
        "description": "BREAKFAST CEREAL, WHOLE GRAIN FLAKES",
        "data_type": "Branded",
        "brand": "EXAMPLE MILLS",
        "b12_ug": 6.0,
        "b12_added_ug": 6.0,
        "kcal": 375.0,
    }
    assert rows[0]["b12_added_ug"] is None  # not reported -> null, not 0

    assert main(["fdc", "search", "oat drink", "--format", "csv", "--page", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "fdc_id,description,data_type,brand,b12_ug,b12_added_ug,kcal"
    assert lines[2].startswith("900002,") and lines[2].endswith(",6.0,6.0,375.0")


def test_cli_food_json_and_table(cli_server, capsys):
    cli_server.route("/fdc/v1/food/900010", Reply(body=fixture("food-branded-full.json")))
    assert main(["fdc", "food", "900010", "--format", "json", "--full"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert cli_server.requests[-1].param("format") == "full"
    assert data["food"]["food_id"] == "fdc:900010" and data["food"]["b12_ug"] == 1.25
    assert data["food"]["b12_added_ug"] is None
    assert data["portions"] == [{"seq": 1, "portion": "1 cup", "grams": 240.0}]
    assert data["ingredients"].startswith("FILTERED WATER")

    assert main(["fdc", "food", "fdc:900010"]) == 0
    out = capsys.readouterr().out
    assert "b12_ug" in out and "1.25" in out and "1 cup" in out and "FILTERED WATER" in out
    assert cli_server.requests[-1].param("format") == "abridged"


def test_cli_cache_and_low_allowance_warning(cli_server, capsys, tmp_path):
    cli_server.route(
        "/fdc/v1/food/900030",
        Reply(body=fixture("food-survey-abridged.json"), headers={"X-RateLimit-Remaining": "3"}),
    )
    for _ in range(2):
        assert main(["fdc", "food", "900030", "--cache", str(tmp_path), "--format", "json"]) == 0
    assert len(cli_server.requests) == 1  # the second answer came from the cache
    err = capsys.readouterr().err
    assert err == "b12plan: warning: 3 FDC API requests left in this hour's allowance\n"


def test_cli_errors_exit_2_with_one_line(cli_server, capsys):
    assert main(["fdc", "food", "424242"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("b12plan: error: no such food: FDC id 424242") and err.count("\n") == 1

    cli_server.route("/fdc/v1/foods/search", Reply(403))
    assert main(["fdc", "search", "cheese"]) == 2
    err = capsys.readouterr().err
    assert "API key rejected" in err and KEY not in err and "Traceback" not in err

    cli_server.route("/fdc/v1/food/900050", Reply(body=fixture("food-bad-unit.json")))
    assert main(["fdc", "food", "900050"]) == 2
    assert "nutrient 1178" in capsys.readouterr().err

    assert main(["fdc", "food", "cheddar"]) == 2
    assert "not an FDC id" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["fdc", "search", "cheese", "--page-size", "500"])
    assert exit_info.value.code == 2
    assert "between 1 and 200" in capsys.readouterr().err


def test_cli_demo_key_warning_is_one_line(server, monkeypatch, capsys):
    monkeypatch.setenv("FDC_API_BASE_URL", server.url + "/fdc")
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    server.route("/fdc/v1/food/900030", Reply(body=fixture("food-survey-abridged.json")))
    assert main(["fdc", "food", "900030", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("b12plan: warning: FDC_API_KEY is not set")
    assert captured.err.count("\n") == 1
    assert json.loads(captured.out)["food"]["b12_ug"] == 1.76
