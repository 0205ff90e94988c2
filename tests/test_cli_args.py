"""The argument types planner/cli/args.py gives `foods` and `shopping-list`/`export`."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from planner.cli import args, foods, main, shopping


def test_the_subcommands_share_one_set_of_validators():
    assert foods.positive_int is args.positive_int
    assert shopping.positive_int is args.positive_int
    assert shopping.iso_date is args.iso_date


def test_positive_int_and_iso_date():
    assert args.positive_int("3") == 3
    assert args.iso_date("2026-01-05") == date(2026, 1, 5)
    for bad, message in [
        ("x", "expected a whole number, got 'x'"),
        ("1.5", "expected a whole number, got '1.5'"),
        ("0", "expected a number of at least 1, got 0"),
        ("-2", "expected a number of at least 1, got -2"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            args.positive_int(bad)
    with pytest.raises(argparse.ArgumentTypeError, match="expected a date like 2026-01-05"):
        args.iso_date("5 Jan")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["foods", "--limit", "0"], "argument --limit: expected a number of at least 1, got 0"),
        (["foods", "--limit", "ten"], "argument --limit: expected a whole number, got 'ten'"),
        (
            ["export", "plan.json", "--format", "ics", "--out", "-", "--weeks", "0"],
            "argument --weeks: expected a number of at least 1, got 0",
        ),
        (
            ["export", "plan.json", "--format", "ics", "--out", "-", "--start", "monday"],
            "argument --start: expected a date like 2026-01-05, got 'monday'",
        ),
    ],
)
def test_bad_values_exit_2_with_the_same_words(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
