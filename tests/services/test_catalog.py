"""Tests for tracker.services.catalog: boards, authorities and clusters, with their rules and versions."""
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import Authority, Board, Cluster
from tracker.services.catalog import (
    AuthorityData,
    BoardData,
    ClusterData,
    save_authority,
    save_board,
    save_cluster,
)
from tracker.services.errors import Conflict, DomainError


@pytest.fixture(autouse=True)
def _in_request(app):
    """Services run inside a request: messages read the language from the browser session."""
    with app.test_request_context():
        yield


def board_data(short_name: str, **values) -> BoardData:
    values.setdefault("name", f"Ban Quản lý {short_name}")
    values.setdefault("kind", "industrial_zones")
    return BoardData(short_name=short_name, **values)


def refused(db, save, **kwargs) -> DomainError:
    """Run a save that must be refused; roll back as the view would, and return the error."""
    with pytest.raises(DomainError) as caught:
        save(session=db, **kwargs)
    db.rollback()
    return caught.value


def count(db, model) -> int:
    return len(db.exec(select(model)).all())


# --- boards ---------------------------------------------------------------------------------------------


def test_save_board_creates_and_updates(db):
    board = save_board(session=db, board_id=None, version=None,
                       data=board_data("DIZA", address="Số 26, đường 2A, KCN Biên Hòa II"))
    db.commit()
    assert board.version == 1
    save_board(session=db, board_id=board.id, version=1, data=board_data("DIZA", province="Đồng Nai"))
    db.commit()
    stored = db.get(Board, board.id)
    assert (stored.province, stored.address, stored.version) == ("Đồng Nai", "", 2)


@pytest.mark.parametrize(("existing", "new"), [
    ("DIZA", "diza"),
    ("HEPZA", "Hepza"),
    ("DIZA", "DIZA"),
])
def test_duplicate_short_name_is_refused_without_regard_to_case(db, make_board, existing, new):
    make_board(existing)
    error = refused(db, save_board, board_id=None, version=None, data=board_data(new, name="Tên khác"))
    assert error.field == "short_name"
    assert new in str(error.message)
    assert count(db, Board) == 1


@pytest.mark.parametrize(("existing", "new"), [
    ("BQL Đồng Nai", "BQL Đồng Nai"),
    ("BQL Đắk Lắk", "BQL ĐẮK LẮK"),
])
def test_duplicate_vietnamese_short_name_is_refused(db, make_board, existing, new):
    make_board(existing)
    error = refused(db, save_board, board_id=None, version=None, data=board_data(new, name="Tên khác"))
    assert error.field == "short_name"
    assert new in str(error.message)
    assert count(db, Board) == 1


def test_a_board_may_keep_its_own_short_name(db, make_board):
    board = make_board("DIZA")
    save_board(session=db, board_id=board.id, version=board.version, data=board_data("diza", name=board.name))
    db.commit()
    assert db.get(Board, board.id).short_name == "diza"


def test_duplicate_board_name_is_refused(db, make_board):
    make_board("HEPZA", name="Ban Quản lý các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh")
    error = refused(db, save_board, board_id=None, version=None,
                    data=board_data("KCX HCM",
                                    name="ban quản lý các khu chế xuất và công nghiệp thành phố hồ chí minh"))
    assert error.field == "name"


@pytest.mark.parametrize(("start", "end", "ok"), [
    (date(2020, 1, 1), date(2019, 12, 31), False),
    (date(2020, 1, 1), date(2020, 1, 1), True),
    (None, date(2019, 12, 31), True),
    (date(2020, 1, 1), None, True),
])
def test_end_date_must_not_be_before_start_date(db, start, end, ok):
    data = board_data("DIZA", start_date=start, end_date=end)
    if ok:
        save_board(session=db, board_id=None, version=None, data=data)
        db.commit()
        assert count(db, Board) == 1
    else:
        assert refused(db, save_board, board_id=None, version=None, data=data).field == "end_date"
        assert count(db, Board) == 0


def test_a_board_cannot_be_its_own_successor(db, make_board):
    board = make_board("DIZA")
    error = refused(db, save_board, board_id=board.id, version=board.version,
                    data=board_data("DIZA", successor_id=board.id))
    assert error.field == "successor_id"
    assert db.get(Board, board.id).successor_id is None


def test_successors_cannot_go_round_in_a_circle(db, make_board):
    hepza = make_board("HEPZA")
    binh_duong = make_board("BQL Bình Dương", successor_id=hepza.id)
    error = refused(db, save_board, board_id=hepza.id, version=hepza.version,
                    data=board_data("HEPZA", successor_id=binh_duong.id))
    assert error.field == "successor_id"
    assert db.get(Board, hepza.id).successor_id is None


def test_a_longer_successor_circle_is_refused_too(db, make_board):
    a = make_board("A")
    b = make_board("B", successor_id=a.id)
    c = make_board("C", successor_id=b.id)
    error = refused(db, save_board, board_id=a.id, version=a.version, data=board_data("A", successor_id=c.id))
    assert error.field == "successor_id"


def test_unknown_successor_is_refused(db, make_board):
    board = make_board("DIZA")
    error = refused(db, save_board, board_id=board.id, version=board.version,
                    data=board_data("DIZA", successor_id=board.id + 1000))
    assert error.field == "successor_id"


def test_a_successor_chain_without_circle_is_accepted(db, make_board):
    hepza = make_board("HEPZA")
    binh_duong = make_board("BQL Bình Dương", successor_id=hepza.id)
    new = save_board(session=db, board_id=None, version=None,
                     data=board_data("BQL cũ", end_date=date(2010, 1, 1), successor_id=binh_duong.id))
    db.commit()
    assert db.get(Board, new.id).successor_id == binh_duong.id


