"""FoodData Central REST API: a small, polite client and a parser into the catalog schema.

The API is rate limited (DEMO_KEY: 30 requests/hour, 50/day per IP; a registered key: 1,000
requests/hour), slow at times and answers in three nutrient shapes depending on the endpoint,
so this module bounds every wait, retries only what can succeed on retry, never lets the key
leak into messages or cache file names, and parses every shape into the same catalog columns.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import math
import os
import re
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from planner.catalog import FOOD_COLUMNS, PORTION_COLUMNS
from planner.errors import DataError, FdcApiError, InputError
from planner.files import atomic_write_text
from planner.ingest.common import finish_foods, finish_portions

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc"
DEMO_KEY = "DEMO_KEY"
KEY_SIGNUP_URL = "https://fdc.nal.usda.gov/api-key-signup"
MAX_PAGE_SIZE = 200
MAX_IDS_PER_REQUEST = 20

# API `dataType` value -> catalog `dataset`.
DATA_TYPES = {
    "Branded": "FDC Branded",
    "Foundation": "FDC Foundation",
    "SR Legacy": "FDC SR Legacy",
    "Survey (FNDDS)": "FDC Survey (FNDDS)",
    "Experimental": "FDC Experimental",
}

# Legacy SR nutrient numbers (abridged and list formats) -> FDC nutrient ids.
NUMBER_TO_ID = {
    "418": 1178,
    "578": 1246,
    "208": 1008,
    "957": 2047,
    "958": 2048,
    "203": 1003,
    "204": 1004,
    "205": 1005,
    "291": 1079,
    "307": 1093,
}

# Stands for "a nutrient the planner does not use" when only an unmapped SR number is given.
OTHER_NUTRIENT = 0

# FDC nutrient id -> (field, unit family). Energy ids feed `kcal` through the fallback below.
NUTRIENT_IDS: dict[int, tuple[str, str]] = {
    1178: ("b12_ug", "ug"),
    1246: ("b12_added_ug", "ug"),
    1008: ("energy", "kcal"),
    2048: ("atwater_specific", "kcal"),
    2047: ("atwater_general", "kcal"),
    1003: ("protein_g", "g"),
    1004: ("fat_g", "g"),
    1005: ("carb_g", "g"),
    1079: ("fiber_g", "g"),
    1093: ("sodium_mg", "mg"),
}

# Spellings seen in the API ("UG" in search results, "µg" in details) folded to one family.
UNIT_SPELLINGS = {
    "ug": "ug",
    "µg": "ug",
    "μg": "ug",  # Greek mu rather than the micro sign
    "mcg": "ug",
    "kcal": "kcal",
    "g": "g",
    "mg": "mg",
}

# Energy fallback order (1008, then Atwater specific 2048, then general 2047) and its label.
ENERGY_FALLBACK = (
    ("energy", "energy"),
    ("atwater_specific", "atwater_specific"),
    ("atwater_general", "atwater_general"),
)

GRAM_UNITS = {"g", "grm", "gm", "gram", "grams"}
VOLUME_UNITS = {"ml", "mlt", "milliliter", "millilitre"}


# --------------------------------------------------------------------------------------------
# Parsing: API food JSON -> catalog rows
# --------------------------------------------------------------------------------------------


@dataclass
class ParsedFood:
    """One API food in catalog terms, plus what the catalog has no column for."""

    row: dict[str, Any]  # keys = FOOD_COLUMNS
    portions: list[dict[str, Any]] = field(default_factory=list)  # keys = PORTION_COLUMNS
    data_type: str | None = None
    brand_owner: str | None = None
    brand_name: str | None = None
    ingredients: str | None = None  # Branded label ingredient text (diet rules read it)
    notes: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float:
    """A JSON amount as float; absent or non-numeric -> NaN (missing, never 0)."""
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _fdc_id_of(api_food: Mapping[str, Any]) -> int:
    raw = api_food.get("fdcId") if isinstance(api_food, Mapping) else None
    if isinstance(raw, bool) or raw is None:
        raise DataError("FDC API food has no fdcId; the response is not a food record")
    try:
        fdc_id = int(raw)
    except (TypeError, ValueError):
        raise DataError(f"FDC API food has a non-numeric fdcId {raw!r}") from None
    if fdc_id <= 0:
        raise DataError(f"FDC API food has an invalid fdcId {raw!r}")
    return fdc_id


def _nutrient_entry(entry: Any) -> tuple[int | None, Any, str | None]:
    """(nutrient id, amount, unit) from any of the API's nutrient shapes.

    Search results are flat (nutrientId/value/unitName "UG"); full details nest a `nutrient`
    object (nutrient.id/amount/nutrient.unitName "µg"); abridged details and /foods/list use
    the SR number (number/amount/unitName), which NUMBER_TO_ID maps to an id.
    """
    if not isinstance(entry, Mapping):
        return None, None, None
    nested = entry.get("nutrient")
    if isinstance(nested, Mapping):
        nutrient_id = nested.get("id")
        if nutrient_id is None and nested.get("number") is not None:
            nutrient_id = NUMBER_TO_ID.get(str(nested["number"]).strip(), OTHER_NUTRIENT)
        unit = nested.get("unitName")
        amount = entry.get("amount", entry.get("value"))
    elif "nutrientId" in entry:
        nutrient_id = entry.get("nutrientId")
        unit = entry.get("unitName")
        amount = entry.get("value", entry.get("amount"))
    elif "number" in entry or "nutrientNumber" in entry:
        number = entry.get("number", entry.get("nutrientNumber"))
        nutrient_id = NUMBER_TO_ID.get(str(number).strip(), OTHER_NUTRIENT)
        unit = entry.get("unitName")
        amount = entry.get("amount", entry.get("value"))
    else:
        return None, None, None
    try:
        nutrient_id = int(nutrient_id) if nutrient_id is not None else None
    except (TypeError, ValueError):
        nutrient_id = None
    return nutrient_id, amount, _text(unit)


def _unit_family(unit: str | None) -> str | None:
    if unit is None:
        return None
    return UNIT_SPELLINGS.get(unit.strip().lower())


def _release_of(api_food: Mapping[str, Any]) -> str | None:
    """publicationDate (details) or publishedDate (search) as ISO date; "4/1/2019" too."""
    raw = _text(api_food.get("publicationDate")) or _text(api_food.get("publishedDate"))
    if raw is None:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(raw, fmt).date().isoformat()
        except ValueError:
            continue
    return raw


def _category_of(api_food: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(category, code): foodCategory (object in details, text in search), branded or WWEIA."""
    category = api_food.get("foodCategory")
    if isinstance(category, Mapping):
        code = category.get("code", category.get("id"))
        return _text(category.get("description")), _text(code)
    if _text(category):
        return _text(category), None
    if _text(api_food.get("brandedFoodCategory")):
        return _text(api_food.get("brandedFoodCategory")), None
    wweia = api_food.get("wweiaFoodCategory")
    if isinstance(wweia, Mapping):
        return (
            _text(wweia.get("wweiaFoodCategoryDescription")),
            _text(wweia.get("wweiaFoodCategoryCode")),
        )
    return None, None


