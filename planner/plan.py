"""The Plan: what the planner returns, what exports render, what storage saves.

One typed object crosses every boundary, with a schema-versioned JSON round trip so a saved plan
opens again after upgrades. Totals in a Plan are what the planner claims; `planner.verify`
recomputes them from the catalog before anyone sees them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import InputError

# How hard make_plan searches (planner.model): "thorough" adds column generation over day plans.
EFFORTS = ("standard", "thorough")
# The planner stops on work limits; its clock is a safety net, set well above the time a plan
# takes here (a week: 1.9-2.7 s, 4.2-5.8 s with the longer search; 14 days: up to 8 s and
# 15 s), so a busy machine still gets the same plan.
TIME_LIMIT_PER_WEEK = 30.0  # seconds per started week of plan, doubled for the longer search


def default_time_limit(days: int, effort: str = "standard") -> float:
    """Seconds make_plan allows a plan of `days` days when no time limit is given."""
    weeks = -(-max(1, int(days)) // 7)
    return TIME_LIMIT_PER_WEEK * weeks * (2 if effort == "thorough" else 1)


SCHEMA_VERSION = 1
SLOT_ORDER = ("breakfast", "lunch", "dinner", "snack", "snack2", "drink")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class PlanEntry(_Model):
    """One food in one meal: `servings` household portions of `portion`, weighing `grams`."""

    day: int = Field(ge=1, le=14)
    slot: str
    food_id: str
    description: str
    portion: str = Field(description='household portion, e.g. "1 cup"')
    portion_grams: float = Field(gt=0, description="grams in one portion")
    servings: float = Field(gt=0)
    grams: float = Field(gt=0)
    kcal: float
    protein_g: float
    sodium_mg: float | None = None
    b12_ug: float = Field(description="B12 listed in the catalog for this amount, µg")
    b12_counted_ug: float = Field(description="B12 that counts toward the target, µg")
    b12_absorbed_ug: float | None = Field(
        default=None, description="this entry's share of the meal's absorbed B12, µg"
    )
    locked: bool = False


class SupplementDose(_Model):
    """Tablets taken with a meal; `strength_ug` per tablet."""

    day: int = Field(ge=1, le=14)
    slot: str
    strength_ug: float = Field(gt=0)
    count: int = Field(ge=1)


class Targets(_Model):
    """Daily targets the plan was built to meet, with where each number comes from."""

    b12_ug_per_day: float = Field(gt=0)
    b12_source: str = Field(description='e.g. "US RDA, adults 19+ (IOM 1998)"')
    b12_absorbed_ug_per_day: float | None = None
    b12_rule: Literal["daily", "weekly"] = "daily"
    b12_counting: Literal["all", "fortified_only"] = "all"
    kcal_per_day: float
    kcal_min: float
    kcal_max: float
    protein_g_min: float
    sodium_mg_max: float | None = None
    sources: dict[str, str] = Field(
        default_factory=dict, description="where each target comes from (b12, kcal, protein, ...)"
    )


class DayTotals(_Model):
    day: int = Field(ge=1, le=14)
    kcal: float
    protein_g: float
    sodium_mg: float | None = None
    b12_ug: float
    b12_counted_ug: float
    b12_absorbed_ug: float | None = None
    b12_occasions: int = Field(default=0, description="eating occasions with counted B12")


class SolverInfo(_Model):
    name: str
    status: str
    seconds: float
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    method: str = ""


class Plan(_Model):
    """A weekly (1-14 day) meal plan with its targets, totals and provenance."""

    schema_version: int = SCHEMA_VERSION
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    diet: str
    n_days: int = Field(ge=1, le=14)
    slots: list[str]
    profile: dict[str, Any] = Field(default_factory=dict)
    entries: list[PlanEntry]
    supplements: list[SupplementDose] = Field(default_factory=list)
    targets: Targets
    days: list[DayTotals]
    solver: SolverInfo
    catalog: dict[str, Any] = Field(
        default_factory=dict, description="catalog sources and releases the plan was built from"
    )
    notes: list[str] = Field(default_factory=list)
    custom_foods: list[dict[str, Any]] = Field(
        default_factory=list, description="foods not in the bundled catalog (labels, FDC API)"
    )

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def save(self, path: str | Path) -> None:
        """Write atomically so a crash never leaves half a plan on disk."""
        from planner.files import atomic_write_text

        atomic_write_text(Path(path), self.to_json() + "\n")

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "plan JSON") -> Plan:
        try:
            raw = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise InputError(f"{source} is not valid JSON ({err}); export the plan again") from err
        if not isinstance(raw, dict) or "entries" not in raw:
            raise InputError(
                f"{source} is not a b12-planner plan (no 'entries'); "
                "pass a file written by `b12plan plan --out`"
            )
        version = raw.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise InputError(
                f"{source} has plan schema version {version!r}, this b12-planner reads up to "
                f"{SCHEMA_VERSION}; upgrade b12-planner to open it"
            )
        try:
            return cls.model_validate(raw)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(
                f"{source} is not a valid plan: {where}: {first['msg']} "
                f"({err.error_count()} problem(s) in all)"
            ) from err

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        path = Path(path)
        try:
            text = path.read_bytes()
        except OSError as err:
            raise InputError(f"cannot read plan file {path}: {err.strerror}") from err
        return cls.from_json(text, source=str(path))

    def food_ids(self) -> list[str]:
        return sorted({e.food_id for e in self.entries})
