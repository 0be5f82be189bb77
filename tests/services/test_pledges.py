"""The pledge, its indicator catalogue (copied forward) and the targets grid, saved through the services."""
from datetime import date
from decimal import Decimal as D

import pytest

from tracker.services import pledges
from tracker.services.errors import Conflict, DomainError
from tracker.services.stamps import stamp


def _catalogue(db, cluster, year=2019):
    lines = [pledges.IndicatorLine(None, "Vốn đầu tư thu hút", "tỷ đồng"),
             pledges.IndicatorLine(None, "Dự án mới", "dự án", group="Thu hút đầu tư"),
             pledges.IndicatorLine(None, "Thời gian giải quyết hồ sơ", "ngày", direction="lower")]
    saved = pledges.save_catalogue(session=db, cluster_id=cluster.id, year=year, stamp=stamp([]), lines=lines)
    db.commit()
    return saved


def test_catalogue_is_saved_in_order_and_offered_to_the_next_year(db, south_east, make_cluster):
    cluster, boards = south_east
    saved = _catalogue(db, cluster)
    assert [(i.position, i.name, i.direction) for i in saved] == [
        (1, "Vốn đầu tư thu hút", "higher"), (2, "Dự án mới", "higher"), (3, "Thời gian giải quyết hồ sơ", "lower")]
    offered, copied_from = pledges.catalogue(db, cluster.id, 2021)
    assert copied_from == 2019 and [i.name for i in offered] == [i.name for i in saved]
    own, none = pledges.catalogue(db, cluster.id, 2019)
    assert none is None and own == saved


def test_catalogue_refuses_duplicate_names_and_stale_stamps(db, south_east):
    cluster, _boards = south_east
    saved = _catalogue(db, cluster)
    with pytest.raises(DomainError) as error:
        pledges.save_catalogue(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(saved), lines=[
            pledges.IndicatorLine(saved[0].id, "Dự án mới"), pledges.IndicatorLine(saved[1].id, "DỰ ÁN MỚI"),
            pledges.IndicatorLine(saved[2].id, saved[2].name)])
    assert "name_1" in error.value.errors
    db.rollback()
    with pytest.raises(Conflict):
        pledges.save_catalogue(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), lines=[])


def test_an_indicator_with_targets_cannot_be_removed(db, south_east):
    cluster, boards = south_east
    saved = _catalogue(db, cluster)
    pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), cells=[
        pledges.TargetCell(saved[0].id, boards["DIZA"].id, D(100), "QĐ 12/QĐ-UBND", None)])
    db.commit()
    lines = [pledges.IndicatorLine(i.id, i.name, i.unit, i.direction, remove=True) for i in saved]
    with pytest.raises(DomainError) as error:
        pledges.save_catalogue(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(saved), lines=lines)
    assert list(error.value.errors) == ["remove_0"]
    db.rollback()
    kept = pledges.save_catalogue(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(saved),
                                  lines=[pledges.IndicatorLine(saved[0].id, saved[0].name, saved[0].unit)] + lines[1:])
    db.commit()
    assert [i.name for i in kept] == ["Vốn đầu tư thu hút"]


def test_targets_grid_saves_changes_only_and_refuses_a_stale_grid(db, south_east):
    cluster, boards = south_east
    invest, _projects, days = _catalogue(db, cluster)
    diza = boards["DIZA"].id
    changed = pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), cells=[
        pledges.TargetCell(invest.id, diza, D("1234.5"), "QĐ 12/QĐ-UBND ngày 10/01/2019", D("1400")),
        pledges.TargetCell(days.id, diza, D(10), "", D(8))])
    db.commit()
    assert changed == 5  # values: target, source and result of the first line, target and result of the second
    rows = pledges.targets(db, pledges.year_of(db, cluster.id, 2019).id, board_id=diza)
    assert {(r.target, r.actual) for r in rows} == {(D("1234.5"), D(1400)), (D(10), D(8))}
    # Someone else saves meanwhile: the first grid's stamp is stale and nothing of it is written.
    old = stamp(rows)
    pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=old, board_id=diza,
                         cells=[pledges.TargetCell(days.id, diza, D(10), "", D(7))])
    db.commit()
    with pytest.raises(Conflict):
        pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=old, board_id=diza,
                             cells=[pledges.TargetCell(days.id, diza, D(10), "", D(9))])
    db.rollback()
    # Clearing every value removes the line.
    rows = pledges.targets(db, pledges.year_of(db, cluster.id, 2019).id, board_id=diza)
    assert pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(rows), board_id=diza,
                                cells=[pledges.TargetCell(days.id, diza, None, "", None)]) == 2
    db.commit()
    assert len(pledges.targets(db, pledges.year_of(db, cluster.id, 2019).id)) == 1


