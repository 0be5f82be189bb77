"""Decisions and awards through the services: the authority in force, unique numbers, awards paired with proposals,
past awards, the scan (a PDF by its content, tied to the transaction), stale versions, the reconciliation."""
import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from tests.support.ballots import award
from tests.support.files import jpeg_bytes, pdf_bytes, png_bytes
from tracker.models import Authority, Award, Board, ClusterYear, Decision, Proposal, ProposalEvent
from tracker.rules.reconcile import Outcome
from tracker.services import decisions
from tracker.services.errors import Conflict, DomainError, NotFound


@pytest.fixture
def ministries(db):
    """Bộ Kế hoạch và Đầu tư until 28/02/2025, then Bộ Tài chính; and the Prime Minister, always."""
    finance = Authority(name="Bộ Tài chính", short_name="BTC", valid_from=date(2025, 3, 1))
    db.add(finance)
    db.flush()
    planning = Authority(name="Bộ Kế hoạch và Đầu tư", short_name="BKHĐT", valid_to=date(2025, 2, 28),
                         successor_id=finance.id)
    government = Authority(name="Thủ tướng Chính phủ")
    db.add_all([planning, government])
    db.commit()
    return {"BKHĐT": planning, "BTC": finance, "TTg": government}


@pytest.fixture
def world(db, south_east, ministries):
    """The south-east cluster (2019: DIZA head, HEPZA deputy, Bình Dương member) with a 2018 year, the ministries."""
    cluster, boards = south_east
    cy = ClusterYear(cluster_id=cluster.id, year=2018)
    db.add(cy)
    db.commit()
    return cluster, boards, ministries


@pytest.fixture
def folder(tmp_path) -> Path:
    """The upload folder (apart from the test database, which lies in folder)."""
    return tmp_path / "uploads"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def record(db, number="1234/QĐ-BKHĐT", decided_on=date(2020, 3, 12), authority=None, decision_id=None,
           version=None, **values) -> Decision:
    data = decisions.DecisionData(number=number, decided_on=decided_on,
                                  authority_id=authority.id if authority else None, **values)
    decision = decisions.save_decision(session=db, decision_id=decision_id, version=version, data=data)
    db.commit()
    return decision


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def propose(db, cluster, board, code, year=2019, status="submitted") -> Proposal:
    cluster_year = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id,
                                                     ClusterYear.year == year)).one()
    proposal = Proposal(cluster_year_id=cluster_year.id, board_id=board.id, award_type_id=award(db, code),
                        status=status)
    db.add(proposal)
    db.commit()
    return proposal


def grant(db, decision, board, code, year=2019, user=None) -> Award:
    row = decisions.add_award(session=db, user=user, decision_id=decision.id,
                              line=decisions.AwardLine(board.id, award(db, code), year))
    db.commit()
    return row


def statuses(db, *proposals) -> list[str]:
    db.expire_all()
    return [db.get(Proposal, p.id).status for p in proposals]


def test_a_decision_is_saved_trimmed_and_in_nfc_with_its_signer(db, world):
    _cluster, _boards, ministries = world
    decision = record(db, number=unicodedata.normalize("NFD", "  1234/QĐ-BKHĐT "), authority=ministries["BKHĐT"],
                      signer_name=unicodedata.normalize("NFD", "Nguyễn Văn Đức"), signer_title="Bộ trưởng")
    db.expire_all()
    decision = db.get(Decision, decision.id)
    assert (decision.number, decision.decided_on, decision.authority_id, decision.signer_name,
            decision.signer_title, decision.version) == (
        "1234/QĐ-BKHĐT", date(2020, 3, 12), ministries["BKHĐT"].id, "Nguyễn Văn Đức", "Bộ trưởng", 1)


def test_an_authority_not_in_force_on_the_date_is_refused_naming_its_successor(db, world):
    _cluster, _boards, ministries = world
    error = refused(lambda: record(db, number="5/QĐ-BKHĐT", decided_on=date(2025, 3, 15),
                                   authority=ministries["BKHĐT"]))
    assert set(error.errors) == {"authority_id"}
    message = str(error.errors["authority_id"][0])
    assert "Bộ Tài chính" in message and "28/02/2025" in message
    db.rollback()
    early = refused(lambda: record(db, number="5/QĐ-BTC", decided_on=date(2025, 2, 1), authority=ministries["BTC"]))
    assert set(early.errors) == {"authority_id"} and "01/03/2025" in str(early.errors["authority_id"][0])
    db.rollback()
    assert db.exec(select(Decision)).all() == []
    # On 1 March 2025 the new ministry signs.
    assert record(db, number="5/QĐ-BTC", decided_on=date(2025, 3, 1), authority=ministries["BTC"]).id


