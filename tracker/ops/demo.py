"""The demo: the South-East block of zone boards and the Tây Nguyên block, from public reports.

Only facts from shared/domain.md section 2 are stated as facts; what the sources do not say (the 2017,
2018 and 2020 memberships, the 2017 head) is marked as assumed, and the interface says so. The 2018 pledge's
targets and results are illustrative and marked so.
"""
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from tracker.models import (
    Authority,
    BallotRound,
    Board,
    BoardKind,
    Cluster,
    ClusterKind,
    ClusterYear,
    Membership,
    VotingRule,
)
from tracker.rules.rounds import Figures
from tracker.rules.voting import RuleValues
from tracker.services import ballots, meetings, pledges, voting, years
from tracker.services.stamps import stamp

MERGE_END = date(2025, 6, 30)  # provinces merged from 1 July 2025 (Resolution on 34 provinces)
MERGE_NOTE = "Sáp nhập theo sắp xếp đơn vị hành chính cấp tỉnh từ 01/07/2025."
NAME_NOTE = "Nguồn chỉ nêu tên tỉnh; tên đầy đủ của Ban cần được kiểm tra."

AUTHORITIES = [
    dict(name="Bộ Kế hoạch và Đầu tư", short_name="BKHĐT", valid_to=date(2025, 2, 28)),
    dict(name="Bộ Tài chính", short_name="BTC", valid_from=date(2025, 3, 1)),
    dict(name="Thủ tướng Chính phủ", short_name="TTg"),
]

SOUTH_EAST = "Cụm thi đua Ban Quản lý các KCN, KCX, KKT các tỉnh miền Đông Nam Bộ"
TAY_NGUYEN = "Khối thi đua Ban Quản lý các KCN, KKT khu vực Tây Nguyên"

BOARDS = [
    dict(short_name="DIZA", name="Ban Quản lý các Khu công nghiệp Đồng Nai", kind=BoardKind.INDUSTRIAL_ZONES,
         province="Đồng Nai", address="Số 26, đường 2A, KCN Biên Hòa II, TP. Biên Hòa, tỉnh Đồng Nai",
         phone="(0251) 3892378", fax="(0251) 3892379", email="bqlkcn@dongnai.gov.vn",
         website="diza.dongnai.gov.vn", note="Email khác: diza@diza.vn"),
    dict(short_name="HEPZA", name="Ban Quản lý các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh",
         kind=BoardKind.EXPORT_PROCESSING, province="Thành phố Hồ Chí Minh"),
    dict(short_name="BQL KKT Ninh Thuận", name="Ban Quản lý Khu kinh tế tỉnh Ninh Thuận",
         kind=BoardKind.ECONOMIC_ZONE, province="Ninh Thuận", end_date=MERGE_END, note=MERGE_NOTE),
    dict(short_name="BQL các KCN Bình Thuận", name="Ban Quản lý các Khu công nghiệp tỉnh Bình Thuận",
         kind=BoardKind.INDUSTRIAL_ZONES, province="Bình Thuận", end_date=MERGE_END, successor="BQL Lâm Đồng",
         note=MERGE_NOTE),
    dict(short_name="BQL các KCN Bà Rịa – Vũng Tàu", name="Ban Quản lý các Khu công nghiệp tỉnh Bà Rịa – Vũng Tàu",
         kind=BoardKind.INDUSTRIAL_ZONES, province="Bà Rịa – Vũng Tàu", end_date=MERGE_END, successor="HEPZA",
         note=MERGE_NOTE),
    dict(short_name="BQL các KCN Bình Dương", name="Ban Quản lý các Khu công nghiệp tỉnh Bình Dương",
         kind=BoardKind.INDUSTRIAL_ZONES, province="Bình Dương", end_date=MERGE_END, successor="HEPZA",
         note=MERGE_NOTE),
    dict(short_name="BQL các KCN Bình Phước", name="Ban Quản lý các Khu công nghiệp tỉnh Bình Phước",
         kind=BoardKind.INDUSTRIAL_ZONES, province="Bình Phước", end_date=MERGE_END, successor="DIZA",
         note=MERGE_NOTE),
    dict(short_name="BQL các KCN Việt Nam – Singapore", name="Ban Quản lý các Khu công nghiệp Việt Nam – Singapore",
         kind=BoardKind.INDUSTRIAL_ZONES, province="Bình Dương"),
    dict(short_name="BQL KKT Tây Ninh", name="Ban Quản lý Khu kinh tế tỉnh Tây Ninh", kind=BoardKind.ECONOMIC_ZONE,
         province="Tây Ninh"),
    dict(short_name="BQL Gia Lai", name="Ban Quản lý các KCN, KKT tỉnh Gia Lai", kind=BoardKind.OTHER,
         province="Gia Lai", note=NAME_NOTE),
    dict(short_name="BQL Đắk Lắk", name="Ban Quản lý các KCN, KKT tỉnh Đắk Lắk", kind=BoardKind.OTHER,
         province="Đắk Lắk", note=NAME_NOTE),
    dict(short_name="BQL Đắk Nông", name="Ban Quản lý các KCN, KKT tỉnh Đắk Nông", kind=BoardKind.OTHER,
         province="Đắk Nông", note=NAME_NOTE),
    dict(short_name="BQL Kon Tum", name="Ban Quản lý các KCN, KKT tỉnh Kon Tum", kind=BoardKind.OTHER,
         province="Kon Tum", note=NAME_NOTE),
    dict(short_name="BQL Lâm Đồng", name="Ban Quản lý các KCN, KKT tỉnh Lâm Đồng", kind=BoardKind.OTHER,
         province="Lâm Đồng", note=NAME_NOTE),
]

