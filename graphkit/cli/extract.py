"""`graphkit extract` and `graphkit eval`: candidates from articles, and their score against gold.

A batch never stops on one bad file: it is reported on stderr and skipped, and the exit code is 1
when any file failed.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graphkit.apart import cores
from graphkit.cli.common import ArticleFiles, DataDir, Jobs, MaxBytes, MinConfidence, fail, skipped
from graphkit.extract.confidence import DEFAULT_MIN_CONFIDENCE, THRESHOLDS
from graphkit.extract.normalise import MAX_BYTES, ArticleError
from graphkit.files import atomic_write
from graphkit.progress import with_progress

if TYPE_CHECKING:  # the extractor (its tagger, jieba) is imported by the commands that run it
    from graphkit.extract.pipeline import Batch


class OutputFormat(StrEnum):
    """Serialisations of the extracted records."""

    json = "json"
    yaml = "yaml"


def _dump(records: list[dict] | dict, fmt: OutputFormat) -> str:
    """Records as JSON (UTF-8, not escaped) or YAML."""
    if fmt is OutputFormat.yaml:
        import yaml

        return yaml.safe_dump(records, allow_unicode=True, sort_keys=False)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def run_batch(
    files: list[Path], fmt: OutputFormat, output: Path | None, max_bytes: int = MAX_BYTES,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE, jobs: int = 1,
) -> tuple[list[dict], list[str]]:
    """Extract every file; returns (records, error messages). Writes files when `output` is set.

    A file that cannot be read or extracted, or whose id (file stem) another file of the batch already
    took, is an error message and the batch goes on: nothing is overwritten or dropped silently.
    """
    from graphkit.extract.pipeline import Batch

    with Batch(files, max_bytes, min_confidence, jobs=jobs) as batch:
        return _extract_each(files, fmt, output, batch)


def _extract_each(
    files: list[Path], fmt: OutputFormat, output: Path | None, batch: Batch
) -> tuple[list[dict], list[str]]:
    records: list[dict] = []
    errors: list[str] = []
    taken: dict[str, Path] = {}
    for path in with_progress(files, "extracting"):
        if path.stem in taken:
            errors.append(f"{path}: same id {path.stem!r} as {taken[path.stem]} in this batch")
            continue
        try:
            record, _ = batch.extract(path)
        except ArticleError as exc:
            errors.append(str(exc))
            continue
        except Exception as exc:  # an extractor bug on one article must not stop the batch
            errors.append(f"{path}: extraction failed ({type(exc).__name__}: {exc})")
            continue
        taken[path.stem] = path
        if output is not None:
            atomic_write(output / f"{record['id']}.{fmt.value}", _dump(record, fmt))
        else:
            records.append(record)
    return records, errors


def extract(
    files: ArticleFiles,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.json,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write one <id>.json per article into this folder.")
    ] = None,
    max_bytes: MaxBytes = MAX_BYTES,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    jobs: Jobs = None,
) -> None:
    """Extract candidate pairings, donations and secondments from news articles (each with its rule and
    confidence)."""
    records, errors = run_batch(files, format, output, max_bytes, min_confidence, jobs or cores())
    for message in errors:
        skipped(message)
    if output is None:
        sys.stdout.write(_dump(records, format))
    if errors:
        raise typer.Exit(code=1)


def evaluate(
    gold_dir: Annotated[
        Path | None, typer.Argument(help="Folder of gold annotations (*.json, SCHEMA.md format).")
    ] = None,
    articles_dir: Annotated[
        Path | None, typer.Argument(help="Folder of the articles (default: beside the gold files or one up).")
    ] = None,
    reviewed: Annotated[
        bool, typer.Option("--reviewed", help="Score against every reviewed source of --data instead of gold files.")
    ] = False,
    data: DataDir = Path("data"),
    articles: Annotated[
        list[Path] | None,
        typer.Option("--articles", "-a", help="With --reviewed: folders holding the sources' articles (repeatable)."),
    ] = None,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    rules: Annotated[
        bool, typer.Option("--rules", help="Also print true/false positives per rule and article.")
    ] = False,
) -> None:
    """Score the extractor against gold annotations (or reviewed sources): P/R/F1 per relation type,
    amount accuracy, and precision and recall at several confidence thresholds."""
    from graphkit.extract.evaluate import evaluate as score

    if reviewed:
        from graphkit.dataset import DataError
        from graphkit.review.gold import evaluate_reviewed

        folders = articles or ([articles_dir] if articles_dir else []) or ([gold_dir] if gold_dir else [])
        if not folders:
            raise fail("--reviewed needs --articles DIR: the folder the reviewed sources' articles are in")
        try:
            candidates, missing = evaluate_reviewed(data, folders)
        except DataError as exc:
            raise fail(str(exc)) from None
        for source_id in missing:
            skipped(f"{source_id}: its article is in none of {', '.join(map(str, folders))}")
        if not candidates.samples:
            raise fail(f"no reviewed source of {data} has its article in {', '.join(map(str, folders))}")
        typer.echo(f"{len(candidates.samples)} reviewed sources scored")
    elif gold_dir is None:
        raise fail("give a folder of gold annotations, or --reviewed")
    else:
        candidates = score(gold_dir, articles_dir)
    typer.echo(candidates.at(min_confidence).table())
    typer.echo("")
    typer.echo(candidates.threshold_table(THRESHOLDS))
    if rules:
        typer.echo("")
        typer.echo(candidates.at(min_confidence).rule_table())
    for path in candidates.failed:
        skipped(f"{path}: not scored")
