"""Totals and roll-ups computed from the records at build time, so aggregate queries are look-ups.

Summing every donation by donor over a million triples takes seconds in any SPARQL engine; reading a
precomputed total takes a millisecond. The totals are computed here in Python, with exact decimals,
from the same records the graph is made of, and stored in their own named graph
(`id:graph/rollups`) so they are replaced as a unit on every build and never mistaken for data.

Money is counted by model.counted, the one rule of every total graphkit shows: the stated
gk:amountCNY of a donation recommended for aggregates (a gift; not a pledge, a cumulative total or an
annual budget, unless a curator says otherwise), and not an amount per period (a rate, not a
sum); a joint gift credits its full amount to each of its donors, but a region's roll-up counts each
donation once.

Terms written (gk: is the graphkit ontology):
- per entity that gave / received a donation: gk:totalGivenCNY, gk:donationsGiven,
  gk:donationsGivenWithAmount / gk:totalReceivedCNY, gk:donationsReceived,
  gk:donationsReceivedWithAmount; gk:donorRank / gk:recipientRank (1 = most money, ties by number of
  donations then IRI, the order of donors-ranked); gk:donationCount (donations given or received)
  and gk:eventCount (events it takes part in, in any role);
- per region (zero when nothing): gk:totalReceivedWithinCNY, gk:donationsReceivedWithin,
  gk:donationsReceivedWithinWithAmount and the same for Given: money received / given by anything
  whose gk:withinRegion is the region (the region, its sub-regions, organisations and people);
- per pair of regions at province and at prefecture level: a gk:RegionFlow node with gk:fromRegion,
  gk:toRegion, gk:level, gk:amountCNY, gk:donationCount and gk:donationsWithAmount;
- per broker (gk:brokeredBy of a donation): gk:donationsBrokered, gk:totalBrokeredCNY,
  gk:donationsBrokeredWithAmount and gk:brokerRank (1 = most donations, then most money, then IRI,
  the order of the brokers query);
- per donation: gk:approximateAmountRank when its amount is approximate or per period (1 = largest,
  ties by IRI) and gk:plannedGiftRank when it is planned (1 = largest, gifts without an amount last),
  so "the N largest" is a look-up;
- tallies (gk:Tally nodes): per entity and event class (gk:ClassTally: gk:tallyOf the class,
  gk:instanceCount, and for events gk:amountCNY and gk:donationsWithAmount), per year of donation
  (gk:YearTally: gk:year, the event's date else its source's, none for undated ones) and per mode
  of pairing (gk:ModeTally: gk:tallyOf the mode concept, none for pairings without one;
  gk:instanceCount, gk:helperCount, gk:helpedCount and an example pairing, gk:example).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from rdflib import Literal, URIRef

from graphkit.model import Dataset, Event, counted
from graphkit.ontology import (
    ENTITY_CLASSES,
    EVENT_CLASSES,
    GK,
    ID,
    LEVELS,
    MODE,
    RDF,
    RDFS,
    entity_iri,
    event_iri,
    mode_index,
)
from graphkit.rdf_mapping import Quad, decimal_literal, integer_literal

ROLLUPS_GRAPH = ID["graph/rollups"]
FLOW_LEVELS = ("province", "prefecture")
ZERO = Decimal(0)


@dataclass
class Tally:
    """Running totals for one entity, region or flow."""

    amount: Decimal = ZERO
    count: int = 0
    with_amount: int = 0

    def add(self, amount: Decimal | None) -> None:
        """Count one donation and its amount, if it states one."""
        self.count += 1
        if amount is not None:
            self.amount += amount
            self.with_amount += 1


class Regions:
    """Which regions each entity lies in (gk:withinRegion, as rdf_mapping.py materialises it), memoised."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._within: dict[str, tuple[str, ...]] = {}

    def within(self, entity_id: str) -> tuple[str, ...]:
        """The region itself (if it is one) and every region containing the entity."""
        cached = self._within.get(entity_id)
        if cached is None:
            entities = self.dataset.entities
            own = (entity_id,) if entities[entity_id].type == "Region" else ()
            ancestors = tuple(a for a in self.dataset.ancestors(entity_id) if entities[a].type == "Region")
            cached = self._within[entity_id] = own + ancestors
        return cached

    def of_parties(self, parties: tuple[str, ...]) -> list[str]:
        """The regions any of the parties lie in (each once, in a stable order)."""
        if len(parties) == 1:  # most events: one donor, one recipient
            return list(self.within(parties[0]))
        return list(dict.fromkeys(region for party in parties for region in self.within(party)))

    def of_level(self, regions: list[str], level: str) -> list[str]:
        """Those of `regions` (as `of_parties` gives them) that are of one level."""
        entities = self.dataset.entities
        return [region for region in regions if entities[region].level == level]


