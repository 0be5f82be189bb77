"""Look-alike names through the forms (issue 14, finding 6): an invisible or bidirectional character in any typed
text is refused beside its field naming it, in Vietnamese and in English; a board or cluster name that looks like
another's is refused beside its field naming the one it resembles; Vietnamese text and line breaks pass."""
import html
import unicodedata

import pytest
from sqlmodel import select

from tests.support.pages import feedback
from tracker.models import Board, Cluster

BOARD = {"name": "Ban Quản lý các Khu công nghiệp Đồng Nai", "short_name": "DIZA", "kind": "industrial_zones"}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("field", "value", "named"), [
    ("short_name", "DIZA\u200b", "U+200B ZERO WIDTH SPACE"),
    ("short_name", "\u202eDIZA", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("name", "Ban Quản lý\u2067 các KCN", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("province", "Đồng\u00adNai", "U+00AD SOFT HYPHEN"),
    ("note", "Dòng một\nDòng\ufeff hai", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
])
def test_an_invisible_character_is_refused_beside_its_field_naming_it(client, login, db, field, value, named, lang):
    login(as_role="admin")
    if lang == "en":
        client.post("/language", data={"lang": "en"})
    response = client.post("/boards/new", data={**BOARD, field: value})
    assert response.status_code == 422
    message = html.unescape(feedback(response, field))
    assert named in message and ("ký tự ẩn" if lang == "vi" else "invisible") in message
    assert db.exec(select(Board)).all() == []


def test_vietnamese_text_and_line_breaks_are_kept(client, login, db):
    login(as_role="admin")
    note = unicodedata.normalize("NFD", "Sáp nhập từ 01/03/2025.\r\nĐịa chỉ mới:\tSố 26, đường 2A")
    assert client.post("/boards/new", data={**BOARD, "note": note}).status_code == 302
    stored = db.exec(select(Board)).one()
    assert stored.note == unicodedata.normalize("NFC", note).strip() and "\n" in stored.note and "\t" in stored.note


@pytest.mark.parametrize(("changes", "field"), [
    ({"short_name": "DIZ\u0410", "name": "Ban Quản lý khác"}, "short_name"),  # Cyrillic capital A
    ({"short_name": "DlZA", "name": "Ban Quản lý khác"}, "short_name"),
    ({"short_name": "BQL ĐN", "name": "Ban Quản Iý các Khu công nghiệp Đồng Nai"}, "name"),
])
def test_a_board_that_looks_like_another_is_refused_beside_the_field(client, login, make_board, db, changes, field):
    login(as_role="admin")
    make_board("DIZA", name=BOARD["name"])
    response = client.post("/boards/new", data={**BOARD, **changes})
    assert response.status_code == 422
    message = html.unescape(feedback(response, field))
    assert f"DIZA ({BOARD['name']})" in message and "Trông giống" in message
    assert len(db.exec(select(Board)).all()) == 1


def test_a_cluster_that_looks_like_another_is_refused_beside_its_name(client, login, make_cluster, db):
    login(as_role="admin")
    make_cluster("Cụm thi đua số 1")
    response = client.post("/clusters/new", data={"name": "Cụm thi đua số l", "kind": "cum"})
    assert response.status_code == 422
    assert "Cụm thi đua số 1" in html.unescape(feedback(response, "name"))
    response = client.post("/clusters/new", data={"name": "Cụm thi đua số 1\u200c", "kind": "cum"})
    assert "U+200C ZERO WIDTH NON-JOINER" in html.unescape(feedback(response, "name"))
    assert len(db.exec(select(Cluster)).all()) == 1
    assert client.post("/clusters/new", data={"name": "Cụm thi đua số 2", "kind": "cum"}).status_code == 302
