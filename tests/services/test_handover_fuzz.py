"""The hand-over import refuses every broken file whole, each problem with its JSON path, and never crashes (issue
15, finding 5). The broken ballots the review found are refused; then documents generated from the format's own
JSON Schema (hypothesis-jsonschema) and mutations of a real export are checked, and any the check accepts is
imported and must leave a ledger that verifies. `make test-slow` runs many more (tests/slow)."""
import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from sqlmodel import Session, select

from tests.support.handover_fuzz import accepted_and_sound, finalised_round, fuzz_mutations, refused_at
from tracker.ops import migrate
from tracker.services import handover_import, ledger

SCHEMA = json.loads(handover_import.SCHEMA_PATH.read_text(encoding="utf-8"))
MUTATIONS = 60
GENERATED = 20


def test_a_finalised_version_without_its_result_is_refused(south_east_package, other_database):
    n, m, round_ = finalised_round(south_east_package)
    round_["revisions"][-1]["result"] = None
    last = len(round_["revisions"]) - 1
    assert f"$.years[{n}].rounds[{m}].revisions[{last}].result" in refused_at(other_database, south_east_package)


def test_a_version_differing_from_its_finalisation_in_the_log_is_refused(south_east_package, other_database):
    n, m, round_ = finalised_round(south_east_package)
    final = next(e for e in round_["events"] if e["kind"] == "finalised")
    final["data"]["counts"]["issued"] -= 1
    assert f"$.years[{n}].rounds[{m}].revisions[0]" in refused_at(other_database, south_east_package)


def test_a_round_without_events_is_refused(south_east_package, other_database):
    n, m, round_ = finalised_round(south_east_package)
    round_["events"] = []
    assert f"$.years[{n}].rounds[{m}].events" in refused_at(other_database, south_east_package)


def test_votes_for_an_unknown_board_or_given_as_a_list_are_refused(south_east_package, other_database):
    n, m, round_ = finalised_round(south_east_package)
    unknown = copy.deepcopy(south_east_package)
    votes = unknown["years"][n]["rounds"][m]["revisions"][0]["counts"]["votes"]
    votes["BQL không tồn tại"] = votes.pop(next(iter(votes)))
    assert f"$.years[{n}].rounds[{m}].revisions[0].counts.votes" in refused_at(other_database, unknown)
    listed = copy.deepcopy(south_east_package)
    listed["years"][n]["rounds"][m]["revisions"][0]["counts"]["votes"] = [1, 2, 3]
    assert any(p.startswith(f"$.years[{n}].rounds[{m}].revisions[0]") for p in refused_at(other_database, listed))


def test_an_event_of_another_years_round_is_refused(south_east_package, other_database):
    n, m, round_ = finalised_round(south_east_package)
    round_["events"][1]["round"] = "2016/CO_BO/1"
    assert f"$.years[{n}].rounds[{m}].events[1].round" in refused_at(other_database, south_east_package)


def test_deep_nesting_is_refused_not_a_crash(south_east_package, other_database):
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(handover_import.Refused):
        handover_import.parse(deep)
    nested = copy.deepcopy(south_east_package)
    value = []
    for _ in range(5000):
        value = [value]
    nested["years"][0]["note"] = value
    assert handover_import.check(other_database, nested)[0].path == "$"


def test_the_package_itself_is_imported_and_verifies(south_east_package, other_database, tmp_path):
    assert accepted_and_sound(other_database, south_east_package, tmp_path / "checkpoints.txt")


def test_mutations_of_a_real_export_are_refused_or_imported_soundly_never_a_crash(south_east_package, other_database,
                                                                                   tmp_path):
    tried, accepted = fuzz_mutations(south_east_package, other_database, tmp_path / "checkpoints.txt",
                                     count=MUTATIONS, seed=15)
    assert tried == MUTATIONS and accepted < MUTATIONS


@settings(max_examples=GENERATED, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(document=from_schema(SCHEMA))
def test_documents_generated_from_the_schema_are_refused_or_imported_soundly(db, other_database, tmp_path, document):
    """One database for every generated document (each import is rolled back)."""
    accepted_and_sound(other_database, document, tmp_path / "checkpoints.txt")


def test_after_an_import_every_page_and_the_api_open(south_east_package, tmp_path):
    """The package imported into a tracker of its own: its ledger verifies, and the round pages, the ledger page
    and the API's results answer 200."""
    from tests.support.accounts import CHEAP_HASHING, PASSWORD
    from tracker import create_app
    from tracker.models import BallotRound, ClusterYear
    from tracker.services import accounts

    other = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'imported.sqlite3'}", "SECRET_KEY": "x",
                        "TESTING": True, "WTF_CSRF_ENABLED": False, "LEDGER_KEY_DIR": str(tmp_path / "keys"),
                        "LEDGER_CHECKPOINTS": str(tmp_path / "checkpoints.txt"), **CHEAP_HASHING})
    engine = other.extensions["engine"]
    migrate.upgrade(engine)
    with other.app_context(), Session(engine) as session:
        handover_import.import_cluster(session=session, document=south_east_package)
        user, _password = accounts.create_user(session=session, username="quan_tri", role="admin")
        user.password_hash, user.must_change_password = accounts.hash_password(PASSWORD), False
        session.commit()
        assert ledger.verify(session).problems == []
        rounds = session.exec(select(BallotRound, ClusterYear).join(
            ClusterYear, ClusterYear.id == BallotRound.cluster_year_id)).all()
    client = other.test_client()
    assert client.post("/auth/login", data={"username": "quan_tri", "password": PASSWORD}).status_code == 302
    for round_, cluster_year in rounds:
        assert client.get(f"/clusters/{cluster_year.cluster_id}/ballots/{round_.id}").status_code == 200
    assert client.get("/admin/ledger").status_code == 200
    assert client.get("/api/v1/results").status_code == 200
    engine.dispose()
