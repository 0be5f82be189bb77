"""Every route x every role: who may open what, checked on the server for each object."""
from tests.support.accounts import PASSWORD
from tests.support.world import ROLES, cases


def _expected(access: str, role: str, which: str) -> str:
    if access == "public":
        return "allowed"
    if access == "api":  # the JSON API: any logged-in session (or a token); anonymous gets 401, not a login page
        return "unauthorized" if role == "anonymous" else "allowed"
    if role == "anonymous":
        return "login"
    if access == "read":
        return "allowed"
    if access == "admin":
        return "allowed" if role == "admin" else "forbidden"
    # edit_cluster, edit_board, create_board
    if role == "viewer":
        return "forbidden"
    if role == "secretary" and which == "other":
        return "forbidden"
    return "allowed"


def test_every_view_declares_its_access(app):
    missing = [name for name, view in app.view_functions.items() if name != "static" and not hasattr(view, "access")]
    assert missing == []


def test_route_role_matrix(app, world):
    problems = []
    tried = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        access = app.view_functions[rule.endpoint].access
        method = "GET" if "GET" in rule.methods else "POST"
        for which, url in cases(rule, world):
            for role in ROLES:
                client = app.test_client()
                if role != "anonymous":
                    response = client.post("/auth/login", data={"username": role, "password": PASSWORD})
                    assert response.status_code == 302
                response = client.open(url, method=method)
                tried += 1
                expected = _expected(access, role, which)
                status = response.status_code
                if expected == "login":
                    ok = status == 302 and "/auth/login" in response.location
                elif expected == "forbidden":
                    ok = status == 403
                elif expected == "unauthorized":
                    ok = status == 401 and response.headers.get("WWW-Authenticate", "").startswith("Bearer")
                else:
                    ok = status in (200, 302, 422)
                if not ok:
                    problems.append(f"{method} {url} as {role}: {status}, expected {expected}")
    assert tried > 80
    assert problems == []
