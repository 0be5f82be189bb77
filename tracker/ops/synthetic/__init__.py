"""Synthetic data at national scale, for measuring speed: clusters of boards over many years with everything the
yearly cycle records (members, pledges with targets and results, scores, meetings, finalised votes with their hash
chains, proposals, decisions and awards), the last year left in progress. Deterministic for a seed: every value and
every timestamp comes from random.Random(seed) and the years, never from the clock, so the same seed into the same
database gives the same rows. Every cluster, board, pledge and round says it is synthetic.

Written with SQLAlchemy Core bulk inserts and ids handed out here (tracker.ops.synthetic.writer): ORM objects
per row would take many times longer at 300 clusters x 12 boards x 20 years."""
import random
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select

from tracker.models import Authority, AwardType, BallotEvent, BallotRound, Board, Cluster, Decision
from tracker.ops.demo import AUTHORITIES
from tracker.ops.synthetic import catalogue
from tracker.ops.synthetic.maker import ClusterMaker, Plan, stages
from tracker.ops.synthetic.votes import Authorities, Decisions
from tracker.ops.synthetic.writer import Writer
from tracker.services import seals
from tracker.services.errors import DomainError
from tracker.services.years import MAX_YEAR, MIN_YEAR

MAX_CLUSTERS, MAX_BOARDS, MAX_YEARS = 9999, 99, 100
MINISTRY, SUCCESSOR, PRIME_MINISTER = (a["name"] for a in AUTHORITIES)  # Bộ KH&ĐT, then Bộ Tài chính; Thủ tướng


@dataclass(frozen=True)
class Summary:
    """What a run wrote: rows per table, the years and the seed."""

    counts: dict[str, int]
    first_year: int
    last_year: int
    seed: int


def check_options(*, clusters: int, boards_per_cluster: int, years: int, last_year: int) -> None:
    """Refuse sizes the generator cannot make sense of, naming the bounds."""
    if not 1 <= clusters <= MAX_CLUSTERS:
        raise DomainError(_l("The number of clusters must be between 1 and %(max)d.", max=MAX_CLUSTERS), "clusters")
    if not 3 <= boards_per_cluster <= MAX_BOARDS:
        raise DomainError(_l("A cluster has between 3 and %(max)d boards.", max=MAX_BOARDS), "boards_per_cluster")
    if not 1 <= years <= MAX_YEARS:
        raise DomainError(_l("The number of years must be between 1 and %(max)d.", max=MAX_YEARS), "years")
    if not MIN_YEAR <= last_year < MAX_YEAR:
        raise DomainError(_l("The last year must be between %(a)d and %(b)d.", a=MIN_YEAR, b=MAX_YEAR - 1),
                          "last_year")
    if last_year - years + 1 < MIN_YEAR:
        raise DomainError(_l("%(years)d years up to %(last)d would begin in %(first)d; the tracker keeps years from "
                             "%(min)d.", years=years, last=last_year, first=last_year - years + 1, min=MIN_YEAR),
                          "years")


