"""A stale edit of a year's members never reverts the other person's change (issue 15, finding 6). Before: tab A
changed the conference place, tab B the note; B's conflict box named the wrong field ("Đơn vị đăng cai" with
"…"), and saving again as it advised reverted A's place. Now the stale save is merged three ways."""
import re

from sqlmodel import Session, select

from tracker.models import ClusterYear, Membership


def form_values(page: str) -> dict:
    """The values a browser would send back from the roster form as shown."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                values[name.group(1)] = "y"
            continue
        values[name.group(1)] = value.group(1).replace("&#34;", '"').replace("&quot;", '"') if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                           options)
        values[name] = (chosen.group(1) or chosen.group(2)) if chosen else ""
    return values


def stored(app, cluster_id: int) -> ClusterYear:
    with Session(app.extensions["engine"]) as fresh:
        return fresh.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster_id)).one()


def two_tabs(app, client, login, south_east):
    cluster, _boards = south_east
    login(as_role="secretary", clusters=[cluster], username="thu_ky")
    url = f"/clusters/{cluster.id}/years/2019/edit"
    return cluster, url, form_values(client.get(url).get_data(as_text=True)), \
        form_values(client.get(url).get_data(as_text=True))


def stale(client, url, tab_a: dict, tab_b: dict) -> tuple[str, str]:
    """Tab A saves its change, then tab B (opened before) saves its own: B's page and its conflict box."""
    assert client.post(url, data=tab_a).status_code == 302
    response = client.post(url, data=tab_b)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    return page, page.split('id="conflict"')[1].split("</table>")[0]


def test_a_stale_save_keeps_the_other_tabs_change_and_names_no_wrong_field(app, client, login, south_east):
    cluster, url, tab_a, tab_b = two_tabs(app, client, login, south_east)
    page, panel = stale(client, url, {**tab_a, "conference_place": "Hội trường Tây Ninh"},
                        {**tab_b, "note": "Đã họp trù bị"})
    assert "Đơn vị đăng cai" not in panel and "…" not in panel  # nothing both changed
    again = form_values(page)
    assert again["conference_place"] == "Hội trường Tây Ninh" and again["note"] == "Đã họp trù bị"
    assert client.post(url, data=again).status_code == 302  # saving as advised
    saved = stored(app, cluster.id)
    assert (saved.conference_place, saved.note) == ("Hội trường Tây Ninh", "Đã họp trù bị")


def test_when_both_change_the_same_field_both_are_shown_and_hers_is_kept(app, client, login, south_east):
    cluster, url, tab_a, tab_b = two_tabs(app, client, login, south_east)
    page, panel = stale(client, url, {**tab_a, "conference_place": "Tây Ninh"},
                        {**tab_b, "conference_place": "Bình Dương"})
    assert "Tây Ninh" in panel and "Bình Dương" in panel and "Địa điểm" in panel
    assert form_values(page)["conference_place"] == "Bình Dương"


def test_a_member_added_in_one_tab_survives_a_note_saved_in_the_other(app, client, login, south_east, make_board):
    new = make_board("NEW")
    cluster, url, tab_a, tab_b = two_tabs(app, client, login, south_east)
    assert client.post(url, data={**tab_a, f"member_{new.id}": "y", f"role_{new.id}": "member"}).status_code == 302
    again = form_values(client.post(url, data={**tab_b, "note": "Ghi chú"}).get_data(as_text=True))
    assert again.get(f"member_{new.id}") == "y"
    assert client.post(url, data=again).status_code == 302
    with Session(app.extensions["engine"]) as fresh:
        members = {m.board_id for m in fresh.exec(select(Membership)).all()}
    assert new.id in members and stored(app, cluster.id).note == "Ghi chú"
