"""XML entity tricks inside an uploaded .xlsx (a ZIP of XML parts): entity expansion, external entities (XXE) and
parameter entities are refused with a message, quickly, and nothing is ever expanded or read from the disk."""
import time

import pytest

from tests.support.workbook import NAME, SHEET, rezip
from tracker.documents.workbook import Refused, build, read
from tracker.documents.workbook.upload import DOCTYPE

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
LAUGHS = b"".join(b'<!ENTITY l%d "%s">' % (n, (b"&l%d;" % (n - 1) if n else b"lol") * (10 if n else 1))
                  for n in range(10))
DOCTYPES = {
    "billion laughs": (b"<!DOCTYPE x [" + LAUGHS + b"]>", b"&l9;"),
    "external entity": (b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;"),
    "parameter entity": (b'<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>', b"x"),
    "external dtd": (b'<!DOCTYPE x SYSTEM "file:///etc/passwd">', b"x"),
}


def _shared_strings(doctype: bytes, text: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + b"<sst " + NS + b' count="1" uniqueCount="1">'
            b"<si><t>" + text + b"</t></si></sst>")


def _with_doctype(part: str, doctype: bytes, text: bytes):
    def change(name, content):
        if name != part:
            return content
        if part.endswith("sharedStrings.xml"):
            return _shared_strings(doctype, text)
        head, sep, rest = content.partition(b"?>")
        return head + sep + doctype + rest.replace(b"</sheetData>", b'<row r="5"><c r="F5" t="inlineStr"><is><t>'
                                                   + text + b"</t></is></c></row></sheetData>", 1)
    return change


@pytest.fixture(scope="module")
def template() -> bytes:
    """The template of the workbook tests' table."""
    return build(SHEET)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"])
@pytest.mark.parametrize("case", DOCTYPES)
def test_xml_with_a_doctype_is_refused_quickly(template, part, case):
    doctype, text = DOCTYPES[case]
    extra = {}
    data = rezip(template, _with_doctype(part, doctype, text))
    if part.endswith("sharedStrings.xml") and b"sharedStrings" not in template:
        data = rezip(template, extra={part: _shared_strings(doctype, text)})
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        read(data, NAME, SHEET, **extra)
    assert time.monotonic() - started < 60  # refused, not expanded for minutes (generous: CI can be slow)
    assert refused.value.message == DOCTYPE
    assert "root:" not in str(refused.value)
