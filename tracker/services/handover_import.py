"""The hand-over package, in: check a whole file first (its shape against docs/handover.schema.json, every name it
refers to, and no finalised round that differs from this database), then write it in one transaction. Years the
database already holds are kept as they are; boards, authorities and decisions already known are reused."""
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import get_args

import jsonschema
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from tracker.models import (
    Authority,
    Award,
    AwardType,
    BallotEvent,
    BallotRevision,
    BallotRound,
    Board,
    Cluster,
    ClusterYear,
    Criterion,
    Decision,
    Indicator,
    Meeting,
    MeetingBoard,
    Membership,
    Pledge,
    Proposal,
    ProposalEvent,
    Score,
    Seats,
    Signature,
    Target,
    User,
    VotingRule,
)
from tracker.paths import DOCS
from tracker.rules import ballot, portable
from tracker.rules import rounds as ballot_rules
from tracker.rules import voting as voting_rules
from tracker.rules.chain import GENESIS, canonical, link
from tracker.services import permissions, seals, voting
from tracker.services.handover import CARRIED, round_label
from tracker.services.handover import export_cluster as _export

SCHEMA_PATH = DOCS / "handover.schema.json"


@dataclass(frozen=True)
class Problem:
    """What is wrong in the file, and where (a JSON path such as $.years[0].members[2].board)."""

    path: str
    message: str


class Refused(Exception):
    """The file is not imported; `problems` says why, each with its place in the file."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Report:
    """What an import did."""

    cluster: Cluster
    created: list[int] = field(default_factory=list)  # years written
    kept: list[int] = field(default_factory=list)  # years the database already held


MAX_DEPTH = 32  # the format nests about 10 deep; more is a file made to exhaust the reader


def parse(data: bytes | str) -> dict:
    """The JSON document of a hand-over file (Refused when it is not JSON, or nested deeper than the format)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused([Problem("$", str(_l("This file is not a JSON document.")))]) from None
    if not isinstance(document, dict):
        raise Refused([Problem("$", str(_l("This file is not a hand-over package.")))])
    if _depth(document) > MAX_DEPTH:
        raise Refused([Problem("$", str(_l("This file nests its records deeper than the format does.")))])
    return document


