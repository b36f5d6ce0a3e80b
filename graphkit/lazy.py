"""Names a package exports but imports when first asked for (PEP 562's module `__getattr__`).

Every command imports graphkit, and a command that needs neither the Python API (the SPARQL parser,
networkx), nor the page (networkx, pyvis, Jinja2), nor the endpoint (Starlette, uvicorn) should not
pay for importing them: a third of a second, before it starts.

    >>> import sys, types
    >>> package = types.ModuleType("example")
    >>> package.__getattr__ = exports("example", {"hypot": ("math", "hypot")})
    >>> sys.modules["example"] = package
    >>> package.hypot(3, 4)
    5.0
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def exports(package: str, names: Mapping[str, tuple[str, str]]) -> Callable[[str], Any]:
    """A `__getattr__` for `package` that imports each of `names` (a public name: the module that
    defines it and its name there) when it is first asked for, and keeps it in the package."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = names[name]
        value = getattr(import_module(module), attribute)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


__all__ = ["exports"]
