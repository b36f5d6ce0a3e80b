"""A SPARQL server reached over HTTP: SPARQL 1.1 Protocol to query, Graph Store Protocol to load.

Any engine that speaks the two W3C protocols works the same way (Oxigraph server, Virtuoso, Amazon
Neptune, Fuseki, graphkit's own `serve`), so a graph outgrows one machine with no code change.

Spec forms (`--store URL`):

    http://127.0.0.1:7878                 Oxigraph server: /query, /update, /store
    http://127.0.0.1:7878/query           the same, named by its query endpoint
    http://127.0.0.1:8890/sparql?store=/sparql-graph-crud     Virtuoso
    https://neptune:8182/sparql?store=/sparql/gsp/            Amazon Neptune
    http://host/ds/query?update=/ds/update&store=/ds/data     explicit endpoints (Fuseki)

The keys `update`, `store` (absolute URLs or paths relative to the query URL), `batch` (triples per
request, default 50000), `timeout` (seconds, default 60), `union` (1/0: ask the server to treat
the default graph as the union of the named graphs) and `bind` (bind/values: how parameters are
bound, see inject_values) are graphkit's and are taken out of the URL; any other parameter stays on
the query URL. Without a store endpoint, graphs are loaded by SPARQL Update
(`DROP SILENT GRAPH` then `INSERT DATA`), which every updatable engine accepts.

Bindings never paste user text into a query: each bound term is serialised by rdflib (`.n3()`, which
escapes it) into `BIND(term AS ?var)` (or a one-row VALUES block) placed at the start of the query's
outermost WHERE group.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graphkit import results
from graphkit.rdf_mapping import Quad, Triple
from graphkit.store.base import Bindings, Graphs, QueryResult, Store

SKOLEM_AUTHORITY = "https://w3id.org/graphkit"
DEFAULT_BATCH = 50_000
DEFAULT_TIMEOUT = 60.0
RESULTS_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "application/sparql-results+xml;q=0.5"
)
VARIABLE_RE = re.compile(r"^[A-Za-z_\u00C0-\uFFFF][\w\u00B7\u0300-\u036F\u203F-\u2040]*$")


class RemoteError(ValueError):
    """The server refused or failed a request, or could not be reached; the message says which."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------------------------------
# SPARQL text scanning: enough of the SPARQL lexer to find keywords, groups and IRIs reliably,
# skipping comments, strings and IRIs. Shared with the endpoint's query guard.

TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>(?:[^\W\d]|_)?[\w\-]*(?:\.+[\w\-]+)*:(?:[\w\-:%\\]|\.(?=[\w\-:%\\]))*
             |(?:[^\W\d]|_)[\w\-]*(?:\.+[\w\-]+)*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (iri, name, var, string, other...), text and offsets."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str:
        """The upper-cased word if the token could be a keyword (a name without a colon), else ''."""
        return self.text.upper() if self.kind == "name" and ":" not in self.text else ""


def sparql_tokens(text: str) -> Iterator[Token]:
    """Tokens of SPARQL text, without whitespace and comments.

    An unterminated string or IRI falls through to a one-character token and scanning goes on,
    so whatever it hid is still seen: a scan errs on the side of seeing too much.
    """
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start(), match.end())


def _group_after(tokens: list[Token], start: int, where_only: bool) -> int | None:
    """Index of the `{` opening the WHERE group of the query form at tokens[start], at its depth."""
    depth, seen_where = 0, not where_only
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if depth == 0 and token.keyword == "WHERE":
            seen_where = True
        if token.text == "{":
            if depth == 0 and seen_where:
                return index
            depth += 1
        elif token.text == "}":
            if depth == 0:
                return None
            depth -= 1
    return None


def _group_end(tokens: list[Token], opening: int) -> int:
    """Index of the `}` matching the `{` at tokens[opening]."""
    depth = 0
    for index in range(opening, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[index].text, 0)
        if depth == 0:
            return index
    return len(tokens) - 1


