"""`graphkit serve`: the built graph as a SPARQL 1.1 endpoint and the explorer, on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import OutDir, RawCsv, StoreOpt, fail
from graphkit.server.limits import (
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_RESPONSE_MB,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
)


def serve(
    out: OutDir = Path("out"),
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = DEFAULT_PORT,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped.")] = DEFAULT_TIMEOUT,
    max_rows: Annotated[int, typer.Option(help="Most rows one response returns.")] = DEFAULT_MAX_ROWS,
    cors: Annotated[
        str | None, typer.Option(help="Origins allowed to call from a browser: '*' or a comma-separated list.")
    ] = None,
    allow_update: Annotated[bool, typer.Option("--allow-update", help="Accept SPARQL Update (one worker).")] = False,
    workers: Annotated[int, typer.Option(help="Query worker processes (default: one per CPU).")] = 0,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request to stderr.")] = False,
    in_memory: Annotated[
        bool, typer.Option("--in-memory", help="Hold the graph in RAM in each worker (faster; read-only only).")
    ] = False,
    max_memory_mb: Annotated[
        int, typer.Option(help="Address space one query worker may use, in MB (0: no cap).")
    ] = DEFAULT_MAX_MEMORY_MB,
    max_response_mb: Annotated[int, typer.Option(help="Largest answer sent, in MB.")] = DEFAULT_MAX_RESPONSE_MB,
    raw_csv: RawCsv = False,
) -> None:
    """Serve the built graph as a SPARQL 1.1 endpoint at /sparql (read-only, with a timeout and a row cap)."""
    from graphkit.server import serve as run_server

    try:
        run_server(
            store, host, port, out, timeout=timeout, max_rows=max_rows, cors=cors,
            allow_update=allow_update, workers=workers, access_log=access_log, in_memory=in_memory,
            max_memory_mb=max_memory_mb, max_response_mb=max_response_mb, raw_csv=raw_csv,
        )
    except (OSError, RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
