"""Exports: golden CSV/Markdown/JSON/ICS files, the PDF handout (text and a rendered page), the
plan JSON round trip, and the `shopping-list` / `export` commands with good and bad input."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import math
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from planner.cli import main
from planner.errors import InputError
from planner.exports import (
    SHOPPING_COLUMNS,
    entry_text,
    export_plan,
    ics_escape,
    ics_fold,
    kcal_text,
    next_monday,
    plan_csv,
    plan_json,
    plan_markdown,
    shopping_csv,
    shopping_json,
    shopping_markdown,
    supplement_calendar,
)
from planner.pdf import plan_pdf, shopping_pdf
from planner.plan import Plan, SupplementDose
from planner.shopping import build_shopping_list, read_packages, read_pantry

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def load_regenerate_script():
    spec = importlib.util.spec_from_file_location(
        "regenerate_golden", ROOT / "scripts" / "regenerate_golden.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def vegan() -> Plan:
    return Plan.load(GOLDEN / "plan_vegan_week.json")


@pytest.fixture(scope="module")
def vegetarian() -> Plan:
    return Plan.load(GOLDEN / "plan_vegetarian_3day.json")


@pytest.fixture(scope="module")
def stocked(catalog, vegan):
    pantry = read_pantry(GOLDEN / "pantry.csv", catalog)
    packages = read_packages(GOLDEN / "packages.csv", catalog)
    return build_shopping_list(vegan, catalog, pantry=pantry, packages=packages)


# ---------------------------------------------------------------------------------------------
# Golden files


@pytest.fixture(scope="module")
def expected(catalog) -> dict[str, str]:
    return load_regenerate_script().expected_outputs(catalog)


def golden_names() -> list[str]:
    return sorted(
        p.name
        for p in GOLDEN.iterdir()
        if p.suffix in (".csv", ".md", ".json", ".ics")
        and not p.name.startswith("plan_")
        and p.name not in ("pantry.csv", "packages.csv")
    )


@pytest.mark.parametrize("name", golden_names())
def test_golden_file(expected, name):
    committed = (GOLDEN / name).read_bytes().decode("utf-8")
    assert name in expected, f"{name} is not produced by scripts/regenerate_golden.py"
    assert expected[name] == committed, (
        f"{name} changed; if intended, run scripts/regenerate_golden.py and review the diff"
    )


def test_every_golden_output_is_committed(expected):
    assert sorted(expected) == golden_names()


def test_golden_plans_rebuild_identically(catalog):
    """The committed golden plans are exactly what the script builds from the catalog."""
    script = load_regenerate_script()
    for name, plan in script.golden_plans(catalog).items():
        committed = (GOLDEN / f"plan_{name}.json").read_text()
        assert plan.to_json() + "\n" == committed


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("plan_*.json")), ids=lambda p: p.name)
def test_golden_plan_profiles_are_valid_profiles(path):
    """A field the Profile model forbids (the plans carried a 'note') made the app list the plan
    under 'Rules this plan breaks' and refuse to re-plan from it."""
    from planner.profile import Profile

    plan = Plan.load(path)
    profile = Profile.model_validate(plan.profile)
    assert (profile.diet, profile.days) == (plan.diet, plan.n_days)


# ---------------------------------------------------------------------------------------------
# Shopping CSV / JSON / Markdown


def test_shopping_csv_columns_are_stable(catalog, vegan):
    header = shopping_csv(build_shopping_list(vegan, catalog)).splitlines()[0]
    assert header.split(",") == [
        "aisle",
        "food_id",
        "description",
        "grams",
        "pantry_grams",
        "to_buy_grams",
        "quantity",
        "unit",
        "unit_grams",
        "portion",
        "packages",
        "package",
        "package_grams",
        "leftover_grams",
        "cost",
    ]
    assert list(SHOPPING_COLUMNS) == header.split(",")


def test_shopping_csv_conserves_grams(vegan, stocked):
    rows = list(csv.DictReader(io.StringIO(shopping_csv(stocked))))
    planned: dict[str, float] = defaultdict(float)
    for entry in vegan.entries:
        planned[entry.food_id] += entry.grams
    foods = [r for r in rows if r["aisle"] != "supplements"]
    assert {r["food_id"] for r in foods} == set(planned)
    for row in foods:
        grams, pantry, to_buy = (float(row[c]) for c in ("grams", "pantry_grams", "to_buy_grams"))
        assert grams == pytest.approx(planned[row["food_id"]], abs=0.05)
        assert pantry + to_buy == pytest.approx(grams, abs=0.1)
        if row["packages"]:
            made = int(row["packages"]) * float(row["package_grams"])
            assert made - float(row["leftover_grams"]) == pytest.approx(to_buy, abs=0.1 * 5)


def test_shopping_json_is_machine_readable(stocked, vegan):
    document = json.loads(shopping_json(stocked))
    assert (document["format"], document["version"]) == ("b12-planner shopping list", 1)
    assert document["days"] == list(range(1, 8))
    for line in document["lines"]:
        assert line["pantry_used"] + line["to_buy"] == pytest.approx(line["needed"], abs=0.002)
        if line["packages"] is not None:
            made = line["packages"] * line["package_size"] - line["leftover"]
            assert made == pytest.approx(line["to_buy"], abs=0.01)
    milk = next(x for x in document["lines"] if x["food_id"] == "fndds:11320100")
    assert (milk["amount_unit"], milk["unit"], milk["kind"]) == ("g", "cup", "food")


def test_markdown_checklist_lines(catalog, vegan, stocked):
    text = shopping_markdown(build_shopping_list(vegan, catalog))
    assert "- [ ] 14 cups soy milk, unsweetened (3,416 g)" in text
    assert "- [ ] 7 bananas, raw (882 g)" in text
    assert "- [ ] 7 medium apples, raw (1,400 g)" in text
    assert "- [ ] 7 tablets vitamin B12 supplement, 25 µg" in text
    assert text.index("## Produce") < text.index("## Frozen") < text.index("## Supplements")
    text = shopping_markdown(stocked)
    assert "→ buy 4 × 1 quart carton (946 ml), 975 g left over" in text
    assert "plan needs 1,400 g, 400 g from the pantry" in text


def test_covered_by_pantry_is_ticked(catalog, vegetarian):
    pantry = {e.food_id: 10_000.0 for e in vegetarian.entries}
    text = shopping_markdown(build_shopping_list(vegetarian, catalog, pantry=pantry))
    assert "- [ ]" not in text
    assert "- [x] milk, low fat (1%): covered by the pantry (plan needs 732 g)" in text


def test_exports_have_no_timestamps(catalog, vegan):
    shopping = build_shopping_list(vegan, catalog)
    for text in (shopping_csv(shopping), shopping_markdown(shopping), plan_csv(vegan)):
        assert vegan.created[:10] not in text


# ---------------------------------------------------------------------------------------------
# Plan export and import


def test_plan_json_round_trip(vegan):
    again = Plan.from_json(plan_json(vegan))
    assert again == vegan
    assert plan_json(again) == plan_json(vegan)


def test_plan_csv_rows(vegan):
    rows = list(csv.DictReader(io.StringIO(plan_csv(vegan))))
    foods = [r for r in rows if r["kind"] == "food"]
    doses = [r for r in rows if r["kind"] == "supplement"]
    assert len(foods) == len(vegan.entries) and len(doses) == len(vegan.supplements)
    assert math.fsum(float(r["grams"]) for r in foods) == pytest.approx(
        math.fsum(e.grams for e in vegan.entries), abs=0.05 * len(foods)
    )
    assert [int(r["day"]) for r in rows] == sorted(int(r["day"]) for r in rows)


# ---------------------------------------------------------------------------------------------
# iCalendar


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_is_rfc5545_shaped(vegan):
    text = supplement_calendar(vegan, date(2026, 1, 5))
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    assert lines.count("BEGIN:VEVENT") == 1  # a daily regimen is one recurring event
    assert "RRULE:FREQ=DAILY;COUNT=7" in lines
    assert "DTSTART:20260105T080000" in lines
    assert "DTSTAMP:20260101T000000Z" in lines
    assert any(x.startswith("UID:") and x.endswith("@b12-planner") for x in lines)
    assert "SUMMARY:Take vitamin B12: 1 tablet of 25 µg" in lines


def test_ics_one_event_per_irregular_dose(vegan):
    doses = [
        SupplementDose(day=1, slot="breakfast", strength_ug=1000, count=1),
        SupplementDose(day=4, slot="dinner", strength_ug=1000, count=1),
    ]
    plan = vegan.model_copy(update={"supplements": doses})
    lines = unfold(supplement_calendar(plan, date(2026, 1, 5)))
    assert lines.count("BEGIN:VEVENT") == 2
    assert not any(x.startswith("RRULE") for x in lines)
    assert "DTSTART:20260105T080000" in lines and "DTSTART:20260108T183000" in lines
    uids = [x for x in lines if x.startswith("UID:")]
    assert len(set(uids)) == 2
    weekly = unfold(supplement_calendar(plan, date(2026, 1, 5), weeks=4))
    assert weekly.count("RRULE:FREQ=WEEKLY;COUNT=4") == 2


def test_ics_without_supplements_is_refused(vegetarian):
    with pytest.raises(InputError, match="no supplements"):
        supplement_calendar(vegetarian, date(2026, 1, 5))


def test_ics_weeks_need_a_week(vegetarian, vegan):
    plan = vegetarian.model_copy(update={"supplements": vegan.supplements[:3]})
    with pytest.raises(InputError, match="7-day plan"):
        supplement_calendar(plan, date(2026, 1, 5), weeks=2)


def test_ics_text_escaping_and_folding():
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "µ" * 60
    folded = ics_fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


@pytest.mark.parametrize(
    ("today", "monday"),
    [(date(2026, 1, 5), date(2026, 1, 12)), (date(2026, 1, 4), date(2026, 1, 5))],
)
def test_next_monday(today, monday):
    assert next_monday(today) == monday


# ---------------------------------------------------------------------------------------------
# PDF


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.parametrize(("paper", "size_pt"), [("a4", (595.28, 841.89)), ("letter", (612, 792))])
def test_pdf_handout(catalog, vegan, stocked, artifacts_dir, paper, size_pt):
    data = plan_pdf(vegan, stocked, paper=paper, creation_date=FIXED)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size_pt, abs=0.5)
    text = pdf_text(data)
    for description in {e.description for e in vegan.entries}:
        assert description in text, description
    total = math.fsum(e.b12_ug for e in vegan.entries)
    assert f"{total:.1f} µg" in text  # "19.7 µg": B12 from food over the week
    for day in range(1, 8):
        assert f"Day {day}" in text
    assert "Not medical advice" in text and "FNDDS 2021-2023" in text and "SR28" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "Shopping list" in text and "loaf of 20 slices" in text
    assert "target 2.4 µg/day" in " ".join(text.split()) or "2.4 µg/day" in text
    # render the first page for people to look at (test-artifacts/ is git-ignored)
    page = pdfium.PdfDocument(data)[0]
    image = page.render(scale=1.5).to_pil()
    image.save(artifacts_dir / f"plan_{paper}_page1.png")
    darkest, lightest = image.convert("L").getextrema()
    assert darkest < 80 and lightest == 255  # ink on paper, not a blank page
    (artifacts_dir / f"plan_{paper}.pdf").write_bytes(data)


def test_pdf_chart_axes_are_labelled_with_units(vegan, stocked):
    text = pdf_text(plan_pdf(vegan, stocked, creation_date=FIXED))
    assert "B12 counted toward target (µg/day)" in text
    assert "Plan day" in text and "2.4 µg/day" in text


def test_pdf_repeats_table_headings_when_a_day_spans_pages(vegetarian, catalog):
    """A day longer than a page (60 rows) breaks across pages with the heading row repeated."""
    first = [e for e in vegetarian.entries if e.day == 1]
    long_day = [e.model_copy(update={"slot": "snack"}) for e in first * 6]
    plan = vegetarian.model_copy(update={"entries": [*first, *long_day], "n_days": 1})
    plan = plan.model_copy(update={"days": plan.days[:1]})
    data = plan_pdf(plan, build_shopping_list(plan, catalog), creation_date=FIXED)
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]
    with_heading = [i for i, t in enumerate(pages) if "Meal Food Amount Grams kcal B12 (µg)" in t]
    assert len(with_heading) >= 2 and with_heading[1] == with_heading[0] + 1


def test_pdf_is_reproducible_with_a_fixed_date(vegetarian, catalog):
    shopping = build_shopping_list(vegetarian, catalog)
    first = plan_pdf(vegetarian, shopping, creation_date=FIXED)
    second = plan_pdf(vegetarian, shopping, creation_date=FIXED)
    assert first == second


def test_pdf_without_a_unicode_font_still_prints_micrograms(vegetarian, catalog):
    shopping = build_shopping_list(vegetarian, catalog)
    data = plan_pdf(vegetarian, shopping, creation_date=FIXED, font_files=())
    text = pdf_text(data)
    assert "µg" in text
    assert "Milk, low fat (1%)" in text


def test_shopping_pdf(stocked, artifacts_dir):
    data = shopping_pdf(stocked, paper="letter", creation_date=FIXED)
    text = pdf_text(data)
    for line in stocked.lines:
        assert line.description in text
    assert "12 cups" in text and "4 tablets" in text
    image = pdfium.PdfDocument(data)[0].render(scale=1.5).to_pil()
    image.save(artifacts_dir / "shopping_letter_page1.png")


@pytest.fixture(scope="module")
def priced_vegan(vegan) -> Plan:
    return load_regenerate_script().priced(vegan)


def test_unpriced_exports_say_nothing_of_cost(vegan, stocked):
    """Without prices nothing changes but the CSV's blank cost column (golden files agree)."""
    rows = list(csv.DictReader(io.StringIO(shopping_csv(stocked))))
    assert {row["cost"] for row in rows} == {""}
    for text in (shopping_markdown(stocked), plan_markdown(vegan, stocked)):
        assert "cost" not in text.lower() and "price" not in text.lower()


