"""What every command of the command line shares: the consoles, the error exit, common options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

# Piped output is not cut to 80 columns: tables of Chinese names need the room.
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True)

DataDir = Annotated[Path, typer.Option("--data", help="The curated dataset folder.")]
OutDir = Annotated[Path, typer.Option("--out", help="The built graph folder (output of `graphkit build`).")]
StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="memory | oxigraph:DIR | URL of a SPARQL endpoint (default: OUT/store)."),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error (never a traceback) and give the exit code to raise."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    return typer.Exit(code)
