"""FoodData Central bulk CSV downloads (any data type) -> catalog frames.

Works on the official zip or its unpacked folder. food_nutrient.csv in the full download has
tens of millions of rows, so it is streamed in record batches with only three columns and
filtered to the planner's nutrient ids batch by batch: memory stays bounded by the batch size
and the number of matching rows, not by the file size.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from planner.errors import DataError, InputError
from planner.ingest.common import SourceFrames, finish_foods, finish_portions, to_number

# FDC nutrient id -> (our column, accepted unit names in nutrient.csv).
NUTRIENTS = {
    1178: ("b12_ug", {"UG", "µg", "MCG"}),
    1246: ("b12_added_ug", {"UG", "µg", "MCG"}),
    1008: ("kcal", {"KCAL"}),
    2048: ("kcal_atwater_specific", {"KCAL"}),
    2047: ("kcal_atwater_general", {"KCAL"}),
    1003: ("protein_g", {"G"}),
    1004: ("fat_g", {"G"}),
    1005: ("carb_g", {"G"}),
    1079: ("fiber_g", {"G"}),
    1093: ("sodium_mg", {"MG"}),
}

DATA_TYPES = {
    "foundation_food": "FDC Foundation",
    "sr_legacy_food": "FDC SR Legacy",
    "survey_fndds_food": "FDC Survey (FNDDS)",
    "branded_food": "FDC Branded",
}

REQUIRED = {
    "food.csv": ["fdc_id", "data_type", "description", "food_category_id"],
    "food_nutrient.csv": ["fdc_id", "nutrient_id", "amount"],
    "nutrient.csv": ["id", "name", "unit_name"],
}


class FdcCsvBundle:
    """Uniform access to the CSV members of an FDC download, zipped or unpacked."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        if not self.path.exists():
            raise InputError(f"FDC download {self.path} does not exist")
        if self.path.is_dir():
            for file in sorted(self.path.rglob("*.csv")):
                self._members.setdefault(file.name, str(file))
        else:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as err:
                raise DataError(
                    f"not a readable zip ({err}); the download may be truncated: download it again",
                    path=str(self.path),
                ) from err
            for name in sorted(self._zip.namelist()):
                if name.endswith(".csv"):
                    self._members.setdefault(name.rsplit("/", 1)[-1], name)
        if "food.csv" not in self._members:
            raise DataError(
                "has no food.csv: not an FoodData Central CSV download", path=str(self.path)
            )
        self.release = release_of(self.path)

    def has(self, name: str) -> bool:
        return name in self._members

    def where(self, name: str) -> str:
        return f"{self.path}:{name}" if self._zip else self._members[name]

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        if name not in self._members:
            raise DataError(f"{name} is missing from the download", path=str(self.path))
        if self._zip is None:
            with open(self._members[name], "rb") as fh:
                yield fh
        else:
            try:
                with self._zip.open(self._members[name]) as fh:
                    yield fh
            except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as err:
                raise DataError(
                    f"zip member is damaged ({err}); download the release again",
                    path=self.where(name),
                ) from err

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read a small member fully, as strings, after checking its header."""
        check = REQUIRED.get(name, columns or [])
        with self.open(name) as fh:
            data = read_all(fh, self.where(name))
        try:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise DataError(f"is not a valid CSV ({err})", path=self.where(name)) from err
        missing = [c for c in check if c not in frame.columns]
        if missing:
            raise DataError(
                f"columns {missing} are missing (found {list(frame.columns)}); "
                "is this an FDC CSV download?",
                path=self.where(name),
            )
        return frame[columns] if columns else frame


def read_all(fh: IO[bytes], where: str) -> bytes:
    try:
        data = fh.read()
    except (zipfile.BadZipFile, EOFError, OSError) as err:
        raise DataError(f"cannot be read ({err}); download the release again", path=where) from err
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(
            f"is not UTF-8 text (byte {err.start}); FDC CSV files are UTF-8: "
            "re-export the file as UTF-8",
            path=where,
        ) from err
    return data


def release_of(path: Path) -> str:
    match = re.search(r"(\d{4}-\d{2}(?:-\d{2})?)", path.name)
    return match.group(1) if match else "unknown"


def stream_nutrients(
    bundle: FdcCsvBundle, nutrient_ids: set[int], fdc_ids: set[int] | None = None
) -> pd.DataFrame:
    """(fdc_id, nutrient_id, amount) rows for the wanted nutrients, read in bounded memory.

    Each 8 MB block is parsed, filtered and reduced to compact numeric columns (int32 ids,
    float64 amounts) before the next is read, so memory grows only with the matching rows
    (about 16 bytes each), never with the file.
    """
    where = bundle.where("food_nutrient.csv")
    wanted = pa.array(sorted(nutrient_ids), type=pa.int64())
    wanted_foods = pa.array(sorted(fdc_ids), type=pa.int64()) if fdc_ids is not None else None
    parts: list[pa.Table] = []
    convert = pacsv.ConvertOptions(
        include_columns=["fdc_id", "nutrient_id", "amount"],
        column_types={"fdc_id": pa.int64(), "nutrient_id": pa.int64(), "amount": pa.string()},
        strings_can_be_null=True,
        null_values=[""],  # "NA" or "N/A" in an amount is an error, not a silent gap
    )
    with bundle.open("food_nutrient.csv") as fh:
        try:
            reader = pacsv.open_csv(
                fh,
                read_options=pacsv.ReadOptions(block_size=8 << 20),
                convert_options=convert,
            )
            first_row = 0
            for batch in reader:
                mask = pc.is_in(batch["nutrient_id"], value_set=wanted)
                if wanted_foods is not None:
                    mask = pc.and_(mask, pc.is_in(batch["fdc_id"], value_set=wanted_foods))
                kept = batch.filter(mask)
                parts.append(compact(kept, first_row, mask, where))
                first_row += batch.num_rows
        except (pa.ArrowInvalid, KeyError) as err:
            raise DataError(
                f"cannot be parsed ({err}); expected columns fdc_id, nutrient_id, amount",
                path=where,
            ) from err
        except (zipfile.BadZipFile, EOFError, OSError) as err:
            raise DataError(
                f"cannot be read ({err}); download the release again", path=where
            ) from err
    if not parts:
        return pd.DataFrame(
            {
                "fdc_id": pd.Series(dtype="int64"),
                "nutrient_id": pd.Series(dtype="int64"),
                "amount": pd.Series(dtype="float64"),
            }
        )
    frame = pa.concat_tables(parts).to_pandas()
    return frame.astype({"fdc_id": "int64", "nutrient_id": "int64"})


def compact(kept: pa.RecordBatch, first_row: int, mask: pa.Array, where: str) -> pa.Table:
    """Cast one filtered batch to numbers; a bad amount is reported with its line number."""
    try:
        amount = pc.cast(kept["amount"], pa.float64())
    except pa.ArrowInvalid:
        positions = pc.indices_nonzero(mask).to_numpy() + first_row
        values = pd.Series(kept["amount"].to_pylist(), index=positions)
        to_number(values, path=where, column="amount", row_offset=2)
        raise
    return pa.table(
        {
            "fdc_id": pc.cast(kept["fdc_id"], pa.int32()),
            "nutrient_id": pc.cast(kept["nutrient_id"], pa.int32()),
            "amount": amount,
        }
    )


def check_units(nutrients: pd.DataFrame, where: str) -> None:
    ids = to_number(nutrients["id"], path=where, column="id", row_offset=2).astype("Int64")
    units = dict(zip(ids, nutrients["unit_name"].str.strip(), strict=True))
    for nutrient_id, (column, accepted) in NUTRIENTS.items():
        unit = units.get(nutrient_id)
        if unit is not None and unit not in accepted:
            raise DataError(
                f"nutrient {nutrient_id} ({column}) has unknown unit {unit!r}; "
                f"expected one of {sorted(accepted)}",
                path=where,
                column="unit_name",
            )


def portion_text(row: pd.Series, units: dict[str, str]) -> str:
    """Household portion as people write it: "1 cup, chopped", "2 tablespoon"."""
    description = row.get("portion_description")
    if isinstance(description, str) and description.strip():
        return description.strip()
    amount = row.get("amount")
    unit = units.get(str(row.get("measure_unit_id")), "")
    if unit == "undetermined":
        unit = ""
    modifier = row.get("modifier")
    number = pd.to_numeric(amount, errors="coerce")
    parts = [f"{number:g}" if pd.notna(number) else ""]
    if unit:
        parts.append(unit)
    text = " ".join(p for p in parts if p)
    if isinstance(modifier, str) and modifier.strip():
        text = f"{text} {modifier.strip()}" if not unit else f"{text}, {modifier.strip()}"
    return text.strip() or "1 serving"


def read_fdc_csv(path: Path, data_types: tuple[str, ...] | None = None) -> SourceFrames:
    """Foods of the given FDC data types (default: every food-level type in the download)."""
    bundle = FdcCsvBundle(Path(path))
    food = bundle.read("food.csv")
    kinds = data_types or tuple(DATA_TYPES)
    unknown = [k for k in kinds if k not in DATA_TYPES]
    if unknown:
        raise InputError(f"unknown FDC data type(s) {unknown}; choose from {list(DATA_TYPES)}")
    food = food[food["data_type"].isin(kinds)].copy()
    food["fdc_id"] = to_number(
        food["fdc_id"],
        path=bundle.where("food.csv"),
        column="fdc_id",
        row_offset=2,
        allow_missing=False,
    ).astype("int64")
    if bundle.has("foundation_food.csv") and "foundation_food" in kinds:
        # Older foundation records stay in food.csv; the current ones are listed here.
        current = bundle.read("foundation_food.csv", ["fdc_id"])["fdc_id"].astype("int64")
        food = food[(food["data_type"] != "foundation_food") | food["fdc_id"].isin(current)]

    nutrients = bundle.read("nutrient.csv")
    check_units(nutrients, bundle.where("nutrient.csv"))
    values = stream_nutrients(bundle, set(NUTRIENTS), set(food["fdc_id"]))
    wide = (
        values.drop_duplicates(["fdc_id", "nutrient_id"])
        .pivot(index="fdc_id", columns="nutrient_id", values="amount")
        .rename(columns={k: v[0] for k, v in NUTRIENTS.items()})
    )
    food = food[food["fdc_id"].isin(wide.index)]  # foods with nutrient data only
    wide = wide.reindex(food["fdc_id"])
    for column, _ in NUTRIENTS.values():
        if column not in wide:
            wide[column] = float("nan")

    categories: dict[str, str] = {}
    if bundle.has("food_category.csv"):
        cat = bundle.read("food_category.csv", ["id", "description"])
        categories = dict(zip(cat["id"], cat["description"], strict=True))
    ids = food["fdc_id"]
    foods = pd.DataFrame(
        {
            "food_id": "fdc:" + ids.astype(str),
            "fdc_id": ids.to_numpy(),
            "description": food["description"].str.strip().to_numpy(),
            "additional_description": pd.NA,
            "source": "fdc",
            "dataset": food["data_type"].map(DATA_TYPES).to_numpy(),
            "release": bundle.release,
            "category": food["food_category_id"].map(categories).to_numpy(),
            "category_code": food["food_category_id"].to_numpy(),
        }
    )
    if bundle.has("branded_food.csv") and "branded_food" in kinds:
        branded = bundle.read("branded_food.csv", ["fdc_id", "branded_food_category"])
        branded_cat = dict(
            zip(branded["fdc_id"].astype("int64"), branded["branded_food_category"], strict=True)
        )
        is_branded = food["data_type"].to_numpy() == "branded_food"
        foods.loc[is_branded, "category"] = ids[is_branded].map(branded_cat).to_numpy()
    for column in ("b12_ug", "b12_added_ug", "protein_g", "fat_g", "carb_g", "fiber_g"):
        foods[column] = wide[column].to_numpy()
    foods["sodium_mg"] = wide["sodium_mg"].to_numpy()
    # Energy: 1008 where reported, else Atwater specific (2048), else general (2047).
    energy = wide["kcal"].to_numpy()
    specific = wide["kcal_atwater_specific"].to_numpy()
    general = wide["kcal_atwater_general"].to_numpy()
    basis = pd.Series(pd.NA, index=range(len(foods)), dtype="string")
    kcal = pd.Series(energy).copy()
    basis[~pd.isna(energy)] = "energy"
    use_specific = pd.isna(energy) & ~pd.isna(specific)
    kcal[use_specific] = specific[use_specific]
    basis[use_specific] = "atwater_specific"
    use_general = kcal.isna().to_numpy() & ~pd.isna(general)
    kcal[use_general] = general[use_general]
    basis[use_general] = "atwater_general"
    foods["kcal"] = kcal.to_numpy()
    foods["kcal_basis"] = basis.to_numpy()

    portions = pd.DataFrame(columns=["food_id", "seq", "portion", "grams"])
    if bundle.has("food_portion.csv"):
        por = bundle.read("food_portion.csv")
        units: dict[str, str] = {}
        if bundle.has("measure_unit.csv"):
            mu = bundle.read("measure_unit.csv", ["id", "name"])
            units = dict(zip(mu["id"], mu["name"], strict=True))
        where = bundle.where("food_portion.csv")
        por["fdc_id"] = to_number(
            por["fdc_id"], path=where, column="fdc_id", row_offset=2, allow_missing=False
        ).astype("int64")
        por = por[por["fdc_id"].isin(ids)]
        grams = to_number(por["gram_weight"], path=where, column="gram_weight", row_offset=2)
        seq = to_number(por["seq_num"], path=where, column="seq_num", row_offset=2)
        portions = pd.DataFrame(
            {
                "food_id": "fdc:" + por["fdc_id"].astype(str),
                "seq": seq.fillna(pd.Series(range(1, len(por) + 1), index=por.index)),
                "portion": [portion_text(r, units) for _, r in por.iterrows()],
                "grams": grams,
            }
        )

    return SourceFrames(
        name="fdc",
        dataset=" + ".join(sorted({DATA_TYPES[k] for k in kinds})),
        release=bundle.release,
        release_date=bundle.release,  # FDC downloads are named by their release date
        foods=finish_foods(foods),
        portions=finish_portions(portions),
        inputs=[bundle.path],
    )