def generate(*, session: Session, clusters: int, boards_per_cluster: int, years: int, last_year: int = 2025,
             seed: int = 1) -> Summary:
    """Write the synthetic clusters into the session's database (flushed, not committed). Refused when the
    options are out of bounds or synthetic data is already there."""
    check_options(clusters=clusters, boards_per_cluster=boards_per_cluster, years=years, last_year=last_year)
    digits = max(4, len(str(clusters * boards_per_cluster)))
    _refuse_existing(session, clusters * boards_per_cluster, digits)
    award_ids = {t.code: t.id for t in session.exec(select(AwardType).where(col(AwardType.active))
                                                    .order_by(AwardType.precedence, AwardType.id)).all()}
    if "CO_BO" not in award_ids or "BK_BO" not in award_ids:
        raise DomainError(_l("The award types CO_BO and BK_BO must be in use: the synthetic votes are for them."))
    writer = Writer(session)
    authorities = _authorities(session, writer)
    mark = catalogue.mark(seed)
    taken = {(number, day) for number, day in session.exec(select(Decision.number, Decision.decided_on)).all()}
    first = last_year - years + 1
    plan = Plan(seed=seed, first=first, last=last_year, boards_per_cluster=boards_per_cluster,
                cluster_digits=max(3, len(str(clusters))), board_digits=digits, writer=writer, award_ids=award_ids,
                authority_id=authorities.ministry[-1].id,
                decisions=Decisions(writer, seed, authorities, taken, mark), mark=mark)
    rng = random.Random(f"{seed}:plan")
    progress = stages(clusters)
    rng.shuffle(progress)
    # About one board in a hundred merges into another board of its cluster (never leaving fewer than three).
    merging = set()
    if years >= 2 and boards_per_cluster >= 4:
        merging = set(rng.sample(range(clusters), min(clusters, max(1, round(clusters * boards_per_cluster / 100)))))
    seals.seal_legacy(session)
    before = session.exec(select(func.max(BallotEvent.id))).one() or 0
    for index in range(clusters):
        ClusterMaker(plan, index, stage=progress[index], merge=index in merging).run()
    summary = Summary(writer.finish(), first, last_year, seed)
    # The generated events join the ledger like any others: sealed in the order they were written.
    made = list(session.exec(select(BallotEvent).where(BallotEvent.id > before).order_by(BallotEvent.id)).all())
    if made:
        rounds = {r.id: r for r in session.exec(select(BallotRound).where(
            col(BallotRound.id).in_(sorted({e.round_id for e in made})))).all()}
        seals.seal(session, made, rounds)
    return summary


def _refuse_existing(session: Session, boards: int, digits: int) -> None:
    """Refuse a second run, and boards whose names the synthetic ones would take."""
    found = session.exec(select(Cluster.name).where(col(Cluster.name).startswith(catalogue.CLUSTER_PREFIX))).first()
    if found is not None:
        raise DomainError(_l("Synthetic data is already in this database (cluster “%(name)s”); generate it into an "
                             "empty database, or one holding only the demo.", name=found))
    numbers = {f"{n:0{digits}d}" for n in range(1, boards + 1)}
    for name, short_name in session.exec(select(Board.name, Board.short_name)).all():
        if ((short_name.startswith(catalogue.SHORT_PREFIX) and short_name[len(catalogue.SHORT_PREFIX):] in numbers)
                or (" mô phỏng " in name and name.rpartition(" mô phỏng ")[2] in numbers)):
            raise DomainError(_l("The board “%(name)s” is already in this database; synthetic boards would take its "
                                 "name.", name=short_name))


def _authorities(session: Session, writer: Writer) -> Authorities:
    """The ministry (its name before and after 1 March 2025) and the Prime Minister: found by name, or added."""
    found = {a.name: SimpleNamespace(id=a.id, name=a.name, short_name=a.short_name, valid_from=a.valid_from,
                                     valid_to=a.valid_to)
             for a in session.exec(select(Authority).where(col(Authority.name).in_([MINISTRY, SUCCESSOR,
                                                                                    PRIME_MINISTER]))).all()}
    # The successor first: the ministry's old name points to it.
    for spec in sorted(AUTHORITIES, key=lambda a: a["name"] != SUCCESSOR):
        if spec["name"] in found:
            continue
        row = SimpleNamespace(name=spec["name"], short_name=spec["short_name"], valid_from=spec.get("valid_from"),
                              valid_to=spec.get("valid_to"))
        successor = found.get(SUCCESSOR) if spec["name"] == MINISTRY else None
        row.id = writer.add("authority", dict(name=row.name, short_name=row.short_name, valid_from=row.valid_from,
                                              valid_to=row.valid_to, successor_id=successor.id if successor else None,
                                              version=1))
        found[row.name] = row
    ministry = sorted([found[SUCCESSOR], found[MINISTRY]], key=lambda a: a.valid_from or date.min, reverse=True)
    return Authorities(ministry=ministry, prime_minister=found[PRIME_MINISTER])
