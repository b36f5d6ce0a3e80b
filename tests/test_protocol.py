"""SPARQL 1.1 Protocol conformance: the 34 cases of the W3C protocol test suite, written as our own table.

Each case below is named after a test of the W3C suite (w3c/rdf-tests, sparql/sparql11/protocol) and
checks the same behaviour with requests of our own: the dataset parameters (default-graph-uri,
named-graph-uri, using-graph-uri, using-named-graph-uri) select graphs the store holds, results come
in a media type fit for the query form, the endpoint's URL is the base IRI, and malformed requests
are 4xx. Queries run on a read-only server, updates on one started with --allow-update; the
conformance of every query case is checked read-only.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graphkit.build import GRAPH_NQ
from graphkit.store import OxigraphStore
from tests.conftest import Served
from tests.test_server import request

D = "http://example.org/protocol/data"
DOC = "<http://xmlns.com/foaf/0.1/Document>"
DATA = "".join(f"<{D}{n}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {DOC} <{D}{n}> .\n" for n in (1, 2, 3))
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
BOOLEAN = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR = (*BOOLEAN, "text/csv", "text/tab-separated-values")
RDF = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")
INSERT_ALL = f"""DROP ALL ;
INSERT DATA {{ GRAPH <{D}1> {{ <{D}1> a {DOC} }} GRAPH <{D}2> {{ <{D}2> a {DOC} }} GRAPH <{D}3> {{ <{D}3> a {DOC} }} }} ;
"""


@dataclass
class Call:
    """One HTTP request and what its answer must be."""

    method: str = "POST"
    params: list[tuple[str, str]] = field(default_factory=list)
    body: str | bytes | None = None
    media: str | None = None
    status: int = 200  # the class: 200 means 2xx, 400 means 4xx
    boolean: bool | None = None
    types: tuple[str, ...] = ()


@dataclass
class Case:
    name: str
    calls: list[Call]
    update: bool = False


def ask(body: str, *params: tuple[str, str], method: str = "POST") -> Call:
    if method == "GET":
        return Call("GET", [("query", body), *params], boolean=True, types=BOOLEAN)
    return Call("POST", list(params), body, QUERY, boolean=True, types=BOOLEAN)


def asked(graph: str, present: list[str], absent: str) -> Call:
    triples = " ".join(present)
    return ask(f"ASK {{ GRAPH <{graph}> {{ {triples} }} FILTER NOT EXISTS {{ GRAPH <{graph}> {{ {absent} }} }} }}")


def both(name: str, kind: str) -> list[tuple[str, str]]:
    return [(name, f"{D}1"), (name, f"{D}2")] if kind == "two" else []


CASES = [
    Case("query_post_form", [Call("POST", [("default-graph-uri", f"{D}0")], "query=ASK%20%7B%7D", FORM,
                                  boolean=True, types=BOOLEAN)]),
    Case("query_dataset_default_graphs_get", [ask(f"ASK {{ <{D}1> a ?t . <{D}2> a ?t }}",
                                                  *both("default-graph-uri", "two"), method="GET")]),
    Case("query_dataset_default_graphs_post", [ask(f"ASK {{ <{D}1> a ?t . <{D}2> a ?t }}",
                                                   *both("default-graph-uri", "two"))]),
    Case("query_dataset_named_graphs_post", [ask(f"ASK {{ GRAPH ?g1 {{ <{D}1> a ?t }} GRAPH ?g2 {{ <{D}2> a ?t }} }}",
                                                 *both("named-graph-uri", "two"))]),
    Case("query_dataset_named_graphs_get", [ask(f"ASK {{ GRAPH ?g1 {{ <{D}1> a ?t }} GRAPH ?g2 {{ <{D}2> a ?t }} }}",
                                                *both("named-graph-uri", "two"), method="GET")]),
    Case("query_dataset_full", [ask(f"ASK {{ <{D}3> a ?t GRAPH ?g1 {{ <{D}1> a ?t }} GRAPH ?g2 {{ <{D}2> a ?t }} }}",
                                    ("default-graph-uri", f"{D}3"), *both("named-graph-uri", "two"))]),
    Case("query_multiple_dataset", [ask(f"ASK FROM <{D}3> {{ GRAPH ?g1 {{ <{D}1> a ?t }} GRAPH ?g2 {{ <{D}2> a ?t }} }}",
                                        *both("named-graph-uri", "two"))]),
    Case("query_get", [ask("ASK {}", method="GET")]),
    Case("query_content_type_select", [Call("POST", [("default-graph-uri", f"{D}0")], "SELECT (1 AS ?value) {}", QUERY,
                                            types=TABULAR)]),
    Case("query_content_type_ask", [Call("POST", [("default-graph-uri", f"{D}0")], "ASK {}", QUERY, boolean=True,
                                         types=BOOLEAN)]),
    Case("query_content_type_describe", [Call("POST", [("default-graph-uri", f"{D}0")], "DESCRIBE <http://example.org/>",
                                              QUERY, types=RDF)]),
    Case("query_content_type_construct", [Call("POST", [("default-graph-uri", f"{D}0")],
                                               "CONSTRUCT { <s> <p> 1 } WHERE {}", QUERY, types=RDF)]),
    Case("update_dataset_default_graph", update=True, calls=[
        Call("POST", [("using-graph-uri", f"{D}1")],
             INSERT_ALL + f"INSERT {{ GRAPH <urn:t1> {{ ?s a <urn:Bib> }} }} WHERE {{ ?s a {DOC} }}", UPDATE),
        asked("urn:t1", [f"<{D}1> a <urn:Bib> ."], f"<{D}2> a <urn:Bib>"),
    ]),
    Case("update_dataset_default_graphs", update=True, calls=[
        Call("POST", both("using-graph-uri", "two"),
             INSERT_ALL + f"INSERT {{ GRAPH <urn:t2> {{ ?s a <urn:Bib> }} }} WHERE {{ ?s a {DOC} }}", UPDATE),
        asked("urn:t2", [f"<{D}1> a <urn:Bib> .", f"<{D}2> a <urn:Bib> ."], f"<{D}3> a <urn:Bib>"),
    ]),
    Case("update_dataset_named_graphs", update=True, calls=[
        Call("POST", both("using-named-graph-uri", "two"),
             INSERT_ALL + f"INSERT {{ GRAPH <urn:t3> {{ ?s a <urn:Bib> }} }} WHERE {{ GRAPH ?g {{ ?s a {DOC} }} }}", UPDATE),
        asked("urn:t3", [f"<{D}1> a <urn:Bib> .", f"<{D}2> a <urn:Bib> ."], f"<{D}3> a <urn:Bib>"),
    ]),
    Case("update_dataset_full", update=True, calls=[
        Call("POST", [("using-graph-uri", f"{D}1"), ("using-named-graph-uri", f"{D}2")],
             INSERT_ALL + f"""INSERT {{ GRAPH <urn:t4> {{ ?s <urn:in> ?in }} }} WHERE {{
               {{ GRAPH ?g {{ ?s a {DOC} }} BIND(?g AS ?in) }} UNION {{ ?s a {DOC} . BIND("default" AS ?in) }} }}""",
             UPDATE),
        asked("urn:t4", [f'<{D}1> <urn:in> "default" .', f"<{D}2> <urn:in> <{D}2> ."], f"<{D}3> ?p ?o"),
    ]),
    Case("update_post_form", [Call("POST", [], "update=CLEAR+ALL", FORM, status=200)], update=True),
    Case("update_post_direct", [Call("POST", [], "CLEAR ALL", UPDATE)], update=True),
    Case("update_base_uri", update=True, calls=[
        Call("POST", [], "CLEAR SILENT GRAPH <urn:base> ; INSERT DATA { GRAPH <urn:base> { <urn:s> <urn:p> <test> } }",
             UPDATE),
        ask('ASK { GRAPH <urn:base> { <urn:s> <urn:p> ?o FILTER(isIRI(?o) && STR(?o) != "test") } }'),
    ]),
    Case("query_post_direct", [ask("ASK {}")]),
    Case("bad_query_method", [Call("PUT", [("query", "ASK {}")], None, FORM, status=400)]),
    Case("bad_multiple_queries", [Call("GET", [("query", "ASK {}"), ("query", "SELECT * {}")], status=400)]),
    Case("bad_query_wrong_media_type", [Call("POST", [], "ASK {}", "text/plain", status=400)]),
    Case("bad_query_missing_form_type", [Call("POST", [], "query=ASK%20%7B%7D", None, status=400)]),
    Case("bad_query_missing_direct_type", [Call("POST", [], "ASK {}", None, status=400)]),
    Case("bad_query_non_utf8", [Call("POST", [], "ASK {}".encode("utf-16"), f"{QUERY}; charset=UTF-16", status=400)]),
    Case("bad_query_syntax", [Call("GET", [("query", "ASK {")], status=400)]),
    Case("bad_update_get", [Call("GET", [("update", "CLEAR ALL")], status=400)], update=True),
    Case("bad_multiple_updates", [Call("POST", [], "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, status=400)],
         update=True),
    Case("bad_update_wrong_media_type", [Call("POST", [], "CLEAR NAMED", "text/plain", status=400)], update=True),
    Case("bad_update_missing_form_type", [Call("POST", [], "update=CLEAR%20NAMED", None, status=400)], update=True),
    Case("bad_update_non_utf8", [Call("POST", [], "CLEAR NAMED".encode("utf-16"), f"{UPDATE}; charset=UTF-16",
                                      status=400)], update=True),
    Case("bad_update_syntax", [Call("POST", [], "update=CLEAR%20XYZ", FORM, status=400)], update=True),
    Case("bad_update_dataset_conflict", update=True, calls=[
        Call("POST", [("using-named-graph-uri", "http://example/people")],
             "WITH <http://example/addresses> DELETE { ?p <urn:n> 'Bill' } INSERT { ?p <urn:n> 'William' } "
             "WHERE { ?p <urn:n> 'Bill' }", UPDATE, status=400),
    ]),
]


def protocol_out(root: Path) -> Path:
    out = root / "out"
    out.mkdir(parents=True)
    (out / GRAPH_NQ).write_text(DATA, encoding="utf-8")
    store = OxigraphStore(out / "store")
    store.load_file(out / GRAPH_NQ)
    store.close()
    return out


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = Served(protocol_out(tmp_path_factory.mktemp("protocol-ro")), "--workers", "1")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = Served(protocol_out(tmp_path_factory.mktemp("protocol-rw")), "--allow-update")
    yield served
    served.stop()


def run(server: Served, call: Call) -> None:
    url = server.sparql + ("?" + urllib.parse.urlencode(call.params) if call.params else "")
    body = call.body.encode("utf-8") if isinstance(call.body, str) else call.body
    headers = {"Content-Type": call.media} if call.media else {}
    if call.method == "POST" and call.media is None:
        headers["Content-Type"] = ""  # urllib would otherwise claim form encoding
    status, answer_headers, answer = request(url, body, headers, method=call.method)
    assert status // 100 == call.status // 100, (status, answer[:300])
    if call.status // 100 == 4:
        assert json.loads(answer)["status"] == status
    media = answer_headers.get("Content-Type", "").split(";")[0]
    if call.types:
        assert media in call.types, media
    if call.boolean is not None:
        assert json.loads(answer)["boolean"] is call.boolean


def test_all_34_cases_are_in_the_table() -> None:
    assert len(CASES) == 34 and len({case.name for case in CASES}) == 34


@pytest.mark.parametrize("case", [c for c in CASES if c.update], ids=lambda c: c.name)
def test_update_cases_on_a_writable_endpoint(writable: Served, case: Case) -> None:
    for call in case.calls:
        run(writable, call)


@pytest.mark.parametrize("case", [c for c in CASES if not c.update], ids=lambda c: c.name)
def test_query_cases_on_a_read_only_endpoint(read_only: Served, case: Case) -> None:
    for call in case.calls:
        run(read_only, call)


@pytest.mark.parametrize("case", [c for c in CASES if not c.update], ids=lambda c: c.name)
def test_query_cases_on_a_writable_endpoint(writable: Served, case: Case) -> None:
    run(writable, Call("POST", [], INSERT_ALL.strip().rstrip(";"), UPDATE))  # the update cases drop everything
    for call in case.calls:
        run(writable, call)


def test_clients_that_name_a_graph_read_only_that_graph(read_only: Served) -> None:
    """rdflib's SPARQLStore with an identifier, SPARQLWrapper's addDefaultGraph: one source's graph."""
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper

    graph = Graph(SPARQLStore(read_only.sparql), identifier=URIRef(f"{D}2"))
    assert {str(s) for s in graph.subjects()} == {f"{D}2"}
    client = SPARQLWrapper(read_only.sparql)
    client.addDefaultGraph(f"{D}3")
    client.setQuery("SELECT ?s WHERE { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["s"]["value"] for row in rows] == [f"{D}3"]


def test_an_empty_construct_still_says_what_it_is(read_only: Served) -> None:
    """rdflib's SPARQLStore needs a Content-Type even when the graph is empty."""
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s <urn:nothing> ?o }"
    for accept in ("text/turtle", "application/n-triples"):
        status, headers, body = request(f"{read_only.sparql}?{urllib.parse.urlencode({'query': query})}",
                                        headers={"Accept": accept})
        assert status == 200 and body == b"" and headers["Content-Type"].startswith(accept)
    graph = Graph(SPARQLStore(read_only.sparql), identifier=URIRef(f"{D}1"))
    assert len(graph.query(query).graph) == 0  # type: ignore[union-attr, arg-type]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(read_only: Served, method: str) -> None:
    status, headers, body = request(read_only.sparql, b"ASK {}", {"Content-Type": QUERY}, method=method)
    assert status == 405 and headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert json.loads(body)["status"] == 405
