"""Oxigraph (pyoxigraph): an embedded, on-disk SPARQL engine; the default store of built graphs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graphkit.rdf_mapping import Quad, Triple, to_nquads
from graphkit.results import jsonresults
from graphkit.store.base import Bindings, Graphs, QueryResult, Store, normal_literal, plain_value

BATCH = 100_000


def to_ox(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """rdflib term -> pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


def from_ox(term: object) -> Node | None:
    """pyoxigraph term -> rdflib term (None stays None)."""
    if term is None:
        return None
    return _from_ox(term)


@lru_cache(maxsize=1 << 16)
def _from_ox(term: object) -> Node:
    """Memoised: making an rdflib term costs microseconds (a decimal is parsed, an IRI validated),
    and the same labels, classes and amounts come back in answer after answer."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return normal_literal(term.value, term.datatype.value, term.language)
    raise TypeError(f"unexpected Oxigraph term {term!r}")


@lru_cache(maxsize=1 << 16)
def _plain(term: object) -> Any:
    """A term's plain Python value (None when unbound), memoised as `_from_ox` is."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return plain_value(term.value, term.datatype.value, term.language)
    return term.value  # type: ignore[attr-defined]


def _json_cell(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return jsonresults.cell("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return jsonresults.cell("bnode", term.value)
    return jsonresults.cell("literal", term.value, term.datatype.value, term.language)


#: Where the keyword FROM could stand: the word not inside a longer name. A prefixed or local name
#: that holds it (prov:wasDerivedFrom, gk:fromRegion, gk:inForceFrom: most of graphkit's queries)
#: cannot be the keyword, and sent every validation query through rdflib's parser (0.7 s of an edit at
#: a million quads). Anything else that looks like it, in an IRI, a string or a comment, is parsed.
_KEYWORD_FROM = re.compile(r"(?<![\w:])from(?!\w)", re.IGNORECASE)


def names_dataset(sparql: str) -> bool:
    """Whether the query has FROM / FROM NAMED: parsed (graphkit.store.guard) only when the keyword,
    or an escape that could spell it, could be there.

    >>> names_dataset("SELECT ?s FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    True
    >>> names_dataset("SELECT ?e WHERE { ?e <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }")
    False
    >>> names_dataset('SELECT ?s WHERE { ?s ?p "from" }')
    False
    """
    if "\\u" not in sparql and "\\U" not in sparql and not _KEYWORD_FROM.search(sparql):
        return False
    from graphkit.store.guard import SparqlSyntaxError, inspect

    try:
        return inspect(sparql).has_dataset
    except SparqlSyntaxError:  # Oxigraph reads more than rdflib; it decides, with the union default
        return False


def _has_blank_node(path: Path, block: int = 1 << 20) -> bool:
    """Whether an N-Quads file may hold a blank node: "_:" anywhere in it (read by blocks)."""
    with path.open("rb") as handle:
        tail = b""
        while data := handle.read(block):
            if b"_:" in tail + data[:1] or b"_:" in data:
                return True
            tail = data[-1:]
    return False


class OxigraphStore(Store):
    """pyoxigraph.Store on disk (or in memory when no path is given)."""

    loads_files_in_bulk = True
    stops_at_row_cap = True
    writes_sparql_json = True
    writes_plain_values = True

    def __init__(self, path: Path | str | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path else None
        self.read_only = read_only
        self.makes_checkpoints = self.path is not None  # an in-memory store has no files to link
        if self.path is None:
            self.store = ox.Store()
        elif read_only:
            self.store = ox.Store.read_only(str(self.path))
        else:
            self.store = ox.Store(str(self.path))
        self.spec = f"oxigraph:{self.path}" if self.path else "oxigraph"

    def add_quads(self, quads: Iterable[Quad]) -> None:
        buffer: list[str] = []
        for line in to_nquads(quads):
            buffer.append(line)
            if len(buffer) >= BATCH:
                self._bulk("".join(buffer).encode("utf-8"))
                buffer = []
        self._bulk("".join(buffer).encode("utf-8"))

    def _bulk(self, nquads: bytes) -> None:
        """Bulk-load N-Quads text (none: nothing)."""
        if nquads:
            self.store.bulk_load(io.BytesIO(nquads), format=ox.RdfFormat.N_QUADS)

    def load_file(self, path: Path) -> None:
        self.load_files([path])

    def load_files(self, paths: Iterable[Path]) -> None:
        """Bulk-load N-Quads files, the fastest way to fill a store, in batches of BATCH lines taken
        across the files in order: one bulk load of a whole 1M-quad file peaks at 900 MB, batches at
        170 MB, as fast; and a build's graph is thousands of small chunks, which need not be joined
        into one file first. A file with blank nodes is loaded whole, on its own: a label names one
        node only within one document."""
        batch: list[bytes] = []
        for path in paths:
            if _has_blank_node(Path(path)):
                self._bulk(b"".join(batch))
                batch = []
                self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
                continue
            with Path(path).open("rb") as handle:
                while lines := list(islice(handle, BATCH - len(batch))):
                    batch += lines
                    if len(batch) >= BATCH:
                        self._bulk(b"".join(batch))
                        batch = []
            if batch and not batch[-1].endswith(b"\n"):  # the file's last line, ended before the next file's
                batch[-1] += b"\n"
        self._bulk(b"".join(batch))

    def checkpoint(self, directory: Path) -> None:
        """RocksDB's checkpoint: its immutable files hard-linked, so a million-quad store is copied in
        milliseconds and the copy then changes apart from the original."""
        if self.path is None:
            raise NotImplementedError("an in-memory Oxigraph store cannot copy itself")
        self.store.backup(str(directory))

    def change_quads(self, *, removed: Sequence[bytes], added: Sequence[bytes]) -> None:
        for lines, change in ((removed, self.store.remove), (added, self.store.add)):
            quads = list(ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_QUADS)) if lines else []
            if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads):
                raise ValueError("quads with blank nodes cannot be changed one by one (a label names a node "
                                 "only within one document)")
            for quad in quads:
                change(quad)

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        name = ox.NamedNode(str(graph))
        if self.store.contains_named_graph(name):
            self.store.remove_graph(name)
        # the subjects and predicates of a graph's triples are IRIs or blank nodes, never literals
        self.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in triples)  # type: ignore[arg-type]

    def query(
        self, sparql: str, bindings: Bindings | None = None, *, graphs: Graphs | None = None, base: str | None = None
    ) -> QueryResult:
        result = self._raw_query(sparql, graphs, base, self._substitutions(bindings))
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            rows = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in result]
            return QueryResult(variables=["subject", "predicate", "object"], rows=rows)
        variables = [v.value for v in result.variables]
        # A solution iterates over its values in the order of the variables (None when unbound),
        # several times faster than looking each variable up by name.
        solutions = [tuple(from_ox(term) for term in solution) for solution in result]
        return QueryResult(variables=variables, rows=solutions)

    def records(self, sparql: str, graphs: Graphs | None = None) -> list[dict[str, Any]]:
        result = self._raw_query(sparql, graphs, None, None)
        if not isinstance(result, ox.QuerySolutions):
            return super().records(sparql, graphs)
        variables = [v.value for v in result.variables]
        return [dict(zip(variables, map(_plain, solution), strict=True)) for solution in result]

    def query_capped(
        self, sparql: str, bindings: Bindings | None = None, *, cap: int, graphs: Graphs | None = None,
        base: str | None = None, own_dataset: bool | None = None,
    ) -> tuple[QueryResult, bool]:
        result = self._raw_query(sparql, graphs, base, self._substitutions(bindings), own_dataset)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(boolean=bool(result)), False
        if isinstance(result, ox.QueryTriples):
            triples = list(islice(result, cap + 1))
            rows = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples[:cap]]
            return QueryResult(["subject", "predicate", "object"], rows), len(triples) > cap
        variables = [v.value for v in result.variables]
        solutions = list(islice(result, cap + 1))
        values = [tuple(from_ox(term) for term in solution) for solution in solutions[:cap]]
        return QueryResult(variables, values), len(solutions) > cap

    def sparql_json(
        self, sparql: str, bindings: Bindings | None = None, *, cap: int, graphs: Graphs | None = None,
        base: str | None = None, own_dataset: bool | None = None,
    ) -> tuple[bytes, int, bool]:
        """The endpoint's hot path: JSON cells straight from Oxigraph's terms, no rdflib term built."""
        result = self._raw_query(sparql, graphs, base, self._substitutions(bindings), own_dataset)
        if isinstance(result, ox.QueryBoolean):
            return jsonresults.boolean_document(bool(result)), 0, False
        if isinstance(result, ox.QueryTriples):
            raise ValueError("SPARQL JSON results are for SELECT and ASK; CONSTRUCT and DESCRIBE give triples")
        variables = [v.value for v in result.variables]
        columns = range(len(variables))
        solutions = list(islice(result, cap + 1))
        bindings_out = [
            {variables[i]: _json_cell(solution[i]) for i in columns if solution[i] is not None}
            for solution in solutions[:cap]
        ]
        return jsonresults.document(variables, bindings_out), len(bindings_out), len(solutions) > cap

    @staticmethod
    def _substitutions(bindings: Bindings | None) -> dict | None:
        return {ox.Variable(name): to_ox(term) for name, term in (bindings or {}).items()} or None

    def _raw_query(
        self, sparql: str, graphs: Graphs | None = None, base: str | None = None, substitutions: dict | None = None,
        own_dataset: bool | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """pyoxigraph's own answer, the dataset chosen as Store.query describes. `own_dataset` says
        whether the query has FROM / FROM NAMED, for a caller that parsed it already (else it is read)."""
        options: dict = {"base_iri": base, "substitutions": substitutions}
        if own_dataset is None:
            own_dataset = names_dataset(sparql)
        if graphs:
            options["default_graph"] = [ox.NamedNode(name) for name in graphs.default]
            options["named_graphs"] = [ox.NamedNode(name) for name in graphs.named]
        elif not own_dataset:  # Oxigraph's union flag would override the query's FROM
            options["use_default_graph_as_union"] = True
        try:
            return self.store.query(sparql, **options)
        except RuntimeError as exc:  # Oxigraph binds a parameter only to a variable the query projects
            if substitutions and "projection" in str(exc):
                names = ", ".join(f"?{v.value}" for v in substitutions)
                raise ValueError(f"a parameter ({names}) must be a variable the query's SELECT names: {exc}") from None
            raise

    def update(self, sparql: str, *, using: Graphs | None = None, base: str | None = None) -> None:
        if using:
            from graphkit.store.guard import with_using

            sparql = with_using(sparql, using, base)
        self.store.update(sparql, base_iri=base)

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            self.store.flush()