@dataclass
class ModeTally:
    """The pairings of one mode (or of none): how many, between how many parties, and an example."""

    pairings: list[Event] = field(default_factory=list)

    def example(self) -> Event:
        """The first pairing by IRI with one helper and one helped party (else the first by IRI)."""
        return min(self.pairings, key=lambda e: (len(e.helpers) != 1 or len(e.helped) != 1, str(event_iri(e.id))))


@dataclass
class Totals:
    """Everything rollup_quads writes, as plain Python values (handy for tests and benchmarks)."""

    given: dict[str, Tally]
    received: dict[str, Tally]
    donations: dict[str, int]
    events: dict[str, int]
    given_within: dict[str, Tally]
    received_within: dict[str, Tally]
    flows: dict[tuple[str, str, str], Tally]
    brokered: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    classes: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    years: dict[str | None, Tally] = field(default_factory=lambda: defaultdict(Tally))
    modes: dict[str | None, ModeTally] = field(default_factory=lambda: defaultdict(ModeTally))
    approximate: list[Event] = field(default_factory=list)
    planned: list[Event] = field(default_factory=list)


def compute_totals(dataset: Dataset) -> Totals:
    """One pass over the events: per entity, per region, per pair of regions, per class, year and mode."""
    regions = Regions(dataset)
    totals = Totals(defaultdict(Tally), defaultdict(Tally), defaultdict(int), defaultdict(int),
                    defaultdict(Tally), defaultdict(Tally), defaultdict(Tally))
    for entity in dataset.entities.values():
        totals.classes[entity.type].count += 1
    for source in dataset.sources.values():
        for event in source.events:
            for party in dict.fromkeys(event.parties):
                totals.events[party] += 1
            totals.classes[event.type].add(_amount(event) if event.type == "donation" else None)
            if event.type == "donation":
                _count_donation(event, regions, totals)
                date = event.date or source.date
                totals.years[date[:4] if date else None].add(_amount(event))
            elif event.type == "pairing":
                mode = str(mode_index()[event.mode]) if event.mode else None
                totals.modes[mode].pairings.append(event)
    return totals


def _amount(event: Event) -> Decimal | None:
    """The money the totals add for a donation (model.counted: a rate per month adds nothing, nor a
    figure not recommended for aggregates)."""
    if event.amount is None:
        return None
    return counted(event.amount.value, event.amount.period, recommended=event.recommended_for_aggregates)


def _count_donation(event: Event, regions: Regions, totals: Totals) -> None:
    amount = _amount(event)
    for donor in dict.fromkeys(event.helpers):
        totals.given[donor].add(amount)
    for recipient in dict.fromkeys(event.helped):
        totals.received[recipient].add(amount)
    for party in dict.fromkeys((*event.helpers, *event.helped)):
        totals.donations[party] += 1
    givers, takers = regions.of_parties(event.helpers), regions.of_parties(event.helped)
    for region in givers:
        totals.given_within[region].add(amount)
    for region in takers:
        totals.received_within[region].add(amount)
    for level in FLOW_LEVELS:
        pairs = product(regions.of_level(givers, level), regions.of_level(takers, level))
        for source, target in pairs:
            totals.flows[(level, source, target)].add(amount)
    for broker in dict.fromkeys(event.brokers):
        totals.brokered[broker].add(amount)
    if event.amount is not None and (event.amount.approximate or event.amount.period):
        totals.approximate.append(event)
    if event.planned:
        totals.planned.append(event)


