"""The forms of the personal API tokens page: name a new token, revoke one."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField

from tracker.forms.fields import Text, at_most, required
from tracker.services.tokens import MAX_NAME


class TokenForm(FlaskForm):
    """A new token: what the user calls it, so she can tell her tokens apart later."""

    name = Text(_l("Name of the token"), [required(), at_most(MAX_NAME)])


class RevokeForm(FlaskForm):
    """Revoke a token: its id travels in the form, so the route takes no id (CSRF like every form)."""

    token_id = HiddenField()

    def token(self) -> int | None:
        """The id posted, or None when it is not a whole number."""
        text = (self.token_id.data or "").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 10) or int(text) > 2**31 - 1:
            return None
        return int(text)
