"""Logging in and changing one's own password."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, ValidationError

from tracker.forms.fields import REQUIRED, Text, at_most, required
from tracker.rules import passwords


class LoginForm(FlaskForm):
    """Username and password."""

    username = Text(_l("Username"), [required(), at_most(64)])
    password = PasswordField(_l("Password"), [DataRequired(message=REQUIRED), at_most(200)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField(_l("Current password"), [DataRequired(message=REQUIRED), at_most(200)])
    new_password = PasswordField(_l("New password"), [DataRequired(message=REQUIRED), at_most(200)])
    confirm = PasswordField(_l("Repeat the new password"), [DataRequired(message=REQUIRED), at_most(200)])

    def validate_confirm(self, field):
        """Both new passwords must be the same (after NFC, as they are hashed)."""
        if passwords.canonical(field.data or "") != passwords.canonical(self.new_password.data or ""):
            raise ValidationError(_l("The two new passwords are not the same."))
