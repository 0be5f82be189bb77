"""A board's short name or name, or a cluster's name, that can be mistaken for another's is refused beside its
field, naming the one it resembles (issue 14, finding 6; tracker/rules/names.py, catalog.save_board and
save_cluster)."""
from dataclasses import fields

import pytest
from sqlmodel import select

from tracker.models import Board, Cluster
from tracker.ops import demo, synthetic
from tracker.services.catalog import BoardData, ClusterData, save_board, save_cluster
from tracker.services.errors import DomainError

DIZA = "Ban Quản lý các Khu công nghiệp Đồng Nai"


@pytest.fixture(autouse=True)
def _in_request(app):
    """Services run inside a request: messages read the language from the browser session."""
    with app.test_request_context():
        yield


def board_data(short_name: str, name: str, **values) -> BoardData:
    return BoardData(short_name=short_name, name=name, kind=values.pop("kind", "industrial_zones"), **values)


def refused(db, save, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        save(session=db, **kwargs)
    db.rollback()
    return caught.value


@pytest.mark.parametrize("short_name", [
    "DIZA\u200b",  # a zero-width space (refused by the forms too; here the service on its own)
    "\u202eDIZA",  # a right-to-left override
    "DIZ\u0410",  # Cyrillic capital A
    "DlZA",  # small L
    "D1ZA",  # the digit one
    "diz\u0430",  # another case, Cyrillic small a
])
def test_a_short_name_that_looks_like_another_boards_is_refused_naming_it(db, make_board, short_name):
    make_board("DIZA", name=DIZA)
    error = refused(db, save_board, board_id=None, version=None,
                    data=board_data(short_name, "Ban Quản lý khác hẳn"))
    assert list(error.errors) == ["short_name"]
    [message] = error.errors["short_name"]
    assert f"DIZA ({DIZA})" in str(message)
    assert len(db.exec(select(Board)).all()) == 1


def test_a_new_name_that_looks_like_one_stored_with_an_invisible_character_is_refused(db, make_board):
    make_board("DIZA\u200b", name=DIZA)  # stored before such characters were refused
    error = refused(db, save_board, board_id=None, version=None, data=board_data("DIZA", "Tên khác"))
    assert "DIZA<U+200B>" in str(error.errors["short_name"][0])  # the invisible character shown


def test_a_name_that_looks_like_another_boards_is_refused_beside_the_name(db, make_board):
    make_board("DIZA", name=DIZA)
    error = refused(db, save_board, board_id=None, version=None,
                    data=board_data("BQL ĐN", DIZA.replace("l", "I").replace("o", "\u043e")))
    assert list(error.errors) == ["name"] and f"DIZA ({DIZA})" in str(error.errors["name"][0])


def test_both_fields_are_refused_at_once(db, make_board):
    make_board("DIZA", name=DIZA)
    error = refused(db, save_board, board_id=None, version=None,
                    data=board_data("DIZ\u0410", DIZA.replace("a", "\u0430")))
    assert set(error.errors) == {"short_name", "name"}


def test_a_board_is_not_its_own_lookalike_and_different_names_pass(db, make_board):
    board = make_board("DIZA", name=DIZA)
    save_board(session=db, board_id=board.id, version=board.version, data=board_data("DlZA", DIZA))
    db.commit()
    assert db.get(Board, board.id).short_name == "DlZA"
    for short_name, name in [("HEPZA", "Ban Quản lý các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh"),
                             ("BQL 001", "Ban Quản lý 001"), ("BQL 002", "Ban Quản lý 002"),
                             ("BQL Đồng Nai", "Ban Quan ly cac Khu cong nghiep Dong Nai")]:
        save_board(session=db, board_id=None, version=None, data=board_data(short_name, name))
        db.commit()
    assert len(db.exec(select(Board)).all()) == 5


def test_a_cluster_name_that_looks_like_another_is_refused_naming_it(db, make_cluster):
    make_cluster("Cụm thi đua số 1")
    for name in ["Cụm thi đua số l", "Cụm thi đua số 1\u200b", "Cụm thi đua s\u043e\u0302\u0301 1",  # Cyrillic o
                 "Cụm  thi đua số 1"]:
        error = refused(db, save_cluster, cluster_id=None, version=None,
                        data=ClusterData(name=name, kind="cum"))
        assert list(error.errors) == ["name"]
        assert "Cụm thi đua số 1" in str(error.errors["name"][0])
    assert len(db.exec(select(Cluster)).all()) == 1


def test_a_cluster_keeps_its_own_name_and_another_number_passes(db, make_cluster):
    cluster = make_cluster("Cụm thi đua số 1")
    save_cluster(session=db, cluster_id=cluster.id, version=cluster.version,
                 data=ClusterData(name="Cụm thi đua số l", kind="cum"))
    save_cluster(session=db, cluster_id=None, version=None, data=ClusterData(name="Cụm thi đua số 2", kind="cum"))
    db.commit()
    assert sorted(c.name for c in db.exec(select(Cluster))) == ["Cụm thi đua số 2", "Cụm thi đua số l"]


def test_the_check_is_one_query_however_many_boards(db, make_board, queries):
    def statements() -> int:
        with queries() as counted:
            save_board(session=db, board_id=None, version=None, data=board_data("HEPZA", "Ban Quản lý HEPZA"))
        db.rollback()
        return len(counted)
    make_board("DIZA", name=DIZA)
    few = statements()
    db.add_all(Board(short_name=f"MP{n:04d}", name=f"Ban Quản lý mô phỏng {n:04d}") for n in range(1, 301))
    db.commit()
    assert statements() == few


def _resave_everything(db) -> None:
    """Save every board and cluster again as stored, through the services, as its edit page would."""
    for board in db.exec(select(Board).order_by(Board.id)).all():
        values = {f.name: getattr(board, f.name) for f in fields(BoardData)}
        save_board(session=db, board_id=board.id, version=board.version, data=BoardData(**values))
    for cluster in db.exec(select(Cluster).order_by(Cluster.id)).all():
        values = {f.name: getattr(cluster, f.name) for f in fields(ClusterData)}
        save_cluster(session=db, cluster_id=cluster.id, version=cluster.version, data=ClusterData(**values))
    db.commit()


def test_the_demo_and_synthetic_data_save_again_without_a_lookalike(db):
    demo.seed(db)
    synthetic.generate(session=db, clusters=4, boards_per_cluster=12, years=2, last_year=2025)
    db.commit()
    assert len(db.exec(select(Board)).all()) > 48
    _resave_everything(db)