def test_stale_board_version_raises_conflict_and_changes_nothing(db, make_board):
    board = make_board("DIZA", province="Đồng Nai")
    opened_version = board.version
    save_board(session=db, board_id=board.id, version=opened_version,
               data=board_data("DIZA", province="Tỉnh Đồng Nai"))  # the other secretary saves first
    db.commit()
    with pytest.raises(Conflict) as caught:
        save_board(session=db, board_id=board.id, version=opened_version, data=board_data("DIZA", province="Sửa"))
    assert caught.value.current.province == "Tỉnh Đồng Nai"
    db.rollback()
    stored = db.get(Board, board.id)
    assert (stored.province, stored.version) == ("Tỉnh Đồng Nai", opened_version + 1)


@pytest.mark.parametrize(("start", "end", "field"), [
    (None, date(2018, 12, 31), "end_date"),
    (date(2020, 1, 1), None, "start_date"),
])
def test_new_dates_must_cover_the_years_the_board_is_a_member(db, make_board, make_cluster, start, end, field):
    board = make_board("DIZA")
    make_cluster(years={2019: [(board, "head")]})
    error = refused(db, save_board, board_id=board.id, version=board.version,
                    data=board_data("DIZA", start_date=start, end_date=end))
    assert error.field == field
    assert "2019" in str(error.message)
    stored = db.get(Board, board.id)
    assert (stored.start_date, stored.end_date) == (None, None)


def test_dates_covering_part_of_the_member_year_are_accepted(db, make_board, make_cluster):
    board = make_board("BQL Bình Dương")
    make_cluster(years={2025: [(board, "head")]})
    save_board(session=db, board_id=board.id, version=board.version,
               data=board_data("BQL Bình Dương", end_date=date(2025, 6, 30)))
    db.commit()
    assert db.get(Board, board.id).end_date == date(2025, 6, 30)


# --- authorities ----------------------------------------------------------------------------------------


def test_authority_valid_to_before_valid_from_is_refused(db):
    error = refused(db, save_authority, authority_id=None, version=None,
                    data=AuthorityData(name="Bộ Tài chính", valid_from=date(2025, 3, 1), valid_to=date(2025, 2, 28)))
    assert error.field == "valid_to"
    assert count(db, Authority) == 0


def test_authority_with_successor_is_saved(db):
    finance = save_authority(session=db, authority_id=None, version=None,
                             data=AuthorityData(name="Bộ Tài chính", valid_from=date(2025, 3, 1)))
    mpi = save_authority(session=db, authority_id=None, version=None,
                         data=AuthorityData(name="Bộ Kế hoạch và Đầu tư", valid_to=date(2025, 2, 28),
                                            successor_id=finance.id))
    db.commit()
    assert db.get(Authority, mpi.id).successor_id == finance.id


def test_authority_successor_circle_is_refused(db):
    finance = save_authority(session=db, authority_id=None, version=None, data=AuthorityData(name="Bộ Tài chính"))
    mpi = save_authority(session=db, authority_id=None, version=None,
                         data=AuthorityData(name="Bộ Kế hoạch và Đầu tư", successor_id=finance.id))
    db.commit()
    error = refused(db, save_authority, authority_id=finance.id, version=finance.version,
                    data=AuthorityData(name="Bộ Tài chính", successor_id=mpi.id))
    assert error.field == "successor_id"


def test_duplicate_authority_name_is_refused(db):
    save_authority(session=db, authority_id=None, version=None, data=AuthorityData(name="Thủ tướng Chính phủ"))
    db.commit()
    error = refused(db, save_authority, authority_id=None, version=None,
                    data=AuthorityData(name="thủ tướng chính phủ"))
    assert error.field == "name"


def test_stale_authority_version_raises_conflict(db):
    authority = save_authority(session=db, authority_id=None, version=None, data=AuthorityData(name="Bộ Tài chính"))
    db.commit()
    save_authority(session=db, authority_id=authority.id, version=1,
                   data=AuthorityData(name="Bộ Tài chính", short_name="BTC"))
    db.commit()
    with pytest.raises(Conflict):
        save_authority(session=db, authority_id=authority.id, version=1, data=AuthorityData(name="Bộ Tài chính"))
    db.rollback()
    assert db.get(Authority, authority.id).short_name == "BTC"


# --- clusters -------------------------------------------------------------------------------------------


def test_duplicate_cluster_name_is_refused(db, make_cluster):
    make_cluster("Khối thi đua Tây Nguyên")
    error = refused(db, save_cluster, cluster_id=None, version=None,
                    data=ClusterData(name="khối thi đua tây nguyên", kind="khoi"))
    assert error.field == "name"
    assert count(db, Cluster) == 1


def test_cluster_unknown_authority_is_refused(db):
    error = refused(db, save_cluster, cluster_id=None, version=None,
                    data=ClusterData(name="Khối Tây Nguyên", kind="khoi", authority_id=999))
    assert error.field == "authority_id"


def test_stale_cluster_version_raises_conflict_and_changes_nothing(db, make_cluster):
    cluster = make_cluster("Khối Tây Nguyên", region="Tây Nguyên")
    save_cluster(session=db, cluster_id=cluster.id, version=1,
                 data=ClusterData(name="Khối Tây Nguyên", kind="khoi", region="Cao nguyên"))
    db.commit()
    with pytest.raises(Conflict):
        save_cluster(session=db, cluster_id=cluster.id, version=1,
                     data=ClusterData(name="Khối Tây Nguyên", kind="khoi", region="Sửa"))
    db.rollback()
    stored = db.get(Cluster, cluster.id)
    assert (stored.region, stored.version) == ("Cao nguyên", 2)
