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
from graphkit.store import MemoryStore, Store, StoreSpec
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
            from graphkit.networkx_view import to_networkx

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
    return KnowledgeGraph(open_built(Path(out_dir), store))


def open_built(out_dir: Path, store: str | None = None, *, writable: bool = False, in_memory: bool = False) -> Store:
    """The store of a graph `graphkit build` wrote to `out_dir`, as a setting chooses it.

    No setting: the on-disk store out/store, else out/graph.nq read into memory. `memory`: rdflib in
    memory filled from out/graph.nq (the benchmarks' baseline). `oxigraph`, or `in_memory` with no
    setting: an in-memory Oxigraph filled from out/graph.nq (the endpoint's fastest, at the price of
    the graph's size in RAM). `oxigraph:DIR` or a URL: that store. On-disk stores open read-only
    unless `writable`, so several processes can read one. BuildError when nothing was built.
    """
    from graphkit.build import GRAPH_NQ, STORE_DIR, BuildError

    spec = StoreSpec.parse(store) if store else None
    if spec is None and not in_memory and (out_dir / STORE_DIR).is_dir():
        spec = StoreSpec.directory(out_dir / STORE_DIR)
    if spec is not None and spec.location is not None:
        return spec.open(read_only=not writable)
    nquads = out_dir / GRAPH_NQ
    if not nquads.is_file():
        raise BuildError(f"no built graph in {out_dir}/ (run `graphkit build` first)")
    opened = (spec or StoreSpec.parse("oxigraph" if in_memory else "memory")).open()
    opened.load_file(nquads)
    return opened
