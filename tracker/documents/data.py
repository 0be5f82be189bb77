"""Plain, frozen inputs for the printed papers: no Flask, no database, only text the caller has already worded."""
import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Letterhead:
    parent_body: str  # upper case line 1 top-left, e.g. "BỘ TÀI CHÍNH" (may be "")
    issuing_body: str  # bold upper case line 2 top-left
    number: str  # e.g. "Số: …/BB-KTĐ" (may be "" for the ballot paper)
    place: str  # e.g. "Tây Ninh" (may be "")
    day: datetime.date | None  # None → "…, ngày … tháng … năm …"


@dataclass(frozen=True)
class CandidateLine:
    rank: int | None  # competition rank by votes (None on a ballot paper)
    name: str  # the board's full name
    short_name: str  # e.g. "DIZA"
    votes: int
    share: str  # already formatted, e.g. "66,7%"
    result: str  # short status, e.g. "Được suy tôn", "Không đạt"
    reason: str  # e.g. "6/9 thành viên = 66,7% > 50% → được suy tôn (hạng 1)"


@dataclass(frozen=True)
class MinutesDoc:
    letterhead: Letterhead
    subject: str  # under the title
    opening: str  # time/place paragraph
    committee: tuple[tuple[str, str], ...]  # (name, role); empty → dotted lines for 3 people
    rule: str  # the voting rule in words with the regulation citation
    counts: tuple[tuple[str, str], ...]  # (label, value): members, present, issued, returned, invalid, valid
    candidates: tuple[CandidateLine, ...]
    result: str  # the conclusion paragraph
    notes: tuple[str, ...] = ()  # extra paragraphs (illustrative data, amendment number and reason, ...)
    signatures: tuple[tuple[str, str], ...] = ()  # (title, name); name "" → room to sign by hand
    recipients: tuple[str, ...] = ()  # "Nơi nhận:" list bottom left
    footer: str = ""  # printed at the foot of every page, e.g. the verification hash; "" → page number only
    closing: str = ""  # last body sentence; "" → the usual "Biên bản được lập xong lúc … giờ … cùng ngày, …"


@dataclass(frozen=True)
class BallotPaper:
    letterhead: Letterhead
    subject: str  # e.g. "Suy tôn đơn vị đề nghị tặng Bằng khen của Bộ trưởng năm 2017"
    seats: int
    candidates: tuple[CandidateLine, ...]  # only name/short_name are used
    instruction: str = ""  # "" → "Đánh dấu (X) vào ô ...; chọn tối đa {seats} đơn vị. ..."


@dataclass(frozen=True)
class TargetLine:
    group: str  # the indicator's group (may be ""); a new group opens a sub-heading row
    indicator: str  # e.g. "Vốn đầu tư thu hút"
    unit: str  # e.g. "triệu USD" (may be "")
    target: str  # already formatted, e.g. "1.234,5" ("…" when the value is not known)
    source: str  # the document that set it, e.g. "Quyết định 12/QĐ-UBND ngày 10/01/2018" (may be "")


@dataclass(frozen=True)
class PledgeSection:
    name: str  # the board's full name
    short_name: str  # e.g. "DIZA"
    lines: tuple[TargetLine, ...]  # empty → "Chưa ghi nhận chỉ tiêu."


@dataclass(frozen=True)
class PledgeDoc:
    letterhead: Letterhead
    subject: str  # under the title, e.g. "Thực hiện phong trào thi đua năm 2018"
    opening: str  # date/place paragraph ending "… với các nội dung sau:"
    paragraphs: tuple[str, ...]  # the pledge's text, one paragraph each
    sections: tuple[PledgeSection, ...]  # one per member board, in the order printed
    notes: tuple[str, ...] = ()  # extra paragraphs after the targets (illustrative data, ...)
    signatures: tuple[tuple[str, str], ...] = ()  # (board name, signer); signer "" → room to sign by hand
