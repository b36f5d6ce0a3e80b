"""A progress bar on stderr for long batches (extract, ingest), shown only for more than one item."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from rich.console import Console

T = TypeVar("T")


def with_progress(items: Sequence[T], label: str, enabled: bool = True) -> Iterator[T]:
    """Yield the items while a progress bar on stderr counts them; a single item gets no bar."""
    if not enabled or len(items) < 2:
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)
