"""The printed papers, worded in Vietnamese as official documents are: for a ballot round the vote-count minutes
(biên bản kiểm phiếu) and the blank ballot paper (phiếu bầu); for a cluster-year the pledge (bản giao ước thi đua)
and the submission (tờ trình) proposing its boards for one award; each as DOCX or PDF.

Every sentence a paper prints is written here (the layouts are in tracker/documents); the words of stored codes
come from tracker.labels, rendered in Vietnamese."""
import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from tracker import labels
from tracker.documents import ballot as ballot_doc
from tracker.documents import minutes as minutes_doc
from tracker.documents import pledge, submission
from tracker.documents.data import (
    BallotPaper,
    CandidateLine,
    Letterhead,
    MinutesDoc,
    PledgeDoc,
    PledgeSection,
    TargetLine,
)
from tracker.i18n import format_day
from tracker.models import (
    Authority,
    AwardType,
    BallotRound,
    Board,
    Cluster,
    ClusterKind,
    ClusterYear,
    Indicator,
    MemberRole,
    Pledge,
    Proposal,
    RoundStatus,
    Signature,
    Target,
    User,
    VotingRule,
)
from tracker.rules import rounds
from tracker.rules.authorities import name_on
from tracker.rules.ballot import format_percent
from tracker.rules.text import vi_key, vi_sorted
from tracker.services import ballots, decisions, seals, years
from tracker.services.errors import DomainError, NotFound

RENDER = {("minutes", "docx"): minutes_doc.minutes_docx, ("minutes", "pdf"): minutes_doc.minutes_pdf,
          ("ballot", "docx"): ballot_doc.ballot_docx, ("ballot", "pdf"): ballot_doc.ballot_pdf}
ILLUSTRATIVE_COUNTS = "Số liệu minh họa: nguồn công bố không nêu số phiếu của từng đơn vị."


class _Context:
    """What both papers need to know about a round."""

    def __init__(self, session: Session, round_: BallotRound):
        self.round = round_
        self.cluster_year = session.get(ClusterYear, round_.cluster_year_id)
        self.cluster = session.get(Cluster, self.cluster_year.cluster_id)
        self.award = session.get(AwardType, round_.award_type_id)
        self.boards = {b.id: b for b in session.exec(select(Board)).all()}
        parent = session.get(Authority, self.cluster.authority_id) if self.cluster.authority_id else None
        host = self.boards.get(self.cluster_year.host_board_id)
        self.letterhead = Letterhead(parent_body=parent.name.upper() if parent else "",
                                     issuing_body=self.cluster.name.upper(), number="Số: …/BB-KTĐ",
                                     place=(host.province if host and host.province else round_.place),
                                     day=round_.held_on)
        runoff = f" (bầu lại lần {round_.number - 1})" if round_.number > 1 else ""
        self.what = f"suy tôn đơn vị đề nghị tặng {self.award.name_vi} năm {self.cluster_year.year}{runoff}"

    def filename(self, document: str, kind: str) -> str:
        stem = "bien-ban-kiem-phieu" if document == "minutes" else "phieu-bau"
        return f"{stem}-{self.award.code.lower()}-{self.cluster_year.year}-vong-{self.round.number}.{kind}"


def _committee(text: str) -> tuple[tuple[str, str], ...]:
    people = []
    for line in text.splitlines():
        if line.strip():
            name, _sep, role = line.replace(" - ", " – ").partition(" – ")
            people.append((name.strip(), role.strip()))
    return tuple(people)


def _compare(rule: dict) -> str:
    """"trên" (more than) for a strict threshold, "từ" (at least) otherwise, as the regulations word it."""
    return "trên" if rule["strict"] else "từ"


def _rule_text(counts: rounds.StoredCounts, citation: str) -> str:
    rule = counts.rule
    base = labels.vietnamese(labels.THRESHOLD_BASE, rule["base"])
    tie = labels.vietnamese(labels.TIE_BREAK_SHORT, rule["tie_break"])
    text = (f"Số thành viên có mặt tối thiểu {rule['quorum']} tổng số thành viên; đơn vị được suy tôn khi đạt "
            f"{_compare(rule)} {rule['threshold']} {base}; số suất: {counts.seats}; khi bằng phiếu "
            f"ở suất cuối: {tie}.")
    return f"{text} Căn cứ: {citation}." if citation else text


