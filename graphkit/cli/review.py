"""`graphkit review`: the review app on loopback, for turning extracted sources into reviewed ones."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import DataDir, OutDir, StoreOpt, console, fail

DEFAULT_PORT = 8001


def review(
    articles: Annotated[
        list[Path],
        typer.Option("--articles", "-a", help="A folder holding the articles the sources were extracted from "
                     "(repeatable); each is found by its file name and checked by its sha256."),
    ],
    data: DataDir = Path("data"),
    out: OutDir = Path("out"),
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default: the app writes data/).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = DEFAULT_PORT,
    build: Annotated[bool, typer.Option("--build/--no-build", help="Rebuild out/ after each save.")] = True,
) -> None:
    """Review extracted sources in the browser: accept, edit, reject and add relations, then save."""
    import uvicorn

    from graphkit.dataset import DataError
    from graphkit.review.app import LOOPBACK, create_app
    from graphkit.review.workspace import Workspace
    from graphkit.server.http import listen

    for folder in articles:
        if not folder.is_dir():
            raise fail(f"--articles {folder}: not a folder")
    workspace = Workspace(data, out, articles, store=store, rebuild=build)
    try:
        workspace.dataset()  # checked (and kept) before the server starts
    except DataError as exc:
        raise fail(str(exc)) from None
    hosts = list(LOOPBACK) if host in LOOPBACK else [*LOOPBACK, host]
    app = create_app(workspace, hosts=hosts)
    try:
        listener = listen(host, port)
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    console.print(f"graphkit review: http://{shown}:{bound}/ (data {data}, articles {', '.join(map(str, articles))})",
                  highlight=False, soft_wrap=True)
    if host not in LOOPBACK:
        console.print(f"warning: listening on {host}, reachable from other machines", style="yellow")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[listener])