def flow_iri(level: str, source: str, target: str) -> URIRef:
    """A stable IRI for the flow between two regions at one level."""
    prefix = len(str(ID["entity/"]))
    return ID[f"rollup/flow/{level}/{str(entity_iri(source))[prefix:]}/{str(entity_iri(target))[prefix:]}"]


def rollup_quads(dataset: Dataset) -> Iterator[Quad]:
    """The materialised totals as quads in the graph id:graph/rollups."""
    totals = compute_totals(dataset)
    yield from _entity_quads(totals)
    yield from _region_quads(dataset, totals)
    yield from _flow_quads(dataset, totals)
    yield from _event_rank_quads(totals)
    yield from _class_quads(totals)
    yield from _year_quads(totals)
    yield from _mode_quads(totals)


def _quad(subject: URIRef, predicate: URIRef, obj: URIRef | Literal) -> Quad:
    return subject, predicate, obj, ROLLUPS_GRAPH


def _tally_quads(node: URIRef, tally: Tally, total: URIRef, count: URIRef, with_amount: URIRef) -> Iterator[Quad]:
    yield _quad(node, total, decimal_literal(tally.amount))
    yield _quad(node, count, integer_literal(tally.count))
    yield _quad(node, with_amount, integer_literal(tally.with_amount))


def ranked(tallies: dict[str, Tally]) -> list[str]:
    """Entity ids by money (most first), then number of donations, then IRI: donors-ranked's order."""
    return sorted(tallies, key=lambda e: (-tallies[e].amount, -tallies[e].count, str(entity_iri(e))))


def _entity_quads(totals: Totals) -> Iterator[Quad]:
    """Totals per entity, and its rank among donors / recipients (1 = most money).

    A rank makes "the top N" a look-up of N integers (VALUES ?rank { 1 2 … N }) instead of a sort
    of every donor, which is what keeps a ranking under 50 ms on a million triples.
    """
    for rank, entity_id in enumerate(ranked(totals.given), start=1):
        node = entity_iri(entity_id)
        yield from _tally_quads(node, totals.given[entity_id], GK.totalGivenCNY, GK.donationsGiven,
                                GK.donationsGivenWithAmount)
        yield _quad(node, GK.donorRank, integer_literal(rank))
    for rank, entity_id in enumerate(ranked(totals.received), start=1):
        node = entity_iri(entity_id)
        yield from _tally_quads(node, totals.received[entity_id], GK.totalReceivedCNY, GK.donationsReceived,
                                GK.donationsReceivedWithAmount)
        yield _quad(node, GK.recipientRank, integer_literal(rank))
    brokers = sorted(totals.brokered, key=lambda e: (-totals.brokered[e].count, -totals.brokered[e].amount,
                                                     str(entity_iri(e))))
    for rank, entity_id in enumerate(brokers, start=1):
        node = entity_iri(entity_id)
        yield from _tally_quads(node, totals.brokered[entity_id], GK.totalBrokeredCNY, GK.donationsBrokered,
                                GK.donationsBrokeredWithAmount)
        yield _quad(node, GK.brokerRank, integer_literal(rank))
    for entity_id, count in totals.donations.items():
        yield _quad(entity_iri(entity_id), GK.donationCount, integer_literal(count))
    for entity_id, count in totals.events.items():
        yield _quad(entity_iri(entity_id), GK.eventCount, integer_literal(count))


def _region_quads(dataset: Dataset, totals: Totals) -> Iterator[Quad]:
    """Every region gets both roll-ups, zero when nothing was given or received within it."""
    received = GK.totalReceivedWithinCNY, GK.donationsReceivedWithin, GK.donationsReceivedWithinWithAmount
    given = GK.totalGivenWithinCNY, GK.donationsGivenWithin, GK.donationsGivenWithinWithAmount
    for entity in dataset.entities.values():
        if entity.type == "Region":
            node = entity_iri(entity.id)
            yield from _tally_quads(node, totals.received_within.get(entity.id, Tally()), *received)
            yield from _tally_quads(node, totals.given_within.get(entity.id, Tally()), *given)


