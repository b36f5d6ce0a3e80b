"""`graphkit ingest`: articles into data/ as unreviewed records, then the graph rebuilt."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graphkit.apart import cores
from graphkit.cli.common import (
    ArticleFiles,
    DataDir,
    IngestJobs,
    MaxBytes,
    MinConfidence,
    OutDir,
    console,
    done,
    errors,
    fail,
    os_problem,
    skipped,
)
from graphkit.extract.confidence import DEFAULT_MIN_CONFIDENCE
from graphkit.extract.normalise import MAX_BYTES

if TYPE_CHECKING:  # what ingests (data/, the extractor, the build) is imported by the command
    from graphkit.ingest import IngestReport


def ingest(
    files: ArticleFiles,
    data: DataDir = Path("data"),
    out: OutDir = Path("out"),
    build: Annotated[bool, typer.Option("--build/--no-build", help="Rebuild out/ after adding.")] = True,
    max_bytes: MaxBytes = MAX_BYTES,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    jobs: IngestJobs = None,
    articles: Annotated[Path | None, typer.Option(
        help="A folder of the other sources' article texts: the page quotes the sentence stating each event "
             "(the ingested files are quoted anyway).", exists=True, file_okay=False)] = None,
) -> None:
    """Extract articles into data/ as unreviewed records (curated ones always win), then rebuild."""
    from graphkit.dataset import DataError
    from graphkit.ingest import IngestError
    from graphkit.ingest import ingest as run_ingest

    try:
        report = run_ingest(
            files, data, out, rebuild=build, progress=True, max_bytes=max_bytes, min_confidence=min_confidence,
            jobs=jobs or cores(), articles=articles,
        )
    except DataError as exc:
        raise fail(str(exc)) from None
    except IngestError as exc:
        if exc.details:
            errors.print(exc.details, highlight=False)
        raise fail(str(exc), 1) from None
    except OSError as exc:
        raise fail(os_problem(exc)) from None
    for item in report.failed:
        skipped(item.message or item.path.name)
    console.print(summary_table(report))
    if report.build is not None:
        done("built", f"{report.build.counts()} into {report.build.out_dir}/: SHACL conforms")
    raise typer.Exit(report.exit_code)


def summary_table(report: IngestReport):
    """One row per file: its status, the events it added by type and the entities it introduced."""
    from rich.table import Table
    from rich.text import Text

    from graphkit.ingest import ADDED, FAILED, KEPT, UNCHANGED, UPDATED
    from graphkit.model import EVENT_TYPES

    table = Table(header_style="bold")
    for column in ("file", "status", "pairings", "donations", "secondments", "new entities", "note"):
        table.add_column(column, overflow="fold")
    style = {ADDED: "green", UPDATED: "yellow", UNCHANGED: "dim", KEPT: "cyan", FAILED: "red"}
    for item in report.files:
        counts = [str(item.events[t]) if item.events else "" for t in EVENT_TYPES]
        notes = [item.message or ""] if item.status in (KEPT, FAILED) else []
        if item.skipped_relations:
            notes.append(f"{item.skipped_relations} relation(s) with unresolved parties skipped")
        table.add_row(
            item.path.name, Text(item.status, style=style[item.status]), *counts,
            str(len(item.new_entities)) if item.status in (ADDED, UPDATED, UNCHANGED) else "",
            "; ".join(n for n in notes if n),
        )
    return table
