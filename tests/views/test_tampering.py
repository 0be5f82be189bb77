"""Object-level access: a secretary of one cluster cannot reach another cluster's records, neither by putting the
other cluster's object ids in the URL of her own cluster nor by tampering with the ids her forms carry."""
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import MetaData
from sqlalchemy import select as sql_select
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tests.support.accounts import PASSWORD
from tracker.models import BallotRevision, ClusterYear, Pledge, Score, Signature, Target
from tracker.services import pledges, scores
from tracker.services.stamps import stamp

SKIPPED_TABLES = {"audit_event", "login_failure", "user", "session"}  # what a refusal itself may write
OBJECT_ARGS = ("round_id", "meeting_id", "attachment_id", "board_id", "indicator_id", "proposal_id")
REFUSED = (403, 404, 409, 422)


def snapshot(app) -> dict[str, list]:
    """Every row of every table a form could change, sorted, to compare before and after a refused post."""
    engine = app.extensions["engine"]
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: sorted(tuple(map(repr, row)) for row in conn.execute(sql_select(table)))
                for name, table in meta.tables.items() if name not in SKIPPED_TABLES and name != "alembic_version"}


@pytest.fixture
def secretary(app, world):
    """A client logged in as the secretary of the first cluster."""
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "secretary", "password": PASSWORD})
    assert response.status_code == 302
    return client


def _mixed_urls(app, world):
    """Each route of a cluster that names another object too, with the secretary's cluster in the URL and the
    other cluster's object (round, meeting, attachment, board, indicator, proposal) beside it."""
    for rule in app.url_map.iter_rules():
        if "cluster_id" not in rule.arguments or not set(OBJECT_ARGS) & set(rule.arguments):
            continue
        values = {"cluster_id": world["own"].id, "year": 2019, "award_type_id": 1, "document": "ballot",
                  "kind": "docx", "fmt": "csv", "round_id": world["own_round"], "meeting_id": world["own_meeting"],
                  "attachment_id": world["own_attachment"], "board_id": world["own_board"].id,
                  "indicator_id": world["own_indicator"], "proposal_id": world["own_proposal"]}
        for name in OBJECT_ARGS:
            if name in rule.arguments:
                other = world["other_board"].id if name == "board_id" else world[f"other_{name.removesuffix('_id')}"]
                for method in sorted(rule.methods & {"GET", "POST"}):
                    yield method, rule.build({**values, name: other}, append_unknown=False)[1]


def test_other_clusters_objects_under_own_cluster_url_are_refused(app, world, secretary):
    before = snapshot(app)
    problems, tried = [], 0
    for method, url in _mixed_urls(app, world):
        response = secretary.open(url, method=method, data={"version": 0, "caption": "x", "reason": "x"})
        tried += 1
        if response.status_code not in (403, 404):
            problems.append(f"{method} {url}: {response.status_code}")
    assert tried > 15
    assert problems == []
    assert snapshot(app) == before


