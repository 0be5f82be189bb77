"""Eligibility: the rules in force, each candidate's situation loaded from the records, the warnings shown on ballot
candidates and on proposals, and the administrators' catalogue of rules.

Warnings never refuse anything: a proposal that breaks a rule goes ahead with an explicit override and its reason
(tracker.services.proposals.override)."""
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from tracker.models import (
    Award,
    AwardKind,
    AwardType,
    BallotRevision,
    BallotRound,
    Board,
    ClusterYear,
    EligibilityRule,
    Membership,
    Proposal,
    ProposalStatus,
    RoundStatus,
)
from tracker.rules import eligibility as rules
from tracker.rules import rounds
from tracker.rules.text import normalise
from tracker.services import ballots
from tracker.services.catalog import apply_data, get, load_for_edit
from tracker.services.errors import DomainError, check_version

MAX_CITATION = 1000  # the model's citation

@dataclass
class RuleData:
    """The editable fields of an eligibility rule."""

    kind: str
    award_type_id: int | None = None
    required_award_type_id: int | None = None
    count: int | None = None
    citation: str = ""
    from_year: int | None = None
    to_year: int | None = None
    active: bool = True


@dataclass(frozen=True)
class RuleWarning:
    """A rule a candidate or a proposal breaks: the stored rule's id, its kind and citation, and the message in the
    user's language (a lazy string, rendered in the language of the page showing it)."""

    rule_id: int | None
    kind: str
    citation: str
    message: object


def award_types(session: Session) -> dict[int, AwardType]:
    """Every award type by id."""
    return {t.id: t for t in session.exec(select(AwardType)).all()}


def as_rule(row: EligibilityRule, types: dict[int, AwardType]) -> rules.Rule:
    """A stored rule as the pure rule the checks take (awards by code)."""
    def code(type_id: int | None) -> str | None:
        return types[type_id].code if type_id in types else None

    return rules.Rule(kind=row.kind, award=code(row.award_type_id), required=code(row.required_award_type_id),
                      count=row.count, citation=row.citation, from_year=row.from_year, to_year=row.to_year,
                      active=row.active, id=row.id)


def rules_in_force(session: Session, year: int, types: dict[int, AwardType] | None = None) -> list[rules.Rule]:
    """The active rules in force for achievements of `year`, in the order they were added."""
    types = award_types(session) if types is None else types
    query = (select(EligibilityRule).where(col(EligibilityRule.active))
             .where(or_(col(EligibilityRule.from_year).is_(None), EligibilityRule.from_year <= year))
             .where(or_(col(EligibilityRule.to_year).is_(None), EligibilityRule.to_year >= year))
             .order_by(EligibilityRule.id))
    return [as_rule(row, types) for row in session.exec(query).all()]


def all_rules(session: Session) -> list[EligibilityRule]:
    """Every stored rule, active or not, in the order they were added."""
    return list(session.exec(select(EligibilityRule).order_by(EligibilityRule.id)).all())


@dataclass
class _Year:
    """What the checks of one cluster-year need, loaded once for several candidates."""

    cluster_year: ClusterYear
    types: dict[int, AwardType]
    rules: list[rules.Rule]
    awards: list = field(default_factory=list)  # (board, award type, year, proposal) rows
    proposals: list = field(default_factory=list)  # (id, board, award type, cluster-year, status) rows
    elected: dict[int, set[int]] = field(default_factory=dict)  # award type -> boards elected in finalised rounds


def _load(session: Session, cluster_year: ClusterYear, board_ids: Iterable[int]) -> _Year:
    """Load, in five queries whatever the number of boards, the award types, the rules in force, the boards' awards
    up to the year (and the awards of the year of every member), the proposals of the cluster-year and the boards'
    proposals of the same year elsewhere, and who was elected in the cluster-year's finalised rounds."""
    ids = sorted(set(board_ids))
    year = cluster_year.year
    types = award_types(session)
    loaded = _Year(cluster_year, types, rules_in_force(session, year, types))
    members = select(Membership.board_id).where(Membership.cluster_year_id == cluster_year.id)
    loaded.awards = session.exec(
        select(Award.board_id, Award.award_type_id, Award.year, Award.proposal_id)
        .where(or_(and_(col(Award.board_id).in_(ids), Award.year <= year),
                   and_(col(Award.board_id).in_(members), Award.year == year)))).all()
    loaded.proposals = session.exec(
        select(Proposal.id, Proposal.board_id, Proposal.award_type_id, Proposal.cluster_year_id, Proposal.status)
        .join(ClusterYear, ClusterYear.id == Proposal.cluster_year_id)
        .where(or_(Proposal.cluster_year_id == cluster_year.id,
                   and_(col(Proposal.board_id).in_(ids), ClusterYear.year == year)))).all()
    finalised = session.exec(
        select(BallotRound.id, BallotRound.award_type_id, BallotRevision.result)
        .join(BallotRevision, BallotRevision.round_id == BallotRound.id)
        .where(BallotRound.cluster_year_id == cluster_year.id, BallotRound.status == RoundStatus.FINALISED,
               col(BallotRevision.finalised_at).is_not(None))
        .order_by(BallotRound.id, BallotRevision.revision)).all()
    official = {round_id: (award_type_id, result) for round_id, award_type_id, result in finalised}  # the latest
    for award_type_id, result in official.values():
        read = rounds.read_result(result)
        if read is not None:  # a stored result that cannot be read elects nobody here (verify names it)
            loaded.elected.setdefault(award_type_id, set()).update(read.elected)
    return loaded