def _portion_text(portion: Mapping[str, Any]) -> str:
    """Household portion as people write it, following the FDC CSV reader's rules."""
    description = _text(portion.get("portionDescription"))
    if description:
        return description
    unit_info = portion.get("measureUnit")
    unit = _text(unit_info.get("name")) if isinstance(unit_info, Mapping) else None
    if unit == "undetermined":
        unit = None
    amount = _number(portion.get("amount"))
    text = " ".join(p for p in (f"{amount:g}" if not math.isnan(amount) else "", unit or "") if p)
    modifier = _text(portion.get("modifier"))
    if modifier:
        text = f"{text}, {modifier}" if unit else f"{text} {modifier}"
    return text.strip() or "1 serving"


def parse_food(api_food: Mapping[str, Any]) -> ParsedFood:
    """Parse one food from any endpoint (search, detail full/abridged, /foods, /foods/list)."""
    fdc_id = _fdc_id_of(api_food)
    food_id = f"fdc:{fdc_id}"
    description = _text(api_food.get("description"))
    if description is None:
        raise DataError(f"FDC API food {fdc_id} has no description")
    data_type = _text(api_food.get("dataType"))
    brand_owner = _text(api_food.get("brandOwner"))
    brand_name = _text(api_food.get("brandName"))
    brands = [b for b in (brand_name, brand_owner) if b]
    if len(brands) == 2 and brands[0].lower() == brands[1].lower():
        brands = brands[:1]
    if brands:
        description = f"{description} ({', '.join(brands)})"
    extra_names = [
        _text(api_food.get(k)) for k in ("additionalDescriptions", "commonNames") if k in api_food
    ]
    extra_names = [n for n in extra_names if n]
    category, category_code = _category_of(api_food)
    notes: list[str] = []

    values: dict[str, float] = {}
    unidentified = 0
    entries = api_food.get("foodNutrients") or []
    if not isinstance(entries, list):
        raise DataError(f"FDC API food {fdc_id}: foodNutrients is not a list")
    for entry in entries:
        nutrient_id, amount, unit = _nutrient_entry(entry)
        if nutrient_id is None:
            unidentified += 1
            continue
        if nutrient_id not in NUTRIENT_IDS:
            continue
        name, family = NUTRIENT_IDS[nutrient_id]
        # A missing unit is read as the nutrient's own unit: FDC fixes one unit per nutrient id.
        if unit is not None and _unit_family(unit) != family:
            raise DataError(
                f"FDC API food {fdc_id} ({description!r}): nutrient {nutrient_id} is in unit "
                f"{unit!r}, expected {family}; refusing to guess a conversion"
            )
        value = _number(amount)
        if not math.isnan(value) and math.isnan(values.get(name, math.nan)):
            values[name] = value
    if unidentified:
        notes.append(f"{unidentified} nutrient entries without a nutrient id were ignored")

    kcal, kcal_basis = math.nan, None
    for key, basis in ENERGY_FALLBACK:
        if not math.isnan(values.get(key, math.nan)):
            kcal, kcal_basis = values[key], basis
            break

    row: dict[str, Any] = {
        "food_id": food_id,
        "fdc_id": fdc_id,
        "description": description,
        "additional_description": "; ".join(extra_names) if extra_names else None,
        "source": "fdc",
        "dataset": DATA_TYPES.get(data_type or "", f"FDC {data_type}" if data_type else "FDC"),
        "release": _release_of(api_food),
        "category": category,
        "category_code": category_code,
        "b12_ug": values.get("b12_ug", math.nan),
        "b12_added_ug": values.get("b12_added_ug", math.nan),
        "kcal": kcal,
        "protein_g": values.get("protein_g", math.nan),
        "fat_g": values.get("fat_g", math.nan),
        "carb_g": values.get("carb_g", math.nan),
        "fiber_g": values.get("fiber_g", math.nan),
        "sodium_mg": values.get("sodium_mg", math.nan),
        "kcal_basis": kcal_basis,
    }

    portions: list[dict[str, Any]] = []
    for index, portion in enumerate(api_food.get("foodPortions") or [], start=1):
        if not isinstance(portion, Mapping):
            continue
        grams = _number(portion.get("gramWeight"))
        if math.isnan(grams) or grams <= 0:
            continue
        seq = _number(portion.get("sequenceNumber"))
        portions.append(
            {
                "food_id": food_id,
                "seq": int(seq) if not math.isnan(seq) else index,
                "portion": _portion_text(portion),
                "grams": grams,
            }
        )
    # Search results carry household measures as `foodMeasures` instead.
    for index, measure in enumerate(api_food.get("foodMeasures") or [], start=1):
        if not isinstance(measure, Mapping):
            continue
        grams = _number(measure.get("gramWeight"))
        text = _text(measure.get("disseminationText"))
        if math.isnan(grams) or grams <= 0 or text is None:
            continue
        rank = _number(measure.get("rank"))
        portions.append(
            {
                "food_id": food_id,
                "seq": int(rank) if not math.isnan(rank) else index,
                "portion": text,
                "grams": grams,
            }
        )

    serving = _number(api_food.get("servingSize"))
    serving_unit = _text(api_food.get("servingSizeUnit"))
    household = _text(api_food.get("householdServingFullText"))
    if not math.isnan(serving) and serving > 0 and serving_unit:
        unit_key = serving_unit.lower()
        if unit_key in GRAM_UNITS:
            portions.append(
                {
                    "food_id": food_id,
                    "seq": len(portions) + 1,
                    "portion": household or "1 serving",
                    "grams": serving,
                }
            )
        elif unit_key in VOLUME_UNITS:
            notes.append(
                f"serving size is {serving:g} {serving_unit} (a volume): label values are per "
                "100 ml, not per 100 g, and no gram portion was added"
            )
        else:
            notes.append(f"serving size unit {serving_unit!r} is not grams; no portion added")

    return ParsedFood(
        row=row,
        portions=portions,
        data_type=data_type,
        brand_owner=brand_owner,
        brand_name=brand_name,
        ingredients=_text(api_food.get("ingredients")),
        notes=notes,
    )


