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

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import orjson
from rdflib import Literal, URIRef

from graphkit.model import Dataset, Event, Source, counted
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

    def add(self, amount: Decimal | None, sign: int = 1) -> None:
        """Count one donation and its amount, if it states one (`sign` -1: take it out again)."""
        self.count += sign
        if amount is not None:
            self.amount += sign * amount
            self.with_amount += sign


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


#: How "the N largest" lists order a donation: without a stated figure last, then the largest, then IRI.
RankKey = tuple[bool, Decimal, str]
#: How a mode's example is chosen: one helper and one helped party first, then by IRI.
ExampleKey = tuple[bool, str]


@dataclass
class ModeTally:
    """The pairings of one mode (or of none): how many, between how many parties, and an example.

    Parties are counted by how many of the pairings name them, so that taking a pairing out again
    (an edited source, `Totals.count`) leaves what counting the others alone gives."""

    pairings: dict[str, ExampleKey] = field(default_factory=dict)
    helpers: Counter[str] = field(default_factory=Counter)
    helped: Counter[str] = field(default_factory=Counter)

    def add(self, event: Event, sign: int) -> None:
        if sign > 0:
            self.pairings[event.id] = (len(event.helpers) != 1 or len(event.helped) != 1, str(event_iri(event.id)))
        else:
            del self.pairings[event.id]
        _count_each(self.helpers, set(event.helpers), sign)
        _count_each(self.helped, set(event.helped), sign)

    def example(self) -> str:
        """The id of the first pairing by IRI with one helper and one helped party (else the first by IRI)."""
        return min(self.pairings, key=self.pairings.__getitem__)


