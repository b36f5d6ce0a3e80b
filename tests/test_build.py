"""End to end: build data/ with the real CLI, then assert the facts of the articles through SPARQL."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from graphkit.dataset import load
from graphkit.model import counted
from graphkit.ontology import GK, PROV
from graphkit.query import named_queries
from graphkit.validate import validate
from tests.conftest import CORPUS, REPO, graphkit_cli

ZH = "zh"


def entity(kg, name: str) -> URIRef:
    """The one entity called `name` (label or alias), found with a bound variable."""
    result = kg.store.query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT DISTINCT ?e ?name WHERE { ?e rdfs:label|skos:altLabel ?name . }",
        {"name": Literal(name, lang=ZH)},
    )
    found = sorted({row[0] for row in result.rows})
    assert len(found) == 1, f"{name}: {found}"
    return found[0]  # type: ignore[return-value]


def test_build_writes_every_output(built: Path) -> None:
    names = {p.name for p in built.iterdir()}
    assert {"graph.ttl", "graph.nq", "validation.ttl", "index.html", "store"} <= names
    report = Graph().parse(built / "validation.ttl")
    assert (None, URIRef("http://www.w3.org/ns/shacl#conforms"), Literal(True)) in report
    quads = (built / "graph.nq").read_text(encoding="utf-8").splitlines()
    graphs = {line.rsplit(" ", 2)[-2] for line in quads}
    dataset = load(REPO / "data")
    source_graphs = {g for g in graphs if "/graph/source/" in g}
    assert len(source_graphs) == len(dataset.sources)


def test_pengzhou_enforcement_bureau_gave_150000_to_zhimulin(seed_graph) -> None:
    donor = entity(seed_graph, "彭州市综合执法局")
    recipient = entity(seed_graph, "知木林镇人民政府")
    rows = seed_graph.store.query(
        "PREFIX gk: <https://w3id.org/graphkit/ontology#> PREFIX schema: <https://schema.org/> "
        "SELECT ?donor ?recipient ?amount ?approx WHERE { ?e a gk:Donation ; gk:donor ?donor ; gk:recipient ?recipient ; "
        "schema:amount ?m . ?m schema:value ?amount ; gk:approximate ?approx }",
        {"donor": donor, "recipient": recipient},
    ).dicts()
    assert [(r["amount"], r["approx"]) for r in rows] == [(Decimal("150000"), False)]
    assert (donor, GK.donatedTo, recipient) in _triples(seed_graph, donor, GK.donatedTo)


def _triples(kg, subject: URIRef, predicate: URIRef) -> set[tuple]:
    rows = kg.store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"s": subject, "p": predicate}).rows
    return {(subject, predicate, row[2]) for row in rows}


def test_wei_guoqing_was_seconded_to_seergu(seed_graph) -> None:
    person = entity(seed_graph, "魏国庆")
    host = entity(seed_graph, "色尔古镇")
    ask = seed_graph.store.query(
        "PREFIX gk: <https://w3id.org/graphkit/ontology#> "
        "ASK { ?e a gk:Secondment ; gk:secondee ?person ; gk:hostUnit ?host . ?person gk:secondedTo ?host }",
        {"person": person, "host": host},
    )
    assert ask.boolean is True


def test_dalian_pairs_with_liupanshui_in_east_west_cooperation(seed_graph) -> None:
    rows = seed_graph.store.query(
        "PREFIX gk: <https://w3id.org/graphkit/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?a ?b ?mode WHERE { ?e a gk:Pairing ; gk:helper ?a ; gk:helped ?b ; gk:mode/skos:prefLabel ?mode . "
        "FILTER(LANG(?mode) = 'zh') }",
        {"a": entity(seed_graph, "大连市"), "b": entity(seed_graph, "六盘水市")},
    ).dicts()
    assert "东西部协作" in {row["mode"] for row in rows}


def test_money_into_heishui_including_its_towns_and_villages(seed_graph) -> None:
    """The roll-up query equals the sum of the events computed from the records themselves."""
    dataset = load(REPO / "data")
    county = next(e.id for e in dataset.entities.values() if e.name == "黑水县")
    expected = Decimal(0)
    count = 0
    for event in dataset.events():
        inside = any(r == county or county in dataset.ancestors(r) for r in event.helped)
        if event.type == "donation" and inside and event.amount is not None:
            expected += counted(event.amount.value, event.amount.period, recommended=event.recommended_for_aggregates) or 0  # a rate is never added
            count += 1
    rows = seed_graph.rows("money-received-within", region="黑水县")
    assert len(rows) == 1
    total = next(v for k, v in rows[0].items() if "total" in k.lower() or "amount" in k.lower())
    assert Decimal(str(total)) == expected
    assert count >= 8 and expected >= Decimal(150000 + 149000 + 90000 + 30000)


def test_shacl_passes_on_the_build_and_fails_on_a_broken_graph(built: Path) -> None:
    graph = Graph().parse(built / "graph.ttl")
    assert validate(graph).conforms
    donation = next(graph.subjects(RDF.type, GK.Donation))
    graph.remove((donation, GK.donor, None))
    graph.remove((donation, PROV.wasDerivedFrom, None))
    broken = validate(graph)
    assert not broken.conforms
    assert str(donation) in broken.text
    assert "donor" in broken.text.lower()


def test_page_is_offline_utf8_and_references_no_remote_script_or_style(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta charset="utf-8"', html, re.IGNORECASE)
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html, re.IGNORECASE)
    assert not [t for t in tags if re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", t, re.IGNORECASE)]
    assert "vis-network" in html or "vis.Network" in html
    assert "彭州市综合执法局" in html


def test_every_named_query_runs_on_the_seed_graph(seed_graph) -> None:
    samples = {"region": "黑水县", "entity": "彭州市", "from": "大连市", "to": "六盘水市", "top": "5", "year": "2021"}
    for name, named in named_queries().items():
        params = {p.name: samples.get(p.name, "黑水县") for p in named.params}
        result = seed_graph.query(name, **params)
        assert result.variables or result.boolean is not None, name
        if "top" in params:  # a ranked list gives at most `top` of its ranks
            assert len({row[0] for row in result.rows}) <= 5, name


def _normalise(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("t2s").convert(re.sub(r"\s+", "", text))


def _graph_names(kg) -> dict[str, set[str]]:
    network = kg.network()
    return {iri: {_normalise(n) for n in [attrs["label"], *attrs["aliases"]]} for iri, attrs in network.nodes(data=True)}


def _resolve(name: str, names: dict[str, set[str]]) -> set[str]:
    """SCHEMA.md's rule: equal to a name or alias, or one contains the other and the shorter has >= 3 chars."""
    wanted = _normalise(name)
    exact = {iri for iri, labels in names.items() if wanted in labels}
    if exact:
        return exact
    return {
        iri
        for iri, labels in names.items()
        for label in labels
        if min(len(label), len(wanted)) >= 3 and (label in wanted or wanted in label)
    }


