"""`graphkit serve`: the built graph as a SPARQL 1.1 Protocol endpoint, safe to leave running.

Why the standard library's ThreadingHTTPServer and not a web framework: the endpoint is a handful
of routes, and everything hard about it (killing runaway queries, refusing queries that would fetch
from the network) is ours to write either way; no framework would remove a line of that.

Safety by default:
- read-only: SPARQL Update is refused (403) unless the server is started with `allow_update`;
- what a query or update may do is decided on rdflib's parse of it (graphkit.store.guard): SERVICE
  and LOAD are refused with 400, a text that does not parse is refused with 400 and never reaches the
  engine; FROM / FROM NAMED / USING and the protocol's graph parameters only choose graphs the store holds;
- the worker processes that run queries are cut off from the network where the platform allows it
  (a network namespace with no interface), so a gap in any parser still cannot fetch anything;
- every query runs in a worker process, and a query still running at the deadline is stopped by
  killing its process (threads cannot be killed), which is replaced; the client gets 503; a worker's
  memory is capped (`max_memory_mb`), and so is the size of one answer (`max_response_mb`);
- at most `max_rows` rows are returned, and the response says so (X-Graphkit-Truncated);
- every response carries security headers (CSP with frame-ancestors 'none', nosniff, no referrer);
- errors are JSON objects with a message, never a stack trace.

Routes: `/sparql` (GET and POST, form-encoded or direct), `/queries` (the named queries) and
`/queries/NAME?param=value`, `/health`, and `/` (the built index.html).
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import queue
import re
import signal
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph
from rdflib.term import Node

from graphkit.ontology import is_absolute_iri
from graphkit.render.page import served_page
from graphkit.results import SERIALIZERS, to_csv
from graphkit.store.base import Graphs, QueryResult, Store
from graphkit.store.guard import Refused, SparqlSyntaxError, guard

DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_MEMORY_MB = 4096
DEFAULT_MAX_RESPONSE_MB = 32
MAX_BODY = 1 << 20
BODY_TIMEOUT = 10.0  # seconds a client may take to send the body it announced
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
PAGE_CSP_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')
#: The protocol's dataset parameters: (default graphs, named graphs) of a query, of an update.
GRAPH_PARAMS = {
    "query": ("default-graph-uri", "named-graph-uri"),
    "update": ("using-graph-uri", "using-named-graph-uri"),
}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
RESULT_TYPES = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
GRAPH_TYPES = {
    "turtle": ("text/turtle", "application/x-turtle"),
    "nt": ("application/n-triples", "text/plain"),
    "xml": ("application/rdf+xml", "application/xml", "text/xml"),
    "json-ld": ("application/ld+json", "application/json"),
}
EXPOSED = "X-Graphkit-Rows, X-Graphkit-Row-Cap, X-Graphkit-Truncated"


def _parameter(text: str) -> tuple[str, str]:
    """A media type parameter `name=value` as (lower-case name, value without quotes)."""
    name, _, value = text.partition("=")
    return name.strip().lower(), value.strip().strip('"')


class HttpError(Exception):
    """An error answered as JSON with this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------------------------------
# Content negotiation.


def negotiate(accept: str, explicit: str | None, graph: bool) -> tuple[str, str]:
    """(format key, media type) for the Accept header or an explicit ?format= (as SPARQLWrapper sends)."""
    table = GRAPH_TYPES if graph else RESULT_TYPES
    if explicit:
        choice = explicit.strip().lower()
        for key, media in table.items():
            if choice == key or choice in media or (choice in ("ttl", "n3") and key == "turtle"):
                return key, media[0]
    ranked = _accept_ranges(accept or "*/*")
    for wanted, _ in ranked:
        for key, media in table.items():
            if wanted in media:
                return key, media[0]
        if wanted in ("*/*", "application/*", "text/*"):
            for key, media in table.items():
                if wanted == "*/*" or media[0].startswith(wanted[:-1]):
                    return key, media[0]
    offered = ", ".join(m[0] for m in table.values())
    raise HttpError(406, f"cannot answer in {accept!r}; available: {offered}")


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal quality)."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((media.lower(), -quality, position))
    return [(media, -q) for media, q, _ in sorted(ranges, key=lambda r: (r[1], r[2]))]


# ---------------------------------------------------------------------------------------------
# Worker processes.


