"""The hand-over package: the full demo exported, imported into an empty database and exported again gives the
same file; a file is checked whole, every problem named by its JSON path, and nothing is written on any."""
import copy
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlmodel import select

from tracker.models import Authority, AwardType, BallotEvent, BallotRound, Board, Cluster, ClusterYear
from tracker.ops import demo
from tracker.services import decisions, handover, handover_import, ledger, proposals

SCHEMA = json.loads(Path(handover_import.SCHEMA_PATH).read_text(encoding="utf-8"))


def exported(db) -> list[dict]:
    """Every cluster's package, as it reads once written to a file."""
    return [json.loads(handover.dumps(handover.export_cluster(db, c.id)))
            for c in db.exec(select(Cluster).order_by(Cluster.name)).all()]


@pytest.fixture
def packages(db):
    """The full demo (its 2017 rounds finalised, with their event chains) carried on to the decision: proposals
    with their tờ trình, a decision granting one as proposed and one as another form, an award of 2016 recorded
    without a decision; exported."""
    demo.seed(db)
    db.commit()
    cluster = db.exec(select(Cluster).where(Cluster.name == demo.SOUTH_EAST)).one()
    made = []
    for round_ in db.exec(select(BallotRound).where(BallotRound.status == "finalised")).all():
        made += proposals.create_from_round(session=db, user=None, round_id=round_.id)
    proposals.save_submission(session=db, user=None, cluster_id=cluster.id, year=2017,
                              proposal_ids=[p.id for p in made], versions={p.id: p.version for p in made},
                              number="05/TTr-CTĐ", submitted_on=date(2018, 3, 5))
    mpi = db.exec(select(Authority).where(Authority.short_name == "BKHĐT")).one()
    decision = decisions.save_decision(session=db, decision_id=None, version=None, data=decisions.DecisionData(
        number="1234/QĐ-BKHĐT", decided_on=date(2018, 5, 15), authority_id=mpi.id, signer_name="Nguyễn Văn A"))
    codes = {a.code: a.id for a in db.exec(select(AwardType)).all()}
    first, second = made[0], made[1]
    decisions.add_award(session=db, user=None, decision_id=decision.id, line=decisions.AwardLine(
        first.board_id, first.award_type_id, 2017))
    decisions.add_award(session=db, user=None, decision_id=decision.id, line=decisions.AwardLine(
        second.board_id, codes["TTLDXS"], 2017))
    decisions.add_past_award(session=db, user=None, line=decisions.AwardLine(first.board_id, codes["BK_BO"], 2016))
    db.commit()
    return exported(db)


@pytest.fixture
def empty(other_database):
    """A second, empty tracker database (tests/support/handover_fuzz.py)."""
    return other_database


def test_the_demo_exports_to_the_documented_format_without_database_ids(packages):
    for package in packages:
        assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(package)) == []
    south_east = next(p for p in packages if "Đông Nam Bộ" in p["cluster"]["name"])
    flag = next(r for y in south_east["years"] if y["year"] == 2017 for r in y["rounds"] if r["award"] == "CO_BO")
    assert flag["events"][0]["round"] == "2017/CO_BO/1" and flag["events"][0]["data"]["cluster_year"] == 2017
    assert flag["revisions"][0]["result"]["elected"] == ["DIZA"]
    assert "DIZA" in flag["revisions"][0]["counts"]["votes"]
    year = next(y for y in south_east["years"] if y["year"] == 2017)
    assert {p["status"] for p in year["proposals"]} == {"submitted", "granted", "granted_other"}
    (decision,) = south_east["decisions"]
    assert decision["authority"] == "Bộ Kế hoạch và Đầu tư" and len(decision["awards"]) == 2
    assert [a["year"] for a in south_east["past_awards"]] == []  # 2016: not a year of this cluster's members


def test_export_import_export_gives_the_same_file_and_a_sound_ledger(packages, empty, tmp_path):
    for package in packages:
        report = handover_import.import_cluster(session=empty, document=copy.deepcopy(package))
        assert report.kept == [] and report.created
    empty.commit()
    assert exported(empty) == packages
    # the other database's checkpoints (its own file: the configured one is the first database's)
    assert ledger.verify(empty, checkpoints=tmp_path / "other-checkpoints.txt").problems == []
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
    paths = [p.path for p in handover_import.check(db, package)]
    assert f"$.years[{year}].rounds[{flag}]" in paths


