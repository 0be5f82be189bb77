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