def _result_text(result: rounds.StoredResult, ctx: _Context) -> str:
    if not result.quorum_met:
        return "Không đủ số thành viên có mặt theo quy chế: không đơn vị nào được suy tôn ở vòng bầu này."
    names = [ctx.boards[i].name for i in result.elected]
    text = (f"Căn cứ kết quả kiểm phiếu, {len(names)} đơn vị được suy tôn đề nghị tặng {ctx.award.name_vi}: "
            f"{'; '.join(names)}." if names else "Căn cứ kết quả kiểm phiếu, không đơn vị nào được suy tôn.")
    tied = result.tied
    if tied:
        text += (" Các đơn vị bằng phiếu ở suất cuối (" + "; ".join(ctx.boards[i].name for i in tied)
                 + ") được bầu lại.")
    return text


def _seal_footer(session: Session, round_: BallotRound) -> str:
    """The minutes' proof: the ledger seal of the round's finalisation, checkable with one command."""
    if round_.status != RoundStatus.FINALISED:
        return ""
    sealed = seals.finalisation_seal(session, round_.id)
    if sealed is None:
        return f"Mã kiểm chứng (SHA-256): {round_.chain_head}"
    return f"Mã niêm phong sổ sự kiện: {sealed.position}:{sealed.mac[:32]}"  # flask verify --head checks it


def minutes(session: Session, round_: BallotRound, kind: str, *, viewer: User | None) -> tuple[str, io.BytesIO]:
    """The vote-count minutes of the round's current counts (finalised, or a marked draft); counts waiting for
    their second entry are refused to anyone but the person who typed them."""
    ctx = _Context(session, round_)
    reading = ballots.read(session, round_, viewer=viewer)
    if reading.blind:
        raise DomainError(_l("The minutes carry the counts: they are available once the second entry matches (or "
                             "the counts are confirmed)."))
    revision, counts, result = reading.current, reading.counts, reading.result
    if counts is None or result is None:
        raise NotFound  # no counts entered yet: there is nothing to put in minutes
    figures = counts.figures
    citation = ballots.saved_rule(session, ctx.cluster_year).citation
    notes = []
    if round_.status != RoundStatus.FINALISED:
        notes.append("BẢN DỰ THẢO: kết quả chưa được kiểm tra và khóa trên hệ thống.")
    if revision.revision > 1:
        notes.append(f"Biên bản điều chỉnh lần {revision.revision - 1}, thay thế biên bản trước. Lý do: "
                     f"{revision.reason}")
    if round_.illustrative:
        notes.append(ILLUSTRATIVE_COUNTS)
    present = ", ".join(sorted(ctx.boards[i].short_name for i in figures.present))
    committee = _committee(round_.committee)
    doc = MinutesDoc(
        letterhead=ctx.letterhead, subject=f"Kiểm phiếu {ctx.what}",
        opening=(f"Vào ngày {format_day(round_.held_on) or '…/…/……'}, tại {round_.place or '……'}, Ban kiểm phiếu "
                 f"của {ctx.cluster.name} tiến hành kiểm phiếu {ctx.what}."),
        committee=committee, rule=_rule_text(counts, citation),
        counts=(("Tổng số thành viên", str(len(counts.members))),
                ("Số thành viên có mặt", f"{len(figures.present)} ({present})"),
                ("Số phiếu phát ra", str(figures.issued)), ("Số phiếu thu về", str(figures.returned)),
                ("Số phiếu không hợp lệ", str(figures.invalid)), ("Số phiếu hợp lệ", str(figures.valid))),
        candidates=tuple(CandidateLine(rank=o.rank, name=ctx.boards[o.candidate].name,
                                       short_name=ctx.boards[o.candidate].short_name, votes=o.votes,
                                       share=format_percent(o.share, "vi"),
                                       result=labels.vietnamese(labels.BALLOT_OUTCOME, o.status), reason=o.reason_vi)
                         for o in result.outcomes),
        result=_result_text(result, ctx), notes=tuple(notes),
        signatures=(("TRƯỞNG BAN KIỂM PHIẾU", committee[0][0] if committee else ""),
                    ("THƯ KÝ", committee[1][0] if len(committee) > 1 else "")),
        recipients=("Các đơn vị thành viên Khối;", "Lưu: VT."),
        footer=_seal_footer(session, round_))
    return ctx.filename("minutes", kind), io.BytesIO(RENDER["minutes", kind](doc))


