"""The read-only JSON API: every route is in the OpenAPI document and every answer (200, 400, 401, 404) matches
its schema exactly; lists page in a stable order; finalised results come from the stored result; a token or a
session opens it, nothing else; errors are JSON under /api/v1 and HTML elsewhere; never a 500; and every
endpoint runs as many SQL statements on a large data set as on a small one."""
import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlmodel import select

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tests.support.ballots import award
from tracker.models import ApiToken, AuditEvent, Authority, Board, User
from tracker.rules.rounds import Figures
from tracker.rules.voting import RuleValues
from tracker.services import ballots, decisions, proposals, tokens, voting

SPEC_URI = "urn:tracker-openapi"


# The data: clusters of boards with finalised rounds, proposals, decisions and awards, built through the services


def finalised(db, cluster_id: int, year: int, code: str, votes: dict[int, int], members: list[int]):
    """A round opened, entered, confirmed (no second entry) and finalised; returns the round."""
    round_ = ballots.open_round(session=db, user=None, cluster_id=cluster_id, year=year,
                                award_type_id=award(db, code), meeting=ballots.Meeting())
    return count(db, round_, votes, members)


def count(db, round_, votes: dict[int, int], members: list[int]):
    """Enter, confirm and finalise the counts of an open round."""
    figures = Figures(present=frozenset(members), issued=len(members), returned=len(members), invalid=0,
                      votes=votes)
    ballots.enter(session=db, user=None, round_id=round_.id, version=round_.version, figures=figures,
                  meeting=ballots.Meeting(place="Tây Ninh"))
    ballots.check(session=db, user=None, round_id=round_.id, version=round_.version, figures=None)
    ballots.finalise(session=db, user=None, round_id=round_.id, version=round_.version)
    db.commit()
    return round_


@pytest.fixture
def grow(db, make_board, make_cluster):
    """grow(clusters, boards, years, tag): clusters of their own boards (head, deputy, members), each year with a
    finalised flag round (the head elected) and certificate round (deputy and third board elected), a proposal
    from the flag round granted by a decision, and a certificate recorded without a decision. Returns the
    clusters."""
    authority = Authority(name="Bộ Kế hoạch và Đầu tư")
    db.add(authority)
    db.commit()

    def make(clusters: int, boards: int, years: int, tag: str):
        made = []
        for c in range(clusters):
            members = [make_board(f"{tag}{c}-{b}") for b in range(boards)]
            roster = [(members[0], "head"), (members[1], "deputy")] + [(m, "member") for m in members[2:]]
            cluster = make_cluster(f"Cụm {tag}{c}", years={2017 + y: roster for y in range(years)},
                                   region="Đông Nam Bộ" if c % 2 == 0 else "Tây Nguyên", authority_id=authority.id)
            ids = [m.id for m in members]
            for year in range(2017, 2017 + years):
                voting.save_rule(session=db, cluster_id=cluster.id, year=year, version=None,
                                 rule=RuleValues(second_entry=False), seats={"CO_BO": 1, "BK_BO": 2})
                flag = finalised(db, cluster.id, year, "CO_BO", {i: (boards if i == ids[0] else 0) for i in ids}, ids)
                finalised(db, cluster.id, year, "BK_BO", {i: (boards if i in ids[1:3] else 0) for i in ids[1:]}, ids)
                proposals.create_from_round(session=db, user=None, round_id=flag.id)
                data = decisions.DecisionData(number=f"{tag}{c}{year}/QĐ-BKHĐT", decided_on=date(year + 1, 3, 1),
                                              authority_id=authority.id)
                decision = decisions.save_decision(session=db, decision_id=None, version=None, data=data)
                decisions.add_award(session=db, user=None, decision_id=decision.id,
                                    line=decisions.AwardLine(ids[0], award(db, "CO_BO"), year))
                decisions.add_past_award(session=db, user=None, line=decisions.AwardLine(ids[1], award(db, "BK_BO"),
                                                                                         year))
                db.commit()
            made.append(cluster)
        # the last board of the batch merged into its first one
        last, first = db.get(Board, ids[-1]), db.exec(select(Board).where(Board.short_name == f"{tag}0-0")).one()
        last.successor_id = first.id
        db.add(last)
        db.commit()
        return made

    make.authority = authority
    return make