def _situation(loaded: _Year, board_id: int, award_type_id: int) -> rules.Situation:
    """The situation of one board for one award of the loaded cluster-year (see rules.eligibility.Situation).
    An award that answers this very proposal (granted, perhaps as another form) is not held against it, and a
    proposal that was not granted no longer claims the achievement."""
    year, types, cluster_year_id = loaded.cluster_year.year, loaded.types, loaded.cluster_year.id
    own = {p.id for p in loaded.proposals
           if (p.board_id, p.award_type_id, p.cluster_year_id) == (board_id, award_type_id, cluster_year_id)}
    held: dict[int, set[str]] = {}
    taken: set[int] = set()
    for a in loaded.awards:
        if a.board_id == board_id and (a.proposal_id is None or a.proposal_id not in own):
            held.setdefault(a.year, set()).add(types[a.award_type_id].code)
        if a.year == year and a.award_type_id == award_type_id:
            taken.add(a.board_id)
    for p in loaded.proposals:
        if p.board_id == board_id and p.status != ProposalStatus.NOT_GRANTED:
            held.setdefault(year, set()).add(types[p.award_type_id].code)
        if p.cluster_year_id == cluster_year_id and p.award_type_id == award_type_id:
            taken.add(p.board_id)
    leads = False
    for elected_type, boards in loaded.elected.items():
        if board_id in boards:
            held.setdefault(year, set()).add(types[elected_type].code)
            leads = leads or (types[elected_type].kind == AwardKind.FLAG and elected_type != award_type_id)
    taken |= loaded.elected.get(award_type_id, set())
    taken.discard(board_id)
    return rules.Situation(board=board_id, award=types[award_type_id].code, year=year,
                           held={y: frozenset(codes) for y, codes in held.items()}, leads=leads, taken=len(taken))


def situation_for(session: Session, *, cluster_year_id: int, board_id: int, award_type_id: int) -> rules.Situation:
    """A board's situation as a candidate for an award in a cluster-year, loaded in a fixed number of queries."""
    cluster_year = get(session, ClusterYear, cluster_year_id)
    return _situation(_load(session, cluster_year, [board_id]), board_id, award_type_id)


def _names(codes: Iterable[str], types: dict[int, AwardType]) -> str:
    by_code = {t.code: t.name_vi for t in types.values()}
    return ", ".join(by_code.get(code, code) for code in codes)


def _message(violation: rules.Violation, types: dict[int, AwardType]):
    """The violation in words, in the user's language."""
    p = violation.params
    key = violation.message_key
    if key == rules.ONE_PER_YEAR:
        return _l("One achievement earns one form of award: this board already has or is proposed for %(others)s "
                  "for %(year)s.", others=_names(p["others"], types), year=p["year"])
    if key == rules.LEADS_CLUSTER:
        return _l("%(award)s goes only to a board elected to lead its cluster in %(year)s (elected for a flag in a "
                  "finalised round of the cluster-year); this board was not.", award=_names([p["award"]], types),
                  year=p["year"])
    if key == rules.NEEDS_PREVIOUS:
        return _l("%(award)s needs %(required)s in each of the %(count)s previous years; missing in %(missing)s.",
                  award=_names([p["award"]], types), required=_names([p["required"]], types), count=p["count"],
                  missing=", ".join(str(y) for y in p["missing"]))
    return _l("At most %(count)s boards of a cluster-year for %(award)s; %(taken)s other boards are already proposed, "
              "elected or awarded for %(year)s.", count=p["count"], award=_names([p["award"]], types),
              taken=p["taken"], year=p["year"])


def _warnings(loaded: _Year, board_id: int, award_type_id: int) -> list[RuleWarning]:
    found = rules.check(loaded.rules, _situation(loaded, board_id, award_type_id))
    return [RuleWarning(v.rule.id, v.rule.kind, v.rule.citation, _message(v, loaded.types)) for v in found]


