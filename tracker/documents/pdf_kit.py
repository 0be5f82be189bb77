"""The PDF kit: a paper's Jinja2 template (tracker/documents/templates) rendered by WeasyPrint.

WeasyPrint is imported when a PDF is made, not when the application starts, so nothing else pays for it."""
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .decree30 import WORDS, clean

TEMPLATES = Path(__file__).parent / "templates"


def _finalize(value):
    return value if isinstance(value, Markup) else clean(value)  # template output (super(), macros) stays as is


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, finalize=_finalize)
_env.globals.update(words=WORDS)


def render(template: str, **context) -> bytes:
    """The template filled with context, as PDF bytes (every text value made printable first)."""
    from weasyprint import HTML  # heavy: loaded only when a paper is printed

    html = _env.get_template(template).render(**context)
    return HTML(string=html).write_pdf()
