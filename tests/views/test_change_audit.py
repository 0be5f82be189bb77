"""Every change of data is in the audit log (issue 14, finding 7): who, when, from which address, what record,
the fields before and after. Each change the attack found unlogged is replayed through the pages: voting-rule
changes (the second entry switched off included), member lists, board and cluster edits, decision edits, scan
replacements, award removals. The administrator's page filters the log by record, account and date; a record's
page links to its own history."""
import io
import json
from datetime import date

import pytest
from sqlmodel import Session, select

from tests.support.accounts import PASSWORD
from tests.support.decisions import award_form, decision_form, new_decision
from tests.support.files import pdf_bytes
from tests.support.voting import RULE
from tracker.models import AuditEvent, Award, Board, ClusterYear, SecretaryCluster, User, VotingRule
from tracker.services import audit

ADDRESS = "203.0.113.9"


def changes(app, record: str | None = None, kind: str | None = None) -> list[AuditEvent]:
    """The change lines as committed, oldest first, optionally about one record (or what belongs to it)."""
    with Session(app.extensions["engine"]) as fresh:
        query = select(AuditEvent).where(AuditEvent.kind.in_([kind] if kind else ["created", "changed", "deleted"]))
        if record:
            query = query.where(AuditEvent.subjects.contains(f" {record} "))
        return list(fresh.exec(query.order_by(AuditEvent.id)).all())


def fields(event: AuditEvent) -> tuple[dict, dict]:
    detail = json.loads(event.detail)
    return detail.get("before", {}), detail.get("after", {})


@pytest.fixture
def secretary(client, login, south_east):
    cluster, boards = south_east
    client.environ_base["REMOTE_ADDR"] = ADDRESS  # before the login: a session is bound to its address
    user = login(as_role="secretary", clusters=[cluster], username="thu_ky")
    return user, cluster, boards


def test_switching_the_second_entry_off_is_logged_with_who_where_and_both_values(app, client, secretary):
    user, cluster, _boards = secretary
    assert client.post(f"/clusters/{cluster.id}/years/2019/rule", data=RULE).status_code == 302
    with Session(app.extensions["engine"]) as fresh:
        rule = fresh.exec(select(VotingRule)).one()
    off = {key: value for key, value in RULE.items() if key != "second_entry"}
    assert client.post(f"/clusters/{cluster.id}/years/2019/rule",
                       data={**off, "version": str(rule.version)}).status_code == 302
    [changed] = [e for e in changes(app, f"voting_rule:{rule.id}") if e.kind == "changed"]
    assert (changed.username, changed.user_id, changed.address) == ("thu_ky", user.id, ADDRESS)
    before, after = fields(changed)
    assert before["second_entry"] is True and after["second_entry"] is False
    assert changed.record == f"voting_rule:{rule.id}"
    cluster_year = f" cluster_year:{rule.cluster_year_id} "
    assert cluster_year in changed.subjects and f" cluster:{cluster.id} " in changed.subjects


def test_a_member_list_change_names_the_board_added_and_the_one_removed(app, client, db, make_board, secretary):
    _user, cluster, boards = secretary
    new = make_board("NEW")
    cluster_year = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id)).one()
    form = {"version": str(cluster_year.version), "host_board_id": "", "conference_date": "", "conference_place": "",
            "note": "", f"member_{boards['DIZA'].id}": "y", f"role_{boards['DIZA'].id}": "head",
            f"member_{boards['HEPZA'].id}": "y", f"role_{boards['HEPZA'].id}": "deputy",
            f"member_{new.id}": "y", f"role_{new.id}": "member"}  # BQL Bình Dương leaves, NEW joins
    assert client.post(f"/clusters/{cluster.id}/years/2019/edit", data=form).status_code == 302
    lines = [e for e in changes(app, f"cluster_year:{cluster_year.id}") if e.username == "thu_ky"]
    created = [fields(e)[1] for e in lines if e.kind == "created" and e.record.startswith("membership:")]
    deleted = [fields(e)[0] for e in lines if e.kind == "deleted" and e.record.startswith("membership:")]
    assert [(row["board_id"], row["role"]) for row in created] == [(new.id, "member")]
    assert [row["board_id"] for row in deleted] == [boards["BD"].id]
    assert lines and all(e.address == ADDRESS for e in lines)
    roles = [e for e in lines if e.kind == "changed" and e.record.startswith("membership:")]
    assert roles == []  # the head stays head: no line, though the save lowers and raises roles in two steps
    # the board's own history shows it joined
    assert any(e.kind == "created" for e in changes(app, f"board:{new.id}"))


