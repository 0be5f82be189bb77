"""Decisions as the page tests type them: the form of a decision and of an award line, and a decision recorded
through the page."""
from sqlmodel import select

from tests.support.ballots import award
from tracker.models import Decision

DECISION = {"number": "1234/QĐ-BKHĐT", "decided_on": "12/03/2020", "signer_name": "Nguyễn Chí Dũng",
            "signer_title": "Bộ trưởng", "note": "", "version": "0"}


def decision_form(ministries, **changes) -> dict:
    return {**DECISION, "authority_id": str(ministries["BKHĐT"].id), **changes}


def award_form(db, board, code, year="2019") -> dict:
    return {"board_id": str(board.id), "award_type_id": str(award(db, code)), "year": year, "note": ""}


def new_decision(client, db, ministries, **changes) -> Decision:
    response = client.post("/decisions/new", data=decision_form(ministries, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.rollback()
    decision = db.exec(select(Decision).order_by(Decision.id.desc())).first()
    assert response.location.endswith(f"/decisions/{decision.id}")
    return decision
