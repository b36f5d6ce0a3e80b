"""Load test: many concurrent clients running the named queries against `graphkit serve`.

By default it generates the 1M-triple graph, writes it as a build does (graph.nq and the on-disk
store), starts `graphkit serve` on a free loopback port, and runs 50 clients for 60 s. Each client
keeps one HTTP connection open and sends named queries, drawn at random (seeded), over the SPARQL
1.1 Protocol (form-encoded POST to /sparql, parameters bound by a VALUES block exactly as graphkit's
RemoteStore does) or, with --route named, as GET /queries/NAME?param=value.

It reports throughput, latency percentiles (p50, p99, max), per-query p50 and every error; the run
fails (exit 1) if there was any error.

    python -m benchmarks.loadtest                                  # 1M triples, 50 clients, 60 s
    python -m benchmarks.loadtest --triples 100000 --duration 20 --serve-option=--in-memory
    python -m benchmarks.loadtest --url http://127.0.0.1:8000     # a server already running
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from graphkit.query import named_queries, with_prefixes
from graphkit.store.remote import inject_values

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Tally:
    """What all clients saw, merged under a lock."""

    latencies: list[float] = field(default_factory=list)
    by_query: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error:
                self.errors[f"{name}: {error}"] += 1
            else:
                self.latencies.append(seconds)
                self.by_query[name].append(seconds)


def example_params(named) -> dict[str, str]:
    """Each parameter's example value from its description, e.g. `(黑水县)`."""
    return {
        p.name: (m.group(1) if (m := re.search(r"\(([^()]+)\)\s*$", p.description)) else "黑水县")
        for p in named.params
    }


def requests_for(route: str, only: set[str] | None = None) -> list[tuple[str, str, str, bytes | None]]:
    """(name, method, path, body) for every named query (or those in `only`) with its example parameters."""
    prepared = []
    for name, named in sorted(named_queries().items()):
        if only and name not in only:
            continue
        params = example_params(named)
        if route == "named":
            prepared.append((name, "GET", f"/queries/{quote(name)}?{urlencode(params)}", None))
        else:
            text = inject_values(with_prefixes(named.text), named.bindings(params))
            prepared.append((name, "POST", "/sparql", urlencode({"query": text}).encode("utf-8")))
    return prepared


def client(base: str, prepared: list, seed: int, stop_at: float, tally: Tally) -> None:
    """One client: a keep-alive connection, requests back to back until the deadline."""
    parts = urlsplit(base)
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}
    while time.monotonic() < stop_at:
        name, method, path, body = rng.choice(prepared)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            error = None if response.status == 200 else f"HTTP {response.status} {payload[:120]!r}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        tally.add(name, time.perf_counter() - started, error)
    connection.close()


def run_load(base: str, clients: int, duration: float, route: str, seed: int, only: set[str] | None) -> Tally:
    prepared = requests_for(route, only)
    tally = Tally()
    stop_at = time.monotonic() + duration
    threads = [
        threading.Thread(target=client, args=(base, prepared, seed * 1000 + i, stop_at, tally), daemon=True)
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 120)
    return tally


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def report(tally: Tally, clients: int, duration: float) -> str:
    done = len(tally.latencies)
    errors = sum(tally.errors.values())
    ms = [x * 1000 for x in tally.latencies]
    lines = [
        f"{clients} clients, {duration:g} s: {done} requests, {done / duration:.1f} req/s, "
        f"p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, max {max(ms, default=0):.1f} ms, "
        f"errors {errors}",
        "",
        "| query | requests | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for name, values in sorted(tally.by_query.items()):
        values_ms = [x * 1000 for x in values]
        lines.append(f"| {name} | {len(values)} | {statistics.median(values_ms):.1f} | "
                     f"{percentile(values_ms, 0.99):.1f} |")
    for error, count in tally.errors.most_common(10):
        lines.append(f"error x{count}: {error}")
    return "\n".join(lines)


def prepare_graph(triples: int, seed: int, work: Path) -> Path:
    """Generate and write the graph as a build does: out/graph.nq and out/store."""
    from benchmarks.generate import generate
    from graphkit.build import GRAPH_NQ, graph_quads
    from graphkit.rdf_mapping import to_nquads
    from graphkit.store import OxigraphStore

    dataset = generate(triples, seed)
    out = work / "out"
    out.mkdir(parents=True)
    with (out / GRAPH_NQ).open("w", encoding="utf-8") as handle:
        handle.writelines(to_nquads(graph_quads(dataset)))
    store = OxigraphStore(out / "store")
    store.load_file(out / GRAPH_NQ)
    store.close()
    return out


def start_server(out: Path, options: list[str]) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "graphkit", "serve", "--out", str(out), "--port", "0", *options]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    match = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
    if not match:
        process.kill()
        raise RuntimeError(f"graphkit serve did not start: {line!r}")
    print(line.strip(), flush=True)
    return process, match.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running graphkit serve (else one is started on a generated graph)")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--route", choices=("sparql", "named"), default="sparql")
    parser.add_argument("--serve-option", action="append", default=[], help="passed to graphkit serve")
    parser.add_argument("--queries", help="comma-separated named queries to run (default: all)")
    args = parser.parse_args()
    process = None
    base = args.url
    with tempfile.TemporaryDirectory(prefix="graphkit-load-") as work:
        if base is None:
            started = time.perf_counter()
            out = prepare_graph(args.triples, args.seed, Path(work))
            print(f"graph of ~{args.triples} triples written in {time.perf_counter() - started:.1f} s", flush=True)
            process, base = start_server(out, args.serve_option)
        try:
            health = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=30)
            health.request("GET", "/health")
            print(json.loads(health.getresponse().read()), flush=True)
            only = set(args.queries.split(",")) if args.queries else None
            tally = run_load(base, args.clients, args.duration, args.route, args.seed, only)
        finally:
            if process is not None:
                process.terminate()
                process.wait(30)
    print(f"\n# load test {time.strftime('%Y-%m-%d %H:%M')}, route {args.route}\n")
    print(report(tally, args.clients, args.duration))
    sys.exit(1 if tally.errors else 0)


if __name__ == "__main__":
    main()