def test_targets_only_for_members_and_never_negative(db, south_east, make_board):
    cluster, boards = south_east
    invest, *_ = _catalogue(db, cluster)
    outsider = make_board("NGOÀI")
    with pytest.raises(DomainError):
        pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
                             cells=[pledges.TargetCell(invest.id, outsider.id, D(1), "", None)])
    db.rollback()
    with pytest.raises(DomainError) as error:
        pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
                             cells=[pledges.TargetCell(invest.id, boards["DIZA"].id, D(-1), "", None)])
    assert list(error.value.errors) == [f"target_{invest.id}_{boards['DIZA'].id}"]


def test_summary_computes_completion_per_board(db, south_east):
    cluster, boards = south_east
    invest, projects, days = _catalogue(db, cluster)
    diza = boards["DIZA"].id
    pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), cells=[
        pledges.TargetCell(invest.id, diza, D(100), "", D(120)), pledges.TargetCell(projects.id, diza, D(10), "", D(9)),
        pledges.TargetCell(days.id, diza, D(10), "", D(8))])
    db.commit()
    cy = pledges.year_of(db, cluster.id, 2019)
    (line,) = pledges.summary(pledges.indicators(db, cy.id), pledges.targets(db, cy.id), [diza])
    assert [c.completion.verdict for c in line.lines] == ["exceeded", "not_met", "exceeded"]
    assert (line.overall.assessed, line.overall.achieved) == (3, 2)
    assert line.overall.mean == D("1.1167")  # (1.2 + 0.9 + 1.25) / 3


def test_pledge_signatures_and_version(db, south_east):
    cluster, boards = south_east
    diza = boards["DIZA"].id
    data = pledges.PledgeData(signed_on=date(2019, 2, 26), place="Tây Ninh", host_board_id=diza,
                              text="Vượt mức chỉ tiêu.", signed={diza}, signers={diza: "Ông A"})
    pledge = pledges.save_pledge(session=db, cluster_id=cluster.id, year=2019, version=0, data=data)
    db.commit()
    signatures = pledges.signatures(db, pledge.id)
    assert len(signatures) == 3 and signatures[diza].signed and signatures[diza].signer == "Ông A"
    assert not signatures[boards["HEPZA"].id].signed
    with pytest.raises(Conflict):
        pledges.save_pledge(session=db, cluster_id=cluster.id, year=2019, version=0, data=data)
    db.rollback()
    with pytest.raises(DomainError):
        pledges.save_pledge(session=db, cluster_id=cluster.id, year=2020, version=0, data=data)


def test_pledge_host_must_be_a_member(db, south_east, make_board):
    cluster, _boards = south_east
    outsider = make_board("NGOÀI")
    with pytest.raises(DomainError) as error:
        pledges.save_pledge(session=db, cluster_id=cluster.id, year=2019, version=0,
                            data=pledges.PledgeData(host_board_id=outsider.id))
    assert error.value.field == "host_board_id"


def test_a_cell_cleared_and_typed_again_meanwhile_still_makes_the_old_grid_stale(db, south_east):
    cluster, boards = south_east
    invest, *_ = _catalogue(db, cluster)
    diza = boards["DIZA"].id
    cy = pledges.year_of(db, cluster.id, 2019).id
    pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
                         cells=[pledges.TargetCell(invest.id, diza, D(100), "", None)])
    db.commit()
    opened = stamp(pledges.targets(db, cy))
    pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=opened,
                         cells=[pledges.TargetCell(invest.id, diza, None, "", None)])
    db.commit()
    pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
                         cells=[pledges.TargetCell(invest.id, diza, D(777), "", None)])
    db.commit()
    with pytest.raises(Conflict):  # the row may come back with the same id and version: its value differs
        pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=opened,
                             cells=[pledges.TargetCell(invest.id, diza, D(111), "", None)])


def test_a_catalogue_form_that_leaves_out_an_indicator_removes_nothing(db, south_east):
    cluster, _boards = south_east
    saved = _catalogue(db, cluster)
    with pytest.raises(Conflict):
        pledges.save_catalogue(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(saved), lines=[
            pledges.IndicatorLine(None, saved[0].name), pledges.IndicatorLine(saved[1].id, saved[1].name),
            pledges.IndicatorLine(saved[2].id, saved[2].name)])
