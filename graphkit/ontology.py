"""Namespaces, the graphkit terms, and access to the files in `ontology/`.

The ontology itself (labels, comments, class hierarchy) lives in `ontology/graphkit.ttl`; this
module only names its terms for the code, so a typo is an AttributeError rather than a silent new IRI.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from rdflib import Graph, Namespace, URIRef
from rdflib import namespace as rdflib_namespaces

from graphkit.model import ENTITY_TYPES, REGION_LEVELS


class CachedNamespace(Namespace):
    """An rdflib Namespace that makes each term once.

    rdflib's Namespace builds a new URIRef, and validates the IRI again, on every `GK.donor` or
    `ID["entity/…"]`; a build asks for a few hundred thousand terms millions of times. Terms are kept
    in a dict (emptied when it reaches `size` entries, so a namespace of data IRIs cannot grow without
    bound), and a term read as an attribute is kept on the namespace, so the next read is plain
    attribute access. Names clashing with str methods (`count`, `index`…) still need item access,
    `ns["count"]`, as with any rdflib Namespace. Given a `closed` rdflib DefinedNamespace (RDF,
    SKOS…), a name it does not define is an AttributeError, as it is there.
    """

    _terms: dict[str, URIRef]
    _size: int | None
    _closed: Any

    def __new__(cls, value: str, size: int | None = None, closed: Any = None) -> CachedNamespace:
        namespace = cast("CachedNamespace", super().__new__(cls, value))
        namespace._terms = {}
        namespace._size = size
        namespace._closed = closed
        return namespace

    def term(self, name: str) -> URIRef:
        try:
            return self._terms[name]
        except KeyError:
            pass
        except TypeError:  # a slice: rdflib's own behaviour
            return super().term(name)
        if self._size is not None and len(self._terms) >= self._size:
            self._terms.clear()
        term = self._terms[name] = self._closed[name] if self._closed is not None else super().term(name)
        return term

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.term(name)
        self.__dict__[name] = term
        return term

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str(self), self._size, self._closed)


def _cached(closed: Any) -> CachedNamespace:
    """A caching view of one of rdflib's closed namespaces (rdflib.namespace.RDF…)."""
    return CachedNamespace(str(closed), closed=closed)


RDF = _cached(rdflib_namespaces.RDF)
RDFS = _cached(rdflib_namespaces.RDFS)
OWL = _cached(rdflib_namespaces.OWL)
XSD = _cached(rdflib_namespaces.XSD)
SKOS = _cached(rdflib_namespaces.SKOS)
PROV = _cached(rdflib_namespaces.PROV)
DCTERMS = _cached(rdflib_namespaces.DCTERMS)


GK = CachedNamespace("https://w3id.org/graphkit/ontology#")
ID = CachedNamespace("https://w3id.org/graphkit/id/", size=1 << 18)
MODE = CachedNamespace("https://w3id.org/graphkit/mode/")
SCHEMA = CachedNamespace("https://schema.org/")
ORG = CachedNamespace("http://www.w3.org/ns/org#")
OA = CachedNamespace("http://www.w3.org/ns/oa#")
FOAF = CachedNamespace("http://xmlns.com/foaf/0.1/")

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
    """Where the ontology files are: $GRAPHKIT_ONTOLOGY, else the copy inside an installed wheel
    (`graphkit/_ontology`, made by setup.py), else `ontology/` of the checkout the package runs from."""
    configured = os.environ.get("GRAPHKIT_ONTOLOGY")
    if configured:
        return Path(configured)
    return _package_ontology()


@cache
def _package_ontology() -> Path:
    package = Path(__file__).resolve().parent
    installed = package / "_ontology"
    return installed if installed.is_dir() else package.parent / "ontology"


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


@cache
def _iri_key(key: str) -> str:
    """Encode a key for an IRI path segment: ASCII specials escaped, CJK kept as is (memoised: a
    build encodes each entity id once per mention). Characters an IRI may not hold as they are (C1
    controls, private use, non-characters such as U+FFFF) are percent-encoded like ASCII specials."""
    return "".join(ch if _ucschar(ch) else quote(ch, safe="-._~!$&'()*+,;=:@") for ch in key)


def _ucschar(ch: str) -> bool:
    """RFC 3987's ucschar: the non-ASCII characters an IRI holds unencoded."""
    code = ord(ch)
    return (
        0xA0 <= code <= 0xD7FF
        or 0xF900 <= code <= 0xFDCF
        or 0xFDF0 <= code <= 0xFFEF
        or (0x10000 <= code <= 0xEFFFD and code & 0xFFFF < 0xFFFE)
    )


#: An absolute IRI as N-Triples and SPARQL accept it: a scheme, then no space, control or <>"{}|^`\.
IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\\x7f-\x9f]*")


def is_absolute_iri(text: str) -> bool:
    """Whether `text` can stand between < and > in N-Triples and SPARQL.

    >>> is_absolute_iri("https://example.org/a?b=1"), is_absolute_iri("http://a b/<x>"), is_absolute_iri("x.nt")
    (True, False, False)
    """
    return IRI_RE.fullmatch(text) is not None and all(_ucschar(ch) for ch in text if ord(ch) > 0x9F)


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
                index[str(label)] = URIRef(str(concept))
    return index
