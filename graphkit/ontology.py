"""Namespaces, the graphkit terms, and access to the files in `ontology/`.

The ontology itself (labels, comments, class hierarchy) lives in `ontology/graphkit.ttl`; this
module only names its terms for the code, so a typo is an AttributeError rather than a silent new IRI.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from graphkit.model import ENTITY_TYPES, REGION_LEVELS

GK = Namespace("https://w3id.org/graphkit/ontology#")
ID = Namespace("https://w3id.org/graphkit/id/")
MODE = Namespace("https://w3id.org/graphkit/mode/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

PREFIXES: dict[str, Namespace] = {
    "gk": GK,
    "id": ID,
    "mode": MODE,
    "schema": SCHEMA,
    "org": ORG,
    "oa": OA,
    "prov": PROV,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "rdfs": RDFS,
    "rdf": RDF,
    "owl": OWL,
    "xsd": XSD,
    "foaf": FOAF,
}

# Entity type name (as in the dataset and SCHEMA.md) -> class IRI.
ENTITY_CLASSES: dict[str, URIRef] = {name: GK[name] for name in ENTITY_TYPES}
EVENT_CLASSES: dict[str, URIRef] = {"pairing": GK.Pairing, "donation": GK.Donation, "secondment": GK.Secondment}
LEVELS: dict[str, URIRef] = {level: GK[level.capitalize() + "Level"] for level in REGION_LEVELS}
# Derived direct edges, one per event type: helper -> helped.
DIRECT_EDGES: dict[str, URIRef] = {
    "pairing": GK.pairedWith,
    "donation": GK.donatedTo,
    "secondment": GK.secondedTo,
}

ENTITIES_GRAPH = ID["graph/entities"]
ONTOLOGY_GRAPH = ID["graph/ontology"]


def ontology_dir() -> Path:
    """Where the ontology files are: $GRAPHKIT_ONTOLOGY, else `ontology/` beside the package."""
    configured = os.environ.get("GRAPHKIT_ONTOLOGY")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "ontology"


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of an entity of the register: readable, stable as long as its id is."""
    return ID["entity/" + _iri_key(entity_id)]


def source_iri(source_id: str) -> URIRef:
    """The IRI of a source article."""
    return ID["source/" + _iri_key(source_id)]


def source_graph(source_id: str) -> URIRef:
    """The named graph holding the events stated in one source."""
    return ID["graph/source/" + _iri_key(source_id)]


def event_iri(event_id: str) -> URIRef:
    """The IRI of an event; its id is `<source>/<local id>`."""
    return ID["event/" + "/".join(_iri_key(part) for part in event_id.split("/"))]


def _iri_key(key: str) -> str:
    """Encode a key for an IRI path segment: ASCII specials escaped, CJK kept as is."""
    return "".join(ch if ord(ch) > 0x7F else quote(ch, safe="-._~!$&'()*+,;=:@") for ch in key)


@cache
def ontology_graph() -> Graph:
    """The OWL ontology and the SKOS scheme of modes, parsed once."""
    graph = Graph()
    for name in ("graphkit.ttl", "modes.ttl"):
        graph.parse(ontology_dir() / name, format="turtle")
    return graph


@cache
def mode_index() -> dict[str, URIRef]:
    """Every label (preferred or alternative) of an assistance mode -> its SKOS concept."""
    graph = Graph().parse(ontology_dir() / "modes.ttl", format="turtle")
    index: dict[str, URIRef] = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(concept, predicate):
                index[str(label)] = URIRef(concept)
    return index
