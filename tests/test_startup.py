"""Starting the application stays light: WeasyPrint (slow to import, large in memory) is loaded only when a paper
is printed, never by creating the app or serving an ordinary page. Checked in a fresh interpreter, so what other
tests imported into this process does not matter."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib.util, json, sys
from tracker import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "startup", "UPLOAD_FOLDER": sys.argv[2]})
after_create = "weasyprint" in sys.modules
status = app.test_client().get("/auth/login").status_code
app.extensions["engine"].dispose()
print(json.dumps({"installed": importlib.util.find_spec("weasyprint") is not None, "after_create": after_create,
                  "status": status, "after_page": "weasyprint" in sys.modules}))
"""


def test_creating_the_app_and_serving_a_page_do_not_import_weasyprint(database_url, tmp_path):
    result = subprocess.run([sys.executable, "-c", PROBE, database_url, str(tmp_path / "uploads")], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"installed": True, "after_create": False, "status": 200, "after_page": False}
