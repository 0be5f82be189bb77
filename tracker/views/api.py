"""The read-only JSON API under /api/v1/: years, clusters, boards, finalised ballot results and awards, described
by the OpenAPI document at /api/v1/openapi.json (public). Every other endpoint needs the logged-in session or a
personal token (`Authorization: Bearer eat_...`); a token reads with viewer rights and never starts a session.
Every answer under /api/v1, errors included, is JSON."""
import re
from functools import wraps

from flask import Blueprint, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from tracker.auth import PUBLIC
from tracker.db import get_session
from tracker.rules.text import has_control_characters, normalise
from tracker.services import api_data, tokens
from tracker.services.errors import NotFound
from tracker.views._forms import discard, write
from tracker.views.api_spec import MAX_ID, MAX_PAGE, MAX_PER_PAGE, MAX_YEAR, MIN_YEAR, PER_PAGE, document

bp = Blueprint("api", __name__, url_prefix="/api/v1")

WHOLE = re.compile(r"[+-]?[0-9]{1,15}")  # ASCII digits only: int() would also read "١٢" or "1_000"
API = "api"  # the access level of the data endpoints: any logged-in session, or a personal token


class ApiError(Exception):
    """An answer other than 200, with its message (already in the user's language)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str):
    """The JSON error body {"error": message}; a 401 says which scheme to use."""
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _authenticated() -> bool:
    """A valid bearer token (checked first, when sent) or a logged-in session."""
    header = request.headers.get("Authorization")
    if header is None:
        return current_user.is_authenticated
    scheme, _sep, raw = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    db = get_session()
    found = tokens.authenticate(session=db, raw=raw.strip())
    if found is None:
        return False
    token, g.api_user = found
    # When it was last used is a hint, written at most once an hour: a busy database must not fail the read (the
    # error is swallowed).
    write(lambda: tokens.touch(session=db, token=token), refusing=(SQLAlchemyError,), commit_if=bool)
    return True


def login_message() -> str:
    """What a request without a session or a valid token is told."""
    return _("Log in, or send a personal API token in the header “Authorization: Bearer <token>”.")


def api_access(view):
    """Declare and enforce the API's access level: 401 JSON without a session or a valid token."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _authenticated():
            raise ApiError(401, login_message())
        return view(*args, **kwargs)

    wrapper.access = API
    return wrapper


def public(view):
    """The OpenAPI document is public: it describes the API, not the data."""
    view.access = PUBLIC
    return view


# Parameters ------------------------------------------------------------------------------------------------


def whole(name: str, low: int, high: int, default: int | None = None) -> int | None:
    """A whole-number query parameter between low and high, or `default` when absent or empty."""
    text = (request.args.get(name) or "").strip()
    if not text:
        return default
    if not WHOLE.fullmatch(text):
        raise ApiError(400, _("The parameter “%(name)s” must be a whole number.", name=name))
    value = int(text)
    if not low <= value <= high:
        raise ApiError(400, _("The parameter “%(name)s” must be between %(low)d and %(high)d.", name=name,
                              low=low, high=high))
    return value


def text_arg(name: str) -> str | None:
    """A text query parameter, normalised (None when absent or empty); invisible control characters are
    refused."""
    text = request.args.get(name)
    if text is None:
        return None
    if has_control_characters(text):
        raise ApiError(400, _("The parameter “%(name)s” contains invisible control characters.", name=name))
    return normalise(text) or None


def page_request() -> api_data.PageRequest:
    """The page and page size asked for."""
    return api_data.PageRequest(whole("page", 1, MAX_PAGE, 1), whole("per_page", 1, MAX_PER_PAGE, PER_PAGE))


def year_arg() -> int | None:
    """The `year` filter."""
    return whole("year", MIN_YEAR, MAX_YEAR)


def id_arg(name: str) -> int | None:
    """An id filter."""
    return whole(name, 1, MAX_ID)


