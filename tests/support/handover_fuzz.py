"""Mutations of a real hand-over package, as a careless or hostile file would carry them: a value removed, set to
null or to another type, a list emptied or nested deeper, a board renamed to one nobody has, a round label taken
from another year. Deterministic for a seed, so a failure can be replayed."""
import copy
import json
import random

import pytest
from sqlmodel import Session, select

from tracker.db import make_engine
from tracker.models import Cluster
from tracker.ops import demo, migrate
from tracker.services import handover, handover_import, ledger

UNKNOWN = "BQL không tồn tại"


def paths(value, prefix=()) -> list[tuple]:
    """Every place in a JSON value, as a tuple of keys and indexes."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def _parent(document, path):
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


def mutate(document: dict, rng: random.Random) -> tuple[dict, str]:
    """A copy of the document with one thing changed, and what was changed."""
    doc = copy.deepcopy(document)
    path = rng.choice([p for p in paths(doc) if p])
    parent, key = _parent(doc, path), path[-1]
    value = parent[key]
    how = rng.choice(["null", "drop", "type", "empty", "nest", "unknown", "label", "number", "duplicate", "swap"])
    if how == "null":
        parent[key] = None
    elif how == "drop":
        del parent[key]
    elif how == "type":
        parent[key] = rng.choice([[value], {"x": value}, str(value), 7, True, -1, 1.5])
    elif how == "empty":
        parent[key] = type(value)() if isinstance(value, dict | list | str) else 0
    elif how == "nest":
        for _ in range(rng.choice([3, 40, 2000])):
            value = [value]
        parent[key] = value
    elif how == "unknown":
        parent[key] = UNKNOWN if isinstance(value, str) else {UNKNOWN: value} if isinstance(value, dict) else value
    elif how == "label":
        parent[key] = rng.choice(["2016/CO_BO/1", "2017/CO_BO/9", "2019/BK_BO/1", "", "x/y/z"])
    elif how == "number":
        parent[key] = rng.choice([0, -1, 10**12, 2**63, 1.0e308, 3])
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(value))
    elif how == "swap" and isinstance(parent, list) and len(parent) > 1:
        other = rng.randrange(len(parent))
        parent[key], parent[other] = parent[other], parent[key]
    return doc, f"{how} at {'.'.join(map(str, path))}"


# ---- fixtures and checks shared by the fuzz tests (registered in tests/conftest.py) ---------------------------

@pytest.fixture
def south_east_package(db):
    """The demo's South-East package (its 2017 rounds finalised, with their events)."""
    demo.seed(db)
    db.commit()
    cluster = db.exec(select(Cluster).where(Cluster.name == demo.SOUTH_EAST)).one()
    return json.loads(handover.dumps(handover.export_cluster(db, cluster.id)))


@pytest.fixture
def other_database(tmp_path):
    """A second, empty tracker database (its own migrated SQLite file)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def finalised_round(package) -> tuple[int, int, dict]:
    """The first finalised round of a package: (year index, round index, round)."""
    for n, year in enumerate(package["years"]):
        for m, round_ in enumerate(year["rounds"]):
            if round_["status"] == "finalised":
                return n, m, round_
    raise AssertionError("the demo has finalised rounds")


def refused_at(session, document) -> list[str]:
    """The paths of a document's problems; its import is refused whole."""
    problems = handover_import.check(session, document)
    with pytest.raises(handover_import.Refused):
        handover_import.import_cluster(session=session, document=document)
    session.rollback()
    return [p.path for p in problems]


def accepted_and_sound(session, document, checkpoints) -> bool:
    """Import a document the check accepts, verify the ledger it leaves, and undo it; False when refused."""
    if handover_import.check(session, document):
        return False
    handover_import.import_cluster(session=session, document=document)
    session.flush()
    problems = ledger.verify(session, checkpoints=checkpoints).problems
    session.rollback()
    assert problems == [], problems
    return True


def fuzz_mutations(package, session, checkpoints, *, count: int, seed: int) -> tuple[int, int]:
    """Check `count` mutations of a package (each imported and verified when accepted); (tried, accepted). A
    crash names the mutation to replay."""
    rng = random.Random(seed)
    accepted = 0
    for _ in range(count):
        document, how = mutate(package, rng)
        try:
            accepted += accepted_and_sound(session, document, checkpoints)
        except Exception as error:  # noqa: BLE001 (re-raised, naming the mutation)
            raise AssertionError(f"{how}: {error!r}") from error
    return count, accepted
