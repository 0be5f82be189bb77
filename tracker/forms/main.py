"""The language switch."""
from flask_wtf import FlaskForm

from tracker.forms.fields import Choice


class LanguageForm(FlaskForm):
    """The language switch."""

    lang = Choice(choices=[("vi", "Tiếng Việt"), ("en", "English")])
