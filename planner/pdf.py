"""Printable PDF handouts (fpdf2): the week's plan, B12 per day, sources, shopping list.

Meant to be printed on A4 or US Letter and handed over by a dietitian, so: margins any printer
can print, page numbers, table headers repeated after page breaks, units on every number and a
plain "not medical advice" note. A Unicode TTF font (Liberation Sans or DejaVu Sans, where the
system has one) prints µ, → and ≥ as they are; without one the core Helvetica font is used and
text is narrowed to its Windows-1252 character set (µ survives, → becomes ->).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from planner.cost import PlanCost, cost_summary, foods_word, money, plan_cost
from planner.errors import InputError
from planner.exports import (
    NOT_MEDICAL_ADVICE,
    aisle_title,
    b12_by_day,
    data_sources,
    dataset_label,
    fixed,
    format_quantity,
    grams_text,
    kcal_text,
    line_cost_text,
    meal_rows,
    number,
    plan_totals,
    shopping_cost_text,
    top_b12_sources,
    uncounted_note,
)
from planner.plan import Plan
from planner.shopping import ShoppingLine, ShoppingList, plural

PAPER_SIZES = {"a4": "A4", "letter": "Letter"}
MARGIN_MM = 15.0
FOOTER_MM = 14.0
TABLE_FONT_PT = 8.0
TABLE_LINE_MM = 4.0
ROW_PADDING_MM = 0.6
NOTE_FONT_PT, NOTE_LINE_MM = 7.5, 3.6  # the note under a day's table on B12 not counted
PLAN_COLUMNS_MM = (20, 84, 30, 16, 14, 16)  # relative widths; they sum to A4's 180 mm

# Font files tried in order: (family label, regular, bold, italic).
FONT_CANDIDATES = (
    (
        "Liberation Sans",
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf"),
    ),
    (
        "DejaVu Sans",
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"),
    ),
)

# A restrained palette that also prints legibly in greyscale.
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (206, 212, 218)
ACCENT = (26, 95, 122)
ACCENT_LIGHT = (232, 241, 245)
MET = (46, 125, 90)
BELOW = (214, 137, 16)
TARGET = (192, 57, 43)
STRIPE = (246, 248, 250)

_CP1252_FALLBACKS = {"→": "->", "≥": ">=", "≤": "<=", "✓": "v", "☐": "[ ]", "■": "#", "−": "-"}


@dataclass(frozen=True)
class _Fonts:
    family: str
    unicode: bool


def _paper(paper: str) -> str:
    try:
        return PAPER_SIZES[paper.lower()]
    except KeyError:
        raise InputError(f"unknown paper size {paper!r}; use a4 or letter") from None


class Handout(FPDF):
    """An A4/Letter page with a running footer (title, not-medical-advice, page X of Y)."""

    def __init__(
        self,
        *,
        paper: str,
        title: str,
        footer_text: str,
        creation_date: datetime | None,
        font_files: Sequence[tuple[str, Path, Path, Path]] = FONT_CANDIDATES,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format=_paper(paper))
        self.footer_text = footer_text
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(True, margin=FOOTER_MM + 4)
        self.core_fonts_encoding = "windows-1252"  # µ, ×, – and — exist in the core fonts
        self.fonts_used = self._register_fonts(font_files)
        self.set_title(title)
        self.set_author("b12-planner")
        self.set_creator("b12-planner")
        self.set_subject("Vitamin B12 meal plan")
        self.set_lang("en")
        if creation_date is not None:
            if creation_date.tzinfo is None:
                creation_date = creation_date.replace(tzinfo=UTC)
            self.set_creation_date(creation_date)
        self.alias_nb_pages()

    def _register_fonts(self, candidates: Sequence[tuple[str, Path, Path, Path]]) -> _Fonts:
        for _family, regular, bold, italic in candidates:
            if regular.exists() and bold.exists() and italic.exists():
                self.add_font("body", "", str(regular))
                self.add_font("body", "B", str(bold))
                self.add_font("body", "I", str(italic))
                return _Fonts("body", True)
        return _Fonts("helvetica", False)

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def text_safe(self, text: str) -> str:
        """Text the current font can print (everything, with a Unicode font)."""
        if self.fonts_used.unicode:
            return text
        for char, replacement in _CP1252_FALLBACKS.items():
            text = text.replace(char, replacement)
        return text.encode("cp1252", errors="replace").decode("cp1252")

    def font(self, size: float, style: str = "", color: tuple[int, int, int] = INK) -> None:
        self.set_font(self.fonts_used.family, style, size)
        self.set_text_color(*color)

    def write_cell(self, w: float, h: float, text: str, **kwargs: object) -> None:
        self.cell(w, h, self.text_safe(text), **kwargs)  # type: ignore[arg-type]

    def write_paragraph(self, h: float, text: str) -> None:
        """Left-aligned text across the page; the cursor moves to the next line's start."""
        self.multi_cell(
            self.content_width, h, self.text_safe(text), align="L", new_x="LMARGIN", new_y="NEXT"
        )

    def footer(self) -> None:
        self.set_y(-FOOTER_MM)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_y(-FOOTER_MM + 1.5)
        self.font(7.5, color=MUTED)
        self.write_cell(self.content_width * 0.75, 5, self.footer_text)
        self.write_cell(self.content_width * 0.25, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    def section(self, title: str, need_mm: float = 30) -> None:
        """A section heading, moved to the next page when fewer than `need_mm` remain."""
        if self.get_y() + need_mm > self.h - self.b_margin:
            self.add_page()
        self.ln(3)
        self.font(12.5, "B", ACCENT)
        self.write_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.l_margin + 18, self.get_y())
        self.ln(2.5)


