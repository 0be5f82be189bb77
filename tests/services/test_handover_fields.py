"""A guard for adding a field: every column of every record the hand-over package carries is either carried as it
is (tracker.services.handover.CARRIED, read by the exporter and the importer alike) or named below with the reason
it is not, so a new column left out of the hand-over fails here instead of vanishing from every exported file while
the demo round trip still passes. See docs/adding-a-field.md."""
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import get_args

import pytest

from tracker.models import (
    ApiToken,
    Attachment,
    AuditEvent,
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
    EligibilityRule,
    Indicator,
    LedgerSeal,
    LoginFailure,
    Meeting,
    MeetingBoard,
    Membership,
    Pledge,
    Proposal,
    ProposalEvent,
    Score,
    Seats,
    SecretaryCluster,
    Signature,
    Target,
    User,
    VotingRule,
    metadata,
)
from tracker.services import handover, handover_import

SCHEMA = json.loads(handover_import.SCHEMA_PATH.read_text(encoding="utf-8"))

# Why a column of a carried record is not in CARRIED. Most reasons come back again and again:
ID = "the database's own id: the file names records by what they are, the importing database gives new ids"
PARENT = "the record it belongs to: given by where it sits in the file (nested under it)"
VERSION = "the edit counter against lost updates belongs to one database: an imported row starts at version 1"
BOARD = "a board, carried by its short name"
USER = "an account, carried by its username (matched on import when the account exists, else left empty)"
AWARD = "carried as `award`, the award type's code"
POSITION = "the order of the list in the file: rebuilt 1, 2, … on import"
CHAIN = ("rebuilt on import: the round's event chain is linked again over the new ids (SHA-256 of the previous "
         "hash and the canonical payload), so `flask verify` passes on the result")
RENAMED_JSON = ("carried under its own key with board ids turned into short names (tracker.rules.portable), "
                "stored again as canonical JSON over the new ids")
SCAN = ("the scanned PDF stays out of the file (photos and scans are not carried): its stored name, original name "
        "and fingerprint would describe a file the receiving tracker does not have")

EXCEPTIONS: dict[type, dict[str, str]] = {
    Authority: {"id": ID, "successor_id": "carried as `successor`, the successor's name", "version": VERSION},
    Board: {"id": ID, "successor_id": "carried as `successor`, the successor's short name", "version": VERSION,
            "cluster_id": "a board new to the database is kept by the file's cluster; one already there keeps "
                          "its own home (moving it is an administrator's step)"},
    Cluster: {"id": ID, "authority_id": "carried as `authority`, the authority's name", "version": VERSION},
    ClusterYear: {"id": ID, "cluster_id": "the file is one cluster's: its years belong to the file's cluster",
                  "host_board_id": f"carried as `host`: {BOARD}", "version": VERSION},
    Membership: {"id": ID, "cluster_year_id": PARENT, "board_id": f"carried as `board`: {BOARD}"},
    VotingRule: {"id": ID, "cluster_year_id": PARENT, "version": VERSION},
    Seats: {"id": ID, "cluster_year_id": PARENT, "award_type_id": "the key of the year's `seats` map (award code)",
            "seats": "the value of the year's `seats` map"},
    Pledge: {"id": ID, "cluster_year_id": PARENT, "host_board_id": f"carried as `host`: {BOARD}",
             "version": VERSION},
    Signature: {"id": ID, "pledge_id": PARENT, "board_id": f"carried as `board`: {BOARD}"},
    Indicator: {"id": ID, "cluster_year_id": PARENT, "position": POSITION, "version": VERSION},
    Target: {"id": ID, "indicator_id": PARENT, "board_id": f"carried as `board`: {BOARD}", "version": VERSION},
    Meeting: {"id": ID, "cluster_year_id": PARENT, "host_board_id": f"carried as `host`: {BOARD}",
              "version": VERSION},
    MeetingBoard: {"meeting_id": PARENT, "board_id": f"a name in the meeting's `present` list: {BOARD}"},
    Criterion: {"id": ID, "cluster_year_id": PARENT, "position": POSITION, "version": VERSION},
    Score: {"id": ID, "criterion_id": PARENT, "board_id": f"carried as `board`: {BOARD}", "version": VERSION},
    BallotRound: {"id": ID, "cluster_year_id": PARENT, "award_type_id": AWARD,
                  "runoff_of_id": "carried as `runoff_of`, the earlier round's label (2017/CO_BO/1)",
                  "runoff_candidates": "carried as a list of short names instead of the stored JSON list of ids",
                  "chain_head": CHAIN, "version": VERSION,
                  "rule": "carried as `rule`, the JSON itself rather than its stored text (optional: a file "
                          "without it gives the round its year's rule)"},
    BallotRevision: {"id": ID, "round_id": PARENT, "counts": RENAMED_JSON, "result": RENAMED_JSON,
                     "entered_by": USER, "checked_by": USER, "finalised_by": USER},
    BallotEvent: {"id": ID, "round_id": PARENT,
                  "payload": "carried as the event itself (its ids turned into names, tracker.rules.portable), "
                             "stored again as canonical JSON over the new ids",
                  "seq": "inside the carried event, read back from it on import",
                  "kind": "inside the carried event, read back from it on import",
                  "at": "inside the carried event, read back from it on import",
                  "user_id": f"the carried event's `user`: {USER}",
                  "prev_hash": CHAIN, "hash": CHAIN},
    Proposal: {"id": ID, "cluster_year_id": PARENT, "board_id": f"carried as `board`: {BOARD}",
               "award_type_id": AWARD, "round_id": "carried as `round`, the round's label", "version": VERSION},
    ProposalEvent: {"id": ID, "proposal_id": PARENT, "user_id": f"carried as `user`: {USER}",
                    "payload": "carried as `payload`, the JSON itself rather than its stored text"},
    Decision: {"id": ID, "authority_id": "carried as `authority`, the authority's name (in force on its date)",
               "scan_name": SCAN, "scan_original": SCAN, "scan_sha256": SCAN, "version": VERSION,
               "cluster_id": "which cluster keeps a decision is decided where it is imported: an imported "
                             "decision is the administrators' (it may grant awards in several clusters)"},
    Award: {"id": ID, "decision_id": "where it sits: under its decision in `decisions`, or in `past_awards`",
            "board_id": f"carried as `board`: {BOARD}", "award_type_id": AWARD,
            "proposal_id": "carried as `proposed` (true or false): the import matches the proposal of the same "
                           "board and year", "version": VERSION},
}