def paged(found: api_data.PageOf, page: api_data.PageRequest):
    """The list envelope: items, page, per_page, total, and the next page's URL (null on the last page)."""
    following = None
    if page.number * page.size < found.total:
        # url_for reads names starting with "_" itself (_scheme, _anchor, _method): such arguments are dropped
        args = {**{k: v for k, v in request.args.items() if not k.startswith("_")}, "page": page.number + 1}
        following = url_for(request.endpoint, _external=True, **args)
    return jsonify({"items": found.items, "page": page.number, "per_page": page.size, "total": found.total,
                    "next": following})


# Endpoints -------------------------------------------------------------------------------------------------


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(document())


@bp.route("/years")
@api_access
def years():
    """Every year with data: how many clusters, finalised rounds and awards."""
    return jsonify({"items": api_data.years(get_session())})


@bp.route("/clusters")
@api_access
def clusters():
    """Clusters, filtered by year, region or managing authority."""
    page = page_request()
    found = api_data.clusters(get_session(), page=page, year=year_arg(), region=text_arg("region"),
                              authority_id=id_arg("authority_id"))
    return paged(found, page)


@bp.route("/clusters/<int:cluster_id>")
@api_access
def cluster(cluster_id: int):
    """A cluster with its years: head, deputy, host, review date and place, members with roles."""
    return jsonify(api_data.cluster(get_session(), cluster_id))


@bp.route("/boards")
@api_access
def boards():
    """Boards, with predecessors and successor."""
    page = page_request()
    return paged(api_data.boards(get_session(), page=page), page)


@bp.route("/boards/<int:board_id>")
@api_access
def board(board_id: int):
    """A board with its memberships by year and its awards."""
    return jsonify(api_data.board(get_session(), board_id))


@bp.route("/results")
@api_access
def results():
    """Finalised ballot results, filtered by year, cluster or award type code."""
    page = page_request()
    db = get_session()
    year, cluster_id, award = year_arg(), id_arg("cluster_id"), text_arg("award")
    award = award.upper() if award else None  # codes are kept in capitals (CO_BO)
    if award is not None and award not in api_data.award_codes(db):
        raise ApiError(400, _("There is no award type with the code “%(code)s”.", code=award[:40]))
    return paged(api_data.results(db, page=page, year=year, cluster_id=cluster_id, award=award), page)


@bp.route("/awards")
@api_access
def awards():
    """Awards, filtered by achievement year, board or cluster."""
    page = page_request()
    found = api_data.awards(get_session(), page=page, year=year_arg(), board_id=id_arg("board_id"),
                            cluster_id=id_arg("cluster_id"))
    return paged(found, page)


# Errors: JSON for every URL under /api/v1 ------------------------------------------------------------------


def _in_api(path: str) -> bool:
    return path == bp.url_prefix or path.startswith(bp.url_prefix + "/")


MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: login_message,
    403: lambda: _("Your account may not do this. Ask an administrator if you need it."),
    404: lambda: _("There is no such page or record."),
    405: lambda: _("This page cannot be used that way."),
    413: lambda: _("What was sent is too large."),
}


def _http_error(error: HTTPException):
    status = error.code or 500
    message = MESSAGES.get(status)
    response = error_response(status, message() if message else error.name)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.before_app_request
def unmatched_api_url():
    """A URL under /api/v1 that no route matches (or not with this method) answers JSON too; other URLs keep
    the HTML error pages."""
    error = request.routing_exception
    if error is not None and _in_api(request.path) and getattr(error, "code", None) in (404, 405):
        return _http_error(error)
    return None


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    """A refused parameter or a missing login."""
    return error_response(error.status, error.message)


@bp.errorhandler(NotFound)
def not_found(_error):
    """An unknown id."""
    return error_response(404, MESSAGES[404]())


for _code in (400, 401, 403, 404, 405, 413):
    bp.register_error_handler(_code, _http_error)


@bp.errorhandler(500)
def server_error(_error):
    """Whatever went wrong, the client gets JSON (and nothing was written)."""
    try:
        discard()
    except Exception:  # noqa: BLE001 (the database itself may be what failed; the answer is given anyway)
        pass
    return error_response(500, _("Something went wrong"))


@bp.after_request
def not_cached(response):
    """Answers depend on who asks: no shared cache keeps them."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.update(("Authorization", "Cookie"))
    return response
