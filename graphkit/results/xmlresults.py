"""SPARQL 1.1 results as XML (application/sparql-results+xml): written here, read with rdflib's parser."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graphkit.store.base import QueryResult, normal_term


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def to_xml(result: QueryResult) -> str:
    """application/sparql-results+xml."""
    head = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    if result.boolean is not None:
        return f"{head}<head/><boolean>{str(result.boolean).lower()}</boolean></sparql>\n"
    variables = "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    rows = []
    for row in result.rows:
        cells = "".join(
            f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
            for var, term in zip(result.variables, row, strict=True)
            if term is not None
        )
        rows.append(f"<result>{cells}</result>")
    return f"{head}<head>{variables}</head><results>{''.join(rows)}</results></sparql>\n"


def read_xml(data: bytes) -> QueryResult:
    """application/sparql-results+xml -> QueryResult, literals in the form every store returns."""
    from rdflib.query import Result

    result = Result.parse(BytesIO(data), format="xml")
    if result.type == "ASK":
        return QueryResult(boolean=bool(result.askAnswer))
    variables = [str(v) for v in result.vars or []]
    rows = [tuple(normal_term(term) for term in row) for row in result]  # type: ignore[union-attr]
    return QueryResult(variables=variables, rows=rows)
