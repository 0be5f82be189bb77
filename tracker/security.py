"""Security headers on every response: pages, error pages, JSON answers, downloads and static files alike.

- Content-Security-Policy: scripts, styles, fonts and connections from this site only (no inline script or style,
  no `eval`), images from this site or `data:` (Bootstrap draws its icons as data: SVG), no plugins, forms post
  only here, and no other site may frame a page (`frame-ancestors 'none'`; `X-Frame-Options` for old browsers).
- `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin` (addresses, which carry record ids, are
  never sent to another site).
- `Strict-Transport-Security` when the request came over HTTPS, or when the site is configured as HTTPS-only
  (`SESSION_COOKIE_SECURE`, `TRACKER_SESSION_COOKIE_SECURE=1`: a reverse proxy may hand the request on over plain
  HTTP; browsers ignore the header on a plain-HTTP answer anyway).
- `Cache-Control: no-store` on everything the application itself answers (pages for a logged-in user, API
  answers, downloads, the login page with its form token), so no browser or proxy cache keeps a copy; static files
  (CSS, scripts) keep Flask's revalidating caching.

The session cookie is `Secure` whenever the request came over HTTPS (as the server sees it: through ProxyFix when
TRACKER_PROXY_COUNT is set), and on every request when TRACKER_SESSION_COOKIE_SECURE=1.

Absolute URLs (`url_for(..., _external=True)`, the redirects Werkzeug makes to add a missing slash) take their
scheme and host from the PUBLIC_URL setting, never from the request: a client's Host header is not reflected.
"""
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS = "max-age=31536000; includeSubDomains"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Register the hook that sets the security headers on every response; bind links to PUBLIC_URL."""
    app.after_request(set_security_headers)
    bind_links(app)
    app.session_interface = SessionOverHttps()


class SessionOverHttps(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its cookie `Secure` on a request that came over HTTPS as well as when
    SESSION_COOKIE_SECURE is set (a login over HTTPS behind a configured proxy needs no second setting)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so, or when this request is HTTPS."""
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def bind_links(app: Flask) -> None:
    """Make every request's URL adapter build absolute URLs on PUBLIC_URL (config.public_url): Flask would take
    the scheme and host from the request (the Host header, whatever a client put there). Only building changes:
    routes still match on the path alone, and relative links keep the application's own mount point."""
    parts = urlsplit(app.config.get("PUBLIC_URL") or "http://localhost")
    made_by_flask = app.create_url_adapter

    def create_url_adapter(req):
        adapter = made_by_flask(req)
        if req is not None and adapter is not None:
            adapter.url_scheme, adapter.server_name = parts.scheme, parts.netloc
        return adapter

    app.create_url_adapter = create_url_adapter


def set_security_headers(response: Response) -> Response:
    """Set the headers above on one response (replacing any a view set), HSTS and no-store where they apply."""
    for name, value in HEADERS.items():
        response.headers[name] = value
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = HSTS
    if not _is_static():
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_static() -> bool:
    """Whether the request is for a static file (the app's or a blueprint's)."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")
