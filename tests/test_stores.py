"""Every named query returns the same rows on every store: rdflib in memory, on-disk Oxigraph, and a
real Oxigraph server reached over the SPARQL Protocol and loaded over the Graph Store Protocol.

The graph is the repository's seed dataset when it exists, else a small dataset built here from
graphkit.model records. Expected values are computed from the records in Python, independently of
SPARQL and of the roll-ups, so the tests check content (this donor, this amount), not just shapes.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from graphkit import dataset as data_io
from graphkit.build import graph_quads as built_graph_quads
from graphkit.model import Amount, Dataset, Entity, Event, Source, Span, counted
from graphkit.ontology import GK, entity_iri, source_graph
from graphkit.query import NamedQuery, QueryError, named_queries, run, with_prefixes
from graphkit.rdf_mapping import Quad
from graphkit.store import MemoryStore, OxigraphStore, RemoteStore, Store
from graphkit.store.base import QueryResult, python_value
from tests.aggregates import check_rollups_against_events
from tests.conftest import REPO

# ----------------------------------------------------------------------------------------------
# The graph under test (shared with test_server.py and test_virtuoso.py).


def sample_dataset() -> Dataset:
    """A small, realistic dataset for when data/entities.yaml is not there (yet)."""
    regions = [
        Entity("四川省", "Region", "四川省", level="province", adcode="510000"),
        Entity("成都市", "Region", "成都市", level="prefecture", part_of="四川省"),
        Entity("彭州市", "Region", "彭州市", aliases=("彭州",), level="county", part_of="成都市"),
        Entity("阿坝藏族羌族自治州", "Region", "阿坝藏族羌族自治州", level="prefecture", part_of="四川省"),
        Entity("黑水县", "Region", "黑水县", aliases=("黑水",), level="county", part_of="阿坝藏族羌族自治州"),
        Entity("知木林镇", "Region", "知木林镇", level="township", part_of="黑水县"),
        Entity("广东省", "Region", "广东省", level="province"),
        Entity("深圳市", "Region", "深圳市", level="prefecture", part_of="广东省"),
        Entity("广西壮族自治区", "Region", "广西壮族自治区", level="province"),
        Entity("河池市", "Region", "河池市", level="prefecture", part_of="广西壮族自治区"),
        Entity("罗城仫佬族自治县", "Region", "罗城仫佬族自治县", level="county", part_of="河池市"),
    ]
    units = [
        Entity("彭州市综合执法局", "GovernmentAgency", "彭州市综合执法局", located_in="彭州市"),
        Entity("彭州市红十字会", "SocialOrganization", "彭州市红十字会", located_in="彭州市"),
        Entity("黑水县知木林镇人民政府", "GovernmentAgency", "黑水县知木林镇人民政府", located_in="知木林镇"),
        Entity("知木林镇中心校", "School", "知木林镇中心校", located_in="知木林镇"),
        Entity("深圳市龙华区文化广电旅游体育局", "GovernmentAgency", "深圳市龙华区文化广电旅游体育局", located_in="深圳市"),
        Entity("罗城仫佬族自治县人民医院", "Hospital", "罗城仫佬族自治县人民医院", located_in="罗城仫佬族自治县"),
        Entity("四川蜀道建设有限公司", "Company", "四川蜀道建设有限公司", located_in="成都市"),
        Entity("魏国庆", "Person", "魏国庆", role="驻村第一书记", member_of="彭州市综合执法局"),
        Entity("杨斐", "Person", "杨斐"),
    ]
    events = (
        Event("s1/d1", "donation", "s1", ("彭州市综合执法局",), ("黑水县知木林镇人民政府",), mode="对口支援",
              amount=Amount(Decimal(150000), text="15万元"), date="2021-10-01", span=Span(10, 40)),
        Event("s1/d2", "donation", "s1", ("彭州市红十字会", "四川蜀道建设有限公司"), ("知木林镇中心校",),
              amount=Amount(Decimal(90000), approximate=True, text="9万余元"), brokers=("杨斐",)),
        Event("s1/d3", "donation", "s1", ("彭州市红十字会",), ("知木林镇中心校", "黑水县知木林镇人民政府"),
              amount=Amount(Decimal(1000), text="每月1000元", period="month"), date="2022"),
        Event("s1/d4", "donation", "s1", ("四川蜀道建设有限公司",), ("知木林镇中心校",), items="课桌椅",
              planned=True, amount=Amount(Decimal(5000))),
        Event("s1/p1", "pairing", "s1", ("彭州市",), ("黑水县",), mode="对口支援"),
        Event("s1/s1", "secondment", "s1", ("彭州市综合执法局",), ("知木林镇",), person="魏国庆", role="驻村第一书记"),
    )
    events2 = (
        Event("s2/d1", "donation", "s2", ("深圳市龙华区文化广电旅游体育局",), ("罗城仫佬族自治县人民医院",),
              mode="东西部协作", amount=Amount(Decimal("669900.5")), date="2020-06"),
        Event("s2/p1", "pairing", "s2", ("深圳市",), ("河池市",), mode="粤桂协作"),
        Event("s2/d2", "donation", "s2", ("深圳市",), ("罗城仫佬族自治县",)),
    )
    sources = [
        Source("s1", title="彭州市集中社会各界力量开展对口帮扶工作", publisher="成都新闻网", date="2021-12-01",
               url="http://www.example.cn/a/1.html", events=events),
        Source("s2", title="龙华区援建罗城医疗设备", publisher="深圳新闻网", date="2020-07-15", events=events2),
    ]
    return Dataset({e.id: e for e in regions + units}, {s.id: s for s in sources})


@cache
def records() -> Dataset:
    """The seed dataset of data/ when present, else the sample dataset."""
    if (REPO / "data" / "entities.yaml").is_file():
        return data_io.load(REPO / "data")
    return sample_dataset()


@cache
def graph_quads() -> tuple[Quad, ...]:
    """The graph as a build makes it: records, ontology and roll-ups."""
    dataset = records()
    return tuple(built_graph_quads(dataset))


def by_graph(quads: tuple[Quad, ...]) -> dict[URIRef, list]:
    graphs: dict[URIRef, list] = defaultdict(list)
    for s, p, o, g in quads:
        graphs[g].append((s, p, o))
    return graphs


def example_params(named: NamedQuery) -> dict[str, str]:
    """Each parameter's example value, from its description: `the region, by name (黑水县)`."""
    params = {}
    for param in named.params:
        match = re.search(r"\(([^()]+)\)\s*$", param.description)
        params[param.name] = match.group(1) if match else "黑水县"
    return params