def ballot_paper(session: Session, round_: BallotRound, kind: str) -> tuple[str, io.BytesIO]:
    """The blank ballot paper: the candidates with a box each, and how many may be marked."""
    ctx = _Context(session, round_)
    candidates = [ctx.boards[i] for i in ballots.candidates(session, round_, ctx.boards)]
    paper = BallotPaper(
        letterhead=Letterhead(parent_body=ctx.letterhead.parent_body, issuing_body=ctx.letterhead.issuing_body,
                              number="", place=ctx.letterhead.place, day=round_.held_on),
        subject=ctx.what[0].upper() + ctx.what[1:], seats=round_.seats,
        candidates=tuple(CandidateLine(rank=None, name=b.name, short_name=b.short_name, votes=0, share="",
                                       result="", reason="") for b in candidates))
    return ctx.filename("ballot", kind), io.BytesIO(RENDER["ballot", kind](paper))


PLEDGE_RENDER = {"docx": pledge.pledge_docx, "pdf": pledge.pledge_pdf}
PLEDGE_DEFAULT = ("Mỗi đơn vị thành viên thi đua phấn đấu hoàn thành vượt mức các chỉ tiêu do Ủy ban nhân dân tỉnh, "
                  "thành phố giao năm {year} và hoàn thành xuất sắc nhiệm vụ chính trị của ngành.")
PLEDGE_ILLUSTRATIVE = ("Dữ liệu minh họa: các chỉ tiêu trong văn bản này là số liệu giả định để trình diễn, "
                       "không phải số liệu công bố.")


def _day_words(day: date | None) -> str:
    """"ngày 26 tháng 02 năm 2018" (Decree 30 padding, as in the letterhead's date line), dotted when unknown."""
    if day is None:
        return "ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _target_text(value: Decimal | None) -> str:
    """"1.234,5": Vietnamese grouping and decimal comma, every stored decimal kept; "…" when not set."""
    return "…" if value is None else format_decimal(value, locale="vi", decimal_quantization=False)