def _check_annotations(kg, folder: Path) -> tuple[list[tuple[str, dict]], int, int]:
    """(relations with no event in the graph, joint gifts matched, amounts checked) for a folder of
    SCHEMA.md annotations; an amount that disagrees fails at once."""
    from graphkit.networkx_view import event_attributes

    names = _graph_names(kg)
    events = list(event_attributes(kg.store).values())
    missing, joint, amounts_checked = [], 0, 0
    for path in sorted(folder.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for relation in gold["relations"]:
            match = _match(relation, events, names)
            if match is None:
                missing.append((path.stem, relation))
                continue
            if relation["type"] == "donation":
                joint += len(match["from"]) > 1
                if relation.get("amount_cny") is not None:
                    amounts_checked += 1
                    assert abs(match["amount"] - relation["amount_cny"]) <= 0.01 * relation["amount_cny"], relation
    return missing, joint, amounts_checked


@pytest.mark.skipif(not (CORPUS / "gold").is_dir(), reason="../shared/corpus is not beside the repository")
def test_every_gold_relation_is_in_the_built_graph(seed_graph) -> None:
    """Each hand-annotated relation has an event with the same parties (and amount) in the graph.

    Joint gifts are one event with several donors in graphkit, so the gold's per-donor lines for a
    joint gift all match that one event: counted explicitly below.
    """
    missing, joint, amounts_checked = _check_annotations(seed_graph, CORPUS / "gold")
    assert not missing, "\n".join(f"{source}: {relation}" for source, relation in missing)
    assert joint >= 4  # 人社局+红十字会, 尹贵+博爱义工协会, 统战部+九三学社: one event each, two gold lines each
    assert amounts_checked >= 25


@pytest.mark.skipif(not (CORPUS / "dev").is_dir(), reason="../shared/corpus is not beside the repository")
def test_every_dev_relation_is_in_the_built_graph(seed_graph) -> None:
    """The twenty dev articles, ingested and reviewed into data/, state every relation their
    annotations list, with the annotated amounts."""
    missing, _, amounts_checked = _check_annotations(seed_graph, CORPUS / "dev")
    assert not missing, "\n".join(f"{source}: {relation}" for source, relation in missing)
    assert amounts_checked >= 50
    assert len(list((CORPUS / "dev").glob("*.json"))) == 20


def _match(relation: dict, events: list[dict], names: dict[str, set[str]]) -> dict | None:
    """The event with the same type and parties; among several, the one whose amount agrees."""
    kind = relation["type"]
    if kind == "secondment":
        person, host = _resolve(relation["person"], names), _resolve(relation["to"], names)
        return next((e for e in events if e["relation"] == kind and set(e["person"]) & person and set(e["to"]) & host), None)
    a, b = _resolve(relation["from"], names), _resolve(relation["to"], names)
    candidates = [
        event
        for event in events
        if event["relation"] == kind
        and (
            (set(event["from"]) & a and set(event["to"]) & b)
            or (kind == "pairing" and set(event["from"]) & b and set(event["to"]) & a)
        )
    ]
    gold = relation.get("amount_cny")
    agreeing = [e for e in candidates if gold is not None and "amount" in e and abs(e["amount"] - gold) <= 0.01 * gold]
    return (agreeing or candidates or [None])[0]


def test_the_command_line_answers_an_unknown_name_with_suggestions(built: Path) -> None:
    """A misspelt or pinyin name is one error line with the names meant and exit status 2, not an empty table."""
    result = graphkit_cli("query", "help-for-region", "-p", "region=heishui", "--out", str(built))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: region: no entity named 'heishui'; did you mean 黑水县, 黑水县司法局, 黑水县就业局?"
    ]
    traditional = graphkit_cli("query", "money-received-within", "-p", "region=黑水縣", "--out", str(built),
                               "--format", "csv")
    assert traditional.returncode == 0 and "黑水县" in traditional.stdout and "445000" in traditional.stdout