def test_a_later_successor_in_force_is_named_over_the_direct_one(db, ministries):
    # An invented chain: A until 2000, B 2001-2010, C from 2011; a decision of A dated 2015 names C.
    c = Authority(name="Cơ quan C", valid_from=date(2011, 1, 1))
    db.add(c)
    db.flush()
    b = Authority(name="Cơ quan B", valid_from=date(2001, 1, 1), valid_to=date(2010, 12, 31), successor_id=c.id)
    db.add(b)
    db.flush()
    a = Authority(name="Cơ quan A", valid_to=date(2000, 12, 31), successor_id=b.id)
    db.add(a)
    db.commit()
    error = refused(lambda: record(db, decided_on=date(2015, 5, 5), authority=a))
    assert "Cơ quan C" in str(error.errors["authority_id"][0])


@pytest.mark.parametrize(("values", "field"), [
    ({"number": "  "}, "number"),
    ({"number": "x" * 101}, "number"),
    ({"number": "12\x00/QĐ"}, "number"),
    ({"decided_on": None}, "decided_on"),
    ({"authority": None}, "authority_id"),
    ({"signer_name": "x" * 201}, "signer_name"),
    ({"note": "x" * 2001}, "note"),
])
def test_bad_fields_are_refused_beside_them(db, world, values, field):
    _cluster, _boards, ministries = world
    values = {"authority": ministries["BKHĐT"], **values}
    error = refused(lambda: record(db, **values))
    assert field in error.errors
    db.rollback()
    assert db.exec(select(Decision)).all() == []


def test_a_number_is_unique_on_its_date_whatever_the_case(db, world):
    _cluster, _boards, ministries = world
    first = record(db, authority=ministries["BKHĐT"])
    error = refused(lambda: record(db, number="1234/qđ-bkhđt", authority=ministries["BKHĐT"]))
    assert set(error.errors) == {"number"} and "1234/qđ-bkhđt" in str(error.errors["number"][0])
    db.rollback()
    # The same number on another date is another decision; saving the first again is not a clash.
    record(db, decided_on=date(2021, 3, 12), authority=ministries["BKHĐT"])
    record(db, decision_id=first.id, version=1, authority=ministries["BKHĐT"], note="Đã sửa")
    assert db.get(Decision, first.id).version == 2


def test_a_stale_edit_and_a_stale_delete_are_refused(db, world, folder):
    _cluster, _boards, ministries = world
    decision = record(db, authority=ministries["BKHĐT"])
    record(db, decision_id=decision.id, version=1, authority=ministries["BKHĐT"], signer_name="A")
    with pytest.raises(Conflict) as caught:
        record(db, decision_id=decision.id, version=1, authority=ministries["BKHĐT"], signer_name="B")
    assert caught.value.current.signer_name == "A"
    db.rollback()
    with pytest.raises(Conflict):
        decisions.delete_decision(session=db, user=None, decision_id=decision.id, version=1, folder=folder)
    db.rollback()
    with pytest.raises(NotFound):
        decisions.get_decision(db, 999999)


def test_awards_answer_proposals_and_set_their_statuses(db, world):
    cluster, boards, ministries = world
    flag = propose(db, cluster, boards["DIZA"], "CO_BO")
    cert = propose(db, cluster, boards["HEPZA"], "BK_BO")
    other = propose(db, cluster, boards["BD"], "BK_BO")
    decision = record(db, authority=ministries["BKHĐT"])
    as_proposed = grant(db, decision, boards["DIZA"], "CO_BO")
    grant(db, decision, boards["HEPZA"], "BK_BO")
    another_form = grant(db, decision, boards["BD"], "TTLDXS")
    assert statuses(db, flag, cert, other) == ["granted", "granted", "granted_other"]
    assert db.get(Award, as_proposed.id).proposal_id == flag.id
    assert db.get(Award, another_form.id).proposal_id == other.id
    log = db.exec(select(ProposalEvent).where(ProposalEvent.proposal_id == other.id)).all()
    assert [(e.kind, json.loads(e.payload)) for e in log] == [
        ("status", {"from": "submitted", "to": "granted_other", "award": another_form.id, "decision": decision.id})]
    assert db.get(Proposal, other.id).version == 2


