"""The `graphkit` command line: one Typer app, one module per command family.

    build.py     graphkit build
    query.py     graphkit query | queries | stats
    analysis.py  graphkit path | regions | flows | report | export
    render.py    graphkit render
    extract.py   graphkit extract | eval
    ingest.py    graphkit ingest
    review.py    graphkit review
    serve.py     graphkit serve
    common.py    consoles, options and the one way to fail (`fail`, `skipped`)
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import Annotated

import typer

from graphkit.cli import analysis, build, extract, ingest, place, query, render, review, serve
from graphkit.cli.common import console

__all__ = ["app", "main"]

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


app.command()(build.build)
app.command()(build.validate)
app.command()(query.query)
app.command()(query.queries)
app.command()(query.stats)
app.command("extract")(extract.extract)
app.command("eval")(extract.evaluate)
app.command("ingest")(ingest.ingest)
app.command("render")(render.render)
app.command("serve")(serve.serve)
app.command("review")(review.review)
app.command("place")(place.place)
app.command("path")(analysis.path_cmd)
app.command("regions")(analysis.regions_cmd)
app.command("flows")(analysis.flows_cmd)
app.command("report")(analysis.report_cmd)
app.command("export")(analysis.export_cmd)


def main() -> None:
    """The `graphkit` command: the app, then an exit that leaves the heap to the operating system.

    After a build at a million quads CPython's own shutdown spent 1.1 s freeing records, terms and
    rows one object at a time. Here the exit handlers run and the output is flushed as they would be,
    and the process ends with os._exit, its memory given back at once. Every file a command writes
    is closed (and published) before it returns; an exception that escapes ends it the usual way.
    """
    try:
        app()
        code: int = 0
    except SystemExit as stop:
        if isinstance(stop.code, str):  # as the interpreter would: the message, status 1
            print(stop.code, file=sys.stderr)
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (`| head`), or a stream closed
            stream.flush()
    os._exit(code)
