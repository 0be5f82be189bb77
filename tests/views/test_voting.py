"""The voting-rule page of a cluster-year and the award-type catalogue, as secretaries and admins use them."""
from fractions import Fraction

from sqlmodel import select

from tests.support.pages import feedback
from tests.support.voting import RULE
from tracker.models import AwardType, VotingRule
from tracker.services import voting


def test_the_rule_page_shows_the_defaults_as_suggestions_and_saves_them(client, login, db, south_east):
    cluster, _boards = south_east
    login(as_role="secretary", clusters=[cluster])
    page = client.get(f"/clusters/{cluster.id}/years/2019/rule").get_data(as_text=True)
    assert 'value="2/3"' in page and 'value="1/2"' in page
    detail = client.get(f"/clusters/{cluster.id}/years/2019").get_data(as_text=True)
    assert "suggested default" in detail or "giá trị gợi ý" in detail
    response = client.post(f"/clusters/{cluster.id}/years/2019/rule", data=RULE)
    assert response.status_code == 302
    row = db.exec(select(VotingRule)).one()
    assert (Fraction(row.threshold_num, row.threshold_den), row.citation) == (Fraction(1, 2), RULE["citation"])
    assert voting.effective_rule(db, cluster.id, 2019)[0].seats == {"CO_BO": 1, "BK_BO": 2}


def test_bad_shares_and_seats_are_refused_beside_their_field(client, login, db, south_east):
    cluster, _boards = south_east
    login(as_role="secretary", clusters=[cluster])
    for changes, field in [({"quorum": "abc"}, "quorum"), ({"threshold": "3/2"}, "threshold"),
                           ({"quorum": "0"}, "quorum"), ({"seats_BK_BO": "two"}, "seats_BK_BO"),
                           ({"seats_BK_BO": "99"}, "seats_BK_BO"), ({"base": "everyone"}, "base")]:
        response = client.post(f"/clusters/{cluster.id}/years/2019/rule", data={**RULE, **changes})
        assert response.status_code == 422, changes
        assert feedback(response, field)
    assert db.exec(select(VotingRule)).all() == []


def test_a_secretary_of_another_cluster_cannot_change_the_rule(client, login, make_cluster, south_east):
    cluster, _boards = south_east
    login(as_role="secretary", clusters=[make_cluster("Khối khác")])
    assert client.post(f"/clusters/{cluster.id}/years/2019/rule", data=RULE).status_code == 403


def test_a_stale_rule_edit_shows_both(client, login, south_east):
    cluster, _boards = south_east
    login(as_role="secretary", clusters=[cluster])
    assert client.post(f"/clusters/{cluster.id}/years/2019/rule", data=RULE).status_code == 302
    response = client.post(f"/clusters/{cluster.id}/years/2019/rule", data={**RULE, "citation": "Điều 10"})
    assert response.status_code == 409
    assert "Điều 10" in response.get_data(as_text=True)


def test_admins_edit_award_types_and_bad_codes_are_refused(client, login, db):
    login(as_role="admin")
    award = db.exec(select(AwardType).where(AwardType.code == "BK_BO")).one()
    form = {"code": "BK_BO", "name_vi": award.name_vi, "name_en": "Minister's certificate", "kind": "certificate",
            "level": award.level, "precedence": "4", "active": "y", "version": str(award.version)}
    assert client.post(f"/admin/award-types/{award.id}/edit", data=form).status_code == 302
    db.rollback()  # end the test's read snapshot
    db.refresh(award)
    assert award.name_en == "Minister's certificate"
    response = client.post("/admin/award-types/new", data={**form, "code": "BẰNG KHEN", "version": "0"})
    assert response.status_code == 422 and feedback(response, "code")
    response = client.post("/admin/award-types/new", data={**form, "code": "bk_bo", "version": "0"})
    assert response.status_code == 422 and feedback(response, "code")
    assert award.name_vi in client.get("/admin/award-types").get_data(as_text=True)
