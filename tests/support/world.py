"""The `world` fixture (a plugin, loaded by tests/conftest.py): two clusters with an object of every kind each, a
secretary of the first, a viewer, an administrator and a target account; and `cases`, the URLs of a route aimed
at the secretary's own objects and at another cluster's. Used by the route x role matrix, the headers, tampering
and hostile-input tests."""
from datetime import date

import pytest
from flask import current_app

from tests.support.files import pdf_bytes, png_bytes
from tracker.models import Authority, Proposal
from tracker.rules.voting import RuleValues
from tracker.services import ballots, decisions, meetings, pledges, voting
from tracker.services.stamps import stamp

ROLES = ("anonymous", "viewer", "secretary", "admin")


@pytest.fixture
def world(db, make_board, make_cluster, make_user):
    """Two clusters (the secretary is assigned to the first), a board in each, an authority, a target account."""
    own_board, other_board = make_board("OWN"), make_board("OTHER")
    own = make_cluster("Cụm của tôi", years={2019: [(own_board, "head")]})
    other = make_cluster("Cụm khác", years={2019: [(other_board, "head")]})
    authority = Authority(name="Bộ Kế hoạch và Đầu tư", valid_to=date(2025, 2, 28))
    db.add(authority)
    db.commit()
    users = {
        "viewer": make_user("viewer", "viewer"),
        "secretary": make_user("secretary", "secretary", clusters=[own]),
        "admin": make_user("admin", "admin"),
    }
    target = make_user("target", "viewer")
    rounds = {}
    for name, cluster in (("own_round", own), ("other_round", other)):
        voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=None, rule=RuleValues(),
                         seats={"CO_BO": 1})
        rounds[name] = ballots.open_round(session=db, user=users["admin"], cluster_id=cluster.id, year=2019,
                                          award_type_id=voting.award_types(db)[1].id, meeting=ballots.Meeting()).id
    world_board = {"own": own_board, "other": other_board}
    for name, cluster in (("own", own), ("other", other)):
        meeting = meetings.save_meeting(session=db, cluster_id=cluster.id, year=2019, meeting_id=None, version=None,
                                        data=meetings.MeetingData(kind="yearend", held_on=date(2019, 12, 20)))
        rounds[f"{name}_meeting"] = meeting.id
        rounds[f"{name}_attachment"] = meetings.add_attachment(
            session=db, meeting=meeting, user=None, filename="anh.png", data=png_bytes(), caption="",
            folder=current_app.config["UPLOAD_FOLDER"]).id
        rounds[f"{name}_indicator"] = pledges.save_catalogue(
            session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
            lines=[pledges.IndicatorLine(None, "Vốn đầu tư thu hút", "tỷ đồng")])[0].id
        pledges.save_pledge(session=db, cluster_id=cluster.id, year=2019, version=0, data=pledges.PledgeData())
        # a draft proposal of the award the cases pass as award_type_id (1), so the tờ trình is built too
        proposal = Proposal(cluster_year_id=meeting.cluster_year_id, board_id=world_board[name].id, award_type_id=1)
        db.add(proposal)
        db.flush()
        rounds[f"{name}_proposal"] = proposal.id
    # a decision with its scan and an award of 2018 (no proposal asks for it, so the proposals above stay drafts)
    decision = decisions.save_decision(session=db, decision_id=None, version=None, data=decisions.DecisionData(
        number="1/QĐ-BKHĐT", decided_on=date(2020, 3, 12), authority_id=authority.id))
    decisions.attach_scan(session=db, decision=decision, filename="qd.pdf", data=pdf_bytes(),
                          folder=current_app.config["UPLOAD_FOLDER"])
    rounds["decision"] = decision.id
    rounds["award"] = decisions.add_award(session=db, user=None, decision_id=decision.id,
                                          line=decisions.AwardLine(own_board.id, 1, 2018)).id
    db.commit()
    return {**rounds, "own": own, "other": other, "own_board": own_board, "other_board": other_board,
            "authority": authority, "users": users, "target": target}


def cases(rule, world):
    """The URLs to try for a rule: for object routes, one on the secretary's own object and one on another's."""
    args = {"year": 2019, "authority_id": world["authority"].id, "user_id": world["target"].id, "award_type_id": 1,
            "document": "ballot", "kind": "docx", "decision_id": world["decision"], "award_id": world["award"],
            "rule_id": 1, "fmt": "csv"}  # the seeded one-form-per-year rule; exports as CSV
    if "cluster_id" in rule.arguments:
        for which in ("own", "other"):
            own = {"cluster_id": world[which].id, "round_id": world[f"{which}_round"],
                   "meeting_id": world[f"{which}_meeting"], "attachment_id": world[f"{which}_attachment"],
                   "board_id": world[f"{which}_board"].id, "indicator_id": world[f"{which}_indicator"],
                   "proposal_id": world[f"{which}_proposal"]}
            yield which, rule.build({**args, **own}, append_unknown=False)[1]
    elif "board_id" in rule.arguments:
        yield "own", rule.build({**args, "board_id": world["own_board"].id}, append_unknown=False)[1]
        yield "other", rule.build({**args, "board_id": world["other_board"].id}, append_unknown=False)[1]
    else:
        yield "any", rule.build(args, append_unknown=False)[1]
