"""Records -> RDF quads in the graphkit ontology.

The entity register goes into one named graph, each source (its metadata, its events and the direct
edges derived from them) into a graph of its own, so that a source can be replaced or dropped as a
unit and every triple's provenance is its graph. No blank nodes: amounts and text spans get IRIs
under their event, so the same data loads identically into every store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from graphkit import gazetteer
from graphkit.model import Dataset, Entity, Event, Source, counted, years_in_force
from graphkit.ontology import (
    DCTERMS,
    DIRECT_EDGES,
    ENTITIES_GRAPH,
    ENTITY_CLASSES,
    EVENT_CLASSES,
    GK,
    LEVELS,
    OA,
    ORG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
    entity_iri,
    event_iri,
    mode_index,
    source_graph,
    source_iri,
)

Triple = tuple[URIRef, URIRef, URIRef | Literal]
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]
Coordinates = Callable[[Entity], tuple[float, float] | None]

ZH = "zh"
TRUE = Literal(True)
FALSE = Literal(False)
CNY = Literal("CNY")

# Literals are memoised where values recur (names, dates, amounts, small integers): making an rdflib
# Literal costs microseconds, and a build makes hundreds of thousands of them.
MEMO = 1 << 16


@lru_cache(maxsize=MEMO)
def _zh(text: str) -> Literal:
    return Literal(text, lang=ZH)


@lru_cache(maxsize=MEMO)
def integer_literal(value: int) -> Literal:
    """An xsd:integer."""
    return Literal(value)


@lru_cache(maxsize=MEMO)
def date_literal(value: str) -> Literal:
    """A date as precise as stated: xsd:gYear, xsd:gYearMonth or xsd:date."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=datatype)


