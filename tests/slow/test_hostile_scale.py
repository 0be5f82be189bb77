"""The hostile-input test at full size: more than 5,000 generated malformed bodies across every POST route and
role (tests/views/test_hostile_forms.py runs the same with about 550 in every `make test`)."""
from tests.support.hostile import check


def test_hostile_bodies_never_500_nor_stored_at_scale(app, world):
    check(app, world, {"anonymous": 4, "viewer": 4, "secretary": 25, "admin": 25}, at_least=5000)
