"""Security headers on every answer: every route as anonymous and as an administrator, the error pages (400, 403,
404, 405, 413, 500), a static file, the JSON API, downloads; HSTS only over HTTPS; and no inline script, style
or event handler in any page, so the Content-Security-Policy breaks nothing."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tests.support.world import cases
from tracker import create_app
from tracker.services import api_data, tokens

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
ALWAYS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class _InlineFinder(HTMLParser):
    """Collects what a `'self'`-only policy would block: inline scripts and styles, event handler attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(html: str) -> list[str]:
    """What in the page the Content-Security-Policy would refuse."""
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


def header_problems(response, *, static: bool = False, https: bool = False) -> list[str]:
    """Every way the response's headers differ from what the hook must set."""
    problems = [f"{name}: {response.headers.get(name)!r}" for name, value in ALWAYS.items()
                if response.headers.get(name) != value]
    if response.headers.get("Strict-Transport-Security") != (HSTS if https else None):
        problems.append(f"Strict-Transport-Security: {response.headers.get('Strict-Transport-Security')!r}")
    cache = response.headers.get("Cache-Control")
    if static and "no-store" in (cache or ""):
        problems.append(f"a static file is not cacheable: {cache!r}")
    if not static and cache != "no-store":
        problems.append(f"Cache-Control: {cache!r}")
    if response.mimetype == "text/html":
        problems.extend(inline_code(response.get_data(as_text=True)))
    return problems


def _logged_in(app, username: str):
    client = app.test_client()
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_every_route_answers_with_the_headers_for_anonymous_and_admin(app, world, make_user):
    make_user("poster", "admin")  # logging out ends every session of the account: POSTs use another admin
    problems, statuses, tried, admin_pages = [], set(), 0, 0
    reader = _logged_in(app, "admin")  # GETs change nothing: one session for them all
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        for _which, url in cases(rule, world):
            for role in ("anonymous", "admin"):
                if role == "anonymous":
                    client = app.test_client()
                else:  # a POST may log out or end sessions: a new login for each
                    client = reader if method == "GET" else _logged_in(app, "poster")
                response = client.open(url, method=method)
                tried += 1
                statuses.add(response.status_code)
                admin_pages += role == "admin" and response.status_code == 200 and response.mimetype == "text/html"
                problems += [f"{method} {url} as {role} ({response.status_code}): {p}"
                             for p in header_problems(response)]
    assert tried > 150 and admin_pages > 50  # the shared session stayed logged in
    assert {200, 302, 401, 422} <= statuses
    assert problems == []


def test_error_pages_carry_the_headers(client, login, make_user):
    make_user("doc_gia", "viewer")
    reader = _logged_in(client.application, "doc_gia")
    answers = {
        404: client.get("/no/such/page"),
        405: client.get("/language"),  # POST only
        403: reader.get("/admin/users"),
        400: reader.get("/api/v1/awards?year=nope"),
        401: client.get("/api/v1/years", headers={"Authorization": "Bearer eat_nothing"}),
    }
    login("admin")
    answers[404.1] = client.get("/clusters/999999")
    for status, response in answers.items():
        assert response.status_code == int(status), (status, response.status_code)
        assert header_problems(response) == [], status


