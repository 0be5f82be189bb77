"""Synthetic data (generate-data): the sizes asked for, the same rows for the same seed, a ledger that verifies,
records that follow the product's own rules, and a last year left in progress."""
import json
import shutil
from collections import Counter
from fractions import Fraction

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from tests.support.database import PG_URL, SEEDED
from tracker.db import make_engine, writer
from tracker.models import (
    Authority,
    Award,
    AwardType,
    BallotEvent,
    BallotRevision,
    BallotRound,
    Board,
    Cluster,
    ClusterYear,
    Criterion,
    Decision,
    Meeting,
    MeetingBoard,
    Membership,
    Pledge,
    Proposal,
    Score,
    Seats,
    Signature,
    Target,
    metadata,
)
from tracker.ops import demo, migrate, synthetic
from tracker.ops.synthetic.maker import STAGE_SHARES, stages
from tracker.rules import rounds as round_rules
from tracker.rules.authorities import in_force
from tracker.rules.membership import Span, exists_in
from tracker.services import eligibility, handover, handover_import, ledger
from tracker.services.errors import DomainError

SMALL = dict(clusters=2, boards_per_cluster=4, years=3, last_year=2025)


def generate(db, **options) -> synthetic.Summary:
    summary = synthetic.generate(session=db, **{**SMALL, **options})
    db.commit()
    return summary


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every table's rows as the database driver reads them (decimals as their stored text), in key order."""
    with engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.exec_driver_sql(
            f'SELECT * FROM "{table.name}" ORDER BY ' + ", ".join(c.name for c in table.primary_key.columns))]
            for table in metadata.sorted_tables}


@pytest.fixture
def fresh(_template_db, tmp_path):
    """A function giving an engine on an empty migrated database each time it is called (on PostgreSQL the
    test database, emptied)."""
    engines = []

    def make():
        if PG_URL:
            engine = make_engine(PG_URL)
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name not in SEEDED)
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            path = tmp_path / f"fresh{len(engines)}.sqlite3"
            shutil.copy(_template_db, path)
            engine = make_engine(f"sqlite:///{path}")
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def run(app, engine, **options) -> dict[str, list[tuple]]:
    with app.app_context(), Session(writer(engine)) as session:
        synthetic.generate(session=session, **{**SMALL, **options})
        session.commit()
    return snapshot(engine)


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(app, fresh):
    first = run(app, fresh(), seed=5)
    second = run(app, fresh(), seed=5)
    assert first == second
    assert sum(len(rows) for rows in first.values()) > 300
    other = run(app, fresh(), seed=6)
    assert other["score"] != first["score"]
    assert other["ballot_event"] != first["ballot_event"]


def test_counts_follow_the_options(db):
    summary = generate(db)

    def count(model) -> int:
        return db.exec(select(func.count()).select_from(model)).one()

    assert (count(Cluster), count(Board), count(ClusterYear)) == (2, 8, 6)
    assert summary.counts["cluster"] == 2 and summary.counts["board"] == 8 and summary.counts["cluster_year"] == 6
    assert (summary.first_year, summary.last_year) == (2023, 2025)
    # One board merges into another: it is a member up to the year it ends, its successor afterwards.
    merged = db.exec(select(Board).where(Board.end_date.is_not(None))).all()
    assert len(merged) == 1 and merged[0].successor_id is not None
    assert count(Membership) == 2 * 4 * 3 - (2025 - merged[0].end_date.year)
    for cluster_year in db.exec(select(ClusterYear)).all():
        roles = Counter(db.exec(select(Membership.role).where(Membership.cluster_year_id == cluster_year.id)).all())
        assert roles["head"] == 1 and roles["deputy"] == 1 and sum(roles.values()) >= 3
        assert 2 <= len(db.exec(select(Seats).where(Seats.cluster_year_id == cluster_year.id)).all()) <= 3
    assert summary.counts == {table: count(metadata.tables[table]) for table in summary.counts}


def test_everything_is_marked_synthetic(db):
    generate(db, seed=3)
    mark = "Dữ liệu mô phỏng (generate-data, seed 3)"
    clusters = db.exec(select(Cluster)).all()
    assert all(c.name.startswith("Cụm thi đua mô phỏng ") and mark in c.description for c in clusters)
    assert all(" mô phỏng " in b.name and b.short_name.startswith("MP") and mark in b.note
               for b in db.exec(select(Board)).all())
    assert all(p.illustrative for p in db.exec(select(Pledge)).all())
    assert all(r.illustrative for r in db.exec(select(BallotRound)).all())
    assert all(m.assumed for m in db.exec(select(Membership)).all())
    assert all(mark in d.note for d in db.exec(select(Decision)).all())