def test_board_and_cluster_edits_keep_each_changed_field(app, client, login):
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    login(as_role="admin", username="quan_tri")
    assert client.post("/boards/new", data={"name": "Ban Quản lý các KCN Đồng Nai", "short_name": "DIZA",
                                             "kind": "industrial_zones"}).status_code == 302
    with Session(app.extensions["engine"]) as fresh:
        board = fresh.exec(select(Board)).one()
    assert client.post(f"/boards/{board.id}/edit", data={
        "name": "Ban Quản lý các Khu công nghiệp Đồng Nai", "short_name": "DIZA", "kind": "industrial_zones",
        "version": str(board.version)}).status_code == 302
    created, changed = changes(app, f"board:{board.id}")
    assert created.kind == "created" and fields(created)[1]["short_name"] == "DIZA"
    before, after = fields(changed)
    assert before["name"] == "Ban Quản lý các KCN Đồng Nai"
    assert after["name"] == "Ban Quản lý các Khu công nghiệp Đồng Nai"
    assert "short_name" not in after  # only what changed
    assert client.post("/clusters/new", data={"name": "Cụm Đông Nam Bộ", "kind": "cum", "region": "",
                                               "authority_id": "", "description": ""}).status_code == 302
    with Session(app.extensions["engine"]) as fresh:
        [cluster_line] = [e for e in changes(app) if e.record.startswith("cluster:")]
    assert cluster_line.kind == "created" and cluster_line.username == "quan_tri"


def test_decision_edits_scan_replacements_and_award_removals_are_logged(app, client, db, login, proposed):
    cluster, boards, ministries, _rows = proposed
    login(as_role="secretary", clusters=[cluster], username="thu_ky")
    decision = new_decision(client, db, ministries)
    url = f"/decisions/{decision.id}"
    assert client.post(url + "/edit", data=decision_form(ministries, note="Đã ký", version="1")).status_code == 302
    for name in ("first.pdf", "second.pdf"):
        client.post(url + "/scan", data={"file": (io.BytesIO(pdf_bytes()), name)}, content_type="multipart/form-data")
    client.post(url + "/awards", data=award_form(db, boards["DIZA"], "CO_BO"))
    db.rollback()
    line = db.exec(select(Award)).one()
    assert client.post(f"/decisions/awards/{line.id}/delete", data={"version": str(line.version)}).status_code == 302
    history = changes(app, f"decision:{decision.id}")
    edits = [fields(e) for e in history if e.record == f"decision:{decision.id}" and e.kind == "changed"]
    assert ({"note": ""}, {"note": "Đã ký"}) in [({"note": b.get("note")}, {"note": a.get("note")})
                                               for b, a in edits if "note" in a]
    scans = [a["scan_original"] for _b, a in edits if "scan_original" in a]
    assert scans == ["first.pdf", "second.pdf"]
    removed = [e for e in history if e.record == f"award:{line.id}" and e.kind == "deleted"]
    assert len(removed) == 1 and fields(removed[0])[0]["board_id"] == boards["DIZA"].id
    assert f" board:{boards['DIZA'].id} " in removed[0].subjects