@dataclass(frozen=True)
class StoreOpener:
    """How a worker process opens the graph (picklable, so it crosses into a spawned process)."""

    out: Path
    spec: str | None
    writable: bool = False
    in_memory: bool = False

    def open(self) -> Store:
        """The store to serve (`graphkit.api.open_built`): read-only unless updates are allowed."""
        from graphkit.api import open_built

        return open_built(self.out, self.spec, writable=self.writable, in_memory=self.in_memory and not self.writable)


@dataclass(frozen=True)
class Job:
    """One request for a worker: a query (with bindings) or an update, and how to answer.

    The worker parses it (so that a pathological text is stopped by the same deadline as a slow
    query), applies the guard, then negotiates the format from the query form it read.
    """

    kind: str
    text: str
    bindings: dict[str, Node] = field(default_factory=dict)
    accept: str = ""
    explicit: str | None = None  # ?format= / output= / results=, as some clients send
    graphs: Graphs | None = None  # the protocol's default/named-graph-uri (or using-… for updates)
    base: str | None = None  # the endpoint's URL: relative IRIs resolve against it
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_RESPONSE_MB << 20
    raw_csv: bool = False
    entities: tuple[str, ...] = ()  # bindings that name an entity (a named query's entity parameters)


@dataclass(frozen=True)
class Reply:
    """A worker's answer: an HTTP status, body and headers."""

    status: int
    body: bytes
    media: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _worker_main(connection: Any, opener: StoreOpener, max_memory_mb: int) -> None:
    """A worker: cut off from the network (unless the store is remote), memory capped, the store
    opened once; then it answers jobs until the server goes away."""
    from graphkit.isolation import cut_network, limit_memory
    from graphkit.store import StoreSpec

    remote = opener.spec is not None and StoreSpec.parse(opener.spec).kind.needs_network
    isolation = "" if remote else cut_network()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        limit_memory(max_memory_mb)
        store = opener.open()
    except Exception as exc:  # reported to the server, which refuses to start
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    connection.send(("ready", isolation))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            break
        connection.send(_execute(store, job))
    store.close()


def _address(server: Any) -> tuple[str, int]:
    """The (host, port) a server listens on (a socket server may hold the host as bytes)."""
    host, port = server.server_address[:2]
    return (host.decode() if isinstance(host, bytes) else str(host)), int(port)


def _execute(store: Store, job: Job) -> Reply:
    """Run one job; every failure becomes a one-line JSON error."""
    from graphkit.query import QueryError, check_entities
    from graphkit.store.remote import RemoteError

    try:
        operation = guard(job.text, job.kind, base=job.base)
        if job.entities:
            job = replace(job, bindings=check_entities(store, job.bindings, job.entities))
        if job.kind == "update":
            store.update(job.text, using=job.graphs, base=job.base)
            return Reply(204, b"", "")
        graph = operation.form in ("CONSTRUCT", "DESCRIBE")
        fmt, _ = negotiate(job.accept, job.explicit, graph)
        # own_dataset: the guard's parse says whether the query has FROM; the bindings do not change it
        cap, own = job.max_rows, operation.has_dataset
        if fmt == "json" and not graph:
            body, rows, truncated = store.sparql_json(
                job.text, job.bindings, cap=cap, graphs=job.graphs, base=job.base, own_dataset=own
            )
            reply = Reply(200, body, RESULT_TYPES["json"][0], _row_headers(rows, truncated, job))
        else:
            result, truncated = store.query_capped(
                job.text, job.bindings, cap=cap, graphs=job.graphs, base=job.base, own_dataset=own
            )
            reply = _answer(result, truncated, job, fmt, graph)
        if len(reply.body) > job.max_bytes:
            megabytes = job.max_bytes / (1 << 20)
            return _error_reply(400, f"the answer is larger than the {megabytes:g} MB response cap: add a LIMIT")
        return reply
    except HttpError as exc:
        return _error_reply(exc.status, str(exc))
    except (Refused, SparqlSyntaxError) as exc:
        return _error_reply(400, str(exc))
    except QueryError as exc:  # a named query's entity parameter names no entity
        return _error_reply(404, str(exc))
    except RemoteError as exc:
        return _error_reply(400 if exc.status and exc.status < 500 else 502, str(exc))
    except MemoryError:
        return _error_reply(503, "query stopped: it needed more memory than a worker may use")
    except (SyntaxError, ValueError) as exc:
        return _error_reply(400, f"bad {job.kind}: {' '.join(str(exc).split())}")
    except Exception as exc:
        return _error_reply(500, f"{job.kind} failed: {type(exc).__name__}: {' '.join(str(exc).split())}")


