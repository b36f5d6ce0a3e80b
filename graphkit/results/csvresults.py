"""SPARQL 1.1 results as CSV and TSV, and the spreadsheet rule every CSV graphkit writes follows."""

from __future__ import annotations

import csv
import io
import re

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


