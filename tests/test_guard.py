"""The query guard against an attacker: probes that try to make graphkit fetch, and a listener that must hear nothing.

A loopback TCP listener stands for any host an attacker would want the server to reach. Every probe
names it; the guard must refuse what would fetch (SERVICE, LOAD) wherever the parser finds it, and
what only selects graphs (FROM, USING, the protocol's graph parameters) must run without fetching.
The probes are built from lexical tricks (escaped names, strings and comments that hide quotes or #,
code-point escapes) times the places a pattern can nest, so a tokenizer that loses its place once is
caught. The same listener proves it would have heard a fetch: with --allow-network the CLI reaches it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphkit.store.guard import Refused, SparqlSyntaxError, guard, inspect
from tests.conftest import REPO, Served, graphkit_cli
from tests.test_server import post_form, request, write_out


class Listener:
    """A loopback TCP server that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.heard: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            connection.settimeout(1)
            try:
                self.heard.append(connection.recv(4096) or b"(connected)")
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                self.heard.append(b"(connected)")
            finally:
                connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.socket.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    heard = Listener()
    yield heard
    heard.close()


# ----------------------------------------------------------------------------------------------
# The probe corpus.

# Text placed before the pattern: each is valid SPARQL that a regular-expression tokenizer can misread.
LEXICAL = {
    "plain": "",
    "escaped-quote-in-name": r"?s ?p ex:a\'b .",
    "escaped-hash-in-name": r"?s ?p ex:a\#b .",
    "escaped-dquote-in-name": r'?s ?p ex:a\"b .',
    "string-with-hash": '?s ?p "# not a comment" .',
    "string-with-quote": "?s ?p \"it's\" .",
    "long-string-with-newline": '?s ?p """a\n# b\n\'c""" .',
    "comment-with-quote": "# it's a comment with \" and '\n",
    "iri-with-hash": "?s ?p <urn:x#y> .",
    "codepoint-escaped-keyword": "",  # the SERVICE keyword itself is written \u0053ERVICE
    "lower-case": "",  # service silent, in lower case
    "prefixed-target": "",  # SERVICE ex2: with the listener's URL as prefix
}
# Where the SERVICE pattern stands.
NESTING = {
    "top": "{pre} {svc}",
    "optional": "{pre} OPTIONAL {{ {svc} }}",
    "union": "{{ {pre} }} UNION {{ {svc} }}",
    "minus": "?s ?p ?o MINUS {{ {pre} {svc} }}",
    "subselect": "{{ SELECT * WHERE {{ {pre} {svc} }} }}",
    "filter-exists": "?s ?p ?o FILTER EXISTS {{ {pre} {svc} }}",
    "filter-not-exists": "?s ?p ?o FILTER NOT EXISTS {{ {pre} {svc} }}",
    "graph": "GRAPH ?g {{ {pre} {svc} }}",
    "service-variable": "{pre} VALUES ?endpoint {{ <{url}> }} SERVICE ?endpoint {{ ?a ?b ?c }}",
    "nested-service": "{pre} SERVICE SILENT <urn:none> {{ {svc} }}",
}
FORMS = {
    "select": "PREFIX ex: <urn:x:> PREFIX ex2: <{url}> SELECT * WHERE {{ {body} }}",
    "ask": "PREFIX ex: <urn:x:> PREFIX ex2: <{url}> ASK {{ {body} }}",
    "construct": "PREFIX ex: <urn:x:> PREFIX ex2: <{url}> CONSTRUCT {{ ?a ?b ?c }} WHERE {{ {body} }}",
}


def service(trick: str, url: str) -> str:
    if trick == "codepoint-escaped-keyword":
        return f"\\u0053ERVICE <{url}> {{ ?a ?b ?c }}"
    if trick == "lower-case":
        return f"service silent <{url}> {{ ?a ?b ?c }}"
    if trick == "prefixed-target":
        return "SERVICE ex2: { ?a ?b ?c }"
    return f"SERVICE <{url}> {{ ?a ?b ?c }}"


def fetching_queries(url: str) -> dict[str, str]:
    """Queries that would fetch from `url` if they ran: lexical trick x nesting x query form."""
    probes = {}
    for trick, pre in LEXICAL.items():
        for place, shape in NESTING.items():
            for form, frame in FORMS.items():
                if form != "select" and trick not in ("plain", "escaped-quote-in-name"):
                    continue
                body = shape.format(pre=pre, svc=service(trick, url), url=url)
                probes[f"{form}/{trick}/{place}"] = frame.format(url=url, body=body)
    return probes