def test_an_exact_award_arriving_later_takes_over_from_another_form(db, world):
    cluster, boards, ministries = world
    flag = propose(db, cluster, boards["DIZA"], "CO_BO")
    minister = record(db, authority=ministries["BKHĐT"])
    certificate = grant(db, minister, boards["DIZA"], "BK_BO")
    assert statuses(db, flag) == ["granted_other"]
    later = record(db, number="77/QĐ-BKHĐT", decided_on=date(2020, 6, 1), authority=ministries["BKHĐT"])
    exact = grant(db, later, boards["DIZA"], "CO_BO")
    assert statuses(db, flag) == ["granted"]
    assert (db.get(Award, exact.id).proposal_id, db.get(Award, certificate.id).proposal_id) == (flag.id, None)


def test_deleting_a_decision_removes_its_awards_and_proposals_return_to_submitted(db, world, folder):
    cluster, boards, ministries = world
    flag = propose(db, cluster, boards["DIZA"], "CO_BO")
    cert = propose(db, cluster, boards["HEPZA"], "BK_BO")
    decision = record(db, authority=ministries["BKHĐT"])
    grant(db, decision, boards["DIZA"], "CO_BO")
    grant(db, decision, boards["HEPZA"], "TTLDXS")
    decisions.attach_scan(session=db, decision=decision, filename="qd.pdf", data=pdf_bytes(), folder=folder)
    db.commit()
    assert len(names(folder)) == 1
    decisions.delete_decision(session=db, user=None, decision_id=decision.id, version=decision.version,
                              folder=folder)
    db.commit()
    assert db.exec(select(Award)).all() == [] and db.exec(select(Decision)).all() == []
    assert statuses(db, flag, cert) == ["submitted", "submitted"]
    assert names(folder) == []
    kinds = [json.loads(e.payload)["to"] for e in db.exec(select(ProposalEvent).order_by(ProposalEvent.id)).all()]
    assert kinds == ["granted", "granted_other", "submitted", "submitted"]


def test_removing_an_award_is_checked_against_its_version(db, world):
    cluster, boards, ministries = world
    flag = propose(db, cluster, boards["DIZA"], "CO_BO")
    decision = record(db, authority=ministries["BKHĐT"])
    row = grant(db, decision, boards["DIZA"], "CO_BO")
    with pytest.raises(Conflict):
        decisions.remove_award(session=db, user=None, award_id=row.id, version=row.version + 1)
    db.rollback()
    decisions.remove_award(session=db, user=None, award_id=row.id, version=row.version)
    db.commit()
    assert statuses(db, flag) == ["submitted"]


def test_an_award_is_unique_per_board_award_and_year(db, world):
    cluster, boards, ministries = world
    decision = record(db, authority=ministries["BKHĐT"])
    grant(db, decision, boards["DIZA"], "CO_BO")
    other = record(db, number="2/QĐ-BKHĐT", authority=ministries["BKHĐT"])
    error = refused(lambda: grant(db, other, boards["DIZA"], "CO_BO"))
    assert set(error.errors) == {"award_type_id"}
    assert "1234/QĐ-BKHĐT" in str(error.errors["award_type_id"][0])
    db.rollback()
    # Another form or another year is another award.
    grant(db, other, boards["DIZA"], "BK_BO")
    grant(db, other, boards["DIZA"], "CO_BO", year=2018)
    assert len(db.exec(select(Award)).all()) == 3


@pytest.mark.parametrize(("line", "field"), [
    ({"year": 2021}, "year"),  # after the decision's year
    ({"year": 1900}, "year"),
    ({"year": None}, "year"),
    ({"board_id": 999999}, "board_id"),
    ({"award_type_id": 999999}, "award_type_id"),
    ({"note": "x" * 501}, "note"),
])
def test_bad_award_lines_are_refused(db, world, line, field):
    _cluster, boards, ministries = world
    decision = record(db, authority=ministries["BKHĐT"])
    values = {"board_id": boards["DIZA"].id, "award_type_id": award(db, "CO_BO"), "year": 2019, **line}
    error = refused(lambda: decisions.add_award(session=db, user=None, decision_id=decision.id,
                                                line=decisions.AwardLine(**values)))
    assert field in error.errors
    db.rollback()
    assert db.exec(select(Award)).all() == []


