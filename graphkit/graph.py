"""The Python API: open a built graph, query it into rows or a DataFrame, get the networkx view.

    import graphkit
    kg = graphkit.open("out")                      # the built graph (on-disk Oxigraph store)
    kg.rows("donors-ranked")                       # list of dicts
    kg.dataframe("help-for-region", region="黑水县")
    g = kg.network()                               # networkx.MultiDiGraph
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import dataset as data_io
from graphkit.model import Dataset
from graphkit.query import run
from graphkit.store import MemoryStore, Store
from graphkit.store.base import QueryResult


class KnowledgeGraph:
    """A store holding the assistance graph, with the queries and views users need."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._network: nx.MultiDiGraph | None = None

    @classmethod
    def from_dataset(cls, dataset: Dataset | Path | str, store: Store | None = None) -> KnowledgeGraph:
        """Load records (a Dataset or a data/ folder) into a store (default: rdflib in memory)."""
        from graphkit.build import graph_quads

        records = dataset if isinstance(dataset, Dataset) else data_io.load(Path(dataset))
        target = store or MemoryStore()
        target.add_quads(graph_quads(records))
        return cls(target)

    def query(self, query: str, **params: str) -> QueryResult:
        """Run a named query, a .rq file or SPARQL text; keyword arguments are bound parameters."""
        return run(self.store, query, params)

    def rows(self, query: str, **params: str) -> list[dict[str, Any]]:
        """Query results as a list of dicts of Python values."""
        return self.query(query, **params).dicts()

    def dataframe(self, query: str, **params: str):
        """Query results as a pandas DataFrame."""
        return self.query(query, **params).to_dataframe()

    def network(self) -> nx.MultiDiGraph:
        """The networkx MultiDiGraph view (entities and the relations derived from events)."""
        if self._network is None:
            from graphkit.network import to_networkx

            self._network = to_networkx(self.store)
        return self._network

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_graph(out_dir: Path | str = "out", store: str | None = None) -> KnowledgeGraph:
    """Open a built graph: the given store spec, else out/store, else out/graph.nq in memory."""
    from graphkit.build import load_built

    return KnowledgeGraph(load_built(Path(out_dir), store))
