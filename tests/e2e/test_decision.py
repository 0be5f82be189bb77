"""From vote to decision in the browser: proposals created from the 2017 rounds, the tờ trình recorded and
printed, the ministry's decision granting them (one as another form), the reconciliation and DIZA's history."""
from datetime import date

from playwright.sync_api import expect

from tests.support.ballots import award
from tracker.models import Authority
from tracker.rules.rounds import Figures
from tracker.rules.voting import RuleValues
from tracker.services import ballots, voting

NAMES = ["BQL KKT Ninh Thuận", "BQL Bình Thuận", "BQL Bà Rịa – Vũng Tàu", "DIZA", "BQL Bình Dương",
         "BQL Bình Phước", "BQL VSIP", "HEPZA", "BQL KKT Tây Ninh"]
VOTES = {"CO_BO": {"DIZA": 6, "HEPZA": 2}, "BK_BO": {"HEPZA": 7, "BQL KKT Tây Ninh": 6, "BQL VSIP": 2}}


def finalised_rounds(db, cluster, boards):
    """The 2017 flag and certificate rounds, counted and finalised (the ballot e2e test drives that part)."""
    voting.save_rule(session=db, cluster_id=cluster.id, year=2017, version=None,
                     rule=RuleValues(second_entry=False), seats={"CO_BO": 1, "BK_BO": 2})
    urls = {}
    for code, votes in VOTES.items():
        round_ = ballots.open_round(session=db, user=None, cluster_id=cluster.id, year=2017,
                                    award_type_id=award(db, code), meeting=ballots.Meeting(
                                        held_on=date(2018, 2, 26), place="Tây Ninh"))
        candidates = ballots.candidates(db, round_, {b.id: b for b in boards.values()})
        names = {b.id: n for n, b in boards.items()}
        figures = Figures(present=frozenset(b.id for b in boards.values()), issued=9, returned=9, invalid=0,
                          votes={i: votes.get(names[i], 0) for i in candidates})
        ballots.enter(session=db, user=None, round_id=round_.id, version=round_.version, figures=figures,
                      meeting=ballots.Meeting(held_on=date(2018, 2, 26), place="Tây Ninh"))
        ballots.check(session=db, user=None, round_id=round_.id, version=round_.version, figures=None)
        ballots.finalise(session=db, user=None, round_id=round_.id, version=round_.version)
        db.commit()
        urls[code] = f"/clusters/{cluster.id}/ballots/{round_.id}"
    return urls


def test_from_the_2017_vote_to_the_ministrys_decision(db, page, live_server, log_in, make_board, make_cluster,
                                                     make_user, screenshot, tmp_path):
    mpi = Authority(name="Bộ Kế hoạch và Đầu tư", short_name="BKHĐT", valid_to=date(2025, 2, 28))
    db.add(mpi)
    db.commit()
    boards = {name: make_board(name) for name in NAMES}
    cluster = make_cluster("Cụm thi đua Đông Nam Bộ", authority_id=mpi.id, years={2017: [
        (boards["BQL KKT Tây Ninh"], "head")] + [(b, "member") for n, b in boards.items() if n != "BQL KKT Tây Ninh"]})
    make_user("thuky", "secretary", clusters=[cluster])
    urls = finalised_rounds(db, cluster, boards)
    log_in("thuky")

    # One click on each finalised round creates its proposals.
    for code in ("CO_BO", "BK_BO"):
        page.goto(live_server + urls[code])
        page.get_by_role("button", name="Lập đề nghị khen thưởng").click()
        expect(page.locator(".alert-success")).to_contain_text("Đã lập")
    flag, cert = page.locator("section[id^=award-]").nth(0), page.locator("section[id^=award-]").nth(1)
    expect(flag).to_contain_text("DIZA")
    expect(cert).to_contain_text("HEPZA")
    expect(cert).to_contain_text("BQL KKT Tây Ninh")

    # The tờ trình of each award: number and date, then printed.
    for section, number in ((flag, "05/TTr-CTĐ"), (cert, "06/TTr-CTĐ")):
        form = section.locator("form", has=page.get_by_role("button", name="Lưu tờ trình"))
        form.locator("input[id$=number]").fill(number)
        form.locator("input[id$=submitted_on]").fill("05/03/2018")
        form.get_by_role("button", name="Lưu tờ trình").click()
        expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận tờ trình")
    flag = page.locator("section[id^=award-]").nth(0)
    expect(flag).to_contain_text("05/TTr-CTĐ")
    with page.expect_download() as download:
        flag.locator("a[href$='.pdf']").first.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # The ministry's decision: DIZA and HEPZA as proposed, Tây Ninh with another form.
    page.get_by_role("link", name="Quyết định", exact=True).click()
    page.get_by_role("link", name="Ghi nhận quyết định").click()
    page.locator("#number").fill("1234/QĐ-BKHĐT")
    page.locator("#decided_on").fill("15/05/2018")
    page.locator("#authority_id").select_option(label=page.locator("#authority_id option", has_text="Bộ Kế hoạch")
                                                 .first.inner_text())
    page.locator("#signer_name").fill("Nguyễn Văn A")
    page.locator("#signer_title").fill("KT. Bộ trưởng – Thứ trưởng")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu quyết định")
    for board, award_name in (("DIZA", "Cờ thi đua của Bộ"), ("HEPZA", "Bằng khen của Bộ trưởng"),
                              ("BQL KKT Tây Ninh", "Tập thể lao động xuất sắc")):
        form = page.locator("#add-award")
        form.locator("select[id$=board_id]").select_option(label=board)
        form.locator("select[id$=award_type_id]").select_option(label=award_name)
        form.locator("input[id$=year]").fill("2017")
        form.get_by_role("button", name="Thêm khen thưởng").click()
        expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận khen thưởng")
    screenshot("decision")

    # The reconciliation on the year page, and DIZA's history.
    page.goto(f"{live_server}/clusters/{cluster.id}/years/2017")
    counts = page.locator("#reconciliation-counts")
    expect(counts.locator("[data-outcome=granted]")).to_have_attribute("data-count", "2")
    expect(counts.locator("[data-outcome=granted_other]")).to_have_attribute("data-count", "1")
    screenshot("reconciliation")
    page.goto(f"{live_server}/boards/{boards['DIZA'].id}")
    expect(page.locator("#award-matrix")).to_contain_text("2017")
    expect(page.locator("#award-matrix a[title^='1234/QĐ-BKHĐT']")).to_have_count(1)
    screenshot("board-history")
