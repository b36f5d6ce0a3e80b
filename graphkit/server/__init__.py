"""`graphkit serve`: the built graph as a SPARQL 1.1 Protocol endpoint, safe to leave running.

The HTTP side is a Starlette application on uvicorn (as the review app is): routing, request
parsing and connection handling are theirs; what is ours is what no framework does — the killable,
network-isolated worker pool, the query policy and the result formats.

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

Its names are imported when first used (graphkit.lazy): the command line reads the defaults of
`graphkit serve` from `graphkit.server.limits` without importing the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphkit.server.http import BODY_TIMEOUT, ServerConfig, create_endpoint, serve
    from graphkit.server.limits import (
        DEFAULT_MAX_MEMORY_MB,
        DEFAULT_MAX_RESPONSE_MB,
        DEFAULT_MAX_ROWS,
        DEFAULT_PORT,
        DEFAULT_TIMEOUT,
    )
    from graphkit.server.negotiation import HttpError, negotiate
    from graphkit.server.workers import Job, StoreOpener, WorkerPool

from graphkit.lazy import exports

__getattr__ = exports(__name__, {
    **{name: ("graphkit.server.limits", name) for name in (
        "DEFAULT_MAX_MEMORY_MB", "DEFAULT_MAX_RESPONSE_MB", "DEFAULT_MAX_ROWS", "DEFAULT_PORT", "DEFAULT_TIMEOUT")},
    **{name: ("graphkit.server.http", name) for name in ("BODY_TIMEOUT", "ServerConfig", "create_endpoint", "serve")},
    **{name: ("graphkit.server.negotiation", name) for name in ("HttpError", "negotiate")},
    **{name: ("graphkit.server.workers", name) for name in ("Job", "StoreOpener", "WorkerPool")},
})

__all__ = [
    "BODY_TIMEOUT", "DEFAULT_MAX_MEMORY_MB", "DEFAULT_MAX_RESPONSE_MB", "DEFAULT_MAX_ROWS", "DEFAULT_PORT",
    "DEFAULT_TIMEOUT", "HttpError", "Job", "ServerConfig", "StoreOpener", "WorkerPool", "create_endpoint", "negotiate",
    "serve",
]
