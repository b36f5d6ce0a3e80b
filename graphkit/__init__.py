"""graphkit: a knowledge graph of who helps whom in China's assistance programmes.

The names below are imported when first used (PEP 562): every command imports this package, and the
Python API's modules (the SPARQL parser, networkx) cost a command that needs none of them a third of
a second before it starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphkit.lazy import exports

if TYPE_CHECKING:
    from graphkit.api import KnowledgeGraph, open_graph
    from graphkit.dataset import DataError, load

    open = open_graph

__getattr__ = exports(__name__, {
    "DataError": ("graphkit.dataset", "DataError"),
    "KnowledgeGraph": ("graphkit.api", "KnowledgeGraph"),
    "load": ("graphkit.dataset", "load"),
    "open": ("graphkit.api", "open_graph"),
    "open_graph": ("graphkit.api", "open_graph"),
})


__all__ = ["DataError", "KnowledgeGraph", "load", "open", "open_graph"]
__version__ = "0.1.0"
