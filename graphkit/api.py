"""The Python API: open a built graph, query it into rows or a DataFrame, get the networkx view.

    import graphkit
    kg = graphkit.open("out")                      # the graph `graphkit build` wrote
    kg.rows("donors-ranked")                       # list of dicts
    kg.dataframe("help-for-region", region="黑水县")
    g = kg.network()                               # networkx.MultiDiGraph

The examples below run as doctests from the repository's root, on the curated `data/` folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from graphkit import dataset as data_io
from graphkit.model import Dataset
from graphkit.query import run
from graphkit.store import MemoryStore, Store, StoreSpec
from graphkit.store.base import QueryResult


class Inline:
    """A page shown inline in Jupyter: an iframe whose `srcdoc` is the whole offline page (escaped as
    an attribute), sandboxed to run its own scripts only."""

    def __init__(self, page: str, nodes: int, height: int = 640) -> None:
        self.page, self.nodes, self.height = page, nodes, height

    def _repr_html_(self) -> str:
        from markupsafe import escape

        return (f'<iframe srcdoc="{escape(self.page)}" sandbox="allow-scripts allow-downloads" '
                f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd"></iframe>')


class KnowledgeGraph:
    """A store holding the assistance graph, with the queries and views users need.

    Parameters
    ----------
    store : Store
        Any graphkit store (`graphkit.store`): in memory, on-disk Oxigraph or a SPARQL endpoint.

    See Also
    --------
    open_graph : open the graph `graphkit build` wrote (`graphkit.open`).
    KnowledgeGraph.from_dataset : load a data/ folder directly, without building.

    Examples
    --------
    >>> import graphkit
    >>> with graphkit.KnowledgeGraph.from_dataset("data") as kg:
    ...     kg.rows("entity-counts")[0]["classLabel"]
    '行政区域'
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._network: nx.MultiDiGraph | None = None

    @classmethod
    def from_dataset(cls, dataset: Dataset | Path | str, store: Store | None = None) -> KnowledgeGraph:
        """Load records (a Dataset or a data/ folder) into a store.

        Parameters
        ----------
        dataset : Dataset or path
            The records, or the data/ folder to read them from (checked as `graphkit build` checks
            them: a bad record raises `graphkit.DataError` naming its file, line and field).
        store : Store, optional
            Where to put them; rdflib in memory by default.

        Examples
        --------
        >>> from graphkit.store import StoreSpec
        >>> kg = KnowledgeGraph.from_dataset("data", StoreSpec.parse("oxigraph").open())
        >>> len(kg.store) > 1000
        True
        """
        from graphkit.build import graph_quads

        records = dataset if isinstance(dataset, Dataset) else data_io.load(Path(dataset))
        target = store or MemoryStore()
        target.add_quads(graph_quads(records))
        return cls(target)

    def query(self, query: str, **params: str) -> QueryResult:
        """Run a named query, a .rq file or SPARQL text; keyword arguments are bound parameters.

        Parameters are bound as values of the query's variables, never pasted into its text, and a
        parameter that names an entity must name one the graph holds.

        Returns
        -------
        QueryResult
            `variables` and `rows` of rdflib terms (or `boolean` for ASK).

        Raises
        ------
        graphkit.query.QueryError
            An unknown named query, a missing parameter, or an entity the graph does not hold (the
            message suggests the nearest names).

        Examples
        --------
        >>> kg = KnowledgeGraph.from_dataset("data")
        >>> kg.query("ASK { ?s ?p ?o }").boolean
        True
        >>> kg.query("help-for-region", region="不存在县")
        Traceback (most recent call last):
        ...
        graphkit.query.QueryError: no entity named '不存在县'...
        """
        return run(self.store, query, params)

    def rows(self, query: str, **params: str) -> list[dict[str, Any]]:
        """Query results as a list of dicts of Python values (str, int, Decimal, date...).

        Examples
        --------
        >>> kg = KnowledgeGraph.from_dataset("data")
        >>> helped = kg.rows("help-for-region", region="黑水县")
        >>> sorted({row["typeLabel"] for row in helped})
        ['捐赠', '结对帮扶关系', '选派挂职']
        """
        return self.query(query, **params).dicts()

    def dataframe(self, query: str, **params: str):
        """Query results as a pandas DataFrame, one column per variable.

        Examples
        --------
        >>> kg = KnowledgeGraph.from_dataset("data")
        >>> top = kg.dataframe("donors-ranked")
        >>> top.loc[0, "donorLabel"], int(top.loc[0, "totalCNY"])
        ('厦门市', 220280000)
        """
        return self.query(query, **params).to_dataframe()

    def network(self) -> nx.MultiDiGraph:
        """The networkx MultiDiGraph view: entities as nodes, one edge per event and pair of parties.

        Computed once and kept; `graphkit.analysis` takes it.

        Examples
        --------
        >>> kg = KnowledgeGraph.from_dataset("data")
        >>> g = kg.network()
        >>> g.nodes["https://w3id.org/graphkit/id/entity/黑水县"]["label"]
        '黑水县'
        >>> from graphkit import analysis
        >>> analysis.region_summary(g, "黑水县")["money_received"]
        445000.0
        """
        if self._network is None:
            from graphkit.networkx_view import to_networkx

            self._network = to_networkx(self.store)
        return self._network

    def panel(self, kind: str):
        """An analysis-ready panel as a pandas DataFrame: "region-year", "donor-year" or "pair-year"
        (graphkit.panels, with its codebook in graphkit.panels.CODEBOOKS).

        Examples
        --------
        >>> kg = KnowledgeGraph.from_dataset("data")
        >>> frame = kg.panel("region-year")
        >>> int(frame[(frame.region == "贵州省") & (frame.year == 2022)].pairings_in_force_helped.iloc[0])
        14
        """
        from graphkit.panels import panel

        return panel(self.network(), kind)

    def show(self, name: str, depth: int = 1, height: int = 640) -> Inline:
        """The explorer of an entity's neighbourhood, shown inline in Jupyter: the same offline page
        `graphkit build` writes, for the entities within `depth` relations of `name` (and what they lie
        within), in an iframe's `srcdoc` so the page's own Content-Security-Policy still holds.

        Examples
        --------
        >>> kg = KnowledgeGraph.from_dataset("data")
        >>> view = kg.show("黑水县", depth=1)
        >>> view.nodes > 10, "<iframe" in view._repr_html_()
        (True, True)
        """
        from graphkit.analysis.containment import containers
        from graphkit.analysis.entities import resolve
        from graphkit.render import render_page
        from graphkit.render.page import structure_links

        graph = self.network()
        centre = resolve(graph, name)
        # the neighbourhood the page explores: relations and "part of" links alike (a county's towns)
        links: nx.Graph[str] = nx.Graph(graph.to_undirected(as_view=True))
        links.add_edges_from((child, container) for child, container, _ in structure_links(graph))
        keep = set(nx.single_source_shortest_path_length(links, centre, cutoff=depth))
        for node in list(keep):  # and what they lie within, up the chain, so the map can place them
            keep.update(containers(graph, node))
            member = str(graph.nodes[node].get("member") or "")
            if member in graph:
                keep.update([member, *containers(graph, member)])
        page = render_page(graph.subgraph(keep).copy(), title=f"graphkit — {graph.nodes[centre]['label']}")
        return Inline(page, len(keep), height)

    def _repr_html_(self) -> str:
        """What Jupyter shows for the graph: its counts by kind, escaped."""
        from markupsafe import escape

        graph = self.network()
        kinds: dict[str, int] = {}
        for _, _, data in graph.edges(data=True):
            kinds[str(data.get("relation"))] = kinds.get(str(data.get("relation")), 0) + 1
        events = len({key for _, _, key in graph.edges(keys=True)})
        sources = len({str(d.get("sourceId")) for _, _, d in graph.edges(data=True) if d.get("sourceId")})
        rows = [("entities", graph.number_of_nodes()), ("events", events), ("sources", sources),
                *((f"{kind} (relations)", count) for kind, count in sorted(kinds.items())),
                ("triples in the store", len(self.store))]
        body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td>{v:,}</td></tr>" for k, v in rows)
        return f"<table><caption>graphkit KnowledgeGraph</caption>{body}</table>"

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_graph(out_dir: Path | str = "out", store: str | None = None) -> KnowledgeGraph:
    """Open the graph `graphkit build` wrote; `graphkit.open` is this function.

    Parameters
    ----------
    out_dir : path
        The output folder of `graphkit build` (default: out).
    store : str, optional
        A store setting (`memory`, `oxigraph:DIR`, a SPARQL endpoint URL); by default out/store,
        else out/graph.nq read into memory.

    Raises
    ------
    graphkit.build.BuildError
        Nothing was built in `out_dir`.

    Examples
    --------
    >>> import graphkit
    >>> with graphkit.open("out") as kg:  # doctest: +SKIP
    ...     kg.rows("donors-ranked")[0]["donorLabel"]
    '深圳市'
    """
    return KnowledgeGraph(open_built(Path(out_dir), store))