def selecting_queries(url: str) -> dict[str, str]:
    """Queries that name the listener (or a local file) as a graph: answered from the store, nothing fetched."""
    return {
        "from-http": f"SELECT (COUNT(*) AS ?n) FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
        "from-named-http": f"SELECT (COUNT(*) AS ?n) FROM NAMED <{url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from-prefixed": f"PREFIX l: <{url}> SELECT (COUNT(*) AS ?n) FROM l:data WHERE {{ ?s ?p ?o }}",
        "from-base-relative": f"BASE <{url}> SELECT (COUNT(*) AS ?n) FROM <data.ttl> WHERE {{ ?s ?p ?o }}",
        "from-relative": "SELECT (COUNT(*) AS ?n) FROM <data.nt> WHERE { ?s ?p ?o }",
        "from-file": "SELECT (COUNT(*) AS ?n) FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
        "from-escaped": f"SELECT (COUNT(*) AS ?n) \\u0046ROM <{url}x> WHERE {{ ?s ?p ?o }}",
    }


def fetching_updates(url: str) -> dict[str, str]:
    return {
        "load": f"LOAD <{url}data.ttl>",
        "load-silent": f"LOAD SILENT <{url}data.ttl>",
        "load-into": f"LOAD <{url}d.ttl> INTO GRAPH <urn:g>",
        "load-after-clear": f"CLEAR SILENT GRAPH <urn:g> ; LOAD <{url}d.ttl>",
        "load-escaped": f"\\u004cOAD <{url}d.ttl>",
        "load-after-escaped-name": f"PREFIX ex: <urn:x:> INSERT DATA {{ ex:a\\'b ex:p 1 }} ; LOAD <{url}d>",
        "insert-where-service": f"INSERT {{ ?a ?b ?c }} WHERE {{ SERVICE <{url}> {{ ?a ?b ?c }} }}",
        "delete-where-optional-service": (
            f"DELETE {{ ?a ?b ?c }} WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }}"
        ),
    }


