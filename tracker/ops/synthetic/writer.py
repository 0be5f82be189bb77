"""Bulk writing: ids handed out from each table's max(id)+1, rows kept as plain dicts and written table by table with
one executemany per table and batch (SQLAlchemy Core, no ORM objects), sequences moved past them on PostgreSQL."""
from sqlalchemy import func, select, text
from sqlmodel import Session

from tracker.models import metadata

# Parents before children, so every foreign key is satisfied the moment its row is written.
ORDER = ("authority", "cluster", "board", "cluster_year", "membership", "voting_rule", "seats", "pledge",
         "signature", "indicator", "target", "criterion", "score", "meeting", "meeting_board", "ballot_round",
         "ballot_revision", "ballot_event", "proposal", "proposal_event", "decision", "award")
HELD = ("decision", "award")  # written at the end: a decision is known only once its awards are
BATCH = 50_000  # rows kept in memory before they are written


class Writer:
    """Collects rows, gives them ids, writes them in batches."""

    def __init__(self, session: Session):
        self.session = session
        self.tables = {name: metadata.tables[name] for name in ORDER}
        self.rows: dict[str, list[dict]] = {name: [] for name in ORDER}
        self.counts: dict[str, int] = dict.fromkeys(ORDER, 0)
        self.pending = 0
        if session.get_bind().dialect.name == "postgresql":
            # Ids are handed out here, not by the sequences: nobody else inserts into these tables meanwhile.
            names = ", ".join(f'"{name}"' for name in ORDER)
            session.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))
        self.next_id = {}
        for name, table in self.tables.items():
            if "id" in table.c:
                self.next_id[name] = (session.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    def new_id(self, table: str) -> int:
        """The next free id of a table, for a row added later."""
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def add(self, table: str, row: dict) -> int | None:
        """Keep a row (its id given here unless it has one); returns the id."""
        if table in self.next_id and "id" not in row:
            row["id"] = self.new_id(table)
        self.rows[table].append(row)
        self.pending += 1
        if self.pending >= BATCH:
            self.write()
        return row.get("id")

    def write(self, *, everything: bool = False) -> None:
        """Write the rows kept so far (the held tables only when `everything`)."""
        for name in ORDER:
            rows = self.rows[name]
            if not rows or (name in HELD and not everything):
                continue
            self.session.execute(self.tables[name].insert(), rows)
            self.counts[name] += len(rows)
            self.pending -= len(rows)
            self.rows[name] = []

    def finish(self) -> dict[str, int]:
        """Write everything left, move PostgreSQL's sequences past the ids used; the rows written per table."""
        self.write(everything=True)
        if self.session.get_bind().dialect.name == "postgresql":
            for name in self.next_id:
                if self.counts[name]:
                    table = self.tables[name]
                    sequence = func.pg_get_serial_sequence(f'"{name}"', "id")  # bound parameters, not SQL text
                    self.session.execute(select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery())))
        self.session.flush()
        return dict(self.counts)