# --------------------------------------------------------------------------------------------
# Sections


def _title_block(pdf: Handout, plan: Plan) -> None:
    pdf.font(20, "B")
    pdf.write_cell(0, 10, "Vitamin B12 meal plan", new_x="LMARGIN", new_y="NEXT")
    pdf.font(10, color=MUTED)
    targets = plan.targets
    subtitle = (
        f"{plan.n_days}-day {plan.diet} plan · B12 target {number(targets.b12_ug_per_day, 2)} "
        f"µg/day ({targets.b12_source}) · energy {number(targets.kcal_min, 0)}–"
        f"{number(targets.kcal_max, 0)} kcal/day"
    )
    pdf.write_paragraph(5, subtitle)
    cost = plan_cost(plan)
    if cost is not None:
        pdf.write_paragraph(5, f"{cost_summary(cost)}.")
    pdf.ln(3)


def _summary_cards(pdf: Handout, plan: Plan) -> None:
    totals = plan_totals(plan)
    days = b12_by_day(plan)
    kcal = [math.fsum(e.kcal for e in plan.entries if e.day == d.day) for d in days]
    supplement_days = sum(1 for d in days if d.supplement_ug > 0)
    cards = [
        (
            "B12 counted from food",
            f"{number(totals['counted_ug'], 1)} µg",
            f"{number(totals['counted_per_day_ug'], 2)} µg/day; "
            + (
                f"{number(totals['food_ug'], 1)} µg listed"  # what the catalog lists, uncounted too
                if totals["food_ug"] - totals["counted_ug"] > 0.005
                else f"over {plan.n_days} days"
            ),
        ),
        (
            "Days at target",
            f"{totals['days_meeting_target']} of {plan.n_days}",
            f"from food alone (≥ {number(plan.targets.b12_ug_per_day, 2)} µg)",
        ),
        (
            "Supplement",
            f"{number(totals['supplement_ug'], 0)} µg" if supplement_days else "none",
            f"on {supplement_days} of {plan.n_days} days" if supplement_days else "food only",
        ),
        (
            "Energy",
            f"{kcal_text(sum(kcal) / len(kcal))} kcal",
            "average per day",
        ),
    ]
    gap = 3.0
    width = (pdf.content_width - gap * (len(cards) - 1)) / len(cards)
    top = pdf.get_y()
    for i, (label, value, note) in enumerate(cards):
        x = pdf.l_margin + i * (width + gap)
        pdf.set_fill_color(*ACCENT_LIGHT)
        pdf.rect(x, top, width, 21, style="F")
        pdf.set_fill_color(*ACCENT)
        pdf.rect(x, top, 1.2, 21, style="F")
        pdf.set_xy(x + 3.5, top + 2)
        pdf.font(7.5, color=MUTED)
        pdf.write_cell(width - 5, 4, label.upper())
        pdf.set_xy(x + 3.5, top + 6.5)
        pdf.font(14, "B")
        pdf.write_cell(width - 5, 7, value)
        pdf.set_xy(x + 3.5, top + 14)
        pdf.font(7, color=MUTED)
        pdf.write_cell(width - 5, 4, note)
    pdf.set_y(top + 21 + 2)