def test_a_result_its_counts_do_not_give_and_a_target_of_a_non_member_are_refused(packages, empty):
    package = copy.deepcopy(next(p for p in packages if "Đông Nam Bộ" in p["cluster"]["name"]))
    year = next(n for n, y in enumerate(package["years"]) if y["year"] == 2017)
    revision = package["years"][year]["rounds"][0]["revisions"][0]
    revision["result"]["elected"] = ["HEPZA"]
    pledge_year = next(n for n, y in enumerate(package["years"]) if y["indicators"])
    package["years"][pledge_year]["indicators"][0]["targets"][0]["board"] = "BQL Lâm Đồng"
    paths = [p.path for p in handover_import.check(empty, package)]
    assert f"$.years[{year}].rounds[0].revisions[0].result" in paths
    assert f"$.years[{pledge_year}].indicators[0].targets[0].board" in paths


def test_duplicate_lines_and_a_runoff_of_itself_are_refused(packages, empty):
    package = copy.deepcopy(next(p for p in packages if "Đông Nam Bộ" in p["cluster"]["name"]))
    year = next(n for n, y in enumerate(package["years"]) if y["year"] == 2017)
    package["years"][year]["members"].append(dict(package["years"][year]["members"][0]))
    first = package["years"][year]["rounds"][0]
    first["runoff_of"] = f"2017/{first['award']}/{first['number']}"
    paths = [p.path for p in handover_import.check(empty, package)]
    last = len(package["years"][year]["members"]) - 1
    assert f"$.years[{year}].members[{last}]" in paths and f"$.years[{year}].rounds[0].runoff_of" in paths


def test_a_board_another_cluster_has_that_year_is_refused_and_names_it(packages, empty):
    """Issue 14: a package of a cluster cannot bring in, as its member, a board that another cluster of this
    database has that year; that would open the other cluster's board to this one's secretaries."""
    south_east = copy.deepcopy(next(p for p in packages if "Đông Nam Bộ" in p["cluster"]["name"]))
    handover_import.import_cluster(session=empty, document=copy.deepcopy(south_east))
    empty.commit()
    rival = copy.deepcopy(south_east)
    rival["cluster"]["name"] = "Cụm thi đua mượn tên"
    before = len(empty.exec(select(ClusterYear)).all())
    with pytest.raises(handover_import.Refused) as refused:
        handover_import.import_cluster(session=empty, document=rival)
    first = rival["years"][0]
    assert refused.value.problems[0].path == "$.years[0].members[0].board"
    assert south_east["cluster"]["name"] in refused.value.problems[0].message
    assert len([p for p in refused.value.problems if p.path.startswith("$.years[0].members")]) == len(first["members"])
    empty.rollback()
    assert len(empty.exec(select(ClusterYear)).all()) == before
    assert empty.exec(select(Cluster).where(Cluster.name == "Cụm thi đua mượn tên")).first() is None


def test_a_file_cannot_bring_award_lines_for_another_clusters_board_or_decision(db, world, make_user):
    """Found by the review of issue 14: a tampered package added a past award for another cluster's board
    (matched to that cluster's proposal) and a line on that cluster's decision, locking its keeper out."""
    keeper = make_user("thu_ky_khac", "secretary", clusters=[world["other"]])
    theirs = decisions.save_decision(session=db, decision_id=None, version=None, user=keeper,
                                     data=decisions.DecisionData(number="9/QĐ-KHAC", decided_on=date(2020, 3, 12),
                                                                 authority_id=world["authority"].id))
    codes = {a.code: a.id for a in db.exec(select(AwardType)).all()}
    decisions.add_award(session=db, user=keeper, decision_id=theirs.id,
                        line=decisions.AwardLine(world["other_board"].id, codes["CO_BO"], 2019))
    db.commit()
    package = json.loads(handover.dumps(handover.export_cluster(db, world["own"].id)))
    package["past_awards"].append({"board": "OTHER", "award": "BK_BO", "year": 2019, "note": "", "proposed": True})
    package["decisions"].append({"number": "9/QĐ-KHAC", "decided_on": "2020-03-12",
                                 "authority": world["authority"].name, "signer_name": "", "signer_title": "",
                                 "note": "", "awards": [{"board": "OWN", "award": "BK_BO", "year": 2019, "note": "",
                                                         "proposed": False}]})
    paths = [p.path for p in handover_import.check(db, package)]
    assert f"$.past_awards[{len(package['past_awards']) - 1}].board" in paths
    assert f"$.decisions[{len(package['decisions']) - 1}]" in paths
