"""Hostile input for every POST route as every role (tests/views/test_hostile_forms.py, and at full size
tests/slow/test_hostile_scale.py): hypothesis posts malformed bodies; `check` fails on any 500 and on any stored
value that breaks the text and number rules (`invalid_rows`).

The bodies start from the form the page itself shows (its field names and default values, read from the HTML,
plus the fields of the form classes the view uses) and then drop, replace or repeat fields with huge and
negative numbers, "1e308", "NaN", NFD Vietnamese, control characters, 10k-100k character strings, wrong types
and stray files."""
import inspect
import io
import re
import traceback
import unicodedata
from decimal import Decimal, InvalidOperation
from html import unescape
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from tests.support.accounts import PASSWORD
from tests.support.world import ROLES, cases
from tracker.models import metadata
from tracker.rules.text import has_control_characters

NFD = unicodedata.normalize("NFD", "Tiếng Việt: Ban Quản lý các Khu chế xuất và công nghiệp Đồng Nai")

CONTROLS = "".join(chr(c) for c in range(0, 32)) + "\x7f\x85\x9f"
INT32 = 2**31
# integer columns that count something (never negative) and row versions (at least 1)
NON_NEGATIVE = {"votes", "seats", "delegates", "count", "size", "number", "position", "quorum_num", "threshold_num"}
POSITIVE = {"version", "revision", "quorum_den", "threshold_den"}
# endpoints that end the session or remove the objects aimed at: tried last, with a fresh login after each
LAST = ("delete", "remove", "logout", "sessions", "active", "reset", "handover")
RELOGIN = {"auth.logout", "auth.password"}
GENERIC = {"version", "next", "name", "year", "payload", "stamp", "file", "id"}
FILE = object()  # marks a file input in a parsed form

SPECIAL = [
    "9" * 400, "-" + "9" * 400, "-1", "-2147483649", "2147483648", "9223372036854775808", "1e308", "-1e308",
    "1e-400", "NaN", "nan", "inf", "-Infinity", "0x1F", "1_000", "١٢٣", "0", "-0", "1.5", "1,5", "abc", "", " ",
    "\t", "2019-13-45", "0000-00-00", "9999-12-31", "99999-01-01", "-2019-01-01", "20190101", "31/12/2019",
    "true", "on", "None", "null", "[]", "{}", '{"a": 1}', "<script>alert(1)</script>", "'; DROP TABLE user; --",
    "../../etc/passwd", "\x00", "a\x00b", "\u202e", "\ufeff", "\ud7ff", NFD, NFD.upper(), "e\u0301" * 50,
]


@st.composite
def _files(draw):
    content = draw(st.sampled_from([b"", b"PK\x03\x04garbage", b"%PDF-1.4 broken", b"\x89PNG\r\n\x1a\n",
                                    b'{"format": 999}', b"\x00" * 1000, NFD.encode()]))
    name = draw(st.sampled_from(["x.xlsx", "x.png", "x.pdf", "x.json", "x.exe", "", "../x.pdf", NFD + ".pdf"]))
    return io.BytesIO(content), name


VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=40),
    st.text(alphabet=CONTROLS + "aế\u0301 ", max_size=40),
    st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "9", NFD, "\x07", "ế "]),
              st.integers(min_value=10_000, max_value=100_000)).map(lambda s: s[:100_000]),
)


# --- the forms each route takes -------------------------------------------------------------------------------

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_INPUT = re.compile(r"<input\b([^>]*)>", re.S | re.I)
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S | re.I)
_TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S | re.I)
_OPTION = re.compile(r"<option\b([^>]*)>", re.S | re.I)