# Form field tampering ------------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: action -> the fields as the browser would send them unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, MultiDict] = {}
        self._fields: MultiDict | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = self.forms.setdefault(a.get("action") or "", MultiDict())
        if self._fields is None or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.add(a["name"], a.get("value") or "y")
                return
            self._fields.add(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select, self._first_option, self._chosen = a["name"], None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value") or ""
            if "selected" in a:
                self._fields.add(self._select, a.get("value") or "")
                self._chosen = True
        elif tag == "textarea":
            self._textarea = a["name"]
            self._fields.add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields.setlist(self._textarea, [self._fields.getlist(self._textarea)[-1] + data])

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select:
            if not self._chosen and self._first_option is not None and self._fields is not None:
                self._fields.add(self._select, self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(client, page: str, action: str) -> MultiDict:
    """The fields of the form posting to `action` on `page`, as rendered for the secretary."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    assert action in parser.forms, (action, list(parser.forms))
    return parser.forms[action]


@pytest.fixture
def scored(db, world):
    """A criterion in each cluster, and a target and a score of the other cluster to watch."""
    ids = {}
    for name in ("own", "other"):
        ids[f"{name}_criterion"] = scores.save_criteria(
            session=db, cluster_id=world[name].id, year=2019, stamp=stamp([]),
            lines=[scores.CriterionLine(None, "A1", "Thu hút đầu tư", Decimal(10))])[0].id
    other = world["other"].id
    pledges.save_targets(session=db, cluster_id=other, year=2019, stamp=stamp([]), cells=[pledges.TargetCell(
        world["other_indicator"], world["other_board"].id, Decimal(5), "NQ 1", None)])
    scores.save_scores(session=db, cluster_id=other, year=2019, stamp=stamp([]), board_id=world["other_board"].id,
                       cells=[scores.ScoreCell(ids["other_criterion"], world["other_board"].id, Decimal(7), None)])
    db.commit()
    return ids


def _base(world, *rest) -> str:
    return "/".join([f"/clusters/{world['own'].id}/years/2019", *map(str, rest)])


def assert_refused(app, client, url: str, data: MultiDict, tampered: dict, control: bool = True):
    """The form with the `tampered` fields is answered with a refusal and a message, no row of any table changed;
    the same form untampered is accepted (so the refusal is the tampering's)."""
    before = snapshot(app)
    good = data.copy()
    for key, value in tampered.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    response = client.post(url, data=data)
    assert response.status_code in REFUSED, (url, response.status_code)
    assert "alert" in response.get_data(as_text=True) or "invalid-feedback" in response.get_data(as_text=True)
    assert snapshot(app) == before
    if control:
        response = client.post(url, data=good)
        assert response.status_code == 302, (url, response.status_code)


def _other_rows(app, world, tables=("target", "score", "signature", "indicator", "criterion", "membership",
                                     "meeting", "meeting_board", "ballot_round", "ballot_revision", "proposal")):
    """The other cluster's rows (and any row naming its board or objects): they must never change."""
    snap = snapshot(app)
    return {name: snap[name] for name in tables if name in snap}


@pytest.mark.parametrize("field", ["host_board_id"])
def test_roster_host_from_another_cluster(app, world, secretary, field):
    url = f"/clusters/{world['own'].id}/years/2019/edit"
    data = form_of(secretary, url, "")
    assert_refused(app, secretary, url, data, {field: str(world["other_board"].id)})


@pytest.mark.parametrize("field", ["host_board_id", "present"])
@pytest.mark.parametrize("page", ["new", "edit"])
def test_meeting_host_and_boards_present_from_another_cluster(app, world, secretary, field, page):
    url = _base(world, "meetings", "new?kind=midyear" if page == "new" else f"{world['own_meeting']}/edit")
    data = form_of(secretary, url, "")
    data.setlist("held_on", ["15/07/2019"])
    assert_refused(app, secretary, url, data, {field: str(world["other_board"].id)})


def test_pledge_host_from_another_cluster(app, world, secretary):
    url = _base(world, "pledge/edit")
    data = form_of(secretary, url, "")
    assert_refused(app, secretary, url, data, {"host_board_id": str(world["other_board"].id)})


def test_pledge_signature_of_a_board_not_member_is_not_stored(app, world, secretary, db):
    url = _base(world, "pledge/edit")
    data = form_of(secretary, url, "")
    other = world["other_board"].id
    data.update({f"signed_{other}": "y", f"signer_{other}": "Nguyễn Văn A"})
    before = _other_rows(app, world)
    response = secretary.post(url, data=data)
    assert response.status_code in (302, *REFUSED)
    theirs = db.exec(select(Signature).where(Signature.board_id == other)).all()
    assert [s.pledge_id for s in theirs] == [other_pledge(db, world)]  # only its own cluster's, untouched
    assert _other_rows(app, world)["signature"] == before["signature"]


def other_pledge(db, world):
    """The pledge of the other cluster's year."""
    cluster_year = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == world["other"].id)).one()
    return db.exec(select(Pledge).where(Pledge.cluster_year_id == cluster_year.id)).one().id


@pytest.mark.parametrize(("page", "key"), [("indicators", "other_indicator"), ("criteria", "other_criterion")])
def test_catalogue_line_with_an_id_of_another_cluster(app, world, scored, secretary, page, key):
    url = _base(world, page)
    data = form_of(secretary, url, "")
    assert data.get("id_0")  # the own line is shown with its id
    assert_refused(app, secretary, url, data, {"id_0": str({**world, **scored}[key])})


def _grid_cases(world, scored):
    own_b, other_b = world["own_board"].id, world["other_board"].id
    own_i, other_i = world["own_indicator"], world["other_indicator"]
    yield f"targets/board/{own_b}", {f"target_{other_i}_{own_b}": "9", f"target_{other_i}_{other_b}": "9",
                                     f"target_{own_i}_{other_b}": "9"}
    yield f"targets/indicator/{own_i}", {f"target_{own_i}_{other_b}": "9", f"actual_{other_i}_{other_b}": "9"}
    yield f"scores/board/{own_b}", {f"self_score_{scored['other_criterion']}_{own_b}": "1",
                                    f"agreed_{scored['other_criterion']}_{other_b}": "1",
                                    f"self_score_{scored['own_criterion']}_{other_b}": "1"}


def test_grid_cells_of_another_cluster_are_never_stored(app, world, scored, secretary, db):
    for page, extra in _grid_cases(world, scored):
        url = _base(world, page)
        data = form_of(secretary, url, "")
        data.update(extra)
        before = _other_rows(app, world)
        response = secretary.post(url, data=data)
        assert response.status_code in (302, *REFUSED), (page, response.status_code)
        after = _other_rows(app, world)
        assert after["target"] == before["target"] and after["score"] == before["score"], page
    own_cy = world["own"].id
    stray = [t for t in db.exec(select(Target)).all() if (t.indicator_id, t.board_id) in {
        (world["other_indicator"], world["own_board"].id), (world["own_indicator"], world["other_board"].id)}]
    stray += [s for s in db.exec(select(Score)).all() if (s.criterion_id, s.board_id) in {
        (scored["other_criterion"], world["own_board"].id), (scored["own_criterion"], world["other_board"].id)}]
    assert stray == [], own_cy


def test_ballot_counts_for_a_board_not_member_are_ignored(app, world, secretary, db):
    url = _base(world, f"ballots/{world['own_round']}/enter").replace("/years/2019", "")
    data = form_of(secretary, url, "")
    for key in list(data):
        if key in ("issued", "returned") or key.startswith("votes_"):
            data.setlist(key, ["1"])
    data.setlist("invalid", ["0"])
    other = world["other_board"].id
    data.update({f"votes_{other}": "1", f"present_{other}": "y"})
    before = _other_rows(app, world)
    response = secretary.post(url, data=data)
    assert response.status_code in (302, *REFUSED), response.status_code
    for revision in db.exec(select(BallotRevision).where(BallotRevision.round_id == world["own_round"])).all():
        counts = json.loads(revision.counts) if revision.counts else {}
        assert other not in counts.get("present", []) and str(other) not in counts.get("votes", {}), counts
    after = _other_rows(app, world)
    assert after["ballot_revision"] != before["ballot_revision"] or response.status_code != 302
    other_rounds = [r for r in after["ballot_round"] if r[0] == repr(world["other_round"])]
    assert other_rounds == [r for r in before["ballot_round"] if r[0] == repr(world["other_round"])]


def test_submission_with_a_proposal_of_another_cluster(app, world, secretary):
    page = _base(world, "proposals")
    action = _base(world, "proposals/submission/1")
    data = form_of(secretary, page, action)
    data.setlist("award1-number", ["12/TTr-CKT"])
    data.setlist("award1-submitted_on", ["30/12/2019"])
    data.setlist("award1-proposal_ids", [str(world["own_proposal"])])
    assert_refused(app, secretary, action, data, {"award1-proposal_ids": [str(world["other_proposal"])],
                                                  f"award1-version_{world['other_proposal']}": "0"},
                   control=False)  # the own draft is held back by an eligibility rule of award 1 anyway


@pytest.mark.parametrize("where", ["decision", "past"])
def test_award_for_a_board_outside_her_clusters(app, world, secretary, where):
    page, action = (f"/decisions/{world['decision']}", f"/decisions/{world['decision']}/awards") \
        if where == "decision" else ("/decisions/past-awards", "/decisions/past-awards")
    data = form_of(secretary, page, action)
    data.setlist("board_id", [str(world["own_board"].id)])
    data.setlist("award_type_id", ["1"])
    data.setlist("year", ["2017"])
    assert_refused(app, secretary, action, data, {"board_id": str(world["other_board"].id)})
