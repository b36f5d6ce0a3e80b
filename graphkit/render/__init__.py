"""Views of the graph for people: a self-contained interactive HTML page (`render_page`, `write_page`),
and `page_view`, the step `graphkit build` and `graphkit ingest` run to publish the page with the graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.render.page import render_page, served_page, write_page
from graphkit.store import Store

if TYPE_CHECKING:
    from graphkit.build import View

__all__ = ["PAGE", "page_view", "page_view_quoting", "render_page", "served_page", "write_page"]

#: The page's file name in the output folder.
PAGE = "index.html"


#: Beside a build's page: the pinyin of its names, which the next build's page takes over.
PINYIN_MEMO = ".pinyin.json"


def page_view(store: Store, directory: Path) -> None:
    """Draw the interactive page from a filled store into `directory` (a build view)."""
    from graphkit.networkx_view import to_networkx

    with _pinyin_carried(directory):
        write_page(to_networkx(store), directory / PAGE)


@contextmanager
def _pinyin_carried(directory: Path) -> Iterator[None]:
    """The published build's pinyin memo in, this build's out: a name's pinyin never changes, and
    working it out is a third of an incremental build's page at 22,000 entities. A memo that cannot
    be read is ignored (it is only a cache)."""
    from graphkit import names
    from graphkit.publish import published_beside

    previous = published_beside(directory)
    try:
        if previous is not None and (previous / PINYIN_MEMO).is_file():
            memo = json.loads((previous / PINYIN_MEMO).read_bytes())
            names.remember_pinyin({str(k): tuple(map(str, v)) for k, v in memo.items()})
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    yield
    (directory / PINYIN_MEMO).write_text(json.dumps(names.pinyin_memo(), ensure_ascii=False), encoding="utf-8")


def page_view_quoting(*articles: Path) -> View:
    """The page view, quoting each event's sentence from the article texts in `articles`, folders
    or files (`graphkit build --articles DIR`, and the files `graphkit ingest` reads; see
    graphkit.render.evidence)."""
    from graphkit.networkx_view import to_networkx
    from graphkit.render.evidence import Articles

    texts = Articles.scan(*articles)

    def view(store: Store, directory: Path) -> None:
        with _pinyin_carried(directory):
            write_page(to_networkx(store), directory / PAGE, articles=texts)

    return view
