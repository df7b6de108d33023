"""intake: a consultation questionnaire, fit scoring and proposals for a support practice."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask


def create_app(overrides: Mapping | None = None) -> Flask:
    """Build the app: config, logging, extensions, blueprints, errors, commands."""
    # deferred: importing the package (intake.log from gunicorn.conf.py, a pure module
    # from a test or a tool) must not load the whole app; no cycle hides here
    from . import (  # noqa: PLC0415 - the app is loaded by create_app only
        cli,
        consultation,
        delivery,
        errors,
        extensions,
        log,
        mail,
        registry,
        security,
        site,
        templating,
    )
    from .config import (  # noqa: PLC0415 - see above
        check_secret_key_when_needed,
        instance_path,
        load_config,
        log_start_up,
    )
    from .offers import views as offer_views  # noqa: PLC0415 - see above
    from .paths import STATIC_DIR, TEMPLATES_DIR  # noqa: PLC0415 - see above
    from .prospect import bp as prospect_bp  # noqa: PLC0415 - see above
    from .workspace import bp as workspace_bp  # noqa: PLC0415 - see above

    # absolute folders (intake/paths.py): right in a checkout, an editable install and
    # a wheel, from any working directory
    app = Flask(
        __name__,
        instance_path=str(instance_path(overrides)),
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    load_config(app, overrides)
    check_secret_key_when_needed(app)
    log.configure_logging(app)
    log_start_up(app)
    extensions.init_app(app)
    delivery.init_app(app)
    registry.init_app(app)
    security.init_app(app)
    app.register_blueprint(site.bp)
    templating.init_app(app)
    app.register_blueprint(prospect_bp)
    app.register_blueprint(workspace_bp)
    errors.register_error_handlers(app)
    cli.register_commands(app)
    mail.init_app(app)
    offer_views.init_app(app)
    consultation.init_app(app)
    return app