def open_built(out_dir: Path, store: str | None = None, *, writable: bool = False, in_memory: bool = False) -> Store:
    """The store of a graph `graphkit build` wrote to `out_dir`, as a setting chooses it.

    No setting: the on-disk store out/store, else out/graph.nq read into memory. `memory`: rdflib in
    memory filled from out/graph.nq (the benchmarks' baseline). `oxigraph`, or `in_memory` with no
    setting: an in-memory Oxigraph filled from out/graph.nq (the endpoint's fastest, at the price of
    the graph's size in RAM). `oxigraph:DIR` or a URL: that store. On-disk stores open read-only
    unless `writable`, so several processes can read one. BuildError when nothing was built.
    """
    from graphkit.build import GRAPH_NQ, STORE_DIR, BuildError

    spec = StoreSpec.parse(store) if store else None
    if spec is None and not in_memory and (out_dir / STORE_DIR).is_dir():
        spec = StoreSpec.directory(out_dir / STORE_DIR)
    if spec is not None and spec.location is not None:
        return spec.open(read_only=not writable)
    nquads = out_dir / GRAPH_NQ
    if not nquads.is_file():
        raise BuildError(f"no built graph in {out_dir}/ (run `graphkit build` first)")
    opened = (spec or StoreSpec.parse("oxigraph" if in_memory else "memory")).open()
    opened.load_file(nquads)
    return opened


__all__ = ["KnowledgeGraph", "open_built", "open_graph"]
