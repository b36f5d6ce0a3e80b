"""graphkit: a knowledge graph of who helps whom in China's assistance programmes.

The names below are imported when first used (PEP 562): every command imports this package, and the
Python API's modules (the SPARQL parser, networkx) cost a command that needs none of them a third of
a second before it starts.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphkit.api import KnowledgeGraph, open_graph
    from graphkit.dataset import DataError, load

    open = open_graph

#: Each public name, by the module that defines it (and its name there).
_LAZY = {
    "DataError": ("graphkit.dataset", "DataError"),
    "KnowledgeGraph": ("graphkit.api", "KnowledgeGraph"),
    "load": ("graphkit.dataset", "load"),
    "open": ("graphkit.api", "open_graph"),
    "open_graph": ("graphkit.api", "open_graph"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


__all__ = ["DataError", "KnowledgeGraph", "load", "open", "open_graph"]
__version__ = "0.1.0"
