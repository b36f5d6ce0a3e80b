"""How two entities are connected, hop by hop, each hop with the event and article behind it.

"How is this company connected to that county?" In a who-helps-whom graph the answer is assistance:
the company gave to a town in the county. So the default search (`via="assistance"`) follows the
links assistance makes (pairings, donations, secondments, a broker's 对接, a secondment's sending
unit) and uses the register's containment (`graphkit.containment`) only to step *into* an end:
from a county down to the town that received, from a city down to its bureau that gave. It never
climbs out of an end, because "the company sits in 彭州市, which pairs with 黑水县" attributes the
city's help to the company. `via="events"` uses no containment at all; `via="any"` also climbs and
follows membership (a cadre to their team), which answers "how are these two related at all".

The search is undirected, since a connection is a connection whichever way help flowed, but each
hop remembers its direction for printing. Fewest hops wins (with `assistance`: fewest assistance
links, then fewest steps into the ends); among equally short paths, one through events beats one
through the register, and a gift with a stated amount beats one without.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from graphkit import vocabulary
from graphkit.analysis.containment import containers
from graphkit.analysis.entities import label, resolve
from graphkit.analysis.events import events, giving_side
from graphkit.money import written

# Kinds of link; events first when several link the same pair.
EVENT_KINDS = ("relation", "sent", "brokerage")
STRUCTURE_KINDS = tuple(term.en.replace(" ", "_") for term in vocabulary.REGISTER_LINKS)  # part_of ...
KIND_OF_ATTR = {term.key: kind for term, kind in zip(vocabulary.REGISTER_LINKS, STRUCTURE_KINDS, strict=True)}
KIND_TEXT = {kind: term.en for term, kind in zip(vocabulary.REGISTER_LINKS, STRUCTURE_KINDS, strict=True)}
STRUCTURE_WEIGHT = 1.001  # a hop through the register costs a hair more than one through an event
#: With via="assistance", stepping into an end is a refinement of that end, not a connection: the
#: fewest assistance links win (a company's own gift to a village in the county beats a detour
#: through the cadre who brokered it), then the fewest steps into the ends.
STEP_INTO_WEIGHT = 0.01
MONEY_BONUS = 0.0001  # and one through a gift with a stated amount a hair less, as it says more
#: What a path may follow (see the module docstring).
VIA = ("assistance", "events", "any")


class NoPath(LookupError):
    """The two entities are not connected."""


@dataclass(frozen=True)
class Hop:
    """One step of a path: from `source` to `target` through one link.

    `forward` says whether the link itself points that way (helper → helped, broker → party,
    contained → container); `event` is the IRI of the event behind it (None for structure);
    `others` counts further links between the same two entities. `date` is the event's own date;
    `source_date` the article's.
    """

    source: str
    target: str
    source_label: str
    target_label: str
    kind: str
    forward: bool
    relation: str | None = None
    event: str | None = None
    amount: float | None = None
    approximate: bool = False
    period: str | None = None
    items: str | None = None
    mode: str | None = None
    role: str | None = None
    date: str | None = None
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    source_id: str | None = None
    source_date: str | None = None
    detail: str | None = None
    others: int = 0

    def text(self) -> str:
        """The hop as a line: 彭州市综合执法局 —[donation 150000 元, 2021-10, 《title》]→ 黑水县知木林人民政府."""
        parts = [self.what()]
        if self.date:
            parts.append(self.date)
        if self.kind in STRUCTURE_KINDS:
            parts.append("entity register")
        elif self.title or self.source_id:
            cited = f"《{self.title}》" if self.title else f"source {self.source_id}"
            by = " ".join(x for x in (self.publisher, self.source_date) if x)
            parts.append(f"{cited} {by}" if by else cited)
        inner = ", ".join(parts)
        if self.others:
            inner += f" (+{self.others} more)"
        if self.forward:
            return f"{self.source_label} —[{inner}]→ {self.target_label}"
        return f"{self.source_label} ←[{inner}]— {self.target_label}"

    def what(self) -> str:
        """What the link is: `donation 150000 元`, `pairing 对口支援`, `part of`..."""
        if self.kind in STRUCTURE_KINDS:
            return KIND_TEXT[self.kind]
        words = [self.relation or ""]
        if self.kind == "brokerage":
            words = ["brokered", self.relation or ""]
        elif self.kind == "sent":
            words = ["sent on secondment"]
        if self.amount is not None and self.relation == "donation":
            per = {"month": "/月", "year": "/年"}.get(self.period or "", f"/{self.period}" if self.period else "")
            words.append(("约" if self.approximate else "") + f"{written(self.amount)} 元{per}")
        elif self.items:
            words.append(self.items)
        if self.mode:
            words.append(self.mode)
        if self.role:
            words.append(self.role)
        if self.detail:
            words.append(f"({self.detail})")
        return " ".join(w for w in words if w)


def link_graph(graph: nx.MultiDiGraph, structure: bool = True) -> nx.MultiGraph:
    """Everything that connects two entities, as an undirected multigraph.

    Each edge keeps `kind`, `tail` and `head` (the link's own direction) and, for event links, the
    event's attributes under `event_data`. With `structure=False` only events connect entities.
    """
    links: nx.MultiGraph[str] = nx.MultiGraph()
    links.add_nodes_from(graph.nodes(data=True))

    def add(tail: str, head: str, kind: str, data: dict[str, Any] | None = None, key: str | None = None) -> None:
        if tail == head or tail not in links or head not in links:
            return
        weight = STRUCTURE_WEIGHT if kind in STRUCTURE_KINDS else 1.0
        if data and data.get("amount") is not None:
            weight -= MONEY_BONUS
        links.add_edge(tail, head, kind=kind, tail=tail, head=head, event_data=data, event=key, weight=weight)

    for giver, taker, key, data in graph.edges(keys=True, data=True):
        add(giver, taker, "relation", data, key)
    for key, event in events(graph).items():
        if event.get("relation") == "secondment":
            for unit in event.get("from", ()):
                for person in event.get("person", ()):
                    add(unit, person, "sent", event, key)
        for broker in event.get("brokers", ()):
            for party in dict.fromkeys([*giving_side(graph, event), *event.get("to", ())]):
                add(broker, party, "brokerage", event, key)
    if structure:
        for node, attrs in graph.nodes(data=True):
            for attr, kind in KIND_OF_ATTR.items():
                if attrs.get(attr):
                    add(node, attrs[attr], kind)
    return links


def _container_link(graph: nx.MultiDiGraph, node: str) -> dict[str, Any] | None:
    """The register link from a node to what directly contains it, as a `link_graph` edge."""
    chain = containers(graph, node)
    if not chain:
        return None
    attrs = graph.nodes[node]
    kind = KIND_OF_ATTR["parent"] if attrs.get("parent") == chain[0] else KIND_OF_ATTR["based"]
    return {"kind": kind, "tail": node, "head": chain[0], "event_data": None, "event": None,
            "weight": STRUCTURE_WEIGHT}


def _assistance_route(
    graph: nx.MultiDiGraph, links: nx.MultiGraph, start: str, end: str
) -> list[tuple[str, str, dict[str, Any] | None]]:
    """The shortest steps from `start` to `end` through assistance, stepping down by containment only
    from `start` into what it contains and up only into `end`: (source, target, containment link or
    None for an event step).

    The search runs on three copies of each entity: "down" (still inside `start`), "event" and "up"
    (already inside `end`); a containment link joins down-copies from container to contained and
    up-copies from contained to container, an event joins event-copies, and each entity's copies
    are joined down → event → up at no cost, so no route can climb out of `start` or into the
    middle of the path.
    """
    search: nx.DiGraph = nx.DiGraph()
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, data in links.edges(data=True):
        for a, b in ((u, v), (v, u)):
            if (a, b) not in best or data["weight"] < best[a, b]["weight"]:
                best[a, b] = data
    for (a, b), data in best.items():
        search.add_edge(("event", a), ("event", b), weight=data["weight"])
    for node in graph.nodes:
        search.add_edge(("down", node), ("event", node), weight=0.0)
        search.add_edge(("event", node), ("up", node), weight=0.0)
        link = _container_link(graph, node)
        if link is not None:
            search.add_edge(("down", link["head"]), ("down", node), weight=STEP_INTO_WEIGHT, link=link)
            search.add_edge(("up", node), ("up", link["head"]), weight=STEP_INTO_WEIGHT, link=link)
    route = nx.shortest_path(search, ("down", start), ("up", end), weight="weight")
    return [
        (a, b, search[step][following].get("link"))
        for step, following in itertools.pairwise(route)
        if (a := step[1]) != (b := following[1])
    ]


def _rank(edge: dict[str, Any]) -> tuple:
    """Which of several links between two entities to show: events, then money, then earliest."""
    kinds = (*EVENT_KINDS, *STRUCTURE_KINDS)
    data = edge.get("event_data") or {}
    amount = data.get("amount") or 0.0
    return (kinds.index(edge["kind"]), -amount, data.get("date") or "9999", edge.get("event") or "")


def _hop(graph: nx.MultiDiGraph, source: str, target: str, edge: dict[str, Any], others: int) -> Hop:
    data = edge.get("event_data") or {}
    detail = None
    if edge["kind"] == "brokerage":
        givers = "、".join(label(graph, n) for n in giving_side(graph, data))
        takers = "、".join(label(graph, n) for n in data.get("to", ()))
        detail = f"{givers}→{takers}"
    elif edge["kind"] == "relation" and data.get("brokers"):
        detail = "via " + "、".join(data.get("broker_labels") or [label(graph, b) for b in data["brokers"]])
    return Hop(
        source=source,
        target=target,
        source_label=label(graph, source),
        target_label=label(graph, target),
        kind=edge["kind"],
        forward=edge["tail"] == source,
        relation=data.get("relation"),
        event=edge.get("event"),
        amount=data.get("amount"),
        approximate=bool(data.get("approximate")),
        period=data.get("period"),
        items=data.get("items"),
        mode=data.get("mode"),
        role=data.get("role") if edge["kind"] != "brokerage" else None,
        date=data.get("date"),
        title=data.get("title"),
        publisher=data.get("publisher"),
        url=data.get("url"),
        source_id=data.get("sourceId"),
        source_date=data.get("sourceDate"),
        detail=detail,
        others=others,
    )


def connection(graph: nx.MultiDiGraph, a: str, b: str, via: str = "assistance") -> list[Hop]:
    """The shortest chain of links from `a` to `b` (names, aliases or IRIs), as hops.

    `via` is one of `VIA` (see the module docstring). Raises EntityNotFound or AmbiguousEntity for a
    name that does not pick one entity, ValueError for an unknown `via`, and NoPath when the two are
    not connected that way. An entity connected to itself is an empty path.
    """
    if via not in VIA:
        raise ValueError(f"via must be one of {', '.join(VIA)}, not {via!r}")
    start, end = resolve(graph, a), resolve(graph, b)
    if start == end:
        return []
    links = link_graph(graph, structure=via == "any")
    try:
        if via == "assistance":
            steps = _assistance_route(graph, links, start, end)
        else:
            nodes = nx.shortest_path(links, start, end, weight="weight")
            steps = [(source, target, None) for source, target in itertools.pairwise(nodes)]
    except nx.NetworkXNoPath:
        how = {
            "assistance": "assistance (events, brokerage, or stepping into what either contains)",
            "events": "events and brokerage",
            "any": "events, brokerage or the register",
        }[via]
        hint = "" if via == "any" else "; --via any also follows the register (located in, member of) upwards"
        raise NoPath(f"{label(graph, start)} and {label(graph, end)} are not connected through {how}{hint}") from None
    hops = []
    for source, target, link in steps:
        if link is not None:
            hops.append(_hop(graph, source, target, link, 0))
            continue
        candidates = sorted(links.get_edge_data(source, target).values(), key=_rank)
        hops.append(_hop(graph, source, target, candidates[0], len(candidates) - 1))
    return hops


def explain(hops: list[Hop]) -> str:
    """The hops as text, one per line."""
    return "\n".join(hop.text() for hop in hops)


def hops_as_dicts(hops: list[Hop]) -> list[dict[str, Any]]:
    """The hops as plain dicts (for JSON output), with each hop's text."""
    return [{**asdict(hop), "text": hop.text()} for hop in hops]