def food_to_catalog_row(api_food: Mapping[str, Any]) -> dict[str, Any]:
    """One API food as a dict with the catalog's FOOD_COLUMNS (missing nutrients are NaN)."""
    return parse_food(api_food).row


def foods_to_frames(api_foods: Iterable[Mapping[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(foods, portions) frames in the catalog schema, ready for `Catalog.with_foods`."""
    parsed = [parse_food(f) for f in api_foods]
    foods = pd.DataFrame([p.row for p in parsed], columns=list(FOOD_COLUMNS))
    portions = pd.DataFrame([r for p in parsed for r in p.portions], columns=list(PORTION_COLUMNS))
    foods = finish_foods(foods.drop_duplicates("food_id", keep="last"))
    return foods, finish_portions(portions)


def ingredients_by_food(api_foods: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """food_id -> label ingredient text, for the foods that have one (Branded)."""
    out = {}
    for api_food in api_foods:
        parsed = parse_food(api_food)
        if parsed.ingredients:
            out[parsed.row["food_id"]] = parsed.ingredients
    return out


# --------------------------------------------------------------------------------------------
# The HTTP client
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    """One page of /foods/search: the raw foods plus where we are in the result set."""

    total_hits: int
    page: int
    total_pages: int
    foods: list[dict[str, Any]]


def normalise_data_types(data_type: str | Iterable[str] | None) -> list[str]:
    """Accept "sr legacy", "Survey (FNDDS)", a list of them; reject anything else clearly."""
    if data_type is None:
        return []
    values = [data_type] if isinstance(data_type, str) else list(data_type)
    by_lower = {k.lower(): k for k in DATA_TYPES}
    out: list[str] = []
    for value in values:
        name = by_lower.get(str(value).strip().lower())
        if name is None:
            raise InputError(
                f"unknown FDC data type {value!r}; use one of: {', '.join(DATA_TYPES)}"
            )
        if name not in out:
            out.append(name)
    return out


def parse_fdc_id(value: Any) -> int:
    """An FDC id from 328637, "328637" or "fdc:328637"."""
    text = str(value).strip()
    if text.lower().startswith("fdc:"):
        text = text[4:]
    if isinstance(value, bool) or not text.isdigit() or int(text) <= 0:
        raise InputError(f"not an FDC id: {value!r}; use a positive number such as 328637")
    return int(text)


def _positive_int(name: str, value: Any, upper: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number, got {value!r}")
    if value < 1 or (upper is not None and value > upper):
        bound = f"between 1 and {upper}" if upper is not None else "at least 1"
        raise InputError(f"{name} must be {bound}, got {value}")
    return value


class FdcClient:
    """Talks to FoodData Central; every request has a timeout and bounded retries.

    Retries: HTTP 429 waits for Retry-After (or an exponential backoff) unless the wait would
    exceed `max_wait`; 5xx, timeouts and connection errors are retried `max_retries` times with
    exponential backoff capped at `backoff_cap`. 4xx other than 429 are never retried.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 30.0,
        cache_dir: str | Path | None = None,
        max_retries: int = 3,
        session: requests.Session | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_wait: float = 120.0,
    ) -> None:
        key = api_key or os.environ.get("FDC_API_KEY", "").strip()
        if not key:
            key = DEMO_KEY
            message = (
                "FDC_API_KEY is not set: using DEMO_KEY, which allows about 30 requests per "
                f"hour and 50 per day per IP; get a free key at {KEY_SIGNUP_URL}"
            )
            warnings.warn(message, stacklevel=2)
        self._api_key = key
        url = base_url or os.environ.get("FDC_API_BASE_URL", "").strip() or DEFAULT_BASE_URL
        if not re.match(r"^https?://[^/\s]+", url):
            raise InputError(
                f"FDC API base URL {url!r} is not an http(s) URL; fix FDC_API_BASE_URL"
            )
        self.base_url = url.rstrip("/")
        if not (isinstance(timeout, int | float) and timeout > 0):
            raise InputError(f"timeout must be a positive number of seconds, got {timeout!r}")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InputError(f"max_retries must be a whole number >= 0, got {max_retries!r}")
        self.timeout = float(timeout)
        self.max_retries = max_retries
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.session = session or requests.Session()
        self._sleep = sleep
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_wait = max_wait
        self.requests_sent = 0  # network requests (cache hits excluded), for tests and logs
        self.rate_limit_remaining: int | None = None  # X-RateLimit-Remaining of the last answer

    @property
    def uses_demo_key(self) -> bool:
        return self._api_key == DEMO_KEY

    # -- endpoints -------------------------------------------------------------------------

    def search(
        self,
        query: str,
        data_type: str | Iterable[str] | None = None,
        page_size: int = 50,
        page_number: int = 1,
    ) -> SearchPage:
        """One page of GET /v1/foods/search (results in the flat nutrient shape)."""
        if not isinstance(query, str) or not query.strip():
            raise InputError("search text is empty; give words to look for, e.g. 'cheddar'")
        params: dict[str, Any] = {
            "query": query.strip(),
            "pageSize": _positive_int("page size", page_size, MAX_PAGE_SIZE),
            "pageNumber": _positive_int("page number", page_number),
        }
        types = normalise_data_types(data_type)
        if types:
            params["dataType"] = ",".join(types)
        body = self._get_json("/v1/foods/search", params)
        if not isinstance(body, dict) or not isinstance(body.get("foods"), list):
            raise FdcApiError(
                "FDC search answered without a 'foods' list; the API may have changed"
            )
        foods = [f for f in body["foods"] if isinstance(f, dict)]
        return SearchPage(
            total_hits=_count(body.get("totalHits"), 0),
            page=_count(body.get("currentPage"), page_number),
            total_pages=_count(body.get("totalPages"), 0),
            foods=foods,
        )

    def search_all(
        self,
        query: str,
        data_type: str | Iterable[str] | None = None,
        page_size: int = MAX_PAGE_SIZE,
        max_pages: int = 5,
    ) -> Iterator[dict[str, Any]]:
        """Foods from successive search pages, stopping at the last page or `max_pages`.

        `max_pages` is required to be bounded: a broad query has thousands of pages, and each
        page costs one request of the hourly allowance.
        """
        _positive_int("max pages", max_pages)
        for page_number in range(1, max_pages + 1):
            page = self.search(query, data_type, page_size=page_size, page_number=page_number)
            yield from page.foods
            if not page.foods or page_number >= page.total_pages:
                return

    def food(self, fdc_id: int | str, format: str = "abridged") -> dict[str, Any]:
        """GET /v1/food/{id}: one food (abridged: number/amount nutrients; full: nested)."""
        number = parse_fdc_id(fdc_id)
        fmt = _format(format)
        not_found = f"no such food: FDC id {number} (HTTP 404)"
        if fmt == "full":
            not_found += (
                "; the API has also answered 404 to the full format of foods that exist, "
                "so try the abridged format"
            )
        body = self._get_json(f"/v1/food/{number}", {"format": fmt}, not_found=not_found)
        if not isinstance(body, dict) or "fdcId" not in body:
            raise FdcApiError(f"FDC answered for food {number} without an fdcId; not a food")
        return body

    def foods(self, fdc_ids: Iterable[int | str], format: str = "abridged") -> list[dict]:
        """Several foods, in batches of 20 (the API's limit); unknown ids are simply absent."""
        fmt = _format(format)
        ids: list[int] = []
        for value in fdc_ids:
            number = parse_fdc_id(value)
            if number not in ids:
                ids.append(number)
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), MAX_IDS_PER_REQUEST):
            batch = ids[start : start + MAX_IDS_PER_REQUEST]
            params = {"fdcIds": ",".join(str(i) for i in batch), "format": fmt}
            body = self._get_json("/v1/foods", params)
            if not isinstance(body, list):
                raise FdcApiError("FDC /foods answered with something other than a list")
            out.extend(f for f in body if isinstance(f, dict))
        return out

    def list_foods(
        self,
        data_type: str | Iterable[str] | None = None,
        page_size: int = 50,
        page_number: int = 1,
    ) -> list[dict[str, Any]]:
        """One page of GET /v1/foods/list (abridged foods, number/amount nutrients)."""
        params: dict[str, Any] = {
            "pageSize": _positive_int("page size", page_size, MAX_PAGE_SIZE),
            "pageNumber": _positive_int("page number", page_number),
        }
        types = normalise_data_types(data_type)
        if types:
            params["dataType"] = ",".join(types)
        body = self._get_json("/v1/foods/list", params)
        if not isinstance(body, list):
            raise FdcApiError("FDC /foods/list answered with something other than a list")
        return [f for f in body if isinstance(f, dict)]

    # -- plumbing --------------------------------------------------------------------------

    def cache_path(self, path: str, params: Mapping[str, Any]) -> Path | None:
        """Where a response is cached: a hash of endpoint + parameters, never of the key."""
        if self.cache_dir is None:
            return None
        material = json.dumps(
            {
                "base": self.base_url,
                "path": path,
                "params": {k: str(v) for k, v in params.items() if k != "api_key"},
            },
            sort_keys=True,
        )
        digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
        return self.cache_dir / f"{digest}.json"

    def _redact(self, text: str) -> str:
        text = re.sub(r"(api_key=)[^&\s'\"]+", r"\1***", text)
        return text.replace(self._api_key, "***") if self._api_key else text

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_cap, self.backoff_base * (2**attempt))

    def _get_json(
        self, path: str, params: Mapping[str, Any], *, not_found: str | None = None
    ) -> Any:
        cache_file = self.cache_path(path, params)
        if cache_file is not None and cache_file.exists():
            try:
                return json.loads(cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                log.warning("ignoring unreadable FDC cache file %s", cache_file)
        url = f"{self.base_url}{path}"
        query = {**params, "api_key": self._api_key}
        what = f"FDC API {path}"
        failure = ""
        for attempt in range(self.max_retries + 1):
            last_try = attempt == self.max_retries
            try:
                self.requests_sent += 1
                response = self.session.get(url, params=query, timeout=self.timeout)
            except requests.Timeout:
                failure = f"no answer within {self.timeout:g} s"
                delay = self._backoff(attempt)
            except requests.ConnectionError as err:
                failure = f"cannot connect to {self.base_url} ({type(err).__name__})"
                delay = self._backoff(attempt)
            except requests.RequestException as err:
                raise FdcApiError(f"{what}: request failed: {self._redact(str(err))}") from None
            else:
                remaining = response.headers.get("X-RateLimit-Remaining", "").strip()
                if remaining.isdigit():
                    self.rate_limit_remaining = int(remaining)
                status = response.status_code
                if status == 200:
                    return self._decode(response, what, cache_file)
                if status == 429:
                    wait = _retry_after(response.headers.get("Retry-After"))
                    delay = wait if wait is not None else self._backoff(attempt)
                    failure = "rate limit reached (HTTP 429)"
                    if delay > self.max_wait:
                        raise FdcApiError(
                            f"{what}: rate limit reached (HTTP 429) and the server asks to wait "
                            f"{delay:.0f} s; try again later"
                            + (
                                f", or set FDC_API_KEY to your own key ({KEY_SIGNUP_URL})"
                                if self.uses_demo_key
                                else ""
                            )
                        )
                elif status >= 500:
                    failure = f"server error (HTTP {status})"
                    delay = self._backoff(attempt)
                elif status in (401, 403):
                    raise FdcApiError(
                        f"{what}: API key rejected (HTTP {status}); set FDC_API_KEY to a valid "
                        f"key (free at {KEY_SIGNUP_URL})"
                    )
                elif status == 404:
                    raise FdcApiError(not_found or f"{what}: not found (HTTP 404)")
                else:
                    detail = self._redact(response.text[:200].strip())
                    raise FdcApiError(
                        f"{what}: request refused (HTTP {status})"
                        + (f": {detail}" if detail else "")
                    )
            if last_try:
                break
            log.info("%s: %s; retrying in %.1f s", what, failure, delay)
            self._sleep(delay)
        attempts = self.max_retries + 1
        raise FdcApiError(
            f"{what}: {failure} after {attempts} attempt{'s' * (attempts > 1)}; "
            "check your connection or try again later"
        )

    def _decode(self, response: requests.Response, what: str, cache_file: Path | None) -> Any:
        text = response.content.decode("utf-8", errors="replace")
        try:
            body = json.loads(text)
        except ValueError as err:
            raise FdcApiError(
                f"{what}: the answer is not valid JSON ({err.__class__.__name__} at char "
                f"{getattr(err, 'pos', '?')}); the API may be down, try again later"
            ) from None
        if cache_file is not None:
            atomic_write_text(cache_file, text)
        return body


def _count(value: Any, default: int) -> int:
    number = _number(value)
    return default if math.isnan(number) else int(number)


def _format(value: str) -> str:
    fmt = str(value).strip().lower()
    if fmt not in ("abridged", "full"):
        raise InputError(f"format must be 'abridged' or 'full', got {value!r}")
    return fmt


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
