"""Ballot records in a portable form. Stored counts, results and event payloads name boards, rounds and
cluster-years by database ids; a hand-over file names them by what they are (a board's short name, a round's
"year/award/number" label, the year), so the same records read the same in any database. `rename` functions
go either way: ids to names when exporting, names to ids when importing. Pure."""
from collections.abc import Callable, Mapping
from typing import Any

Rename = Callable[[Any], Any]


def counts(data: Mapping | None, board: Rename) -> dict | None:
    """Counts or figures (members, present, votes, scores) with every board renamed."""
    if data is None:
        return None
    out = dict(data)
    for key in ("members", "present"):
        if key in out:
            out[key] = sorted(board(b) for b in out[key])
    for key in ("votes", "scores"):
        if key in out:
            out[key] = {str(board(k)): v for k, v in sorted(out[key].items(), key=lambda kv: str(board(kv[0])))}
    return out


def result(data: Mapping | None, board: Rename) -> dict | None:
    """A result with its elected boards and each outcome's candidate renamed."""
    if data is None:
        return None
    return {**data, "elected": [board(b) for b in data.get("elected", [])],
            "outcomes": [{**o, "candidate": board(o["candidate"])} for o in data.get("outcomes", [])]}


def event(data: Mapping, board: Rename, round_: Rename, cluster_year: Rename) -> dict:
    """A whole event payload ({"kind", "round", "seq", "revision", "user", "at", "data"}) renamed."""
    inner = dict(data.get("data") or {})
    if "cluster_year" in inner:
        inner["cluster_year"] = cluster_year(inner["cluster_year"])
    if "runoff_of" in inner:
        inner["runoff_of"] = round_(inner["runoff_of"])
    if "candidates" in inner:
        inner["candidates"] = [board(b) for b in inner["candidates"]]
    for key in ("counts", "figures"):
        if key in inner:
            inner[key] = counts(inner[key], board)
    if "result" in inner:
        inner["result"] = result(inner["result"], board)
    if "fields" in inner:
        inner["fields"] = [f"votes_{board(name.removeprefix('votes_'))}" if name.startswith("votes_") else name
                           for name in inner["fields"]]
    return {**data, "round": round_(data.get("round")), "data": inner}