# The OpenAPI document, and validating answers against it


def spec_of(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def pointer(document: dict, ref: str):
    """What a local "#/a/b" reference points at (None when nothing)."""
    node = document
    for part in ref.removeprefix("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def spec_path(rule: str) -> str:
    """A Flask rule of the API as the document names its path: /api/v1/clusters/<int:cluster_id> ->
    /clusters/{cluster_id}."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix("/api/v1"))


class Checker:
    """Validates a response against the schema the document gives for its path and status."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.registry = Registry().with_resource(SPEC_URI, Resource(contents=spec, specification=DRAFT202012))
        self.seen: set[tuple[str, str]] = set()

    def schema(self, path: str, status: int) -> dict:
        responses = self.spec["paths"][path]["get"]["responses"]
        assert str(status) in responses, f"{path} does not document {status}"
        response = responses[str(status)]
        if "$ref" in response:
            response = pointer(self.spec, response["$ref"])
        return response["content"]["application/json"]["schema"]

    def check(self, client_response, path: str, status: int) -> dict:
        assert client_response.status_code == status, (path, client_response.get_data(as_text=True)[:500])
        assert client_response.mimetype == "application/json"
        body = client_response.get_json()
        schema = self.schema(path, status)
        target = {"$ref": SPEC_URI + schema["$ref"]} if "$ref" in schema else schema
        validator = Draft202012Validator(target, registry=self.registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert errors == [], (path, status, errors[:5])
        self.seen.add((path, str(status)))
        return body


@pytest.fixture
def viewer(client, login):
    login("viewer")
    return client


def test_the_document_is_openapi_3_1_every_ref_resolves_and_every_object_is_exact(client):
    spec = spec_of(client)
    assert spec["openapi"] == "3.1.0" and spec["info"]["title"] and spec["servers"] == [{"url": "/api/v1"}]
    refs = []

    def walk(node, where):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append((where, node["$ref"]))
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, where
                assert sorted(node["required"]) == sorted(node["properties"]), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(spec, "#")
    assert len(refs) > 40
    assert [(where, ref) for where, ref in refs if not ref.startswith("#/") or pointer(spec, ref) is None] == []
    Draft202012Validator.check_schema({"$defs": spec["components"]["schemas"]})
    for path, item in spec["paths"].items():
        for name in re.findall(r"{([a-z_]+)}", path):
            declared = [pointer(spec, p["$ref"]) if "$ref" in p else p for p in item["get"]["parameters"]]
            assert any(p["in"] == "path" and p["name"] == name for p in declared), path


def test_every_api_route_has_a_path_in_the_document_and_every_path_a_route(app, client):
    spec = spec_of(client)
    routes = {spec_path(rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == set(spec["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule.rule


def test_every_endpoint_answers_what_the_document_says_with_and_without_filters(client, login, db, grow):
    clusters = grow(2, 3, 2, "S")
    client.post("/language", data={"lang": "en"})
    login("viewer")
    check = Checker(spec_of(client))
    first = clusters[0]
    head = db.exec(select(Board).where(Board.short_name == "S0-0")).one()

    years = check.check(client.get("/api/v1/years"), "/years", 200)
    assert years["items"] == [{"year": 2017, "clusters": 2, "finalised_rounds": 4, "awards": 4},
                              {"year": 2018, "clusters": 2, "finalised_rounds": 4, "awards": 4}]

    page = check.check(client.get("/api/v1/clusters"), "/clusters", 200)
    assert [c["id"] for c in page["items"]] == [c.id for c in clusters] and page["total"] == 2
    assert page["items"][0]["years"] == [2017, 2018]
    assert page["items"][0]["authority"] == {"id": grow.authority.id, "name": "Bộ Kế hoạch và Đầu tư"}
    for query, expected in (({"year": 2018, "region": "Đông Nam Bộ", "authority_id": grow.authority.id}, [first.id]),
                            ({"year": 2030}, []), ({"region": "Tây Nguyên"}, [clusters[1].id]),
                            ({"region": "Tây"}, []), ({"authority_id": 999}, [])):
        page = check.check(client.get("/api/v1/clusters", query_string=query), "/clusters", 200)
        assert [c["id"] for c in page["items"]] == expected, query

    detail = check.check(client.get(f"/api/v1/clusters/{first.id}"), "/clusters/{cluster_id}", 200)
    year = detail["years"][0]
    assert (year["year"], year["head"]["short_name"], year["deputy"]["short_name"]) == (2017, "S0-0", "S0-1")
    assert [m["role"] for m in year["members"]] == ["head", "deputy", "member"] and year["host"] is None
    check.check(client.get("/api/v1/clusters/99999"), "/clusters/{cluster_id}", 404)

    page = check.check(client.get("/api/v1/boards"), "/boards", 200)
    assert [b["id"] for b in page["items"]] == sorted(b["id"] for b in page["items"]) and page["total"] == 6
    detail = check.check(client.get(f"/api/v1/boards/{head.id}"), "/boards/{board_id}", 200)
    assert [(m["year"], m["role"]) for m in detail["memberships"]] == [(2017, "head"), (2018, "head")]
    assert detail["predecessor_ids"] == [db.exec(select(Board).where(Board.short_name == "S1-2")).one().id]
    assert [(a["year"], a["award"]["code"], a["decision"]["number"], a["proposal_matched"]) for a in detail["awards"]] \
        == [(2017, "CO_BO", "S02017/QĐ-BKHĐT", True), (2018, "CO_BO", "S02018/QĐ-BKHĐT", True)]
    assert detail["awards"][0]["decision"]["decided_on"] == "2018-03-01"
    check.check(client.get("/api/v1/boards/99999"), "/boards/{board_id}", 404)

    page = check.check(client.get("/api/v1/results"), "/results", 200)
    assert page["total"] == 8
    flag = page["items"][0]
    assert (flag["cluster"]["id"], flag["year"], flag["award"], flag["number"], flag["runoff_of"], flag["seats"],
            flag["revision"], flag["status"], flag["quorum_met"], flag["valid"]) == (
        first.id, 2017, "CO_BO", 1, None, 1, 1, "finalised", True, 3)
    assert [(c["board"]["short_name"], c["votes"], c["share"], c["share_decimal"], c["elected"])
            for c in flag["candidates"]][0] == ("S0-0", 3, "1/1", "1.0000", True)
    assert all(not c["elected"] for c in flag["candidates"][1:])
    for query, total in (("year=2018", 4), (f"cluster_id={first.id}", 4), ("award=BK_BO", 4), ("award=bk_bo", 4),
                         (f"year=2017&cluster_id={first.id}&award=CO_BO", 1), ("award=CO_CP", 0)):
        page = check.check(client.get(f"/api/v1/results?{query}"), "/results", 200)
        assert page["total"] == total, query

    page = check.check(client.get("/api/v1/awards"), "/awards", 200)
    assert page["total"] == 8
    past = [a for a in page["items"] if a["decision"] is None]
    assert len(past) == 4 and {a["award"]["code"] for a in past} == {"BK_BO"}
    assert not any(a["proposal_matched"] for a in past)
    for query, total in (("year=2017", 4), (f"board_id={head.id}", 2), (f"cluster_id={first.id}", 4),
                         (f"cluster_id={first.id}&year=2018&board_id={head.id}", 1), ("board_id=99999", 0)):
        page = check.check(client.get(f"/api/v1/awards?{query}"), "/awards", 200)
        assert page["total"] == total, query

    for url, path in (("/api/v1/clusters?page=abc", "/clusters"), ("/api/v1/boards?per_page=10000", "/boards"),
                      ("/api/v1/results?award=NOPE", "/results"), ("/api/v1/awards?year=abc", "/awards")):
        check.check(client.get(url), path, 400)
    anonymous = client.application.test_client()
    for path in (p for p in check.spec["paths"] if p != "/openapi.json"):
        url = "/api/v1" + path.replace("{cluster_id}", str(first.id)).replace("{board_id}", str(head.id))
        response = anonymous.get(url)
        check.check(response, path, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    documented = {(path, status) for path, item in check.spec["paths"].items()
                  for status in item["get"]["responses"] if path != "/openapi.json"}
    assert documented == check.seen  # every documented answer was produced and checked


def test_bad_parameters_are_a_400_with_a_message(viewer):
    viewer.post("/language", data={"lang": "en"})
    for url, words in (("/api/v1/clusters?page=abc", "whole number"), ("/api/v1/clusters?page=0", "between 1"),
                       ("/api/v1/boards?page=-3", "between 1"), ("/api/v1/boards?per_page=10000", "between 1 and 500"),
                       ("/api/v1/awards?per_page=0", "per_page"), ("/api/v1/awards?year=abc", "year"),
                       ("/api/v1/results?year=1800", "between 1945 and 2100"), ("/api/v1/results?award=XYZ", "XYZ"),
                       ("/api/v1/awards?board_id=99999999999", "board_id"), ("/api/v1/clusters?year=٢٠١٩", "whole"),
                       ("/api/v1/clusters?region=a%00b", "control"), ("/api/v1/results?cluster_id=1.5", "whole")):
        response = viewer.get(url)
        assert response.status_code == 400, url
        assert words in response.get_json()["error"], (url, response.get_json())
    assert viewer.get("/api/v1/results?page=&year=&award=").status_code == 200  # empty means not given


def test_pages_follow_next_in_a_stable_order_and_keep_the_filters(viewer, grow):
    grow(2, 3, 2, "P")
    seen, url = [], "/api/v1/awards?per_page=3&year=2017"
    while url:
        body = viewer.get(url).get_json()
        assert body["per_page"] == 3 and body["total"] == 4 and len(body["items"]) <= 3
        seen += [a["id"] for a in body["items"]]
        url = body["next"]
        if url:
            parts = urlsplit(url)
            assert parts.scheme == "http" and "year=2017" in parts.query and "per_page=3" in parts.query
            url = f"{parts.path}?{parts.query}"
    assert seen == sorted(seen) and len(seen) == 4
    body = viewer.get("/api/v1/awards?per_page=3&page=9").get_json()
    assert (body["items"], body["next"], body["page"], body["total"]) == ([], None, 9, 8)


def test_a_result_is_the_latest_finalised_revision_and_a_runoff_names_its_round(viewer, db, make_board, make_cluster):
    members = [make_board(f"R{i}") for i in range(5)]
    cluster = make_cluster("Cụm hòa phiếu", years={2019: [(members[0], "head")] + [(m, "member") for m in members[1:]]})
    ids = [m.id for m in members]
    voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=None, rule=RuleValues(second_entry=False),
                     seats={"BK_BO": 2})
    db.commit()
    main = finalised(db, cluster.id, 2019, "BK_BO", {ids[0]: 3, ids[1]: 3, ids[2]: 3, ids[3]: 0, ids[4]: 0}, ids)
    runoff = ballots.open_runoff(session=db, user=None, round_id=main.id, version=main.version)
    db.commit()
    count(db, runoff, {ids[0]: 5, ids[1]: 4, ids[2]: 1}, ids)
    ballots.amend(session=db, user=None, round_id=runoff.id, version=runoff.version, reason="Đọc nhầm phiếu",
                  figures=Figures(present=frozenset(ids), issued=5, returned=5, invalid=0,
                                  votes={ids[0]: 5, ids[1]: 1, ids[2]: 4}))
    db.commit()

    items = viewer.get("/api/v1/results").get_json()["items"]
    assert [(r["id"], r["number"], r["runoff_of"]) for r in items] == [(main.id, 1, None), (runoff.id, 2, main.id)]
    assert {c["status"] for c in items[0]["candidates"]} == {"tie_runoff", "below_threshold"}
    # the amendment is not finalised yet: the official result is still revision 1
    assert (items[1]["status"], items[1]["revision"]) == ("entered", 1)
    assert [(c["board"]["id"], c["votes"], c["elected"]) for c in items[1]["candidates"]][:2] == [
        (ids[0], 5, True), (ids[1], 4, True)]
    ballots.check(session=db, user=None, round_id=runoff.id, version=runoff.version, figures=None)
    ballots.finalise(session=db, user=None, round_id=runoff.id, version=runoff.version)
    db.commit()
    item = viewer.get("/api/v1/results").get_json()["items"][1]
    assert (item["status"], item["revision"]) == ("finalised", 2)
    assert {c["board"]["id"] for c in item["candidates"] if c["elected"]} == {ids[0], ids[2]}
    assert [c["share"] for c in item["candidates"]] == ["1/1", "4/5", "1/5"]
    assert [c["share_decimal"] for c in item["candidates"]] == ["1.0000", "0.8000", "0.2000"]


def test_every_endpoint_runs_as_many_statements_on_large_data_as_on_small(app, viewer, db, grow, queries):
    urls = ["/api/v1/years", "/api/v1/clusters", "/api/v1/clusters?year=2018&region=%C4%90%C3%B4ng%20Nam%20B%E1%BB%99",
            "/api/v1/clusters/{cluster}", "/api/v1/boards", "/api/v1/boards/{board}", "/api/v1/results",
            "/api/v1/results?award=CO_BO&year=2018", "/api/v1/awards", "/api/v1/awards?cluster_id={cluster}&year=2018",
            "/api/v1/results?per_page=2", "/api/v1/openapi.json"]
    user = db.exec(select(User).where(User.username == "viewer0")).one()
    _token, raw = tokens.create_token(session=db, user=user, name="đếm")
    db.commit()
    bearer = app.test_client()
    token_header = {"Authorization": f"Bearer {raw}"}
    bearer.get("/api/v1/years", headers=token_header)  # the first use is recorded once, before counting

    def counts(cluster, board):
        out = {}
        for url in urls:
            for who, client, headers in (("session", viewer, {}), ("token", bearer, token_header)):
                with queries() as counted:
                    response = client.get(url.format(cluster=cluster.id, board=board.id), headers=headers)
                assert response.status_code == 200, (url, who)
                out[url, who] = len(counted)
        return out

    small = grow(2, 3, 2, "S")
    head = db.exec(select(Board).where(Board.short_name == "S0-0")).one()
    before = counts(small[0], head)
    large = grow(6, 6, 4, "L")
    head = db.exec(select(Board).where(Board.short_name == "L0-0")).one()
    after = counts(large[0], head)
    assert before == after
    assert max(before.values()) <= 6


def test_without_session_or_valid_token_the_api_answers_401_and_a_token_never_starts_a_session(app, db, make_user):
    user = make_user("doc_gia")
    token, raw = tokens.create_token(session=db, user=user, name="Báo cáo Power BI")
    db.commit()
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer eat_nothing"},
                    {"Authorization": f"Basic {raw}"}, {"Authorization": f"Bearer {raw[:-1]}"}):
        response = client.get("/api/v1/years", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer") and "error" in response.get_json()
    response = client.get("/api/v1/years", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None
    assert client.get("/api/v1/years").status_code == 401  # nothing remembered between requests
    assert client.get("/").status_code == 302  # nor does it open the pages

    user.active = False
    db.add(user)
    db.commit()
    assert client.get("/api/v1/years", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    user.active = True
    db.add(user)
    db.commit()
    tokens.revoke_token(session=db, user=user, token_id=token.id)
    db.commit()
    assert client.get("/api/v1/years", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_bad_token_is_refused_even_with_a_session(viewer):
    assert viewer.get("/api/v1/years").status_code == 200
    assert viewer.get("/api/v1/years", headers={"Authorization": "Bearer eat_x"}).status_code == 401


def test_last_use_is_written_at_most_once_an_hour(app, db, make_user, queries):
    user = make_user("doc_gia")
    token, raw = tokens.create_token(session=db, user=user, name="script")
    db.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}

    def writes():
        with queries() as counted:
            assert client.get("/api/v1/years", headers=headers).status_code == 200
        return [s for s in counted if s.lstrip().upper().startswith("UPDATE")]

    assert len(writes()) == 1
    db.expire_all()
    first = db.get(ApiToken, token.id).last_used_at
    assert first is not None and datetime.now(UTC) - first < timedelta(minutes=1)
    assert writes() == []
    token = db.get(ApiToken, token.id)
    token.last_used_at = datetime.now(UTC) - timedelta(hours=2)
    db.add(token)
    db.commit()
    assert len(writes()) == 1


def test_errors_are_json_under_the_prefix_and_html_elsewhere(viewer):
    viewer.post("/language", data={"lang": "en"})
    for method, url, status in (("GET", "/api/v1/nothing", 404), ("GET", "/api/v1", 404), ("GET", "/api/v1/", 404),
                                ("POST", "/api/v1/years", 405), ("DELETE", "/api/v1/clusters/1", 405),
                                ("GET", "/api/v1/clusters/99999999999", 404), ("GET", "/api/v1/clusters/abc", 404),
                                ("GET", "/api/v1/boards/0", 404)):
        response = viewer.open(url, method=method)
        assert (response.status_code, response.mimetype) == (status, "application/json"), url
        assert set(response.get_json()) == {"error"}
    assert viewer.post("/api/v1/years").headers["Allow"]
    for url in ("/nothing", "/api", "/api/v2/years", "/boards/99999"):
        response = viewer.get(url)
        assert (response.status_code, response.mimetype) == (404, "text/html"), url
    response = viewer.post("/")
    assert (response.status_code, response.mimetype) == (405, "text/html")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["page", "per_page", "year", "region", "authority_id", "cluster_id", "board_id", "award",
                             "other", "_method", "_scheme", "_anchor", "_external"]),
       value=st.text(max_size=30),
       path=st.sampled_from(["clusters", "boards", "results", "awards", "years"]))
def test_no_parameter_gives_anything_but_200_or_400(viewer, name, value, path):
    response = viewer.get(f"/api/v1/{path}", query_string={name: value, "per_page": 1})
    assert response.status_code in (200, 400), (path, name, value)
    assert response.mimetype == "application/json"
    json.dumps(response.get_json())


# The tokens page


def new_token(client, name="Báo cáo Power BI") -> str:
    response = client.post("/account/tokens/new", data={"name": name})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return re.search(r'id="new-token">([^<]+)<', response.get_data(as_text=True)).group(1)


def test_a_token_is_shown_once_in_full_kept_as_a_hash_listed_and_revoked(app, client, login, db):
    user = login("secretary")
    raw = new_token(client)
    assert raw.startswith("eat_") and len(raw) > 40
    db.rollback()
    row = db.exec(select(ApiToken)).one()
    assert (row.user_id, row.name, row.token_hash, row.prefix) == (user.id, "Báo cáo Power BI", tokens.hash_token(raw),
                                                                   raw[:10])
    assert raw not in row.token_hash and len(row.token_hash) == 64
    page = client.get("/account/tokens/").get_data(as_text=True)
    assert "Báo cáo Power BI" in page and row.prefix in page and raw not in page
    reader = app.test_client()
    assert reader.get("/api/v1/boards", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    response = client.post("/account/tokens/revoke", data={"token_id": str(row.id)})
    assert response.status_code == 302 and response.location.endswith("/account/tokens/")
    db.rollback()
    assert db.get(ApiToken, row.id).revoked_at is not None
    assert reader.get("/api/v1/boards", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    page = client.get("/account/tokens/").get_data(as_text=True)
    assert f'id="token-{row.id}"' in page and 'name="token_id"' not in page  # listed, without a revoke button
    db.rollback()
    lines = [(e.kind, e.user_id) for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
             if e.kind.startswith("token")]
    assert lines == [("token_created", user.id), ("token_revoked", user.id)]  # in the audit log, never the token
    assert not any(raw in e.detail for e in db.exec(select(AuditEvent)).all())


def test_a_token_needs_a_name_and_only_its_owner_sees_and_revokes_it(app, client, login, db, make_user):
    login("viewer")
    client.post("/language", data={"lang": "en"})
    for name in ("", "   ", "x" * 101):
        response = client.post("/account/tokens/new", data={"name": name})
        assert response.status_code == 422 and 'id="name-feedback"' in response.get_data(as_text=True)
    db.rollback()
    assert db.exec(select(ApiToken)).all() == []
    other = make_user("nguoi_khac")
    theirs, _raw = tokens.create_token(session=db, user=other, name="của người khác")
    db.commit()
    assert "của người khác" not in client.get("/account/tokens/").get_data(as_text=True)
    assert client.post("/account/tokens/revoke", data={"token_id": str(theirs.id)}).status_code == 404
    for garbled in ("", "abc", "99999999999999", "-1"):
        assert client.post("/account/tokens/revoke", data={"token_id": garbled}).status_code == 302
    db.rollback()
    assert db.get(ApiToken, theirs.id).revoked_at is None


def test_the_tokens_page_needs_a_login_and_its_forms_the_csrf_token(database_url, make_user):
    from tracker import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "csrf-test", "WTF_CSRF_ENABLED": True,
                      **CHEAP_HASHING})
    try:
        client = app.test_client()
        assert client.get("/account/tokens/").status_code == 302
        make_user("doc_gia")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/auth/login").get_data(as_text=True)).group(1)
        client.post("/auth/login", data={"username": "doc_gia", "password": PASSWORD, "csrf_token": token})
        assert client.post("/account/tokens/new", data={"name": "x"}).status_code == 400
        page = client.get("/account/tokens/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/account/tokens/new", data={"name": "x", "csrf_token": token})
        assert response.status_code == 200 and 'id="new-token"' in response.get_data(as_text=True)
    finally:
        app.extensions["engine"].dispose()


def test_an_unexpected_failure_still_answers_json(database_url, make_user, monkeypatch):
    from tracker import create_app
    from tracker.services import api_data

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s", "WTF_CSRF_ENABLED": False,  # not TESTING
                      **CHEAP_HASHING})
    try:
        make_user("doc_gia")
        client = app.test_client()
        client.post("/auth/login", data={"username": "doc_gia", "password": PASSWORD})

        def broken(_session):
            raise RuntimeError("the disk is gone")

        monkeypatch.setattr(api_data, "years", broken)
        response = client.get("/api/v1/years")
        assert (response.status_code, response.mimetype) == (500, "application/json")
        assert set(response.get_json()) == {"error"}
    finally:
        app.extensions["engine"].dispose()


def test_an_account_that_must_change_its_password_gets_a_json_refusal(client, make_user):
    make_user("moi", "viewer", must_change_password=True)
    assert client.post("/auth/login", data={"username": "moi", "password": PASSWORD}).status_code == 302
    response = client.get("/api/v1/years")
    assert response.status_code == 403 and response.is_json
    assert "mật khẩu" in response.get_json()["error"]
