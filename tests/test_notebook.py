"""The example notebook (docs/example.ipynb) runs top to bottom on the curated data, and its inline
explorer opens in a real browser: the same offline page, in an iframe whose srcdoc keeps its CSP."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, BrowserPage

NOTEBOOK = REPO / "docs" / "example.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("notebook")
    shutil.copytree(REPO / "data", folder / "data")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def outputs(notebook: Any) -> list[dict[str, Any]]:
    return [o.get("data", {}) for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def test_the_notebook_runs_and_shows_the_graph_queries_and_panel(executed: Any) -> None:
    import graphkit

    found = outputs(executed)
    assert "graphkit KnowledgeGraph" in found[0]["text/html"] and "entities" in found[0]["text/html"]
    with graphkit.KnowledgeGraph.from_dataset(REPO / "data") as kg:
        expected = (len(kg.rows("pairings-in-force", region="贵州省", year="2015")),
                    len(kg.rows("pairings-in-force", region="贵州省", year="2022")))
    assert found[1]["text/plain"] == str(expected) and expected[1] > expected[0]
    assert "广东省" in found[2]["text/html"] and "<table" in found[2]["text/html"]
    assert "黑水县" in found[3]["text/html"] and "money_received" in found[3]["text/html"]
    assert found[4]["text/html"].startswith("<iframe srcdoc=")


@pytest.mark.browser
def test_the_inline_explorer_opens_in_a_browser(executed: Any, browser: Any, tmp_path: Path) -> None:
    page_file = tmp_path / "output.html"
    page_file.write_text("<!doctype html><meta charset='utf-8'>" + outputs(executed)[4]["text/html"], encoding="utf-8")
    opened = BrowserPage(browser, page_file.as_uri(), "file://", schemes=("data:", "about:"),
                         ready="() => document.querySelector('iframe') !== null")
    try:
        frame = next(f for f in opened.page.frames if f != opened.page.main_frame)
        frame.wait_for_function("() => window.graphkit && window.graphkit.ready === true", timeout=60_000)
        labels = set(frame.evaluate(
            "() => Array.from(window.graphkit.visible.nodes, id => window.graphkit.index.NODE.get(id).label)"))
        assert {"黑水县", "彭州市", "成都市"} <= labels and len(labels) < 80
        in_page = set(frame.evaluate("() => window.graphkit.data.nodes.map(n => n.label)"))
        assert "知木林镇" in in_page and "凤山县" not in in_page  # its towns, not the rest of the graph
        assert frame.evaluate("() => document.title").endswith("黑水县")
        opened.page.screenshot(path=str(tmp_path / "notebook-explorer.png"))
        opened.check()
    finally:
        opened.close()
