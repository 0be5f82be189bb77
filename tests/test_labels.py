"""The words of stored codes live in tracker/labels.py and nowhere else: every code of an enum has its words
there, in both languages, and no other module or template writes its own table of them."""
import ast
import enum
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from tracker import labels
from tracker.models import (
    AwardKind,
    BoardKind,
    ClusterKind,
    Direction,
    MeetingKind,
    MemberRole,
    ProposalStatus,
    Role,
    RoundStatus,
)
from tracker.rules import eligibility
from tracker.rules.ballot import Base, Status, TieBreak
from tracker.rules.pledges import Verdict
from tracker.rules.reconcile import Outcome
from tracker.rules.reports import Stage

ROOT = Path(__file__).resolve().parent.parent
# Each table and the codes it must cover, exactly.
TABLES = {
    "ACCOUNT_ROLE": Role, "BOARD_KIND": BoardKind, "CLUSTER_KIND": ClusterKind, "MEMBER_ROLE": MemberRole,
    "MEMBER_ROLE_SHORT": MemberRole, "DIRECTION": Direction, "VERDICT": Verdict, "MEETING_KIND": MeetingKind,
    "STAGE": Stage, "AWARD_KIND": AwardKind, "THRESHOLD_BASE": Base, "TIE_BREAK": TieBreak,
    "TIE_BREAK_SHORT": TieBreak, "ROUND_STATUS": RoundStatus, "BALLOT_OUTCOME": Status,
    "PROPOSAL_STATUS": ProposalStatus, "RECONCILIATION": Outcome, "RULE_KIND": eligibility.KINDS,
    "COMPARISON": ("1", "0"),
}
ENUMS = {codes for codes in TABLES.values() if isinstance(codes, type)}
# Lists keyed by codes that are data, not the words of a code.
NOT_WORDS = {"tracker/ops/synthetic/catalogue.py": "how generated boards' names begin, weighted by kind"}


def _codes(codes) -> set[str]:
    return {str(c.value if isinstance(c, enum.Enum) else c) for c in codes}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_code_has_its_words_and_no_table_holds_an_unknown_code(name):
    table = getattr(labels, name)
    assert {str(code) for code in table} == _codes(TABLES[name])


def test_every_table_of_labels_py_is_checked_here():
    tables = {name for name, value in vars(labels).items() if name.isupper() and isinstance(value, dict)}
    assert tables - set(TABLES) <= {"ROUND_EVENT", "PROPOSAL_EVENT", "AUDIT_EVENT"}  # event kinds are open lists


@pytest.mark.parametrize("name", sorted(TABLES) + ["ROUND_EVENT", "PROPOSAL_EVENT", "AUDIT_EVENT"])
def test_every_label_is_translated_into_vietnamese(app, name):
    with app.test_request_context():
        for code, label in getattr(labels, name).items():
            if not isinstance(label, str):  # lazy strings; the few plain ones ("●") are the same in both languages
                with force_locale("en"):
                    english = str(label)
                assert labels.vietnamese(getattr(labels, name), code) != english or english in {"Email"}, (name, code)


def test_an_unknown_stored_code_is_shown_as_it_is(app):
    with app.test_request_context():
        assert labels.word(labels.ROUND_STATUS, "edited-behind-our-back") == "edited-behind-our-back"
        assert labels.word(labels.ROUND_STATUS, None) == ""


def _value_sets() -> list[set[str]]:
    return [_codes(e) for e in ENUMS] + [_codes(eligibility.KINDS)]


def _is_words(node: ast.expr) -> bool:
    """Words for a reader: a call of a translation function (_l("…"), _("…")), or a text written out by hand in
    Vietnamese or with spaces (a CSS class such as "text-bg-success" is not words)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in {"_l", "_", "gettext", "lazy_gettext"}
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and (
        " " in node.value or not node.value.isascii())


def _code_of(key: ast.expr) -> str | None:
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name):
        for codes in ENUMS:
            if key.value.id == codes.__name__ and key.attr in codes.__members__:
                return str(codes[key.attr].value)
        if isinstance(getattr(eligibility, key.attr, None), str):  # rules.ONE_PER_YEAR and the like
            return getattr(eligibility, key.attr)
    return None


def _pairs(node: ast.expr) -> list[tuple[ast.expr, ast.expr]] | None:
    """The (code, words) entries of a dict literal or of a list of 2-tuples (a form's choices)."""
    if isinstance(node, ast.Dict) and None not in node.keys:
        return list(zip(node.keys, node.values, strict=True))
    if isinstance(node, ast.List) and node.elts and all(
            isinstance(e, ast.Tuple) and len(e.elts) == 2 for e in node.elts):
        return [(e.elts[0], e.elts[1]) for e in node.elts]
    return None


def test_no_module_but_labels_py_writes_words_for_stored_codes():
    """A dict or choice list mapping two or more codes of one enum to words is a second copy of labels.py."""
    found = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        if path.name == "labels.py" or str(path.relative_to(ROOT)) in NOT_WORDS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            pairs = _pairs(node)
            if not pairs or len(pairs) < 2 or not all(_is_words(words) for _code, words in pairs):
                continue
            codes = {_code_of(code) for code, _words in pairs}
            if None not in codes and any(codes <= values for values in _value_sets()):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_no_template_writes_words_for_stored_codes():
    """A Jinja dict literal {"pledge": _("…"), …} keyed by the codes of one enum is a second copy of labels.py."""
    entry = re.compile(r"""["']([a-z_]+)["']\s*:\s*_\(""")
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            codes = set(entry.findall(line))
            if len(codes) >= 2 and any(codes <= values for values in _value_sets()):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, found
