"""Two browsers on the members-and-roles form of a year (issue 15, finding 6): A changes the conference place, B
the note; B is told someone saved meanwhile, finds A's place already in her form, saves, and both changes stay."""
from playwright.sync_api import expect
from sqlmodel import select

from tests.support.browser import second_secretary, shoot
from tracker.models import ClusterYear


def test_two_tabs_on_the_members_form_keep_both_changes(db, new_context, live_server, make_board, make_cluster,
                                                        make_user):
    diza, hepza = make_board("DIZA"), make_board("HEPZA")
    cluster = make_cluster("Cụm Đông Nam Bộ", years={2021: [(diza, "head"), (hepza, "member")]})
    make_user("thuky", "secretary", clusters=[cluster])
    tabs = []
    for _ in range(2):
        page = second_secretary(new_context, live_server, "thuky")
        page.goto(f"{live_server}/clusters/{cluster.id}/years/2021/edit")
        tabs.append(page)
    a, b = tabs
    a.locator("#conference_place").fill("Hội trường Tây Ninh")
    a.locator("form:has(#note) button[type=submit]").click()
    expect(a.locator(".alert-success")).to_be_visible()
    b.locator("#note").fill("Đã họp trù bị")
    b.locator("form:has(#note) button[type=submit]").click()
    expect(b.locator("#conflict")).to_be_visible()
    expect(b.locator("#conflict")).not_to_contain_text("…")
    expect(b.locator("#conference_place")).to_have_value("Hội trường Tây Ninh")
    expect(b.locator("#note")).to_have_value("Đã họp trù bị")
    shoot(b, "stale-roster-merged")
    b.locator("form:has(#note) button[type=submit]").click()
    expect(b.locator(".alert-success")).to_be_visible()
    db.rollback()  # read what the server saved
    saved = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id)).one()
    assert (saved.conference_place, saved.note) == ("Hội trường Tây Ninh", "Đã họp trù bị")
