"""Score the labels against the hand-labelled audit set (tests/data/diet_audit.csv).

The audit set is labelled by reasoning about each food's real composition, not from the
classifier. What matters most is that no food the audit calls non-vegan (or non-vegetarian) is
labelled vegan (vegetarian): those are the errors that harm users.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.errors import DataError

AUDIT_FILE = Path(__file__).resolve().parents[2] / "tests" / "data" / "diet_audit.csv"
AUDIT_COLUMNS = ("food_id", "description", "vegan", "vegetarian", "note")


@dataclass(frozen=True)
class AuditScore:
    diet: str
    foods: int
    accuracy: float
    false_allowed: tuple[str, ...]  # audit says no, labels say yes: must be empty
    false_excluded: tuple[str, ...]  # audit says yes, labels say no (precision over recall)


def read_audit(path: Path = AUDIT_FILE) -> pd.DataFrame:
    try:
        audit = pd.read_csv(path, dtype={"food_id": str, "description": str, "note": str})
    except (OSError, pd.errors.ParserError) as err:
        raise DataError(f"cannot read the audit set ({err})", path=str(path)) from err
    missing = [c for c in AUDIT_COLUMNS if c not in audit.columns]
    if missing:
        raise DataError(f"audit set lacks columns {missing}", path=str(path))
    for column in ("vegan", "vegetarian"):
        bad = ~audit[column].isin([0, 1])
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise DataError("expected 0 or 1", path=str(path), row=row, column=column)
    return audit.set_index("food_id")


def score(labels: pd.DataFrame, audit: pd.DataFrame) -> list[AuditScore]:
    """Accuracy and errors of the vegan and vegetarian labels on the audit foods."""
    unknown = audit.index.difference(labels.index)
    if len(unknown):
        raise DataError(f"audit foods not in the catalog: {list(unknown)[:5]}")
    scores = []
    for diet in ("vegan", "vegetarian"):
        truth = audit[diet].astype(bool)
        predicted = labels.loc[audit.index, diet].astype(bool)
        scores.append(
            AuditScore(
                diet,
                len(audit),
                float((truth == predicted).mean()),
                tuple(audit.index[predicted & ~truth]),
                tuple(audit.index[~predicted & truth]),
            )
        )
    return scores
