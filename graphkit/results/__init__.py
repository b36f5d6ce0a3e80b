"""Query results in the SPARQL 1.1 result formats, one module per format (as rdflib's
`plugins/sparql/results`): `jsonresults`, `xmlresults`, `csvresults` (CSV and TSV). Each writes
a `QueryResult`; JSON and XML are read back too (`read`), for answers from a remote endpoint.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.term import Node

from graphkit.results.csvresults import FORMULA_STARTS, NUMBER_RE, spreadsheet_cell, to_csv, to_tsv
from graphkit.results.jsonresults import read_json, to_json
from graphkit.results.xmlresults import read_xml, to_xml
from graphkit.store.base import QueryResult

__all__ = [
    "FORMULA_STARTS", "NUMBER_RE", "SERIALIZERS", "read", "short", "spreadsheet_cell", "to_csv", "to_json", "to_tsv",
    "to_xml",
]

SERIALIZERS = {"json": to_json, "csv": to_csv, "tsv": to_tsv, "xml": to_xml}
JSON_TYPES = ("application/sparql-results+json", "application/json")
XML_TYPES = ("application/sparql-results+xml", "application/xml", "text/xml")
GRAPH_TYPES = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle"}


def read(content_type: str, data: bytes) -> QueryResult:
    """An answer in whichever format a server chose: results in JSON or XML, triples in N-Triples or
    Turtle (CONSTRUCT, DESCRIBE). ValueError for any other media type."""
    media = content_type.split(";")[0].strip().lower()
    if media in JSON_TYPES:
        return read_json(data)
    if media in XML_TYPES:
        return read_xml(data)
    if media in GRAPH_TYPES:
        graph = Graph().parse(data=data.decode("utf-8"), format=GRAPH_TYPES[media])
        return QueryResult(variables=["subject", "predicate", "object"], rows=[tuple(t) for t in graph])
    raise ValueError(f"unexpected response type {content_type!r}")


def short(term: Node | None) -> str:
    """A term for people: a label's text, an IRI compacted to its last segment."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        from graphkit.ontology import PREFIXES

        text = str(term)
        for prefix, namespace in PREFIXES.items():
            if text.startswith(str(namespace)):
                return f"{prefix}:{text[len(str(namespace)):]}"
        return text
    return str(term)