def _nice_step(span: float) -> float:
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _b12_chart(pdf: Handout, plan: Plan) -> None:
    """Bars of counted food B12 per day, a dashed target line, labelled axes in µg/day."""
    days = b12_by_day(plan)
    target = plan.targets.b12_ug_per_day
    height = 52.0
    left_axis = 16.0
    top = pdf.get_y() + 2
    x0 = pdf.l_margin + left_axis
    width = pdf.content_width - left_axis - 22  # room on the right for the target label
    y_base = top + height
    peak = max([d.counted_ug for d in days] + [target])
    step = _nice_step(peak * 1.15)
    y_max = step * math.ceil(peak * 1.15 / step)

    def y_of(value: float) -> float:
        return y_base - height * value / y_max

    # grid and y ticks
    pdf.set_line_width(0.15)
    ticks = int(round(y_max / step))
    for i in range(ticks + 1):
        value = i * step
        y = y_of(value)
        pdf.set_draw_color(*(RULE if i else MUTED))
        pdf.line(x0, y, x0 + width, y)
        pdf.font(7, color=MUTED)
        pdf.set_xy(x0 - 9, y - 2)
        pdf.write_cell(8, 4, number(value, 2), align="R")
    # y-axis title, rotated; text() takes absolute coordinates (set_x treats x < 0 as from
    # the right edge, which a rotated cell would need)
    pdf.font(7.5, color=MUTED)
    title = pdf.text_safe("B12 counted toward target (µg/day)")
    cx, cy = pdf.l_margin + 3.5, y_base - height / 2
    with pdf.rotation(90, cx, cy):
        pdf.text(cx - pdf.get_string_width(title) / 2, cy + 1.2, title)
    # bars
    slot = width / len(days)
    bar = min(slot * 0.58, 16.0)
    for i, day in enumerate(days):
        cx = x0 + slot * (i + 0.5)
        met = day.counted_ug >= target - 1e-9
        pdf.set_fill_color(*(MET if met else BELOW))
        if day.counted_ug > 0:
            pdf.rect(cx - bar / 2, y_of(day.counted_ug), bar, y_base - y_of(day.counted_ug), "F")
        pdf.font(7, "B", INK)
        pdf.set_xy(cx - slot / 2, y_of(day.counted_ug) - 4.2)
        pdf.write_cell(slot, 4, number(day.counted_ug, 2), align="C")
        pdf.font(7.5, color=INK)
        pdf.set_xy(cx - slot / 2, y_base + 0.8)
        pdf.write_cell(slot, 4, str(day.day), align="C")
        if day.supplement_ug > 0:
            pdf.font(6.5, color=ACCENT)
            pdf.set_xy(cx - slot / 2, y_base + 4.3)
            pdf.write_cell(slot, 3.5, f"+{number(day.supplement_ug, 0)} µg tab.", align="C")
    # target line, on a white halo so it stays visible across the bars in greyscale prints
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(1.3)
    pdf.line(x0, y_of(target), x0 + width, y_of(target))
    pdf.set_draw_color(*TARGET)
    pdf.set_line_width(0.45)
    with pdf.local_context(dash_pattern={"dash": 1.6, "gap": 1.0}):
        pdf.line(x0, y_of(target), x0 + width, y_of(target))
    pdf.font(7, "B", TARGET)
    pdf.set_xy(x0 + width + 1.5, y_of(target) - 3.6)
    pdf.write_cell(20, 3.4, "target", new_x="LEFT", new_y="NEXT")
    pdf.write_cell(20, 3.4, f"{number(target, 2)} µg/day")
    # x-axis title and legend
    pdf.set_y(y_base + 8.5)
    pdf.font(7.5, color=MUTED)
    pdf.set_x(x0)
    pdf.write_cell(width, 4, "Plan day", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _legend(pdf, x0, with_supplements=bool(plan.supplements))
    pdf.ln(2)


def _legend(pdf: Handout, x: float, with_supplements: bool) -> None:
    pdf.set_x(x)
    y = pdf.get_y()
    items = [(MET, "meets target from food"), (BELOW, "below target from food")]
    pdf.font(7, color=MUTED)
    for color, label in items:
        pdf.set_fill_color(*color)
        pdf.rect(pdf.get_x(), y + 1, 3, 3, "F")
        pdf.set_x(pdf.get_x() + 4)
        pdf.write_cell(pdf.get_string_width(label) + 6, 5, label)
    pdf.set_draw_color(*TARGET)
    pdf.set_line_width(0.45)
    with pdf.local_context(dash_pattern={"dash": 1.6, "gap": 1.0}):
        pdf.line(pdf.get_x(), y + 2.5, pdf.get_x() + 7, y + 2.5)
    pdf.set_x(pdf.get_x() + 8.5)
    pdf.write_cell(30, 5, "daily target", new_x="LMARGIN", new_y="NEXT")
    if with_supplements:
        pdf.set_x(x)
        pdf.write_cell(
            0,
            4,
            "Supplement tablets are shown under the day, not in the bars: "
            "little of a large dose is absorbed.",
            new_x="LMARGIN",
            new_y="NEXT",
        )


def _table_style(pdf: Handout) -> dict[str, object]:
    """Shared table look; also resets the fill colour the zebra rows between stripes use."""
    pdf.set_fill_color(255, 255, 255)
    return {
        "headings_style": FontFace(
            family=pdf.fonts_used.family, emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT
        ),
        "line_height": TABLE_LINE_MM,
        "padding": (ROW_PADDING_MM, 1.5),
        "borders_layout": "HORIZONTAL_LINES",
        "text_align": "LEFT",
        "first_row_as_headings": True,
        "repeat_headings": 1,
        "cell_fill_color": STRIPE,
        "cell_fill_mode": "ROWS",
    }


def _heading(table: Any, pdf: Handout, titles: Sequence[str], right_from: int) -> None:
    """A heading row whose numeric columns (index >= right_from) align right like their data."""
    row = table.row()
    for i, title in enumerate(titles):
        row.cell(pdf.text_safe(title), align="RIGHT" if i >= right_from else "LEFT")


def _top_sources(pdf: Handout, plan: Plan) -> None:
    sources = top_b12_sources(plan)
    if not sources:
        pdf.font(9)
        pdf.write_paragraph(5, "No food in this plan has B12 that counts toward the target.")
        return
    pdf.font(TABLE_FONT_PT)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=(104, 18, 30, 28),
        width=pdf.content_width,
        align="LEFT",
        **_table_style(pdf),  # type: ignore[arg-type]
    ) as table:
        _heading(table, pdf, ("Food", "Times", "B12 counted", "Share"), right_from=1)
        for s in sources:
            row = table.row()
            row.cell(pdf.text_safe(s.description))
            row.cell(str(s.times), align="RIGHT")
            row.cell(pdf.text_safe(f"{fixed(s.counted_ug)} µg"), align="RIGHT")
            row.cell(f"{s.share:.0%}", align="RIGHT")