def _flow_quads(dataset: Dataset, totals: Totals) -> Iterator[Quad]:
    for (level, source, target), tally in totals.flows.items():
        node = flow_iri(level, source, target)
        yield _quad(node, RDF.type, GK.RegionFlow)
        yield _quad(node, RDFS.label, Literal(f"{dataset.entities[source].name} → {dataset.entities[target].name}"))
        yield _quad(node, GK.fromRegion, entity_iri(source))
        yield _quad(node, GK.toRegion, entity_iri(target))
        yield _quad(node, GK.level, LEVELS[level])
        yield from _tally_quads(node, tally, GK.amountCNY, GK.donationCount, GK.donationsWithAmount)


def _event_rank_quads(totals: Totals) -> Iterator[Quad]:
    """Donations ranked within the lists a person reads from the top: approximate and planned gifts."""

    def by_amount(event: Event) -> tuple[bool, Decimal, str]:
        amount = event.amount.value if event.amount is not None else None  # a listing: the figure as stated
        return amount is None, -(amount or ZERO), str(event_iri(event.id))

    for rank, event in enumerate(sorted(totals.approximate, key=by_amount), start=1):
        yield _quad(event_iri(event.id), GK.approximateAmountRank, integer_literal(rank))
    for rank, event in enumerate(sorted(totals.planned, key=by_amount), start=1):
        yield _quad(event_iri(event.id), GK.plannedGiftRank, integer_literal(rank))


def _class_quads(totals: Totals) -> Iterator[Quad]:
    """How many entities of each of the nine types and events of each of the three (zero included)."""
    for name, cls in ENTITY_CLASSES.items():
        node = ID[f"rollup/class/{name}"]
        yield _quad(node, RDF.type, GK.ClassTally)
        yield _quad(node, GK.tallyOf, cls)
        yield _quad(node, GK.instanceCount, integer_literal(totals.classes[name].count))
    for name, cls in EVENT_CLASSES.items():
        node = ID[f"rollup/class/{cls.removeprefix(str(GK))}"]
        tally = totals.classes[name]
        yield _quad(node, RDF.type, GK.ClassTally)
        yield _quad(node, GK.tallyOf, cls)
        yield from _tally_quads(node, tally, GK.amountCNY, GK.instanceCount, GK.donationsWithAmount)


def _year_quads(totals: Totals) -> Iterator[Quad]:
    """Donations per year of their date (the event's, else its source's); undated ones have no gk:year."""
    for year, tally in totals.years.items():
        node = ID[f"rollup/year/{year or 'undated'}"]
        yield _quad(node, RDF.type, GK.YearTally)
        if year:
            yield _quad(node, GK.year, Literal(year))
        yield from _tally_quads(node, tally, GK.amountCNY, GK.instanceCount, GK.donationsWithAmount)


def _mode_quads(totals: Totals) -> Iterator[Quad]:
    """Pairings per mode concept (and those without a mode): counts, distinct parties, an example."""
    for mode, tally in totals.modes.items():
        node = ID[f"rollup/pairing-mode/{mode.removeprefix(str(MODE)) if mode else 'none'}"]
        yield _quad(node, RDF.type, GK.ModeTally)
        if mode:
            yield _quad(node, GK.tallyOf, URIRef(mode))
        yield _quad(node, GK.instanceCount, integer_literal(len(tally.pairings)))
        helpers = {party for event in tally.pairings for party in event.helpers}
        helped = {party for event in tally.pairings for party in event.helped}
        yield _quad(node, GK.helperCount, integer_literal(len(helpers)))
        yield _quad(node, GK.helpedCount, integer_literal(len(helped)))
        yield _quad(node, GK.example, event_iri(tally.example().id))


__all__ = ["ROLLUPS_GRAPH", "Totals", "compute_totals", "rollup_quads"]
