"""Views of the graph for people: a self-contained interactive HTML page (`render_page`, `write_page`),
and `page_view`, the step `graphkit build` and `graphkit ingest` run to publish the page with the graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.render.page import render_page, served_page, write_page
from graphkit.store import Store

if TYPE_CHECKING:
    from graphkit.build import View

__all__ = ["PAGE", "page_view", "page_view_quoting", "render_page", "served_page", "write_page"]

#: The page's file name in the output folder.
PAGE = "index.html"


def page_view(store: Store, directory: Path) -> None:
    """Draw the interactive page from a filled store into `directory` (a build view)."""
    from graphkit.networkx_view import to_networkx

    write_page(to_networkx(store), directory / PAGE)


def page_view_quoting(*articles: Path) -> View:
    """The page view, quoting each event's sentence from the article texts in `articles`, folders
    or files (`graphkit build --articles DIR`, and the files `graphkit ingest` reads; see
    graphkit.render.evidence)."""
    from graphkit.networkx_view import to_networkx
    from graphkit.render.evidence import Articles

    texts = Articles.scan(*articles)

    def view(store: Store, directory: Path) -> None:
        write_page(to_networkx(store), directory / PAGE, articles=texts)

    return view
