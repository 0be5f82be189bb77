"""Tests for the flask commands: init-db, seed-demo, create-user and first-run."""
import re
from datetime import date

import pytest
from sqlmodel import Session, select

from tracker.models import (
    Authority,
    Board,
    Cluster,
    ClusterYear,
    Membership,
    SecretaryCluster,
    User,
)
from tracker.ops.demo import SOUTH_EAST, TAY_NGUYEN
from tracker.services import accounts

TABLES = (Authority, Board, Cluster, ClusterYear, Membership, User)


@pytest.fixture
def read(app):
    """Run a query on a fresh session (so it sees what the command committed)."""
    def do(query):
        with app.app_context(), Session(app.extensions["engine"]) as session:
            return session.exec(query).all()
    return do


def counts(read) -> dict[str, int]:
    return {model.__name__: len(read(select(model.id))) for model in TABLES}


def one_time_password(output: str) -> str:
    found = re.findall(r"One-time password[^:]*: (\S+)", output)
    assert len(found) == 1, output
    return found[0]


def can_log_in(app, username: str, password: str) -> bool:
    with app.app_context(), Session(app.extensions["engine"]) as session:
        return accounts.authenticate(session=session, username=username, password=password) is not None


def south_east_year(read, year: int) -> tuple[ClusterYear, dict[str, str]]:
    """The South-East cluster's year and its roster as short name -> role."""
    cluster_year = read(select(ClusterYear).join(Cluster, Cluster.id == ClusterYear.cluster_id)
                        .where(Cluster.name == SOUTH_EAST, ClusterYear.year == year))[0]
    roster = read(select(Board.short_name, Membership.role).join(Membership, Membership.board_id == Board.id)
                  .where(Membership.cluster_year_id == cluster_year.id))
    return cluster_year, dict(roster)


def test_init_db_can_run_again(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output


def test_seed_demo_is_idempotent(runner, read):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = counts(read)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert counts(read) == first
    assert first["Cluster"] == 2
    assert first["User"] == 0


def test_seed_demo_holds_the_south_east_facts(runner, read):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    diza = read(select(Board).where(Board.short_name == "DIZA"))[0]
    assert diza.address == "Số 26, đường 2A, KCN Biên Hòa II, TP. Biên Hòa, tỉnh Đồng Nai"
    assert (diza.phone, diza.fax, diza.email) == ("(0251) 3892378", "(0251) 3892379", "bqlkcn@dongnai.gov.vn")

    year_2019, roster = south_east_year(read, 2019)
    assert sorted(roster) == sorted([
        "BQL KKT Ninh Thuận", "BQL các KCN Bình Thuận", "BQL các KCN Bà Rịa – Vũng Tàu", "DIZA",
        "BQL các KCN Bình Dương", "BQL các KCN Bình Phước", "BQL các KCN Việt Nam – Singapore", "HEPZA",
        "BQL KKT Tây Ninh"])
    assert roster["BQL KKT Ninh Thuận"] == "head"
    assert roster["BQL các KCN Bình Thuận"] == "deputy"
    assert list(roster.values()).count("member") == 7
    host = read(select(Board.short_name).where(Board.id == year_2019.host_board_id))[0]
    assert host == "BQL KKT Ninh Thuận"

    year_2017, roster_2017 = south_east_year(read, 2017)
    assert year_2017.conference_date == date(2018, 2, 26)
    assert len(roster_2017) == 9
    assumed = read(select(Membership.assumed).where(Membership.cluster_year_id == year_2017.id))
    assert set(assumed) == {True}  # the 2017 membership is not published: marked as assumed


def test_seed_demo_records_the_2025_merger(runner, read):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    boards = {b.short_name: b for b in read(select(Board))}
    binh_duong = boards["BQL các KCN Bình Dương"]
    assert binh_duong.end_date == date(2025, 6, 30)
    assert binh_duong.successor_id == boards["HEPZA"].id
    assert boards["DIZA"].end_date is None
    mpi, finance = (read(select(Authority).where(Authority.name == name))[0]
                    for name in ("Bộ Kế hoạch và Đầu tư", "Bộ Tài chính"))
    assert mpi.successor_id == finance.id


def test_create_user_prints_a_one_time_password_that_works(app, runner, read):
    passwords = []
    for username in ("thuky1", "thuky2"):
        result = runner.invoke(args=["create-user", username, "--role", "viewer", "--name", "Nguyễn Thị Lan"])
        assert result.exit_code == 0, result.output
        passwords.append(one_time_password(result.output))
        assert can_log_in(app, username, passwords[-1])
    assert passwords[0] != passwords[1]
    user = read(select(User).where(User.username == "thuky1"))[0]
    assert (user.role, user.full_name, user.must_change_password) == ("viewer", "Nguyễn Thị Lan", True)


def test_create_user_assigns_a_secretary_to_clusters_by_name_or_id(runner, read):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    tay_nguyen_id = read(select(Cluster.id).where(Cluster.name == TAY_NGUYEN))[0]
    result = runner.invoke(args=["create-user", "thuky", "--role", "secretary",
                                 "--cluster", SOUTH_EAST, "--cluster", str(tay_nguyen_id)])
    assert result.exit_code == 0, result.output
    assigned = read(select(Cluster.name).join(SecretaryCluster, SecretaryCluster.cluster_id == Cluster.id)
                    .join(User, User.id == SecretaryCluster.user_id).where(User.username == "thuky"))
    assert sorted(assigned) == sorted([SOUTH_EAST, TAY_NGUYEN])


def test_create_user_with_an_unknown_cluster_fails_and_creates_nothing(runner, read):
    result = runner.invoke(args=["create-user", "thuky", "--role", "secretary", "--cluster", "Cụm không có"])
    assert result.exit_code != 0
    assert "Cụm không có" in result.output
    assert read(select(User.id)) == []


def test_create_user_with_a_taken_username_prints_why(runner):
    assert runner.invoke(args=["create-user", "thuky", "--role", "viewer"]).exit_code == 0
    result = runner.invoke(args=["create-user", "thuky", "--role", "viewer"])
    assert result.exit_code == 1
    assert "thuky" in result.output
    assert "One-time password" not in result.output


def test_first_run_creates_the_administrator_once(app, runner, read):
    result = runner.invoke(args=["first-run"])
    assert result.exit_code == 0, result.output
    password = one_time_password(result.output)
    assert can_log_in(app, "admin", password)
    admin = read(select(User).where(User.username == "admin"))[0]
    assert (admin.role, admin.must_change_password) == ("admin", True)
    loaded = counts(read)
    assert loaded["Cluster"] == 2

    again = runner.invoke(args=["first-run"])
    assert again.exit_code == 0, again.output
    assert "One-time password" not in again.output
    assert password not in again.output
    assert counts(read) == loaded
    assert can_log_in(app, "admin", password)
