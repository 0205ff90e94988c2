"""Errors that reach people: each carries a message that says what is wrong and how to fix it.

The CLI maps them to exit codes (2 for bad input, 3 when no plan is possible) and the app shows
their text next to the setting to change; neither ever shows a traceback for these.
"""

from __future__ import annotations


class PlannerError(Exception):
    """Base class for every error the library raises on purpose."""

    exit_code = 2


class InputError(PlannerError):
    """Bad input from a person: arguments, form values, files they pointed us at."""


class DataError(InputError):
    """A data file that cannot be read as what it claims to be; names the file, row and column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path, self.row, self.column = path, row, column
        where = []
        if path is not None:
            where.append(str(path))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class FdcApiError(PlannerError):
    """The FoodData Central API refused or failed a request (after bounded retries)."""


class NoPlanError(PlannerError):
    """No plan satisfies the profile; the message is the plain-language diagnosis."""

    exit_code = 3

    def __init__(self, message: str, *, diagnosis: object | None = None) -> None:
        self.diagnosis = diagnosis
        super().__init__(message)
