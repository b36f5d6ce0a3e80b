"""Build hook: the repository keeps the ontology, shapes and named queries in `ontology/` at the top
level (where people read and edit them); a wheel must carry them inside the package, so `build_py`
copies `ontology/` to `graphkit/_ontology/` in the build tree. `graphkit.ontology.ontology_dir()`
reads that copy when it exists, else the checkout's `ontology/` (editable installs, tests).
Everything else about the package is declared in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithOntology(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).resolve().parent / "ontology"
        if not self.editable_mode:
            shutil.copytree(source, Path(self.build_lib) / "graphkit" / "_ontology", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithOntology})
