"""The ontology files: graphkit.ttl, shapes.ttl and the named queries in ontology/queries/.

(a) every term of the ontology is labelled in Chinese and English and commented;
(b) every graphkit term the code emits is declared;
(c) every named query has a header, parses and declares its parameters;
(d) a small graph built by graphkit.rdf_mapping conforms to the shapes, and broken variants fail with the
    message of the shape they break;
(e) every named query gives the same rows on rdflib and Oxigraph, and the expected ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery

import graphkit.rdf_mapping
from graphkit import query as gq
from graphkit.model import Amount, Dataset, Entity, Event, Source, Span
from graphkit.ontology import (
    DIRECT_EDGES,
    ENTITY_CLASSES,
    EVENT_CLASSES,
    GK,
    LEVELS,
    MODE,
    ONTOLOGY_GRAPH,
    entity_iri,
    event_iri,
    ontology_dir,
    ontology_graph,
)
from graphkit.store import MemoryStore, OxigraphStore
from graphkit.store.base import Store
from graphkit.tallies import rollup_quads
from tests.aggregates import check_rollups_against_events

ONTOLOGY = ontology_dir() / "graphkit.ttl"
SHAPES = ontology_dir() / "shapes.ttl"
MODES = ontology_dir() / "modes.ttl"
QUERIES = sorted((ontology_dir() / "queries").glob("*.rq"))
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
DECLARING_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
    OWL.NamedIndividual,
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


# ---------------------------------------------------------------------------------------------
# A tiny dataset: 彭州 helps 黑水县 (阿坝州, 四川省), with a joint gift, a per-month planned gift, a gift
# to two units of the same county, an undated source and a secondment without a sending unit.


def _entity(entity_id: str, kind: str, **fields: Any) -> Entity:
    return Entity(id=entity_id, type=kind, name=fields.pop("name", entity_id), **fields)


ENTITIES = (
    _entity("四川省", "Region", level="province", name_en="Sichuan", adcode="510000"),
    _entity("阿坝州", "Region", name="阿坝藏族羌族自治州", level="prefecture", part_of="四川省"),
    _entity("黑水县", "Region", level="county", part_of="阿坝州", aliases=("黑水",), adcode="513228"),
    _entity("知木林镇", "Region", level="township", part_of="黑水县"),
    _entity("色尔古镇", "Region", level="township", part_of="黑水县"),
    _entity("成都市", "Region", level="prefecture", part_of="四川省"),
    _entity("彭州市", "Region", level="county", part_of="成都市"),
    _entity("彭州市综合执法局", "GovernmentAgency", located_in="彭州市", aliases=("彭州综合执法局",)),
    _entity("彭州市市场监督管理局", "GovernmentAgency", located_in="彭州市", aliases=("彭州市场监管局",)),
    _entity("彭州建工集团", "Company", located_in="彭州市"),
    _entity("知木林镇人民政府", "GovernmentAgency", located_in="知木林镇"),
    _entity("黑水县中学", "School", located_in="黑水县"),
    _entity("魏国庆", "Person", member_of="彭州市市场监督管理局", role="挂职干部"),
    _entity("张三", "Person"),
    _entity("彭州援黑工作队", "WorkTeam", located_in="彭州市"),
)
AGENCY, COMPANY, TOWN_GOV, SCHOOL = "彭州市综合执法局", "彭州建工集团", "知木林镇人民政府", "黑水县中学"

SRC1_EVENTS = (
    Event("src1/p1", "pairing", "src1", helpers=("彭州市",), helped=("黑水县",), mode="对口支援"),
    Event("src1/p2", "pairing", "src1", helpers=(AGENCY,), helped=(TOWN_GOV,), mode="结对"),
    Event("src1/p3", "pairing", "src1", helpers=("成都市",), helped=("阿坝州",)),
    Event(
        "src1/d1",
        "donation",
        "src1",
        helpers=(AGENCY,),
        helped=(TOWN_GOV,),
        amount=Amount(Decimal("150000"), text="15万元"),
        purpose="办公场地修缮",
        brokers=("张三",),
        span=Span(10, 50),
        date="2023-04",
    ),
    Event(
        "src1/d2",
        "donation",
        "src1",
        helpers=(AGENCY, COMPANY),
        helped=(SCHOOL,),
        amount=Amount(Decimal("90000"), approximate=True, text="9万余元"),
        date="2022",
    ),
    Event(
        "src1/d3",
        "donation",
        "src1",
        helpers=(COMPANY,),
        helped=(TOWN_GOV,),
        amount=Amount(Decimal("5000"), period="month", text="5000元/月"),
        planned=True,
        items="图书",
    ),
    Event(
        "src1/s1",
        "secondment",
        "src1",
        person="魏国庆",
        helpers=("彭州市市场监督管理局",),
        helped=("色尔古镇",),
        role="挂职副镇长",
        date="2023-03-01",
    ),
)
SRC2_EVENTS = (
    Event(
        "src2/d4",
        "donation",
        "src2",
        helpers=("成都市",),
        helped=(SCHOOL, TOWN_GOV),
        amount=Amount(Decimal("20000")),
        items="棉被",
        quantity="200床",
    ),
    Event("src2/s2", "secondment", "src2", person="彭州援黑工作队", helped=("黑水县",)),
)


def make_dataset(src1_events: tuple[Event, ...] = SRC1_EVENTS, entities: tuple[Entity, ...] = ENTITIES) -> Dataset:
    dataset = Dataset()
    dataset.entities = {entity.id: entity for entity in entities}
    dataset.sources = {
        "src1": Source(
            "src1",
            title="彭州援建黑水",
            publisher="彭州日报",
            date="2023-05-01",
            url="https://example.org/a",
            script="simplified",
            sha256="a" * 64,
            events=src1_events,
        ),
        "src2": Source("src2", title="成都捐赠棉被", status="extracted", events=SRC2_EVENTS),
    }
    return dataset


def _with_event(local_id: str, **changes: Any) -> Dataset:
    events = tuple(replace(e, **changes) if e.local_id == local_id else e for e in SRC1_EVENTS)
    return make_dataset(events)


# ---------------------------------------------------------------------------------------------
# (a) the ontology: parses everywhere, every term labelled and commented


def declared_terms(graph: Graph) -> set[URIRef]:
    return {s for t in DECLARING_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}


def test_ontology_parses_with_oxigraph_too() -> None:
    for path in (ONTOLOGY, SHAPES, MODES):
        assert list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)), path


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/graphkit/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    for predicate in ("title", "description", "license"):
        assert ontology.value(header, URIRef(f"http://purl.org/dc/terms/{predicate}")) is not None, predicate
    assert ontology.value(header, OWL.versionInfo) is not None


def test_ontology_has_no_blank_nodes(ontology: Graph) -> None:
    """Blank nodes would load differently into each store; the ontology is plain IRIs and literals."""
    assert not [t for t in ontology if any(isinstance(x, BNode) for x in t)]


def test_every_term_is_labelled_in_chinese_and_english_and_commented(ontology: Graph) -> None:
    terms = declared_terms(ontology)
    assert len(terms) > 50
    problems = []
    for term in sorted(terms):
        labels = {label.language for label in ontology.objects(term, RDFS.label) if isinstance(label, Literal)}
        comments = [c for c in ontology.objects(term, RDFS.comment) if isinstance(c, Literal) and c.language == "en"]
        if not {"zh", "en"} <= labels:
            problems.append(f"{term}: labels in {sorted(map(str, labels))}")
        if len(comments) != 1:
            problems.append(f"{term}: {len(comments)} English comments")
    assert not problems, "\n".join(problems)


def test_every_gk_term_mentioned_in_the_ontology_is_declared(ontology: Graph) -> None:
    """A typo in graphkit.ttl (gk:Donaton) would otherwise mint a new, undeclared term."""
    declared = declared_terms(ontology)
    mentioned = {x for t in ontology for x in t if isinstance(x, URIRef) and str(x).startswith(str(GK))}
    assert mentioned - declared == set()


def test_reused_vocabularies(ontology: Graph) -> None:
    schema, org = "https://schema.org/", "http://www.w3.org/ns/org#"
    expected = {
        (GK.Region, RDFS.subClassOf, URIRef(schema + "AdministrativeArea")),
        (GK.Company, RDFS.subClassOf, URIRef(org + "Organization")),
        (GK.Donation, RDFS.subClassOf, URIRef(schema + "DonateAction")),
        (GK.Donation, RDFS.subClassOf, GK.AssistanceEvent),
        (GK.AssistanceEvent, RDFS.subClassOf, PROV.Activity),
        (GK.Source, RDFS.subClassOf, URIRef("http://purl.org/dc/terms/BibliographicResource")),
        (GK.donor, RDFS.subPropertyOf, GK.helper),
        (GK.recipient, RDFS.subPropertyOf, GK.helped),
        (GK.sendingUnit, RDFS.subPropertyOf, GK.helper),
        (GK.hostUnit, RDFS.subPropertyOf, GK.helped),
        (GK.basedIn, RDFS.subPropertyOf, URIRef(schema + "location")),
        (GK.adcode, RDFS.subPropertyOf, URIRef(schema + "identifier")),
    }
    assert expected - set(ontology) == set()
    for kind in ENTITY_CLASSES.values():
        assert (kind, RDFS.subClassOf, GK.Entity) in ontology
    for level in LEVELS.values():
        assert (level, RDF.type, GK.AdministrativeLevel) in ontology


# ---------------------------------------------------------------------------------------------
# (b) everything graphkit.rdf_mapping emits in the gk: namespace is declared


PACKAGE = Path(graphkit.rdf_mapping.__file__).resolve().parent


def gk_terms_in(path: Path) -> set[URIRef]:
    """The terms a module names as GK.xxx or GK["xxx"]."""
    source = path.read_text(encoding="utf-8")
    names = set(re.findall(r"\bGK\.([A-Za-z_]\w*)", source))
    names |= set(re.findall(r"\bGK\[\s*[\"']([^\"']+)[\"']\s*\]", source))
    return {GK[name] for name in names}


def test_every_gk_term_of_rdf_py_is_declared(ontology: Graph) -> None:
    used = gk_terms_in(PACKAGE / "rdf_mapping.py")
    assert GK.withinRegion in used and GK.amountCNY in used  # the parser found the terms
    # Terms rdf_mapping.py emits through the tables of graphkit.ontology.
    for table in (ENTITY_CLASSES, EVENT_CLASSES, LEVELS, DIRECT_EDGES):
        used |= set(table.values())
    assert sorted(used - declared_terms(ontology)) == []


def test_every_gk_term_of_the_package_is_declared(ontology: Graph) -> None:
    """Any module writing graphkit terms (the roll-ups, the explorer...) writes declared ones."""
    undeclared = {
        f"{path.relative_to(PACKAGE)}: {term}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for term in gk_terms_in(path) - declared_terms(ontology)
    }
    assert sorted(undeclared) == []


def test_every_gk_term_in_a_built_graph_is_declared(ontology: Graph) -> None:
    declared = declared_terms(ontology)
    emitted = {
        x
        for quad in graphkit.rdf_mapping.dataset_quads(make_dataset())
        for x in quad[:3]
        if isinstance(x, URIRef) and str(x).startswith(str(GK))
    }
    assert sorted(emitted - declared) == []


def test_materialised_totals_are_declared(ontology: Graph) -> None:
    for name in ("totalGivenCNY", "totalReceivedCNY", "totalReceivedWithinCNY", "donationCount", "eventCount"):
        assert (GK[name], RDF.type, OWL.DatatypeProperty) in ontology, name


def test_rollups_conform_to_the_shapes(shapes: Graph) -> None:
    from graphkit import tallies as rollup

    graph = data_graph(make_dataset())
    for s, p, o, _ in rollup.rollup_quads(make_dataset()):
        graph.add((s, p, o))
    conforms, messages = violations(graph, shapes)
    assert conforms, messages
    assert any(True for _ in graph.subjects(RDF.type, GK.RegionFlow))


# ---------------------------------------------------------------------------------------------
# (c) the named queries: header, syntax, parameters


def test_the_library_has_the_queries() -> None:
    library = gq.named_queries()
    assert len(library) >= 12
    assert {"help-for-region", "donors-ranked", "money-received-within", "sources-of-fact"} <= set(library)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_query_header_and_syntax(path: Path) -> None:
    named = gq.parse_named_query(path)
    assert named.name == path.stem
    assert named.description and len(named.description) > 20
    assert path.read_text(encoding="utf-8").startswith("# description:")
    prepared = prepareQuery(gq.with_prefixes(named.text))
    assert re.search(r"\bORDER\s+BY\b", named.text), "rows must come in a total order"
    projected = {str(v) for v in prepared.algebra.get("PV", [])}
    for param in named.params:
        assert param.kind in gq.PARAM_KINDS
        assert param.description, f"{param.name} has no description"
        assert re.search(rf"\?{re.escape(param.name)}\b", named.text), f"?{param.name} is not used"
        # Oxigraph substitutes only variables of the SELECT projection (SEP-0007).
        assert param.name in projected, f"?{param.name} must be projected"


# ---------------------------------------------------------------------------------------------
# (d) SHACL


def data_graph(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in graphkit.rdf_mapping.dataset_quads(dataset):
        graph.add((s, p, o))
    graph += ontology_graph()
    return graph


def violations(graph: Graph, shapes: Graph) -> tuple[bool, set[str]]:
    conforms, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes, ont_graph=ontology_graph(), inference="none", advanced=True
    )
    return bool(conforms), {str(m) for m in results.objects(None, SH.resultMessage)}


def test_every_shape_has_a_name_and_a_message(shapes: Graph) -> None:
    nodes = set(shapes.subjects(SH.path, None))
    nodes |= set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(nodes) > 20
    for node in nodes:
        assert shapes.value(node, SH.name) is not None, node
        assert shapes.value(node, SH.message) is not None, node


def test_joint_gift_relaxation_is_documented(shapes: Graph) -> None:
    text = " ".join(str(d) for d in shapes.objects(None, SH.description))
    assert "exactly one donor" in text and "counted once" in text


def test_built_graph_conforms(shapes: Graph) -> None:
    conforms, messages = violations(data_graph(make_dataset()), shapes)
    assert conforms, messages


def _without(graph: Graph, subject: URIRef, predicate: URIRef) -> Graph:
    graph.remove((subject, predicate, None))
    return graph


def _with(graph: Graph, *triples: tuple[URIRef, URIRef, Any]) -> Graph:
    for triple in triples:
        graph.add(triple)
    return graph


PARTY_LABEL = 'A party must have an rdfs:label in Chinese (language "zh").'
BROKEN: dict[str, tuple[Callable[[], Graph], set[str]]] = {
    "donation without donor": (
        lambda: data_graph(_with_event("d1", helpers=())),
        {"A donation must have at least one gk:donor."},
    ),
    "negative amount": (
        lambda: data_graph(_with_event("d1", amount=Amount(Decimal("-150000")))),
        {
            "A monetary amount must have exactly one schema:value, an xsd:decimal >= 0.",
            "gk:amountCNY must be a single xsd:decimal >= 0.",
        },
    ),
    "entity without a Chinese label": (
        lambda: _without(data_graph(make_dataset()), entity_iri("黑水县中学"), RDFS.label),
        {PARTY_LABEL},
    ),
    "entity with only an English label": (
        lambda: _with(
            _without(data_graph(make_dataset()), entity_iri("四川省"), RDFS.label),
            (entity_iri("四川省"), RDFS.label, Literal("Sichuan", lang="en")),
        ),
        {PARTY_LABEL},
    ),
    "event without source": (
        lambda: _without(data_graph(make_dataset()), event_iri("src1/d1"), PROV.wasDerivedFrom),
        {"An event must be prov:wasDerivedFrom exactly one gk:Source."},
    ),
    "event citing an unknown source": (
        lambda: data_graph(_with_event("p1", source="nowhere")),
        {"An event must be prov:wasDerivedFrom exactly one gk:Source."},
    ),
    "party missing from the register": (
        lambda: data_graph(make_dataset(entities=tuple(e for e in ENTITIES if e.id != "张三"))),
        {PARTY_LABEL, "A party must have exactly one rdf:type among the nine entity classes"},
    ),
    "region without level": (
        lambda: data_graph(
            make_dataset(entities=tuple(replace(e, level=None) if e.id == "色尔古镇" else e for e in ENTITIES))
        ),
        {"A region must have exactly one gk:level (gk:ProvinceLevel … gk:VillageLevel)."},
    ),
    "secondment with two sending units": (
        lambda: data_graph(_with_event("s1", helpers=("彭州市市场监督管理局", "彭州市"))),
        {"A secondment has at most one gk:sendingUnit."},
    ),
    "secondee that is not a person or team": (
        lambda: data_graph(_with_event("s1", person="彭州建工集团")),
        {"A secondment must have exactly one gk:secondee, a gk:Person or gk:WorkTeam."},
    ),
    "span ending before it starts": (
        lambda: data_graph(_with_event("d1", span=Span(50, 10))),
        {"A text position selector must have exactly one oa:start, an xsd:integer >= 0 and less than oa:end."},
    ),
    "mode outside the scheme": (
        lambda: _with(
            _without(data_graph(make_dataset()), event_iri("src1/p1"), GK.mode),
            (event_iri("src1/p1"), GK.mode, MODE["no-such-mode"]),
        ),
        {"An event has at most one gk:mode, a skos:Concept in mode:scheme."},
    ),
    "amount shortcut out of step": (
        lambda: _without(data_graph(make_dataset()), event_iri("src1/d1"), GK.amountCNY),
        {"A donation's gk:amountCNY must equal the schema:value of its schema:amount, and be absent when that "
         "amount is per period or not recommended for aggregates."},
    ),
    "a rate added to totals": (
        lambda: _with(data_graph(make_dataset()), (event_iri("src1/d3"), GK.amountCNY, Literal(Decimal("5000")))),
        {"A donation's gk:amountCNY must equal the schema:value of its schema:amount, and be absent when that "
         "amount is per period or not recommended for aggregates."},
    ),
    "bad review status": (
        lambda: _with(
            _without(data_graph(make_dataset()), URIRef("https://w3id.org/graphkit/id/source/src2"), GK.reviewStatus),
            (URIRef("https://w3id.org/graphkit/id/source/src2"), GK.reviewStatus, Literal("draft")),
        ),
        {'A source must have exactly one gk:reviewStatus, "curated", "reviewed" or "extracted".'},
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_graph_fails_with_the_shape_message(case: str, shapes: Graph) -> None:
    build, expected = BROKEN[case]
    conforms, messages = violations(build(), shapes)
    assert not conforms
    for message in expected:
        assert any(m.startswith(message) for m in messages), (message, messages)


# ---------------------------------------------------------------------------------------------
# (e) named queries on both stores


@pytest.fixture(scope="module")
def stores() -> tuple[Store, Store]:
    """The tiny graph as a build makes it: records, ontology and the roll-ups the queries read."""
    quads = list(graphkit.rdf_mapping.dataset_quads(make_dataset())) + list(rollup_quads(make_dataset()))
    quads += [(s, p, o, ONTOLOGY_GRAPH) for s, p, o in ontology_graph()]
    memory, oxigraph = MemoryStore(), OxigraphStore()
    memory.add_quads(quads)
    oxigraph.add_quads(quads)
    return memory, oxigraph


def canonical(term: Any) -> Any:
    """A term for comparing rows across stores.

    Oxigraph keeps decimals as values and writes them back in its own canonical form ("150000"
    where rdflib keeps "150000.0"), so decimals compare by value; every other term as is.
    """
    if isinstance(term, Literal) and term.datatype == XSD_DECIMAL:
        return ("decimal", Decimal(str(term)))
    return term


def run_both(stores: tuple[Store, Store], name: str, params: dict[str, str]) -> list[dict[str, Any]]:
    memory, oxigraph = stores
    first, second = gq.run(memory, name, params), gq.run(oxigraph, name, params)
    assert first.variables == second.variables
    assert [tuple(map(canonical, r)) for r in first.rows] == [tuple(map(canonical, r)) for r in second.rows]
    return [{k: _short(v) for k, v in row.items()} for row in first.dicts()]


def _short(value: Any) -> Any:
    """IRIs of the graph shortened to their last segment, for readable expectations."""
    if isinstance(value, str) and value.startswith("https://w3id.org/graphkit/"):
        return re.split(r"[/#]", value)[-1]
    return value


def _pick(rows: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in keys) for row in rows]


def check_help_for_region(rows: list[dict[str, Any]]) -> None:
    # One row per helper, role, helped unit and event type (each with one event here).
    got = _pick(rows, "helper", "as", "helped", "type", "events", "totalCNY")
    assert len(rows) == 11
    assert (AGENCY, "捐赠方", SCHOOL, "Donation", 1, 90000) in got  # joint gift: both donors
    assert (COMPANY, "捐赠方", SCHOOL, "Donation", 1, 90000) in got
    assert ("彭州市市场监督管理局", "派出单位", "色尔古镇", "Secondment", 1, 0) in got
    assert ("魏国庆", "选派人员", "色尔古镇", "Secondment", 1, 0) in got
    assert ("彭州市", "帮扶方", "黑水县", "Pairing", 1, 0) in got
    assert "阿坝州" not in {r["helped"] for r in rows}  # p3 helps 阿坝州, which is not within 黑水县
    row = next(r for r in rows if (r["helper"], r["helped"], r["type"]) == (AGENCY, TOWN_GOV, "Donation"))
    assert (row["totalCNY"], row["withAmount"], row["typeLabel"], row["region"]) == (150000, 1, "捐赠", "黑水县")
    assert [r["type"] for r in rows] == sorted(r["type"] for r in rows)


def check_donors_ranked(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "rank", "donor", "donorLabel", "totalCNY", "donations") == [
        (1, AGENCY, AGENCY, 240000, 2),
        (2, COMPANY, COMPANY, 90000, 2),  # its 5000元/月 is a rate, never added (model.counted)
        (3, "成都市", "成都市", 20000, 1),
    ]


def check_recipients_ranked(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "rank", "recipient", "totalCNY", "donations") == [(1, TOWN_GOV, 170000, 3), (2, SCHOOL, 110000, 2)]


def check_flow_between_regions(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "donor", "recipient", "totalCNY", "donations") == [
        (AGENCY, TOWN_GOV, 150000, 1),
        (AGENCY, SCHOOL, 90000, 1),
        (COMPANY, SCHOOL, 90000, 1),
        (COMPANY, TOWN_GOV, 0, 1),  # 5000元/月: a rate, counted as a donation but adding no money
    ]
    assert {(r["from"], r["to"], r["origin"], r["destination"]) for r in rows} == {
        ("彭州市", "黑水", "彭州市", "黑水县")
    }


def check_cadres_seconded_to(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "secondee", "kindLabel", "host", "sendingUnit", "role") == [
        ("魏国庆", "个人", "色尔古镇", "彭州市市场监督管理局", "挂职副镇长"),
        ("彭州援黑工作队", "工作队", "黑水县", None, None),
    ]


def check_pairings_by_mode(rows: list[dict[str, Any]]) -> None:
    # One row per mode (pairings without a mode in their own), with an example pairing.
    assert _pick(rows, "modeLabel", "pairings", "helperCount", "helpedCount", "event", "helper", "helped", "statedAs") == [
        (None, 1, 1, 1, "p3", "成都市", "阿坝州", None),
        ("对口支援", 1, 1, 1, "p1", "彭州市", "黑水县", "对口支援"),
        ("结对帮扶", 1, 1, 1, "p2", AGENCY, TOWN_GOV, "结对"),
    ]


def check_brokers(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "rank", "broker", "brokerLabel", "donations", "totalCNY") == [(1, "张三", "张三", 1, 150000)]


def check_sources_of_fact(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "event", "source", "title", "publisher", "url", "status") == [
        (e, "src1", "彭州援建黑水", "彭州日报", "https://example.org/a", "reviewed") for e in ("d1", "d2", "p2")
    ]
    assert _pick(rows, "start", "end") == [(10, 50), (None, None), (None, None)]
    assert str(rows[0]["date"]) == "2023-05-01" and rows[0]["typeLabel"] == "捐赠"


def check_events_of_entity(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "event", "role", "amountCNY") == [
        ("d2", "donor", 90000),
        ("d1", "donor", 150000),
        ("p2", "helper", None),
    ]
    assert rows[-1]["modeLabel"] == "结对帮扶" and str(rows[-1]["date"]) == "2023-05-01"  # the source's date


def check_region_hierarchy(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "subregion", "levelLabel", "parent") == [
        ("黑水县", "县级", "阿坝州"),
        ("知木林镇", "乡级", "黑水县"),
        ("色尔古镇", "乡级", "黑水县"),
    ]
    assert rows[0]["adcode"] == "513228"


def check_money_received_within(rows: list[dict[str, Any]]) -> None:
    # d4 goes to two units of 黑水县 and counts once: 150000 + 90000 + 20000; d3 (5000元/月) is a rate.
    assert _pick(rows, "place", "placeLabel", "totalCNY", "donations", "withAmount") == [
        ("黑水县", "黑水县", 260000, 4, 3)
    ]


def check_donations_over_time(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "year", "donations", "totalCNY") == [(None, 1, 20000), ("2022", 1, 90000), ("2023", 2, 150000)]


def check_entity_counts(rows: list[dict[str, Any]]) -> None:
    counts = {row["class"]: row["entities"] for row in rows}
    assert counts == {
        "Region": 7,
        "GovernmentAgency": 3,
        "Person": 2,
        "Company": 1,
        "School": 1,
        "WorkTeam": 1,
        "Hospital": 0,
        "PartyOrganization": 0,
        "SocialOrganization": 0,
    }
    assert rows[0]["classLabel"] == "行政区域"


def check_event_counts(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "class", "classLabel", "events", "totalCNY") == [
        ("Donation", "捐赠", 4, 260000),
        ("Pairing", "结对帮扶关系", 3, 0),
        ("Secondment", "选派挂职", 2, 0),
    ]


def check_approximate_amounts(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "rank", "event", "donor", "amountCNY", "approximate", "perPeriod", "statedAs") == [
        (1, "d2", AGENCY, 90000, True, None, "9万余元"),
        (1, "d2", COMPANY, 90000, True, None, "9万余元"),
        (2, "d3", COMPANY, 5000, False, "month", "5000元/月"),
    ]


def check_pairings_in_force(rows: list[dict[str, Any]]) -> None:
    # No period is stated: the two pairings into 黑水县 (and its town) hold in their article's year, 2023.
    assert sorted((r["helper"], r["helped"]) for r in rows) == sorted(
        [("彭州市", "黑水县"), (AGENCY, TOWN_GOV)])


def check_pairing_changes(rows: list[dict[str, Any]]) -> None:
    assert rows == []  # no source of the tiny graph dates a beginning or an end


def check_planned_gifts(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "rank", "event", "donor", "recipient", "amountCNY", "perPeriod", "items") == [
        (1, "d3", COMPANY, TOWN_GOV, 5000, "month", "图书")
    ]


def check_region_flows(rows: list[dict[str, Any]]) -> None:
    # Every gift of the tiny graph goes from within 成都市 to within 阿坝州 (prefecture level).
    assert _pick(rows, "direction", "fromRegion", "toRegion", "totalCNY", "donations", "withAmount") == [
        ("out", "成都市", "阿坝州", 260000, 4, 3)
    ]
    assert rows[0]["toLabel"] == "阿坝藏族羌族自治州"


def check_partners_of(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "direction", "link", "other") == [
        ("out", "donatedTo", TOWN_GOV),
        ("out", "donatedTo", SCHOOL),
        ("out", "pairedWith", TOWN_GOV),
    ]


# name -> (parameters, check of the rows). Parameters use aliases too (黑水, 彭州综合执法局).
EXPECTED: dict[str, tuple[dict[str, str], Callable[[list[dict[str, Any]]], None]]] = {
    "help-for-region": ({"region": "黑水县"}, check_help_for_region),
    "donors-ranked": ({}, check_donors_ranked),
    "recipients-ranked": ({}, check_recipients_ranked),
    "flow-between-regions": ({"from": "彭州市", "to": "黑水"}, check_flow_between_regions),
    "cadres-seconded-to": ({"region": "黑水县"}, check_cadres_seconded_to),
    "pairings-by-mode": ({}, check_pairings_by_mode),
    "brokers": ({}, check_brokers),
    "sources-of-fact": ({"entity": "彭州综合执法局"}, check_sources_of_fact),
    "events-of-entity": ({"entity": AGENCY}, check_events_of_entity),
    "region-hierarchy": ({"region": "黑水县"}, check_region_hierarchy),
    "pairings-in-force": ({"region": "黑水县", "year": "2023"}, check_pairings_in_force),
    "pairing-changes": ({"region": "黑水县"}, check_pairing_changes),
    "money-received-within": ({"region": "黑水"}, check_money_received_within),
    "donations-over-time": ({}, check_donations_over_time),
    "entity-counts": ({}, check_entity_counts),
    "event-counts": ({}, check_event_counts),
    "approximate-amounts": ({}, check_approximate_amounts),
    "planned-gifts": ({}, check_planned_gifts),
    "partners-of": ({"entity": AGENCY}, check_partners_of),
    "region-flows": ({"region": "成都市"}, check_region_flows),
}


def test_every_query_has_an_expectation() -> None:
    assert sorted(gq.named_queries()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_query_on_both_stores(name: str, stores: tuple[Store, Store]) -> None:
    params, check = EXPECTED[name]
    rows = run_both(stores, name, params)
    check(rows)


def test_rollups_equal_the_aggregates_over_the_events(stores: tuple[Store, Store]) -> None:
    """The totals materialised at build give what GROUP BYs over the raw events give, on both stores."""
    for store in stores:
        check_rollups_against_events(store, "黑水县")


def test_top_bounds_the_ranked_lists(stores: tuple[Store, Store]) -> None:
    assert _pick(run_both(stores, "donors-ranked", {"top": "2"}), "rank", "donor") == [(1, AGENCY), (2, COMPANY)]
    assert run_both(stores, "recipients-ranked", {"top": "0"}) == []
    with pytest.raises(gq.QueryError, match="not a valid integer"):
        gq.run(stores[0], "donors-ranked", {"top": "二十"})


def test_region_queries_roll_up_sub_regions(stores: tuple[Store, Store]) -> None:
    town = run_both(stores, "money-received-within", {"region": "知木林镇"})
    assert _pick(town, "place", "totalCNY", "donations") == [("知木林镇", 170000, 3)]
    province = run_both(stores, "money-received-within", {"region": "四川省"})
    assert _pick(province, "totalCNY", "donations") == [(260000, 4)]
    flow = run_both(stores, "flow-between-regions", {"from": "成都市", "to": "知木林镇"})
    assert _pick(flow, "donor", "totalCNY") == [(AGENCY, 150000), ("成都市", 20000), (COMPANY, 0)]


def test_unknown_names_are_errors_not_empty_answers(stores: tuple[Store, Store]) -> None:
    for store in stores:
        for name, params in (("help-for-region", {"region": '"} DROP ALL #'}),
                             ("money-received-within", {"region": "不存在县"})):
            with pytest.raises(gq.QueryError, match="no entity named"):
                gq.run(store, name, params)
    assert run_both(stores, "partners-of", {"entity": "魏国庆"}) == [
        {
            "entity": "魏国庆",
            "party": "魏国庆",
            "direction": "out",
            "link": "secondedTo",
            "linkLabel": "选派至",
            "other": "色尔古镇",
            "otherLabel": "色尔古镇",
        }
    ]
