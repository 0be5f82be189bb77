"""Blueprints, one per area, and the error pages."""
from flask import Flask, abort, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import SQLAlchemyError

from tracker.services.errors import NotFound
from tracker.views._forms import discard, write

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Register CSRF protection, every blueprint and the error handlers."""
    from tracker.views import (
        admin,
        api,
        auth,
        authorities,
        ballots,
        boards,
        clusters,
        decisions,
        eligibility,
        handover,
        main,
        meetings,
        pledges,
        proposals,
        reports,
        scores,
        tokens,
        years,
    )

    csrf.init_app(app)
    from tracker import labels

    # The words of stored codes on every page: {{ word(labels.MEMBER_ROLE, m.role) }}.
    app.jinja_env.globals.update(labels=labels, word=labels.word)
    for module in (main, auth, admin, authorities, boards, clusters, years, ballots, pledges, scores, meetings,
                   proposals, decisions, eligibility, handover, reports, tokens, api):
        app.register_blueprint(module.bp)

    def _note_refusal() -> None:
        """A refused access goes to the audit log, in a transaction of its own (the request's is rolled back)."""
        from tracker.views._audit import note

        try:
            discard()  # nothing the refused request did is kept
            # The log must not turn a refusal into an error page: a database error is swallowed.
            write(lambda: note("forbidden", method=request.method, path=request.path[:300]),
                  refusing=(SQLAlchemyError,))
        except SQLAlchemyError:
            pass

    def error_page(status: int, title: str, message: str):
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return error_page(400, _("The form has expired"),
                          _("The page was open too long or came from another site. "
                            "Go back, reload the page and try again."))

    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(_error):
        return error_page(404, _("Not found"), _("There is no such page or record."))

    @app.errorhandler(403)
    def forbidden(_error):
        _note_refusal()
        return error_page(403, _("Not allowed"),
                          _("Your account may not do this. Ask an administrator if you need it."))

    @app.errorhandler(400)
    def bad_request(_error):
        return error_page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return error_page(405, _("Not allowed"), _("This page cannot be used that way."))

    @app.errorhandler(413)
    def too_large(_error):
        return error_page(413, _("Too large"), _("What was sent is too large."))

    @app.before_request
    def refuse_stray_files():
        """Every upload field is named `file`: a file sent under any other name is refused, never handed to a
        text or number field."""
        if set(request.files) - {"file"}:
            abort(400)

    @app.url_value_preprocessor
    def refuse_impossible_ids(_endpoint, values):
        """Ids and years no record can have are simply not found (the database would refuse the number)."""
        for name, value in (values or {}).items():
            if isinstance(value, int) and not (value <= 2**31 - 1 and (name != "year" or 1990 <= value <= 2100)):
                abort(404)

    @app.errorhandler(500)
    def server_error(_error):
        try:
            discard()  # a failed flush leaves the session unusable for rendering the page
        except Exception:  # noqa: BLE001 (the database itself may be what failed; the page is shown anyway)
            pass
        return error_page(500, _("Something went wrong"),
                          _("Nothing was saved. Please try again; if it happens again, tell an administrator."))
