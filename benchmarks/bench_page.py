"""How fast the explorer opens and responds on a large graph, beside pyvis's default page for the same graph.

A synthetic graph of about 10,000 entities is made by `benchmarks.generate` (graphkit.model records
through the real RDF mapping, an in-memory Oxigraph store and `to_networkx`), rendered by
`graphkit.render.render_page` (positions computed in Python, physics off), and opened from file:// in
Debian's headless chromium through Playwright. Measured:

- render: Python time to build the page;
- open: navigation start until the page says it is ready (drawn, interactive);
- respond: in the page, a search, choosing the hit (its neighbourhood laid out and drawn), then a
  filter toggled and the graph redrawn; the slowest step is reported too;
- pyvis: `Network().from_nx(...)` with pyvis's defaults (physics on), written with vis-network inlined;
  open = until vis-network reports its layout stabilised (capped), respond = one redraw after selecting.

Requests leaving file:// are aborted, so pyvis's CDN stylesheets cannot stall the measurement.

    python -m benchmarks.bench_page                 # ~10,000 entities
    python -m benchmarks.bench_page --entities 2000 --cap 60
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
ENTITIES_PER_TRIPLE = 9055 / 400_000  # measured with benchmarks.generate, seed 7


def synthetic_graph(entities: int, seed: int = 7) -> nx.MultiDiGraph:
    """About `entities` entities from benchmarks.generate, through RDF and a store, as graphkit builds them."""
    from benchmarks.generate import generate
    from graphkit.networkx_view import to_networkx
    from graphkit.rdf_mapping import dataset_quads
    from graphkit.store import open_store

    dataset = generate(round(entities / ENTITIES_PER_TRIPLE), seed=seed)
    store = open_store("oxigraph")
    store.add_quads(dataset_quads(dataset))
    return add_coordinates(to_networkx(store))


def add_coordinates(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Give the generated regions places, so the map view has work to do.

    Regions the gazetteer knows (the provinces, the seed's real places) get their adcode and
    coordinates; invented prefectures and counties sit at a deterministic offset from their parent.
    """
    import hashlib

    from graphkit import gazetteer

    spread = {"prefecture": 2.2, "county": 0.5, "district": 0.3, "township": 0.08, "village": 0.03}

    def offset(iri: str, scale: float) -> tuple[float, float]:
        digest = hashlib.sha256(iri.encode()).digest()
        return (digest[0] / 255 - 0.5) * 2 * scale, (digest[1] / 255 - 0.5) * 1.4 * scale

    def place(iri: str, depth: int = 0) -> tuple[float, float] | None:
        attrs = graph.nodes[iri]
        if attrs.get("lon") is not None:
            return attrs["lon"], attrs["lat"]
        if attrs.get("type") != "Region" or depth > 8:
            return None
        division = gazetteer.lookup(str(attrs.get("label", "")))
        if division is not None and division.name == attrs.get("label") and division.lon is not None:
            attrs.update(adcode=division.code6, lon=division.lon, lat=division.lat)
            return division.lon, division.lat
        parent = attrs.get("parent")
        origin = place(parent, depth + 1) if parent in graph else None
        if origin is None:
            return None
        dx, dy = offset(iri, spread.get(str(attrs.get("level")), 0.2))
        attrs.update(lon=round(origin[0] + dx, 4), lat=round(origin[1] + dy, 4))
        return attrs["lon"], attrs["lat"]

    for iri in list(graph.nodes):
        place(iri)
    return graph


def pyvis_default(graph: nx.MultiDiGraph, path: Path) -> None:
    """pyvis's default page for the same graph: labels and a type/relation title, physics on (its default)."""
    from pyvis.network import Network

    plain = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        plain.add_node(node, label=str(attrs.get("label", node)), title=str(attrs.get("type", "")))
    for u, v, attrs in graph.edges(data=True):
        plain.add_edge(u, v, title=str(attrs.get("relation", "")))
    net = Network(directed=True, cdn_resources="in_line")
    net.from_nx(plain)
    net.write_html(str(path), notebook=False)