def test_priced_shopping_exports_show_line_costs_and_the_total(catalog, priced_vegan):
    pantry = read_pantry(GOLDEN / "pantry.csv", catalog)
    packages = read_packages(GOLDEN / "packages.csv", catalog)
    shopping = build_shopping_list(priced_vegan, catalog, pantry=pantry, packages=packages)
    rows = {row["food_id"]: row for row in csv.DictReader(io.StringIO(shopping_csv(shopping)))}
    soy = rows["fndds:11320100"]  # 4 cartons of 975.6 g at 2.50 per kg
    assert soy["cost"] == f"{4 * float(soy['package_grams']) * 0.0025:.2f}" == "9.76"
    assert rows["fndds:63107010"]["cost"] == "2.21"  # 882 g bananas at 0.25 per 100 g: 2.205
    assert rows["fndds:57207000"]["cost"] == "0.00"  # priced at 0: known, not missing
    assert rows["fndds:63101000"]["cost"] == ""  # apples: no price
    assert rows["supplement:b12-25ug"]["cost"] == ""
    # 9.756 + 2.205 + 2.688 + 0 = 14.649: the total is rounded once, not summed from cents
    total = 9.756 + 2.205 + 2.688
    markdown = shopping_markdown(shopping)
    assert (
        f"Cost at your prices: {total:.2f} currency units for days 1-7 (whole packages where "
        "package sizes are known); no price for 8 foods (left out, not counted as 0); B12 "
        "tablets not priced." in markdown
    )
    assert "- [ ] 7 bananas, raw (882 g) · cost 2.21" in markdown
    assert "- [ ] 4 cups lentils, from dried, no added fat (720 g) · no price" in markdown
    text = pdf_text(shopping_pdf(shopping, creation_date=FIXED))
    assert f"Cost at your prices: {total:.2f} currency units" in text
    assert "cost 9.76" in text and "no price" in text


