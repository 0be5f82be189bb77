"""One synthetic cluster across its years: its boards (one may merge into another), and per year the members and
roles, the voting rule and seats, the pledge with its signatures, targets and results, the score sheet, the meetings,
the vote and the proposals. Each cluster draws from its own random generator, so it is the same whatever else runs."""
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from tracker.models import ClusterKind, MeetingKind, MemberRole
from tracker.ops.synthetic import catalogue
from tracker.ops.synthetic.votes import Decisions, Rounds, Submission, Vote, propose
from tracker.ops.synthetic.writer import Writer
from tracker.rules.voting import RuleValues

# Stages of the last year, the year in progress: 0 members only, 1 pledge signed, 2 review held, 3 vote finalised,
# 4 proposals submitted, 5 decided. Every earlier year is decided.
DECIDED = 5
STAGE_SHARES = (0.1, 0.3, 0.2, 0.15, 0.15, 0.1)

# quorum, threshold, base, strict, tie-break; with how often clusters adopt it
RULES = [
    ((Fraction(2, 3), Fraction(1, 2), "members", True, "runoff"), 6),
    ((Fraction(2, 3), Fraction(1, 2), "present", True, "score"), 2),
    ((Fraction(1, 2), Fraction(1, 2), "valid", False, "runoff"), 2),
]


def stages(count: int) -> list[int]:
    """The stages of `count` clusters in the year in progress, spread by STAGE_SHARES (before shuffling)."""
    result = []
    for n in range(count):
        position, bound = (n + 0.5) / count, 0.0
        for stage, share in enumerate(STAGE_SHARES):
            bound += share
            if position < bound or stage == DECIDED:
                result.append(stage)
                break
    return result


@dataclass
class Plan:
    """What every cluster of a run shares."""

    seed: int
    first: int
    last: int
    boards_per_cluster: int
    cluster_digits: int
    board_digits: int
    writer: Writer
    award_ids: dict[str, int]  # award codes by precedence, highest first
    authority_id: int
    decisions: Decisions
    mark: str


@dataclass
class Unit:
    """A synthetic board as the generator knows it."""

    id: int
    name: str
    short_name: str
    kind: str
    province: str
    end: date | None
    quality: float  # how good it is, year after year
    size: int  # its targets in percent of the typical ones
    leader: str


def _tenths(value: int) -> str:
    """Tenths as plain decimal text, as DecimalText stores it: 12345 -> "1234.5", 120 -> "12"."""
    whole, rest = divmod(value, 10)
    return str(whole) if rest == 0 else f"{whole}.{rest}"


