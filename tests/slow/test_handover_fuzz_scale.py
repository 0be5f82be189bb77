"""The hand-over import fuzzed at size (tests/services/test_handover_fuzz.py runs a few in every `make test`):
2,000 mutations of a real export and 150 documents generated from the format's JSON Schema, each refused with
its paths or imported with a ledger that verifies; none may crash."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema

from tests.support.handover_fuzz import accepted_and_sound, fuzz_mutations
from tracker.services import handover_import

SCHEMA = json.loads(handover_import.SCHEMA_PATH.read_text(encoding="utf-8"))


def test_two_thousand_mutations_of_a_real_export(south_east_package, other_database, tmp_path, capsys):
    tried, accepted = fuzz_mutations(south_east_package, other_database, tmp_path / "checkpoints.txt",
                                     count=2000, seed=2026)
    with capsys.disabled():
        print(f"\nhand-over fuzz: {tried} mutations, {accepted} accepted and imported soundly, "
              f"{tried - accepted} refused with their paths, none crashed")
    assert tried == 2000


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(document=from_schema(SCHEMA))
def test_documents_from_the_schema_at_size(db, other_database, tmp_path, document):
    accepted_and_sound(other_database, document, tmp_path / "checkpoints.txt")
