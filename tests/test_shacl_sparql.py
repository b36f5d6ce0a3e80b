"""The shapes compiled to SPARQL (graphkit.shacl_sparql) find what pySHACL finds.

The seed graph conforms under both; then the seed graph is broken in each way the shapes forbid, one
break at a time, and both engines must report the same (focus node, constraint component, path).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD

from graphkit.build import ontology_quads, region_coordinates
from graphkit.dataset import load
from graphkit.ontology import GK, SCHEMA
from graphkit.rdf_mapping import dataset_quads
from graphkit.shacl_sparql import compiled
from graphkit.store.oxigraph import OxigraphStore
from graphkit.validate import validate
from tests.conftest import REPO

PROV_SOURCE = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
OA = "http://www.w3.org/ns/oa#"
Triples = set[tuple]


@pytest.fixture(scope="module")
def seed() -> Triples:
    return {(s, p, o) for s, p, o, _ in dataset_quads(load(REPO / "data"), region_coordinates)}


def first(triples: Triples, predicate: URIRef, obj: object = None) -> tuple:
    return sorted(t for t in triples if t[1] == predicate and (obj is None or t[2] == obj))[0]


def of_type(triples: Triples, cls: URIRef) -> URIRef:
    return sorted(s for s, p, o in triples if p == RDF.type and o == cls)[0]


def donation_with_amount(triples: Triples) -> URIRef:
    return sorted(s for s, p, o in triples if p == GK.amountCNY)[0]


# Each break: a function from the seed triples to the broken ones.
BREAKS: dict[str, Callable[[Triples], Triples]] = {
    "event without source": lambda t: t - {first(t, PROV_SOURCE)},
    "event with two sources": lambda t: t | {(first(t, PROV_SOURCE)[0], PROV_SOURCE,
                                              sorted(s for s, p, o in t if o == GK.Source)[-1])},
    "event date as text": lambda t: t | {(of_type(t, GK.Pairing), DCTERMS.date, Literal("去年"))},
    "items without language": lambda t: t | {(of_type(t, GK.Donation), GK.items, Literal("书包"))},
    "negative counted amount": lambda t: {x for x in t if x[1] != GK.amountCNY or x[0] != donation_with_amount(t)}
    | {(donation_with_amount(t), GK.amountCNY, Literal("-5", datatype=XSD.decimal))},
    "ill-typed amount": lambda t: t | {(of_type(t, SCHEMA.MonetaryAmount), SCHEMA.value,
                                        Literal("lots", datatype=XSD.decimal))},
    "counted amount differs from stated": lambda t: {x for x in t if x[1] != GK.amountCNY or x[0] != donation_with_amount(t)}
    | {(donation_with_amount(t), GK.amountCNY, Literal("1", datatype=XSD.decimal))},
    "a rate counted in totals": lambda t: t | {(sorted(o for s, p, o in t if p == SCHEMA.amount and (s, GK.amountCNY, None)
                                                      and any(x[0] == s and x[1] == GK.amountCNY for x in t))[0],
                                                GK.perPeriod, Literal("month"))},
    "a cumulative total counted in totals": lambda t: {
        x for x in t if not (x[1] == GK.recommendedForAggregates and x[0] == donation_with_amount(t))}
    | {(donation_with_amount(t), GK.recommendedForAggregates, Literal(False)),
       (donation_with_amount(t), GK.figure, Literal("cumulative"))},
    "a gift left out of totals": lambda t: {x for x in t if not (x[1] == GK.amountCNY and x[0] == donation_with_amount(t))},
    "unknown kind of figure": lambda t: t | {(of_type(t, GK.Donation), GK.figure, Literal("rumour"))},
    "pairing valid from a word": lambda t: t | {(of_type(t, GK.Pairing), GK.validFrom, Literal("long ago"))},
    "unknown source kind": lambda t: t | {(of_type(t, GK.Source), GK.sourceKind, Literal("rumour mill"))},
    "currency not CNY": lambda t: {x for x in t if x[1] != SCHEMA.currency} | {
        (s, SCHEMA.currency, Literal("USD")) for s, p, o in t if p == SCHEMA.currency},
    "pairing without helper": lambda t: {x for x in t if not (x[1] == GK.helper and x[0] == first(t, GK.helper)[0])},
    "region seconded": lambda t: {x for x in t if not (x[1] == GK.secondee and x[0] == first(t, GK.secondee)[0])}
    | {(first(t, GK.secondee)[0], GK.secondee, of_type(t, GK.Region))},
    "span ends before it starts": lambda t: t | {(of_type(t, URIRef(OA + "TextPositionSelector")), URIRef(OA + "end"),
                                                  Literal(0))},
    "party without Chinese label": lambda t: {x for x in t if not (x[1] == RDFS.label and x[0] == of_type(t, GK.Company))}
    | {(of_type(t, GK.Company), RDFS.label, Literal("A company", lang="en"))},
    "two Chinese labels": lambda t: t | {(of_type(t, GK.School), RDFS.label, Literal("另一个名字", lang="zh"))},
    "two entity classes": lambda t: t | {(of_type(t, GK.Hospital), RDF.type, GK.School)},
    "English alternative name": lambda t: t | {(of_type(t, GK.Person), SKOS.altLabel, Literal("Zhang", lang="en"))},
    "region without level": lambda t: {x for x in t if not (x[1] == GK.level and x[0] == of_type(t, GK.Region))},
    "bad adcode": lambda t: t | {(of_type(t, GK.Region), GK.adcode, Literal("12ab"))},
    "region inside a company": lambda t: t | {(of_type(t, GK.Region), SCHEMA.containedInPlace, of_type(t, GK.Company))},
    "unknown review status": lambda t: {x for x in t if not (x[1] == GK.reviewStatus and x[0] == of_type(t, GK.Source))}
    | {(of_type(t, GK.Source), GK.reviewStatus, Literal("maybe"))},
    "url as text": lambda t: t | {(sorted(s for s, p, o in t if o == GK.Source)[1], SCHEMA.url, Literal("http://x"))},
    "bad checksum": lambda t: t | {(sorted(s for s, p, o in t if o == GK.Source)[2], GK.sha256, Literal("abc"))},
    "mode outside the scheme": lambda t: {x for x in t if x[1] != GK.mode or x[0] != first(t, GK.mode)[0]}
    | {(first(t, GK.mode)[0], GK.mode, URIRef("https://w3id.org/graphkit/mode/invented"))},
    "parent not registered": lambda t: t | {(of_type(t, GK.Person), URIRef("http://www.w3.org/ns/org#memberOf"),
                                             URIRef("https://w3id.org/graphkit/id/entity/无名单位"))},
}


def by_pyshacl(triples: Triples) -> set[tuple]:
    report = validate(triples).report
    found = set()
    for result in report.objects(None, SH.result):  # not the sh:detail of a sh:node result
        path = report.value(result, SH.resultPath)
        if path is not None and not isinstance(path, URIRef):
            members = Collection(report, report.value(path, SH.alternativePath))
            path = "(" + " | ".join(str(p) for p in members) + ")"
        found.add((str(report.value(result, SH.focusNode)), str(report.value(result, SH.sourceConstraintComponent)),
                   None if path is None else str(path)))
    return found


def by_sparql(triples: Triples, focus: set[str] | None = None) -> set[tuple]:
    """The violations compiled().run finds: over the whole store, or (its `focused` queries) from `focus`."""
    store = OxigraphStore()
    store.add_quads([*ontology_quads(), *((s, p, o, URIRef("urn:data")) for s, p, o in triples)])
    return {(v.focus, v.component, v.path) for v in compiled().run(store, focus)}


def test_the_seed_graph_conforms_under_both_engines(seed: Triples) -> None:
    assert by_pyshacl(seed) == set() == by_sparql(seed)


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_both_engines_find_the_same_violations(seed: Triples, name: str) -> None:
    broken = BREAKS[name](set(seed))
    expected = by_pyshacl(broken)
    assert expected, f"{name}: the break must break a shape"
    assert by_sparql(broken) == expected
    # the queries a build runs from the nodes it changed find them too, and only those of its focus
    assert by_sparql(broken, {str(s) for s, _, _ in broken}) == expected
    violators = {focus for focus, _, _ in expected}
    assert by_sparql(broken, violators) == expected
    assert by_sparql(broken, {str(s) for s, _, _ in broken} - violators) == set()


def test_only_the_focus_nodes_asked_for_are_checked(seed: Triples) -> None:
    broken = BREAKS["bad adcode"](set(seed))
    store = OxigraphStore()
    store.add_quads([*ontology_quads(), *((s, p, o, URIRef("urn:data")) for s, p, o in broken)])
    region = of_type(broken, GK.Region)
    assert {v.focus for v in compiled().run(store, focus=[str(region)])} == {str(region)}
    other = sorted(s for s, p, o in broken if p == RDF.type and o == GK.Region)[1]
    assert compiled().run(store, focus=[str(other)]) == []


def test_a_shape_with_an_unknown_constraint_is_refused(tmp_path: Path) -> None:
    from graphkit.shacl_sparql import UnsupportedShape, compile_shapes

    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property [ sh:path <urn:p> ; sh:equals <urn:q> ] .
    """, format="turtle")
    with pytest.raises(UnsupportedShape, match="sh:equals"):
        compile_shapes(shapes)


def test_graphkit_validate_checks_data_with_either_engine(tmp_path: Path) -> None:
    from tests.conftest import graphkit_cli

    entities = len(load(REPO / "data").entities)
    for engine in ("sparql", "pyshacl"):
        ran = graphkit_cli("validate", "--data", str(REPO / "data"), "--engine", engine)
        assert ran.returncode == 0, ran.stderr
        assert f"conform ({engine})" in ran.stdout and f"{entities} entities" in ran.stdout
    broken = tmp_path / "data"
    (broken / "sources").mkdir(parents=True)
    (broken / "entities.yaml").write_text("- id: 甲\n  type: Region\n  level: county\n", encoding="utf-8")
    (broken / "sources" / "s.yaml").write_text("id: s\nevents:\n- id: d1\n  type: donation\n  from: [乙]\n"
                                               "  to: [甲]\n", encoding="utf-8")
    ran = graphkit_cli("validate", "--data", str(broken))
    assert ran.returncode != 0 and "s.yaml:5" in ran.stderr and "乙" in ran.stderr