def test_the_ledger_verifies(db):
    generate(db, clusters=4, boards_per_cluster=6, years=4)
    report = ledger.verify(db)
    assert report.problems == []
    assert report.rounds > 10 and report.finalised > 10
    assert report.events == db.exec(select(func.count()).select_from(BallotEvent)).one()


def test_results_are_what_the_tally_gives_and_proposals_carry_them(db):
    generate(db, clusters=4, boards_per_cluster=6, years=4)
    results = {}
    for revision in db.exec(select(BallotRevision).where(BallotRevision.result != "")).all():
        counts = json.loads(revision.counts)
        assert counts["rule"]["quorum"] in ("2/3", "1/2")
        recount = round_rules.result_json(round_rules.tally_counts(counts))
        assert round_rules.comparable(recount) == round_rules.comparable(json.loads(revision.result))
        results[revision.round_id] = recount
    for proposal in db.exec(select(Proposal)).all():
        outcome = next(o for o in results[proposal.round_id]["outcomes"] if o["candidate"] == proposal.board_id)
        assert outcome["status"] == "elected"
        assert (proposal.votes, proposal.share) == (outcome["votes"], outcome["share"])
        assert Fraction(proposal.share) >= 0


def test_records_follow_the_rules_of_the_product(db):
    generate(db, clusters=5, boards_per_cluster=5, years=4)
    boards = {b.id: b for b in db.exec(select(Board)).all()}
    years = {cy.id: cy for cy in db.exec(select(ClusterYear)).all()}
    members = {}
    for membership in db.exec(select(Membership)).all():
        board, year = boards[membership.board_id], years[membership.cluster_year_id].year
        assert exists_in(Span(board.start_date, board.end_date), year)
        members.setdefault(membership.cluster_year_id, set()).add(board.id)
    for pledge in db.exec(select(Pledge)).all():
        assert pledge.host_board_id in members[pledge.cluster_year_id]
        signed = db.exec(select(Signature.board_id).where(Signature.pledge_id == pledge.id)).all()
        assert set(signed) == members[pledge.cluster_year_id]
    for meeting in db.exec(select(Meeting)).all():
        year = years[meeting.cluster_year_id].year
        assert year - 1 <= meeting.held_on.year <= year + 1
        present = set(db.exec(select(MeetingBoard.board_id).where(MeetingBoard.meeting_id == meeting.id)).all())
        assert meeting.host_board_id in members[meeting.cluster_year_id]
        assert present <= members[meeting.cluster_year_id] and present
    for score, criterion in db.exec(select(Score, Criterion).join(Criterion, Criterion.id == Score.criterion_id)):
        assert 0 <= score.agreed <= criterion.max_points and 0 <= score.self_score <= criterion.max_points
    for target in db.exec(select(Target)).all():
        assert target.target > 0 and target.source.startswith("Quyết định số ")
    # One form of award per board and year, each answering the proposal it matches.
    codes = {t.id: t.code for t in db.exec(select(AwardType)).all()}
    per_year = Counter()
    for award, proposal, cluster_year, decision, authority in db.exec(
            select(Award, Proposal, ClusterYear, Decision, Authority)
            .join(Proposal, Proposal.id == Award.proposal_id)
            .join(ClusterYear, ClusterYear.id == Proposal.cluster_year_id)
            .join(Decision, Decision.id == Award.decision_id)
            .join(Authority, Authority.id == Decision.authority_id)).all():
        per_year[(award.board_id, award.year)] += 1
        assert (proposal.board_id, cluster_year.year) == (award.board_id, award.year)
        assert proposal.status == ("granted" if proposal.award_type_id == award.award_type_id else "granted_other")
        assert decision.decided_on.year == award.year + 1 and in_force(authority, decision.decided_on)
        expected = "TTg" if codes[award.award_type_id] in ("CO_CP", "BK_TTG") else authority.short_name
        assert decision.number.endswith(f"/QĐ-{expected}")
    assert per_year and max(per_year.values()) == 1
    assert db.exec(select(func.count()).select_from(Award)).one() == db.exec(select(func.count()).select_from(
        Proposal).where(Proposal.status.in_(["granted", "granted_other"]))).one()
    proposed = Counter(db.exec(select(Proposal.board_id, ClusterYear.year)
                               .join(ClusterYear, ClusterYear.id == Proposal.cluster_year_id)).all())
    assert max(proposed.values()) == 1
    # A proposal that breaks an eligibility rule (the government flag) goes ahead with its reason.
    for proposal in db.exec(select(Proposal).where(Proposal.status != "draft")).all():
        if eligibility.warnings_for_proposal(db, proposal):
            assert "Dữ liệu mô phỏng" in proposal.override_reason


