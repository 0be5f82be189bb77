"""XML entity tricks inside an uploaded .xlsx (a ZIP of XML parts): entity expansion, external entities (XXE) and
parameter entities are refused with a message, quickly, and nothing is ever expanded or read from the disk."""
import codecs
import io
import time
import zipfile

import pytest

from tests.support.workbook import NAME, SHEET, rezip
from tracker.documents.workbook import Refused, build, read, upload
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


def _sheet_with_doctype(template: bytes, doctype: bytes, text: bytes) -> str:
    """The first sheet's XML with an XML declaration naming `encoding`, a DOCTYPE and a cell using the entity (as
    text, to be encoded by the caller)."""
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        content = archive.read("xl/worksheets/sheet1.xml")
    body = content.replace(b"</sheetData>", b'<row r="5"><c r="F5" t="inlineStr"><is><t>' + text
                           + b"</t></is></c></row></sheetData>", 1)
    return (doctype + body).decode("utf-8")


def _declared(name: str, text: str) -> str:
    return f'<?xml version="1.0" encoding="{name}"?>' + text


ENCODINGS = {
    # name: how the part's text becomes bytes
    "UTF-16 LE with BOM": lambda text: codecs.BOM_UTF16_LE + _declared("UTF-16", text).encode("utf-16-le"),
    "UTF-16 BE with BOM": lambda text: codecs.BOM_UTF16_BE + _declared("UTF-16", text).encode("utf-16-be"),
    "UTF-16 LE without BOM": lambda text: _declared("UTF-16LE", text).encode("utf-16-le"),
    "UTF-32 LE with BOM": lambda text: codecs.BOM_UTF32_LE + _declared("UTF-32", text).encode("utf-32-le"),
    "UTF-32 BE with BOM": lambda text: codecs.BOM_UTF32_BE + _declared("UTF-32", text).encode("utf-32-be"),
    "UTF-32 LE without BOM": lambda text: _declared("UTF-32LE", text).encode("utf-32-le"),
    "UTF-32 BE without BOM": lambda text: _declared("UTF-32BE", text).encode("utf-32-be"),
    "UTF-8 with BOM": lambda text: codecs.BOM_UTF8 + _declared("UTF-8", text).encode("utf-8"),
    # the declaration names another encoding: UTF-7 with "<!" written in its base64 form, EBCDIC
    "UTF-7": lambda text: _declared("UTF-7", text).encode("utf-7").replace(b"<!", b"<+ACE-"),
    "EBCDIC (IBM037)": lambda text: _declared("IBM037", text).encode("cp037"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", ["billion laughs", "external entity", "parameter entity"])
def test_a_doctype_in_any_encoding_is_refused_before_openpyxl_reads_anything(template, monkeypatch, encoding, case):
    doctype, text = DOCTYPES[case]
    part = ENCODINGS[encoding](_sheet_with_doctype(template, doctype, text))
    assert b"<!doctype" not in part.lower() or encoding.startswith("UTF-8")  # the old byte filter missed these
    data = rezip(template, lambda name, content: part if name == "xl/worksheets/sheet1.xml" else content)

    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl was asked to parse a workbook with a DOCTYPE")

    monkeypatch.setattr(upload, "load_workbook", never)
    with pytest.raises(Refused) as refused:
        read(data, NAME, SHEET)
    assert refused.value.message == DOCTYPE


@pytest.mark.parametrize("name", ["xl/media/image1.bin", "customXml/item1.dat", "xl/worksheets/sheet1.xml.bak"])
def test_a_doctype_in_a_part_not_named_xml_is_refused(template, name):
    part = ENCODINGS["UTF-32 LE with BOM"](_sheet_with_doctype(template, *DOCTYPES["external entity"]))
    with pytest.raises(Refused) as refused:
        read(rezip(template, extra={name: part}), NAME, SHEET)
    assert refused.value.message == DOCTYPE


@pytest.mark.parametrize("encoding", ["UTF-16 LE with BOM", "UTF-16 BE with BOM", "UTF-8 with BOM"])
def test_a_part_in_another_encoding_without_a_doctype_is_not_taken_for_one(template, encoding):
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        content = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    part = ENCODINGS[encoding](content)
    data = rezip(template, lambda name, old: part if name == "xl/worksheets/sheet1.xml" else old)
    try:
        read(data, NAME, SHEET)
    except Refused as refused:
        assert refused.message != DOCTYPE


def test_a_binary_part_is_not_taken_for_xml(template):
    data = rezip(template, extra={"xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4})
    assert read(data, NAME, SHEET).errors == []


def test_text_that_only_looks_like_a_doctype_is_read(template):
    # a cell holding the words "<!DOCTYPE" is escaped by Excel (&lt;!DOCTYPE): not a declaration, read as text
    def change(name, content):
        if name != "xl/worksheets/sheet1.xml":
            return content
        return content.replace(b"</sheetData>", b'<row r="9"><c r="F9" t="inlineStr"><is><t>&lt;!DOCTYPE x '
                               b'[&lt;!ENTITY y "z"&gt;]&gt;</t></is></c></row></sheetData>', 1)
    try:
        read(rezip(template, change), NAME, SHEET)
    except Refused as refused:
        assert refused.message != DOCTYPE
