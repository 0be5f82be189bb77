"""The gunicorn entry point: an application from the TRACKER_* variables, with its start-up objects frozen out of
the garbage collector's scans."""
import gc
import importlib
import sys

from flask import Flask


def test_the_wsgi_module_builds_the_app_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_SECRET_KEY", "wsgi-test")
    monkeypatch.setenv("TRACKER_PASSWORD_HASH_COST", "test")  # as tests/support/served.py serves it
    sys.modules.pop("tracker.wsgi", None)
    try:
        module = importlib.import_module("tracker.wsgi")
        assert isinstance(module.app, Flask)
        assert module.app.config["DATABASE_URL"] == database_url
        assert module.app.config["PASSWORD_HASH_COST"] == "test"
        assert gc.get_freeze_count() > 0
        assert module.app.test_client().get("/auth/login").status_code == 200
    finally:
        gc.unfreeze()
        sys.modules.pop("tracker.wsgi", None)
        module.app.extensions["engine"].dispose()
