"""A text typed into a service (not through a form field: a grid cell, an import) is refused with the same message
as a form field, naming the invisible character it holds (issue 14, finding 6)."""
import pytest
from flask_babel import force_locale

from tracker.services.errors import DomainError, checked_text


@pytest.mark.parametrize("value, named", [("DIZA\u200b", "U+200B ZERO WIDTH SPACE"),
                                          ("\u202eAZID", "U+202E RIGHT-TO-LEFT OVERRIDE"),
                                          ("Ghi\x07chú", "U+0007")])
def test_the_refused_character_is_named(app, value, named):
    with app.test_request_context(), force_locale("vi"):
        with pytest.raises(DomainError) as refused:
            checked_text(value, field="note", limit=100)
        message = str(refused.value.message)
    assert refused.value.field == "note"
    assert named in message and "ký tự" in message


def test_vietnamese_text_with_line_breaks_is_kept(app):
    assert checked_text(" Ghi chú\nhai dòng ", field="note", limit=100) == "Ghi chú\nhai dòng"