def pledge_paper(session: Session, *, cluster_id: int, year: int, kind: str) -> tuple[str, io.BytesIO]:
    """The cluster-year's pledge with each member's targets and a signature block per member, as DOCX or PDF.

    Raises NotFound when the cluster has no such year, the year has no pledge, or the kind is unknown."""
    cluster_year = years.find(session, cluster_id, year)
    if cluster_year is None or kind not in PLEDGE_RENDER:
        raise NotFound
    the_pledge = session.exec(select(Pledge).where(Pledge.cluster_year_id == cluster_year.id)).first()
    if the_pledge is None:
        raise NotFound
    cluster = session.get(Cluster, cluster_id)
    parent = session.get(Authority, cluster.authority_id) if cluster.authority_id else None
    member_ids = {m.board_id for m in years.memberships(session, cluster_year.id)}
    wanted = member_ids | ({the_pledge.host_board_id} if the_pledge.host_board_id else set())
    boards = {b.id: b for b in session.exec(select(Board).where(col(Board.id).in_(wanted))).all()} if wanted else {}
    indicators = {i.id: i for i in session.exec(select(Indicator).where(
        Indicator.cluster_year_id == cluster_year.id)).all()}
    targets = session.exec(select(Target).where(col(Target.indicator_id).in_(list(indicators)),
                                                col(Target.board_id).in_(member_ids))).all() if indicators else []
    signers = {s.board_id: s.signer for s in session.exec(select(Signature).where(
        Signature.pledge_id == the_pledge.id)).all()}

    catalogue = {i: (ind.position, vi_key(ind.name)) for i, ind in indicators.items()}
    by_board: dict[int, list[Target]] = {}
    for target in targets:
        if target.target is not None or target.source.strip():
            by_board.setdefault(target.board_id, []).append(target)
    members = vi_sorted((boards[i] for i in member_ids), key=lambda b: b.short_name)
    sections = tuple(
        PledgeSection(name=b.name, short_name=b.short_name, lines=tuple(
            TargetLine(group=indicators[t.indicator_id].group, indicator=indicators[t.indicator_id].name,
                       unit=indicators[t.indicator_id].unit, target=_target_text(t.target), source=t.source)
            for t in sorted(by_board.get(b.id, []), key=lambda t: catalogue[t.indicator_id])))
        for b in members)

    host = boards.get(the_pledge.host_board_id)
    place = the_pledge.place or (host.name if host else "") or "…"
    paragraphs = tuple(line.strip() for line in the_pledge.text.splitlines() if line.strip())
    doc = PledgeDoc(
        letterhead=Letterhead(parent_body=parent.name.upper() if parent else "",
                              issuing_body=cluster.name.upper(), number="Số: …/GƯTĐ",
                              place=(host.province if host and host.province else the_pledge.place),
                              day=the_pledge.signed_on),
        subject=f"Thực hiện phong trào thi đua năm {year}",
        opening=(f"Hôm nay, {_day_words(the_pledge.signed_on)}, tại {place}, các đơn vị thành viên {cluster.name} "
                 f"cùng ký kết giao ước thi đua năm {year} với các nội dung sau:"),
        paragraphs=paragraphs or (PLEDGE_DEFAULT.format(year=year),),
        sections=sections,
        notes=(PLEDGE_ILLUSTRATIVE,) if the_pledge.illustrative else (),
        signatures=tuple((b.name, signers.get(b.id, "")) for b in members))
    return f"giao-uoc-thi-dua-{year}.{kind}", io.BytesIO(PLEDGE_RENDER[kind](doc))


# ---- the submission (tờ trình) ----------------------------------------------------------------------------

SUBMISSION_RENDER = {"docx": submission.submission_docx, "pdf": submission.submission_pdf}
DOTS = "…"


