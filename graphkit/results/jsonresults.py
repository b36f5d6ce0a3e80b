"""SPARQL 1.1 results as JSON (application/sparql-results+json): written and read.

One cell shape for every writer: `cell` builds it from a term's parts, so rdflib terms (`to_json`),
Oxigraph's own terms (the endpoint's fast path, `graphkit.store.oxigraph`) and the reader agree on
plain xsd:string literals, language tags and datatypes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graphkit.store.base import QueryResult, normal_literal

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def cell(kind: str, value: str, datatype: str | None = None, language: str | None = None) -> dict[str, str]:
    """One binding's JSON object: kind is uri, bnode or literal; xsd:string literals are written plain.

    >>> cell("literal", "黑水县", "http://www.w3.org/2001/XMLSchema#string")
    {'type': 'literal', 'value': '黑水县'}
    """
    out = {"type": kind, "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype and datatype != XSD_STRING:
        out["datatype"] = datatype
    return out


def term_cell(term: Node) -> dict[str, str]:
    """An rdflib term as a JSON cell."""
    if isinstance(term, URIRef):
        return cell("uri", str(term))
    if isinstance(term, BNode):
        return cell("bnode", str(term))
    assert isinstance(term, Literal)
    return cell("literal", str(term), str(term.datatype) if term.datatype else None, term.language)


def document(variables: list[str], bindings: list[dict[str, dict[str, str]]]) -> bytes:
    """The JSON document of a SELECT answer, UTF-8."""
    body = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def boolean_document(value: bool) -> bytes:
    """The JSON document of an ASK answer."""
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")


def to_json(result: QueryResult) -> str:
    """application/sparql-results+json."""
    if result.boolean is not None:
        return boolean_document(result.boolean).decode("utf-8")
    bindings = [
        {var: term_cell(term) for var, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return document(result.variables, bindings).decode("utf-8")


def term(binding: Mapping[str, str]) -> Node:
    """An rdflib term from a JSON cell (also Virtuoso's older `typed-literal`)."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    return normal_literal(value, binding.get("datatype"), binding.get("xml:lang"))


def read_json(data: bytes) -> QueryResult:
    """application/sparql-results+json -> QueryResult."""
    parsed = json.loads(data)
    if "boolean" in parsed:
        return QueryResult(boolean=bool(parsed["boolean"]))
    variables = list(parsed.get("head", {}).get("vars", []))
    rows = [
        tuple(term(binding[v]) if v in binding else None for v in variables)
        for binding in parsed.get("results", {}).get("bindings", [])
    ]
    return QueryResult(variables=variables, rows=rows)
