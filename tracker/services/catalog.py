"""Authorities, boards and clusters: the catalogues every cluster-year refers to."""
from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, SQLModel, select

from tracker.models import Authority, Board, Cluster, ClusterYear, Membership, User
from tracker.rules import names
from tracker.rules.membership import Span, exists_in
from tracker.rules.text import normalise, shown
from tracker.services import permissions
from tracker.services.errors import DomainError, NotFound, check_version


@dataclass
class AuthorityData:
    """The editable fields of an authority."""

    name: str
    short_name: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = None


@dataclass
class BoardData:
    """The editable fields of a board."""

    name: str
    short_name: str
    kind: str
    province: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""
    start_date: date | None = None
    end_date: date | None = None
    successor_id: int | None = None
    note: str = ""
    cluster_id: int | None = None  # its home cluster (permissions.py): an administrator's to change


@dataclass
class ClusterData:
    """The editable fields of a cluster."""

    name: str
    kind: str
    region: str = ""
    authority_id: int | None = None
    description: str = ""


def get(session: Session, model: type[SQLModel], row_id: int, *, for_update: bool = False):
    """The row of `model` with this id, or NotFound; locked for the transaction when asked, and then read again
    as stored: a copy loaded earlier in the request (to fill a form) must not stand in for the locked row, or its
    version check would compare against a value another transaction has since changed."""
    row = session.get(model, row_id, with_for_update=for_update or None, populate_existing=for_update)
    if row is None:
        raise NotFound
    return row


def load_for_edit(session: Session, model, row_id: int | None, version: int | None):
    """A new row, or the stored one locked for this transaction after checking the form's version."""
    if row_id is None:
        return model()
    row = get(session, model, row_id, for_update=True)
    check_version(row, version)
    return row


def check_unique(session: Session, model, column, value: str, row_id: int | None, field: str, message) -> None:
    """Refuse a value another row already has, compared without regard to case.

    Compared in Python: SQLite's lower() folds only ASCII, so "Đắk Lắk" and "ĐẮK LẮK" would pass it.
    """
    wanted = normalise(value).casefold()
    for other_id, other in session.exec(select(model.id, column)).all():
        if other_id != row_id and normalise(other).casefold() == wanted:
            raise DomainError(message, field)


def _dates(start: date | None, end: date | None, end_field: str) -> None:
    if start and end and end < start:
        raise DomainError(_l("The end date must not be before the start date."), end_field)


def _successor(session: Session, model, row_id: int | None, successor_id: int | None) -> None:
    """A successor exists, is not the row itself, and following successors never comes back."""
    if successor_id is None:
        return
    if successor_id == row_id:
        raise DomainError(_l("A record cannot be its own successor."), "successor_id")
    seen = {row_id}
    current = get_or_none(session, model, successor_id)
    if current is None:
        raise DomainError(_l("Choose a successor from the list."), "successor_id")
    while current is not None and current.successor_id is not None:
        if current.successor_id in seen:
            raise DomainError(
                _l("This successor leads back to this record: successors cannot go round in a circle."),
                "successor_id")
        seen.add(current.id)
        current = session.get(model, current.successor_id)


def get_or_none(session: Session, model, row_id: int | None):
    """The row, or None when the id is empty or unknown."""
    return None if row_id is None else session.get(model, row_id)


def apply_data(session: Session, row, data):
    """Copy the checked values onto the row and flush it."""
    for key, value in asdict(data).items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    return row


def save_authority(
    *, session: Session, authority_id: int | None, version: int | None, data: AuthorityData
) -> Authority:
    """Create or update an authority."""
    row = load_for_edit(session, Authority, authority_id, version)
    check_unique(session, Authority, Authority.name, data.name, authority_id, "name",
            _l("An authority with this name already exists."))
    _dates(data.valid_from, data.valid_to, "valid_to")
    _successor(session, Authority, authority_id, data.successor_id)
    return apply_data(session, row, data)


