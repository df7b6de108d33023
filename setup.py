"""The wheel's one build step that pyproject.toml cannot say: ship templates/ inside it.

The templates live at the top level of the repository (next to intake/, part of the
project's layout); an installed intake finds them at intake/templates (intake/paths.py),
so the wheel gets a copy there. An editable install (`make setup`) copies nothing: the
package reads the checkout's templates/ directly. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildWithTemplates(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "intake" / "templates"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            TEMPLATES, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )


setup(cmdclass={"build_py": BuildWithTemplates})
