"""The score sheet: criteria copied forward, scores bounded by the maximum, the ranking, and the ballot."""
from decimal import Decimal as D

import pytest

from tracker.services import scores
from tracker.services.errors import Conflict, DomainError
from tracker.services.stamps import stamp


def _criteria(db, cluster, year=2019):
    saved = scores.save_criteria(session=db, cluster_id=cluster.id, year=year, stamp=stamp([]), lines=[
        scores.CriterionLine(None, "I.1", "Thu hút đầu tư", D(40), group="I. Nhiệm vụ chuyên môn"),
        scores.CriterionLine(None, "I.2", "Cải cách hành chính", D("30"), group="I. Nhiệm vụ chuyên môn"),
        scores.CriterionLine(None, "II", "Phong trào thi đua", D("30"))])
    db.commit()
    return saved


def test_criteria_need_code_name_and_a_positive_maximum_and_are_copied_forward(db, south_east):
    cluster, _boards = south_east
    with pytest.raises(DomainError) as error:
        scores.save_criteria(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), lines=[
            scores.CriterionLine(None, "", "Thiếu mã", D(10)), scores.CriterionLine(None, "A", "Âm", D(0)),
            scores.CriterionLine(None, "A", "Trùng mã", D(5))])
    assert set(error.value.errors) == {"code_0", "max_points_1", "code_2"}
    db.rollback()
    saved = _criteria(db, cluster)
    offered, year = scores.sheet_source(db, cluster.id, 2020)
    assert year == 2019 and [c.code for c in offered] == [c.code for c in saved]


def test_scores_are_bounded_by_the_maximum_and_ranked_with_ties(db, south_east):
    cluster, boards = south_east
    invest, reform, movement = _criteria(db, cluster)
    ids = [boards["BD"].id, boards["DIZA"].id, boards["HEPZA"].id]
    with pytest.raises(DomainError) as error:
        scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
                           cells=[scores.ScoreCell(invest.id, ids[0], D(41), D(40))])
    assert list(error.value.errors) == [f"self_score_{invest.id}_{ids[0]}"]
    db.rollback()
    cells = [scores.ScoreCell(invest.id, ids[0], D(40), D(38)), scores.ScoreCell(reform.id, ids[0], D(30), D(27)),
             scores.ScoreCell(invest.id, ids[1], D(39), D("35.5")), scores.ScoreCell(movement.id, ids[1], None,
                                                                                      D("29.5")),
             scores.ScoreCell(invest.id, ids[2], D(30), None)]
    assert scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), cells=cells) == 8  # values
    db.commit()
    cy = scores.year_of(db, cluster.id, 2019)
    lines = scores.standings(scores.criteria(db, cy.id), scores.scores(db, cy.id), ids)
    assert [(s.board, s.agreed_total, s.rank, s.tied) for s in lines] == [
        (ids[0], D(65), 1, True), (ids[1], D(65), 1, True), (ids[2], None, None, False)]
    assert lines[0].self_total == D(70)
    assert scores.agreed_totals(db, cy.id) == {ids[0]: D(65), ids[1]: D(65)}


def test_lowering_a_maximum_below_a_given_score_is_refused(db, south_east):
    cluster, boards = south_east
    saved = _criteria(db, cluster)
    scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
                       cells=[scores.ScoreCell(saved[0].id, boards["DIZA"].id, D(35), None)])
    db.commit()
    lines = [scores.CriterionLine(c.id, c.code, c.name, D(30) if n == 0 else c.max_points)
             for n, c in enumerate(saved)]
    with pytest.raises(DomainError) as error:
        scores.save_criteria(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(saved), lines=lines)
    assert list(error.value.errors) == ["max_points_0"]


def test_a_stale_score_grid_is_refused(db, south_east):
    cluster, boards = south_east
    saved = _criteria(db, cluster)
    diza = boards["DIZA"].id
    scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), board_id=diza,
                       cells=[scores.ScoreCell(saved[0].id, diza, D(35), None)])
    db.commit()
    with pytest.raises(Conflict):
        scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), board_id=diza,
                           cells=[scores.ScoreCell(saved[0].id, diza, D(30), None)])
