"""The store interface every backend implements, and the query result they all return.

Like rdflib's pluggable stores, a backend only has to load quads, replace a named graph and answer
SPARQL with bound variables; everything above (named queries, views, the endpoint) is written once
against this interface, so a graph moves from memory to disk to a server with no code change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graphkit.rdf import Quad, Triple

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
    """A quad store that answers SPARQL. Subclasses: memory (rdflib), oxigraph, remote (HTTP)."""

    #: How the store was opened, e.g. "memory" or "oxigraph:out/store".
    spec: str = ""
    #: Whether answering a query needs the network (a remote server); a store that does not can be
    #: run where the network is cut off, so that no query can reach it (see graphkit.server).
    needs_network: bool = False

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
