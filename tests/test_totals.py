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
from graphkit.render.page import Drawing, page_data
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
    header = page_data(Drawing.of(graph))[0]["meta"]
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


def test_totals_counted_by_their_changes_are_the_totals_counted_afresh(generated: Dataset, tmp_path: Path) -> None:
    """What an incremental build does (graphkit.tallies.recount): the previous totals, read back from
    their ledger, with some sources counted out as they were and in as they are now (edited: an
    amount changed, the pairings dropped; one with a gift on the ranked lists removed; one new), give the same roll-up quads, line for
    line, as counting the new records from nothing."""
    import dataclasses

    from graphkit.model import Amount
    from graphkit.rdf_mapping import to_nquads
    from graphkit.tallies import Totals, compute_totals, recount, rollup_quads

    before = generated
    ledger = tmp_path / "totals.json"
    compute_totals(before).write(ledger)
    after = Dataset(entities=dict(before.entities), sources=dict(before.sources))
    ids = list(before.sources)
    edited = next(i for i in ids if any(e.type == "donation" and e.amount is not None for e in before.sources[i].events))
    paired = next(i for i in ids if i != edited and any(e.type == "pairing" for e in before.sources[i].events))
    removed = next(i for i in ids if i not in (edited, paired) and any(  # one of "the N largest" lists
        e.planned or (e.amount is not None and (e.amount.approximate or e.amount.period)) for e in before.sources[i].events))
    events = [dataclasses.replace(e, amount=Amount(e.amount.value + 7, approximate=True))
              if e.type == "donation" and e.amount is not None else e for e in before.sources[edited].events]
    after.sources[edited] = dataclasses.replace(before.sources[edited], events=tuple(events))
    after.sources[paired] = dataclasses.replace(before.sources[paired], events=tuple(
        e for e in before.sources[paired].events if e.type != "pairing"))
    del after.sources[removed]
    new = dataclasses.replace(before.sources[edited], id="zz-new", events=tuple(
        dataclasses.replace(e, id=f"zz-new/{e.local_id}", source="zz-new") for e in events))
    after.sources["zz-new"] = new
    totals = Totals.read(ledger)
    assert totals is not None
    recounted = recount(totals, after, before.sources, [edited, paired, removed, "zz-new"])
    lines = list(to_nquads(rollup_quads(after, recounted)))
    assert lines == list(to_nquads(rollup_quads(after, compute_totals(after))))
    assert lines != list(to_nquads(rollup_quads(before)))  # the changes show
    # counted out and in again: the ledger as it was
    again = recount(Totals.read(ledger), before, before.sources, [edited])  # type: ignore[arg-type]
    assert list(to_nquads(rollup_quads(before, again))) == list(to_nquads(rollup_quads(before)))


def test_a_ledger_that_cannot_be_read_is_none(tmp_path: Path) -> None:
    from graphkit.tallies import Totals

    assert Totals.read(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text('{"version": 1, "given": [["x", "not a number", 1, 1]]}')
    assert Totals.read(tmp_path / "bad.json") is None
    (tmp_path / "old.json").write_text('{"version": 0}')
    assert Totals.read(tmp_path / "old.json") is None
