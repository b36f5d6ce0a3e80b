"""`graphkit serve`, started in a subprocess on loopback and called by real SPARQL clients.

SPARQLWrapper and rdflib's SPARQLStore talk to it over GET, form-encoded POST and direct POST; the
tests check every result format, the guard against queries that would fetch from the network, the
read-only default, the timeout that kills a runaway query, the row cap, CORS, and that errors are
JSON. Expected values come from the records, so a wrong answer fails, not just a wrong status.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graphkit.build import GRAPH_NQ
from graphkit.ontology import GK, entity_iri
from graphkit.query import named_queries, with_prefixes
from graphkit.rdf_mapping import to_nquads
from graphkit.store import OxigraphStore
from tests.conftest import Served
from tests.test_stores import donor_totals, example_params, graph_quads, records

ROW_CAP = 50
ORIGIN = "https://example.org"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
DONOR_TOTALS = """
SELECT ?donor ?label (SUM(?amount) AS ?total) WHERE {
  ?event a gk:Donation ; gk:donor ?donor ; gk:amountCNY ?amount .
  ?donor rdfs:label ?label . FILTER(LANG(?label) = "zh")
} GROUP BY ?donor ?label ORDER BY DESC(?total) STR(?donor)"""


def write_out(out: Path) -> Path:
    """An out/ folder as a build leaves it: graph.nq, the Oxigraph store and a page."""
    out.mkdir(parents=True)
    with (out / GRAPH_NQ).open("w", encoding="utf-8") as handle:
        handle.writelines(to_nquads(graph_quads()))
    store = OxigraphStore(out / "store")
    store.load_file(out / GRAPH_NQ)
    store.close()
    (out / "index.html").write_text("<!doctype html><title>graphkit 测试页</title>", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_out(tmp_path_factory.mktemp("serve") / "out")


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[Served]:
    served = Served(out, "--timeout", "1", "--max-rows", str(ROW_CAP), "--cors", ORIGIN)
    yield served
    served.stop()




def request(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one HTTP request, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(server: Served, query: str, accept: str = "application/sparql-results+json") -> tuple[int, dict, bytes]:
    return request(f"{server.sparql}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})


def post_form(server: Served, field: str, text: str) -> tuple[int, dict, bytes]:
    body = urllib.parse.urlencode({field: text}).encode()
    return request(server.sparql, body, {"Content-Type": "application/x-www-form-urlencoded"})


def biggest_donor() -> tuple[str, Decimal]:
    """The donor who gave the most stated money, and how much, from the records."""
    totals = donor_totals(records())
    donor = max(sorted(totals), key=lambda d: totals[d])
    return donor, totals[donor]


def assert_json_error(status: int, body: bytes, expected: int, words: str) -> None:
    assert status == expected, body
    document = json.loads(body)
    assert words.lower() in document["error"].lower()
    assert "Traceback" not in body.decode()


# ----------------------------------------------------------------------------------------------
# Real clients.


def test_sparqlwrapper_get_json_gives_the_biggest_donor(server: Served) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(with_prefixes(DONOR_TOTALS))
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    donor, total = biggest_donor()
    assert rows[0]["donor"]["value"] == str(entity_iri(donor))
    assert rows[0]["label"] == {"type": "literal", "value": records().entities[donor].name, "xml:lang": "zh"}
    assert Decimal(rows[0]["total"]["value"]) == total


@pytest.mark.parametrize("direct", [False, True], ids=["form", "direct"])
def test_sparqlwrapper_post(server: Served, direct: bool) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(with_prefixes(DONOR_TOTALS))
    client.setMethod(POST)
    if direct:
        client.setRequestMethod(POSTDIRECTLY)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert Decimal(rows[0]["total"]["value"]) == biggest_donor()[1]


@pytest.mark.parametrize(
    ("fmt", "media"),
    [(JSON, "application/sparql-results+json"), (XML, "application/sparql-results+xml"),
     (CSV, "text/csv"), (TSV, "text/tab-separated-values")],
)
def test_every_result_format(server: Served, fmt: str, media: str) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(with_prefixes(DONOR_TOTALS))
    client.setReturnFormat(fmt)
    response = client.query()
    assert response.info()["content-type"].startswith(media)
    donor, total = biggest_donor()
    name = records().entities[donor].name
    converted = response.convert()
    if fmt == JSON:
        assert converted["results"]["bindings"][0]["label"]["value"] == name
    elif fmt == XML:
        first = converted.getElementsByTagName("result")[0]
        assert name in first.toxml() and str(entity_iri(donor)) in first.toxml()
    elif fmt == CSV:
        rows = list(csv.reader(io.StringIO(converted.decode("utf-8"))))
        assert rows[0] == ["donor", "label", "total"]
        assert rows[1][1] == name and Decimal(rows[1][2]) == total
    else:
        lines = converted.decode("utf-8").splitlines()
        assert lines[0] == "?donor\t?label\t?total"
        assert lines[1].split("\t")[1] == f'"{name}"@zh'


@pytest.mark.parametrize("accept", ["text/csv", "application/sparql-results+xml", "text/tab-separated-values",
                                    "application/json", "*/*"])
def test_content_negotiation_by_accept_header(server: Served, accept: str) -> None:
    status, headers, body = get(server, with_prefixes(DONOR_TOTALS), accept)
    assert status == 200
    expected = {"*/*": "application/sparql-results+json", "application/json": "application/sparql-results+json"}.get(accept, accept)
    assert headers["Content-Type"].startswith(expected)
    assert records().entities[biggest_donor()[0]].name in body.decode("utf-8")


def test_unacceptable_format_is_406_json(server: Served) -> None:
    status, _, body = get(server, "ASK {}", "image/png")
    assert_json_error(status, body, 406, "cannot answer")


def test_rdflib_sparqlstore_reads_the_graph(server: Served) -> None:
    graph = Graph(store=SPARQLStore(server.sparql))
    rows = list(graph.query(with_prefixes(DONOR_TOTALS)))
    donor, total = biggest_donor()
    assert rows[0][0] == entity_iri(donor)
    assert rows[0][1] == Literal(records().entities[donor].name, lang="zh")
    assert Decimal(rows[0][2].toPython()) == total


def test_rdflib_sparqlstore_post_form_and_construct(server: Served) -> None:
    graph = Graph(store=SPARQLStore(server.sparql, method="POST_FORM"))
    donor, _ = biggest_donor()
    result = graph.query(with_prefixes(f"CONSTRUCT {{ ?e gk:donor ?d }} WHERE {{ ?e gk:donor ?d . FILTER(?d = {entity_iri(donor).n3()}) }}"))
    triples = set(result)
    assert triples and all(p == GK.donor and o == entity_iri(donor) for _, p, o in triples)


def test_named_query_route_binds_parameters(server: Served) -> None:
    named = named_queries()["money-received-within"]
    params = urllib.parse.urlencode(example_params(named))
    status, _, body = request(f"{server.base}/queries/money-received-within?{params}")
    assert status == 200
    row = json.loads(body)["results"]["bindings"][0]
    assert row["region"]["value"] == example_params(named)["region"]
    listed = json.loads(request(f"{server.base}/queries")[2])
    assert {q["name"] for q in listed} == set(named_queries())


def test_hostile_parameter_matches_nothing(server: Served) -> None:
    hostile = urllib.parse.quote('黑水县"@zh } } ; DROP ALL ; SELECT * { #')
    status, _, body = request(f"{server.base}/queries/help-for-region?region={hostile}")
    assert status == 404 and "no entity named" in json.loads(body)["error"]
    status, _, body = request(f"{server.base}/queries/money-received-within?region=%E9%BB%91%E6%B0%B4%E5%8E%BF")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["totalCNY"]["value"] == "445000"


def test_a_misspelt_name_gets_suggestions_from_the_endpoint(server: Served) -> None:
    status, _, body = request(f"{server.base}/queries/help-for-region?region={urllib.parse.quote('彭洲市')}")
    assert status == 404
    assert json.loads(body)["error"].endswith("did you mean 彭州市?")


# ----------------------------------------------------------------------------------------------
# Safety.


def test_update_is_refused_by_default(server: Served) -> None:
    status, _, body = post_form(server, "update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert_json_error(status, body, 403, "read-only")
    direct = request(server.sparql, b"CLEAR ALL", {"Content-Type": "application/sparql-update"})
    assert_json_error(direct[0], direct[2], 403, "read-only")
    status, _, body = get(server, "ASK { ?s ?p ?o }")
    assert json.loads(body)["boolean"] is True


def test_update_is_accepted_with_allow_update(writable: Served) -> None:
    store = SPARQLUpdateStore(query_endpoint=writable.sparql, update_endpoint=writable.sparql)
    store.update('INSERT DATA { GRAPH <urn:graphkit:test> { <urn:graphkit:donor> <urn:graphkit:gave> "5000"^^<http://www.w3.org/2001/XMLSchema#decimal> } }')
    graph = Graph(store=SPARQLStore(writable.sparql))
    rows = list(graph.query("SELECT ?amount WHERE { <urn:graphkit:donor> <urn:graphkit:gave> ?amount }"))
    assert [row[0] for row in rows] == [Literal(Decimal(5000))]
    status, _, _ = post_form(writable, "update", "DROP GRAPH <urn:graphkit:test>")
    assert status in (200, 204)


def test_a_runaway_query_is_killed_and_the_server_keeps_answering(server: Served) -> None:
    before = json.loads(request(f"{server.base}/health")[2])["worker_pids"]
    started = time.monotonic()
    status, _, body = get(server, HEAVY)
    assert_json_error(status, body, 503, "timeout")
    assert time.monotonic() - started < 5
    status, _, body = get(server, with_prefixes(DONOR_TOTALS))
    assert status == 200 and json.loads(body)["results"]["bindings"]
    killed = set(before) - set(json.loads(request(f"{server.base}/health")[2])["worker_pids"])
    assert len(killed) == 1
    assert not _alive(killed.pop())
    deadline = time.monotonic() + 30
    while json.loads(request(f"{server.base}/health")[2])["idle_workers"] < len(before):
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.is_file() and "zombie" not in status.read_text()


def test_rows_are_capped_and_the_cap_is_reported(server: Served) -> None:
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == ROW_CAP
    assert headers["X-Graphkit-Truncated"] == "true" and headers["X-Graphkit-Row-Cap"] == str(ROW_CAP)
    status, headers, _ = get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert headers["X-Graphkit-Truncated"] == "false" and headers["X-Graphkit-Rows"] == "3"


def test_cors_header_only_for_the_configured_origin(server: Served, writable: Served) -> None:
    query = f"{server.sparql}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    _, headers, _ = request(query, headers={"Origin": ORIGIN})
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    _, headers, _ = request(query, headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = request(server.sparql, headers={"Origin": ORIGIN}, method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    _, headers, _ = request(f"{writable.sparql}?query=ASK%7B%7D", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in headers


def test_errors_are_json_with_a_message(server: Served) -> None:
    status, _, body = get(server, "SELEKT * WHERE { ?s ?p ?o }")
    assert_json_error(status, body, 400, "bad query")
    status, _, body = request(f"{server.sparql}?update=CLEAR%20ALL")
    assert_json_error(status, body, 400, "POST")
    status, _, body = request(server.sparql)
    assert_json_error(status, body, 400, "query")
    status, _, body = request(server.sparql, b"x", {"Content-Type": "image/png"})
    assert_json_error(status, body, 415, "Content-Type")
    status, _, body = request(f"{server.base}/nowhere")
    assert_json_error(status, body, 404, "/sparql")
    status, _, body = request(f"{server.base}/queries/help-for-region")
    assert_json_error(status, body, 400, "region")


def test_health_and_page(server: Served) -> None:
    status, _, body = request(f"{server.base}/health")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["read_only"] is True
    assert health["timeout_s"] == 1 and health["max_rows"] == ROW_CAP
    status, headers, body = request(f"{server.base}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "graphkit 测试页" in body.decode("utf-8")


def test_sparqlwrapper_sees_a_refusal_as_a_bad_query(server: Served) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryBadFormed, match="refused"):
        client.query()


def test_construct_as_turtle(server: Served) -> None:
    donor, _ = biggest_donor()
    query = with_prefixes(f"CONSTRUCT {{ ?e gk:donor {entity_iri(donor).n3()} }} WHERE {{ ?e gk:donor {entity_iri(donor).n3()} }}")
    status, headers, body = get(server, query, "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert len(graph) > 0 and set(graph.objects(None, GK.donor)) == {URIRef(entity_iri(donor))}


def test_in_memory_workers_give_the_same_answers(out: Path) -> None:
    served = Served(out, "--in-memory", "--workers", "1")
    try:
        status, _, body = get(served, with_prefixes(DONOR_TOTALS))
        rows = json.loads(body)["results"]["bindings"]
        assert status == 200 and Decimal(rows[0]["total"]["value"]) == biggest_donor()[1]
        assert json.loads(request(f"{served.base}/health")[2])["workers"] == 1
    finally:
        served.stop()