SOUTH_EAST_MEMBERS = ["BQL KKT Ninh Thuận", "BQL các KCN Bình Thuận", "BQL các KCN Bà Rịa – Vũng Tàu", "DIZA",
                      "BQL các KCN Bình Dương", "BQL các KCN Bình Phước", "BQL các KCN Việt Nam – Singapore",
                      "HEPZA", "BQL KKT Tây Ninh"]
ASSUMED_NOTE = ("Danh sách thành viên năm {year} chưa được công bố; giả định là 9 thành viên của báo cáo "
                "ngày 10/01/2020 (dữ liệu minh họa).")

YEARS = [
    # (cluster, year, members, assumed, head, deputy, host, conference date, place, note)
    (SOUTH_EAST, 2017, SOUTH_EAST_MEMBERS, True, "BQL KKT Tây Ninh", None, "BQL KKT Tây Ninh", date(2018, 2, 26),
     "Ban Quản lý Khu kinh tế tỉnh Tây Ninh",
     ASSUMED_NOTE.format(year=2017) + " Trưởng cụm năm 2017 không được công bố; giả định là đơn vị đăng cai "
     "hội nghị tổng kết. Hội nghị tổng kết năm 2017 họp ngày 26/02/2018 tại Ban Quản lý Khu kinh tế tỉnh "
     "Tây Ninh, suy tôn 1 tập thể đề nghị Cờ thi đua của Bộ và 2 tập thể đề nghị Bằng khen của Bộ trưởng "
     "Bộ Kế hoạch và Đầu tư, và ký kết giao ước thi đua năm 2018."),
    (SOUTH_EAST, 2018, SOUTH_EAST_MEMBERS, True, None, None, None, None, "", ASSUMED_NOTE.format(year=2018)),
    (SOUTH_EAST, 2019, SOUTH_EAST_MEMBERS, False, "BQL KKT Ninh Thuận", "BQL các KCN Bình Thuận",
     "BQL KKT Ninh Thuận", date(2020, 1, 10), "Ban Quản lý Khu kinh tế tỉnh Ninh Thuận",
     "Thành viên, trưởng và phó cụm theo báo cáo của Khối ngày 10/01/2020."),
    (SOUTH_EAST, 2020, SOUTH_EAST_MEMBERS, True, None, None, None, None, "", ASSUMED_NOTE.format(year=2020)),
    (TAY_NGUYEN, 2017, ["BQL Gia Lai", "BQL Đắk Lắk", "BQL Đắk Nông", "BQL Kon Tum", "BQL Lâm Đồng"], False,
     "BQL Gia Lai", None, "BQL Gia Lai", date(2017, 12, 1), "",
     "Khối tổng kết năm 2017 và ký kết giao ước thi đua năm 2018 ngày 01/12/2017; Gia Lai là trưởng khối năm 2017."),
]


def _upsert(session: Session, model, key: str, values: dict):
    row = session.exec(select(model).where(getattr(model, key) == values[key])).first()
    if row is None:
        row = model(**values)
        session.add(row)
        session.flush()
    return row


