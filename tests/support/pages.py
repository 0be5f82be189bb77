"""Pages through the test client: the message beside a field, the hidden fields of a grid, a ballot count form,
logging in as another user."""
import re

from tests.support.accounts import PASSWORD


def feedback(response, field: str) -> str:
    """The error text shown beside a field."""
    page = response.get_data(as_text=True)
    marker = f'id="{field}-feedback">'
    assert marker in page, f"no message beside {field}"
    return page.split(marker)[1].split("<")[0]


def grid_data(page: str) -> dict:
    """The hidden fields of a grid page (CSRF is off in these tests; the stamp matters)."""
    return {"stamp": re.search(r'name="stamp" type="hidden" value="([^"]*)"', page).group(1)}


def form_of(ids, votes, present=9, issued=9, returned=9, invalid=0, version=1, **extra):
    """The body of a ballot count form: the first `present` boards ticked present, votes by short name."""
    data = {"issued": str(issued), "returned": str(returned), "invalid": str(invalid), "version": str(version)}
    data.update({f"present_{i}": "y" for i in list(ids.values())[:present]})
    data.update({f"votes_{ids[name]}": str(n) for name, n in votes.items()})
    return {**data, **extra}


def log_in_as(client, username):
    """Log the client out, then in as `username` with the shared password."""
    client.get("/auth/logout")
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}
                       ).status_code == 302