def warnings_for_round(session: Session, round_: BallotRound,
                       candidates: Iterable[int] | None = None) -> dict[int, list[RuleWarning]]:
    """The warnings of every candidate of a ballot round, by board id (an empty list for a candidate that breaks no
    rule), in a fixed number of queries whatever the number of candidates. `candidates` defaults to the round's
    candidates (tracker.services.ballots.candidates); pass them when already known."""
    if candidates is None:
        boards = {b.id: b for b in session.exec(select(Board)).all()}
        candidates = ballots.candidates(session, round_, boards)
    ids = list(dict.fromkeys(candidates))
    loaded = _load(session, get(session, ClusterYear, round_.cluster_year_id), ids)
    return {board_id: _warnings(loaded, board_id, round_.award_type_id) for board_id in ids}


def warnings_for_proposals(session: Session, cluster_year: ClusterYear,
                           proposals: Iterable[Proposal]) -> dict[int, list[RuleWarning]]:
    """The warnings of a cluster-year's proposals, by proposal id, in a fixed number of queries."""
    proposals = list(proposals)
    loaded = _load(session, cluster_year, [p.board_id for p in proposals])
    return {p.id: _warnings(loaded, p.board_id, p.award_type_id) for p in proposals}


def warnings_for_proposal(session: Session, proposal: Proposal) -> list[RuleWarning]:
    """The warnings of a proposal: the rules in force for its year that its board breaks for its award."""
    loaded = _load(session, get(session, ClusterYear, proposal.cluster_year_id), [proposal.board_id])
    return _warnings(loaded, proposal.board_id, proposal.award_type_id)


PROBLEM_MESSAGES = {
    "unknown_kind": _l("Choose a kind of rule from the list."),
    "award_needed": _l("Choose the award this rule applies to."),
    "required_needed": _l("Choose the award needed in the previous years."),
    "previous_out_of_range": _l("Enter a number of years from 1 to %(n)d.", n=rules.MAX_PREVIOUS),
    "count_out_of_range": _l("Enter a number from 1 to %(n)d.", n=rules.MAX_COUNT),
    "year_out_of_range": _l("Enter a year between %(first)d and %(last)d.", first=rules.FIRST_YEAR,
                            last=rules.LAST_YEAR),
    "years_reversed": _l("The last year must not be before the first year."),
}
PROBLEM_FIELDS = {"award": "award_type_id", "required": "required_award_type_id"}


def save_rule(*, session: Session, rule_id: int | None, version: int | None, data: RuleData) -> EligibilityRule:
    """Create or update an eligibility rule, checked for its kind: needs_previous needs the required award and a
    count of 1 to 20 years, leads_cluster and max_per_year their award, max_per_year a count of at least 1; the
    years in force are in order. Values a kind does not use are cleared."""
    row = load_for_edit(session, EligibilityRule, rule_id, version)
    types = award_types(session)
    data.citation = normalise(data.citation or "")
    if data.kind in (rules.ONE_PER_YEAR, rules.LEADS_CLUSTER, rules.MAX_PER_YEAR):
        data.required_award_type_id = None
    if data.kind in (rules.ONE_PER_YEAR, rules.LEADS_CLUSTER):
        data.count = None
    errors: dict[str | None, list] = {}
    for name in ("award_type_id", "required_award_type_id"):
        if getattr(data, name) is not None and getattr(data, name) not in types:
            errors.setdefault(name, []).append(_l("Choose a value from the list."))
    if not data.citation:
        errors.setdefault("citation", []).append(_l("Give the legal citation of the rule."))
    elif len(data.citation) > MAX_CITATION:
        errors.setdefault("citation", []).append(_l("At most %(max)d characters.", max=MAX_CITATION))
    pure = rules.Rule(kind=data.kind, award=types[data.award_type_id].code if data.award_type_id in types else None,
                      required=types[data.required_award_type_id].code
                      if data.required_award_type_id in types else None,
                      count=data.count, from_year=data.from_year, to_year=data.to_year)
    for name, code in rules.problems(pure):
        name = PROBLEM_FIELDS.get(name, name)
        if name not in errors:  # one message per field: "choose from the list" says enough
            errors.setdefault(name, []).append(PROBLEM_MESSAGES[code])
    if errors:
        raise DomainError(None, errors=errors)
    return apply_data(session, row, data)


def delete_rule(*, session: Session, rule_id: int, version: int | None) -> None:
    """Delete an eligibility rule (to keep it on record but stop it, make it inactive instead)."""
    row = get(session, EligibilityRule, rule_id, for_update=True)
    check_version(row, version)
    session.delete(row)
    session.flush()