def query_groups(tokens: list[Token]) -> list[tuple[int, set[str]]]:
    """(token index of the `{`, variables used inside) for the outermost WHERE group and each sub-select's.

    A sub-select is evaluated on its own, before the group around it sees its rows, so a variable
    bound only in the outer group would not restrict it: binding must reach every sub-select too.
    """
    groups = []
    outer = True
    for index, token in enumerate(tokens):
        word = token.keyword
        if word not in ("SELECT", "ASK", "DESCRIBE", "CONSTRUCT") or (word != "SELECT" and not outer):
            continue
        opening = _group_after(tokens, index, where_only=word == "CONSTRUCT")
        if opening is None:
            continue
        closing = _group_end(tokens, opening)
        used = {t.text[1:] for t in tokens[opening:closing] if t.kind == "var"}
        groups.append((opening, used | ({"*"} if outer else set())))
        outer = False
    if not groups:
        raise RemoteError("cannot bind variables: the query has no WHERE group")
    return groups


def _serialised(bindings: Bindings) -> list[tuple[str, str]]:
    """(variable, term in SPARQL syntax) pairs; each term serialised by rdflib, which escapes it."""
    pairs = []
    for name, term in bindings.items():
        if not VARIABLE_RE.match(name):
            raise RemoteError(f"not a SPARQL variable name: {name!r}")
        if isinstance(term, BNode) or not isinstance(term, URIRef | Literal):
            raise RemoteError(f"cannot bind ?{name} to {term!r}: only IRIs and literals can be bound")
        pairs.append((name, term.n3()))
    return pairs


def values_block(bindings: Bindings) -> str:
    """`VALUES (?a ?b) { (t1 t2) }`, every term serialised by rdflib, never pasted as raw text."""
    pairs = _serialised(bindings)
    return f"VALUES ({' '.join('?' + n for n, _ in pairs)}) {{ ({' '.join(t for _, t in pairs)}) }}"


def bind_block(bindings: Bindings) -> str:
    """`BIND(t1 AS ?a) BIND(t2 AS ?b)`: the same one-row binding as VALUES at the start of a group.

    The default, because Virtuoso 7 drops every row when a VALUES block is joined with a sub-select
    (which the named queries use to bind a name first), while BIND works on every engine tried.
    """
    return " ".join(f"BIND({term} AS ?{name})" for name, term in _serialised(bindings))


def inject_values(sparql: str, bindings: Bindings | None, style: str = "bind") -> str:
    """The query with its variables pre-bound, as Oxigraph's substitutions and rdflib's initBindings do.

    The binding goes at the start of the outermost WHERE group and of every sub-select that uses the
    variable. `style` is "bind" (BIND(term AS ?var), the default) or "values" (a one-row VALUES block).
    """
    if not bindings:
        return sparql
    tokens = list(sparql_tokens(sparql))
    block = values_block if style == "values" else bind_block
    text = sparql
    for opening, used in reversed(query_groups(tokens)):
        wanted = {name: term for name, term in bindings.items() if "*" in used or name in used}
        if wanted:
            at = tokens[opening].end
            text = f"{text[:at]}\n{block(wanted)}\n{text[at:]}"
    return text


# ---------------------------------------------------------------------------------------------
# Endpoints and HTTP.


@dataclass(frozen=True)
class Endpoints:
    """Where a server answers queries, updates and graph-store requests, and how to talk to it."""

    query: str
    update: str | None
    store: str | None
    union: bool = False
    batch: int = DEFAULT_BATCH
    timeout: float = DEFAULT_TIMEOUT
    bind: str = "bind"


def parse_spec(spec: str) -> Endpoints:
    """Endpoints from a `--store` URL (see the module docstring for the forms)."""
    parts = urlsplit(spec)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"not an http(s) URL of a SPARQL endpoint: {spec!r}")
    ours = {"update", "store", "batch", "timeout", "union", "bind"}
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    options = {key: value for key, value in pairs if key in ours}
    kept = urlencode([(key, value) for key, value in pairs if key not in ours])
    path = parts.path.rstrip("/")
    oxigraph_layout = path == "" or path.endswith("/query")
    if path == "":
        path = "/query"
    query = urlunsplit((parts.scheme, parts.netloc, path, kept, ""))
    base = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    update = urljoin(base, options["update"]) if "update" in options else urljoin(base, "update")
    store = urljoin(base, options["store"]) if "store" in options else None
    if not oxigraph_layout and "update" not in options:
        update = base
    if oxigraph_layout and "store" not in options:
        store = urljoin(base, "store")
    try:
        batch = int(options.get("batch", DEFAULT_BATCH))
        timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as exc:
        raise RemoteError(f"bad batch or timeout in {spec!r}: {exc}") from None
    union = options.get("union", "1" if oxigraph_layout else "0") not in ("0", "false", "no")
    bind = options.get("bind", "bind")
    if bind not in ("bind", "values"):
        raise RemoteError(f"bind={bind!r} in {spec!r}: use bind or values")
    return Endpoints(query, update, store, union, max(1, batch), timeout, bind)


