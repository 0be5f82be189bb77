"""The printed papers of a ballot round, worded in Vietnamese as official documents are: the vote-count minutes
(biên bản kiểm phiếu) and the blank ballot paper (phiếu bầu), each as DOCX or PDF."""
import io
import json
from fractions import Fraction

from sqlmodel import Session, select

from tracker.documents import render
from tracker.documents.data import BallotPaper, CandidateLine, Letterhead, MinutesDoc
from tracker.i18n import format_day
from tracker.models import Authority, AwardType, BallotRound, Board, Cluster, ClusterYear, RoundStatus
from tracker.rules import rounds
from tracker.rules.ballot import format_percent
from tracker.services import ballots

RESULT_WORDS = {"elected": "Được suy tôn", "below_threshold": "Không đạt ngưỡng",
                "seats_full": "Đạt ngưỡng, đã đủ suất", "tie_runoff": "Bằng phiếu – bầu lại",
                "no_quorum": "Không đủ số lượng"}
BASE_WORDS = {"members": "tổng số thành viên", "present": "số thành viên có mặt", "valid": "số phiếu hợp lệ"}
RENDER = {("minutes", "docx"): render.minutes_docx, ("minutes", "pdf"): render.minutes_pdf,
          ("ballot", "docx"): render.ballot_docx, ("ballot", "pdf"): render.ballot_pdf}


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


def _rule_text(counts: dict, citation: str) -> str:
    rule = counts["rule"]
    compare = "trên" if rule["strict"] else "từ"
    text = (f"Số thành viên có mặt tối thiểu {rule['quorum']} tổng số thành viên; đơn vị được suy tôn khi đạt "
            f"{compare} {rule['threshold']} {BASE_WORDS[rule['base']]}; số suất: {counts['seats']}; khi bằng phiếu "
            f"ở suất cuối: {'bầu lại' if rule['tie_break'] == 'runoff' else 'xét theo thứ hạng chấm điểm'}.")
    return f"{text} Căn cứ: {citation}." if citation else text


def _result_text(result: dict, ctx: _Context) -> str:
    if not result["quorum_met"]:
        return "Không đủ số thành viên có mặt theo quy chế: không đơn vị nào được suy tôn ở vòng bầu này."
    names = [ctx.boards[i].name for i in result["elected"]]
    text = (f"Căn cứ kết quả kiểm phiếu, {len(names)} đơn vị được suy tôn đề nghị tặng {ctx.award.name_vi}: "
            f"{'; '.join(names)}." if names else "Căn cứ kết quả kiểm phiếu, không đơn vị nào được suy tôn.")
    tied = rounds.tied(result)
    if tied:
        text += (" Các đơn vị bằng phiếu ở suất cuối (" + "; ".join(ctx.boards[i].name for i in tied)
                 + ") được bầu lại.")
    return text


def minutes(session: Session, round_: BallotRound, kind: str) -> tuple[str, io.BytesIO]:
    """The vote-count minutes of the round's current counts (finalised, or a marked draft)."""
    ctx = _Context(session, round_)
    revs = ballots.revisions(session, round_.id)
    revision = next(r for r in revs if r.revision == round_.revision)
    counts = json.loads(revision.counts)
    result = json.loads(revision.result) if revision.result else rounds.result_json(rounds.tally_counts(counts))
    figures = rounds.figures_of(counts)
    citation = ballots.saved_rule(session, ctx.cluster_year).citation
    notes = []
    if round_.status != RoundStatus.FINALISED:
        notes.append("BẢN DỰ THẢO: kết quả chưa được kiểm tra và khóa trên hệ thống.")
    if revision.revision > 1:
        notes.append(f"Biên bản điều chỉnh lần {revision.revision - 1}, thay thế biên bản trước. Lý do: "
                     f"{revision.reason}")
    if round_.illustrative:
        notes.append("Số liệu minh họa: nguồn công bố không nêu số phiếu của từng đơn vị.")
    present = ", ".join(sorted(ctx.boards[i].short_name for i in figures.present))
    committee = _committee(round_.committee)
    doc = MinutesDoc(
        letterhead=ctx.letterhead, subject=f"Kiểm phiếu {ctx.what}",
        opening=(f"Vào ngày {format_day(round_.held_on) or '…/…/……'}, tại {round_.place or '……'}, Ban kiểm phiếu "
                 f"của {ctx.cluster.name} tiến hành kiểm phiếu {ctx.what}."),
        committee=committee, rule=_rule_text(counts, citation),
        counts=(("Tổng số thành viên", str(len(counts["members"]))),
                ("Số thành viên có mặt", f"{len(figures.present)} ({present})"),
                ("Số phiếu phát ra", str(figures.issued)), ("Số phiếu thu về", str(figures.returned)),
                ("Số phiếu không hợp lệ", str(figures.invalid)), ("Số phiếu hợp lệ", str(figures.valid))),
        candidates=tuple(CandidateLine(rank=o["rank"], name=ctx.boards[o["candidate"]].name,
                                       short_name=ctx.boards[o["candidate"]].short_name, votes=o["votes"],
                                       share=format_percent(Fraction(o["share"]), "vi"),
                                       result=RESULT_WORDS[o["status"]], reason=o["reason_vi"])
                         for o in result["outcomes"]),
        result=_result_text(result, ctx), notes=tuple(notes),
        signatures=(("TRƯỞNG BAN KIỂM PHIẾU", committee[0][0] if committee else ""),
                    ("THƯ KÝ", committee[1][0] if len(committee) > 1 else "")),
        recipients=("Các đơn vị thành viên Khối;", "Lưu: VT."),
        footer=(f"Mã kiểm chứng (SHA-256): {round_.chain_head}" if round_.status == RoundStatus.FINALISED else ""))
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