# Tables the package does not carry at all, and why.
NOT_CARRIED: dict[type, str] = {
    User: "accounts belong to each tracker; records name them by username",
    SecretaryCluster: "who may edit a cluster is the receiving tracker's administrator's choice",
    AwardType: "the catalogue the migrations write in every tracker; the file names award types by code and an "
               "unknown code is refused",
    EligibilityRule: "national rules kept by each tracker's administrators (seeded by the migrations)",
    Attachment: "meeting photos and scanned minutes stay out of the file",
    ApiToken: "personal credentials",
    LoginFailure: "login throttling of this tracker",
    AuditEvent: "this tracker's audit log (the import writes its own line)",
    LedgerSeal: "each tracker seals under its own key: an imported round's events are sealed by the tracker that "
                "imports them",
}

# Where each kind of record sits in docs/handover.schema.json (property names from the top; lists and $refs are
# followed). Seats, MeetingBoard and BallotEvent carry no column as it is.
IN_SCHEMA: dict[type, tuple[str, ...]] = {
    Authority: ("authorities",), Board: ("boards",), Cluster: ("cluster",), ClusterYear: ("years",),
    Membership: ("years", "members"), VotingRule: ("years", "rule"), Pledge: ("years", "pledge"),
    Signature: ("years", "pledge", "signatures"), Indicator: ("years", "indicators"),
    Target: ("years", "indicators", "targets"), Meeting: ("years", "meetings"), Criterion: ("years", "criteria"),
    Score: ("years", "criteria", "scores"), BallotRound: ("years", "rounds"),
    BallotRevision: ("years", "rounds", "revisions"), Proposal: ("years", "proposals"),
    ProposalEvent: ("years", "proposals", "events"), Decision: ("decisions",), Award: ("decisions", "awards"),
}


def schema_record(path: tuple[str, ...]) -> dict:
    """The JSON Schema object of the record at `path`."""
    def resolve(node: dict) -> dict:
        while True:
            if "$ref" in node:
                node = SCHEMA["$defs"][node["$ref"].removeprefix("#/$defs/")]
            elif "oneOf" in node:  # an optional record: null or the object
                node = next(n for n in node["oneOf"] if "properties" in n or "$ref" in n)
            elif node.get("type") == "array":
                node = node["items"]
            else:
                return node
    node = SCHEMA
    for name in path:
        node = resolve(node["properties"][name])
    return node


def columns(model) -> list[str]:
    """The model's table columns."""
    return [c.name for c in model.__table__.columns]