def _normal(value: object) -> object:
    return value.normalize() if isinstance(value, Decimal) else value


def normalised(result: QueryResult) -> tuple[list[str], list[str]]:
    """Variables and rows as comparable values (150000.0 and 150000 are the same decimal)."""
    rows = sorted(repr(tuple(_normal(python_value(term)) for term in row)) for row in result.rows)
    return result.variables, rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The Oxigraph server binary shipped by the `oxigraph` package, in the venv's bin or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """A real Oxigraph server on a free loopback port; yields its base URL."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    command = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(RemoteStore(url), process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _wait_until_up(store: RemoteStore, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            store.query("ASK {}")
            return
        except ValueError:
            time.sleep(0.1)
    raise RuntimeError("oxigraph server did not come up in 30 s")


def push(store: Store, quads: tuple[Quad, ...]) -> None:
    """Load as `graphkit build --store URL` does: one named graph per source, each replaced."""
    for graph, triples in by_graph(quads).items():
        store.replace_graph(graph, triples)


# ----------------------------------------------------------------------------------------------
# Expected values, from the records in Python.


def summed(event: Event) -> Decimal:
    """What a total adds for an event: its amount, but nothing for a rate per month nor for a figure not
    recommended for aggregates (model.counted)."""
    if event.amount is None:
        return Decimal(0)
    return counted(event.amount.value, event.amount.period, recommended=event.recommended_for_aggregates) or Decimal(0)


def donor_totals(dataset: Dataset) -> dict[str, Decimal]:
    """Money given per donor: a joint gift counted in full for each donor (as donors-ranked does)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for event in dataset.events():
        if event.type == "donation":
            for donor in event.helpers:
                totals[donor] += summed(event)
    return totals


def received_within(dataset: Dataset, region: str) -> tuple[Decimal, int]:
    """Money received by anything within a region, each donation once, and the number of donations."""
    total, count = Decimal(0), 0
    for event in dataset.events():
        inside = any(party == region or region in dataset.ancestors(party) for party in event.helped)
        if event.type == "donation" and inside:
            total += summed(event)
            count += 1
    return total, count


# ----------------------------------------------------------------------------------------------
# The three stores.


@pytest.fixture(scope="module")
def memory() -> Iterator[Store]:
    store = MemoryStore()
    store.add_quads(graph_quads())
    yield store


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = OxigraphStore(tmp_path_factory.mktemp("oxigraph") / "store")
    store.add_quads(graph_quads())
    yield store
    store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    """A real Oxigraph server, loaded through the Graph Store Protocol in batches of 200 triples."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as url:
        store = RemoteStore(f"{url}/query?batch=200")
        push(store, graph_quads())
        yield store
        store.close()


@pytest.fixture(scope="module")
def stores(memory: Store, oxigraph: Store, server: RemoteStore) -> dict[str, Store]:
    return {"memory": memory, "oxigraph": oxigraph, "oxigraph-server": server}