class ClusterMaker:
    """Writes one cluster and its years."""

    def __init__(self, plan: Plan, index: int, *, stage: int, merge: bool):
        self.plan, self.index, self.stage, self.merge = plan, index, stage, merge
        self.rng = random.Random(f"{plan.seed}:cluster:{index}")
        self.writer = plan.writer
        self.region, self.provinces = catalogue.REGIONS[index % len(catalogue.REGIONS)]
        self.name = f"{catalogue.CLUSTER_PREFIX}{index + 1:0{plan.cluster_digits}d}"

    def run(self) -> None:
        """Write the cluster, its boards and every year."""
        rng, plan = self.rng, self.plan
        self.cluster_id = self.writer.add("cluster", dict(
            name=self.name, kind=ClusterKind.CUM, region=self.region, authority_id=plan.authority_id,
            description=f"Cụm thi đua mô phỏng của các Ban Quản lý khu công nghiệp, khu kinh tế vùng {self.region}. "
                        f"{plan.mark}.", version=1))
        self.boards = self._boards()
        quorum, threshold, base, strict, tie_break = rng.choices([r for r, _ in RULES], [w for _, w in RULES])[0]
        self.rule = RuleValues(quorum=quorum, threshold=threshold, base=base, strict=strict, tie_break=tie_break,
                               second_entry=False,
                               citation=f"Quy chế hoạt động của {self.name}. {plan.mark}.")
        self.certificates = 3 if plan.boards_per_cluster >= 10 and rng.random() < 0.5 else 2
        self.indicators = sorted(rng.sample(range(len(catalogue.INDICATORS)), rng.randint(3, 5)))
        self.criteria = sorted(rng.sample(range(len(catalogue.CRITERIA)), rng.randint(5, 8)))
        self.offset = rng.randrange(len(self.boards))
        self.previous_review: tuple[date, Unit] | None = None
        for year in range(plan.first, plan.last + 1):
            self._year(year)

    def _boards(self) -> list[Unit]:
        rng, plan, writer = self.rng, self.plan, self.writer
        units = []
        for k in range(plan.boards_per_cluster):
            number = self.index * plan.boards_per_cluster + k + 1
            kind, words = catalogue.BOARD_KINDS[number % len(catalogue.BOARD_KINDS)]
            province = self.provinces[(self.index + k) % len(self.provinces)]
            units.append(Unit(
                id=writer.new_id("board"), name=f"{words} {province} mô phỏng {number:0{plan.board_digits}d}",
                short_name=f"{catalogue.SHORT_PREFIX}{number:0{plan.board_digits}d}", kind=kind, province=province,
                end=None, quality=rng.gauss(0, 1), size=rng.randint(50, 200), leader=catalogue.person(rng)))
        merged = None
        if self.merge:
            ending, successor = rng.sample(units, 2)
            ending.end = date(rng.randint(plan.first, plan.last - 1), 12, 31)
            merged = (ending, successor)
        # A successor is written before the board that merges into it (its foreign key points to it).
        for unit in sorted(units, key=lambda u: u.end is not None):
            note = plan.mark + "."
            if merged and unit is merged[0]:
                note = (f"Sáp nhập vào {merged[1].short_name} từ {unit.end + timedelta(days=1):%d/%m/%Y}. "
                        f"{plan.mark}.")
            writer.add("board", dict(
                id=unit.id, name=unit.name, short_name=unit.short_name, kind=unit.kind,
                province=unit.province, address="", phone="", fax="", email="", website="",
                start_date=date(plan.first - rng.randint(1, 12), rng.randint(1, 12), 1), end_date=unit.end,
                successor_id=merged[1].id if merged and unit is merged[0] else None, note=note,
                cluster_id=self.cluster_id, version=1))
        return units

    def _year(self, year: int) -> None:
        rng, plan, writer = self.rng, self.plan, self.writer
        stage = self.stage if year == plan.last else DECIDED
        members = [u for u in self.boards if u.end is None or u.end.year >= year]
        # The head rotates among the members staying on; the deputy is next year's head.
        staying = [u for u in members if u.end is None or u.end.year > year]
        turn = self.offset + year - plan.first
        head, deputy = staying[turn % len(staying)], staying[(turn + 1) % len(staying)]
        review = date(year, 12, 10) + timedelta(days=rng.randint(0, 80))
        held = stage >= 2
        cy = writer.add("cluster_year", dict(
            cluster_id=self.cluster_id, year=year, host_board_id=head.id, conference_date=review if held else None,
            conference_place=head.name if held else "", note=plan.mark + ".", version=1))
        for unit in members:
            role = MemberRole.HEAD if unit is head else MemberRole.DEPUTY if unit is deputy else MemberRole.MEMBER
            writer.add("membership", dict(cluster_year_id=cy, board_id=unit.id, role=role, assumed=True))
        r = self.rule
        writer.add("voting_rule", dict(
            cluster_year_id=cy, quorum_num=r.quorum.numerator, quorum_den=r.quorum.denominator,
            threshold_num=r.threshold.numerator, threshold_den=r.threshold.denominator, base=r.base,
            strict=r.strict, tie_break=r.tie_break, second_entry=r.second_entry, citation=r.citation, version=1))
        seats = {"CO_BO": 1, "BK_BO": self.certificates}
        if "CO_CP" in plan.award_ids and len(members) >= 5 and rng.random() < 0.15:
            seats["CO_CP"] = 1
        seats = {code: n for code, n in seats.items() if code in plan.award_ids}
        for code, n in seats.items():
            writer.add("seats", dict(cluster_year_id=cy, award_type_id=plan.award_ids[code], seats=n))
        if stage >= 1:
            self._pledge(cy, year, members, head, deputy, results=held)
        totals = self._scores(cy, members, scored=held) if stage >= 1 else {}
        if held:
            present = self._present(members, head, review)
            self._meeting(cy, MeetingKind.YEAREND, review, head, present, catalogue.YEAREND_SUMMARY.format(
                year=year, mark=plan.mark), "Bỏ phiếu kín suy tôn các đơn vị đề nghị khen thưởng.")
            self._vote(cy, year, stage, members, present, totals, seats, review, head)
        self.previous_review = (review, head)

    def _present(self, members: list[Unit], head: Unit, day: date) -> list[Unit]:
        """The members at a meeting: not a board ended by then, and now and then one member excused."""
        present = [u for u in members if u.end is None or u.end >= day]
        if len(present) >= 6 and self.rng.random() < 0.25:
            absent = self.rng.choice([u for u in present if u is not head])
            present = [u for u in present if u is not absent]
        return present

    def _meeting(self, cy: int, kind: str, day: date, host: Unit, present: list[Unit], summary: str,
                 decisions: str) -> None:
        meeting = self.writer.add("meeting", dict(
            cluster_year_id=cy, kind=kind, held_on=day, place=host.name, host_board_id=host.id,
            delegates=2 * len(present) + self.rng.randint(0, 10), summary=summary, decisions=decisions, version=1))
        for unit in sorted(present, key=lambda u: u.id):
            self.writer.add("meeting_board", dict(meeting_id=meeting, board_id=unit.id))

    def _pledge(self, cy: int, year: int, members: list[Unit], head: Unit, deputy: Unit, *, results: bool) -> None:
        """The pledge, signed at the review of the year before (or early in the year), its meeting and targets."""
        rng, plan, writer = self.rng, self.plan, self.writer
        if self.previous_review is not None and self.previous_review[1] in members:
            day, host = self.previous_review
        else:
            day, host = date(year, 1, 10) + timedelta(days=rng.randint(0, 50)), head
        pledge = writer.add("pledge", dict(
            cluster_year_id=cy, signed_on=day, place=host.name, host_board_id=host.id,
            text=catalogue.PLEDGE_TEXT.format(cluster=self.name, year=year, mark=plan.mark), illustrative=True,
            version=1))
        for unit in members:
            signed = rng.random() < 0.97
            title = "Trưởng ban" if rng.random() < 0.8 else "Phó Trưởng ban"
            writer.add("signature", dict(pledge_id=pledge, board_id=unit.id, signed=signed,
                                         signer=f"{unit.leader}, {title}" if signed else ""))
        self._meeting(cy, MeetingKind.PLEDGE, day, host, self._present(members, head, day),
                      catalogue.PLEDGE_SUMMARY.format(year=year, mark=plan.mark),
                      f"Các đơn vị thành viên ký giao ước thi đua năm {year}.")
        if rng.random() < 0.4:
            midyear = date(year, 7, 5) + timedelta(days=rng.randint(0, 25))
            self._meeting(cy, MeetingKind.MIDYEAR, midyear, deputy, self._present(members, head, midyear),
                          catalogue.MIDYEAR_SUMMARY.format(year=year, mark=plan.mark), "")
        growth = 100 + 6 * (year - plan.first)
        sources = {}
        for unit in members:
            day = date(year, 1, 5) + timedelta(days=rng.randint(0, 25))
            sources[unit.id] = (f"Quyết định số {rng.randint(1, 300)}/QĐ-UBND ngày {day:%d/%m/%Y} của UBND "
                                f"{unit.province}")
        for position, k in enumerate(self.indicators, start=1):
            name, unit_of_measure, direction, typical, group = catalogue.INDICATORS[k]
            indicator = writer.add("indicator", dict(cluster_year_id=cy, position=position, group=group, name=name,
                                                     unit=unit_of_measure, direction=direction, version=1))
            for unit in members:
                if unit_of_measure == "%":
                    target = min(1000, typical + rng.randint(-100, 50))
                else:
                    target = max(1, typical * unit.size // 100 * (growth if direction == "higher" else 100) // 100)
                actual = None
                if results:
                    factor = max(70, min(160, 100 + round(6 * unit.quality + rng.gauss(4, 9))))
                    actual = target * factor // 100 if direction == "higher" else target * 100 // factor
                    if unit_of_measure == "%":
                        actual = min(1000, actual)
                writer.add("target", dict(indicator_id=indicator, board_id=unit.id, target=_tenths(target),
                                          source=sources[unit.id], actual=_tenths(actual) if results else None,
                                          version=1))

    def _scores(self, cy: int, members: list[Unit], *, scored: bool) -> dict[int, Decimal]:
        """The score sheet and, once the year is reviewed, every member's scores; the agreed totals."""
        rng, writer = self.rng, self.writer
        ability = {u.id: u.quality + rng.gauss(0, 0.6) for u in members}
        totals: dict[int, Decimal] = {}
        for position, k in enumerate(self.criteria, start=1):
            name, points, group = catalogue.CRITERIA[k]
            criterion = writer.add("criterion", dict(cluster_year_id=cy, position=position, group=group,
                                                     code=str(position), name=name, max_points=str(points),
                                                     version=1))
            if not scored:
                continue
            top = points * 10
            for unit in members:
                agreed = round(top * (0.8 + 0.06 * ability[unit.id] + rng.gauss(0, 0.04)))
                agreed = max(top * 4 // 10, min(top, agreed)) // 5 * 5
                own = min(top, agreed + rng.choice((0, 0, 5, 10)))
                text = _tenths(agreed)
                writer.add("score", dict(criterion_id=criterion, board_id=unit.id, self_score=_tenths(own),
                                         agreed=text, version=1))
                totals[unit.id] = totals.get(unit.id, Decimal(0)) + Decimal(text)
        return totals

    def _vote(self, cy: int, year: int, stage: int, members: list[Unit], present: list[Unit],
              totals: dict[int, Decimal], seats: dict[str, int], review: date, head: Unit) -> None:
        rng, plan = self.rng, self.plan
        committee = "\n".join([f"{catalogue.person(rng)} ({head.short_name}) – Trưởng ban kiểm phiếu",
                               f"{catalogue.person(rng)} – Thành viên", f"{catalogue.person(rng)} – Thành viên"])
        strength = {u.id: float(totals.get(u.id, 0)) + 3 * u.quality - (100 if u.end and u.end < review else 0)
                    for u in members}
        vote = Vote(cluster_year_id=cy, year=year, rule=self.rule, members=sorted(u.id for u in members),
                    present=frozenset(u.id for u in present), totals=totals, strength=strength, held_on=review,
                    place=head.name, committee=committee)
        finalise = stage >= 3
        elected = Rounds(self.writer, rng, plan.award_ids).run(vote, seats, finalise=finalise,
                                                                enter=finalise or rng.random() < 0.5)
        if not finalise:
            return
        day = review + timedelta(days=rng.randint(5, 25))
        submission = Submission({3: "draft", 4: "submitted"}.get(stage, "decided"),
                                f"{rng.randint(1, 60)}/TTr-CTĐ", day)
        propose(self.writer, rng, plan.decisions, plan.award_ids, cluster_year_id=cy, year=year, elected=elected,
                submission=submission, mark=plan.mark)