def test_a_refused_form_token_and_a_too_large_body_carry_the_headers(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s", "WTF_CSRF_ENABLED": True,
                      "MAX_CONTENT_LENGTH": 1024, "UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING})
    try:
        client = app.test_client()
        csrf = client.post("/language", data={"lang": "en"})
        assert csrf.status_code == 400 and header_problems(csrf) == []
        large = client.post("/auth/login", data={"username": "x" * 4096, "password": "y"})
        assert large.status_code == 413 and header_problems(large) == []
    finally:
        app.extensions["engine"].dispose()


def test_a_crash_still_answers_with_the_headers(database_url, make_user, monkeypatch, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s", "WTF_CSRF_ENABLED": False,  # not TESTING
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING})
    try:
        make_user("admin", "admin")
        client = _logged_in(app, "admin")

        def broken(*_args, **_kwargs):
            raise RuntimeError("the disk is gone")

        monkeypatch.setattr(app, "view_functions", {**app.view_functions, "main.index": broken})
        page = client.get("/")
        assert (page.status_code, page.mimetype) == (500, "text/html")
        assert header_problems(page) == []
        monkeypatch.setattr(api_data, "years", broken)
        api = client.get("/api/v1/years")
        assert (api.status_code, api.mimetype) == (500, "application/json")
        assert header_problems(api) == []
    finally:
        app.extensions["engine"].dispose()


def test_a_static_file_has_the_headers_and_stays_cacheable(client, login):
    for who in ("anonymous", "admin"):
        if who == "admin":
            login("admin")
        response = client.get("/static/css/tracker.css")
        try:
            assert response.status_code == 200
            assert header_problems(response, static=True) == [], who
        finally:
            response.close()


def test_api_answers_with_a_token_or_a_session_are_not_stored(app, client, db, login, make_user):
    user = make_user("power_bi", "viewer")
    _token, raw = tokens.create_token(session=db, user=user, name="Power BI")
    db.commit()
    bearer = app.test_client().get("/api/v1/years", headers={"Authorization": f"Bearer {raw}"})
    assert bearer.status_code == 200 and bearer.mimetype == "application/json"
    assert header_problems(bearer) == []
    login("admin")
    session = client.get("/api/v1/years")
    assert session.status_code == 200 and header_problems(session) == []


def test_downloads_are_not_stored_even_when_the_view_allows_a_private_cache(client, login, world):
    login("admin", username="chief")
    own = world["own"].id
    urls = [f"/clusters/{own}/years/2019/meetings/{world['own_meeting']}/attachments/{world['own_attachment']}",
            f"/decisions/{world['decision']}/scan",
            f"/clusters/{own}/handover.json"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert header_problems(response) == [], url
        assert "private" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/auth/login", "/static/css/tracker.css", "/no/such/page"])
def test_hsts_only_over_https(client, path):
    plain = client.get(path)
    secure = client.get(path, base_url="https://localhost")
    try:
        static = path.startswith("/static/")
        assert "Strict-Transport-Security" not in plain.headers
        assert header_problems(plain, static=static) == []
        assert secure.headers["Strict-Transport-Security"] == HSTS
        assert header_problems(secure, static=static, https=True) == []
    finally:
        plain.close()
        secure.close()


def test_a_site_configured_for_https_sends_hsts_even_when_the_proxy_speaks_plain_http(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s", "SESSION_COOKIE_SECURE": True,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING})
    try:
        response = app.test_client().get("/auth/login")
        assert response.headers["Strict-Transport-Security"] == HSTS
    finally:
        app.extensions["engine"].dispose()


def test_no_template_has_inline_script_style_or_handler():
    """Also the pages the walk above does not reach (one-time passwords shown, rare error states)."""
    inline = re.compile(r"""\sstyle\s*=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+\s*=\s*["']|javascript:""", re.I)
    templates = Path(__file__).resolve().parents[2] / "templates"
    found = [f"{path.relative_to(templates)}:{number}: {line.strip()}"
             for path in sorted(templates.rglob("*.html"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if inline.search(line)]
    assert len(list(templates.rglob("*.html"))) > 50
    assert found == []


def test_the_inline_finder_finds_what_the_policy_refuses():
    html = ('<p style="color: red">x</p><script>alert(1)</script><script src="/static/js/grid.js"></script>'
            '<button onclick="go()">b</button><a href="javascript:go()">a</a><style>p {}</style>')
    assert inline_code(html) == ["<p style=...>", "inline <script>", "<button onclick=...>",
                                 "<a href=javascript:...>", "<style> element"]
