"""A secretary at work: opening a new year from last year's members, a refused roster, editing boards."""
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tracker.models import Board, ClusterYear


@pytest.fixture
def cluster(make_board, make_cluster, make_user):
    """A cluster with three members in 2019 (DIZA head, HEPZA deputy, SOZA), a board outside it (VSIP), and
    its secretary "thuky", already logged in."""
    boards = {name: make_board(name) for name in ("DIZA", "HEPZA", "SOZA", "VSIP")}
    row = make_cluster("Cụm Đông Nam Bộ", years={
        2019: [(boards["DIZA"], "head"), (boards["HEPZA"], "deputy"), (boards["SOZA"], "member")]})
    make_user("thuky", "secretary", clusters=[row])
    return SimpleNamespace(id=row.id, boards=boards)


@pytest.fixture
def roster_2020(page, live_server, log_in, cluster):
    """The secretary on the roster form of 2020 (a year not recorded yet)."""
    log_in("thuky")
    page.goto(f"{live_server}/clusters/{cluster.id}/years/2020/edit")
    return page


def test_open_a_new_year_from_last_years_members(page, live_server, log_in, cluster, screenshot):
    boards = cluster.boards
    log_in("thuky")
    page.goto(f"{live_server}/clusters/{cluster.id}")
    page.locator("#year").fill("2020")
    page.locator("form:has(#year) button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/clusters/{cluster.id}/years/2020")

    page.locator(f"a[href='/clusters/{cluster.id}/years/2020/edit']").click()
    expect(page).to_have_url(f"{live_server}/clusters/{cluster.id}/years/2020/edit")
    for name in ("DIZA", "HEPZA", "SOZA"):
        expect(page.locator(f"#member_{boards[name].id}")).to_be_checked()
    expect(page.locator(f"#member_{boards['VSIP'].id}")).not_to_be_checked()
    # Rotation: DIZA was head in 2019; of the two never head, HEPZA comes first and is proposed.
    expect(page.locator("#suggested-head")).to_contain_text("HEPZA")
    expect(page.locator(f"#role_{boards['HEPZA'].id}")).to_have_value("head")
    expect(page.locator(f"#role_{boards['DIZA'].id}")).to_have_value("member")
    page.locator("form:has(#note) button[type=submit]").click()

    expect(page).to_have_url(f"{live_server}/clusters/{cluster.id}/years/2020")
    expect(page.locator("main table tbody tr")).to_contain_text(["HEPZA", "DIZA", "SOZA"])  # head first
    page.reload()  # without the "saved" message, for the README
    screenshot("cluster-year")


def test_two_heads_are_refused_next_to_the_second(roster_2020, live_server, cluster, db):
    page, boards = roster_2020, cluster.boards
    page.locator(f"#role_{boards['DIZA'].id}").select_option("head")
    page.locator(f"#role_{boards['HEPZA'].id}").select_option("member")
    page.locator(f"#role_{boards['SOZA'].id}").select_option("head")
    page.locator("form:has(#note) button[type=submit]").click()

    def row(name):
        return page.locator("tr", has=page.locator(f"#role_{boards[name].id}"))

    expect(row("SOZA").locator(".text-danger")).to_be_visible()
    expect(row("DIZA").locator(".text-danger")).to_have_count(0)
    expect(page).to_have_url(f"{live_server}/clusters/{cluster.id}/years/2020/edit")
    assert db.exec(select(ClusterYear).where(ClusterYear.year == 2020)).first() is None


def test_secretary_changes_a_boards_phone(page, live_server, log_in, cluster):
    diza = cluster.boards["DIZA"]
    log_in("thuky")
    page.goto(f"{live_server}/boards/{diza.id}/edit")
    page.locator("#phone").fill("0251 3892 378")
    page.locator("form:has(#phone) button[type=submit]").click()

    expect(page).to_have_url(f"{live_server}/boards/{diza.id}")
    expect(page.locator("main dl")).to_contain_text("0251 3892 378")


def test_duplicate_short_name_is_shown_next_to_the_field(page, live_server, log_in, cluster, db):
    log_in("thuky")
    page.goto(f"{live_server}/boards/new")
    page.locator("#name").fill("Ban Quản lý các KCN Đồng Nai")
    page.locator("#short_name").fill("DIZA")
    page.locator("form:has(#short_name) button[type=submit]").click()

    expect(page.locator("#short_name ~ .invalid-feedback")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/boards/new")
    assert db.exec(select(Board).where(Board.name == "Ban Quản lý các KCN Đồng Nai")).first() is None
