"""The submission (tờ trình) of a cluster-year proposing its boards for one award, worded in Vietnamese as official
papers are, as DOCX or PDF."""
import io
import json
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from tracker.documents import submission
from tracker.documents.data import Letterhead
from tracker.i18n import format_day
from tracker.models import (
    Authority,
    AwardType,
    BallotRound,
    Board,
    Cluster,
    ClusterKind,
    MemberRole,
    Proposal,
    VotingRule,
)
from tracker.rules.authorities import name_on
from tracker.rules.ballot import format_percent
from tracker.rules.text import vi_key
from tracker.services import ballots, decisions, years
from tracker.services.errors import DomainError, NotFound
from tracker.services.papers import BASE_WORDS

RENDER = {"docx": submission.submission_docx, "pdf": submission.submission_pdf}
DOTS = "…"
ILLUSTRATIVE = "Số liệu minh họa: nguồn công bố không nêu số phiếu của từng đơn vị."


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
    if official is not None and official.counts:
        counts = json.loads(official.counts)
        rule = counts["rule"]
        compare = "trên" if rule["strict"] else "từ"
        text += (f": {len(counts['present'])}/{len(counts['members'])} thành viên có mặt bỏ phiếu; đơn vị được suy "
                 f"tôn đạt {compare} {format_percent(Fraction(rule['threshold']), 'vi')} "
                 f"{BASE_WORDS.get(rule['base'], rule['base'])}")
    return text + ";"


def submission_paper(session: Session, *, cluster_id: int, year: int, award_type_id: int,
                     kind: str) -> tuple[str, io.BytesIO]:
    """The tờ trình listing the boards proposed for an award in a cluster-year, as DOCX or PDF.

    Raises NotFound when the cluster has no such year, the award or the kind is unknown; DomainError when no
    board is proposed for the award that year."""
    cluster_year = years.find(session, cluster_id, year)
    award = session.get(AwardType, award_type_id)
    if cluster_year is None or award is None or kind not in RENDER:
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
        notes=(ILLUSTRATIVE,) if any(r.illustrative for r in rounds.values()) else ())
    return f"to-trinh-{award.code.lower()}-{year}.{kind}", io.BytesIO(RENDER[kind](doc))