def _day_height(pdf: Handout, plan: Plan, day: int) -> float:
    """Height in mm of one day's title and table, measured with the table's own wrapping."""
    food_width = PLAN_COLUMNS_MM[1] * pdf.content_width / sum(PLAN_COLUMNS_MM) - 3
    pdf.font(TABLE_FONT_PT)
    rows = 0.0
    for meal in meal_rows(plan, day):
        text = pdf.text_safe(meal.description)
        lines = pdf.multi_cell(food_width, TABLE_LINE_MM, text, dry_run=True, output="LINES")
        rows += TABLE_LINE_MM * len(lines) + 2 * ROW_PADDING_MM
    note = uncounted_note(plan, meal_rows(plan, day))
    if note is not None:
        pdf.font(NOTE_FONT_PT)
        lines = pdf.multi_cell(0, NOTE_LINE_MM, pdf.text_safe(note), dry_run=True, output="LINES")
        rows += NOTE_LINE_MM * len(lines)
    return 8.5 + TABLE_LINE_MM + 2 * ROW_PADDING_MM + rows


def _day_cost(cost: PlanCost | None, day: int) -> str:
    """'  ·  food cost 1.60 (+ 8 foods without a price)' for a day heading; '' unpriced."""
    if cost is None:
        return ""
    today = cost.day(day)
    text = f"  ·  food cost {money(today.cost)}"
    if today.unpriced:
        text += f" (+ {foods_word(len(today.unpriced))} without a price)"
    return text


