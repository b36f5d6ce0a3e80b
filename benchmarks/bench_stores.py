"""Build, load and query benchmarks of every store, beside plain rdflib in memory as the baseline.

One run, per size (10k, 100k, 1M triples by default), measures:
- build: records -> quads (rdf.py, the ontology, the roll-ups) -> an N-Quads file, as `graphkit build` does;
- load: into on-disk Oxigraph (the default store, bulk load), into rdflib in memory (parsing the
  N-Quads, as open_built does), and into a real Oxigraph server over the Graph Store Protocol
  (one PUT per source graph, as `graphkit build --store URL` does);
- each named query's median latency on each store, through graphkit's own query runner, and the
  ratio to rdflib. rdflib runs in a killable worker process, so one very slow query cannot stall the
  run: past --rdflib-timeout it is stopped and reported as a lower bound (">120000").

    python -m benchmarks.bench_stores --sizes 10k,100k,1M --seed 0
    python -m benchmarks.bench_stores --sizes 1M --stores oxigraph --repeat 50
    python -m benchmarks.bench_stores --loaded oxigraph=oxigraph:out/store \
        --loaded virtuoso='http://127.0.0.1:8890/sparql?store=/sparql-graph-crud'

With `--loaded LABEL=SPEC`, nothing is generated: the named queries are measured on stores that
already hold a graph (a 10M `graphkit build`'s store, a server engine loaded by its own bulk loader).

Results are printed as Markdown tables and written to benchmarks/results/stores-<size>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from benchmarks.generate import generate
from graphkit.build import GRAPH_NQ, graph_quads
from graphkit.query import NamedQuery, named_queries, run, with_prefixes
from graphkit.rdf_mapping import to_nquads
from graphkit.server import HttpError, Job, StoreOpener, WorkerPool
from graphkit.store import OxigraphStore, RemoteStore, Store
from graphkit.store.remote import inject_values

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_MS = 50.0
TARGET_RATIO = 20.0
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}


@dataclass
class SizeResult:
    """Everything measured at one size."""

    size: str
    triples: int = 0
    entities: int = 0
    events: int = 0
    sources: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    queries: dict[str, dict[str, float]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    timed_out: list[str] = field(default_factory=list)
    server_len: int = 0
    errors: dict[str, str] = field(default_factory=dict)


@contextmanager
def timed(result: SizeResult, label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    result.seconds[label] = time.perf_counter() - started
    print(f"  {label}: {result.seconds[label]:.2f} s", flush=True)


def example_params(named: NamedQuery) -> dict[str, str]:
    """Each parameter's example value from its description, e.g. `(黑水县)`."""
    import re

    return {
        p.name: (m.group(1) if (m := re.search(r"\(([^()]+)\)\s*$", p.description)) else "黑水县")
        for p in named.params
    }


def median_ms(action: Callable[[], object], repeat: int, budget: float) -> float:
    """Median wall time in ms of `action` after one warm-up, at most `repeat` runs within `budget` s."""
    action()
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < repeat and (not times or time.perf_counter() < deadline):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# ----------------------------------------------------------------------------------------------


def build(result: SizeResult, triples: int, seed: int, work: Path) -> tuple[Path, dict]:
    """Generate records, then time the build: quads and roll-ups to an N-Quads file."""
    with timed(result, "generate records"):
        dataset = generate(triples, seed)
    out = work / "out"
    out.mkdir(parents=True)
    with timed(result, "build"):
        quads = graph_quads(dataset)
        with (out / GRAPH_NQ).open("w", encoding="utf-8") as handle:
            handle.writelines(to_nquads(quads))
    result.triples, result.entities, result.sources = len(quads), len(dataset.entities), len(dataset.sources)
    result.events = sum(len(source.events) for source in dataset.sources.values())
    print(f"  {len(quads)} triples, {result.entities} entities, {result.events} events, {result.sources} sources")
    graphs: dict = {}
    for s, p, o, g in quads:
        graphs.setdefault(g, []).append((s, p, o))
    return out, graphs


def load_oxigraph(result: SizeResult, out: Path) -> OxigraphStore:
    with timed(result, "load oxigraph"):
        store = OxigraphStore(out / "store")
        store.load_file(out / GRAPH_NQ)
        store.close()
    return OxigraphStore(out / "store", read_only=True)


