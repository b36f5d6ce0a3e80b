"""`graphkit render`: write the interactive explorer page from the built graph.

The lead registers it in cli.py: ``app.command("render")(render_cmd)``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from graphkit.render.page import DEFAULT_TITLE
from graphkit.terminal import OutDir, StoreOpt


def render_cmd(
    out: OutDir = Path("out"),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The page to write (default: OUT/index.html).")
    ] = None,
    store: StoreOpt = None,
    title: Annotated[str, typer.Option(help="The page's title.")] = DEFAULT_TITLE,
    served: Annotated[
        bool,
        typer.Option(
            "--served/--offline",
            help="Write the page `graphkit serve` sends (SPARQL editor, may call its own origin); default offline.",
        ),
    ] = False,
) -> None:
    """Write the interactive page (graph, map, timeline) as one offline HTML file from the built graph."""
    from graphkit.build import BuildError
    from graphkit.graph import open_built
    from graphkit.network import to_networkx
    from graphkit.render.page import write_page

    target = output or out / "index.html"
    started = time.perf_counter()
    try:
        opened = open_built(out, store)
    except BuildError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        graph = to_networkx(opened)
    finally:
        close = getattr(opened, "close", None)
        if close is not None:
            close()
    try:
        write_page(graph, target, title=title, served=served)
    except OSError as exc:
        typer.echo(f"error: cannot write {target}: {exc}", err=True)
        raise typer.Exit(2) from None
    size = target.stat().st_size
    typer.echo(
        f"wrote {target}: {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations, "
        f"{size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
    )


__all__ = ["render_cmd"]
