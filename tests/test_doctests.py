"""The examples in docstrings run: each module's doctests, as a reader would copy them."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graphkit

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(graphkit.__path__, "graphkit.") if not name.endswith("__main__")
)


def test_some_modules_have_examples() -> None:
    finder = doctest.DocTestFinder()
    examples = sum(len(test.examples) for name in MODULES for test in finder.find(importlib.import_module(name)))
    assert examples >= 5


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