def load_server(result: SizeResult, graphs: dict, location: Path) -> tuple[RemoteStore, OxigraphServer]:
    """Start an Oxigraph server and push every graph through the Graph Store Protocol."""
    server = OxigraphServer(location)
    store = RemoteStore(server.url)
    with timed(result, "load oxigraph server (GSP)"):
        for graph, triples in graphs.items():
            store.replace_graph(graph, triples)
    return store, server


def load_rdflib(result: SizeResult, out: Path, timeout: float) -> WorkerPool:
    with timed(result, "load rdflib (memory)"):
        pool = WorkerPool(StoreOpener(out, "memory"), 1, start_timeout=max(900.0, timeout))
    return pool


class OxigraphServer:
    """A real Oxigraph server on a free loopback port."""

    def __init__(self, location: Path) -> None:
        import socket
        import subprocess

        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        command = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = RemoteStore(self.url)
        for _ in range(300):
            try:
                probe.query("ASK {}")
                return
            except ValueError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


# ----------------------------------------------------------------------------------------------


class BindingOxigraph(OxigraphStore):
    """On-disk Oxigraph with parameters bound by BIND in every (sub-)query group (inject_values, as
    RemoteStore binds them) instead of pyoxigraph's substitutions, for comparison: OxigraphStore keeps
    the engine's own bound variables, and the named queries are laid out to be fast with them."""

    def query(self, sparql: str, bindings=None):  # type: ignore[override]
        return super().query(inject_values(sparql, bindings))


def query_store(store: Store, label: str, result: SizeResult, repeat: int, budget: float) -> None:
    for name, named in sorted(named_queries().items()):
        params = example_params(named)
        try:
            result.rows[name] = len(run(store, name, params).rows)
            result.queries.setdefault(name, {})[label] = median_ms(partial(run, store, name, params), repeat, budget)
        except Exception as exc:  # a failure or timeout is a result too; the run goes on
            result.errors[f"{label} {name}"] = f"{type(exc).__name__}: {exc}"[:300]
            print(f"    {label} {name}: {result.errors[f'{label} {name}']}", flush=True)
    print(f"  queried {label}", flush=True)


def query_rdflib(pool: WorkerPool, result: SizeResult, timeout: float, repeat: int) -> None:
    """rdflib in a killable worker: one run per query past a second, else up to `repeat` runs."""
    for name, named in sorted(named_queries().items()):
        bindings = named.bindings(example_params(named))
        job = Job("query", with_prefixes(named.text), bindings, "json", False, 10**9)
        times: list[float] = []
        while len(times) < repeat and sum(times) < 1000:
            started = time.perf_counter()
            try:
                reply = pool.run(job, timeout, wait=3600)
            except HttpError:  # stopped at the timeout: report the timeout as a lower bound
                result.timed_out.append(name)
                times = [timeout * 1000]
                break
            times.append((time.perf_counter() - started) * 1000)
            if reply.status != 200:
                raise RuntimeError(f"{name} failed on rdflib: {reply.body[:300]!r}")
        result.queries.setdefault(name, {})["rdflib"] = statistics.median(times)
        print(f"    rdflib {name}: {result.queries[name]['rdflib']:.1f} ms", flush=True)


