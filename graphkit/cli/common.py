"""What every command of the command line shares: the consoles, the one way to fail, common options.

A command that cannot go on raises `fail(message)`: one line on stderr, `error: …`, exit code 2 for
bad input (1 when the input was read but the result is refused, as a graph that breaks the shapes).
A batch that goes on past a bad file reports it with `skipped(message)`. Nothing else prints errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

T = TypeVar("T")

# Piped output is not cut to 80 columns: tables of Chinese names need the room. Markup is off: what
# the commands print quotes names, queries and paths, where `[bold]` or `[/]` are data; styles are
# given as Text styles instead.
console = Console(width=None if sys.stdout.isatty() else 200, markup=False)
errors = Console(stderr=True, markup=False)

DataDir = Annotated[Path, typer.Option("--data", help="The curated dataset folder.")]
OutDir = Annotated[Path, typer.Option("--out", help="The built graph folder (output of `graphkit build`).")]
StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="memory | oxigraph:DIR | URL of a SPARQL endpoint (default: OUT/store)."),
]
# Files are checked one by one by the batch (reported and skipped), not by click before it starts.
ArticleFiles = Annotated[
    list[Path], typer.Argument(help="Article files (.txt or .html; UTF-8, GBK, UTF-16).", readable=False)
]
MinConfidence = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Keep extracted relations at least this confident (0 to 1).")
]
MaxBytes = Annotated[int, typer.Option(help="Skip (and report) article files larger than this many bytes.")]
Jobs = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="Worker processes extracting articles at once (default: one per core).")]
IngestJobs = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1,
    help="Processes at once: extracting articles, then reading data/ and drawing the page (default: one per core).")]
BuildJobs = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1,
    help="Processes at once in a large build: reading data/, and drawing the page beside it (default: one per core).")]


RawCsv = Annotated[
    bool,
    typer.Option("--raw-csv", help="CSV cells as they are: no ' before a leading =, +, -, @ (docs/security.md)."),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error (never a traceback) and give the exit code to raise.

    The message is plain text: it quotes values, queries and parameters, in which `[/]` or `[bold]` are
    data, not console markup. Line breaks are folded so that the error stays one line.
    """
    from rich.text import Text

    line = Text("error: ", style="bold red")
    line.append(" ".join(message.split()))
    errors.print(line, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def skipped(message: str) -> None:
    """Report a file a batch skipped (the batch goes on; its exit code says that some failed)."""
    from rich.text import Text

    line = Text("skipped: ", style="yellow")
    line.append(" ".join(message.split()))
    errors.print(line, highlight=False, soft_wrap=True)


def os_problem(exc: OSError) -> str:
    """An OSError as one line: what could not be done to which file (read-only folders, full disks)."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"cannot write or read {where}{exc.strerror or exc}"


def done(verb: str, text: str, stream: Console = console) -> None:
    """A success line: the verb in green, then the text (counts, paths) as it is."""
    from rich.text import Text

    line = Text(verb, style="green")
    line.append(f" {text}")
    stream.print(line, highlight=False, soft_wrap=True)