def test_a_parameter_the_query_does_not_project_is_one_line_not_a_traceback(built: Path) -> None:
    result = graphkit_cli("query", "SELECT ?x WHERE { VALUES ?x { 1 } FILTER(?x = ?y) }", "-p", "y=1", "--out", str(built))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error:") and "?y" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("apart", [False, True], ids=["in-process", "child-process"])
def test_a_graph_that_breaks_the_shapes_is_not_published_wherever_it_is_drawn(
    tiny_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apart: bool, children: list[str]
) -> None:
    """A large graph's views draw in a child process while the build validates (build._drawing); a
    small one's in the build's. Both find the same violation, and out/ keeps the previous build."""
    from graphkit import build as building
    from graphkit.ontology import ONTOLOGY_GRAPH
    from graphkit.render import page_view

    out = tmp_path / "out"
    first = building.build(tiny_data, out)
    assert first.validation.conforms and first.quads > 0
    before = (out / "graph.nq").read_bytes()
    if apart:
        monkeypatch.setattr(building, "VIEWS_APART", 0)
    stray = URIRef("https://example.org/stray-donation")
    real = building.ontology_quads
    monkeypatch.setattr(building, "ontology_quads", lambda: [*real(), (stray, RDF.type, GK.Donation, ONTOLOGY_GRAPH)])
    with pytest.raises(building.BuildError, match="does not conform") as failed:
        building.build(tiny_data, out, views=[page_view], full=True)
    validation = failed.value.validation
    assert validation is not None and not validation.conforms
    assert "stray-donation" in validation.text and "donor" in validation.text
    assert (out / "graph.nq").read_bytes() == before
    assert children == (["_draw_views"] if apart else [])
    monkeypatch.setattr(building, "ontology_quads", real)
    assert building.build(tiny_data, out, full=True).validation.conforms


def test_sources_read_in_shares_are_written_by_their_readers_and_give_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[str]
) -> None:
    """With many files, data/ is read in shares by the build and children, each writing the N-Quads
    chunks of the sources it read (build._plan): the graph is the one a single process writes."""
    from graphkit import build as building
    from graphkit import dataset

    alone = building.build(REPO / "data", tmp_path / "alone", jobs=1)
    monkeypatch.setattr(dataset, "READ_APART", 2)
    shared = building.build(REPO / "data", tmp_path / "shared", jobs=3)
    assert children == ["_read_many", "_read_many"]  # three shares: this process reads one
    assert (tmp_path / "shared" / "graph.nq").read_bytes() == (tmp_path / "alone" / "graph.nq").read_bytes()
    assert shared.quads == alone.quads > 0
    chunks = sorted((tmp_path / "shared" / "current" / ".nq" / "sources").glob("*.nq"))
    assert [p.stem for p in chunks] == sorted(alone.dataset.sources)


def test_one_job_draws_the_views_in_the_builds_own_process_and_two_in_a_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[str]
) -> None:
    """The child reads the events and entities from the build's chunks while the store is filled
    (render.read_graphs_ahead); the build's own process reads them from the store: the same page."""
    from graphkit import build as building
    from graphkit.render import page_view

    monkeypatch.setattr(building, "VIEWS_APART", 0)  # every graph counts as large
    pages = []
    for jobs in (1, 2):
        out = tmp_path / f"out-{jobs}"
        building.build(REPO / "data", out, views=[page_view], jobs=jobs)
        pages.append((out / "index.html").read_bytes())
    assert children == ["_draw_views"]  # the second build's only
    assert pages[0] == pages[1] and "彭州市".encode() in pages[0] and "黑水县".encode() in pages[0]


def test_a_large_graph_for_another_store_draws_here_since_memory_cannot_be_checkpointed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[str]
) -> None:
    """The build's store for `--store memory` or a server is Oxigraph in memory, which has no files to
    link: it says so (makes_checkpoints), and a large graph's views draw in the build's process."""
    from graphkit import build as building
    from graphkit.render import page_view
    from graphkit.store import StoreSpec
    from graphkit.store.oxigraph import OxigraphStore

    assert not OxigraphStore().makes_checkpoints
    assert StoreSpec.directory(tmp_path / "disk").open().makes_checkpoints
    monkeypatch.setattr(building, "VIEWS_APART", 0)  # every graph counts as large
    result = building.build(REPO / "data", tmp_path / "out", store="memory", views=[page_view], jobs=2)
    assert result.validation.conforms and children == []
    assert "黑水县".encode() in (tmp_path / "out" / "index.html").read_bytes()
