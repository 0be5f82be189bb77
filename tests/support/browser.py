"""What the browser tests share: the nine boards of the 2017 review, typing a round's counts, the second
secretary's own browser, a screenshot of any page."""
from pathlib import Path

from tests.support.accounts import PASSWORD

ARTIFACTS = Path(__file__).parent.parent / "e2e" / "artifacts"

NAMES = ["BQL KKT Ninh Thuận", "BQL Bình Thuận", "BQL Bà Rịa – Vũng Tàu", "DIZA", "BQL Bình Dương",
         "BQL Bình Phước", "BQL VSIP", "HEPZA", "BQL KKT Tây Ninh"]


def fill_counts(page, boards, votes):
    for board in boards.values():
        page.locator(f"#present_{board.id}").check()
    page.locator("#issued").fill("9")
    page.locator("#returned").fill("9")
    page.locator("#invalid").fill("0")
    for field in page.locator("input[id^=votes_]").all():
        board_id = int(field.get_attribute("id").removeprefix("votes_"))
        name = next(n for n, b in boards.items() if b.id == board_id)
        field.fill(str(votes.get(name, 0)))


def second_secretary(new_context, live_server, username: str = "thuky2"):
    """A browser of its own, signed in as `username`."""
    page = new_context().new_page()
    page.goto(f"{live_server}/auth/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page


def shoot(page, name: str) -> Path:
    """A full-page screenshot of `page` in tests/e2e/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
