"""Ballot rounds for the tests: an award type by code, vote figures, a round taken through entry, check and
finalisation, and stored rows changed behind the application's back."""
from sqlalchemy import text

from tracker.rules.rounds import Figures
from tracker.services import ballots, voting


def award(db, code):
    """The id of the award type with this code (CO_BO, BK_BO...)."""
    return next(a.id for a in voting.award_types(db) if a.code == code)


def figures(ids, votes, present=9, issued=None, returned=None, invalid=0):
    """The counts of a round: the first `present` boards present, votes by short name."""
    issued = present if issued is None else issued
    return Figures(present=frozenset(list(ids.values())[:present]), issued=issued,
                   returned=issued if returned is None else returned, invalid=invalid,
                   votes={ids[name]: n for name, n in votes.items()})


def all_votes(ids, **given):
    """Votes for every board: the given ones, 0 for the others."""
    return {name: given.get(name, 0) for name in ids}


def run(db, fn, **kwargs):
    """Call a service function with the session, then commit."""
    result = fn(session=db, **kwargs)
    db.commit()
    return result


def through(db, round_, ids, first, second, votes, **counts):
    """Enter (first), check (second) and finalise (first) a round with these votes; the finalised round."""
    run(db, ballots.enter, user=first, round_id=round_.id, version=round_.version,
        figures=figures(ids, votes, **counts), meeting=ballots.Meeting(place="Tây Ninh"))
    outcome = run(db, ballots.check, user=second, round_id=round_.id, version=round_.version,
                  figures=figures(ids, votes, **counts))
    assert outcome.matched
    return run(db, ballots.finalise, user=first, round_id=round_.id, version=round_.version)


def tamper(db, statement, **params):
    """Change stored rows behind the application's back, as an attacker with database access would."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        for name in db.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all():
            db.execute(text(f"DROP TRIGGER {name}"))
    for part in statement.split(";"):  # several statements, in order
        if part.strip():
            db.execute(text(part), {k: v for k, v in params.items() if f":{k}" in part})
    db.commit()


def finalised(db, review, code, votes):
    """A round of the 2017 review for the award, entered, checked and finalised with these votes."""
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017, award_type_id=award(db, code),
                 meeting=ballots.Meeting(place="Tây Ninh"))
    return through(db, round_, ids, first, second, all_votes(ids, **votes))
