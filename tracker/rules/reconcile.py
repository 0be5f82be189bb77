"""What was proposed against what was granted: pairing a board's proposals with its awards of the same
achievement year, the statuses that pairing gives the proposals, and the reconciliation of a cluster-year.

Plain values in, plain values out: proposals and awards are tuples of ids (their order is the order of
preference: pass the highest award first), nothing is read from or written to a database here.
"""
import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

DRAFT, SUBMITTED, GRANTED, GRANTED_OTHER, NOT_GRANTED = "draft", "submitted", "granted", "granted_other", "not_granted"
DECIDED = (GRANTED, GRANTED_OTHER)  # statuses a proposal has only because an award answers it


class Proposed(NamedTuple):
    """A proposal: its id, the board, the award type asked for, the achievement year, its status."""

    id: int
    board: int
    award: int
    year: int
    status: str


class Granted(NamedTuple):
    """An award: its id, the board, the award type granted, the achievement year, its decision (None: a record
    kept before the tracker)."""

    id: int
    board: int
    award: int
    year: int
    decision: int | None


class Outcome(enum.StrEnum):
    """How one line of a reconciliation ends."""

    GRANTED = "granted"  # granted as proposed
    OTHER_FORM = "granted_other"  # granted, as another form of award than the one proposed
    NOT_GRANTED = "not_granted"  # proposed and submitted, no award recorded
    UNPROPOSED = "unproposed"  # an award no proposal asked for


@dataclass(frozen=True)
class Line:
    """One line: a proposal with the award that answers it, a proposal without one, or an award without one."""

    outcome: Outcome
    proposal: Proposed | None
    award: Granted | None


def match(proposals: Sequence[Proposed], awards: Sequence[Granted]) -> list[Line]:
    """Pair proposals with awards of the same board and achievement year; every proposal and every award is in
    exactly one line.

    An award of the award type proposed answers that proposal first; a board's proposals still unanswered then
    take its remaining awards of that year in the order given (granted as another form). The lines follow the
    proposals' order, then the awards nobody proposed in their order.
    """
    answer: dict[int, tuple[Outcome, Granted]] = {}
    used: set[int] = set()
    exact: dict[tuple[int, int, int], list[Granted]] = {}
    for award in awards:
        exact.setdefault((award.board, award.award, award.year), []).append(award)
    for proposal in proposals:
        waiting = exact.get((proposal.board, proposal.award, proposal.year))
        if waiting:
            award = waiting.pop(0)
            answer[proposal.id] = (Outcome.GRANTED, award)
            used.add(award.id)
    for proposal in proposals:
        if proposal.id in answer:
            continue
        award = next((a for a in awards if a.id not in used and (a.board, a.year) == (proposal.board, proposal.year)),
                     None)
        if award is not None:
            answer[proposal.id] = (Outcome.OTHER_FORM, award)
            used.add(award.id)
    lines = []
    for proposal in proposals:
        outcome, award = answer.get(proposal.id, (Outcome.NOT_GRANTED, None))
        lines.append(Line(outcome, proposal, award))
    lines.extend(Line(Outcome.UNPROPOSED, None, a) for a in awards if a.id not in used)
    return lines


@dataclass(frozen=True)
class Settlement:
    """What saving or removing awards changes: the proposal each award now answers (None for none) and the new
    status of each proposal whose status changes."""

    links: dict[int, int | None]
    statuses: dict[int, str]


def settle(proposals: Sequence[Proposed], awards: Sequence[Granted], linked_before: Collection[int]) -> Settlement:
    """The links and statuses after a board's awards of a year changed.

    A proposal answered by an award becomes granted (same award type) or granted as another form; a proposal that
    was answered before (its id in `linked_before`) and no longer is goes back to submitted. Other proposals keep
    their status: "not granted" or a draft is never changed here.
    """
    links: dict[int, int | None] = {}
    statuses: dict[int, str] = {}
    for line in match(proposals, awards):
        if line.award is not None:
            links[line.award.id] = line.proposal.id if line.proposal is not None else None
        if line.proposal is None:
            continue
        if line.outcome in (Outcome.GRANTED, Outcome.OTHER_FORM):
            wanted = GRANTED if line.outcome == Outcome.GRANTED else GRANTED_OTHER
        elif line.proposal.id in linked_before and line.proposal.status in DECIDED:
            wanted = SUBMITTED
        else:
            continue
        if wanted != line.proposal.status:
            statuses[line.proposal.id] = wanted
    return Settlement(links, statuses)


def reconcile(proposals: Sequence[Proposed], awards: Iterable[Granted], *, year: int,
              members: Collection[int]) -> list[Line]:
    """The reconciliation of a cluster-year: each of its proposals with the award that answered it (as proposed,
    as another form, or none), then the awards of that achievement year to its member boards that no proposal
    asked for.

    Drafts without an award were never sent, so they are left out; an award to a board that was not a member,
    or for another year, is not this cluster-year's business unless one of its proposals asked for it.
    """
    lines = match(proposals, list(awards))
    return [line for line in lines
            if (line.proposal is not None and (line.award is not None or line.proposal.status != DRAFT))
            or (line.proposal is None and line.award.board in members and line.award.year == year)]


def counts(lines: Iterable[Line]) -> dict[Outcome, int]:
    """How many lines of each outcome (every outcome present, zero when none)."""
    tally = dict.fromkeys(Outcome, 0)
    for line in lines:
        tally[line.outcome] += 1
    return tally
