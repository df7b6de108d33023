"""intake: a consultation questionnaire, fit scoring and proposals for a support practice."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask


def create_app(overrides: Mapping | None = None) -> Flask:
    """Build the app: config, logging, extensions, blueprints, errors, commands."""
    from . import (
        cli,
        delivery,
        errors,
        extensions,
        log,
        mail,
        registry,
        security,
        settings,
        templating,
    )
    from .config import load_config
    from .prospect import bp as prospect_bp
    from .workspace import bp as workspace_bp

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )
    load_config(app, overrides)
    log.configure_logging(app)
    extensions.init_app(app)
    delivery.init_app(app)
    registry.init_app(app)
    security.init_app(app)
    settings.init_app(app)
    templating.init_app(app)
    app.register_blueprint(prospect_bp)
    app.register_blueprint(workspace_bp)
    _register_home(app)
    errors.register_error_handlers(app)
    cli.register_commands(app)
    mail.init_app(app)
    return app


def _register_home(app: Flask) -> None:
    import sqlalchemy as sa
    from flask import redirect, render_template, url_for

    @app.get("/healthz")
    def healthz():
        """OK only when the database answers; load balancers poll this."""
        from .extensions import db

        try:
            db.session.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            return {"status": "unavailable", "database": "not answering"}, 503
        return {"status": "ok", "database": "ok"}

    @app.get("/privacy")
    def privacy():
        """What the practice keeps, why, for how long, and how to have it deleted."""
        return render_template("privacy.html")

    @app.get("/")
    def home():
        """The public entry point: the questionnaire's start page."""
        return redirect(url_for("prospect.start"))
