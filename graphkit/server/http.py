"""The endpoint's HTTP side: routes, request bodies, CORS and security headers, the served page, and
`serve`, which runs it until interrupted."""


from __future__ import annotations

import asyncio
import html
import json
import os
import re
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from rdflib.term import Node
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graphkit.ontology import is_absolute_iri
from graphkit.server.limits import (
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_RESPONSE_MB,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
)
from graphkit.server.negotiation import HttpError, media_parameter
from graphkit.server.workers import (
    Job,
    StoreOpener,
    WorkerPool,
)
from graphkit.store.base import Graphs

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


class _Endpoint:
    """The routes, over one worker pool: /sparql, /queries, /queries/NAME, /health and /."""

    def __init__(self, config: ServerConfig, pool: WorkerPool) -> None:
        self.config, self.pool = config, pool

    # Routes ----------------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        kind, text, params = await self._operation(request)
        from graphkit.query import with_prefixes

        if kind == "update" and not self.config.allow_update:
            raise HttpError(403, "this endpoint is read-only: start `graphkit serve --allow-update` to accept updates")
        return await self._run(request, kind, with_prefixes(text), {}, params)

    async def _operation(self, request: Request) -> tuple[str, str, dict[str, list[str]]]:
        """(query | update, its text, the other parameters) from GET, form POST or direct POST."""
        params = _query(request)
        if request.method == "POST":
            media, _, options = request.headers.get("content-type", "").partition(";")
            media = media.strip().lower()
            charset = dict(media_parameter(o) for o in options.split(";") if "=" in o).get("charset", "utf-8")
            if charset.lower().replace("-", "") != "utf8":
                raise HttpError(415, f"charset {charset!r} is not supported: send UTF-8")
            try:
                body = (await _body(request)).decode("utf-8")
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

    async def _run(self, request: Request, kind: str, text: str, bindings: dict[str, Node],
                   params: Mapping[str, list[str]], entities: tuple[str, ...] = ()) -> Response:
        config = self.config
        own = GRAPH_PARAMS[kind]
        for other in GRAPH_PARAMS["update" if kind == "query" else "query"]:
            if params.get(other):
                raise HttpError(400, f"{other} does not apply to a {kind}")
        graphs = Graphs(tuple(params.get(own[0], ())), tuple(params.get(own[1], ())))
        for iri in (*graphs.default, *graphs.named):
            if not is_absolute_iri(iri):
                raise HttpError(400, f"not an absolute IRI: {iri[:200]!r}")
        host, port = request.scope.get("server") or (config.host, config.port)
        job = Job(
            kind, text, bindings,
            accept=request.headers.get("accept", ""),
            explicit=next((params[n][0] for n in ("format", "output", "results") if params.get(n)), None),
            graphs=graphs or None,
            base=f"http://{host if ':' not in str(host) else f'[{host}]'}:{port}/sparql",
            max_rows=config.max_rows,
            max_bytes=config.max_response_mb << 20,
            raw_csv=config.raw_csv,
            entities=entities,
        )
        reply = await run_in_threadpool(self.pool.run, job, config.timeout, max(30.0, config.timeout * 3))
        return _response(reply.status, reply.body, reply.media, reply.headers)

    async def named(self, request: Request) -> Response:
        from urllib.parse import unquote

        from graphkit.query import QueryError, named_queries, with_prefixes

        await _discard(request)
        name = unquote(request.path_params["name"])
        named = named_queries().get(name)
        if named is None:
            raise HttpError(404, f"no named query {name!r}; GET /queries lists them")
        params = _query(request)
        values = {k: v[0] for k, v in params.items() if k not in ("format", "output", "results")}
        try:
            bindings = named.bindings(values)
        except QueryError as exc:
            raise HttpError(400, str(exc)) from None
        return await self._run(request, "query", with_prefixes(named.text), bindings, params, named.entity_params)

    async def library(self, request: Request) -> Response:
        from graphkit.query import named_queries

        await _discard(request)
        return _json(200, [
            {
                "name": q.name,
                "description": q.description,
                "params": [
                    {"name": p.name, "kind": p.kind, "description": p.description, "default": p.default}
                    for p in q.params
                ],
            }
            for q in sorted(named_queries().values(), key=lambda q: q.name)
        ])

    async def health(self, request: Request) -> Response:
        await _discard(request)
        config = self.config
        return _json(200, {
            "status": "ok",
            "store": config.store or str(config.out),
            "workers": self.pool.size,
            "idle_workers": self.pool.idle.qsize(),
            "worker_pids": self.pool.pids(),
            "read_only": not config.allow_update,
            "network_isolation": self.pool.isolation or "none (remote store)",
            "timeout_s": config.timeout,
            "max_rows": config.max_rows,
        })

    async def page(self, request: Request) -> Response:
        if request.method == "POST":
            await _discard(request)
            raise HttpError(404, f"no such resource {request.url.path!r}: the SPARQL endpoint is /sparql")
        page = self.config.out / "index.html"
        if page.is_file():
            from graphkit.render.page import served_page  # the page's module (networkx, pyvis): when asked

            text = served_page(page.read_text(encoding="utf-8"))
            match = PAGE_CSP_RE.search(text)
            policy = html.unescape(match.group(1)) if match else SECURITY_HEADERS["Content-Security-Policy"]
            csp = {"Content-Security-Policy": f"{policy.rstrip('; ')}; frame-ancestors 'none'"}
            return _response(200, text.encode("utf-8"), "text/html", csp)
        body = b"<!doctype html><title>graphkit</title><p>SPARQL endpoint: <a href='/sparql'>/sparql</a>"
        return _response(200, body, "text/html")

    async def not_found(self, request: Request) -> Response:
        await _discard(request)
        raise HttpError(404, f"no such resource {request.url.path!r}: the SPARQL endpoint is /sparql")