def run_size(size: str, args: argparse.Namespace) -> SizeResult:
    result = SizeResult(size)
    print(f"\n## {size} triples (seed {args.seed})", flush=True)
    work = Path(tempfile.mkdtemp(prefix=f"graphkit-bench-{size}-"))
    try:
        out, graphs = build(result, SIZES[size], args.seed, work)
        if args.stores & {"oxigraph", "oxigraph-bind", "oxigraph-mem"}:
            store = load_oxigraph(result, out)
            if "oxigraph" in args.stores:
                query_store(store, "oxigraph", result, args.repeat, args.budget)
            store.close()
        if "oxigraph-bind" in args.stores:
            query_store(BindingOxigraph(out / "store", read_only=True), "oxigraph-bind", result, args.repeat,
                        args.budget)
        if "oxigraph-mem" in args.stores:
            with timed(result, "load oxigraph in memory"):
                memory = BindingOxigraph()
                memory.load_file(out / GRAPH_NQ)
            query_store(memory, "oxigraph-mem", result, args.repeat, args.budget)
            del memory
        if "server" in args.stores:
            remote, server = load_server(result, graphs, work / "server")
            try:
                query_store(remote, "server", result, args.repeat, args.budget)
                result.server_len = len(remote)
            finally:
                server.stop()
        if "rdflib" in args.stores:
            pool = load_rdflib(result, out, args.rdflib_timeout)
            try:
                query_rdflib(pool, result, args.rdflib_timeout, args.repeat)
            finally:
                pool.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def run_loaded(loaded: list[str], args: argparse.Namespace) -> SizeResult:
    """The named queries on stores already holding a graph, each `LABEL=SPEC` (a graphkit store spec)."""
    from graphkit.store import open_store

    result = SizeResult("loaded")
    for item in loaded:
        label, _, spec = item.partition("=")
        print(f"\n## {label}: {spec}", flush=True)
        with open_store(spec, read_only=True) as store:
            result.triples = result.triples or len(store)
            query_store(store, label, result, args.repeat, args.budget)
    return result


STORE_COLUMNS = ("oxigraph", "oxigraph-bind", "oxigraph-mem", "server", "rdflib")


def report(result: SizeResult) -> str:
    """A Markdown table: per-query medians per store, and rdflib's time over the on-disk store's."""
    measured = list(dict.fromkeys(label for times in result.queries.values() for label in times))
    stores = [s for s in STORE_COLUMNS if s in measured] + [s for s in measured if s not in STORE_COLUMNS]
    # The target is for the default store (on-disk Oxigraph, parameters bound by substitutions).
    default = next((s for s in ("oxigraph", "oxigraph-bind") if s in stores), stores[0] if stores else None)
    lines = [
        f"### {result.size}: {result.triples} triples ({result.entities} entities, {result.events} events, "
        f"{result.sources} sources)",
        "",
        " | ".join(f"{label} {seconds:.2f} s" for label, seconds in result.seconds.items()),
        "",
        "| query | rows | " + " | ".join(f"{s} ms" for s in stores) + f" | rdflib / {default} | target |",
        "|---|---:|" + "---:|" * len(stores) + "---:|---|",
    ]
    for name, times in sorted(result.queries.items()):
        cells = [f"{times[s]:.1f}" if s in times else "—" for s in stores]
        if name in result.timed_out and "rdflib" in stores:
            cells[stores.index("rdflib")] = f">{cells[stores.index('rdflib')]}"
        ratio = times["rdflib"] / times[default] if "rdflib" in times and default in times else None
        ok = times.get(default or "", 1e9) <= TARGET_MS and (ratio is None or ratio >= TARGET_RATIO)
        lines.append(
            f"| {name} | {result.rows.get(name, '')} | " + " | ".join(cells)
            + f" | {f'{ratio:.0f}x' if ratio else '—'} | {'ok' if ok else 'MISS'} |"
        )
    lines += [f"error: {key}: {message}" for key, message in result.errors.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated: 10k, 100k, 1M, 10M")
    parser.add_argument("--stores", default="oxigraph,oxigraph-bind,oxigraph-mem,server,rdflib",
                        help="oxigraph (as OxigraphStore is), oxigraph-bind (parameters bound by BIND), "
                        "oxigraph-mem (in memory, BIND), server (Oxigraph server over HTTP), rdflib")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=20, help="runs per query (after a warm-up)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per query and store at most")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="seconds before an rdflib query is stopped")
    parser.add_argument("--loaded", action="append", metavar="LABEL=SPEC",
                        help="measure the queries on a store already holding a graph (a graphkit store spec), "
                        "instead of generating one; repeatable")
    args = parser.parse_args()
    args.stores = set(args.stores.split(","))
    warnings.simplefilter("ignore")
    RESULTS.mkdir(exist_ok=True)
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    print(f"# graphkit store benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {machine}", flush=True)
    if args.loaded:
        print("\n" + report(run_loaded(args.loaded, args)), flush=True)
        return
    for size in args.sizes.split(","):
        result = run_size(size, args)
        (RESULTS / f"stores-{size}.json").write_text(json.dumps(asdict(result), indent=2, ensure_ascii=False))
        print("\n" + report(result), flush=True)


if __name__ == "__main__":
    main()