def test_an_award_for_a_year_the_board_did_not_exist_is_refused(db, world):
    _cluster, boards, ministries = world
    young = Board(short_name="MỚI", name="Ban mới", start_date=date(2021, 1, 1))
    db.add(young)
    db.commit()
    decision = record(db, decided_on=date(2022, 1, 5), authority=ministries["BKHĐT"])
    error = refused(lambda: grant(db, decision, young, "BK_BO", year=2020))
    assert "year" in error.errors


def test_a_decision_cannot_be_redated_before_its_awards(db, world):
    _cluster, boards, ministries = world
    decision = record(db, authority=ministries["BKHĐT"])
    grant(db, decision, boards["DIZA"], "CO_BO", year=2019)
    error = refused(lambda: record(db, decision_id=decision.id, version=decision.version, decided_on=date(2018, 1, 2),
                                   authority=ministries["BKHĐT"]))
    assert set(error.errors) == {"decided_on"}


def test_past_awards_have_no_decision_and_still_answer_proposals(db, world, make_user):
    cluster, boards, ministries = world
    old = propose(db, cluster, boards["HEPZA"], "BK_BO", year=2018)
    past = decisions.add_past_award(session=db, user=None,
                                    line=decisions.AwardLine(boards["HEPZA"].id, award(db, "BK_BO"), 2018, "QĐ 88"))
    db.commit()
    assert (past.decision_id, past.note, past.proposal_id) == (None, "QĐ 88", old.id)
    assert statuses(db, old) == ["granted"]
    assert [r.award.id for r in decisions.past_awards(db)] == [past.id]
    error = refused(lambda: decisions.add_past_award(
        session=db, user=None, line=decisions.AwardLine(boards["HEPZA"].id, award(db, "BK_BO"), 2018)))
    assert "ghi nhận không kèm quyết định" in str(error.errors["award_type_id"][0])
    db.rollback()
    future = refused(lambda: decisions.add_past_award(
        session=db, user=None, line=decisions.AwardLine(boards["HEPZA"].id, award(db, "BK_BO"),
                                                        date.today().year + 1)))
    assert "year" in future.errors


def test_a_secretary_records_awards_only_for_boards_of_her_clusters(db, world, make_user, make_board, make_cluster):
    cluster, boards, ministries = world
    outsider = make_board("NGOÀI")
    make_cluster("Cụm khác", years={2019: [(outsider, "head")]})
    secretary = make_user("thu_ky", "secretary", [cluster])
    decision = record(db, authority=ministries["BKHĐT"])
    error = refused(lambda: grant(db, decision, outsider, "BK_BO", user=secretary))
    assert set(error.errors) == {"board_id"}
    db.rollback()
    mine = grant(db, decision, boards["DIZA"], "BK_BO", user=secretary)
    theirs = grant(db, decision, outsider, "BK_BO")  # an administrator's (or the system's) entry
    refused(lambda: decisions.remove_award(session=db, user=secretary, award_id=theirs.id, version=theirs.version))
    db.rollback()
    refused(lambda: decisions.delete_decision(session=db, user=secretary, decision_id=decision.id,
                                              version=decision.version, folder="/nonexistent"))
    db.rollback()
    data = decisions.DecisionData(number="9/QĐ-BKHĐT", decided_on=decision.decided_on,
                                  authority_id=decision.authority_id)
    refused(lambda: decisions.save_decision(session=db, user=secretary, decision_id=decision.id,
                                            version=decision.version, data=data))
    db.rollback()
    refused(lambda: decisions.attach_scan(session=db, user=secretary, decision=decision, filename="qd.pdf",
                                          data=b"%PDF-1.4\n%%EOF\n", folder="/nonexistent"))
    db.rollback()
    decisions.remove_award(session=db, user=secretary, award_id=mine.id, version=mine.version)
    db.commit()
    assert decisions.recordable_boards(db, make_user("xem", "viewer")) == set()


# The scan ----------------------------------------------------------------------------------------------------