def _query(request: Request) -> dict[str, list[str]]:
    """The URL's parameters; a raw UTF-8 query string (not percent-encoded) is read as UTF-8."""
    raw = request.scope.get("query_string", b"")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return parse_qs(text, keep_blank_values=True)


async def _body(request: Request) -> bytes:
    """The request body, at most MAX_BODY bytes, sent within BODY_TIMEOUT seconds."""
    if request.headers.get("transfer-encoding", "").lower() == "chunked":
        raise HttpError(411, "send the request body with a Content-Length")
    length = request.headers.get("content-length", "")
    size = int(length) if length.isdigit() else 0
    if size > MAX_BODY:
        raise HttpError(413, f"request body over {MAX_BODY} bytes")
    if not size:
        return b""
    try:
        return await asyncio.wait_for(request.body(), BODY_TIMEOUT)
    except TimeoutError:
        raise HttpError(400, f"the request body was not sent within {BODY_TIMEOUT:g} s") from None


async def _discard(request: Request) -> None:
    if request.method == "POST":
        await _body(request)


def _response(status: int, body: bytes, media: str = "", extra: Mapping[str, str] | None = None) -> Response:
    headers = dict(extra or {})
    if media:
        charset = "; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else ""
        headers["Content-Type"] = media + charset
    return Response(body, status_code=status, headers=headers)


def _json(status: int, document: Any) -> Response:
    return _response(status, json.dumps(document, ensure_ascii=False).encode("utf-8"), "application/json")


class _Headers:
    """ASGI middleware: OPTIONS and unsupported methods answered here; security and CORS headers and
    `Server: graphkit` on every response; any failure a JSON error, never a stack trace."""

    def __init__(self, app: Any, config: ServerConfig) -> None:
        self.app, self.config = app, config

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        extra = {**SECURITY_HEADERS, **_cors(self.config, request.headers.get("origin", "")), "Server": "graphkit"}

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"server",)]
                present = {k.lower() for k, _ in headers}
                for name, value in extra.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        method = scope["method"]
        if method == "OPTIONS":
            allow = {"Allow": ALLOWED_METHODS, **_preflight(self.config, request)}
            response: Response = _response(204, b"", extra=allow)
        elif method not in ("GET", "HEAD", "POST"):
            response = _json(405, {"error": f"{method} is not supported here: use {ALLOWED_METHODS}", "status": 405})
            response.headers["Allow"] = ALLOWED_METHODS
            response.headers["Connection"] = "close"
        else:
            await self.app(scope, receive, with_headers)
            return
        await response(scope, receive, with_headers)


