"""The endpoint's HTTP side: routes, request bodies, CORS and security headers, the served page, and
`serve`, which runs it until interrupted."""


from __future__ import annotations

import html
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rdflib.term import Node

from graphkit.ontology import is_absolute_iri
from graphkit.render.page import served_page
from graphkit.server.negotiation import HttpError, media_parameter
from graphkit.server.workers import (
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_RESPONSE_MB,
    DEFAULT_MAX_ROWS,
    Job,
    StoreOpener,
    WorkerPool,
    bound_address,
)
from graphkit.store.base import Graphs

DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
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
EXPOSED = "X-Graphkit-Rows, X-Graphkit-Row-Cap, X-Graphkit-Truncated"


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
            charset = dict(media_parameter(o) for o in options.split(";") if "=" in o).get("charset", "utf-8")
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
        host, port = bound_address(self.server)
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
    bound_host, bound_port = bound_address(server)
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