def test_every_column_of_a_carried_record_is_carried_or_named_with_its_reason():
    dropped = [f"{model.__name__}.{name}" for model in handover.CARRIED for name in columns(model)
               if name not in handover.CARRIED[model] and name not in EXCEPTIONS.get(model, {})]
    assert not dropped, (
        f"{', '.join(dropped)}: not carried by the hand-over package. Add it to CARRIED in "
        "tracker/services/handover.py and to docs/handover.schema.json, or name it in EXCEPTIONS in "
        "tests/services/test_handover_fields.py with the reason it is left out (docs/adding-a-field.md).")


def test_every_table_is_carried_or_left_out_for_a_reason():
    named = {m.__table__.name for m in (*handover.CARRIED, *NOT_CARRIED)}
    assert sorted(set(metadata.tables) - named) == [], "a new table: carry it in the hand-over or say why not"
    assert sorted(named - set(metadata.tables)) == []


def test_the_exceptions_name_real_columns_that_are_not_carried():
    assert set(EXCEPTIONS) == set(handover.CARRIED)
    for model, names in EXCEPTIONS.items():
        for name, reason in names.items():
            assert name in columns(model), f"{model.__name__}.{name} is no longer a column"
            assert name not in handover.CARRIED[model], f"{model.__name__}.{name} is carried: not an exception"
            assert reason.strip()
        for name in handover.CARRIED[model]:
            assert name in columns(model), f"CARRIED names {model.__name__}.{name}, which is not a column"


@pytest.mark.parametrize("model", [m for m in handover.CARRIED if handover.CARRIED[m]], ids=lambda m: m.__name__)
def test_every_carried_column_is_a_required_field_of_its_record_in_the_schema(model):
    record = schema_record(IN_SCHEMA[model])
    missing = [name for name in handover.CARRIED[model]
               if name not in record["properties"] or name not in record.get("required", [])]
    assert not missing, f"{model.__name__}: {missing} missing from docs/handover.schema.json"


def filled(model, n: int = 0, **fixed):
    """A row of `model` whose every carried column holds a value other than its default (so a column the export or
    the import drops shows), within what the schema allows."""
    properties = schema_record(IN_SCHEMA[model])["properties"]
    values = dict(fixed)
    for i, name in enumerate(handover.CARRIED[model]):
        if name in fixed:
            continue
        field = model.model_fields[name]
        kinds = set(get_args(field.annotation)) | {field.annotation}
        if bool in kinds:
            value = not field.default
        elif datetime in kinds:
            value = datetime(2001, 2, 3, tzinfo=UTC) + timedelta(hours=i)
        elif date in kinds:
            value = date(2001, 2, 3) + timedelta(days=i)
        elif Decimal in kinds:
            value = Decimal("1234.5") + i
        elif int in kinds:
            value = 2019 + n
        elif "enum" in properties[name]:
            value = next(v for v in properties[name]["enum"] if v != field.default)
        else:
            limit = properties[name].get("maxLength", 50)
            value = f"{name} ✓ {n}"[:limit]
        assert value != field.default
        values[name] = value
    return model(**values)


def test_a_cluster_and_its_boards_with_every_carried_field_filled_come_back_the_same(db):
    authority = filled(Authority)
    db.add(authority)
    db.flush()
    boards = [filled(Board, n) for n in (1, 2)]
    cluster = filled(Cluster, authority_id=authority.id)
    db.add_all([*boards, cluster])
    db.flush()
    year = filled(ClusterYear, cluster_id=cluster.id, host_board_id=boards[0].id)
    db.add(year)
    db.flush()
    members = [filled(Membership, cluster_year_id=year.id, board_id=boards[0].id),
               Membership(cluster_year_id=year.id, board_id=boards[1].id)]
    db.add_all(members)
    db.flush()

    document = handover.export_cluster(db, cluster.id)
    carried = {Authority: document["authorities"][0], Cluster: document["cluster"], ClusterYear: document["years"][0],
               Board: next(b for b in document["boards"] if b["short_name"] == boards[0].short_name),
               Membership: next(m for m in document["years"][0]["members"] if m["board"] == boards[0].short_name)}
    rows = {Authority: authority, Cluster: cluster, ClusterYear: year, Board: boards[0], Membership: members[0]}
    for model, record in carried.items():
        for name in handover.CARRIED[model]:
            assert record[name] == handover.value(getattr(rows[model], name)), f"{model.__name__}.{name}"

    for row in (*members, year, cluster, *boards, authority):  # children first: the foreign keys are checked
        db.delete(row)
        db.flush()
    report = handover_import.import_cluster(session=db, document=json.loads(handover.dumps(document)))
    assert report.created == [year.year]
    assert handover.export_cluster(db, report.cluster.id) == document
