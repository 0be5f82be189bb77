"""Authorities (awarding and managing bodies), a catalogue kept by administrators."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from sqlmodel import select

from tracker.auth import ADMIN, READ, access
from tracker.db import get_session
from tracker.forms.authorities import AuthorityForm
from tracker.models import Authority
from tracker.rules.text import vi_sorted
from tracker.services import catalog
from tracker.views._forms import data_for, run_edit

bp = Blueprint("authorities", __name__, url_prefix="/authorities")


@bp.route("/")
@access(READ)
def index():
    """Every authority with the dates its name was in force."""
    rows = vi_sorted(get_session().exec(select(Authority)).all(), key=lambda a: a.name)
    names = {a.id: a for a in rows}
    return render_template("authorities/index.html", authorities=rows, by_id=names)


@bp.route("/new", methods=["GET", "POST"])
@access(ADMIN)
def new():
    """Add an authority."""
    return _edit(None)


@bp.route("/<int:authority_id>/edit", methods=["GET", "POST"])
@access(ADMIN)
def edit(authority_id: int):
    """Change an authority."""
    return _edit(authority_id)


def _edit(authority_id: int | None):
    db = get_session()
    authority = catalog.get(db, Authority, authority_id) if authority_id else None
    form = AuthorityForm(obj=authority)
    others = [a for a in db.exec(select(Authority)).all() if a.id != authority_id]
    form.successor_id.choices = [(None, "—")] + [(a.id, a.name) for a in vi_sorted(others, key=lambda a: a.name)]
    return run_edit(
        form=form,
        save=lambda: catalog.save_authority(session=db, authority_id=authority_id, version=form.version.data,
                                            data=catalog.AuthorityData(**data_for(form, catalog.AuthorityData))),
        conflict_fields=["name", "short_name", "valid_from", "valid_to", "successor_id"],
        template="authorities/edit.html",
        saved=_("Authority saved."),
        next_url=lambda _row: url_for("authorities.index"),
        authority=authority,
    )