def _cors(config: ServerConfig, origin: str) -> dict[str, str]:
    origins = config.origins()
    if not origins:
        return {}
    if "*" in origins:
        allowed = "*"
    elif origin in origins:
        allowed = origin
    else:
        return {"Vary": "Origin"}
    return {"Access-Control-Allow-Origin": allowed, "Access-Control-Expose-Headers": EXPOSED, "Vary": "Origin"}


def _preflight(config: ServerConfig, request: Request) -> dict[str, str]:
    headers = _cors(config, request.headers.get("origin", ""))
    if "Access-Control-Allow-Origin" in headers:
        headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        headers["Access-Control-Max-Age"] = "600"
    return headers


def create_endpoint(config: ServerConfig, pool: WorkerPool) -> Any:
    """The endpoint as an ASGI application (Starlette, wrapped in the header middleware)."""
    endpoint = _Endpoint(config, pool)
    routes = [
        Route("/sparql", endpoint.sparql, methods=["GET", "HEAD", "POST"]),
        Route("/sparql/", endpoint.sparql, methods=["GET", "HEAD", "POST"]),
        Route("/queries", endpoint.library, methods=["GET", "HEAD", "POST"]),
        Route("/queries/{name:path}", endpoint.named, methods=["GET", "HEAD", "POST"]),
        Route("/health", endpoint.health, methods=["GET", "HEAD", "POST"]),
        Route("/", endpoint.page, methods=["GET", "HEAD", "POST"]),
        Route("/index.html", endpoint.page, methods=["GET", "HEAD", "POST"]),
        Route("/{rest:path}", endpoint.not_found, methods=["GET", "HEAD", "POST"]),
    ]
    handlers = {HttpError: _http_error, Exception: _internal_error}
    return _Headers(Starlette(routes=routes, exception_handlers=handlers), config)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status if isinstance(exc, HttpError) else 500
    response = _json(status, {"error": str(exc), "status": status})
    if status in (400, 411, 413):
        response.headers["Connection"] = "close"
    return response


async def _internal_error(request: Request, exc: Exception) -> Response:
    """Never a stack trace to the client (the server's log has it)."""
    return _json(500, {"error": f"internal error: {type(exc).__name__}", "status": 500})


def listen(host: str, port: int) -> socket.socket:
    """A socket bound and listening: connections queue from now on, so a URL printed next already
    answers (port 0 picks a free port). `graphkit serve` and `graphkit review` hand it to uvicorn."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(512)
    except OSError:
        listener.close()
        raise
    return listener


def serve(
    store_spec: str | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    out: Path | str = "out",
    **options: Any,
) -> None:
    """Serve the graph until interrupted (SIGINT or SIGTERM); `options` are ServerConfig fields.

    uvicorn runs the application; the socket is bound (and listening) before the URL is printed, so
    a client that reads the line can connect at once, and port 0 picks a free port.
    """
    import uvicorn

    config = ServerConfig(out=Path(out), store=store_spec, host=host, port=port, **options)
    listener = listen(host, port)
    workers = 1 if config.allow_update else (config.workers or os.cpu_count() or 2)
    opener = StoreOpener(config.out, config.store, writable=config.allow_update, in_memory=config.in_memory)
    pool = WorkerPool(opener, workers, max_memory_mb=config.max_memory_mb)
    try:
        bound_host, bound_port = listener.getsockname()[:2]
        mode = "read-write" if config.allow_update else "read-only"
        url = f"http://{bound_host if ':' not in bound_host else f'[{bound_host}]'}:{bound_port}"
        print(
            f"graphkit serving {config.store or config.out}: explorer {url}/ · SPARQL {url}/sparql "
            f"({mode}, {pool.size} workers, timeout {config.timeout:g} s, row cap {config.max_rows})",
            flush=True,
        )
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(f"warning: listening on {host}, reachable from other machines", file=sys.stderr, flush=True)
        server = uvicorn.Server(uvicorn.Config(
            create_endpoint(config, pool), log_level="warning", access_log=config.access_log,
            server_header=False, timeout_keep_alive=120, limit_concurrency=1024,
        ))
        server.run(sockets=[listener])
    finally:
        listener.close()
        pool.close()


__all__ = ["ServerConfig", "create_endpoint", "listen", "serve"]
