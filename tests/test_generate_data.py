"""The generate-data command: writes and commits the synthetic data with a summary, refuses bad options and a second
run with an error and a non-zero exit code, and leaves a ledger that `flask verify` accepts."""
import re

import pytest
from sqlmodel import Session, func, select

from tracker.models import Board, Cluster

ARGS = ["generate-data", "--clusters", "2", "--boards-per-cluster", "4", "--years", "3"]


def count(app, model) -> int:
    with app.app_context(), Session(app.extensions["engine"]) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_generate_data_writes_and_summarises(app, runner):
    result = runner.invoke(args=ARGS + ["--seed", "4", "--last-year", "2020"])
    assert result.exit_code == 0, result.output
    assert "seed 4" in result.output and "2018-2020" in result.output
    assert re.search(r"^\s+board\s+8$", result.output, re.M)
    assert re.search(r"^\s+cluster_year\s+6$", result.output, re.M)
    assert re.search(r"[\d.]+ s", result.output)
    assert (count(app, Cluster), count(app, Board)) == (2, 8)
    verified = runner.invoke(args=["verify"])
    assert verified.exit_code == 0, verified.output


def test_a_second_run_is_refused(app, runner):
    assert runner.invoke(args=ARGS).exit_code == 0
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 1
    assert "Error:" in result.output and "Cụm thi đua mô phỏng 001" in result.output
    assert count(app, Cluster) == 2


@pytest.mark.parametrize("option, value, bound", [
    ("--clusters", "0", "9999"), ("--boards-per-cluster", "2", "99"), ("--years", "0", "100"),
    ("--last-year", "1980", "1990"), ("--years", "50", "1990"),
])
def test_bad_options_are_refused_with_their_bounds(app, runner, option, value, bound):
    args = list(ARGS)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "Error:" in result.output and bound in result.output
    assert count(app, Cluster) == 0


@pytest.mark.parametrize("args", [["generate-data"], ARGS[:-2], ARGS[:2] + ["many"] + ARGS[3:]])
def test_missing_or_unreadable_options_are_usage_errors(app, runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert count(app, Cluster) == 0
