"""The hand-over package in the browser and on the command line."""
import io
import json

from sqlmodel import select

from tracker.models import AuditEvent, Cluster
from tracker.ops import demo


def test_download_then_upload_by_an_administrator(client, db, login, tmp_path):
    demo.seed(db)
    db.commit()
    login(as_role="admin")

    cluster = db.exec(select(Cluster).where(Cluster.name.like("%Tây Nguyên%"))).one()
    response = client.get(f"/clusters/{cluster.id}/handover.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    package = json.loads(response.data)
    assert package["cluster"]["name"] == cluster.name
    # The same package again: every year is already here and kept.
    response = client.post("/admin/handover", data={"file": (io.BytesIO(response.data), "goi.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.rollback()  # a new snapshot: the upload committed in another session
    [imported] = db.exec(select(AuditEvent).where(AuditEvent.kind == "import")).all()  # noted in the audit log
    assert cluster.name in imported.detail
    # A broken package lists its problems with their paths; nothing is written.
    package["years"][0]["members"][0]["role"] = "chief"
    response = client.post("/admin/handover", data={"file": (io.BytesIO(json.dumps(package).encode()), "x.json")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "$.years[0].members[0].role" in page
    assert "Phải là một trong: &#34;head&#34;, &#34;deputy&#34;, &#34;member&#34;." in page
    response = client.post("/admin/handover", data={"file": (io.BytesIO(b"%PDF-1.4 not json"), "x.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="problems"' in response.get_data(as_text=True)


def test_the_commands_export_and_import(runner, db, tmp_path):
    demo.seed(db)
    db.commit()
    path = tmp_path / "ban-giao.json"
    result = runner.invoke(args=["export-cluster", "Khối thi đua Ban Quản lý các KCN, KKT khu vực Tây Nguyên",
                                 "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text(encoding="utf-8"))["years"][0]["year"] == 2017
    result = runner.invoke(args=["import-cluster", str(path)])
    assert result.exit_code == 0 and "2017" in result.output
    db.rollback()
    [imported] = db.exec(select(AuditEvent).where(AuditEvent.kind == "import")).all()  # the command is audited too
    assert imported.address == "command line"
    path.write_text("{}", encoding="utf-8")
    result = runner.invoke(args=["import-cluster", str(path)])
    assert result.exit_code == 1 and "$:" in result.output


def test_a_package_over_the_size_limit_is_refused_with_a_message(client, db, login, monkeypatch):
    from tracker.views import handover as view

    login(as_role="admin")
    monkeypatch.setattr(view, "MAX_BYTES", 100)
    response = client.post("/admin/handover", data={"file": (io.BytesIO(b"{" + b" " * 200 + b"}"), "goi.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "lớn hơn" in response.get_data(as_text=True)
    db.rollback()
    assert db.exec(select(AuditEvent).where(AuditEvent.kind == "import")).all() == []