class HttpClient:
    """Keep-alive HTTP connections, one per thread and server, so thousands of requests stay cheap."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._local = threading.local()

    def request(
        self, method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> tuple[int, str, bytes]:
        """Send one request; returns (status, content type, body). Retries once on a stale connection."""
        parts = urlsplit(url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        for attempt in (0, 1):
            connection, reused = self._connection(parts.scheme, parts.netloc)
            try:
                connection.request(method, target, body=body, headers=dict(headers or {}))
                response = connection.getresponse()
                data = response.read()
                if response.will_close:
                    self._drop(parts.scheme, parts.netloc)
                return response.status, response.getheader("Content-Type", ""), data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._drop(parts.scheme, parts.netloc)
                if not reused or attempt:
                    raise RemoteError(f"{url}: connection lost ({exc})") from None
            except TimeoutError:
                self._drop(parts.scheme, parts.netloc)
                raise RemoteError(f"{url}: no answer within {self.timeout:g} s") from None
            except OSError as exc:
                self._drop(parts.scheme, parts.netloc)
                raise RemoteError(f"cannot reach {url}: {exc.strerror or exc}") from None
        raise AssertionError("unreachable")

    def _connection(self, scheme: str, netloc: str) -> tuple[http.client.HTTPConnection, bool]:
        pool: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.setdefault("pool", {})
        connection = pool.get((scheme, netloc))
        if connection is not None:
            return connection, True
        factory = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = pool[(scheme, netloc)] = factory(netloc, timeout=self.timeout)
        return connection, False

    def _drop(self, scheme: str, netloc: str) -> None:
        pool = self._local.__dict__.get("pool", {})
        connection = pool.pop((scheme, netloc), None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for connection in self._local.__dict__.get("pool", {}).values():
            connection.close()
        self._local.__dict__["pool"] = {}


# ---------------------------------------------------------------------------------------------
# Terms and results.


def skolem(term: Node) -> Node:
    """A blank node as a `.well-known/genid/` IRI: servers may rename blank nodes, IRIs survive."""
    return term.skolemize(authority=SKOLEM_AUTHORITY) if isinstance(term, BNode) else term


def ntriples(triples: Iterable[Triple]) -> bytes:
    """N-Triples text of triples, blank nodes skolemised."""
    lines = (f"{skolem(s).n3()} {skolem(p).n3()} {skolem(o).n3()} .\n" for s, p, o in triples)
    return "".join(lines).encode("utf-8")


def _error_message(status: int, data: bytes) -> str:
    """The server's own explanation, trimmed: a one-line message, never a page of HTML."""
    text = data.decode("utf-8", "replace").strip()
    try:
        document = json.loads(text)
        text = str(document.get("error") or document.get("message") or text)
    except (ValueError, AttributeError):
        pass
    text = re.sub(r"<[^>]+>", " ", text)
    return f"HTTP {status}: {' '.join(text.split())[:500]}"


# ---------------------------------------------------------------------------------------------


#: The one variable of Virtuoso 7.2's answer to an ASK sent by POST: a row holding 1 when true, no
#: row when false, in every results format, where the protocol says a boolean.
VIRTUOSO_ASK = "__ASK_RETVAL"


def _asked(result: QueryResult) -> QueryResult:
    """A result as the protocol has it: Virtuoso's answer to an ASK (`VIRTUOSO_ASK`) as a boolean.
    Read as rows it was no answer, and the entity check took every true one for false (each named
    query then read all 226,000 names of a 10M graph: 17 s where the query takes 20 ms)."""
    if result.boolean is None and result.variables == [VIRTUOSO_ASK] and len(result.rows) <= 1:
        return QueryResult(boolean=bool(result.rows) and str(result.rows[0][0]) not in ("0", "false"))
    return result


