"""`graphkit render`: write the interactive explorer page from the built graph."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import OutDir, StoreOpt, done, fail, os_problem


def render(
    out: OutDir = Path("out"),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The page to write (default: OUT/index.html).")
    ] = None,
    store: StoreOpt = None,
    title: Annotated[str | None, typer.Option(help="The page's title (default: the project's).")] = None,
    served: Annotated[
        bool,
        typer.Option(
            "--served/--offline",
            help="Write the page `graphkit serve` sends (SPARQL editor, may call its own origin); default offline.",
        ),
    ] = False,
) -> None:
    """Write the interactive page (graph, map, timeline) as one offline HTML file from the built graph."""
    from graphkit.api import open_built
    from graphkit.build import BuildError
    from graphkit.networkx_view import to_networkx
    from graphkit.render import PAGE, write_page
    from graphkit.render.page import DEFAULT_TITLE

    target = output or out / PAGE
    started = time.perf_counter()
    try:
        with open_built(out, store) as opened:
            graph = to_networkx(opened)
    except (BuildError, ValueError) as exc:
        raise fail(str(exc)) from None
    try:
        write_page(graph, target, title=title or DEFAULT_TITLE, served=served)
    except OSError as exc:
        raise fail(os_problem(exc)) from None
    size = target.stat().st_size
    done(
        "wrote",
        f"{target}: {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations, "
        f"{size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
    )


__all__ = ["render"]
