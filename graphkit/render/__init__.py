"""Views of the graph for people: a self-contained interactive HTML page (`render_page`, `write_page`),
and `page_view`, the step `graphkit build` and `graphkit ingest` run to publish the page with the graph.
"""

from __future__ import annotations

from pathlib import Path

from graphkit.render.page import render_page, served_page, write_page
from graphkit.store import Store

__all__ = ["PAGE", "page_view", "render_page", "served_page", "write_page"]

#: The page's file name in the output folder.
PAGE = "index.html"


def page_view(store: Store, directory: Path) -> None:
    """Draw the interactive page from a filled store into `directory` (a build view)."""
    from graphkit.networkx_view import to_networkx

    write_page(to_networkx(store), directory / PAGE)