def _error_reply(status: int, message: str) -> Reply:
    return Reply(status, json.dumps({"error": message, "status": status}, ensure_ascii=False).encode("utf-8"))


def _row_headers(rows: int, truncated: bool, job: Job) -> dict[str, str]:
    """How many rows the answer holds, the cap, and whether the cap cut it."""
    return {
        "X-Graphkit-Rows": str(rows),
        "X-Graphkit-Row-Cap": str(job.max_rows),
        "X-Graphkit-Truncated": "true" if truncated else "false",
    }


def _answer(result: QueryResult, truncated: bool, job: Job, fmt: str, graph: bool) -> Reply:
    """Serialise in the negotiated format, with the row count and cap in headers."""
    headers = _row_headers(len(result.rows), truncated, job)
    if graph and result.boolean is None:
        body, media = _graph_body(result, fmt)
    elif fmt == "csv":
        body, media = to_csv(result, guard_formulas=not job.raw_csv).encode("utf-8"), RESULT_TYPES[fmt][0]
    else:
        body, media = SERIALIZERS[fmt](result).encode("utf-8"), RESULT_TYPES[fmt][0]
    return Reply(200, body, media, headers)


def _graph_body(result: QueryResult, fmt: str) -> tuple[bytes, str]:
    """CONSTRUCT / DESCRIBE results as Turtle, N-Triples, RDF/XML or JSON-LD."""
    if fmt in ("turtle", "nt"):
        lines = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in result.rows)  # type: ignore[union-attr]
        return lines.encode("utf-8"), GRAPH_TYPES[fmt][0]
    graph = Graph()
    for triple in result.rows:
        graph.add(triple)  # type: ignore[arg-type]
    return graph.serialize(format=fmt).encode("utf-8"), GRAPH_TYPES[fmt][0]


@dataclass(eq=False)
class Worker:
    """A worker process and the parent's end of its pipe."""

    process: Any
    connection: Any


class WorkerPool:
    """Worker processes that each hold the store open; a job past its deadline kills its worker."""

    def __init__(
        self, opener: StoreOpener, size: int, start_timeout: float = 900.0, max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    ) -> None:
        self.opener = opener
        self.size = size
        self.max_memory_mb = max_memory_mb
        self.isolation = ""  # how the workers are cut off from the network: namespace, sockets or ""
        self.start_timeout = start_timeout
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.workers: set[Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        starting = [self._spawn() for _ in range(size)]
        for worker in starting:
            self._await_ready(worker)
            self.idle.put(worker)

    def _spawn(self) -> Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main, args=(child, self.opener, self.max_memory_mb), daemon=True
        )
        process.start()
        child.close()
        worker = Worker(process, parent)
        with self.lock:
            self.workers.add(worker)
        return worker

    def _await_ready(self, worker: Worker) -> None:
        if not worker.connection.poll(self.start_timeout):
            self._kill(worker)
            raise RuntimeError(f"a worker did not open the store within {self.start_timeout:g} s")
        state, message = worker.connection.recv()
        if state != "ready":
            self._kill(worker)
            raise RuntimeError(f"cannot open the store: {message}")
        self.isolation = message

    def run(self, job: Job, timeout: float, wait: float) -> Reply:
        """Run a job on an idle worker; past `timeout` seconds the worker is killed and replaced."""
        try:
            worker = self.idle.get(timeout=wait)
        except queue.Empty:
            raise HttpError(503, f"server busy: no worker free within {wait:g} s") from None
        try:
            worker.connection.send(job)
            if worker.connection.poll(timeout):
                reply = worker.connection.recv()
                self.idle.put(worker)
                return reply
        except (EOFError, OSError):
            self._replace(worker)
            cap = self.max_memory_mb
            why = f", most likely over the {cap} MB memory cap (--max-memory-mb)" if cap else ""
            raise HttpError(503, f"query stopped: its worker ended{why}; a new one has started") from None
        self._replace(worker)
        raise HttpError(503, f"query stopped: it ran longer than the {timeout:g} s timeout")

    def pids(self) -> list[int]:
        """Process ids of the live workers (for /health and for tests that check a kill)."""
        with self.lock:
            return sorted(worker.process.pid for worker in self.workers)

    def _replace(self, worker: Worker) -> None:
        """Kill a worker and start another in the background, so the request returns at once."""
        self._kill(worker)
        threading.Thread(target=self._restart, daemon=True).start()

    def _restart(self) -> None:
        for attempt in range(5):
            if self.closed:
                return
            try:
                worker = self._spawn()
                self._await_ready(worker)
                self.idle.put(worker)
                return
            except (RuntimeError, OSError) as exc:
                print(f"graphkit serve: restarting a worker failed: {exc}", file=sys.stderr, flush=True)
                time.sleep(2**attempt)

    def _kill(self, worker: Worker) -> None:
        with self.lock:
            self.workers.discard(worker)
        worker.process.kill()
        worker.process.join(5)
        worker.connection.close()

    def close(self) -> None:
        """Stop every worker, busy or idle."""
        self.closed = True
        with self.lock:
            workers = list(self.workers)
        for worker in workers:
            self._kill(worker)


