"""One answer per question: the money totals of every view come from one rule (graphkit.model.counted)
and agree — the page's header and region panels, the report, `stats` (the rollups in the store),
`regions` and the Python API — on the seed graph and on a generated graph of 100k triples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.generate import generate
from graphkit import KnowledgeGraph, analysis
from graphkit.analysis.aggregates import money_by_node
from graphkit.model import Dataset, counted
from graphkit.query import run
from graphkit.render.page import build_network
from graphkit.render.places import contained_money
from graphkit.render.report import report_data
from tests.conftest import REPO, graphkit_cli


def stated_total(dataset: Dataset) -> Decimal:
    """From the records themselves: each donation once, a rate per period adding nothing."""
    return sum((counted(e.amount.value, e.amount.period, recommended=e.recommended_for_aggregates) or Decimal(0)
                for e in dataset.events() if e.type == "donation" and e.amount is not None), Decimal(0))


def assert_views_agree(kg, dataset: Dataset) -> None:
    graph = kg.network()
    expected = stated_total(dataset)
    assert expected > 0
    _, header = build_network(graph)
    stats = {str(r["class"]).rsplit("#", 1)[-1]: r for r in run(kg.store, "event-counts").dicts()}
    assert Decimal(str(header["donated"])) == expected
    assert Decimal(str(report_data(graph)["counts"]["money"])) == expected
    assert Decimal(str(stats["Donation"]["totalCNY"])) == expected
    # per region: the API's roll-up, the page's region panel and the named query over the rollups
    rollup = analysis.region_rollup(graph)
    panels, nodes = contained_money(graph), money_by_node(graph)
    checked = 0
    for iri, row in rollup.sort_values("money_received", ascending=False).head(8).iterrows():
        answer = run(kg.store, "money-received-within", {"region": row["label"]}).dicts()
        assert Decimal(str(answer[0]["totalCNY"])) == Decimal(str(row["money_received"])), row["label"]
        # the side panel: a container's money with everything within it, else the node's own
        shown = panels[iri]["receivedAll"] if iri in panels else nodes.get(iri, {}).get("received", 0.0)
        assert Decimal(str(shown)) == Decimal(str(row["money_received"])), row["label"]
        checked += 1
    assert checked >= 3


def test_every_view_gives_the_same_totals_on_the_seed_graph(seed_graph) -> None:
    from graphkit.dataset import load

    assert_views_agree(seed_graph, load(REPO / "data"))


@pytest.fixture(scope="module")
def generated() -> Dataset:
    dataset = generate(100_000, seed=3)
    assert any(e.amount is not None and e.amount.period for e in dataset.events())  # rates are in the mix
    return dataset


def test_every_view_gives_the_same_totals_on_a_generated_graph(generated: Dataset) -> None:
    from graphkit.store.oxigraph import OxigraphStore

    with KnowledgeGraph.from_dataset(generated, OxigraphStore()) as kg:  # the records, the rollups, on Oxigraph
        assert_views_agree(kg, generated)


def test_the_command_line_states_the_same_figures(built: Path) -> None:
    stats = graphkit_cli("stats", "--out", str(built))
    regions = graphkit_cli("regions", "--out", str(built), "--format", "csv", "--level", "county", "--top", "1000")
    from graphkit.dataset import load

    expected = stated_total(load(REPO / "data"))
    assert f"│ {int(expected)}" in stats.stdout  # the header's figure, in yuan
    heishui = next(line for line in regions.stdout.splitlines() if line.startswith("黑水县,"))
    assert heishui.split(",")[3] == "445000.0"
