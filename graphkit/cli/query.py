"""`graphkit query`, `graphkit queries` and `graphkit stats`: SPARQL and the named queries on the built graph."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graphkit.cli.common import OutDir, RawCsv, StoreOpt, console, fail

if TYPE_CHECKING:  # the query machinery (rdflib's SPARQL parser among it) is imported by the commands
    from graphkit.store.base import QueryResult


class Format(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"


def _params(values: list[str]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise fail(f"--param takes name=value, not {item!r}")
        params[name.strip()] = value
    return params


def readable_columns(result: QueryResult, params: Iterable[str] = ()) -> list[int]:
    """Column indexes for a terminal table, which is for people: names, not IRIs.

    Columns holding only IRIs and the echoed parameters are left out; csv/json/xml keep everything.
    """
    from rdflib import URIRef

    hidden = set(params)
    keep = [
        i
        for i, name in enumerate(result.variables)
        if name not in hidden and not all(row[i] is None or isinstance(row[i], URIRef) for row in result.rows)
    ]
    return keep or list(range(len(result.variables)))


def print_result(result: QueryResult, fmt: Format, params: Iterable[str] = (), raw_csv: bool = False) -> None:
    """Print query results as a table or in a SPARQL results format."""
    from rich.table import Table

    from graphkit.results import SERIALIZERS, short, to_csv

    if fmt is Format.csv:
        sys.stdout.write(to_csv(result, guard_formulas=not raw_csv))
        return
    if fmt is not Format.table:
        sys.stdout.write(SERIALIZERS[fmt.value](result))
        return
    if result.boolean is not None:
        console.print(str(result.boolean).lower())
        return
    shown = readable_columns(result, params)
    table = Table(header_style="bold")
    for i in shown:
        table.add_column(result.variables[i], overflow="fold")
    for row in result.rows:
        table.add_row(*(short(row[i]) for i in shown))
    console.print(table)
    console.print(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", style="dim")


def query(
    query: Annotated[str, typer.Argument(help="A named query, a .rq file, or SPARQL text.")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="name=value, bound to ?name.")] = [],  # noqa: B006
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    out: OutDir = Path("out"),
    store: StoreOpt = None,
    allow_network: Annotated[
        bool, typer.Option("--allow-network", help="Let SERVICE and LOAD fetch from the network (refused by default).")
    ] = False,
    raw_csv: RawCsv = False,
) -> None:
    """Run SPARQL on the built graph; parameters are bound as variables, never pasted into the text."""
    from graphkit.api import open_built
    from graphkit.build import BuildError
    from graphkit.query import QueryError, named_queries, run
    from graphkit.store.guard import Refused, SparqlSyntaxError

    try:
        with open_built(out, store) as graph:
            result = run(graph, query, _params(param), allow_network=allow_network)
    except (QueryError, BuildError, Refused, SparqlSyntaxError) as exc:
        raise fail(str(exc)) from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise fail(f"query failed: {exc}") from None
    named = named_queries().get(query)
    echoed = {*_params(param), *(p.name for p in named.params)} if named else set(_params(param))
    print_result(result, format, echoed, raw_csv)


def queries() -> None:
    """List the named queries with their descriptions and parameters."""
    from rich.table import Table

    from graphkit.query import named_queries

    table = Table("name", "parameters", "description", header_style="bold")
    for name, named in sorted(named_queries().items()):
        params = " ".join(f"{p.name}={p.kind}" + (f" (default {p.default})" if p.default else "")
                          for p in named.params)
        table.add_row(name, params, named.description)
    console.print(table)


def stats(out: OutDir = Path("out"), store: StoreOpt = None) -> None:
    """Counts by entity type and relation type, and money totals."""
    from graphkit.api import open_built
    from graphkit.build import BuildError
    from graphkit.query import named_queries, run

    try:
        with open_built(out, store) as graph:
            for name in ("entity-counts", "event-counts"):
                console.print(named_queries()[name].description, style="bold")
                print_result(run(graph, name), Format.table)
    except BuildError as exc:
        raise fail(str(exc)) from None