def test_secrets_are_logged_as_changed_never_with_their_value(app, client, login):
    user = login(as_role="admin", username="quan_tri")
    new = "Hoa phượng đỏ rực sân trường 2026"
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": new,
                                                   "confirm": new})
    assert response.status_code == 302, response.get_data(as_text=True)
    [changed] = [e for e in changes(app, f"user:{user.id}") if e.kind == "changed" and e.record == f"user:{user.id}"]
    before, after = fields(changed)
    assert before["password_hash"] == after["password_hash"] == "•••"
    assert after["session_token"] == "•••"
    with Session(app.extensions["engine"]) as fresh:
        stored = fresh.get(User, user.id)
        leaked = [e.id for e in fresh.exec(select(AuditEvent)).all()
                  if stored.password_hash in e.detail or stored.session_token in e.detail or "$argon2" in e.detail]
    assert leaked == []


def test_an_assignment_change_names_the_cluster_added(app, client, login, make_cluster, make_user):
    login(as_role="admin", username="quan_tri")
    first, second = make_cluster("Cụm một"), make_cluster("Cụm hai")
    user = make_user("thu_ky_moi", "secretary", [first])
    assert client.post(f"/admin/users/{user.id}/edit", data={
        "username": "thu_ky_moi", "full_name": "", "role": "secretary", "clusters": [str(first.id), str(second.id)],
        "version": str(user.version)}).status_code == 302
    lines = changes(app, f"user:{user.id}")
    added = [e for e in lines if e.record.startswith("secretary_cluster:") and e.kind == "created"
             and e.username == "quan_tri"]
    assert [fields(e)[1]["cluster_id"] for e in added] == [second.id]
    with Session(app.extensions["engine"]) as fresh:
        assert len(fresh.exec(select(SecretaryCluster)).all()) == 2


def test_the_log_page_filters_by_record_account_and_date(app, client, login, secretary):
    _user, cluster, _boards = secretary
    assert client.post(f"/clusters/{cluster.id}/years/2019/rule", data=RULE).status_code == 302
    login(as_role="admin", username="quan_tri")
    with Session(app.extensions["engine"]) as fresh:
        cluster_year = fresh.exec(select(ClusterYear)).one()
    page = client.get(f"/admin/audit?record=cluster_year:{cluster_year.id}").get_data(as_text=True)
    assert 'data-record="voting_rule:' in page and 'data-kind="login"' not in page
    page = client.get("/admin/audit?username=thu_ky&kind=created").get_data(as_text=True)
    assert 'data-record="voting_rule:' in page and "quan_tri" not in page.split('id="audit"')[1]
    today = date.today().strftime("%d/%m/%Y")
    assert 'data-record="voting_rule:' in client.get(f"/admin/audit?since={today}&until={today}").get_data(
        as_text=True)
    assert 'data-record=' not in client.get("/admin/audit?until=01/01/2000").get_data(as_text=True)
    bad = client.get("/admin/audit?record=voting_rule&since=31/02/2021")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert 'id="record-feedback"' in text and 'id="since-feedback"' in text


def test_a_records_page_links_its_history_for_administrators_only(app, client, login, secretary):
    _user, cluster, boards = secretary
    board = boards["DIZA"]
    assert 'id="audit-history"' not in client.get(f"/boards/{board.id}").get_data(as_text=True)
    login(as_role="admin", username="quan_tri")
    page = client.get(f"/boards/{board.id}").get_data(as_text=True)
    assert f'/admin/audit?record=board:{board.id}' in page
    with Session(app.extensions["engine"]) as fresh:
        cluster_year = fresh.exec(select(ClusterYear)).one()
    year = client.get(f"/clusters/{cluster.id}/years/2019").get_data(as_text=True)
    assert f'/admin/audit?record=cluster_year:{cluster_year.id}' in year
    assert client.get(f"/admin/audit?record=board:{board.id}").status_code == 200


def test_the_log_reads_its_lines(app, db):
    line = audit.record(db, "import", detail={"rows": 3})
    assert audit.readable(line).fields == [] and audit.readable(line).rest == {"rows": 3}