@lru_cache(maxsize=MEMO)
def decimal_literal(value: Decimal) -> Literal:
    """An xsd:decimal in canonical lexical form, so every store compares and sums it alike."""
    text = format(value.normalize(), "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


def _former_triples(node: URIRef, entity: Entity) -> Iterator[Triple]:
    """A region's former names (searchable, as alternative labels) and former codes, from the
    gazetteer's change tables: 巴宜区 is found as 林芝县, 米林市 has had the code 540422."""
    code = entity.adcode or ""
    division = gazetteer.by_adcode(code) if entity.type == "Region" and code else None
    if division is None or division.code6 != code[:6]:
        return
    known = {entity.id, entity.name, *entity.aliases}
    for name in gazetteer.former_labels(division):
        if name not in known:
            yield node, SKOS.altLabel, _zh(name)
    for old in sorted({f.code for f in gazetteer.former_names(division) if f.code and f.code != division.code6}):
        yield node, GK.formerAdcode, Literal(old)


def entity_triples(entity: Entity, dataset: Dataset, coordinates: Coordinates | None = None) -> Iterator[Triple]:
    """The entity's type, labels, place in the region hierarchy and its organisational links."""
    node = entity_iri(entity.id)
    yield node, RDF.type, ENTITY_CLASSES[entity.type]
    yield node, RDFS.label, _zh(entity.name)
    if entity.id != entity.name:
        yield node, SKOS.altLabel, _zh(entity.id)
    for alias in entity.aliases:
        yield node, SKOS.altLabel, _zh(alias)
    if entity.name_en:
        yield node, RDFS.label, Literal(entity.name_en, lang="en")
    if entity.level:
        yield node, GK.level, LEVELS[entity.level]
    if entity.part_of:
        link = SCHEMA.containedInPlace if entity.type == "Region" else ORG.subOrganizationOf
        yield node, link, entity_iri(entity.part_of)
    if entity.located_in:
        yield node, GK.basedIn, entity_iri(entity.located_in)
    if entity.member_of:
        yield node, ORG.memberOf, entity_iri(entity.member_of)
    if entity.role:
        yield node, SCHEMA.jobTitle, _zh(entity.role)
    if entity.adcode:
        yield node, GK.adcode, Literal(entity.adcode)
        yield from _former_triples(node, entity)
    if entity.note:
        yield node, SKOS.note, _zh(entity.note)
    if entity.status == "extracted":
        yield node, GK.reviewStatus, Literal(entity.status)
    yield from _within_triples(node, entity, dataset)
    point = coordinates(entity) if coordinates else None
    if point is not None:
        yield node, SCHEMA.longitude, Literal(Decimal(str(point[0])))
        yield node, SCHEMA.latitude, Literal(Decimal(str(point[1])))


def _within_triples(node: URIRef, entity: Entity, dataset: Dataset) -> Iterator[Triple]:
    """Materialise gk:withinRegion: the region itself and every region an entity lies in.

    Roll-ups ("all money received in 黑水县 and its towns, villages, schools and agencies") then
    need one triple pattern instead of a property path, which keeps them fast at scale.
    """
    if entity.type == "Region":
        yield node, GK.withinRegion, node
    for ancestor in dataset.ancestors(entity.id):
        if dataset.entities[ancestor].type == "Region":
            yield node, GK.withinRegion, entity_iri(ancestor)


def source_triples(source: Source) -> Iterator[Triple]:
    """The article's bibliographic record."""
    node = source_iri(source.id)
    yield node, RDF.type, GK.Source
    yield node, DCTERMS.identifier, Literal(source.id)
    if source.title:
        yield node, DCTERMS.title, _zh(source.title)
    if source.publisher:
        yield node, DCTERMS.publisher, _zh(source.publisher)
    if source.date:
        yield node, DCTERMS.date, date_literal(source.date)
    if source.url:
        yield node, SCHEMA.url, URIRef(source.url)
    if source.script:
        yield node, GK.script, Literal(source.script)
    if source.sha256:
        yield node, GK.sha256, Literal(source.sha256)
    yield node, GK.reviewStatus, Literal(source.status)
    if source.kind:
        yield node, GK.sourceKind, Literal(source.kind)


# Role properties per event type: (helpers, helped).
ROLE_PROPERTIES: dict[str, tuple[URIRef, URIRef]] = {
    "pairing": (GK.helper, GK.helped),
    "donation": (GK.donor, GK.recipient),
    "secondment": (GK.sendingUnit, GK.hostUnit),
}


def event_triples(event: Event, source_date: str | None = None) -> Iterator[Triple]:
    """One event node with its parties, amount, attributes and provenance, plus its direct edges
    (`source_date`: its article's, which dates a pairing that states no date of its own)."""
    node = event_iri(event.id)
    yield node, RDF.type, EVENT_CLASSES[event.type]
    helper_property, helped_property = ROLE_PROPERTIES[event.type]
    for helper in event.helpers:
        yield node, helper_property, entity_iri(helper)
    for helped in event.helped:
        yield node, helped_property, entity_iri(helped)
    if event.person:
        yield node, GK.secondee, entity_iri(event.person)
    for broker in event.brokers:
        yield node, GK.brokeredBy, entity_iri(broker)
    yield from _attribute_triples(node, event)
    if event.type == "pairing":
        yield from _in_force_triples(node, event, source_date)
    yield from _amount_triples(node, event)
    yield from _provenance_triples(node, event)
    yield from derived_edges(event)


def _attribute_triples(node: URIRef, event: Event) -> Iterator[Triple]:
    if event.mode:
        yield node, GK.mode, mode_index()[event.mode]
        yield node, GK.modeLabel, _zh(event.mode)
    for prop, value in (
        (GK.items, event.items),
        (GK.quantity, event.quantity),
        (GK.purpose, event.purpose),
        (GK.role, event.role),
        (SKOS.note, event.note),
    ):
        if value:
            yield node, prop, _zh(value)
    if event.date:
        yield node, DCTERMS.date, date_literal(event.date)
    if event.planned:
        yield node, GK.planned, TRUE
    if event.type == "donation":
        if event.figure != "gift":
            yield node, GK.figure, Literal(event.figure)
        yield node, GK.recommendedForAggregates, TRUE if event.recommended_for_aggregates else FALSE
    for prop, when in ((GK.validFrom, event.valid_from), (GK.validTo, event.valid_to), (GK.asOf, event.as_of)):
        if when:
            yield node, prop, date_literal(when)


def _in_force_triples(node: URIRef, event: Event, source_date: str | None) -> Iterator[Triple]:
    """The years a pairing holds, by the one rule (model.years_in_force), as integers: a query asks
    `?from <= ?year` instead of working the rule out of three dates and the article's."""
    years = years_in_force(event.valid_from, event.valid_to, event.as_of or event.date or source_date)
    if years is None:
        return
    for prop, year in ((GK.inForceFrom, years[0]), (GK.inForceTo, years[1])):
        if year is not None:
            yield node, prop, integer_literal(year)


def _amount_triples(node: URIRef, event: Event) -> Iterator[Triple]:
    """The amount as stated, a schema:MonetaryAmount in CNY; and gk:amountCNY, the money the donation
    adds to totals (model.counted: none for a rate per month, nor for a figure not recommended for
    aggregates), so every SPARQL sum follows the rule."""
    amount = event.amount
    if amount is None:
        return
    value = decimal_literal(amount.value)
    money = URIRef(f"{node}/amount")
    yield node, SCHEMA.amount, money
    if counted(amount.value, amount.period, recommended=event.recommended_for_aggregates) is not None:
        yield node, GK.amountCNY, value
    yield money, RDF.type, SCHEMA.MonetaryAmount
    yield money, SCHEMA.value, value
    yield money, SCHEMA.currency, CNY
    yield money, GK.approximate, TRUE if amount.approximate else FALSE
    if amount.text:
        yield money, GK.statedAs, _zh(amount.text)
    if amount.period:
        yield money, GK.perPeriod, Literal(amount.period)


def _provenance_triples(node: URIRef, event: Event) -> Iterator[Triple]:
    """Which article states the event, and where in its text (a W3C Web Annotation selector)."""
    source = source_iri(event.source)
    yield node, PROV.wasDerivedFrom, source
    for other in event.also_in:  # the same fact in other sources (its own is the one above)
        yield node, GK.alsoStatedIn, source_iri(other)
    if event.span:
        selector = URIRef(f"{node}/span")
        yield node, GK.statedAt, selector
        yield selector, RDF.type, OA.TextPositionSelector
        yield selector, OA.start, integer_literal(event.span.start)
        yield selector, OA.end, integer_literal(event.span.end)
        yield selector, DCTERMS.isPartOf, source


def derived_edges(event: Event) -> Iterator[Triple]:
    """The direct edges an event implies: paired-with, donated-to, seconded-to (helper -> helped)."""
    edge = DIRECT_EDGES[event.type]
    givers = (event.person,) if event.type == "secondment" and event.person else event.helpers
    for giver in givers:
        for taker in event.helped:
            yield entity_iri(giver), edge, entity_iri(taker)


def register_triples(
    dataset: Dataset, coordinates: Coordinates | None = None, extracted: bool | None = None
) -> Iterator[Triple]:
    """What the register's graph (ENTITIES_GRAPH) holds: every entity's triples; with `extracted`,
    only those of the extracted register's entities (True) or of the curated one's (False). An
    entity's triples are its own: they depend on no other entity."""
    for entity in dataset.entities.values():
        if extracted is None or (entity.status == "extracted") == extracted:
            yield from entity_triples(entity, dataset, coordinates)


def source_graph_triples(source: Source) -> Iterator[Triple]:
    """What a source's own graph (`source_graph(source.id)`) holds: its record and its events."""
    yield from source_triples(source)
    for event in source.events:
        yield from event_triples(event, source.date)


def dataset_quads(dataset: Dataset, coordinates: Coordinates | None = None) -> Iterator[Quad]:
    """Every quad of the dataset: the register in its graph, each source in its own."""
    for triple in register_triples(dataset, coordinates):
        yield (*triple, ENTITIES_GRAPH)
    for source in dataset.sources.values():
        graph = source_graph(source.id)
        for triple in source_graph_triples(source):
            yield (*triple, graph)


def to_nquads(quads: Iterable[Quad]) -> Iterator[str]:
    """N-Quads lines, one per quad; written by hand because it is the hot path of a large build.

    Each IRI's N-Triples form is computed once per call: rdflib validates an IRI again on every
    `.n3()`, and the same predicates, graphs and entities recur on most lines. Literals, mostly
    distinct, are written as they come (caching them measured no faster).
    """
    forms: dict[Node, str] = {}

    def n3(term: Node) -> str:
        form = forms.get(term)
        if form is None:
            form = forms[term] = term.n3()
        return form

    for s, p, o, g in quads:
        if type(o) is not Literal:
            obj = n3(o)
        elif o.datatype in _NUMERIC:  # a lexical form of digits, sign and point: nothing to escape
            obj = f'"{o}"^^{n3(o.datatype)}'
        else:
            obj = o.n3()
        yield f"{n3(s)} {n3(p)} {obj} {n3(g)} .\n"


#: Datatypes whose literals `to_nquads` writes itself: rdflib's Literal.n3 escapes the lexical form
#: character by character, a third of writing the roll-ups (135,000 quads, most of them counts).
_NUMERIC = frozenset({XSD.integer, XSD.decimal})
