"""USDA SR28 ASCII release -> catalog frames.

Format (sr28_doc.pdf): `^`-separated fields, text wrapped in `~`, Latin-1, CRLF. An empty text
field is `~~` in USDA's files and nothing in some redistributed copies; both read as missing.
NDB numbers become `sr:<5-digit NDB>`; SR Legacy FDC ids are attached where the SR Legacy food
list has exactly one food with the same description.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from planner.errors import DataError, InputError
from planner.ingest.common import SourceFrames, finish_foods, finish_portions, to_number

LAYOUTS = {
    "FOOD_DES": (
        "NDB_No FdGrp_Cd Long_Desc Shrt_Desc ComName ManufacName Survey Ref_desc Refuse "
        "SciName N_Factor Pro_Factor Fat_Factor CHO_Factor"
    ).split(),
    "NUT_DATA": (
        "NDB_No Nutr_No Nutr_Val Num_Data_Pts Std_Error Src_Cd Deriv_Cd Ref_NDB_No "
        "Add_Nutr_Mark Num_Studies Min Max DF Low_EB Up_EB Stat_cmt AddMod_Date CC"
    ).split(),
    "WEIGHT": "NDB_No Seq Amount Msre_Desc Gm_Wgt Num_Data_Pts Std_Dev".split(),
    "FD_GROUP": "FdGrp_Cd FdGrp_Desc".split(),
    "NUTR_DEF": "Nutr_No Units Tagname NutrDesc Num_Dec SR_Order".split(),
    "LANGUAL": "NDB_No Factor_Code".split(),
    "LANGDESC": "Factor_Code Description".split(),
}

# Fields that must never be empty; a short line (too few fields) shows up here.
REQUIRED_FIELDS = {
    "FOOD_DES": ["NDB_No", "FdGrp_Cd", "Long_Desc"],
    "NUT_DATA": ["NDB_No", "Nutr_No", "Nutr_Val"],
    "WEIGHT": ["NDB_No", "Seq", "Amount", "Msre_Desc", "Gm_Wgt"],
    "FD_GROUP": ["FdGrp_Cd", "FdGrp_Desc"],
    "NUTR_DEF": ["Nutr_No", "Units"],
    "LANGUAL": ["NDB_No", "Factor_Code"],
    "LANGDESC": ["Factor_Code", "Description"],
}

# SR nutrient number -> (our column, the unit SR must report it in).
NUTRIENTS = {
    "418": ("b12_ug", "µg"),
    "578": ("b12_added_ug", "µg"),
    "208": ("kcal", "kcal"),
    "203": ("protein_g", "g"),
    "204": ("fat_g", "g"),
    "205": ("carb_g", "g"),
    "291": ("fiber_g", "g"),
    "307": ("sodium_mg", "mg"),
}

RELEASE = "SR28 (2015-09)"


def locate(folder: Path, table: str) -> Path:
    for name in (f"{table}.txt", f"{table}.TXT", f"{table}.txt.gz", f"{table}.TXT.gz"):
        path = folder / name
        if path.exists():
            return path
    raise InputError(f"{folder}: SR28 table {table}.txt (or {table}.txt.gz) is missing")


def read_table(folder: Path, table: str) -> pd.DataFrame:
    """Read one SR28 table as strings, checking the field count of every line."""
    path = locate(folder, table)
    columns = LAYOUTS[table]
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if path.suffix != ".gz" and b"\x00" in head:
        raise DataError(
            "contains NUL bytes: not SR28 ASCII (is it UTF-16 or binary?); "
            "use the original Latin-1 file",
            path=str(path),
        )
    try:
        frame = pd.read_csv(
            path,
            sep="^",
            quotechar="~",
            header=None,
            names=columns,
            dtype=str,
            encoding="latin-1",
            keep_default_na=False,
            na_values=[""],
            quoting=csv.QUOTE_MINIMAL,
            compression="infer",
            engine="c",
            on_bad_lines="error",
        )
    except pd.errors.ParserError as err:
        raise DataError(
            f"not in SR28 layout ({err}); expected {len(columns)} '^'-separated fields",
            path=str(path),
        ) from err
    except (OSError, EOFError) as err:
        raise DataError(
            f"cannot be read ({err}); the file may be truncated", path=str(path)
        ) from err
    for column in REQUIRED_FIELDS[table]:
        empty = frame[column].isna().to_numpy()
        if empty.any():
            raise DataError(
                "field is empty or the line has too few '^'-separated fields",
                path=str(path),
                row=int(empty.argmax()) + 1,
                column=column,
            )
    frame.attrs["path"] = str(path)
    return frame


def check_units(nutr_def: pd.DataFrame) -> None:
    units = dict(zip(nutr_def["Nutr_No"], nutr_def["Units"], strict=True))
    path = nutr_def.attrs.get("path")
    for number, (column, unit) in NUTRIENTS.items():
        found = units.get(number)
        if found is None:
            raise DataError(f"nutrient {number} ({column}) is not defined", path=path)
        if found.strip() != unit:
            raise DataError(
                f"nutrient {number} ({column}) is in unit {found!r}, expected {unit!r}; "
                "the planner cannot convert it",
                path=path,
                column="Units",
            )


def read_sr_legacy_ids(food_csv: Path | None) -> dict[str, int]:
    """Description -> SR Legacy fdc_id, for descriptions that name exactly one food."""
    if food_csv is None or not Path(food_csv).exists():
        return {}
    listing = pd.read_csv(food_csv, usecols=["fdc_id", "description"], dtype=str)
    listing["fdc_id"] = to_number(
        listing["fdc_id"], path=food_csv, column="fdc_id", row_offset=2, allow_missing=False
    ).astype("int64")
    unique = listing.drop_duplicates("description", keep=False)
    return dict(zip(unique["description"], unique["fdc_id"], strict=True))


def read_sr28(folder: Path, sr_legacy_food_csv: Path | None = None) -> SourceFrames:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"SR28 folder {folder} does not exist")
    food_des = read_table(folder, "FOOD_DES")
    nut = read_table(folder, "NUT_DATA")
    weight = read_table(folder, "WEIGHT")
    groups = read_table(folder, "FD_GROUP")
    nutr_def = read_table(folder, "NUTR_DEF")
    langual = read_table(folder, "LANGUAL")
    langdesc = read_table(folder, "LANGDESC")
    check_units(nutr_def)

    nut = nut[nut["Nutr_No"].isin(list(NUTRIENTS))]
    values = to_number(
        nut["Nutr_Val"],
        path=nut.attrs.get("path", "NUT_DATA"),
        column="Nutr_Val",
        row_offset=1,
        allow_missing=False,
    )
    wide = (
        pd.DataFrame({"NDB_No": nut["NDB_No"], "Nutr_No": nut["Nutr_No"], "value": values})
        .pivot_table(index="NDB_No", columns="Nutr_No", values="value", aggfunc="first")
        .rename(columns={k: v[0] for k, v in NUTRIENTS.items()})
    )
    unknown = set(wide.index) - set(food_des["NDB_No"])
    if unknown:
        raise DataError(
            f"nutrient rows for NDB numbers not in FOOD_DES, e.g. {sorted(unknown)[0]}",
            path=nut.attrs.get("path"),
        )

    group_names = dict(zip(groups["FdGrp_Cd"], groups["FdGrp_Desc"], strict=True))
    legacy_ids = read_sr_legacy_ids(sr_legacy_food_csv)
    foods = pd.DataFrame(
        {
            "food_id": "sr:" + food_des["NDB_No"].str.strip(),
            "fdc_id": food_des["Long_Desc"].map(legacy_ids),
            "description": food_des["Long_Desc"].str.strip(),
            "additional_description": food_des["ComName"],
            "source": "sr",
            "dataset": "SR28",
            "release": RELEASE,
            "category": food_des["FdGrp_Cd"].map(group_names),
            "category_code": food_des["FdGrp_Cd"],
        }
    )
    wide = wide.reindex(food_des["NDB_No"])
    for _, (column, _) in NUTRIENTS.items():
        foods[column] = wide[column].to_numpy() if column in wide else float("nan")
    foods["kcal_basis"] = foods["kcal"].notna().map({True: "energy", False: pd.NA})

    w_path = weight.attrs.get("path")
    amount = to_number(weight["Amount"], path=w_path, column="Amount", row_offset=1)
    portions = pd.DataFrame(
        {
            "food_id": "sr:" + weight["NDB_No"].str.strip(),
            "seq": to_number(weight["Seq"], path=w_path, column="Seq", row_offset=1),
            "portion": amount.map(format_amount) + " " + weight["Msre_Desc"].str.strip(),
            "grams": to_number(
                weight["Gm_Wgt"], path=w_path, column="Gm_Wgt", row_offset=1, allow_missing=False
            ),
        }
    )

    factor_names = dict(zip(langdesc["Factor_Code"], langdesc["Description"], strict=True))
    lang = pd.DataFrame(
        {
            "food_id": ("sr:" + langual["NDB_No"].str.strip()).astype("string"),
            "factor_code": langual["Factor_Code"].astype("string"),
            "factor_description": langual["Factor_Code"].map(factor_names).astype("string"),
        }
    ).sort_values(["food_id", "factor_code"], kind="stable", ignore_index=True)

    inputs = [locate(folder, t) for t in LAYOUTS]
    if sr_legacy_food_csv is not None and Path(sr_legacy_food_csv).exists():
        inputs.append(Path(sr_legacy_food_csv))
    return SourceFrames(
        name="sr",
        dataset="SR28",
        release=RELEASE,
        release_date="2015-09",  # sr28_doc.pdf: "Version Current: September 2015"
        foods=finish_foods(foods),
        portions=finish_portions(portions),
        langual=lang,
        inputs=inputs,
    )


def format_amount(value: float) -> str:
    """1.0 -> "1", 0.5 -> "0.5": household amounts as people write them."""
    if pd.isna(value):
        return ""
    return f"{value:g}"