QUERY_NAMES = sorted(named_queries())


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_named_query_returns_the_same_rows_on_every_store(name: str, stores: dict[str, Store]) -> None:
    named = named_queries()[name]
    results = {label: normalised(run(store, name, example_params(named))) for label, store in stores.items()}
    reference = results["memory"]
    for label, result in results.items():
        assert result[0] == reference[0], f"{name}: variables differ on {label}"
        assert result[1] == reference[1], f"{name}: rows differ on {label}"


def test_most_named_queries_find_something(memory: Store) -> None:
    """Equal rows would prove nothing if the example parameters matched nothing."""
    empty = [name for name in QUERY_NAMES if not run(memory, name, example_params(named_queries()[name])).rows]
    assert len(empty) <= len(QUERY_NAMES) // 4, f"queries with no rows: {empty}"


def test_every_store_ranks_the_biggest_donor_first(stores: dict[str, Store]) -> None:
    totals = donor_totals(records())
    biggest = max(totals.values())
    top = {donor for donor, total in totals.items() if total == biggest}
    for label, store in stores.items():
        first = run(store, "donors-ranked").dicts()[0]
        assert Decimal(first["totalCNY"]) == biggest, label
        assert first["donor"] in {str(entity_iri(donor)) for donor in top}, label
        assert first["donorLabel"] == records().entities[next(iter(top))].name or len(top) > 1


def test_money_received_within_a_county_matches_the_records(stores: dict[str, Store]) -> None:
    total, count = received_within(records(), "黑水县")
    assert count > 0
    for label, store in stores.items():
        row = run(store, "money-received-within", {"region": "黑水县"}).dicts()[0]
        assert (Decimal(row["totalCNY"]), row["donations"]) == (total, count), label


def test_rollups_agree_with_the_aggregates_over_the_events(stores: dict[str, Store]) -> None:
    """The named queries read totals materialised at build; GROUP BYs over the raw events agree, on
    every store (the old aggregate queries are kept in tests/aggregates.py for this)."""
    for label, store in stores.items():
        try:
            check_rollups_against_events(store, "黑水县")
        except AssertionError as exc:
            raise AssertionError(f"{label}: {exc}") from exc


def test_rollups_agree_with_the_records(oxigraph: Store) -> None:
    """The totals equal what Python computes from the records, independently of SPARQL."""
    totals = donor_totals(records())
    ranked = run(oxigraph, "donors-ranked", {"top": "1000000"}).dicts()
    assert {r["donor"]: Decimal(r["totalCNY"]) for r in ranked} == {
        str(entity_iri(donor)): total for donor, total in totals.items()
    }
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert [Decimal(r["totalCNY"]) for r in ranked] == sorted(totals.values(), reverse=True)
    within = with_prefixes("SELECT ?region ?t ?n WHERE { ?region gk:totalReceivedWithinCNY ?t ; gk:donationsReceivedWithin ?n }")
    for region in (e for e in records().entities.values() if e.type == "Region"):
        rows = oxigraph.query(within, {"region": entity_iri(region.id)}).dicts()
        assert [(r["t"], r["n"]) for r in rows] == [received_within(records(), region.id)], region.id


def test_bound_values_are_never_pasted_into_the_query(server: RemoteStore) -> None:
    before = len(server)
    hostile = '黑水县"@zh } } ; DROP ALL ; SELECT * { #'
    # (a named query would stop at the entity check; SPARQL text binds the value as given)
    text = "SELECT ?region ?place WHERE { ?place rdfs:label ?label FILTER(STR(?label) = ?region) }"
    assert run(server, text, {"region": hostile}).rows == []
    assert [str(r[0]) for r in run(server, text, {"region": "黑水县"}).rows] == ["黑水县"]
    assert len(server) == before


def test_pushing_a_source_again_replaces_its_graph(server: RemoteStore) -> None:
    source = next(iter(records().sources.values()))
    graph = source_graph(source.id)
    original = by_graph(graph_quads())[graph]
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}"
    try:
        server.replace_graph(graph, original[:3])
        assert int(server.query(count).rows[0][0]) == 3
    finally:
        server.replace_graph(graph, original)
    assert int(server.query(count).rows[0][0]) == len(set(original))


def test_blank_nodes_are_skolemised(server: RemoteStore) -> None:
    graph = URIRef("urn:graphkit:test:bnodes")
    server.replace_graph(graph, [(BNode("b1"), GK.note, Literal("匿名捐赠人"))])
    rows = server.query(f"SELECT ?s WHERE {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}").rows
    server.drop_graph(graph)
    assert len(rows) == 1 and isinstance(rows[0][0], URIRef)
    assert "/.well-known/genid/" in str(rows[0][0])