def save_board(*, session: Session, board_id: int | None, version: int | None, data: BoardData,
               user: User | None = None) -> Board:
    """Create or update a board; its dates must still cover every year it is a member. Its home cluster: one of a
    secretary's clusters when she creates it (or takes a board nobody has); afterwards only an administrator moves
    it (permissions.py)."""
    row = load_for_edit(session, Board, board_id, version)
    data.cluster_id = _home(session, user, row, data.cluster_id)
    check_unique(session, Board, Board.short_name, data.short_name, board_id, "short_name",
            _l("Another board already has the short name %(name)s.", name=data.short_name))
    check_unique(session, Board, Board.name, data.name, board_id, "name",
            _l("Another board already has this name."))
    # A short name or name that can be mistaken for another board's (rules/names.py); one query for all boards.
    others = [(short, name) for other_id, short, name in session.exec(select(Board.id, Board.short_name, Board.name))
              if other_id != board_id]
    alike = {field: names.lookalike(value, ((pair[i], pair) for pair in others))
             for i, (field, value) in enumerate((("short_name", data.short_name), ("name", data.name)))}
    if any(alike.values()):
        errors = {field: [_l("This looks like %(short)s (%(name)s), another board: choose one that cannot be "
                             "mistaken for it.", short=shown(found[0]), name=shown(found[1]))]
                  for field, found in alike.items() if found}
        raise DomainError(next(iter(errors.values()))[0], next(iter(errors)), errors=errors)
    _dates(data.start_date, data.end_date, "end_date")
    _successor(session, Board, board_id, data.successor_id)
    chosen = session.get(Board, data.successor_id) if data.successor_id is not None else None
    if (chosen is not None and data.successor_id != (row.successor_id if row is not None else None)
            and not permissions.may_name_successor(session, user, chosen)):
        raise DomainError(_l("%(board)s is kept by another cluster: only an administrator names it as a successor "
                             "(after a merger).", board=chosen.short_name), "successor_id")
    if board_id is not None:
        span = Span(data.start_date, data.end_date)
        years = session.exec(
            select(ClusterYear.year).join(Membership, Membership.cluster_year_id == ClusterYear.id)
            .where(Membership.board_id == board_id)
        ).all()
        outside = sorted({year for year in years if not exists_in(span, year)})
        if outside:
            raise DomainError(
                _l("The board is a member of a cluster in %(years)s, outside these dates.",
                   years=", ".join(map(str, outside))),
                "start_date" if data.start_date and data.start_date.year > outside[0] else "end_date",
            )
    return apply_data(session, row, data)


def _home(session: Session, user: User | None, row: Board | None, wanted: int | None) -> int | None:
    """The home cluster a save may give the board (refused when the user may not choose it)."""
    mine = permissions.clusters_of(session, user)
    if mine is None:
        if wanted is not None and session.get(Cluster, wanted) is None:
            raise DomainError(_l("Choose a cluster from the list."), "cluster_id")
        return wanted
    if row is not None and row.id is not None and not permissions.unclaimed(session, row):
        return row.cluster_id  # a secretary never moves a board
    if wanted is None and len(mine) == 1:
        return next(iter(mine))  # her one cluster
    if wanted not in mine:
        raise DomainError(_l("Choose one of your clusters: its secretaries keep this board's details."),
                          "cluster_id")
    return wanted


def save_cluster(*, session: Session, cluster_id: int | None, version: int | None, data: ClusterData) -> Cluster:
    """Create or update a cluster."""
    row = load_for_edit(session, Cluster, cluster_id, version)
    check_unique(session, Cluster, Cluster.name, data.name, cluster_id, "name",
            _l("A cluster with this name already exists."))
    alike = names.lookalike(data.name, ((name, name) for other_id, name in session.exec(
        select(Cluster.id, Cluster.name)) if other_id != cluster_id))  # rules/names.py; one query for all
    if alike is not None:
        raise DomainError(_l("This looks like the name of the cluster %(name)s: choose one that cannot be mistaken "
                             "for it.", name=shown(alike)), "name")
    if data.authority_id is not None and session.get(Authority, data.authority_id) is None:
        raise DomainError(_l("Choose an authority from the list."), "authority_id")
    return apply_data(session, row, data)


def all_rows(session: Session, model) -> list:
    """Every row of a catalogue (they are small: tens to a few thousand rows)."""
    return list(session.exec(select(model)).all())