def seed(session: Session) -> None:
    """Add the demo records that are missing; records already there are left as they are."""
    authorities = {a["name"]: _upsert(session, Authority, "name", a) for a in AUTHORITIES}
    mpi = authorities["Bộ Kế hoạch và Đầu tư"]
    if mpi.successor_id is None:
        mpi.successor_id = authorities["Bộ Tài chính"].id
    boards = {}
    for spec in BOARDS:
        values = {k: v for k, v in spec.items() if k != "successor"}
        boards[spec["short_name"]] = _upsert(session, Board, "short_name", values)
    for spec in BOARDS:
        board = boards[spec["short_name"]]
        if spec.get("successor") and board.successor_id is None:
            board.successor_id = boards[spec["successor"]].id
    clusters = {
        SOUTH_EAST: _upsert(session, Cluster, "name", dict(
            name=SOUTH_EAST, kind=ClusterKind.CUM, region="Đông Nam Bộ", authority_id=mpi.id,
            description="Các Ban Quản lý các khu công nghiệp, khu chế xuất, khu kinh tế các tỉnh miền Đông Nam "
                        "Bộ. Báo cáo ngày 10/01/2020 của Khối gọi cụm là “khối thi đua”.")),
        TAY_NGUYEN: _upsert(session, Cluster, "name", dict(
            name=TAY_NGUYEN, kind=ClusterKind.KHOI, region="Tây Nguyên", authority_id=mpi.id,
            description="Các Ban Quản lý khu công nghiệp, khu kinh tế các tỉnh Tây Nguyên.")),
    }
    session.flush()
    for name, year, members, assumed, head, deputy, host, when, place, note in YEARS:
        cluster = clusters[name]
        existing = session.exec(select(ClusterYear).where(
            ClusterYear.cluster_id == cluster.id, ClusterYear.year == year)).first()
        if existing is not None:
            continue
        cy = ClusterYear(cluster_id=cluster.id, year=year, conference_date=when, conference_place=place, note=note,
                         host_board_id=boards[host].id if host else None)
        session.add(cy)
        session.flush()
        for short in members:
            role = "head" if short == head else "deputy" if short == deputy else "member"
            session.add(Membership(cluster_year_id=cy.id, board_id=boards[short].id, role=role, assumed=assumed))
    session.flush()
    latest: dict[str, tuple[int, str]] = {}  # each board's home: the cluster of its latest year of membership
    for name, year, members, *_ in YEARS:
        for short in members:
            latest[short] = max(latest.get(short, (year, name)), (year, name))
    for short, (_, name) in sorted(latest.items()):
        if boards[short].cluster_id is None:
            boards[short].cluster_id = clusters[name].id
            session.add(boards[short])
    session.flush()
    _review_2017(session, clusters[SOUTH_EAST], boards)
    _pledge_2018(session, clusters[SOUTH_EAST], boards)
    _conference_2018(session, clusters[SOUTH_EAST], boards)


# The 2017 review elected 1 board for the ministry flag and 2 for the minister's certificate; the article names
# neither the boards nor the votes, so these counts are illustrative and the rounds say so.
REVIEW_2017 = [
    ("CO_BO", {"DIZA": 6, "HEPZA": 2, "BQL KKT Tây Ninh": 1}),
    ("BK_BO", {"HEPZA": 7, "BQL KKT Tây Ninh": 6, "BQL các KCN Việt Nam – Singapore": 3,
               "BQL các KCN Bình Dương": 2}),
]


def _review_2017(session: Session, cluster: Cluster, boards: dict[str, Board]) -> None:
    cluster_year = session.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id,
                                                          ClusterYear.year == 2017)).one()
    if session.exec(select(BallotRound).where(BallotRound.cluster_year_id == cluster_year.id)).first() is not None:
        return
    if session.exec(select(VotingRule).where(VotingRule.cluster_year_id == cluster_year.id)).first() is None:
        rule = RuleValues(second_entry=False, citation="Quy chế của Cụm (điều khoản không được công bố; các giá trị "
                                                       "là giá trị gợi ý, dữ liệu minh họa)")
        voting.save_rule(session=session, cluster_id=cluster.id, year=2017, version=None, rule=rule,
                         seats={"CO_BO": 1, "BK_BO": 2})
    members = frozenset(m.board_id for m in session.exec(
        select(Membership).where(Membership.cluster_year_id == cluster_year.id)).all())
    awards = {a.code: a.id for a in voting.award_types(session)}
    meeting = ballots.Meeting(held_on=cluster_year.conference_date, place=cluster_year.conference_place)
    for code, votes in REVIEW_2017:
        round_ = ballots.open_round(session=session, user=None, cluster_id=cluster.id, year=2017,
                                    award_type_id=awards[code], meeting=meeting, illustrative=True)
        candidates = ballots.candidates(session, round_, {b.id: b for b in boards.values()})
        figures = Figures(present=members, issued=len(members), returned=len(members), invalid=0,
                          votes={i: votes.get(next(s for s, b in boards.items() if b.id == i), 0) for i in candidates})
        ballots.enter(session=session, user=None, round_id=round_.id, version=round_.version, figures=figures,
                      meeting=meeting)
        ballots.check(session=session, user=None, round_id=round_.id, version=round_.version, figures=None)
        ballots.finalise(session=session, user=None, round_id=round_.id, version=round_.version)
        session.flush()