# ---------------------------------------------------------------------------------------------
# HTTP.


@dataclass
class ServerConfig:
    """What `graphkit serve` was asked for."""

    out: Path = Path("out")
    store: str | None = None
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    cors: str | None = None
    allow_update: bool = False
    workers: int = 0
    access_log: bool = False
    in_memory: bool = False
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    max_response_mb: int = DEFAULT_MAX_RESPONSE_MB
    raw_csv: bool = False

    def origins(self) -> list[str]:
        return [origin.strip() for origin in (self.cors or "").split(",") if origin.strip()]


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: many connections at once (threads), the work itself in the worker pool."""

    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True

    def __init__(self, config: ServerConfig, pool: WorkerPool) -> None:
        self.config = config
        self.pool = pool
        super().__init__((config.host, config.port), SparqlHandler)


class SparqlHandler(BaseHTTPRequestHandler):
    """Routes: /sparql, /queries, /queries/NAME, /health and /."""

    protocol_version = "HTTP/1.1"
    server_version = "graphkit"
    timeout = 120  # an idle keep-alive connection gives its thread back after two minutes
    server: SparqlServer

    # Plumbing --------------------------------------------------------------------------------

    def version_string(self) -> str:
        """The Server header: graphkit, without the Python version http.server would add."""
        return self.server_version

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._dispatch("GET")

    def do_OPTIONS(self) -> None:
        self._discard_body()
        self._send(204, b"", extra={"Allow": ALLOWED_METHODS, **self._preflight_headers()})

    def _not_allowed(self) -> None:
        self.close_connection = True  # the body, if any, is not read
        error = {"error": f"{self.command} is not supported here: use {ALLOWED_METHODS}", "status": 405}
        self._send(405, json.dumps(error).encode(), "application/json", {"Allow": ALLOWED_METHODS})

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def _dispatch(self, method: str) -> None:
        try:
            path = urlsplit(self.path).path.rstrip("/") or "/"
            if path == "/sparql":
                self._sparql(method)
            elif path == "/queries":
                self._discard_body()
                self._json(200, self._library())
            elif path.startswith("/queries/"):
                self._discard_body()
                self._named(path.removeprefix("/queries/"))
            elif path == "/health":
                self._discard_body()
                self._json(200, self._health())
            elif path in ("/", "/index.html") and method == "GET":
                self._page()
            else:
                self._discard_body()
                raise HttpError(404, f"no such resource {path!r}: the SPARQL endpoint is /sparql")
        except HttpError as exc:
            self._json(exc.status, {"error": str(exc), "status": exc.status})
        except Exception as exc:  # never a stack trace to the client
            self.log_error("internal error: %s: %s", type(exc).__name__, exc)
            self._json(500, {"error": f"internal error: {type(exc).__name__}", "status": 500})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unknown method) as JSON too."""
        self.close_connection = True
        self._json(code, {"error": message or self.responses.get(code, ("error",))[0], "status": code})

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.config.access_log:
            super().log_message(format, *args)

    def log_error(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"graphkit serve: {format % args}\n")

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise HttpError(411, "send the request body with a Content-Length")
        size = int(length) if length and length.isdigit() else 0
        if size > MAX_BODY:
            self.close_connection = True
            raise HttpError(413, f"request body over {MAX_BODY} bytes")
        if not size:
            return b""
        # A client that announces more than it sends holds this thread only for BODY_TIMEOUT seconds.
        self.connection.settimeout(BODY_TIMEOUT)
        try:
            body = self.rfile.read(size)
        except TimeoutError:
            body = b""
        finally:
            self.connection.settimeout(self.timeout)
        if len(body) < size:
            self.close_connection = True
            raise HttpError(400, f"the request body was not sent within {BODY_TIMEOUT:g} s")
        return body

    def _query_string(self) -> str:
        """The URL's query string; http.server reads the request line as Latin-1, so raw UTF-8 is undone."""
        raw = urlsplit(self.path).query
        try:
            return raw.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return raw

    def _discard_body(self) -> None:
        if self.command == "POST":
            self._body()

    def _cors_headers(self) -> dict[str, str]:
        origins = self.server.config.origins()
        if not origins:
            return {}
        origin = self.headers.get("Origin", "") if getattr(self, "headers", None) else ""
        if "*" in origins:
            allowed = "*"
        elif origin in origins:
            allowed = origin
        else:
            return {"Vary": "Origin"}
        return {"Access-Control-Allow-Origin": allowed, "Access-Control-Expose-Headers": EXPOSED, "Vary": "Origin"}

    def _preflight_headers(self) -> dict[str, str]:
        headers = self._cors_headers()
        if "Access-Control-Allow-Origin" in headers:
            headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            headers["Access-Control-Max-Age"] = "600"
        return headers

    def _send(self, status: int, body: bytes, media: str = "", extra: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        if media:
            charset = "; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else ""
            self.send_header("Content-Type", media + charset)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**SECURITY_HEADERS, **self._cors_headers(), **(extra or {})}.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, status: int, document: Any) -> None:
        self._send(status, json.dumps(document, ensure_ascii=False).encode("utf-8"), "application/json")

    # Routes ----------------------------------------------------------------------------------

    def _sparql(self, method: str) -> None:
        kind, text, params = self._operation(method)
        from graphkit.query import with_prefixes

        if kind == "update" and not self.server.config.allow_update:
            raise HttpError(403, "this endpoint is read-only: start `graphkit serve --allow-update` to accept updates")
        self._run(kind, with_prefixes(text), {}, params)

    def _operation(self, method: str) -> tuple[str, str, dict[str, list[str]]]:
        """(query | update, its text, the other parameters) from GET, form POST or direct POST."""
        params = parse_qs(self._query_string(), keep_blank_values=True)
        if method == "POST":
            media, _, options = self.headers.get("Content-Type", "").partition(";")
            media = media.strip().lower()
            charset = dict(_parameter(o) for o in options.split(";") if "=" in o).get("charset", "utf-8")
            if charset.lower().replace("-", "") != "utf8":
                raise HttpError(415, f"charset {charset!r} is not supported: send UTF-8")
            try:
                body = self._body().decode("utf-8")
            except UnicodeDecodeError:
                raise HttpError(400, "the request body is not UTF-8") from None
            if media == "application/x-www-form-urlencoded":
                for name, values in parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(name, []).extend(values)
            elif media in ("application/sparql-query", "application/sparql-update"):
                return media.removeprefix("application/sparql-"), body, params
            else:
                raise HttpError(415, f"unsupported Content-Type {media!r} for POST /sparql")
        elif "update" in params:
            raise HttpError(400, "updates must be sent with POST")
        queries, updates = params.pop("query", []), params.pop("update", [])
        if len(queries) + len(updates) != 1:
            raise HttpError(400, "give exactly one 'query' (or, with POST, one 'update') parameter")
        return ("query", queries[0], params) if queries else ("update", updates[0], params)

    def _run(self, kind: str, text: str, bindings: dict[str, Node], params: Mapping[str, list[str]],
             entities: tuple[str, ...] = ()) -> None:
        config = self.server.config
        own = GRAPH_PARAMS[kind]
        for other in GRAPH_PARAMS["update" if kind == "query" else "query"]:
            if params.get(other):
                raise HttpError(400, f"{other} does not apply to a {kind}")
        graphs = Graphs(tuple(params.get(own[0], ())), tuple(params.get(own[1], ())))
        for iri in (*graphs.default, *graphs.named):
            if not is_absolute_iri(iri):
                raise HttpError(400, f"not an absolute IRI: {iri[:200]!r}")
        host, port = _address(self.server)
        job = Job(
            kind, text, bindings,
            accept=self.headers.get("Accept", ""),
            explicit=next((params[n][0] for n in ("format", "output", "results") if params.get(n)), None),
            graphs=graphs or None,
            base=f"http://{host if ':' not in str(host) else f'[{host}]'}:{port}/sparql",
            max_rows=config.max_rows,
            max_bytes=config.max_response_mb << 20,
            raw_csv=config.raw_csv,
            entities=entities,
        )
        reply = self.server.pool.run(job, config.timeout, wait=max(30.0, config.timeout * 3))
        self._send(reply.status, reply.body, reply.media, reply.headers)

    def _named(self, name: str) -> None:
        from urllib.parse import unquote

        from graphkit.query import QueryError, named_queries, with_prefixes

        library = named_queries()
        named = library.get(unquote(name))
        if named is None:
            raise HttpError(404, f"no named query {unquote(name)!r}; GET /queries lists them")
        params = parse_qs(self._query_string(), keep_blank_values=True)
        values = {k: v[0] for k, v in params.items() if k not in ("format", "output", "results")}
        try:
            bindings = named.bindings(values)
        except QueryError as exc:
            raise HttpError(400, str(exc)) from None
        self._run("query", with_prefixes(named.text), bindings, params, named.entity_params)

    def _library(self) -> list[dict[str, Any]]:
        from graphkit.query import named_queries

        return [
            {
                "name": q.name,
                "description": q.description,
                "params": [
                    {"name": p.name, "kind": p.kind, "description": p.description, "default": p.default}
                    for p in q.params
                ],
            }
            for q in sorted(named_queries().values(), key=lambda q: q.name)
        ]

    def _health(self) -> dict[str, Any]:
        config = self.server.config
        return {
            "status": "ok",
            "store": config.store or str(config.out),
            "workers": self.server.pool.size,
            "idle_workers": self.server.pool.idle.qsize(),
            "worker_pids": self.server.pool.pids(),
            "read_only": not config.allow_update,
            "network_isolation": self.server.pool.isolation or "none (remote store)",
            "timeout_s": config.timeout,
            "max_rows": config.max_rows,
        }

    def _page(self) -> None:
        page = self.server.config.out / "index.html"
        if page.is_file():
            text = served_page(page.read_text(encoding="utf-8"))
            match = PAGE_CSP_RE.search(text)
            policy = html.unescape(match.group(1)) if match else SECURITY_HEADERS["Content-Security-Policy"]
            csp = {"Content-Security-Policy": f"{policy.rstrip('; ')}; frame-ancestors 'none'"}
            self._send(200, text.encode("utf-8"), "text/html", csp)
            return
        body = b"<!doctype html><title>graphkit</title><p>SPARQL endpoint: <a href='/sparql'>/sparql</a>"
        self._send(200, body, "text/html")