def _one(values) -> object | None:
    """The value all the items share, or None when they differ or are all empty."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _share(text: str) -> str:
    """A stored exact share ("2/3") as the paper prints it ("66,7%"); dots when it is missing or unreadable."""
    try:
        return format_percent(Fraction(text), "vi") if text else DOTS
    except (ValueError, ZeroDivisionError):
        return DOTS


def _round_text(session: Session, round_: BallotRound, *, award: AwardType, cluster: Cluster, year: int) -> str:
    """The grounds a round gives: its minutes, date and place, who voted and the threshold passed."""
    when = f"ngày {format_day(round_.held_on) or '…/…/……'} tại {round_.place or '……'}"
    if round_.number > 1:
        return (f"Căn cứ Biên bản kiểm phiếu bầu lại lần {round_.number - 1} {when} giữa các đơn vị bằng phiếu ở "
                f"suất cuối;")
    text = (f"Căn cứ Biên bản kiểm phiếu suy tôn đơn vị đề nghị tặng {award.name_vi} năm {year} của {cluster.name} "
            f"{when}")
    official = ballots.official(ballots.revisions(session, round_.id))
    counts = rounds.read_counts(official.counts) if official is not None else None
    if counts is not None:
        rule = counts.rule
        text += (f": {len(counts.figures.present)}/{len(counts.members)} thành viên có mặt bỏ phiếu; đơn vị được suy "
                 f"tôn đạt {_compare(rule)} {format_percent(Fraction(rule['threshold']), 'vi')} "
                 f"{labels.vietnamese(labels.THRESHOLD_BASE, rule['base'])}")
    return text + ";"


def submission_paper(session: Session, *, cluster_id: int, year: int, award_type_id: int,
                     kind: str) -> tuple[str, io.BytesIO]:
    """The tờ trình listing the boards proposed for an award in a cluster-year, as DOCX or PDF.

    Raises NotFound when the cluster has no such year, the award or the kind is unknown; DomainError when no
    board is proposed for the award that year."""
    cluster_year = years.find(session, cluster_id, year)
    award = session.get(AwardType, award_type_id)
    if cluster_year is None or award is None or kind not in SUBMISSION_RENDER:
        raise NotFound
    proposals = list(session.exec(select(Proposal).where(Proposal.cluster_year_id == cluster_year.id,
                                                         Proposal.award_type_id == award.id)).all())
    if not proposals:
        raise DomainError(_l("No board is proposed for this award in %(year)s: create the proposals from the "
                             "finalised round first.", year=year))
    cluster = session.get(Cluster, cluster_id)
    memberships = years.memberships(session, cluster_year.id)
    head_id = next((m.board_id for m in memberships if m.role == MemberRole.HEAD), None)
    wanted = {p.board_id for p in proposals} | {i for i in (head_id, cluster_year.host_board_id) if i}
    boards = {b.id: b for b in session.exec(select(Board).where(col(Board.id).in_(wanted))).all()}
    round_ids = {p.round_id for p in proposals if p.round_id}
    rounds = {r.id: r for r in session.exec(select(BallotRound).where(col(BallotRound.id).in_(round_ids))).all()
              } if round_ids else {}
    proposals.sort(key=lambda p: (rounds[p.round_id].number if p.round_id in rounds else 99,
                                  -(p.votes or 0), vi_key(boards[p.board_id].short_name)))

    number, day = _one(p.submission_number for p in proposals), _one(p.submission_date for p in proposals)
    authority = session.get(Authority, cluster.authority_id) if cluster.authority_id else None
    on = day or min((r.held_on for r in rounds.values() if r.held_on), default=None)
    if authority is not None and on is not None:
        authority = name_on(authority, on, decisions.successor_of(session))
    is_block = cluster.kind == ClusterKind.KHOI
    head = boards.get(head_id)
    host = head or boards.get(cluster_year.host_board_id)
    to = authority.name if authority else ""
    citation = session.exec(select(VotingRule.citation).where(VotingRule.cluster_year_id == cluster_year.id)).first()
    paragraphs = [f"Căn cứ {citation.rstrip('.;')};"] if citation else []
    paragraphs += [_round_text(session, r, award=award, cluster=cluster, year=year)
                   for r in sorted(rounds.values(), key=lambda r: r.number)]
    via_prime_minister = "thủ tướng" in (award.level or "").casefold()
    paragraphs.append(f"{cluster.name} kính trình {to or 'cấp có thẩm quyền'} xem xét, "
                      f"{'trình Thủ tướng Chính phủ ' if via_prime_minister else ''}tặng {award.name_vi} năm {year} "
                      f"cho {len(proposals)} tập thể có thành tích xuất sắc trong phong trào thi đua năm {year}, "
                      f"cụ thể như sau:")
    doc = submission.SubmissionDoc(
        letterhead=Letterhead(parent_body=to.upper(), issuing_body=cluster.name.upper(),
                              number=f"Số: {number}" if number else f"Số: {DOTS}/TTr-{'KTĐ' if is_block else 'CTĐ'}",
                              place=host.province if host and host.province else "", day=day),
        subject=f"Về việc đề nghị tặng {award.name_vi} năm {year}",
        addressee=f"Kính gửi: {to or DOTS * 3}",
        paragraphs=tuple(paragraphs),
        lines=tuple(submission.SubmissionLine(
            name=boards[p.board_id].name, short_name=boards[p.board_id].short_name,
            votes=DOTS if p.votes is None else str(p.votes),
            share=_share(p.share)) for p in proposals),
        closing=f"Kính trình {to or 'cấp có thẩm quyền'} xem xét, quyết định./.",
        signer_title="TRƯỞNG KHỐI" if is_block else "TRƯỞNG CỤM",
        signer_unit=head.name if head else "",
        recipients=("Như trên;", f"Các đơn vị thành viên {'Khối' if is_block else 'Cụm'};", "Lưu: VT."),
        notes=(ILLUSTRATIVE_COUNTS,) if any(r.illustrative for r in rounds.values()) else ())
    return f"to-trinh-{award.code.lower()}-{year}.{kind}", io.BytesIO(SUBMISSION_RENDER[kind](doc))
