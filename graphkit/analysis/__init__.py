"""Analytics on the who-helps-whom graph: region roll-ups and flows, brokers and bridges, paths.

Organised like networkx's algorithms: plain functions taking the MultiDiGraph of
`graphkit.networkx_view.to_networkx` (or `KnowledgeGraph.network()`) and returning plain data or pandas
DataFrames, so they compose with the rest of the Python data stack.

    import graphkit
    from graphkit import analysis
    g = graphkit.open("out").network()
    analysis.region_summary(g, "黑水县")["money_received"]
    analysis.flow_matrix(g, level="province")
    analysis.brokers(g).head()
    print(analysis.explain(analysis.connection(g, "大连市", "中寨乡")))
"""

from __future__ import annotations

from graphkit.analysis.aggregates import (
    events_over_time,
    money_by_entity,
    pairing_modes,
    secondments_by_host,
    top_donors,
    top_recipients,
)
from graphkit.analysis.brokers import brokers, centrality, communities, communities_frame, helps_graph
from graphkit.analysis.containment import containers, region_at, regions_of, within
from graphkit.analysis.entities import AmbiguousEntity, EntityNotFound, described, label, resolve
from graphkit.analysis.events import events
from graphkit.analysis.paths import Hop, NoPath, connection, explain, hops_as_dicts, link_graph
from graphkit.analysis.regions import flow_matrix, flows, money_within, region_rollup, region_summary

__all__ = [
    "AmbiguousEntity",
    "EntityNotFound",
    "Hop",
    "NoPath",
    "brokers",
    "centrality",
    "communities",
    "communities_frame",
    "connection",
    "containers",
    "described",
    "events",
    "events_over_time",
    "explain",
    "flow_matrix",
    "flows",
    "helps_graph",
    "hops_as_dicts",
    "label",
    "link_graph",
    "money_by_entity",
    "money_within",
    "pairing_modes",
    "region_at",
    "region_rollup",
    "region_summary",
    "regions_of",
    "resolve",
    "secondments_by_host",
    "top_donors",
    "top_recipients",
    "within",
]