# The 2018 pledge was signed at the review of 26 February 2018 (a fact); its targets and results are not
# published, so the indicators, targets and results below are illustrative and the pledge is marked so.
PLEDGE_TEXT = ("Các đơn vị thành viên Cụm thi đua cam kết phấn đấu hoàn thành vượt mức các chỉ tiêu kế hoạch năm 2018 "
               "do Ủy ban nhân dân tỉnh, thành phố giao, và hoàn thành xuất sắc nhiệm vụ chính trị của ngành.")
INDICATORS_2018 = [  # name, unit, direction, base target, source
    ("Vốn đầu tư trong nước thu hút", "tỷ đồng", "higher", 2000, "Quyết định giao chỉ tiêu của UBND tỉnh năm 2018"),
    ("Vốn đầu tư nước ngoài thu hút", "triệu USD", "higher", 250, "Quyết định giao chỉ tiêu của UBND tỉnh năm 2018"),
    ("Thời gian giải quyết thủ tục hành chính", "ngày", "lower", 10, "Kế hoạch cải cách hành chính năm 2018"),
]


def _pledge_2018(session: Session, cluster: Cluster, boards: dict[str, Board]) -> None:
    cluster_year = session.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id,
                                                          ClusterYear.year == 2018)).one()
    if pledges.pledge_of(session, cluster_year.id) is not None:
        return
    members = sorted(m.board_id for m in years.memberships(session, cluster_year.id))
    pledge = pledges.save_pledge(session=session, cluster_id=cluster.id, year=2018, version=None,
                                 data=pledges.PledgeData(signed_on=date(2018, 2, 26),
                                                         place="Ban Quản lý Khu kinh tế tỉnh Tây Ninh",
                                                         host_board_id=boards["BQL KKT Tây Ninh"].id,
                                                         text=PLEDGE_TEXT, signed=set(members)))
    pledge.illustrative = True
    lines = [pledges.IndicatorLine(id=None, name=name, unit=unit, direction=direction)
             for name, unit, direction, _base, _source in INDICATORS_2018]
    indicators = pledges.save_catalogue(session=session, cluster_id=cluster.id, year=2018, stamp=stamp([]),
                                        lines=lines)
    cells = []
    for n, board_id in enumerate(members):
        for indicator, (_name, _unit, direction, base, source) in zip(indicators, INDICATORS_2018, strict=True):
            target = Decimal(base) * (10 + n % 4) / 10
            # Most boards beat their targets, a few fall short: enough to show every verdict.
            factor = Decimal((112, 100, 95, 121, 104, 98, 130, 100, 108)[n % 9]) / 100
            actual = (target / factor if direction == "lower" else target * factor).quantize(Decimal("0.1"))
            cells.append(pledges.TargetCell(indicator.id, board_id, target, source, actual))
    pledges.save_targets(session=session, cluster_id=cluster.id, year=2018, stamp=stamp([]), cells=cells)


# The conference of 26 February 2018 (facts from the article): it reviewed 2017 and signed the 2018 pledge.
CONFERENCE_PLACE = "Ban Quản lý Khu kinh tế tỉnh Tây Ninh"
CONFERENCE = [
    (2017, "yearend", "Tổng kết phong trào thi đua năm 2017: đánh giá kết quả, ưu điểm và hạn chế của phong trào.",
     "Bỏ phiếu kín suy tôn 01 tập thể đề nghị Bộ Kế hoạch và Đầu tư tặng Cờ thi đua và 02 tập thể đề nghị tặng "
     "Bằng khen của Bộ trưởng."),
    (2018, "pledge", "Phát động phong trào thi đua và ký kết giao ước thi đua năm 2018.",
     "Các đơn vị thành viên ký giao ước thi đua năm 2018."),
]


def _conference_2018(session: Session, cluster: Cluster, boards: dict[str, Board]) -> None:
    for year, kind, summary, decisions in CONFERENCE:
        cluster_year = years.find(session, cluster.id, year)
        if cluster_year is None or any(m.kind == kind for m in meetings.for_year(session, cluster_year.id)):
            continue
        meetings.save_meeting(session=session, cluster_id=cluster.id, year=year, meeting_id=None, version=None,
                              data=meetings.MeetingData(kind=kind, held_on=date(2018, 2, 26), place=CONFERENCE_PLACE,
                                                        host_board_id=boards["BQL KKT Tây Ninh"].id,
                                                        summary=summary, decisions=decisions))