def test_the_scan_must_be_a_pdf_by_its_content(db, world, folder):
    _cluster, _boards, ministries = world
    decision = record(db, authority=ministries["BKHĐT"])
    for name, data in (("qd.pdf", png_bytes()), ("qd.jpg", jpeg_bytes()), ("qd.pdf", b"MZ\x90\x00 not a pdf"),
                       ("qd.pdf", b""), ("qd.pdf", pdf_bytes()[:-20]), ("qd.png", pdf_bytes())):
        error = refused(lambda: decisions.attach_scan(session=db, decision=decision, filename=name, data=data,  # noqa: B023
                                                      folder=folder))
        assert set(error.errors) == {"file"}, name
        db.rollback()
    assert names(folder) == []
    assert db.get(Decision, decision.id).scan_name == ""


def test_a_scan_is_stored_under_a_random_name_when_committed_and_replaced_cleanly(db, world, folder):
    _cluster, _boards, ministries = world
    decision = record(db, authority=ministries["BKHĐT"])
    data = pdf_bytes()
    decisions.attach_scan(session=db, decision=decision, filename="../../Quyết định.pdf", data=data,
                          folder=folder)
    db.rollback()  # a rollback leaves no file behind
    assert names(folder) == []
    decision = db.get(Decision, decision.id)
    decisions.attach_scan(session=db, decision=decision, filename="../../Quyết định.pdf", data=data, folder=folder)
    db.commit()
    first = decision.scan_name
    assert decision.scan_original == "Quyết định.pdf" and len(first) == 36 and first.endswith(".pdf")
    path = decisions.scan_path(folder=folder, decision=decision)
    assert path.read_bytes() == data
    decisions.attach_scan(session=db, decision=decision, filename="moi.pdf", data=data, folder=folder)
    db.commit()
    assert names(folder) == [decision.scan_name] != [first]


def test_only_the_trackers_own_scan_names_are_opened(db, world, folder):
    _cluster, _boards, ministries = world
    decision = record(db, authority=ministries["BKHĐT"])
    folder.mkdir()
    (folder / "secret.pdf").write_bytes(b"%PDF-")
    for name in ("", "../secret.pdf", "secret.pdf", "0" * 32 + ".pdf"):
        decision.scan_name = name
        with pytest.raises(NotFound):
            decisions.scan_path(folder=folder, decision=decision)


# Reconciliation ----------------------------------------------------------------------------------------------


def test_the_reconciliation_of_a_cluster_year(db, world, make_board, make_cluster):
    cluster, boards, ministries = world
    outsider = make_board("NGOÀI")
    make_cluster("Cụm khác", years={2019: [(outsider, "head")]})
    flag = propose(db, cluster, boards["DIZA"], "CO_BO")
    cert = propose(db, cluster, boards["HEPZA"], "BK_BO")
    lost = propose(db, cluster, boards["BD"], "BK_BO", status="not_granted")
    propose(db, cluster, boards["BD"], "TTLDXS", status="draft")  # never sent: left out
    decision = record(db, authority=ministries["BKHĐT"])
    grant(db, decision, boards["DIZA"], "CO_BO")
    grant(db, decision, boards["HEPZA"], "CO_BO")  # granted as another form (a flag for a certificate)
    grant(db, decision, boards["DIZA"], "TTLDXS")  # nobody proposed it
    grant(db, decision, outsider, "BK_BO")  # not a member: not this cluster's line
    grant(db, decision, boards["HEPZA"], "BK_BO", year=2018)  # another year
    cluster_year = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id,
                                                     ClusterYear.year == 2019)).one()
    result = decisions.reconcile(db, cluster_year.id)
    lines = [(r.outcome, r.board.short_name, r.proposal and r.proposal.id, r.granted and r.granted.code)
             for r in result.rows]
    # Highest award proposed first, then boards in Vietnamese order; the unproposed awards last.
    assert lines == [(Outcome.GRANTED, "DIZA", flag.id, "CO_BO"),
                     (Outcome.NOT_GRANTED, "BQL Bình Dương", lost.id, None),
                     (Outcome.OTHER_FORM, "HEPZA", cert.id, "CO_BO"),
                     (Outcome.UNPROPOSED, "DIZA", None, "TTLDXS")]
    assert result.counts == {Outcome.GRANTED: 1, Outcome.OTHER_FORM: 1, Outcome.NOT_GRANTED: 1,
                             Outcome.UNPROPOSED: 1}
    assert all(r.decision.id == decision.id for r in result.rows if r.award)
    with pytest.raises(NotFound):
        decisions.reconcile(db, 999999)
