"""The Vietnamese catalogue is complete and well formed, and the interface speaks Vietnamese by default.

The compiled catalogue (.mo) is git-ignored; this module builds it from the .po when it is missing or older,
so the tests pass from a fresh clone without `make`.
"""
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
BABEL_CFG = TRANSLATIONS / "babel.cfg"
VI_PO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"
VI_MO = VI_PO.with_suffix(".mo")

# A %-directive as Python's % operator reads it: %%, %(name)s, %s, %5.1f ... A "%" that is none of these
# is counted as "%" so that a stray percent sign in a translation is caught too.
_DIRECTIVE = re.compile(
    r"%(?:%|\([^)]*\)[#0+ -]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|[#0+ -]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")


def ensure_mo() -> None:
    """Compile vi/messages.po into messages.mo when the .mo is missing or older than the .po."""
    if VI_MO.exists() and VI_MO.stat().st_mtime >= VI_PO.stat().st_mtime:
        return
    with VI_PO.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    # Write beside the target, then rename: a test running at the same moment never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=VI_MO.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog)
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; the web server may run as another user
        os.replace(tmp, VI_MO)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogue():
    """Every test here, and the app it starts, sees an up-to-date Vietnamese .mo."""
    ensure_mo()


def read_catalogue(path: Path, locale: str | None = None):
    """A .po or .pot file read with Babel."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def extract_current_messages(directory: Path) -> Path:
    """Extract the messages of the code and templates as they are now, exactly as `make extract` does."""
    pot = directory / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(BABEL_CFG),
               "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--sort-output",
               "--omit-header", "."]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stdout}\n{result.stderr}"
    return pot


def message_ids(message) -> tuple[str, ...]:
    """The msgid, and the plural msgid if any."""
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def translations(message) -> tuple[str, ...]:
    """The msgstr, or every plural msgstr."""
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string or "",)


def directives(text: str) -> Counter:
    """The %-directives of a text (placeholders, %% and any stray %), counted."""
    found = Counter(_DIRECTIVE.findall(text))
    stray = _DIRECTIVE.sub("", text).count("%")
    if stray:
        found["%"] = stray
    return found


def test_every_message_of_the_code_is_translated_into_vietnamese(tmp_path):
    pot = read_catalogue(extract_current_messages(tmp_path))
    po = read_catalogue(VI_PO, "vi")
    missing, empty, fuzzy = [], [], []
    for message in pot:
        if not message.id:
            continue
        entry = po.get(message.id, message.context)
        if entry is None:
            missing.append(message_ids(message)[0])
        elif not all(s.strip() for s in translations(entry)):
            empty.append(message_ids(message)[0])
        elif entry.fuzzy:
            fuzzy.append(message_ids(message)[0])
    problems = [f"{title} ({len(ids)}):\n" + "\n".join(f"  {i!r}" for i in ids)
                for title, ids in (("not in vi/messages.po", missing), ("empty translation", empty),
                                   ("fuzzy translation", fuzzy)) if ids]
    assert not problems, (
        "The Vietnamese catalogue is incomplete. Run `make extract`, translate in "
        "tracker/translations/vi/LC_MESSAGES/messages.po, and clear any fuzzy flag.\n" + "\n".join(problems))


def test_translations_keep_the_placeholders_of_their_msgid():
    wrong = []
    for message in read_catalogue(VI_PO, "vi"):
        if not message.id:
            continue
        ids = message_ids(message)
        for string in translations(message):
            # An empty translation is the completeness test's concern; a plural form may follow either msgid.
            if string and not any(directives(string) == directives(source) for source in ids):
                wrong.append(f"  {ids[0]!r}\n    -> {string!r}\n"
                             f"    expected {sorted(directives(ids[-1]).elements())}, "
                             f"found {sorted(directives(string).elements())}")
    assert not wrong, "Translations whose %(...)s placeholders (or % signs) differ from the msgid:\n" + "\n".join(wrong)


def test_catalogue_header_and_text_are_well_formed():
    text = VI_PO.read_text(encoding="utf-8")
    header = text.split('\n\n', 1)[0]
    for needed in ('"Language: vi\\n"', '"Plural-Forms: nplurals=1; plural=0;\\n"'):
        assert needed in header, (f"{needed} missing from the header of {VI_PO.name}; `pybabel update --omit-header` "
                                  "drops the header: update without --omit-header")
    assert re.search(r'"Content-Type: text/plain; charset=utf-8\\n"', header, re.IGNORECASE), "charset must be UTF-8"
    strings = [s for m in read_catalogue(VI_PO, "vi") if m.id for s in translations(m)]
    not_nfc = [s for s in strings if unicodedata.normalize("NFC", s) != s]
    assert not not_nfc, "Translations not in Unicode NFC (retype them composed):\n" + "\n".join(map(repr, not_nfc))


def test_the_interface_is_vietnamese_by_default_and_english_on_request(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert "Log in" not in page

    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 302

    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Đăng nhập" not in page
