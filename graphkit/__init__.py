"""graphkit: a knowledge graph of who helps whom in China's assistance programmes."""

from graphkit.api import KnowledgeGraph, open_graph
from graphkit.dataset import DataError, load

open = open_graph

__all__ = ["DataError", "KnowledgeGraph", "load", "open", "open_graph"]
__version__ = "0.1.0"