def test_cli_builds_into_and_queries_a_server(tmp_path: Path) -> None:
    """`graphkit build --store URL` pushes the graph; `graphkit query --store URL` reads it back."""
    if not (REPO / "data" / "entities.yaml").is_file():
        pytest.skip("needs the seed dataset in data/")
    from tests.conftest import graphkit_cli

    with oxigraph_server(tmp_path / "server") as url:
        built = graphkit_cli("build", "--data", str(REPO / "data"), "--out", str(tmp_path / "out"), "--store", url,
                             "--no-page")
        assert built.returncode == 0, built.stderr
        answer = graphkit_cli("query", "donors-ranked", "--store", url, "--format", "csv")
        assert answer.returncode == 0, answer.stderr
    totals = donor_totals(records())
    biggest = max(totals.values())
    first = answer.stdout.splitlines()[1]
    assert any(records().entities[d].name in first for d, t in totals.items() if t == biggest)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("彭洲市", "彭州市"), ("heishui", "黑水县"), ("黑水县人民医", "黑水县人民医院")],
)
def test_a_name_the_graph_lacks_is_an_error_with_suggestions(stores: dict[str, Store], typed: str, meant: str) -> None:
    """An entity parameter that names nothing answers 'no entity named …; did you mean …', on every store,
    rather than an empty table that reads as 'nobody helps this county'."""
    for label, store in stores.items():
        with pytest.raises(QueryError, match="no entity named") as caught:
            run(store, "money-received-within", {"region": typed})
        assert meant in str(caught.value).split("did you mean", 1)[1], label


def test_a_name_in_another_script_is_read_as_the_graph_writes_it(stores: dict[str, Store]) -> None:
    for label, store in stores.items():
        rows = run(store, "money-received-within", {"region": "黑水縣"}).rows
        assert [(str(r[0]), int(r[3])) for r in rows] == [("黑水县", 445000)], label


@pytest.mark.parametrize(("bindings", "expected"), [('[{"__ASK_RETVAL": {"type": "literal", "value": "1"}}]', True),
                                                    ("[]", False)])
def test_virtuosos_rows_for_an_ask_are_read_as_its_boolean(bindings: str, expected: bool) -> None:
    """What Virtuoso 7.2 sends for an ASK by POST (tests/test_virtuoso.py asks a real one, opt-in)."""
    from graphkit import results
    from graphkit.store.remote import _asked

    body = '{"head": {"link": [], "vars": ["__ASK_RETVAL"]}, "results": {"bindings": ' + bindings + "}}"
    assert _asked(results.read("application/sparql-results+json", body.encode())).boolean is expected


def test_some_entities_attributes_are_theirs_in_the_whole_on_every_store(stores: dict[str, Store]) -> None:
    """What a page reads for the entities an ingest added (the rest it carries over)."""
    from graphkit.networkx_view import entity_attributes
    from graphkit.ontology import entity_iri

    chosen = [str(entity_iri("黑水县")), str(entity_iri("彭州市综合执法局")), str(entity_iri("无此实体"))]
    for name, store in stores.items():
        every = entity_attributes(store)
        assert list(every) == sorted(every), name
        some = entity_attributes(store, chosen)
        assert some == {iri: every[iri] for iri in chosen[:2]}, name
        assert some[chosen[0]]["label"] == "黑水县" and some[chosen[0]]["type"] == "Region", name


def test_files_are_loaded_in_batches_across_files_each_blank_node_in_its_own_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build fills the store from thousands of chunks: lines are batched across files (a chunk
    missing its last newline still ends its quad), and a file with blank nodes is a document alone."""
    from graphkit.store import oxigraph

    monkeypatch.setattr(oxigraph, "BATCH", 4)  # batches that hold lines of several files
    g = "<http://example.org/g>"
    chunks = []
    for i in range(4):
        chunk = tmp_path / f"chunk{i}.nq"
        lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}-{j}" {g} .' for j in range(2)]
        chunk.write_text("\n".join(lines) + ("\n" if i != 1 else ""), encoding="utf-8")  # chunk1: no last newline
        chunks.append(chunk)
    blank = tmp_path / "blank.nq"  # the same label in two files names two nodes
    blank.write_text(f'_:b <http://example.org/p> "x" {g} .\n', encoding="utf-8")
    again = tmp_path / "again.nq"
    again.write_text(f'_:b <http://example.org/p> "y" {g} .\n', encoding="utf-8")
    store = OxigraphStore()
    store.load_files([chunks[0], blank, again, *chunks[1:]])  # chunk0, blank and again fit one batch
    rows = store.records("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }")
    assert sorted(row["o"] for row in rows if "example.org/s" in str(row["s"])) == [
        f"{i}-{j}" for i in range(4) for j in range(2)
    ]
    assert len({str(row["s"]) for row in rows if row["o"] in ("x", "y")}) == 2