def _depth(value) -> int:
    """How deep lists and objects nest (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def check(session: Session, document: dict) -> list[Problem]:
    """Every problem of the file, with its JSON path; empty when it can be imported."""
    if not isinstance(document, dict) or _depth(document) > MAX_DEPTH:
        return [Problem("$", str(_l("This file nests its records deeper than the format does.")))]
    schema = json.loads(Path(SCHEMA_PATH).read_text(encoding="utf-8"))
    shape = sorted(jsonschema.Draft202012Validator(schema, format_checker=FORMATS).iter_errors(document),
                   key=lambda e: e.json_path)
    if shape:
        return [Problem(e.json_path, str(_shape_message(e))) for e in shape]
    problems: list[Problem] = []
    boards = {b["short_name"] for b in document["boards"]} | set(session.exec(select(Board.short_name)).all())
    authorities = ({a["name"] for a in document["authorities"]} | set(session.exec(select(Authority.name)).all()))
    codes = set(session.exec(select(AwardType.code)).all())

    def need(found: bool, path: str, message) -> None:
        if not found:
            problems.append(Problem(path, str(message)))

    def board(name, path):
        need(name is None or name in boards, path, _l("No board “%(name)s” in the file or the database.", name=name))

    def code(value, path):
        need(value in codes, path, _l("No award type with code “%(code)s”.", code=value))

    need(document["cluster"]["authority"] in authorities | {None}, "$.cluster.authority",
         _l("No authority “%(name)s” in the file or the database.", name=document["cluster"]["authority"]))
    for n, b in enumerate(document["boards"]):
        board(b["successor"], f"$.boards[{n}].successor")
    for n, y in enumerate(document["years"]):
        _check_year(y, f"$.years[{n}]", board, code, need)
    for n, d in enumerate(document["decisions"]):
        need(d["authority"] in authorities, f"$.decisions[{n}].authority",
             _l("No authority “%(name)s” in the file or the database.", name=d["authority"]))
        for m, a in enumerate(d["awards"]):
            board(a["board"], f"$.decisions[{n}].awards[{m}].board")
            code(a["award"], f"$.decisions[{n}].awards[{m}].award")
    for n, a in enumerate(document["past_awards"]):
        board(a["board"], f"$.past_awards[{n}].board")
        code(a["award"], f"$.past_awards[{n}].award")
    return problems + _conflicts(session, document) + _held_elsewhere(session, document) + _foreign_lines(
        session, document)


def _foreign_lines(session: Session, document: dict) -> list[Problem]:
    """Award lines the file may not bring: for a board of this database that belonged to another cluster that year
    (its awards are kept there), or on a decision of this database that another cluster keeps (three queries)."""
    cluster = session.exec(select(Cluster).where(Cluster.name == document["cluster"]["name"])).first()
    ours = cluster.id if cluster is not None else None
    ids = dict(session.exec(select(Board.short_name, Board.id)).all())
    members = {(m["board"], y["year"]) for y in document["years"] for m in y["members"]}
    lines = [(f"$.decisions[{n}].awards[{m}]", a) for n, d in enumerate(document["decisions"])
             for m, a in enumerate(d["awards"])]
    lines += [(f"$.past_awards[{n}]", a) for n, a in enumerate(document["past_awards"])]
    owners = permissions.award_owners(session, [(ids[a["board"]], a["year"]) for _, a in lines if a["board"] in ids])
    names = dict(session.exec(select(Cluster.id, Cluster.name)).all())
    problems = []
    for path, a in lines:
        kept = owners.get((ids.get(a["board"]), a["year"]), set()) if a["board"] in ids else set()
        if kept and ours not in kept and (a["board"], a["year"]) not in members:
            problems.append(Problem(f"{path}.board", str(_l(
                "“%(board)s” belongs to %(cluster)s in %(year)s in this database: its awards of that year are kept "
                "there.", board=a["board"], cluster=", ".join(sorted(names[c] for c in kept)), year=a["year"]))))
    stored = {(d.number, d.decided_on): d for d in session.exec(select(Decision).where(
        col(Decision.number).in_(sorted({d["number"] for d in document["decisions"]})))).all()}
    for n, d in enumerate(document["decisions"]):
        row = stored.get((d["number"], _day(d["decided_on"])))
        if row is not None and d["awards"] and row.cluster_id is not None and row.cluster_id != ours:
            problems.append(Problem(f"$.decisions[{n}]", str(_l(
                "The decision %(number)s is kept by %(cluster)s in this database: the file cannot add its lines.",
                number=d["number"], cluster=names.get(row.cluster_id, "")))))
    return problems


def _held_elsewhere(session: Session, document: dict) -> list[Problem]:
    """Members of the file's new years that are another cluster's members that year in this database: a board
    belongs to one cluster a year, so importing them would give this cluster's secretaries the other's boards
    (one query per year of the file)."""
    cluster = session.exec(select(Cluster).where(Cluster.name == document["cluster"]["name"])).first()
    ids = dict(session.exec(select(Board.short_name, Board.id)).all())
    problems = []
    for n, y in enumerate(document["years"]):
        if cluster is not None and session.exec(select(ClusterYear.id).where(
                ClusterYear.cluster_id == cluster.id, ClusterYear.year == y["year"])).first() is not None:
            continue  # a year this database holds is kept as it is, not imported
        known = {ids[m["board"]]: m for m in y["members"] if m["board"] in ids}
        elsewhere = permissions.member_elsewhere(session, known, cluster.id if cluster else -1, y["year"])
        for m, member in enumerate(y["members"]):
            other = elsewhere.get(ids.get(member["board"]))
            if other is not None:
                problems.append(Problem(f"$.years[{n}].members[{m}].board", str(_l(
                    "“%(board)s” is a member of %(cluster)s in %(year)s in this database; a board belongs to one "
                    "cluster a year.", board=member["board"], cluster=other.name, year=y["year"]))))
    return problems


FORMATS = jsonschema.FormatChecker(formats=())  # the dates and times the importer reads, checked as it reads them


@FORMATS.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    return not isinstance(value, str) or date.fromisoformat(value) is not None


@FORMATS.checks("date-time", raises=ValueError)
def _is_time(value) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value) is not None


def _shape_message(error: jsonschema.ValidationError):
    """What the schema refuses, in the user's language (jsonschema's own messages are English)."""
    kind, expected, found = error.validator, error.validator_value, error.instance
    if kind == "required":
        return _l("Missing: %(names)s.", names=", ".join(k for k in expected if k not in found))
    if kind == "additionalProperties":
        return _l("Not part of the format: %(names)s.", names=", ".join(sorted(set(found) - set(
            error.schema.get("properties", {})))))
    if kind in ("enum", "const"):
        return _l("Must be one of: %(values)s.", values=", ".join(json.dumps(v, ensure_ascii=False) for v in (
            expected if kind == "enum" else [expected])))
    if kind in ("type", "oneOf"):
        return _l("Not the right kind of value here.")
    if kind == "pattern":
        return _l("Not written as the format asks (dates as 2018-02-26, numbers as 1234.5).")
    if kind == "format":
        return _l("Not a date or time that exists (dates as 2018-02-26).")
    if kind in ("minLength", "maxLength", "minimum", "maximum"):
        return _l("Out of bounds (%(bound)s).", bound=expected)
    return _l("Not allowed here.")


def _check_year(y: dict, path: str, board, code, need) -> None:
    members = {m["board"] for m in y["members"]}

    def once(items, key, where):
        seen = set()
        for n, item in enumerate(items):
            value = key(item)
            need(value not in seen, f"{where}[{n}]", _l("This line appears twice."))
            seen.add(value)

    once(y["members"], lambda m: m["board"], f"{path}.members")
    once(y["indicators"], lambda i: i["name"], f"{path}.indicators")
    once(y["criteria"], lambda c: c["code"], f"{path}.criteria")
    once(y["rounds"], lambda r: (r["award"], r["number"]), f"{path}.rounds")
    once(y["proposals"], lambda p: (p["board"], p["award"]), f"{path}.proposals")
    for n, i in enumerate(y["indicators"]):
        once(i["targets"], lambda t: t["board"], f"{path}.indicators[{n}].targets")
    for n, c in enumerate(y["criteria"]):
        once(c["scores"], lambda t: t["board"], f"{path}.criteria[{n}].scores")
    if y["pledge"]:
        once(y["pledge"]["signatures"], lambda t: t["board"], f"{path}.pledge.signatures")
    for n, r in enumerate(y["rounds"]):
        parent = r["runoff_of"]
        need(parent is None or any(round_label(y["year"], o["award"], o["number"]) == parent
                                   and o["number"] < r["number"] for o in y["rounds"]),
             f"{path}.rounds[{n}].runoff_of", _l("A runoff follows an earlier round of the same year."))
    for n, m in enumerate(y["members"]):
        board(m["board"], f"{path}.members[{n}].board")
    need(sum(m["role"] == "head" for m in y["members"]) <= 1, f"{path}.members", _l("More than one head."))
    board(y["host"], f"{path}.host")
    for key in y["seats"]:
        code(key, f"{path}.seats.{key}")
    labels = {round_label(y["year"], r["award"], r["number"]) for r in y["rounds"]}
    for n, r in enumerate(y["rounds"]):
        code(r["award"], f"{path}.rounds[{n}].award")
        need(r["runoff_of"] is None or r["runoff_of"] in labels, f"{path}.rounds[{n}].runoff_of",
             _l("No round “%(label)s” in this year.", label=r["runoff_of"]))
        for m, v in enumerate(r["revisions"]):
            for name in (v["counts"] or {}).get("members", []):
                need(name in members, f"{path}.rounds[{n}].revisions[{m}].counts.members",
                     _l("“%(name)s” is not a member of this year.", name=name))
    for n, p in enumerate(y["proposals"]):
        board(p["board"], f"{path}.proposals[{n}].board")
        code(p["award"], f"{path}.proposals[{n}].award")
        need(p["round"] is None or p["round"] in labels, f"{path}.proposals[{n}].round",
             _l("No round “%(label)s” in this year.", label=p["round"]))
    def member(name, where):
        need(name is None or name in members, where, _l("“%(name)s” is not a member of this year.", name=name))

    member(y["host"], f"{path}.host")
    if y["pledge"]:
        member(y["pledge"]["host"], f"{path}.pledge.host")
    for section, key in (("indicators", "targets"), ("criteria", "scores")):
        for n, item in enumerate(y[section]):
            for m, line in enumerate(item[key]):
                member(line["board"], f"{path}.{section}[{n}].{key}[{m}].board")
    for n, meeting in enumerate(y["meetings"]):
        member(meeting["host"], f"{path}.meetings[{n}].host")
        for m, name in enumerate(meeting["present"]):
            member(name, f"{path}.meetings[{n}].present[{m}]")
    if y["pledge"]:
        for n, signature in enumerate(y["pledge"]["signatures"]):
            member(signature["board"], f"{path}.pledge.signatures[{n}].board")
    for n, r in enumerate(y["rounds"]):
        _check_round(y["year"], r, f"{path}.rounds[{n}]", members, need)
        for m, v in enumerate(r["revisions"]):
            if v["counts"] and v["result"]:
                need(_recounts(v["counts"], v["result"]), f"{path}.rounds[{n}].revisions[{m}].result",
                     _l("This result is not what its counts give."))


STATUS_NEEDS = {"draft": None, "entered": "entered_at", "checked": "checked_at", "finalised": "finalised_at"}


def _check_round(year: int, r: dict, path: str, members: set[str], need) -> None:
    """A round whose versions, status and events agree, naming only members of the year, as the tracker writes
    them: whatever does not would break the ledger, a page or the API once imported."""
    label = round_label(year, r["award"], r["number"])
    revisions, events = r["revisions"], r["events"]
    need([v["revision"] for v in revisions] == list(range(1, len(revisions) + 1)), f"{path}.revisions",
         _l("The versions of the counts are numbered 1, 2, 3… in order."))
    need(r["revision"] == max(len(revisions), 1), f"{path}.revision",
         _l("The round's version is not its last version of the counts."))
    last = revisions[-1] if revisions else None
    stamp = STATUS_NEEDS[r["status"]]
    need((last is None or not last["counts"]) if stamp is None else bool(last and last["counts"] and last[stamp]),
         f"{path}.status", _l("The round's status does not match its last version of the counts."))
    if r["status"] in ("entered", "checked") and last is not None:
        need(not last["finalised_at"] and (r["status"] == "checked" or not last["checked_at"]), f"{path}.status",
             _l("The round's status does not match its last version of the counts."))
    for m, v in enumerate(revisions):
        where = f"{path}.revisions[{m}]"
        need(bool(v["finalised_at"]) == bool(v["result"]), f"{where}.result",
             _l("A finalised version has its result, and only a finalised version has one."))
        need(not v["finalised_at"] or bool(v["counts"]), f"{where}.counts", _l("A finalised version has its counts."))
        if v["counts"]:
            for key in ("members", "present"):
                for name in v["counts"][key]:
                    need(name in members, f"{where}.counts.{key}", _l("“%(name)s” is not a member of this year.",
                                                                      name=name))
            for name in v["counts"]["votes"]:
                need(name in members, f"{where}.counts.votes", _l("“%(name)s” is not a member of this year.",
                                                                  name=name))
        for name in sorted(_names_in({"result": v["result"]}) - members):
            need(False, f"{where}.result", _l("“%(name)s” is not a member of this year.", name=name))
    for m, name in enumerate(r["runoff_candidates"]):
        need(name in members, f"{path}.runoff_candidates[{m}]", _l("“%(name)s” is not a member of this year.",
                                                                   name=name))
    need(bool(events), f"{path}.events", _l("A round has its event log, from its opening on."))
    need([e["seq"] for e in events] == list(range(1, len(events) + 1)), f"{path}.events",
         _l("The events are numbered 1, 2, 3… in order."))
    if events:
        need(events[0]["kind"] == "opened", f"{path}.events[0].kind", _l("A round's first event is its opening."))
    finalised = {}
    for m, e in enumerate(events):
        need(e["round"] == label, f"{path}.events[{m}].round", _l("This event belongs to another round (%(label)s).",
                                                                   label=e["round"]))
        need(e["revision"] <= max(len(revisions), 1), f"{path}.events[{m}].revision",
             _l("No such version of the counts."))
        if e["kind"] == "finalised":
            finalised[e["revision"]] = (m, e["data"])
        named = _names_in(e["data"])
        for name in sorted(named - members):
            need(False, f"{path}.events[{m}].data", _l("“%(name)s” is not a member of this year.", name=name))
        if "runoff_of" in e["data"]:
            need(e["data"]["runoff_of"] == r["runoff_of"], f"{path}.events[{m}].data.runoff_of",
                 _l("This runoff names another earlier round than its own."))
    wrong = ballot_rules.unchecked_finalisation(events)
    if wrong is not None:
        need(False, f"{path}.events[{wrong}]", _l("This finalisation does not follow the check of the counts it "
                                                  "locks."))
    for m, v in enumerate(revisions):
        event = finalised.get(v["revision"])
        if v["finalised_at"] and v["counts"] and v["result"]:
            need(event is not None and canonical(event[1].get("counts")) == canonical(v["counts"])
                 and _same_result(event[1].get("result"), v["result"]), f"{path}.revisions[{m}]",
                 _l("This finalised version differs from its finalisation in the event log."))
        elif event is not None:
            need(False, f"{path}.events[{event[0]}]", _l("The event log finalises a version that is not finalised."))


def _names_in(data: dict) -> set[str]:
    """The boards an event's data names (in counts, figures, a result, a runoff's candidates)."""
    names = set(data.get("candidates") or [])
    for key in ("counts", "figures"):
        part = data.get(key) or {}
        names |= set(part.get("members", [])) | set(part.get("present", [])) | set(part.get("votes", {}))
        names |= set(part.get("scores", {}))
    result = data.get("result") or {}
    names |= set(result.get("elected", [])) | {o["candidate"] for o in result.get("outcomes", [])}
    return names


def _same_result(first, second) -> bool:
    try:
        return ballot_rules.comparable(first) == ballot_rules.comparable(second)
    except (AttributeError, KeyError, TypeError):
        return False


def _recounts(counts: dict, result: dict) -> bool:
    """Whether a finalised result is what its counts give (boards numbered for the count, in name order)."""
    names = sorted({*counts.get("members", []), *counts.get("votes", {}), *result.get("elected", []),
                    *(o["candidate"] for o in result.get("outcomes", []))})
    number = {name: n for n, name in enumerate(names, start=1)}.get
    try:
        recount = ballot_rules.result_json(ballot_rules.tally_counts(portable.counts(counts, number)))
        return ballot_rules.comparable(recount) == ballot_rules.comparable(portable.result(result, number))
    except (ballot.BallotError, KeyError, TypeError, ValueError):
        return False


def _conflicts(session: Session, document: dict) -> list[Problem]:
    """Finalised rounds of the file that differ from the same round finalised in this database."""
    cluster = session.exec(select(Cluster).where(Cluster.name == document["cluster"]["name"])).first()
    if cluster is None:
        return []
    stored = _export(session, cluster.id, blind_refused=False)  # compared here, never shown
    rounds = {round_label(y["year"], r["award"], r["number"]): r for y in stored["years"] for r in y["rounds"]}
    problems = []
    for n, y in enumerate(document["years"]):
        for m, r in enumerate(y["rounds"]):
            mine = rounds.get(round_label(y["year"], r["award"], r["number"]))
            if mine and "finalised" in (mine["status"], r["status"]) and (
                    [(v["counts"], v["result"]) for v in mine["revisions"]]
                    != [(v["counts"], v["result"]) for v in r["revisions"]]):
                problems.append(Problem(f"$.years[{n}].rounds[{m}]", str(_l(
                    "The round %(label)s is finalised with other counts in this database; it is not overwritten.",
                    label=round_label(y["year"], r["award"], r["number"])))))
    return problems


def import_cluster(*, session: Session, document: dict) -> Report:
    """Check the whole file, then write what the database does not hold yet (nothing at all on any problem)."""
    problems = check(session, document)
    if problems:
        raise Refused(problems)
    try:
        return _write(session, document)
    except (KeyError, TypeError, ValueError, IndexError) as error:  # a case the check missed: still refused whole
        raise Refused([Problem("$", str(_l("This file could not be read whole (%(what)s); nothing was imported.",
                                            what=type(error).__name__)))]) from error


def _write(session: Session, document: dict) -> Report:
    seals.seal_legacy(session)  # an older database's events are sealed before the file's are added after them
    writer = _Writer(session)
    writer.authorities(document["authorities"])
    new_boards = writer.boards(document["boards"])
    cluster = session.exec(select(Cluster).where(Cluster.name == document["cluster"]["name"])).first()
    if cluster is None:
        c = document["cluster"]
        cluster = Cluster(**loaded(Cluster, c), authority_id=writer.authority_ids.get(c["authority"]))
        session.add(cluster)
        session.flush()
    for board in new_boards:  # a board new to this database is kept by the cluster it came with
        board.cluster_id = cluster.id
        session.add(board)
    report = Report(cluster)
    writer.cluster_id = cluster.id
    for y in document["years"]:
        existing = session.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id,
                                                          ClusterYear.year == y["year"])).first()
        if existing is not None:
            report.kept.append(y["year"])
            continue
        writer.year(cluster, y)
        report.created.append(y["year"])
    writer.awards(document["decisions"], document["past_awards"])
    session.flush()
    if writer.events:  # the file's events join the ledger, sealed in the file's order under this tracker's key
        seals.seal(session, writer.events)
    return report


def _day(text):
    return date.fromisoformat(text) if text else None


def _time(text):
    return datetime.fromisoformat(text) if text else None


def _dec(text):
    return Decimal(text) if text not in (None, "") else None


def loaded(model, record: dict) -> dict:
    """The columns `model` carries as they are (handover.CARRIED), read from a file's record as the column's type
    wants them: dates, times and exact decimals from their text, the rest as in the file."""
    out = {}
    for name in CARRIED[model]:
        kinds = set(get_args(model.model_fields[name].annotation)) | {model.model_fields[name].annotation}
        read = _time if datetime in kinds else _day if date in kinds else _dec if Decimal in kinds else None
        out[name] = read(record[name]) if read else record[name]
    return out


class _Writer:
    """Writes a checked file, keeping the names it has turned into ids."""

    def __init__(self, session: Session):
        self.session = session
        self.award_ids = {a.code: a.id for a in session.exec(select(AwardType)).all()}
        self.user_ids = {u.username: u.id for u in session.exec(select(User)).all()}
        self.authority_ids = {a.name: a.id for a in session.exec(select(Authority)).all()}
        self.board_ids = {b.short_name: b.id for b in session.exec(select(Board)).all()}
        self.cluster_id: int | None = None  # the file's cluster, once found or made
        self.events: list[BallotEvent] = []  # the events written, in order, to be sealed

    def add(self, row):
        self.session.add(row)
        self.session.flush()
        return row

    def authorities(self, rows: list[dict]) -> None:
        created = []
        for a in rows:
            if a["name"] not in self.authority_ids:
                row = self.add(Authority(**loaded(Authority, a)))
                self.authority_ids[a["name"]] = row.id
                created.append((row, a["successor"]))
        for row, successor in created:
            row.successor_id = self.authority_ids.get(successor)

    def boards(self, rows: list[dict]) -> list[Board]:
        """Add the boards the database does not hold yet; the ones added."""
        created = []
        for b in rows:
            if b["short_name"] not in self.board_ids:
                row = self.add(Board(**loaded(Board, b)))
                self.board_ids[b["short_name"]] = row.id
                created.append((row, b["successor"]))
        for row, successor in created:
            row.successor_id = self.board_ids.get(successor)
        return [row for row, _ in created]

    def board(self, name):
        return None if name is None else self.board_ids[name]

    def year(self, cluster: Cluster, y: dict) -> None:
        board, s = self.board, self.session
        cy = self.add(ClusterYear(cluster_id=cluster.id, host_board_id=board(y["host"]), **loaded(ClusterYear, y)))
        for m in y["members"]:
            s.add(Membership(cluster_year_id=cy.id, board_id=board(m["board"]), **loaded(Membership, m)))
        if y["rule"]:
            s.add(VotingRule(cluster_year_id=cy.id, **loaded(VotingRule, y["rule"])))
        for code, seats in y["seats"].items():
            s.add(Seats(cluster_year_id=cy.id, award_type_id=self.award_ids[code], seats=seats))
        if y["pledge"]:
            p = y["pledge"]
            pledge = self.add(Pledge(cluster_year_id=cy.id, host_board_id=board(p["host"]), **loaded(Pledge, p)))
            for sig in p["signatures"]:
                s.add(Signature(pledge_id=pledge.id, board_id=board(sig["board"]), **loaded(Signature, sig)))
        for n, i in enumerate(y["indicators"], start=1):
            row = self.add(Indicator(cluster_year_id=cy.id, position=n, **loaded(Indicator, i)))
            for t in i["targets"]:
                s.add(Target(indicator_id=row.id, board_id=board(t["board"]), **loaded(Target, t)))
        for m in y["meetings"]:
            row = self.add(Meeting(cluster_year_id=cy.id, host_board_id=board(m["host"]), **loaded(Meeting, m)))
            for name in m["present"]:
                s.add(MeetingBoard(meeting_id=row.id, board_id=board(name)))
        for n, c in enumerate(y["criteria"], start=1):
            row = self.add(Criterion(cluster_year_id=cy.id, position=n, **loaded(Criterion, c)))
            for sc in c["scores"]:
                s.add(Score(criterion_id=row.id, board_id=board(sc["board"]), **loaded(Score, sc)))
        rounds = self.rounds(cy, y)
        self.proposals(cy, y, rounds)
        s.flush()

    def rounds(self, cy: ClusterYear, y: dict) -> dict[str, BallotRound]:
        made: dict[str, BallotRound] = {}
        user = self.user_ids.get
        year_rule = (voting_rules.rule_json(voting.rule_values(VotingRule(**loaded(VotingRule, y["rule"]))))
                     if y["rule"] else None)  # a file without a round's own rule: the round takes its year's
        for r in sorted(y["rounds"], key=lambda r: r["number"]):
            label = round_label(y["year"], r["award"], r["number"])
            row = self.add(BallotRound(
                cluster_year_id=cy.id, award_type_id=self.award_ids[r["award"]],
                runoff_of_id=made[r["runoff_of"]].id if r["runoff_of"] else None,
                runoff_candidates=json.dumps([self.board(b) for b in r["runoff_candidates"]])
                if r["runoff_candidates"] else "",
                rule=canonical(r.get("rule") or year_rule) if (r.get("rule") or year_rule) else "",
                **loaded(BallotRound, r)))
            made[label] = row
            for v in r["revisions"]:
                self.session.add(BallotRevision(
                    round_id=row.id, **loaded(BallotRevision, v),
                    counts=canonical(portable.counts(v["counts"], self.board)) if v["counts"] else "",
                    result=canonical(portable.result(v["result"], self.board)) if v["result"] else "",
                    entered_by=user(v["entered_by"]), checked_by=user(v["checked_by"]),
                    finalised_by=user(v["finalised_by"])))
            prev = GENESIS
            for e in r["events"]:
                local = portable.event(e, self.board, lambda name: made[name].id if name else None,
                                       lambda _year: cy.id)
                payload = canonical(local)
                event = BallotEvent(round_id=row.id, seq=e["seq"], kind=e["kind"], user_id=user(e["user"]),
                                    at=_time(e["at"]), payload=payload, prev_hash=prev, hash=link(prev, payload))
                self.session.add(event)
                self.events.append(event)
                prev = event.hash
            row.chain_head = prev if r["events"] else ""
        return made

    def proposals(self, cy: ClusterYear, y: dict, rounds: dict[str, BallotRound]) -> None:
        for p in y["proposals"]:
            row = self.add(Proposal(
                cluster_year_id=cy.id, board_id=self.board(p["board"]), award_type_id=self.award_ids[p["award"]],
                round_id=rounds[p["round"]].id if p["round"] else None, **loaded(Proposal, p)))
            for e in p["events"]:
                self.session.add(ProposalEvent(proposal_id=row.id, user_id=self.user_ids.get(e["user"]),
                                               payload=canonical(e["payload"]) if e["payload"] is not None else "",
                                               **loaded(ProposalEvent, e)))

    def awards(self, decisions: list[dict], past: list[dict]) -> None:
        for d in decisions:
            row = self.session.exec(select(Decision).where(Decision.number == d["number"],
                                                           Decision.decided_on == _day(d["decided_on"]))).first()
            if row is None:
                row = self.add(Decision(authority_id=self.authority_ids[d["authority"]], **loaded(Decision, d)))
            for a in d["awards"]:
                self.award(a, row.id)
        for a in past:
            self.award(a, None)

    def award(self, a: dict, decision_id: int | None) -> None:
        board_id, award_id = self.board(a["board"]), self.award_ids[a["award"]]
        exists = self.session.exec(select(Award).where(Award.board_id == board_id, Award.award_type_id == award_id,
                                                       Award.year == a["year"])).first()
        if exists is not None:
            return
        proposal = None
        if a["proposed"]:
            candidates = self.session.exec(  # the file's cluster's proposals only
                select(Proposal).join(ClusterYear, ClusterYear.id == Proposal.cluster_year_id)
                .where(Proposal.board_id == board_id, ClusterYear.year == a["year"],
                       ClusterYear.cluster_id == self.cluster_id)).all()
            proposal = next((p for p in candidates if p.award_type_id == award_id), candidates[0] if candidates
                            else None)
        self.add(Award(decision_id=decision_id, board_id=board_id, award_type_id=award_id, **loaded(Award, a),
                       proposal_id=proposal.id if proposal else None))

