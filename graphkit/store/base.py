"""The store interface every backend implements, and the query result they all return.

Like rdflib's pluggable stores, a backend only has to load quads, replace a named graph and answer
SPARQL with bound variables; everything above (named queries, views, the endpoint) is written once
against this interface, so a graph moves from memory to disk to a server with no code change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graphkit.rdf_mapping import Quad, Triple

Bindings = Mapping[str, Node]


@dataclass(frozen=True)
class Graphs:
    """A dataset chosen from the graphs a store holds: the SPARQL Protocol's default-graph-uri and
    named-graph-uri (for queries) or using-graph-uri and using-named-graph-uri (for updates).

    The default graph is the merge of `default` (empty: an empty default graph), and GRAPH sees only
    `named`. Nothing is fetched: an IRI the store does not hold is an empty graph.
    """

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default or self.named)


@dataclass
class QueryResult:
    """Rows of rdflib terms (None where a variable is unbound), or a boolean for ASK."""

    variables: list[str] = field(default_factory=list)
    rows: Sequence[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def dicts(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (str, int, Decimal, date...)."""
        return [dict(zip(self.variables, (python_value(term) for term in row), strict=True)) for row in self.rows]

    def to_dataframe(self):
        """Rows as a pandas DataFrame, one column per variable."""
        import pandas as pd

        return pd.DataFrame(self.dicts(), columns=self.variables)


