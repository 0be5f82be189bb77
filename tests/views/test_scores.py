"""Score sheet pages: criteria, a board's grid bounded by the maximum, the ranking with ties, Excel, and the
ballot that follows the ranking."""
import io
import json
import re
from decimal import Decimal as D
from fractions import Fraction

import openpyxl
import pytest

from tests.support.pages import feedback, grid_data
from tracker.rules.rounds import Figures
from tracker.rules.voting import RuleValues
from tracker.services import ballots, scores, voting, years
from tracker.services.stamps import stamp


@pytest.fixture
def sheet(db, south_east, login):
    cluster, boards = south_east
    criteria = scores.save_criteria(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), lines=[
        scores.CriterionLine(None, "I", "Thực hiện nhiệm vụ", D(60)),
        scores.CriterionLine(None, "II", "Phong trào thi đua", D("40"))])
    db.commit()
    login("secretary", clusters=[cluster])
    return cluster, boards, criteria, f"/clusters/{cluster.id}/years/2019"


def test_criteria_form_refuses_a_missing_maximum(client, sheet):
    cluster, _boards, criteria, url = sheet
    page = client.get(url + "/criteria").get_data(as_text=True)
    data = {"stamp": grid_data(page)["stamp"]}
    for n, c in enumerate(criteria):
        data.update({f"id_{n}": str(c.id), f"code_{n}": c.code, f"name_{n}": c.name, f"max_points_{n}": "60"})
    data.update({"code_2": "III", "name_2": "Khác"})
    response = client.post(url + "/criteria", data=data)
    assert response.status_code == 422 and feedback(response, "max_points_2")
    data["max_points_2"] = "10,5"
    assert client.post(url + "/criteria", data=data).status_code == 302


def test_scores_are_bounded_and_the_ranking_shows_ties(client, db, sheet):
    cluster, boards, (first, second), url = sheet
    for name, values in (("DIZA", ("55", "50", "35", "30")), ("HEPZA", ("58", "52", "30", "28")),
                         ("BD", ("70", "", "", ""))):
        b = boards[name].id
        form_url = f"{url}/scores/board/{b}"
        data = {**grid_data(client.get(form_url).get_data(as_text=True)), f"self_score_{first.id}_{b}": values[0],
                f"agreed_{first.id}_{b}": values[1], f"self_score_{second.id}_{b}": values[2],
                f"agreed_{second.id}_{b}": values[3]}
        response = client.post(form_url, data=data)
        if name == "BD":
            assert response.status_code == 422 and feedback(response, f"self_score_{first.id}_{b}")
        else:
            assert response.status_code == 302
    page = client.get(url + "/scores").get_data(as_text=True)
    ranking = page.split('id="ranking"')[1].split("</table>")[0]
    rows = re.findall(r'data-board="([^"]+)">\s*<td>(\d+|—)', ranking)
    assert rows == [("DIZA", "1"), ("HEPZA", "1"), ("BQL Bình Dương", "—")]
    assert ranking.count("badge") == 2  # both tied at 80


def test_scores_excel_round_trip(client, db, sheet):
    cluster, boards, (first, _second), url = sheet
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "/scores.xlsx").data))
    ws = next(w for w in book.worksheets if w.sheet_state == "visible")
    header = next(r for r in ws.iter_rows(values_only=True) if "Mã" in r)
    for row in ws.iter_rows():
        values = [c.value for c in row]
        if "HEPZA" in values and "I" in values:
            row[header.index("Điểm thống nhất")].value = 61
        if "DIZA" in values and "I" in values:
            row[header.index("Điểm thống nhất")].value = "45,5"
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(url + "/scores/upload", data={"file": (io.BytesIO(buffer.getvalue()), "diem.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422  # 61 is over the maximum of 60
    assert scores.scores(db, years.find(db, cluster.id, 2019).id) == []


def test_the_ballot_lists_candidates_by_score_and_breaks_ties_by_score(db, sheet):
    cluster, boards, (first, _second), _url = sheet
    voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=None,
                     rule=RuleValues(threshold=Fraction(1, 3), strict=False, tie_break="score",
                                     second_entry=False), seats={"BK_BO": 1})
    scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), cells=[
        scores.ScoreCell(first.id, boards["HEPZA"].id, None, D(50)),
        scores.ScoreCell(first.id, boards["DIZA"].id, None, D(45))])
    db.commit()
    award = next(a.id for a in voting.award_types(db) if a.code == "BK_BO")
    round_ = ballots.open_round(session=db, user=None, cluster_id=cluster.id, year=2019, award_type_id=award,
                                meeting=ballots.Meeting())
    all_boards = {b.id: b for b in boards.values()}
    order = ballots.candidates(db, round_, all_boards)
    assert order == [boards["HEPZA"].id, boards["DIZA"].id, boards["BD"].id]
    present = frozenset(b.id for b in boards.values())
    figures = Figures(present=present, issued=3, returned=3, invalid=0,
                                    votes={boards["DIZA"].id: 1, boards["HEPZA"].id: 1, boards["BD"].id: 1})
    ballots.enter(session=db, user=None, round_id=round_.id, version=round_.version, figures=figures,
                  meeting=ballots.Meeting())
    ballots.check(session=db, user=None, round_id=round_.id, version=round_.version, figures=None)
    ballots.finalise(session=db, user=None, round_id=round_.id, version=round_.version)
    db.commit()
    result = json.loads(ballots.official(ballots.revisions(db, round_.id)).result)
    assert result["elected"] == [boards["HEPZA"].id]  # one vote each: HEPZA's 50 points beat DIZA's 45


def test_a_new_round_lists_its_candidates_with_their_points(client, db, sheet):
    cluster, boards, (first, _second), url = sheet
    voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=None, rule=RuleValues(),
                     seats={"BK_BO": 1})
    scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), cells=[
        scores.ScoreCell(first.id, boards["BD"].id, None, D("52.5")), scores.ScoreCell(first.id, boards["HEPZA"].id,
                                                                                       None, D(40))])
    db.commit()
    award = next(a.id for a in voting.award_types(db) if a.code == "BK_BO")
    round_ = ballots.open_round(session=db, user=None, cluster_id=cluster.id, year=2019, award_type_id=award,
                                meeting=ballots.Meeting())
    db.commit()
    page = client.get(f"/clusters/{cluster.id}/ballots/{round_.id}").get_data(as_text=True)
    listed = page.split('id="candidates">')[1].split("</p>")[0]
    assert listed == "BQL Bình Dương (52,5 điểm), HEPZA (40 điểm), DIZA"