def _plan_table(pdf: Handout, plan: Plan) -> None:
    """One table per day, each kept on one page when it fits, with its own heading row.

    A day longer than a page still breaks cleanly: fpdf2 repeats the heading row.
    """
    muted = FontFace(family=pdf.fonts_used.family, color=MUTED)
    cost = plan_cost(plan)
    usable = pdf.h - pdf.t_margin - pdf.b_margin
    for day in range(1, plan.n_days + 1):
        meals = meal_rows(plan, day)
        entries = [e for e in plan.entries if e.day == day]
        needed = _day_height(pdf, plan, day)
        if pdf.get_y() + needed > pdf.h - pdf.b_margin and needed < usable:
            pdf.add_page()
        pdf.ln(1.5)
        pdf.font(9.5, "B")
        pdf.write_cell(14, 6, f"Day {day}")
        pdf.font(8.5, color=MUTED)
        counted = math.fsum(e.b12_counted_ug for e in entries)
        listed = math.fsum(e.b12_ug for e in entries)
        b12 = f"{number(counted, 2)} µg B12 from food counted"
        if listed - counted > 0.005:
            b12 += f" ({number(listed, 2)} µg listed)"
        pdf.write_cell(
            0,
            6,
            f"{kcal_text(math.fsum(e.kcal for e in entries))} kcal  ·  {b12}"
            + _day_cost(cost, day),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.font(TABLE_FONT_PT)
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        with pdf.table(
            col_widths=PLAN_COLUMNS_MM,
            width=pdf.content_width,
            align="LEFT",
            **_table_style(pdf),  # type: ignore[arg-type]
        ) as table:
            titles = ("Meal", "Food", "Amount", "Grams", "kcal", "B12 (µg)")
            _heading(table, pdf, titles, right_from=3)
            previous = None
            for meal in meals:
                row = table.row()
                row.cell(meal.slot.capitalize() if meal.slot != previous else "", style=muted)
                previous = meal.slot
                row.cell(pdf.text_safe(meal.description))
                row.cell(pdf.text_safe(meal.amount))
                row.cell(number(meal.grams, 0), align="RIGHT")
                row.cell("" if meal.kcal is None else kcal_text(meal.kcal), align="RIGHT")
                mark = "*" if meal.uncounted else ""
                row.cell(f"{fixed(meal.b12_counted_ug)}{mark}", align="RIGHT")
        note = uncounted_note(plan, meals)
        if note is not None:
            pdf.font(NOTE_FONT_PT, color=MUTED)
            pdf.multi_cell(0, NOTE_LINE_MM, pdf.text_safe(note), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _shopping_line_texts(line: ShoppingLine, priced: bool) -> tuple[str, str, str, str]:
    """(amount, item, grams, note) for one printed shopping line; with `priced` the note
    ends with the line's cost or says it has no price."""
    name = line.description
    if line.kind == "supplement":
        amount = f"{format_quantity(line.quantity)} {line.unit_text}"
        grams = ""
    elif line.unit == "g":
        amount = f"{format_quantity(line.quantity)} g"
        grams = ""
    else:
        amount = f"{format_quantity(line.quantity)} {line.unit_text}"
        grams = grams_text(line.to_buy)
    notes = []
    if line.pantry_used > 0:
        have = (
            grams_text(line.pantry_used)
            if line.kind == "food"
            else f"{number(line.pantry_used)} {plural('tablet', line.pantry_used)}"
        )
        notes.append(f"{have} from the pantry")
    if line.packages is not None:
        left = (
            grams_text(line.leftover or 0.0)
            if line.kind == "food"
            else f"{number(line.leftover)} {plural('tablet', line.leftover or 0)}"
        )
        notes.append(f"buy {line.packages} × {line.package_label}, {left} left over")
    if line.to_buy <= 0:
        amount, grams = "—", ""
        notes.insert(0, "covered by the pantry")
    elif priced:
        notes.append(line_cost_text(line))
    return amount, name, grams, " · ".join(notes)


def _shopping_row_height(pdf: Handout, line: ShoppingLine, item_w: float, priced: bool) -> float:
    _, name, _, note = _shopping_line_texts(line, priced)
    pdf.font(9)
    name_lines = pdf.multi_cell(item_w, 4.6, pdf.text_safe(name), dry_run=True, output="LINES")
    return 4.6 * len(name_lines) + (4.0 if note else 0) + 1.4


def _shopping_section(pdf: Handout, shopping: ShoppingList) -> None:
    if not shopping.lines:
        pdf.font(9)
        pdf.write_paragraph(5, "Nothing to buy for these days.")
        return
    if shopping.priced:
        pdf.font(9)
        pdf.write_paragraph(4.6, shopping_cost_text(shopping))
        pdf.ln(1)
    box = 3.4
    amount_w, grams_w = 30.0, 20.0
    item_w = pdf.content_width - 7 - amount_w - grams_w
    usable = pdf.h - pdf.t_margin - pdf.b_margin
    for aisle, lines in shopping.by_aisle():
        heights = [_shopping_row_height(pdf, line, item_w, shopping.priced) for line in lines]
        # Keep an aisle on one page when it fits on one; never strand its heading.
        group = 8.3 + sum(heights)
        keep = group if group < usable / 2 else 8.3 + heights[0]
        if pdf.get_y() + keep > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.ln(1.5)
        pdf.font(9.5, "B", ACCENT)
        pdf.write_cell(0, 6, aisle_title(aisle), new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(0.8)
        for line, row_h in zip(lines, heights, strict=True):
            amount, name, grams, note = _shopping_line_texts(line, shopping.priced)
            if pdf.get_y() + row_h > pdf.h - pdf.b_margin:
                pdf.add_page()
            top = pdf.get_y()
            pdf.set_draw_color(*MUTED)
            pdf.set_line_width(0.25)
            pdf.rect(pdf.l_margin + 0.5, top + 0.7, box, box)
            if line.to_buy <= 0:
                pdf.line(pdf.l_margin + 1.2, top + 2.5, pdf.l_margin + 2.1, top + 3.5)
                pdf.line(pdf.l_margin + 2.1, top + 3.5, pdf.l_margin + 3.6, top + 1.2)
            pdf.set_xy(pdf.l_margin + 7, top)
            pdf.font(9, "B")
            pdf.write_cell(amount_w, 4.6, amount)
            pdf.font(9)
            pdf.set_xy(pdf.l_margin + 7 + amount_w, top)
            pdf.multi_cell(item_w, 4.6, pdf.text_safe(name), align="L")
            pdf.set_xy(pdf.l_margin + 7 + amount_w + item_w, top)
            pdf.font(9, color=MUTED)
            pdf.write_cell(grams_w, 4.6, grams, align="R")
            y = top + row_h - 1.4 - (4.0 if note else 0)
            if note:
                pdf.set_xy(pdf.l_margin + 7 + amount_w, y)
                pdf.font(7.5, "I", MUTED)
                pdf.write_cell(item_w + grams_w, 4.0, note)
                y += 4.0
            pdf.set_y(y + 1.4)


def _note_height(pdf: Handout) -> float:
    pdf.font(8.5)
    text = pdf.text_safe(NOT_MEDICAL_ADVICE)
    lines = pdf.multi_cell(pdf.content_width - 8, 4.4, text, dry_run=True, output="LINES")
    return 4.4 * len(lines) + 9


def _sources_and_note(pdf: Handout, plan: Plan, shopping: ShoppingList) -> None:
    """Sources and the not-medical-advice box, kept together on one page."""
    block = 14 + 4.4 * len(data_sources(plan, shopping)) + 10 + _note_height(pdf)
    pdf.section("Data sources", need_mm=block)
    pdf.font(8.5)
    for text in data_sources(plan, shopping):
        pdf.write_paragraph(4.4, f"•  {text}")
    releases = plan.catalog.get("sources") if isinstance(plan.catalog, dict) else None
    if releases:
        pdf.ln(1)
        pdf.font(7.5, color=MUTED)
        pdf.write_paragraph(4, "Catalog the plan was built from: " + _catalog_text(releases))
    pdf.ln(4)
    top = pdf.get_y()
    pdf.set_fill_color(*STRIPE)
    pdf.set_draw_color(*RULE)
    height = _note_height(pdf)
    if top + height > pdf.h - pdf.b_margin:
        pdf.add_page()
        top = pdf.get_y()
    pdf.rect(pdf.l_margin, top, pdf.content_width, height, style="DF")
    pdf.set_xy(pdf.l_margin + 4, top + 2)
    pdf.font(8.5, "B")
    pdf.write_cell(0, 4.4, "Not medical advice", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(pdf.l_margin + 4)
    pdf.font(8.5)
    pdf.multi_cell(pdf.content_width - 8, 4.4, pdf.text_safe(NOT_MEDICAL_ADVICE), align="L")
    pdf.set_y(top + height + 2)


def _catalog_text(sources: object) -> str:
    if not isinstance(sources, list):
        return str(sources)
    parts = []
    for source in sources:
        if isinstance(source, dict):
            parts.append(
                dataset_label(str(source.get("dataset", "")), str(source.get("release", "")))
            )
        else:
            parts.append(str(source))
    return "; ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------
# Documents


def plan_pdf(
    plan: Plan,
    shopping: ShoppingList,
    *,
    paper: str = "a4",
    creation_date: datetime | None = None,
    font_files: Sequence[tuple[str, Path, Path, Path]] = FONT_CANDIDATES,
) -> bytes:
    """The full handout. A fixed `creation_date` makes the bytes reproducible."""
    pdf = Handout(
        paper=paper,
        title=f"Vitamin B12 meal plan ({plan.n_days} days, {plan.diet})",
        footer_text=f"b12-planner · {plan.n_days}-day {plan.diet} plan · not medical advice",
        creation_date=creation_date,
        font_files=font_files,
    )
    pdf.add_page()
    _title_block(pdf, plan)
    _summary_cards(pdf, plan)
    pdf.section("B12 per day", need_mm=80)
    _b12_chart(pdf, plan)
    pdf.section("Where the B12 comes from", need_mm=40)
    _top_sources(pdf, plan)
    pdf.section("Meal plan, day by day", need_mm=14 + _day_height(pdf, plan, 1))
    _plan_table(pdf, plan)
    pdf.section(f"Shopping list ({shopping.days_label})", need_mm=40)
    _shopping_section(pdf, shopping)
    _sources_and_note(pdf, plan, shopping)
    return bytes(pdf.output())


def shopping_pdf(
    shopping: ShoppingList,
    *,
    paper: str = "a4",
    creation_date: datetime | None = None,
    font_files: Sequence[tuple[str, Path, Path, Path]] = FONT_CANDIDATES,
) -> bytes:
    """Just the shopping list, as a printable checklist."""
    diet = f" {shopping.diet}" if shopping.diet else ""
    pdf = Handout(
        paper=paper,
        title=f"Shopping list ({shopping.days_label})",
        footer_text=f"b12-planner · shopping list, {shopping.days_label} of a "
        f"{shopping.n_days}-day{diet} plan",
        creation_date=creation_date,
        font_files=font_files,
    )
    pdf.add_page()
    pdf.font(18, "B")
    pdf.write_cell(0, 9, "Shopping list", new_x="LMARGIN", new_y="NEXT")
    pdf.font(10, color=MUTED)
    pdf.write_paragraph(
        5, f"{shopping.days_label.capitalize()} of a {shopping.n_days}-day{diet} plan"
    )
    pdf.ln(2)
    _shopping_section(pdf, shopping)
    if shopping.lines:
        pdf.ln(3)
        pdf.font(7.5, color=MUTED)
        pdf.write_paragraph(
            4,
            "Amounts are rounded up to household units; grams are the exact amounts to buy. "
            "Food data: "
            + "; ".join(
                f"{dataset_label(d, r)} ({n} food{'s' if n != 1 else ''})"
                for d, r, n in shopping.sources
            )
            + ".",
        )
    return bytes(pdf.output())