def _attr(attrs: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', attrs)
    return unescape(match.group(1)) if match else None


def _parse_forms(html: str, page: str) -> dict[str, MultiDict]:
    """The forms of a page, by the path they post to: their field names with the values the page fills in."""
    forms: dict[str, MultiDict] = {}
    for attrs, body in _FORM.findall(html):
        if (_attr(attrs, "method") or "get").lower() != "post":
            continue
        action = urlsplit(_attr(attrs, "action") or page).path or page
        fields = forms.setdefault(action, MultiDict())
        for input_attrs in _INPUT.findall(body):
            name = _attr(input_attrs, "name")
            kind = (_attr(input_attrs, "type") or "text").lower()
            if not name or kind in ("submit", "button"):
                continue
            if kind == "file":  # named, never filled in: the bodies add files (or text) under this name
                fields.add(name, FILE)
                continue
            if kind in ("checkbox", "radio") and not re.search(r"\bchecked\b", input_attrs):
                continue
            fields.add(name, _attr(input_attrs, "value") or ("y" if kind == "checkbox" else ""))
        for select_attrs, options in _SELECT.findall(body):
            name = _attr(select_attrs, "name")
            values = [_attr(o, "value") for o in _OPTION.findall(options)]
            chosen = [_attr(o, "value") for o in _OPTION.findall(options) if re.search(r"\bselected\b", o)]
            if name and (chosen or values):
                fields.add(name, (chosen or values)[0] or "")
        for area_attrs, content in _TEXTAREA.findall(body):
            if name := _attr(area_attrs, "name"):
                fields.add(name, unescape(content).lstrip("\n"))
    return forms


def _filled(baseline: MultiDict) -> MultiDict:
    """The page's form with its empty fields given plausible values, so one hostile field reaches the service."""
    filled = MultiDict()
    for name, value in baseline.items(multi=True):
        if value == "" or value == "\r\n":
            if re.search(r"votes|issued|returned|delegates|count|seats|year", name):
                value = {"returned": "1", "invalid": "0"}.get(name, "1" if "year" not in name else "2019")
            elif name == "invalid":
                value = "0"
            elif re.search(r"_on$|date|valid_|submitted", name):
                value = "20/12/2019"
            elif re.search(r"password|confirm", name):
                value = "another horse battery"
            elif not re.search(r"_id$|^id_|email|website|successor|target|actual|max_points", name):
                value = "Hà Nội " + name
        filled.add(name, value)
    return filled


def _class_fields(view) -> set[str]:
    """The field names of the form classes a view function names in its source."""
    names: set[str] = set()
    view = inspect.unwrap(view)
    for class_name in set(re.findall(r"\b([A-Z]\w*Form)\(", inspect.getsource(view))):
        cls = view.__globals__.get(class_name)
        if isinstance(cls, type):
            names.update(name for name in dir(cls) if isinstance(getattr(cls, name, None), UnboundField))
    return names


def _targets(app, world) -> list[tuple[str, str, str, MultiDict, list[str]]]:
    """(endpoint, which, url, baseline body, field names) for every POST route, aimed at real objects."""
    admin = app.test_client()
    assert admin.post("/auth/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
    pages: dict[str, MultiDict] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("api"):
            continue
        for _which, url in cases(rule, world):
            response = admin.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                for action, fields in _parse_forms(response.get_data(as_text=True), urlsplit(url).path).items():
                    pages.setdefault(action, MultiDict()).update(
                        {k: v for k, v in fields.items(multi=True) if k not in pages.get(action, {})})
    targets = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        view = app.view_functions[rule.endpoint]
        for which, url in cases(rule, world):
            page = pages.get(urlsplit(url).path, MultiDict())
            baseline = MultiDict([(k, v) for k, v in page.items(multi=True) if v is not FILE])
            names = sorted(set(page) | _class_fields(view) | GENERIC)
            targets.append((rule.endpoint, which, url, baseline, names))
    targets.sort(key=lambda t: (any(word in t[0] for word in LAST), t[0] in RELOGIN))
    return targets


# --- the scan of what was stored ------------------------------------------------------------------------------

def invalid_rows(connection) -> list[str]:
    """Every stored value that breaks the text and number rules, as "table.column #id: why" (empty when clean)."""
    problems = []
    for table in metadata.sorted_tables:
        result = connection.execute(text(f'SELECT * FROM "{table.name}"'))
        for row in result.mappings():
            where = f"{table.name} #{row.get('id', '?')}"
            for column in table.columns:
                value = row[column.name]
                if isinstance(value, str):
                    length = getattr(column.type, "length", None) or getattr(
                        getattr(column.type, "impl", None), "length", None)
                    if not unicodedata.is_normalized("NFC", value):
                        problems.append(f"{where}.{column.name}: not NFC")
                    if has_control_characters(value):
                        problems.append(f"{where}.{column.name}: control characters")
                    if length and len(value) > length:
                        problems.append(f"{where}.{column.name}: {len(value)} > {length} characters")
                    if type(column.type).__name__ == "DecimalText":
                        try:
                            if not Decimal(value).is_finite():
                                problems.append(f"{where}.{column.name}: {value!r} is not a finite number")
                        except InvalidOperation:
                            problems.append(f"{where}.{column.name}: {value!r} is not a number")
                elif isinstance(value, int) and not isinstance(value, bool):
                    if not -INT32 <= value < INT32:
                        problems.append(f"{where}.{column.name}: {value} out of range")
                    if column.name in NON_NEGATIVE and value < 0:
                        problems.append(f"{where}.{column.name}: {value} < 0")
                    if column.name in POSITIVE and value < 1:
                        problems.append(f"{where}.{column.name}: {value} < 1")
    return problems


# --- the run --------------------------------------------------------------------------------------------------

def _log_in(app, role):
    client = app.test_client()
    if role != "anonymous":
        assert client.post("/auth/login", data={"username": role, "password": PASSWORD}).status_code == 302
    return client


def _hostile_run(app, world, examples: dict[str, int]) -> tuple[int, list[str]]:
    """Post hostile bodies to every POST route as each role (`examples` per route and role); return the count
    of requests and the failures (status >= 500 or an exception, with the body and the traceback)."""
    targets = _targets(app, world)
    count = 0
    failures: list[str] = []
    for role in ROLES:
        client = _log_in(app, role)  # noqa: B023
        for endpoint, which, url, baseline, names in targets:
            mutation = st.tuples(st.sampled_from(names), st.sampled_from(["drop", "replace", "add"]),
                                 st.one_of(VALUES, VALUES, VALUES, _files()))
            start = st.sampled_from([baseline, _filled(baseline), MultiDict()]) if baseline else st.just(MultiDict())

            # the inner function runs at once, inside this iteration: late binding of the loop variables is harmless
            @settings(max_examples=examples[role], deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(first=start, changes=st.lists(mutation, min_size=1, max_size=6))
            def post(first, changes):
                nonlocal count, client
                body = MultiDict(first)
                for name, how, value in changes:
                    if how == "drop":
                        body.poplist(name)
                    elif how == "replace":
                        body.setlist(name, [value])
                    else:
                        body.add(name, value)
                shown = {k: [v if not isinstance(v, str) or len(v) < 80 else f"{v[:20]!r}…({len(v)})"
                             for v in body.getlist(k)] for k in body}
                count += 1
                try:
                    response = client.post(url, data=body)  # noqa: B023
                except Exception:  # the app propagates exceptions in TESTING: an uncaught one is a 500
                    failures.append(f"{role} POST {url} ({endpoint}, {which}) {shown}\n{traceback.format_exc()}")  # noqa: B023
                    return
                if response.status_code >= 500:
                    failures.append(f"{role} POST {url} ({endpoint}, {which}) {shown}: {response.status_code}")  # noqa: B023
                if endpoint in RELOGIN and role != "anonymous":  # noqa: B023
                    client = _log_in(app, role)  # noqa: B023

            post()
    return count, failures


def check(app, world, examples, at_least):
    """Post at least `at_least` hostile bodies (`examples` per route and role): no 500, nothing invalid stored."""
    count, failures = _hostile_run(app, world, examples)
    assert count >= at_least
    kinds: dict[str, list[str]] = {}  # one example of each distinct failure: the app frame and the error
    for failure in failures:
        frames = re.findall(r'File "[^"]*/(tracker/[^"]+)", line (\d+)', failure)
        kinds.setdefault(f"{frames[-1] if frames else ''} {failure.strip().splitlines()[-1]}", []).append(failure)
    with app.extensions["engine"].connect() as connection:
        stored = invalid_rows(connection)
    assert (failures, stored) == ([], []), f"{count} requests, {len(failures)} failures, {len(kinds)} kinds:\n" + \
        "\n\n".join(f"== {kind} ({len(found)}x)\n{found[0].splitlines()[0]}" for kind, found in kinds.items()) + \
        "\n\ninvalid stored values:\n" + "\n".join(stored[:50])
