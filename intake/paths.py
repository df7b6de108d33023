"""Where intake's files are: the same answers in a checkout and in an installed wheel.

In the repository the templates live at the top level (`templates/`, next to `intake/`);
the wheel carries them inside the package (`intake/templates/`, copied there at build
time by the build hook in setup.py). One rule covers both, with no copy in a checkout
(so an editable install sees every template edit at once): the package's own
`templates/` when it has one, else the checkout's.

The instance folder (the SQLite database, instance config.py, the outbox, backups) is
INTAKE_INSTANCE_PATH when set; otherwise `instance/` of the checkout when running from
one, and `$XDG_DATA_HOME/intake` (default `~/.local/share/intake`) for an installed
package: never inside the virtualenv. Production sets INTAKE_INSTANCE_PATH (e.g.
/var/lib/intake). Plain Python: no Flask here.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# a checkout: the package sits next to the project's pyproject.toml and templates/
CHECKOUT_DIR = (
    PACKAGE_DIR.parent
    if (PACKAGE_DIR.parent / "pyproject.toml").is_file()
    and (PACKAGE_DIR.parent / "templates").is_dir()
    else None
)
TEMPLATES_DIR = (
    PACKAGE_DIR / "templates"
    if (PACKAGE_DIR / "templates").is_dir() or CHECKOUT_DIR is None
    else CHECKOUT_DIR / "templates"
)
STATIC_DIR = PACKAGE_DIR / "static"
DEFAULT_QUESTIONNAIRE = PACKAGE_DIR / "questionnaire" / "default.toml"
INSTANCE_ENV = "INTAKE_INSTANCE_PATH"


def default_instance_path(environ: os._Environ | dict = os.environ) -> Path:
    """The instance folder: INTAKE_INSTANCE_PATH, else the checkout's, else XDG's."""
    configured = environ.get(INSTANCE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser().absolute()
    if CHECKOUT_DIR is not None:
        return CHECKOUT_DIR / "instance"
    data_home = environ.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home) if data_home else Path.home() / ".local" / "share"
    return base.expanduser().absolute() / "intake"
