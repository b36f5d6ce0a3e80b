"""SHACL validation of a built graph against `ontology/shapes.ttl` (pySHACL)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rdflib import Graph

from graphkit.ontology import ontology_dir, ontology_graph
from graphkit.rdf_mapping import Triple


@dataclass(frozen=True)
class Validation:
    """The outcome: whether the graph conforms, the report graph and its human-readable text."""

    conforms: bool
    report: Graph
    text: str


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once."""
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def validate(triples: Iterable[Triple]) -> Validation:
    """Validate data triples (with the ontology and the modes alongside, for class and concept checks)."""
    import pyshacl

    data = Graph()
    for triple in triples:
        data.add(triple)
    data += ontology_graph()
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none", advanced=True
    )
    return Validation(bool(conforms), report, str(text))
