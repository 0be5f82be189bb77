"""Award types (a catalogue for administrators) and each cluster-year's voting rule and seats."""
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from tracker.models import AwardKind, AwardType, ClusterYear, Seats, VotingRule
from tracker.rules import voting as rules
from tracker.services import years
from tracker.services.catalog import apply_data, check_unique, load_for_edit
from tracker.services.errors import DomainError, check_version

MAX_SEATS = 50


@dataclass
class AwardTypeData:
    """The editable fields of an award type."""

    code: str
    name_vi: str
    name_en: str = ""
    kind: str = AwardKind.CERTIFICATE
    level: str = ""
    precedence: int = 100
    active: bool = True


def award_types(session: Session) -> list[AwardType]:
    """Every award type, highest precedence first."""
    return list(session.exec(select(AwardType).order_by(AwardType.precedence, AwardType.code)).all())


def save_award_type(*, session: Session, award_type_id: int | None, version: int | None,
                    data: AwardTypeData) -> AwardType:
    """Create or update an award type."""
    row = load_for_edit(session, AwardType, award_type_id, version)
    data.code = data.code.upper()
    check_unique(session, AwardType, AwardType.code, data.code, award_type_id, "code",
            _l("Another award type already has the code %(code)s.", code=data.code))
    return apply_data(session, row, data)


def rule_values(row: VotingRule) -> rules.RuleValues:
    """A saved rule as values."""
    return rules.RuleValues(
        quorum=Fraction(row.quorum_num, row.quorum_den), threshold=Fraction(row.threshold_num, row.threshold_den),
        base=row.base, strict=row.strict, tie_break=row.tie_break, second_entry=row.second_entry,
        citation=row.citation)


def effective_rule(session: Session, cluster_id: int, year: int) -> tuple[rules.Effective, VotingRule | None]:
    """The rule of a cluster-year (saved, copied from the latest earlier year, or the defaults) and its row."""
    saved_rows = session.exec(
        select(ClusterYear.year, VotingRule).join(VotingRule, VotingRule.cluster_year_id == ClusterYear.id)
        .where(ClusterYear.cluster_id == cluster_id, ClusterYear.year <= year)
    ).all()
    cy_ids = {row.cluster_year_id: y for y, row in saved_rows}
    codes = {t.id: t.code for t in session.exec(select(AwardType)).all()}
    seats: dict[int, dict[str, int]] = {y: {} for y in cy_ids.values()}
    if cy_ids:
        for seat in session.exec(select(Seats).where(Seats.cluster_year_id.in_(list(cy_ids)))).all():
            seats[cy_ids[seat.cluster_year_id]][codes[seat.award_type_id]] = seat.seats
    saved = {y: (rule_values(row), seats[y]) for y, row in saved_rows}
    own = next((row for y, row in saved_rows if y == year), None)
    return rules.effective(year, saved), own


def save_rule(*, session: Session, cluster_id: int, year: int, version: int | None, rule: rules.RuleValues,
              seats: dict[str, int]) -> VotingRule:
    """Save a cluster-year's rule and seats (the members must be recorded first)."""
    cluster_year = years.find(session, cluster_id, year)
    if cluster_year is None:
        raise DomainError(_l("Record the members of %(year)s first; the rule belongs to that year.", year=year))
    row = session.exec(select(VotingRule).where(VotingRule.cluster_year_id == cluster_year.id)).first()
    if row is None:
        if version not in (None, 0):
            raise DomainError(_l("This rule was deleted meanwhile; reload the page."))
        row = VotingRule(cluster_year_id=cluster_year.id)
    else:
        session.refresh(row, with_for_update=True)
        check_version(row, version)
    if rule.quorum <= 0:
        raise DomainError(_l("The quorum must be more than 0."), "quorum")
    known = {t.code: t for t in award_types(session)}
    for code, count in seats.items():
        if code not in known:
            raise DomainError(_l("Unknown award type %(code)s.", code=code))
        if not 0 <= count <= MAX_SEATS:
            raise DomainError(_l("Seats must be between 0 and %(n)d.", n=MAX_SEATS), f"seats_{code}")
    row.quorum_num, row.quorum_den = rule.quorum.numerator, rule.quorum.denominator
    row.threshold_num, row.threshold_den = rule.threshold.numerator, rule.threshold.denominator
    row.base, row.strict, row.tie_break = rule.base, rule.strict, rule.tie_break
    row.second_entry, row.citation = rule.second_entry, rule.citation
    session.add(row)
    session.flush()
    existing = {s.award_type_id: s for s in session.exec(select(Seats).where(Seats.cluster_year_id == cluster_year.id))}
    for code, award in known.items():
        count = seats.get(code, 0)
        seat = existing.get(award.id)
        if count == 0 and seat is not None:
            session.delete(seat)
        elif count > 0:
            seat = seat or Seats(cluster_year_id=cluster_year.id, award_type_id=award.id)
            seat.seats = count
            session.add(seat)
    session.flush()
    return row