@dataclass
class Totals:
    """Everything rollup_quads writes, as plain Python values (handy for tests and benchmarks).

    Every figure is a sum over the sources' events (`count`), so an incremental build takes the
    previous build's totals (`write`, `read`), takes out the old versions of the sources that changed
    and counts their new ones: the same totals as counting every source, without reading the sources
    that did not change (at a million quads, 0.5 s of an edit's 4). An entry whose count falls to
    zero goes, as counting from nothing would never have made it. The register's own figures (how
    many entities of each type, every region's zeros, the flows' labels) are read from the register
    when the quads are written."""

    given: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    received: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    donations: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    events: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    given_within: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    received_within: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    flows: dict[tuple[str, str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    brokered: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    classes: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    years: dict[str | None, Tally] = field(default_factory=lambda: defaultdict(Tally))
    modes: dict[str | None, ModeTally] = field(default_factory=lambda: defaultdict(ModeTally))
    approximate: dict[str, RankKey] = field(default_factory=dict)
    planned: dict[str, RankKey] = field(default_factory=dict)

    def count(self, source: Source, regions: Regions, sign: int = 1) -> None:
        """Count a source's events in (`sign` 1) or, a version counted before, out again (-1)."""
        for event in source.events:
            _count_each(self.events, dict.fromkeys(event.parties), sign)
            self.classes[event.type].add(_amount(event) if event.type == "donation" else None, sign)
            if event.type == "donation":
                self._count_donation(event, regions, sign)
                date = event.date or source.date
                _add(self.years, date[:4] if date else None, _amount(event), sign)
            elif event.type == "pairing":
                mode = str(mode_index()[event.mode]) if event.mode else None
                self.modes[mode].add(event, sign)
                if not self.modes[mode].pairings:
                    del self.modes[mode]

    def _count_donation(self, event: Event, regions: Regions, sign: int) -> None:
        amount = _amount(event)
        for donor in dict.fromkeys(event.helpers):
            _add(self.given, donor, amount, sign)
        for recipient in dict.fromkeys(event.helped):
            _add(self.received, recipient, amount, sign)
        _count_each(self.donations, dict.fromkeys((*event.helpers, *event.helped)), sign)
        givers, takers = regions.of_parties(event.helpers), regions.of_parties(event.helped)
        for region in givers:
            _add(self.given_within, region, amount, sign)
        for region in takers:
            _add(self.received_within, region, amount, sign)
        for level in FLOW_LEVELS:
            for source, target in product(regions.of_level(givers, level), regions.of_level(takers, level)):
                _add(self.flows, (level, source, target), amount, sign)
        for broker in dict.fromkeys(event.brokers):
            _add(self.brokered, broker, amount, sign)
        for listed, belongs in ((self.approximate, event.amount is not None and bool(event.amount.approximate
                                                                                   or event.amount.period)),
                                (self.planned, event.planned)):
            if belongs and sign > 0:
                stated = event.amount.value if event.amount is not None else None  # a listing: the figure as stated
                listed[event.id] = (stated is None, -(stated or ZERO), str(event_iri(event.id)))
            elif belongs:
                del listed[event.id]

    def events_counted(self) -> int:
        """How many events were counted, of every class."""
        return sum(self.classes[name].count for name in EVENT_CLASSES if name in self.classes)

    def write(self, path: Path) -> None:
        """The totals as JSON, for the next build to count its changes into (`read`)."""
        def tallies(found: Mapping[Any, Tally]) -> list[list[Any]]:
            return [[key, str(t.amount), t.count, t.with_amount] for key, t in found.items()]

        def ranks(found: Mapping[str, RankKey]) -> list[list[Any]]:
            return [[key, none, str(amount), iri] for key, (none, amount, iri) in found.items()]

        state = {
            "version": LEDGER_VERSION, **{name: tallies(getattr(self, name)) for name in _TALLIES},
            "flows": [[*key, str(t.amount), t.count, t.with_amount] for key, t in self.flows.items()],
            "donations": self.donations, "events": self.events,
            "modes": [[mode, [[i, *key] for i, key in m.pairings.items()], m.helpers, m.helped]
                      for mode, m in self.modes.items()],
            "approximate": ranks(self.approximate), "planned": ranks(self.planned),
        }
        path.write_bytes(orjson.dumps(state))

    @classmethod
    def read(cls, path: Path) -> Totals | None:
        """The totals `write` wrote, or None when they cannot be read (they are only a cache)."""
        try:
            state = orjson.loads(path.read_bytes())
            if state["version"] != LEDGER_VERSION:
                return None
            totals = cls()
            for name in _TALLIES:
                getattr(totals, name).update({key: Tally(Decimal(a), c, w) for key, a, c, w in state[name]})
            totals.flows.update({(lv, s, t): Tally(Decimal(a), c, w) for lv, s, t, a, c, w in state["flows"]})
            totals.donations.update(state["donations"])
            totals.events.update(state["events"])
            for mode, pairings, helpers, helped in state["modes"]:
                totals.modes[mode] = ModeTally({i: (bool(b), iri) for i, b, iri in pairings}, Counter(helpers),
                                               Counter(helped))
            for name in ("approximate", "planned"):
                getattr(totals, name).update({key: (bool(n), Decimal(a), iri) for key, n, a, iri in state[name]})
        except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
            return None
        return totals


#: The Tally maps `Totals.write` writes as [key, amount, count, with amount] rows.
_TALLIES = ("given", "received", "given_within", "received_within", "brokered", "classes", "years")
#: The shape of what `Totals.write` writes: a ledger of another shape is not read.
LEDGER_VERSION = 1


def _add(tallies: dict[Any, Tally], key: Any, amount: Decimal | None, sign: int) -> None:
    """One donation into (or out of) the tally of `key`, which goes when it counts none."""
    tally = tallies[key]
    tally.add(amount, sign)
    if not tally.count:
        del tallies[key]


def _count_each(counts: dict[str, int], keys: Iterable[str], sign: int) -> None:
    for key in keys:
        counts[key] += sign
        if not counts[key]:
            del counts[key]


def compute_totals(dataset: Dataset) -> Totals:
    """One pass over the events: per entity, per region, per pair of regions, per class, year and mode."""
    totals, regions = Totals(), Regions(dataset)
    for source in dataset.sources.values():
        totals.count(source, regions)
    return totals


def recount(totals: Totals, dataset: Dataset, before: Mapping[str, Source], changed: Iterable[str]) -> Totals:
    """`totals` of an earlier build made those of `dataset`: each source of `changed` counted out as
    that build read it (`before`; none for a new one) and in as `dataset` holds it (none for one
    removed). The register must hold every entity as that build's did (it may hold more): a
    region's containers are read from it."""
    regions = Regions(dataset)
    for source_id in changed:
        if source_id in before:
            totals.count(before[source_id], regions, -1)
        if source_id in dataset.sources:
            totals.count(dataset.sources[source_id], regions)
    return totals


def _amount(event: Event) -> Decimal | None:
    """The money the totals add for a donation (model.counted: a rate per month adds nothing, nor a
    figure not recommended for aggregates)."""
    if event.amount is None:
        return None
    return counted(event.amount.value, event.amount.period, recommended=event.recommended_for_aggregates)


def flow_iri(level: str, source: str, target: str) -> URIRef:
    """A stable IRI for the flow between two regions at one level."""
    prefix = len(str(ID["entity/"]))
    return ID[f"rollup/flow/{level}/{str(entity_iri(source))[prefix:]}/{str(entity_iri(target))[prefix:]}"]


def rollup_quads(dataset: Dataset, totals: Totals | None = None) -> Iterator[Quad]:
    """The materialised totals as quads in the graph id:graph/rollups: `totals` of the dataset's
    sources (`compute_totals` when not given), the register's own figures read from the dataset.
    Each kind is written in an order of its keys, so the same totals give the same lines however
    they were counted."""
    totals = compute_totals(dataset) if totals is None else totals
    yield from _entity_quads(totals)
    yield from _region_quads(dataset, totals)
    yield from _flow_quads(dataset, totals)
    yield from _event_rank_quads(totals)
    yield from _class_quads(dataset, totals)
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
    for entity_id in sorted(totals.donations):
        yield _quad(entity_iri(entity_id), GK.donationCount, integer_literal(totals.donations[entity_id]))
    for entity_id in sorted(totals.events):
        yield _quad(entity_iri(entity_id), GK.eventCount, integer_literal(totals.events[entity_id]))


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
    for (level, source, target), tally in sorted(totals.flows.items()):
        node = flow_iri(level, source, target)
        yield _quad(node, RDF.type, GK.RegionFlow)
        yield _quad(node, RDFS.label, Literal(f"{dataset.entities[source].name} → {dataset.entities[target].name}"))
        yield _quad(node, GK.fromRegion, entity_iri(source))
        yield _quad(node, GK.toRegion, entity_iri(target))
        yield _quad(node, GK.level, LEVELS[level])
        yield from _tally_quads(node, tally, GK.amountCNY, GK.donationCount, GK.donationsWithAmount)


def _event_rank_quads(totals: Totals) -> Iterator[Quad]:
    """Donations ranked within the lists a person reads from the top: approximate and planned gifts."""
    for listed, rank_term in ((totals.approximate, GK.approximateAmountRank), (totals.planned, GK.plannedGiftRank)):
        for rank, event_id in enumerate(sorted(listed, key=listed.__getitem__), start=1):
            yield _quad(event_iri(event_id), rank_term, integer_literal(rank))


def _class_quads(dataset: Dataset, totals: Totals) -> Iterator[Quad]:
    """How many entities of each of the nine types (in the register) and events of each of the three
    (zero included)."""
    entities = Counter(entity.type for entity in dataset.entities.values())
    for name, cls in ENTITY_CLASSES.items():
        node = ID[f"rollup/class/{name}"]
        yield _quad(node, RDF.type, GK.ClassTally)
        yield _quad(node, GK.tallyOf, cls)
        yield _quad(node, GK.instanceCount, integer_literal(entities[name]))
    for name, cls in EVENT_CLASSES.items():
        node = ID[f"rollup/class/{cls.removeprefix(str(GK))}"]
        tally = totals.classes.get(name, Tally())
        yield _quad(node, RDF.type, GK.ClassTally)
        yield _quad(node, GK.tallyOf, cls)
        yield from _tally_quads(node, tally, GK.amountCNY, GK.instanceCount, GK.donationsWithAmount)


def _year_quads(totals: Totals) -> Iterator[Quad]:
    """Donations per year of their date (the event's, else its source's); undated ones have no gk:year."""
    for year, tally in sorted(totals.years.items(), key=lambda item: (item[0] is None, item[0] or "")):
        node = ID[f"rollup/year/{year or 'undated'}"]
        yield _quad(node, RDF.type, GK.YearTally)
        if year:
            yield _quad(node, GK.year, Literal(year))
        yield from _tally_quads(node, tally, GK.amountCNY, GK.instanceCount, GK.donationsWithAmount)


def _mode_quads(totals: Totals) -> Iterator[Quad]:
    """Pairings per mode concept (and those without a mode): counts, distinct parties, an example."""
    for mode, tally in sorted(totals.modes.items(), key=lambda item: (item[0] is None, item[0] or "")):
        node = ID[f"rollup/pairing-mode/{mode.removeprefix(str(MODE)) if mode else 'none'}"]
        yield _quad(node, RDF.type, GK.ModeTally)
        if mode:
            yield _quad(node, GK.tallyOf, URIRef(mode))
        yield _quad(node, GK.instanceCount, integer_literal(len(tally.pairings)))
        yield _quad(node, GK.helperCount, integer_literal(len(tally.helpers)))
        yield _quad(node, GK.helpedCount, integer_literal(len(tally.helped)))
        yield _quad(node, GK.example, event_iri(tally.example()))


__all__ = ["ROLLUPS_GRAPH", "Totals", "compute_totals", "recount", "rollup_quads"]