# ---------------------------------------------------------------------------------------------
# Entry points.


def make_server(config: ServerConfig) -> SparqlServer:
    """Start the worker pool and bind the server (not yet serving); port 0 picks a free port."""
    workers = 1 if config.allow_update else (config.workers or os.cpu_count() or 2)
    opener = StoreOpener(config.out, config.store, writable=config.allow_update, in_memory=config.in_memory)
    pool = WorkerPool(opener, workers, max_memory_mb=config.max_memory_mb)
    try:
        return SparqlServer(config, pool)
    except OSError:
        pool.close()
        raise


def serve(
    store_spec: str | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    out: Path | str = "out",
    **options: Any,
) -> None:
    """Serve the graph until interrupted (SIGINT or SIGTERM); `options` are ServerConfig fields."""
    config = ServerConfig(out=Path(out), store=store_spec, host=host, port=port, **options)
    server = make_server(config)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    bound_host, bound_port = _address(server)
    mode = "read-write" if config.allow_update else "read-only"
    url = f"http://{bound_host if ':' not in bound_host else f'[{bound_host}]'}:{bound_port}"
    print(
        f"graphkit serving {config.store or config.out}: explorer {url}/ · SPARQL {url}/sparql "
        f"({mode}, {server.pool.size} workers, timeout {config.timeout:g} s, row cap {config.max_rows})",
        flush=True,
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}, reachable from other machines", file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.pool.close()


__all__ = ["ServerConfig", "make_server", "serve"]
