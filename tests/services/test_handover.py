"""The hand-over package: the full demo exported, imported into an empty database and exported again gives the
same file; a file is checked whole, every problem named by its JSON path, and nothing is written on any."""
import copy
import json
from pathlib import Path

import jsonschema
import pytest
from sqlmodel import Session, select

from tracker import migrate
from tracker.db import make_engine
from tracker.models import BallotEvent, Board, Cluster, ClusterYear
from tracker.services import demo, handover, handover_import, ledger

SCHEMA = json.loads(Path(handover_import.SCHEMA_PATH).read_text(encoding="utf-8"))


def exported(db) -> list[dict]:
    """Every cluster's package, as it reads once written to a file."""
    return [json.loads(handover.dumps(handover.export_cluster(db, c.id)))
            for c in db.exec(select(Cluster).order_by(Cluster.name)).all()]


@pytest.fixture
def packages(db):
    """The full demo (its 2017 rounds finalised, with their event chains), exported."""
    demo.seed(db)
    db.commit()
    return exported(db)


@pytest.fixture
def empty(tmp_path):
    """A second, empty tracker database (its own migrated SQLite file)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_the_demo_exports_to_the_documented_format_without_database_ids(packages):
    for package in packages:
        assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(package)) == []
    south_east = next(p for p in packages if "Đông Nam Bộ" in p["cluster"]["name"])
    flag = next(r for y in south_east["years"] if y["year"] == 2017 for r in y["rounds"] if r["award"] == "CO_BO")
    assert flag["events"][0]["round"] == "2017/CO_BO/1" and flag["events"][0]["data"]["cluster_year"] == 2017
    assert flag["revisions"][0]["result"]["elected"] == ["DIZA"]
    assert "DIZA" in flag["revisions"][0]["counts"]["votes"]


def test_export_import_export_gives_the_same_file_and_a_sound_ledger(packages, empty):
    for package in packages:
        report = handover_import.import_cluster(session=empty, document=copy.deepcopy(package))
        assert report.kept == [] and report.created
    empty.commit()
    assert exported(empty) == packages
    assert ledger.verify(empty).problems == []
    assert len(empty.exec(select(BallotEvent)).all()) == sum(
        len(r["events"]) for p in packages for y in p["years"] for r in y["rounds"])


def test_importing_again_keeps_the_years_already_there(packages, empty):
    handover_import.import_cluster(session=empty, document=copy.deepcopy(packages[0]))
    empty.commit()
    report = handover_import.import_cluster(session=empty, document=copy.deepcopy(packages[0]))
    assert report.created == [] and report.kept == [y["year"] for y in packages[0]["years"]]


def test_every_problem_is_named_by_its_path_and_nothing_is_written(packages, empty):
    package = copy.deepcopy(next(p for p in packages if "Đông Nam Bộ" in p["cluster"]["name"]))
    package["years"][0]["members"][0]["board"] = "KHÔNG CÓ"
    package["years"][1]["seats"]["XX"] = 1
    with pytest.raises(handover_import.Refused) as refused:
        handover_import.import_cluster(session=empty, document=package)
    paths = [p.path for p in refused.value.problems]
    assert "$.years[0].members[0].board" in paths and "$.years[1].seats.XX" in paths
    empty.rollback()
    assert empty.exec(select(Board)).all() == [] and empty.exec(select(ClusterYear)).all() == []


def test_a_file_of_the_wrong_shape_is_refused_with_paths(empty):
    with pytest.raises(handover_import.Refused) as refused:
        handover_import.parse(b"\xff not json")
    assert refused.value.problems[0].path == "$"
    problems = handover_import.check(empty, {"format": "emulation-award-tracker/cluster", "version": 2})
    assert any(p.path == "$.version" for p in problems) and any(p.path == "$" for p in problems)


def test_a_finalised_round_that_differs_is_reported_not_overwritten(packages, db):
    package = copy.deepcopy(next(p for p in packages if "Đông Nam Bộ" in p["cluster"]["name"]))
    year = next(n for n, y in enumerate(package["years"]) if y["year"] == 2017)
    rounds = package["years"][year]["rounds"]
    flag = next(n for n, r in enumerate(rounds) if r["award"] == "CO_BO")
    rounds[flag]["revisions"][0]["counts"]["votes"]["DIZA"] = 5
    problems = handover_import.check(db, package)
    assert [p.path for p in problems] == [f"$.years[{year}].rounds[{flag}]"]