RESPOND = """async () => {
  const g = window.graphkit;
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const drawn = () => new Promise(r => { g.network.once("afterDrawing", () => r()); g.network.redraw(); });
  const steps = {};
  let t = performance.now();
  const hits = g.search("黑水");
  steps.search = performance.now() - t;
  t = performance.now();
  g.focusOn([hits[0].id], 1); g.selectNode(hits[0].id);
  await frame(); await drawn();
  steps.neighbourhood = performance.now() - t;
  t = performance.now();
  g.clearFocus();
  await frame(); await drawn();
  steps.showAll = performance.now() - t;
  t = performance.now();
  g.setRelation("donation", false);
  await frame(); await drawn();
  steps.filter = performance.now() - t;
  t = performance.now();
  g.showView("map");
  await frame();
  steps.map = performance.now() - t;
  t = performance.now();
  g.showView("timeline");
  await frame();
  steps.timeline = performance.now() - t;
  g.showView("graph");
  return steps;
}"""


def measure(url: str, ready: str, respond: str | None, cap: float) -> dict[str, Any]:
    """Open `url`, wait for `ready` (a JS function), then run `respond`; times in seconds."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=cap * 1000)
        finished = True
        try:
            page.wait_for_function(ready, timeout=cap * 1000, polling=50)
        except Exception:  # the cap: pyvis's physics on 10k nodes may not settle in any useful time
            finished = False
        opened = time.perf_counter() - started
        result: dict[str, Any] = {"open": opened, "finished": finished, "errors": errors}
        if respond and finished:
            started = time.perf_counter()
            result["steps"] = {k: v / 1000 for k, v in page.evaluate(respond).items()}
            result["respond"] = time.perf_counter() - started
        browser.close()
        return result


READY = "() => window.graphkit && window.graphkit.ready === true"
PYVIS_READY = """() => window.network && window.network.physics &&
  (window.network.physics.stabilized === true || window.network.physics.physicsEnabled === false)"""
PYVIS_RESPOND = """async () => {
  const t = performance.now();
  const id = network.body.nodeIndices[0];
  await new Promise(r => { network.once("afterDrawing", () => r()); network.selectNodes([id]); network.redraw(); });
  return { select: performance.now() - t };
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds to wait for a page to be ready")
    parser.add_argument("--runs", type=int, default=3, help="runs of graphkit's page (the median is reported)")
    parser.add_argument("--no-pyvis", action="store_true", help="skip pyvis's default page")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()

    from graphkit.render import render_page

    started = time.perf_counter()
    graph = synthetic_graph(args.entities, args.seed)
    made = time.perf_counter() - started
    rows: dict[str, Any] = {"entities": graph.number_of_nodes(), "relations": graph.number_of_edges(), "generate": made}
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp) / "graphkit.html"
        started = time.perf_counter()
        ours.write_text(render_page(graph), encoding="utf-8")
        rows["render"] = time.perf_counter() - started
        rows["size_mb"] = ours.stat().st_size / 1e6
        # the median of a few runs: a shared 2-core machine makes single timings noisy
        runs = [measure(ours.as_uri(), READY, RESPOND, args.cap) for _ in range(args.runs)]
        runs.sort(key=lambda run: run["open"])
        rows["graphkit"] = runs[len(runs) // 2]
        rows["graphkit_open_runs"] = [round(run["open"], 2) for run in runs]
        if not args.no_pyvis:
            theirs = Path(tmp) / "pyvis.html"
            started = time.perf_counter()
            pyvis_default(graph, theirs)
            rows["pyvis_render"] = time.perf_counter() - started
            rows["pyvis_size_mb"] = theirs.stat().st_size / 1e6
            rows["pyvis"] = measure(theirs.as_uri(), PYVIS_READY, PYVIS_RESPOND, args.cap)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    ours_m = rows["graphkit"]
    print(f"graph: {rows['entities']} entities, {rows['relations']} relations (generated in {made:.1f} s)")
    print(f"graphkit page: {rows['size_mb']:.1f} MB, rendered in {rows['render']:.1f} s")
    print(f"  open (ready, drawn):    {ours_m['open']:.2f} s (median; runs {rows['graphkit_open_runs']})")
    if "respond" in ours_m:
        steps = ours_m["steps"]
        print(f"  respond (all steps):    {ours_m['respond']:.2f} s; slowest step {max(steps.values()):.2f} s")
        print("    " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
    if "pyvis" in rows:
        theirs_m = rows["pyvis"]
        state = "stabilised" if theirs_m["finished"] else f"NOT stabilised within the {args.cap:g} s cap"
        print(f"pyvis default page: {rows['pyvis_size_mb']:.1f} MB, rendered in {rows['pyvis_render']:.1f} s")
        print(f"  open ({state}): {theirs_m['open']:.2f} s")
        if "steps" in theirs_m:
            print(f"  respond (select + redraw): {theirs_m['steps']['select']:.2f} s")


if __name__ == "__main__":
    main()
