"""rdflib in memory: the reference store, used for small graphs, SHACL and as the benchmark baseline."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Dataset, URIRef
from rdflib.term import Node, Variable

from graphkit.rdf import Quad, Triple
from graphkit.store.base import Bindings, QueryResult, Store, normal_term


class MemoryStore(Store):
    """An rdflib Dataset whose default graph is the union of its named graphs."""

    spec = "memory"

    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)

    def add_quads(self, quads: Iterable[Quad]) -> None:
        graphs: dict[URIRef, object] = {}
        for s, p, o, g in quads:
            graph = graphs.get(g)
            if graph is None:
                graph = graphs[g] = self.dataset.graph(g)
            graph.add((s, p, o))

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        self.dataset.remove_graph(graph)
        named = self.dataset.graph(graph)
        for triple in triples:
            named.add(triple)

    def query(self, sparql: str, bindings: Bindings | None = None) -> QueryResult:
        init = {Variable(name): term for name, term in (bindings or {}).items()}
        result = self.dataset.query(sparql, initBindings=init)
        if result.type == "ASK":
            return QueryResult(boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            rows = [tuple(normal_term(t) for t in triple) for triple in result.graph]  # type: ignore[union-attr]
            return QueryResult(variables=["subject", "predicate", "object"], rows=rows)
        variables = [str(v) for v in result.vars or []]
        rows: list[tuple[Node | None, ...]] = [tuple(normal_term(t) for t in row) for row in result]  # type: ignore[union-attr]
        return QueryResult(variables=variables, rows=rows)

    def update(self, sparql: str) -> None:
        self.dataset.update(sparql)

    def __len__(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))