class RemoteStore(Store):
    """A SPARQL server: queries and updates over the SPARQL Protocol, data over the Graph Store Protocol."""

    needs_network = True
    binds_parameters = False  # written into the query as VALUES or BIND (inject_values)

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.endpoints = parse_spec(spec)
        self.http = HttpClient(self.endpoints.timeout)

    # Queries --------------------------------------------------------------------------------

    def query(
        self, sparql: str, bindings: Bindings | None = None, *, graphs: Graphs | None = None, base: str | None = None
    ) -> QueryResult:
        text = inject_values(sparql, bindings, self.endpoints.bind)
        fields = [("query", f"BASE <{base}>\n{text}" if base else text)]
        if graphs:
            fields += [("default-graph-uri", name) for name in graphs.default]
            fields += [("named-graph-uri", name) for name in graphs.named]
        elif self.endpoints.union:
            fields.append(("union-default-graph", ""))
        status, content_type, data = self._post(self.endpoints.query, fields, RESULTS_ACCEPT)
        if status != 200:
            raise RemoteError(f"query failed: {_error_message(status, data)}", status)
        try:
            return _asked(results.read(content_type, data))
        except ValueError as exc:
            raise RemoteError(str(exc)) from None

    def update(self, sparql: str, *, using: Graphs | None = None, base: str | None = None) -> None:
        if not self.endpoints.update:
            raise RemoteError(f"{self.spec} has no update endpoint")
        fields = [("update", f"BASE <{base}>\n{sparql}" if base else sparql)]
        if using:
            fields += [("using-graph-uri", name) for name in using.default]
            fields += [("using-named-graph-uri", name) for name in using.named]
        status, _, data = self._post(self.endpoints.update, fields, "*/*")
        if status not in (200, 201, 204):
            raise RemoteError(f"update failed: {_error_message(status, data)}", status)

    def _post(self, url: str, fields: Sequence[tuple[str, str]], accept: str) -> tuple[int, str, bytes]:
        body = urlencode(fields).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.http.request("POST", url, body, headers)

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(str(result.rows[0][0])) if result.rows else 0

    # Loading --------------------------------------------------------------------------------

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """PUT the first batch (replacing the graph), POST the rest; an empty source empties it."""
        first = True
        for batch in _batches(triples, self.endpoints.batch):
            self._send_graph(graph, batch, replace=first)
            first = False
        if first:
            self._send_graph(graph, [], replace=True)

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Append quads, one graph-store POST per graph and batch (or INSERT DATA without a store)."""
        for batch in _batches(quads, self.endpoints.batch):
            if self.endpoints.store is None:
                self._insert_data(batch)
                continue
            by_graph: dict[URIRef, list[Triple]] = {}
            for s, p, o, g in batch:
                by_graph.setdefault(g, []).append((s, p, o))
            for graph, triples in by_graph.items():
                self._send_graph(graph, triples, replace=False)

    def _send_graph(self, graph: URIRef, triples: list[Triple], replace: bool) -> None:
        if self.endpoints.store is None:
            if replace:
                self.update(f"DROP SILENT GRAPH {graph.n3()}")
            if triples:
                self._insert_data([(s, p, o, graph) for s, p, o in triples])
            return
        url = f"{self.endpoints.store}{'&' if '?' in self.endpoints.store else '?'}{urlencode({'graph': graph})}"
        headers = {"Content-Type": "application/n-triples"}
        status, _, data = self.http.request("PUT" if replace else "POST", url, ntriples(triples), headers)
        if status not in (200, 201, 204):
            raise RemoteError(f"loading graph <{graph}> failed: {_error_message(status, data)}", status)

    def _insert_data(self, quads: list[Quad]) -> None:
        by_graph: dict[URIRef, list[str]] = {}
        for s, p, o, g in quads:
            by_graph.setdefault(g, []).append(f"{skolem(s).n3()} {skolem(p).n3()} {skolem(o).n3()} .")
        blocks = (f"GRAPH {g.n3()} {{\n{chr(10).join(lines)}\n}}" for g, lines in by_graph.items())
        self.update("INSERT DATA {\n" + "\n".join(blocks) + "\n}")

    def drop_graph(self, graph: URIRef) -> None:
        """Remove one named graph (a source withdrawn from the dataset)."""
        self.update(f"DROP SILENT GRAPH {graph.n3()}")

    def close(self) -> None:
        self.http.close()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
