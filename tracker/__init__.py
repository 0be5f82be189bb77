"""The Emulation Award Tracker: a Flask application for Vietnam's emulation clusters."""
from flask import Flask

from tracker import config
from tracker.paths import ROOT


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, subsystems, blueprints, error handlers."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load(app, test_config)
    if app.config["PROXY_COUNT"]:  # the client's address and scheme as the trusted proxies pass them on
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from tracker import auth, cli, db, i18n, security, views

    db.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    cli.init_app(app)
    views.init_app(app)
    security.init_app(app)
    return app
