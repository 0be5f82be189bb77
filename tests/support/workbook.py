"""An Excel upload table for the workbook tests (a cluster-year's targets: two indicators for two boards, an
editable target (at least 0, at most a per-row bound on one row), an editable actual figure and an editable source
text), and rewriting the ZIP members of a file."""
import io
import zipfile
from decimal import Decimal

from tracker.documents.workbook import Column, Row, Sheet

CONTEXT = "cluster_year:17"
COLUMNS = (
    Column("indicator", "Chỉ tiêu", "label", width=40),
    Column("board", "Đơn vị", "label", width=30),
    Column("target", "Kế hoạch", "number", minimum=Decimal(0)),
    Column("actual", "Thực hiện", "number"),
    Column("source", "Nguồn", "text", width=40, max_length=20),
)
ROWS = (
    Row("12:5", {"indicator": "Thu hút vốn đầu tư", "board": "Đồng Nai", "target": Decimal("1234.5"),
                 "actual": None, "source": "QĐ 12/QĐ-UBND"}, maximum={"target": Decimal(5000)}),
    Row("12:6", {"indicator": "Thu hút vốn đầu tư", "board": "Bình Dương", "target": Decimal(800),
                 "actual": Decimal("-2.25"), "source": None}),
    Row("13:5", {"indicator": "Giải quyết hồ sơ đúng hạn", "board": "Đồng Nai", "target": None, "actual": None,
                 "source": "=bắt đầu bằng dấu ="}),
)
SHEET = Sheet(kind="targets", context=CONTEXT, title="Chỉ tiêu năm 2018 – Cụm thi đua miền Đông Nam Bộ",
              instructions="Nhập số vào các ô trắng rồi tải tệp lên.", columns=COLUMNS, rows=ROWS)
NAME = "chi-tieu-2018.xlsx"


def rezip(data: bytes, change=None, extra: dict | None = None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The same ZIP with members changed by `change(name, content)` (None drops one) and `extra` members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            content = change(info.filename, content) if change else content
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()