def test_priced_plan_handouts_show_cost_per_day_and_for_the_plan(catalog, priced_vegan):
    shopping = build_shopping_list(priced_vegan, catalog)
    per_gram = {p["food_id"]: p["price"] / p["per_grams"] for p in priced_vegan.profile["prices"]}
    day_one = math.fsum(
        e.grams * per_gram[e.food_id]
        for e in priced_vegan.entries
        if e.day == 1 and e.food_id in per_gram
    )
    markdown = plan_markdown(priced_vegan, shopping)
    assert f"Food cost of day 1: {day_one:.2f} currency units (+ 6 foods without a price)." in (
        markdown
    )
    assert "Food cost at your prices: 1.92 currency units a day on average, 13.43 for 7 days" in (
        markdown
    )
    text = pdf_text(plan_pdf(priced_vegan, shopping, creation_date=FIXED))
    assert "Food cost at your prices: 1.92 currency units a day on average" in text
    assert f"food cost {day_one:.2f} (+ 6 foods without a price)" in text
    assert "cost 2.21" in text  # the handout's shopping list prices its lines too


def test_cli_shopping_list_of_a_priced_plan_matches_golden(tmp_path, capsys, priced_vegan):
    plan_file = tmp_path / "priced.json"
    priced_vegan.save(plan_file)
    argv = ["shopping-list", str(plan_file), "--pantry", str(GOLDEN / "pantry.csv")]
    argv += ["--packages", str(GOLDEN / "packages.csv")]
    code, out, err = run([*argv, "--format", "csv"], capsys)
    assert code == 0, err
    assert out == (GOLDEN / "vegan_week.priced.shopping.csv").read_text()
    code, out, err = run(argv, capsys)
    assert code == 0 and out == (GOLDEN / "vegan_week.priced.shopping.md").read_text()