def test_every_timestamp_comes_from_the_year(db):
    generate(db)
    for event, cluster_year in db.exec(select(BallotEvent, ClusterYear)
                                       .join(BallotRound, BallotRound.id == BallotEvent.round_id)
                                       .join(ClusterYear, ClusterYear.id == BallotRound.cluster_year_id)).all():
        assert cluster_year.year <= event.at.year <= cluster_year.year + 1
        assert json.loads(event.payload)["at"].startswith(str(event.at.year))


def year_stage(db, cluster_year: ClusterYear) -> int:
    """How far a year went: 0 members only, 1 pledge, 2 review held, 3 vote finalised, 4 submitted, 5 decided."""
    statuses = set(db.exec(select(Proposal.status).where(Proposal.cluster_year_id == cluster_year.id)).all())
    rounds = set(db.exec(select(BallotRound.status).where(BallotRound.cluster_year_id == cluster_year.id)).all())
    if statuses & {"granted", "granted_other", "not_granted"}:
        return 5
    if "submitted" in statuses:
        return 4
    if rounds == {"finalised"}:
        return 3
    if cluster_year.conference_date is not None:
        return 2
    return 1 if db.exec(select(Pledge).where(Pledge.cluster_year_id == cluster_year.id)).first() else 0


def test_the_last_year_is_in_progress_with_a_mix_of_stages(db):
    generate(db, clusters=20, boards_per_cluster=3, years=2)
    found = Counter()
    for cluster_year in db.exec(select(ClusterYear)).all():
        stage = year_stage(db, cluster_year)
        if cluster_year.year == 2024:
            assert stage == 5
        else:
            found[stage] += 1
    assert found == Counter(stages(20)) and set(found) == set(range(len(STAGE_SHARES)))
    assert found[5] < found[1] + found[2]


def test_a_synthetic_cluster_hands_over_cleanly(db, tmp_path):
    """The hand-over check (schema, names, members, every result recounted) accepts a synthetic cluster."""
    generate(db)
    cluster = db.exec(select(Cluster).order_by(Cluster.id)).first()
    document = json.loads(handover.dumps(handover.export_cluster(db, cluster.id)))
    engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    migrate.upgrade(engine)
    with Session(engine) as other:
        assert handover_import.check(other, document) == []
    engine.dispose()


def test_it_adds_to_the_demo_reusing_its_authorities(db):
    demo.seed(db)
    db.commit()
    demo_rounds = db.exec(select(func.count()).select_from(BallotRound)).one()
    generate(db)
    assert db.exec(select(func.count()).select_from(Authority)).one() == 3
    mpi = db.exec(select(Authority).where(Authority.short_name == "BKHĐT")).one()
    assert {c.authority_id for c in db.exec(select(Cluster)).all()} == {mpi.id}
    assert ledger.verify(db).problems == []
    assert db.exec(select(func.count()).select_from(BallotRound)).one() > demo_rounds
    assert db.exec(select(func.count()).select_from(Cluster)).one() == 4


def test_a_second_run_is_refused(db):
    generate(db)
    with pytest.raises(DomainError, match="Cụm thi đua mô phỏng 001"):
        synthetic.generate(session=db, **SMALL)


@pytest.mark.parametrize("options", [
    dict(clusters=0), dict(clusters=10_000), dict(boards_per_cluster=2), dict(years=0), dict(years=101),
    dict(last_year=1989), dict(last_year=2100), dict(years=40, last_year=2025),
])
def test_bad_options_are_refused(db, options):
    with pytest.raises(DomainError) as refused:
        synthetic.generate(session=db, **{**SMALL, **options})
    assert refused.value.field in ("clusters", "boards_per_cluster", "years", "last_year")
    assert db.exec(select(func.count()).select_from(Cluster)).one() == 0


def test_ids_given_out_afterwards_do_not_collide(db):
    """On PostgreSQL the id sequences are moved past the ids the generator gave out."""
    generate(db)
    board = Board(name="Ban Quản lý thêm sau", short_name="THEM")
    db.add(board)
    db.commit()
    assert board.id == 9
