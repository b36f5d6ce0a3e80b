"""Query results in the SPARQL 1.1 result formats (JSON, CSV, TSV, XML) and as a terminal table."""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graphkit.store.base import QueryResult

#: A cell starting with one of these is read by spreadsheets as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = "=+-@\t\r"
#: ...unless it is just a number, which stays as it is (-12.5 is data, not a formula).
NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def spreadsheet_cell(text: str) -> str:
    """The cell as text a spreadsheet will not evaluate: a ' before a leading =, +, -, @, tab or CR.

    Every CSV graphkit writes goes through this (`graphkit query -f csv`, `graphkit export -f csv`,
    the endpoint's text/csv, the explorer's download, which reads these two constants), unless the
    user asks for raw cells (--raw-csv).

    >>> print(spreadsheet_cell('=HYPERLINK("http://x")'), spreadsheet_cell("-12.5"), spreadsheet_cell("黑水县"))
    '=HYPERLINK("http://x") -12.5 黑水县
    """
    if text[:1] and text[0] in FORMULA_STARTS and not NUMBER_RE.match(text):
        return "'" + text
    return text


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    """application/sparql-results+json."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [
        {var: _json_term(term) for var, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_csv(result: QueryResult, guard_formulas: bool = True) -> str:
    """text/csv as SPARQL 1.1 defines it: plain lexical values, CRLF line ends; formula-like cells
    neutralised for spreadsheets (see spreadsheet_cell) unless `guard_formulas` is False."""
    cell = spreadsheet_cell if guard_formulas else str
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow([str(result.boolean).lower()])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if term is None else cell(str(term)) for term in row])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    """text/tab-separated-values: terms in their N-Triples form."""
    if result.boolean is not None:
        return f"?boolean\n{str(result.boolean).lower()}\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


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


SERIALIZERS = {"json": to_json, "csv": to_csv, "tsv": to_tsv, "xml": to_xml}


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
