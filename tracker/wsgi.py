"""The WSGI entry point for gunicorn: `gunicorn tracker.wsgi:app` (configured by the TRACKER_* variables)."""
import gc

from tracker import create_app

app = create_app()
# Everything made at start-up lives as long as the worker: freezing it keeps the garbage collector from scanning
# those objects again on every full collection, which otherwise stalls a request now and then for tens of ms.
gc.freeze()
