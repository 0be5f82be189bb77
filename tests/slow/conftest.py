"""Slow tests (marked `slow`) run only when asked: `make test-slow`, `pytest tests/slow/...`, or with
TRACKER_RUN_SLOW=1. A plain `pytest` (and so `make test`, with or without `-m "not e2e"`) deselects them.

A deselection hook rather than `addopts = -m "not slow"`: a second `-m` on the command line replaces the first,
so `make test-postgres` (`-m "not e2e"`) would silently run them again."""
import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def _asked_for(config) -> bool:
    if os.environ.get("TRACKER_RUN_SLOW") == "1":
        return True
    start = Path(config.invocation_params.dir)
    for arg in config.args:
        path = (start / arg.split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `slow`; leave them out unless this folder was named or the variable set."""
    mine = [item for item in items if HERE in item.path.parents]
    for item in mine:
        item.add_marker(pytest.mark.slow)
    if mine and not _asked_for(config):
        items[:] = [item for item in items if HERE not in item.path.parents]
        config.hook.pytest_deselected(items=mine)