def selecting_updates(url: str) -> dict[str, str]:
    return {
        "using-http": f"INSERT {{ GRAPH <urn:copy> {{ ?s ?p ?o }} }} USING <{url}g> WHERE {{ ?s ?p ?o }}",
        "using-named-file": "INSERT { GRAPH <urn:copy> { ?s ?p ?o } } USING NAMED <file:///etc/hostname> "
        "WHERE { GRAPH ?g { ?s ?p ?o } }",
        "with-http": f"WITH <{url}g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    }


def assert_silent(listener: Listener) -> None:
    time.sleep(0.2)
    assert listener.heard == [], f"the listener was reached: {listener.heard[:3]}"


# ----------------------------------------------------------------------------------------------
# The guard on its own.


def test_the_guard_refuses_every_fetching_probe() -> None:
    probes = fetching_queries("http://127.0.0.1:9/")
    assert len(probes) >= 140
    for name, query in probes.items():
        with pytest.raises((Refused, SparqlSyntaxError)):
            guard(query)
            pytest.fail(f"probe {name} was let through")
    # Most probes parse, so the refusal is the guard's decision, not the parser's failure.
    parsed = [name for name, query in probes.items() if _parses(query)]
    assert len(parsed) >= len(probes) * 0.7, "too few probes parse: the corpus tests the parser, not the guard"


def _parses(query: str) -> bool:
    try:
        inspect(query)
    except SparqlSyntaxError:
        return False
    return True


def test_the_guard_finds_the_target_of_a_prefixed_or_relative_service() -> None:
    operation = inspect("PREFIX l: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE l:x { ?s ?p ?o } }")
    assert operation.services == ("<http://127.0.0.1:9/x>",)
    relative = inspect("SELECT * WHERE { SERVICE <x> { ?s ?p ?o } }", base="http://127.0.0.1:9/sparql")
    assert relative.services == ("<http://127.0.0.1:9/x>",)


def test_text_that_only_looks_dangerous_is_allowed() -> None:
    operation = guard('SELECT ?x WHERE { BIND("SERVICE <http://x> FROM <http://y>" AS ?x) } # LOAD <http://z>')
    assert operation.services == () and operation.loads == () and operation.default_graphs == ()
    assert guard("SELECT * FROM <urn:graphkit:g> WHERE { ?s ?p ?o }").default_graphs == ("urn:graphkit:g",)


def test_a_text_the_parser_cannot_read_is_refused_not_passed_on() -> None:
    with pytest.raises(SparqlSyntaxError, match="bad query"):
        guard("SELECT * WHERE { ?s ?p ")
    with pytest.raises(SparqlSyntaxError, match=r"nested too deeply|bad query"):
        guard("SELECT * WHERE " + "{" * 5000 + "}" * 5000)


def test_opting_in_lets_service_through() -> None:
    assert guard("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", allow_network=True).services


# ----------------------------------------------------------------------------------------------
# The endpoint, with a listener that must hear nothing.


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_out(tmp_path_factory.mktemp("guard") / "out")


@pytest.fixture(scope="module", params=[(), ("--in-memory",), ("--store", "memory")], ids=["default", "in-memory",
                                                                                           "memory"])
def served(request: pytest.FixtureRequest, out: Path) -> Iterator[Served]:
    server = Served(out, *request.param)
    yield server
    server.stop()


def _get(server: Served, query: str, **params: str) -> tuple[int, bytes]:
    fields = urllib.parse.urlencode({"query": query, **params})
    status, _, body = request(f"{server.sparql}?{fields}", headers={"Accept": "application/sparql-results+json"})
    return status, body


def test_fetching_probes_are_refused_by_the_endpoint(served: Served, listener: Listener) -> None:
    probes = fetching_queries(listener.url)
    refused = 0
    for name, query in probes.items():
        status, body = _get(served, query)
        assert status == 400, (name, body[:300])
        assert "Traceback" not in body.decode()
        refused += 1
    assert refused == len(probes)
    assert_silent(listener)


def test_graph_selecting_probes_run_without_fetching(served: Served, listener: Listener) -> None:
    for name, query in selecting_queries(listener.url).items():
        status, body = _get(served, query)
        if name == "from-escaped" and status == 400:  # Oxigraph does not expand \u outside strings: an error
            continue
        assert status == 200, (name, body[:300])
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0", name
    for param in ("default-graph-uri", "named-graph-uri"):
        status, body = _get(served, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{param: listener.url})
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"
    assert_silent(listener)


def test_fetching_updates_are_refused_even_when_writable(writable: Served, listener: Listener) -> None:
    for name, update in fetching_updates(listener.url).items():
        status, _, body = post_form(writable, "update", update)
        assert status == 400 and b"Traceback" not in body, (name, body[:300])
    for name, update in selecting_updates(listener.url).items():
        status, _, body = post_form(writable, "update", update)
        assert status == 204, (name, body[:300])
    fields = urllib.parse.urlencode({"using-graph-uri": listener.url})
    update = b"INSERT { GRAPH <urn:copy2> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    status, _, body = request(f"{writable.sparql}?{fields}", update, {"Content-Type": "application/sparql-update"})
    assert status == 204, body
    assert_silent(listener)


def test_the_workers_have_no_network(served: Served) -> None:
    status, _, body = request(f"{served.base}/health")
    assert status == 200
    assert json.loads(body)["network_isolation"] in ("namespace", "sockets")


# ----------------------------------------------------------------------------------------------
# Defence in depth: a worker's isolation stops a fetch that the guard never saw.

ISOLATED_FETCH = """
import sys
from graphkit.isolation import cut_network
print(cut_network())
import pyoxigraph, rdflib
url = sys.argv[1]
for run in (lambda: list(pyoxigraph.Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")),
            lambda: list(rdflib.Graph().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))):
    try:
        run()
        print("fetched")
    except Exception as exc:
        print("failed", type(exc).__name__)
"""


def test_an_isolated_worker_cannot_fetch_even_past_the_guard() -> None:
    heard = Listener()
    try:
        result = subprocess.run(
            [sys.executable, "-c", ISOLATED_FETCH, heard.url], capture_output=True, text=True, timeout=120, cwd=REPO
        )
        mode, oxigraph, rdflib = result.stdout.split("\n")[:3]
        assert rdflib.startswith("failed"), result.stdout + result.stderr
        if mode == "namespace":  # Linux with the capability or user namespaces: CI and developers' machines
            assert oxigraph.startswith("failed"), result.stdout
            assert_silent(heard)
        else:
            assert mode == "sockets", result.stdout + result.stderr
    finally:
        heard.close()


# ----------------------------------------------------------------------------------------------
# The command line: the same policy, with an explicit opt-in.


def test_cli_refuses_service_on_every_store(built: Path, listener: Listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    for store in ([], ["--store", "memory"]):
        result = graphkit_cli("query", query, "--out", str(built), *store)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "SERVICE" in result.stderr and "--allow-network" in result.stderr
        assert "Traceback" not in result.stderr
    assert_silent(listener)


def test_cli_from_a_file_reads_nothing(built: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.nt"
    secret.write_text("<urn:secret> <urn:p> <urn:o> .\n", encoding="utf-8")
    for query in (f"SELECT ?s FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}", "SELECT ?s FROM <secret.nt> WHERE { ?s ?p ?o }"):
        for store in ([], ["--store", "memory"]):
            result = graphkit_cli("query", query, "--out", str(built), "--format", "csv", *store, cwd=tmp_path)
            assert "urn:secret" not in result.stdout + result.stderr
            if result.returncode:  # a relative IRI with no base: Oxigraph's one-line error
                assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
            else:
                assert result.stdout.strip() == "s", result.stdout


def test_cli_syntax_error_is_one_line(built: Path) -> None:
    for store in ([], ["--store", "memory"]):
        result = graphkit_cli("query", "SELECT * WHERE { ?s ?p [/bold] ", "--out", str(built), *store)
        assert result.returncode == 2
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_cli_allow_network_reaches_the_listener(built: Path) -> None:
    """The opt-in works, which also shows the listener would have heard any fetch above."""
    heard = Listener()
    try:
        query = f"SELECT * WHERE {{ SERVICE <{heard.url}> {{ ?s ?p ?o }} }}"
        result = graphkit_cli("query", query, "--out", str(built), "--store", "memory", "--allow-network")
        time.sleep(0.3)
        assert heard.heard, result.stderr
    finally:
        heard.close()