def test_export_plan_rejects_unknown_format(vegan, catalog):
    with pytest.raises(InputError, match="unknown export format"):
        export_plan(vegan, "docx", catalog=catalog)


# ---------------------------------------------------------------------------------------------
# Command line


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_shopping_list_csv_matches_golden(tmp_path, capsys):
    out = tmp_path / "list.csv"
    code, _, err = run(
        [
            "shopping-list",
            str(GOLDEN / "plan_vegan_week.json"),
            "--format",
            "csv",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    assert out.read_text() == (GOLDEN / "vegan_week.shopping.csv").read_text()


def test_cli_shopping_list_markdown_with_pantry_packages_days(capsys):
    code, out, err = run(
        [
            "shopping-list",
            str(GOLDEN / "plan_vegan_week.json"),
            "--pantry",
            str(GOLDEN / "pantry.csv"),
            "--packages",
            str(GOLDEN / "packages.csv"),
        ],
        capsys,
    )
    assert code == 0, err
    assert out == (GOLDEN / "vegan_week.pantry_packages.shopping.md").read_text()
    code, out, _ = run(
        ["shopping-list", str(GOLDEN / "plan_vegan_week.json"), "--days", "1-3"], capsys
    )
    assert code == 0 and out == (GOLDEN / "vegan_week.days1-3.shopping.md").read_text()


def test_cli_export_formats(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    plan = str(GOLDEN / "plan_vegan_week.json")
    for fmt in ("pdf", "md", "csv", "ics", "json"):
        out = tmp_path / f"plan.{fmt}"
        argv = ["export", plan, "--format", fmt, "--out", str(out), "--start", "2026-01-05"]
        code, _, err = run(argv + ["--paper", "letter"], capsys)
        assert code == 0, err
        assert out.stat().st_size > 0
    assert (tmp_path / "plan.ics").read_bytes() == (GOLDEN / "vegan_week.ics").read_bytes()
    assert Plan.load(tmp_path / "plan.json") == Plan.load(plan)
    first = (tmp_path / "plan.pdf").read_bytes()
    run(
        [
            "export",
            plan,
            "--format",
            "pdf",
            "--out",
            str(tmp_path / "again.pdf"),
            "--paper",
            "letter",
        ],
        capsys,
    )
    assert (tmp_path / "again.pdf").read_bytes() == first


BAD_PLAN_CASES = {
    "not_json": "this is not json",
    "not_a_plan": '{"hello": "world"}',
    "list": "[1, 2, 3]",
}


@pytest.mark.parametrize("case", sorted(BAD_PLAN_CASES))
@pytest.mark.parametrize("command", ["shopping-list", "export"])
def test_cli_bad_plan_file(tmp_path, capsys, case, command):
    plan = tmp_path / "plan.json"
    plan.write_text(BAD_PLAN_CASES[case])
    out = tmp_path / "out.md"
    argv = [command, str(plan), "--out", str(out)]
    if command == "export":
        argv += ["--format", "md"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert err.startswith("b12plan: error:") and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == [plan]


def test_cli_unknown_food_id(tmp_path, capsys, vegan):
    entry = vegan.entries[0].model_copy(update={"food_id": "fndds:99999999"})
    plan_path = tmp_path / "plan.json"
    vegan.model_copy(update={"entries": [entry, *vegan.entries[1:]]}).save(plan_path)
    for argv in (
        ["shopping-list", str(plan_path), "--format", "csv", "--out", str(tmp_path / "a.csv")],
        ["export", str(plan_path), "--format", "pdf", "--out", str(tmp_path / "a.pdf")],
        ["export", str(plan_path), "--format", "csv", "--out", str(tmp_path / "b.csv")],
    ):
        code, _, err = run(argv, capsys)
        assert code == 2 and "fndds:99999999" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_cli_negative_pantry_amount(tmp_path, capsys):
    pantry = tmp_path / "pantry.csv"
    pantry.write_text("food_id,amount,unit\nfndds:11320100,2,cup\nfndds:63101000,-1,medium\n")
    out = tmp_path / "list.md"
    code, _, err = run(
        [
            "shopping-list",
            str(GOLDEN / "plan_vegan_week.json"),
            "--pantry",
            str(pantry),
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 2
    assert f"{pantry}, row 3, column 'amount'" in err and "-1" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["shopping-list", "{plan}", "--format", "pdf"], "pass --out"),
        (["shopping-list", "{plan}", "--days", "9"], "days 1-7"),
        (["export", "{plan3}", "--format", "ics", "--out", "{tmp}/r.ics"], "no supplements"),
        (["export", "{plan}", "--format", "ics", "--out", "{tmp}"], "is a folder"),
        # Each of these ended in a FileNotFoundError or NotADirectoryError traceback (exit 1).
        (["export", "{plan}", "--format", "pdf", "--out", "/proc/b12/plan.pdf"], "cannot write"),
        (["shopping-list", "{plan}", "--out", "/proc/b12/list.md"], "cannot write"),
        (["shopping-list", "{plan}", "--out", "{plan}/list.md"], "is a file, not a folder"),
    ],
)
def test_cli_refusals(tmp_path, capsys, argv, message):
    values = {
        "plan": str(GOLDEN / "plan_vegan_week.json"),
        "plan3": str(GOLDEN / "plan_vegetarian_3day.json"),
        "tmp": str(tmp_path),
    }
    code, out, err = run([a.format(**values) for a in argv], capsys)
    assert code == 2 and message in err and out == ""
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_exports_get_the_usual_permissions(tmp_path, capsys):
    """Every export was written 0600 (tempfile.mkstemp): a shared handout nobody else could read."""
    import os

    old = os.umask(0o022)
    try:
        for fmt in ("pdf", "md", "csv", "json"):
            out = tmp_path / f"plan.{fmt}"
            argv = ["export", str(GOLDEN / "plan_vegan_week.json"), "--format", fmt]
            assert run([*argv, "--out", str(out)], capsys)[0] == 0
            assert out.stat().st_mode & 0o777 == 0o644, fmt
    finally:
        os.umask(old)


def test_cli_bad_source_date_epoch(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    out = tmp_path / "plan.pdf"
    code, _, err = run(
        ["export", str(GOLDEN / "plan_vegan_week.json"), "--format", "pdf", "--out", str(out)],
        capsys,
    )
    assert code == 2 and "SOURCE_DATE_EPOCH" in err and not out.exists()


@pytest.fixture(scope="module")
def with_tempeh(catalog, vegan) -> Plan:
    """The golden vegan week plus a cup of tempeh on day 2, its B12 counted as the labels say."""
    from planner import diets

    script = load_regenerate_script()
    entry = script._entry(catalog, (2, "dinner", "sr:16114", "1 cup", 1))  # Tempeh, SR28
    counted = diets.label_foods(catalog).loc["sr:16114", "b12_counted_all_ug"]
    entry = entry.model_copy(update={"b12_counted_ug": float(counted) * entry.grams / 100})
    assert entry.b12_ug > 0 and entry.b12_counted_ug == 0  # listed B12 that does not count
    return vegan.model_copy(update={"entries": [*vegan.entries, entry]})


def test_handouts_print_counted_b12_and_mark_what_does_not_count(catalog, with_tempeh):
    """Tempeh's 0.13 µg was printed as B12 and added to the day's 'B12 from food', though it
    does not count toward the target (the chart, in counted B12, showed less than the table)."""
    listed = next(e for e in with_tempeh.entries if e.food_id == "sr:16114").b12_ug
    day2 = [e for e in with_tempeh.entries if e.day == 2]
    counted = math.fsum(e.b12_counted_ug for e in day2)
    note = "Not counted toward the target (B12 reported for these foods is not a reliable source"
    shopping = build_shopping_list(with_tempeh, catalog)

    markdown = export_plan(with_tempeh, "md", catalog=catalog, shopping=shopping).decode()
    assert "| Tempeh | 1 cup | 166 | " in markdown and " | 0.00\\* |" in markdown
    kcal = kcal_text(math.fsum(e.kcal for e in day2))
    assert f"| **Food total** |  |  |  | **{kcal}** | **{counted:.2f}** |" in markdown
    assert note in markdown and f"{listed:.2f} µg in Tempeh" in markdown

    text = pdf_text(plan_pdf(with_tempeh, shopping, creation_date=FIXED))
    assert f"{counted:.2f} µg B12 from food counted ({counted + listed:.2f} µg listed)" in text
    assert "0.00*" in text and note in text
    # a day without such a food has no note and no 'listed'
    assert text.count("Not counted toward the target") == 1 and text.count("listed)") == 1


def test_checklist_names_foods_counted_in_their_own_noun_plainly(catalog):
    """'6 puris bread, puri' and '2 fruits persimmon, raw' read as '6 puris (bread, puri)' and
    '2 persimmons, raw' (seen in a generated vegan week's list)."""
    script = load_regenerate_script()
    meals = [
        (1, "breakfast", "fndds:51300180", '1 puri (approx 4-4/5" dia)', 3),  # Bread, puri
        (1, "snack", "fndds:63139010", "1 fruit", 2),  # Persimmon, raw
    ]
    plan = script.build_plan(catalog, meals, diet="vegan", n_days=1, supplements=[])
    markdown = shopping_markdown(build_shopping_list(plan, catalog))
    assert "- [ ] 3 puris (bread, puri) (" in markdown, markdown
    assert "- [ ] 2 persimmons, raw (" in markdown, markdown


def test_cli_plan_with_a_food_the_catalog_lacks_is_refused(tmp_path, capsys, vegan):
    plan = vegan.model_copy(deep=True)
    plan.entries[0].food_id = "fndds:1"
    source = tmp_path / "plan.json"
    plan.save(source)
    out = tmp_path / "plan.pdf"
    code, _, err = run(["export", str(source), "--format", "pdf", "--out", str(out)], capsys)
    assert code == 2 and not out.exists()
    assert "not in the catalog: fndds:1" in err and "(b12plan: --catalog DIR)" in err


@pytest.mark.parametrize(
    ("servings", "portion", "description", "text"),
    [
        # the Plan page's week showed '1 1/2 potatos potato, NFS' (catalog portion of
        # fndds:71000100)
        (1.5, "1 potato, any size", "Potato, NFS", "1 1/2 potatoes, NFS"),
        (1.5, "1 cup", "Soy milk, unsweetened", "1 1/2 cups soy milk, unsweetened"),
        (0.5, "1 cup", "Rice, cooked with coconut milk", "1/2 cup rice, cooked with coconut milk"),
        # brand and dish names keep their capital ('vitasoy USA' in printed plans before)
        (
            1.0,
            "1 cup",
            "Vitasoy USA, Vitasoy Organic Classic Original Soymilk",
            "1 cup Vitasoy USA, Vitasoy Organic Classic Original Soymilk",
        ),
        (1.0, "1 cup", "Palak Paneer", "1 cup Palak Paneer"),
        (1.0, "1 cup", "Spanish rice, from restaurant", "1 cup Spanish rice, from restaurant"),
        (2.0, "1 slice", "Cheese, Cheddar", "2 slices cheese, Cheddar"),
        (
            3.0,
            "1 tablet",
            "Vitamin B12 supplement, 25 µg",
            "3 tablets vitamin B12 supplement, 25 µg",
        ),
        (
            1.0,
            "1 bar",
            "Cereal or granola bar (KIND Fruit and Nut Bar)",
            "1 cereal or granola bar (KIND Fruit and Nut Bar)",
        ),
        # the unit is the name's own last noun: said once ('1 thigh chicken thigh' before)
        (2.0, "1 thigh", "Chicken thigh, baked", "2 chicken thighs, baked"),
        (1.0, "1 chip", "Potato chips, baked, plain", "1 potato chip, baked, plain"),
        (
            2.0,
            "1 pizza",
            "DOMINO'S 14\" Cheese Pizza, Ultimate Deep Dish Crust",
            "2 DOMINO'S 14\" Cheese Pizzas, Ultimate Deep Dish Crust",
        ),
        (1.0, "1 slice", "Bread, whole wheat", "1 slice bread, whole wheat"),
    ],
)
def test_entry_text_says_a_food_named_by_its_unit_once(servings, portion, description, text):
    assert entry_text(servings, portion, description) == text
