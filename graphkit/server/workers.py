"""The endpoint's query workers: processes that each hold the store open, cut off from the network and
memory-capped, run one job at a time, and are killed and replaced when a job passes its deadline
(threads cannot be killed). A job is parsed and guarded inside the worker, so a pathological text is
stopped by the same deadline as a slow query.
"""


from __future__ import annotations

import json
import multiprocessing
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from graphkit.results import SERIALIZERS, to_csv
from graphkit.server.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_RESPONSE_MB, DEFAULT_MAX_ROWS
from graphkit.server.negotiation import GRAPH_TYPES, RESULT_TYPES, HttpError, negotiate
from graphkit.store.base import Graphs, QueryResult, Store
from graphkit.store.guard import Refused, SparqlSyntaxError, guard


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


