"""Views of the graph for people: a self-contained interactive HTML page (`render_page`, `write_page`)."""

from __future__ import annotations

from graphkit.render.page import render_page, served_page, write_page

__all__ = ["render_page", "served_page", "write_page"]
