"""The `graphkit` command line: build, query, queries, stats (and the commands of later stages)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rdflib import URIRef
from rich.table import Table

from graphkit.commands_analysis import export_cmd, flows_cmd, path_cmd, regions_cmd, report_cmd
from graphkit.dataset import DataError
from graphkit.extract.commands import evaluate_cmd
from graphkit.extract.commands import extract as extract_cmd
from graphkit.ingest import ingest_cmd
from graphkit.query import QueryError, named_queries
from graphkit.render.commands import render_cmd
from graphkit.results import SERIALIZERS, short, to_csv
from graphkit.server import serve_cmd
from graphkit.store.base import QueryResult
from graphkit.store.guard import Refused, SparqlSyntaxError
from graphkit.terminal import DataDir, OutDir, RawCsv, StoreOpt, console, done, errors, fail, os_problem

app = typer.Typer(
    help="graphkit: a knowledge graph of who helps whom in China's assistance programmes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"graphkit {version('graphkit')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """graphkit: a knowledge graph of who helps whom in China's assistance programmes."""
class Format(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"


@app.command()
def build(
    data: DataDir = Path("data"),
    out: OutDir = Path("out"),
    store: StoreOpt = None,
    page: Annotated[bool, typer.Option(help="Also write the interactive page (index.html).")] = True,
) -> None:
    """Build the knowledge graph from data/ into out/: Turtle, N-Quads, SHACL report, store and page."""
    from graphkit.build import BuildError
    from graphkit.build import build as run_build
    from graphkit.render import page_view

    try:
        result = run_build(data, out, store=store, views=[page_view] if page else [])
    except DataError as exc:
        raise fail(str(exc)) from None
    except BuildError as exc:
        if exc.validation is not None:
            errors.print(exc.validation.text, highlight=False)
        raise fail(str(exc), 1) from None
    except OSError as exc:
        raise fail(os_problem(exc)) from None
    events = sum(1 for _ in result.dataset.events())
    done(
        "built",
        f"{len(result.dataset.entities)} entities, {events} events from "
        f"{len(result.dataset.sources)} sources: {result.quads} quads, SHACL conforms",
    )
    for path in result.files:
        console.print(f"  {path}", highlight=False)


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
    hidden = set(params)
    keep = [
        i
        for i, name in enumerate(result.variables)
        if name not in hidden and not all(row[i] is None or isinstance(row[i], URIRef) for row in result.rows)
    ]
    return keep or list(range(len(result.variables)))


def print_result(result: QueryResult, fmt: Format, params: Iterable[str] = (), raw_csv: bool = False) -> None:
    """Print query results as a table or in a SPARQL results format."""
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
    console.print(f"{len(result.rows)} rows", style="dim")


@app.command()
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
    from graphkit.build import BuildError
    from graphkit.graph import open_built
    from graphkit.query import run

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


@app.command()
def queries() -> None:
    """List the named queries with their descriptions and parameters."""
    table = Table("name", "parameters", "description", header_style="bold")
    for name, named in sorted(named_queries().items()):
        params = " ".join(f"{p.name}={p.kind}" + (f" (default {p.default})" if p.default else "")
                          for p in named.params)
        table.add_row(name, params, named.description)
    console.print(table)


@app.command()
def stats(out: OutDir = Path("out"), store: StoreOpt = None) -> None:
    """Counts by entity type and relation type, and money totals."""
    from graphkit.build import BuildError
    from graphkit.graph import open_built
    from graphkit.query import run

    try:
        with open_built(out, store) as graph:
            for name in ("entity-counts", "event-counts"):
                console.print(named_queries()[name].description, style="bold")
                print_result(run(graph, name), Format.table)
    except BuildError as exc:
        raise fail(str(exc)) from None


app.command("extract")(extract_cmd)
app.command("eval")(evaluate_cmd)
app.command("ingest")(ingest_cmd)
app.command("render")(render_cmd)
app.command("serve")(serve_cmd)
app.command("path")(path_cmd)
app.command("regions")(regions_cmd)
app.command("flows")(flows_cmd)
app.command("report")(report_cmd)
app.command("export")(export_cmd)
