"""The argument types planner/cli/args.py gives `foods` and `shopping-list`/`export`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

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


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--kcal", "-5"],
        ["plan", "--days", "x"],
        ["clients", "add"],
        ["export", "plan.json", "--out", "x.pdf"],
        ["nonsense"],
    ],
)
def test_usage_errors_are_one_line_that_points_to_help(capsys, argv):
    """Argparse printed a dozen lines of usage (for `plan`) above the one line that mattered."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("b12plan") and ": error: " in lines[0]
    assert lines[0].endswith("--help`)")


def test_reminders_for_more_than_two_years_are_refused(tmp_path, capsys):
    """--weeks 100000 wrote 700,000 daily reminders (1,900 years) without a word."""
    plan = str(Path(__file__).parent / "golden" / "plan_vegan_week.json")
    out = tmp_path / "r.ics"
    argv = ["export", plan, "--format", "ics", "--out", str(out)]
    assert main([*argv, "--weeks", "104"]) == 0
    out.unlink()
    assert main([*argv, "--weeks", "105"]) == 2
    err = capsys.readouterr().err
    assert "--weeks 105 is more than 104 weeks" in err and not out.exists()


def test_readme_lists_every_command():
    """The README's command table missed plan, shopping-list, export, clients and plans."""
    from planner.cli import build_parser

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    missing = [name for name in commands if f"| `b12plan {name}" not in readme]
    assert not missing, f"README.md's command table lacks: {missing}"
