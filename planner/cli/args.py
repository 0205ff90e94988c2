"""Argument types shared by the subcommands: a bad value is an argparse error (exit 2).

Written once so `foods --limit` and `export --weeks` refuse bad input with the same words.
"""

from __future__ import annotations

import argparse
from datetime import date


def positive_int(text: str) -> int:
    """A whole number of at least 1 (a row limit, a number of weeks)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def iso_date(text: str) -> date:
    """A calendar date written as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-01-05, got {text!r}") from None