def python_value(term: Node | None) -> Any:
    """A term's natural Python value: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


#: The datatypes most answers hold, read straight from their lexical form (as rdflib's toPython
#: reads them); any other goes through an rdflib Literal (`plain_value`).
_PLAIN_READERS: dict[str, Callable[[str], Any]] = {
    str(XSD.string): str,
    str(XSD.decimal): lambda lexical: Decimal(canonical_decimal(lexical)),
    str(XSD.integer): int,
    str(XSD.boolean): lambda lexical: lexical in ("true", "1"),
    str(XSD.date): date.fromisoformat,
}


def plain_value(lexical: str, datatype: str | None, language: str | None) -> Any:
    """The Python value of a literal given by its parts: what `python_value` gives for the same
    literal, without building it (the bulk of reading a large answer).

    >>> plain_value("150000.0", str(XSD.decimal), None), plain_value("黑水县", None, "zh")
    (Decimal('150000'), '黑水县')
    >>> plain_value("2019", str(XSD.gYear), None) == python_value(Literal("2019", datatype=XSD.gYear))
    True
    """
    if language or datatype is None:
        return lexical
    reader = _PLAIN_READERS.get(datatype)
    if reader is not None:
        try:
            return reader(lexical)
        except (ValueError, ArithmeticError):
            pass  # an ill-formed value: rdflib keeps it as text, and so does python_value
    return python_value(normal_literal(lexical, datatype, language))


def normal_literal(value: str, datatype: str | None, language: str | None) -> Literal:
    """Build an rdflib Literal the same way for every backend.

    xsd:string is a plain literal, and decimals take one canonical lexical form ("150000", not
    "150000.0"), since engines write sums and stored values differently and rows must compare equal.
    """
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype == str(XSD.string):
        return Literal(value)
    if datatype == str(XSD.decimal):
        return Literal(canonical_decimal(value), datatype=XSD.decimal)
    return Literal(value, datatype=URIRef(datatype))


def canonical_decimal(lexical: str) -> str:
    """The shortest plain form of a decimal: no exponent, no trailing zeros, no trailing point."""
    try:
        text = format(Decimal(lexical), "f")
    except InvalidOperation:
        return lexical
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def normal_term(term: Node | None) -> Node | None:
    """A result term in the form every store returns (see normal_literal)."""
    if isinstance(term, Literal) and not term.language:
        return normal_literal(str(term), str(term.datatype) if term.datatype else None, None)
    return term


class Store(ABC):
    """A quad store that answers SPARQL. Subclasses: memory (rdflib), oxigraph, remote (HTTP).

    Like rdflib's `Store` (context_aware, graph_aware...), each backend declares what it can do in
    class attributes, and every operation works on every store: a capability only says whether the
    store does it natively or through this class's general fallback. Callers read the flags where
    the difference matters to them (the endpoint cuts a worker's network only for a store that does
    not need it); they never test a store's class or reach into its engine.
    """

    #: How the store was opened, e.g. "memory" or "oxigraph:out/store".
    spec: str = ""
    #: Whether answering a query needs the network (a remote server); a store that does not can be
    #: run where the network is cut off, so that no query can reach it (see graphkit.server).
    needs_network: bool = False
    #: Fills itself from an N-Quads file in its engine (else `load_file` parses it in Python).
    loads_files_in_bulk: bool = False
    #: Stops evaluating at a row cap (else `query_capped` computes every row, then cuts).
    stops_at_row_cap: bool = False
    #: Binds parameters in its engine (else they are written into the query text, as VALUES or BIND).
    binds_parameters: bool = True
    #: Writes SPARQL JSON from its own terms (`sparql_json`), without building rdflib terms first.
    writes_sparql_json: bool = False
    #: Reads answers into plain Python values from its own terms (`records`), without rdflib terms.
    writes_plain_values: bool = False
    #: Copies itself to a directory cheaply (`checkpoint`: hard links), so a build can start from it.
    makes_checkpoints: bool = False

    @abstractmethod
    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Add quads in bulk."""

    @abstractmethod
    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Replace one named graph's content: how a re-ingested source supersedes its old version."""

    @abstractmethod
    def query(
        self, sparql: str, bindings: Bindings | None = None, *, graphs: Graphs | None = None, base: str | None = None
    ) -> QueryResult:
        """Run a SPARQL query; `bindings` pre-bind variables safely.

        The default graph is the union of all graphs, unless `graphs` or the query's own FROM / FROM
        NAMED choose graphs (among those held: a store never fetches one). `base` resolves relative IRIs.
        """

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads held."""

    def query_capped(
        self, sparql: str, bindings: Bindings | None = None, *, cap: int, graphs: Graphs | None = None,
        base: str | None = None, own_dataset: bool | None = None,
    ) -> tuple[QueryResult, bool]:
        """At most `cap` rows, and whether there were more. `own_dataset` says whether the query has
        FROM / FROM NAMED, for a caller that parsed it already (a store that needs to know reads it)."""
        result = self.query(sparql, bindings, graphs=graphs, base=base)
        truncated = len(result.rows) > cap
        result.rows = result.rows[:cap]
        return result, truncated

    def sparql_json(
        self, sparql: str, bindings: Bindings | None = None, *, cap: int, graphs: Graphs | None = None,
        base: str | None = None, own_dataset: bool | None = None,
    ) -> tuple[bytes, int, bool]:
        """A SELECT or ASK answer as SPARQL JSON: (document, rows written, whether there were more
        than `cap`). The same document as `results.to_json` of `query_capped`, which is what this
        general version writes; stores with `writes_sparql_json` write it from their own terms."""
        from graphkit.results import jsonresults

        result, truncated = self.query_capped(sparql, bindings, cap=cap, graphs=graphs, base=base,
                                              own_dataset=own_dataset)
        return jsonresults.to_json(result).encode("utf-8"), len(result.rows), truncated

    def records(self, sparql: str, graphs: Graphs | None = None) -> list[dict[str, Any]]:
        """A SELECT's rows as dicts of plain Python values (`QueryResult.dicts`), for views that read
        a whole graph (or the `graphs` chosen); stores with `writes_plain_values` make them from their
        own terms."""
        return self.query(sparql, graphs=graphs).dicts()

    def checkpoint(self, directory: Path) -> None:
        """Write a copy of the store into a new directory, openable as a store of its own."""
        raise NotImplementedError(f"{type(self).__name__} cannot copy itself")

    def change_quads(self, *, removed: Sequence[bytes], added: Sequence[bytes]) -> None:
        """Remove and add quads given as N-Quads lines without blank nodes: how an incremental build
        moves a store copied with `checkpoint` from one build's graph chunks to the next's."""
        raise NotImplementedError(f"{type(self).__name__} cannot change quads in place")

    def load_files(self, paths: Iterable[Path]) -> None:
        """Add the quads of N-Quads files, in order (a build's chunks, one per graph)."""
        for path in paths:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        """Add the quads of an N-Quads file (the built graph's out/graph.nq)."""
        from rdflib import Dataset

        data = Dataset()
        data.parse(path, format="nquads")
        quads = ((s, p, o, g) for s, p, o, g in data.quads((None, None, None, None)) if isinstance(g, URIRef))
        self.add_quads(cast("Iterable[Quad]", quads))  # rdflib types a parsed term as any Node

    def update(self, sparql: str, *, using: Graphs | None = None, base: str | None = None) -> None:
        """Run a SPARQL update (`using`: the protocol's using-graph-uri / using-named-graph-uri).

        Stores are read-mostly, so only those that allow updates override this."""
        raise NotImplementedError(f"{type(self).__name__} does not accept SPARQL updates")

    def close(self) -> None:
        """Release files or connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
