"""rdflib in memory: the reference store, used for small graphs, SHACL and as the benchmark baseline.

rdflib reads FROM / FROM NAMED and USING as "load this document": it would fetch an http IRI and
read a file: or relative one from disk. graphkit's rule is that these clauses choose among the graphs
the store holds (as Oxigraph does), so this store evaluates the query without its dataset clause on a
dataset made of the chosen graphs, and refuses USING in updates rather than let rdflib load it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Variable

from graphkit.rdf_mapping import Quad, Triple
from graphkit.store.base import Bindings, Graphs, QueryResult, Store, normal_term
from graphkit.store.guard import inspect


class MemoryStore(Store):
    """An rdflib Dataset whose default graph is the union of its named graphs."""

    spec = "memory"

    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)

    def add_quads(self, quads: Iterable[Quad]) -> None:
        graphs: dict[URIRef, Graph] = {}
        for s, p, o, g in quads:
            graph = graphs.get(g)
            if graph is None:
                graph = graphs[g] = self.dataset.graph(g)
            graph.add((s, p, o))

    def load_file(self, path: Path) -> None:
        self.dataset.parse(path, format="nquads")

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        self.dataset.remove_graph(graph)
        named = self.dataset.graph(graph)
        for triple in triples:
            named.add(triple)

    def query(
        self, sparql: str, bindings: Bindings | None = None, *, graphs: Graphs | None = None, base: str | None = None
    ) -> QueryResult:
        init = {Variable(name): term for name, term in (bindings or {}).items()}
        operation = inspect(sparql, "query", base)  # the parse is shared with the guard, and memoised
        prepared: Query = operation.parsed
        dataset = self.dataset
        if graphs or operation.has_dataset:
            chosen = graphs or Graphs(operation.default_graphs, operation.named_graphs)
            dataset = self._chosen(chosen)
            algebra = CompValue(prepared.algebra.name, **{
                key: value for key, value in dict.items(prepared.algebra) if key != "datasetClause"
            })
            prepared = Query(prepared.prologue, algebra)
        result = dataset.query(prepared, initBindings=init)  # type: ignore[arg-type]  # rdflib takes Variables too
        if result.type == "ASK":
            return QueryResult(boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            rows = [tuple(normal_term(t) for t in triple) for triple in result.graph]  # type: ignore[union-attr]
            return QueryResult(variables=["subject", "predicate", "object"], rows=rows)
        variables = [str(v) for v in result.vars or []]
        solutions = [tuple(normal_term(t) for t in row) for row in result]  # type: ignore[union-attr]
        return QueryResult(variables=variables, rows=solutions)

    def _chosen(self, graphs: Graphs) -> Dataset:
        """A dataset of copies of the chosen graphs: their merge as default graph, and the named ones."""
        chosen = Dataset(default_union=False)
        for name in graphs.default:
            for triple in self.dataset.graph(URIRef(name)):
                chosen.default_graph.add(triple)
        for name in graphs.named:
            named = chosen.graph(URIRef(name))
            for triple in self.dataset.graph(URIRef(name)):
                named.add(triple)
        return chosen

    def update(self, sparql: str, *, using: Graphs | None = None, base: str | None = None) -> None:
        operation = inspect(sparql, "update", base)
        if using or operation.using:
            raise ValueError("the memory store cannot run USING (rdflib would load it as a document); use Oxigraph")
        self.dataset.update(operation.parsed)

    def __len__(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))
