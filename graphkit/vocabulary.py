"""The one vocabulary every view speaks: entity types, relations and region levels, each with its
Chinese and English label and one colour.

Labels are read from the ontology (`ontology/graphkit.ttl`: rdfs:label @zh / @en of each class and
level individual), so the page's legend, the report, the exports, `stats`, ingest's id qualifiers and
the analysis tables cannot name a type two ways. Colours are a view's choice the ontology has no
term for; they are defined here once (colour-blind-safe, after Tableau 10) and read by the page, the
report and the Gephi exports alike.

>>> entity_type("School").zh, entity_type("School").en
('学校与科研机构', 'School')
>>> relation("donation").zh, level("township").zh
('捐赠', '乡级')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

__all__ = [
    "FIGURES", "OTHER", "REGISTER_LINKS", "WITHIN", "Term", "entity_type", "entity_types", "figure", "label",
    "level", "levels", "mode_parents", "modes", "register_link", "relation", "relations",
]


@dataclass(frozen=True)
class Term:
    """One entry of the vocabulary: its key in the records, its labels and its colour."""

    key: str
    zh: str
    en: str
    color: str


ENTITY_COLORS: dict[str, str] = {
    "Region": "#4e79a7", "GovernmentAgency": "#59a14f", "PartyOrganization": "#e15759", "Company": "#f28e2b",
    "School": "#b07aa1", "Hospital": "#ff9da7", "SocialOrganization": "#76b7b2", "WorkTeam": "#d4a72c",
    "Person": "#9c755f",
}
RELATION_COLORS: dict[str, str] = {"pairing": "#5b5fc7", "donation": "#e8a33d", "secondment": "#2a9d8f"}
MODE_COLOR = "#8a94a6"  # modes are filters, not drawn: one neutral colour
LEVEL_COLOR = "#4e79a7"  # regions of every level are drawn in the Region colour

#: Containment edges (part of, located in, member of) drawn beside the events; not an event class.
WITHIN = Term("within", "隶属/所在地", "part of", "#c3c9d2")
#: The register's links between entities, keyed by the networkx node attribute that holds each
#: (networkx_view.py): drawn as `WITHIN` edges, shown in panels, followed by `graphkit path`.
REGISTER_LINKS: tuple[Term, ...] = (
    Term("parent", "隶属于", "part of", WITHIN.color),
    Term("based", "所在地", "located in", WITHIN.color),
    Term("member", "所属单位", "member of", WITHIN.color),
)
#: What kind of figure a donation's amount is (graphkit.model.FIGURES, which decides what totals add),
#: as the page's panel, the review form and the exports name it; drawn in the donation colour.
FIGURES: tuple[Term, ...] = (
    Term("gift", "一次性捐赠", "a gift", RELATION_COLORS["donation"]),
    Term("pledge", "承诺/计划", "a pledge", RELATION_COLORS["donation"]),
    Term("cumulative", "累计数", "a cumulative total", RELATION_COLORS["donation"]),
    Term("annual", "年度预算/资金", "an annual budget", RELATION_COLORS["donation"]),
)
#: An entity of a type the vocabulary does not know (never in valid data; kept visible, never hidden).
OTHER = Term("Other", "其他", "other", "#9aa3ad")


def _labels(iri: URIRef) -> tuple[str, str]:
    from graphkit.ontology import ontology_graph

    graph = ontology_graph()
    found = {o.language: str(o) for o in graph.objects(iri, RDFS.label) if isinstance(o, Literal)}
    if "zh" not in found or "en" not in found:
        raise LookupError(f"{iri} has no rdfs:label @zh and @en in ontology/graphkit.ttl")
    return found["zh"], found["en"]


@cache
def entity_types() -> tuple[Term, ...]:
    """The nine entity types in the records' order."""
    from graphkit.ontology import ENTITY_CLASSES

    return tuple(Term(key, *_labels(iri), ENTITY_COLORS[key]) for key, iri in ENTITY_CLASSES.items())


@cache
def relations() -> tuple[Term, ...]:
    """The three event types (pairing, donation, secondment)."""
    from graphkit.ontology import EVENT_CLASSES

    return tuple(Term(key, *_labels(iri), RELATION_COLORS[key]) for key, iri in EVENT_CLASSES.items())


@cache
def levels() -> tuple[Term, ...]:
    """The region levels, from province down to village."""
    from graphkit.ontology import LEVELS

    return tuple(Term(key, *_labels(iri), LEVEL_COLOR) for key, iri in LEVELS.items())


@cache
def modes() -> tuple[Term, ...]:
    """The assistance modes of ontology/modes.ttl (skos:prefLabel @zh / @en), keyed by the local name
    of their concept (an event's gk:mode): top concepts first, each followed by the ones below it.

    >>> [(m.key, m.zh) for m in modes()][:2]
    [('duikou-zhiyuan', '对口支援'), ('duikou-bangfu', '对口帮扶')]
    """
    from rdflib.namespace import SKOS

    from graphkit.ontology import ontology_graph

    graph = ontology_graph()
    scheme = next(graph.subjects(SKOS.prefLabel, Literal("帮扶方式", lang="zh")))
    tops = list(graph.objects(scheme, SKOS.hasTopConcept))
    order = sorted(tops, key=lambda c: _mode_rank(str(c)))
    terms: list[Term] = []
    for top in order:
        for concept in [top, *sorted(graph.subjects(SKOS.broader, top), key=str)]:
            found = {o.language: str(o) for o in graph.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)}
            terms.append(Term(str(concept).rsplit("/", 1)[-1], found["zh"], found["en"], MODE_COLOR))
    return tuple(terms)


@cache
def mode_parents() -> dict[str, str]:
    """Each narrower mode's broader one (对口帮扶 -> 对口支援), by key: a filter on a mode keeps both."""
    from rdflib.namespace import SKOS

    from graphkit.ontology import ontology_graph

    pairs = ontology_graph().subject_objects(SKOS.broader)
    return {str(c).rsplit("/", 1)[-1]: str(b).rsplit("/", 1)[-1] for c, b in pairs}


def _mode_rank(iri: str) -> tuple[int, str]:
    """The four national programmes first, in the order policy texts list them, then the others."""
    first = ("duikou-zhiyuan", "dongxibu-xiezuo", "dingdian-bangfu", "jiedui-bangfu")
    key = iri.rsplit("/", 1)[-1]
    return (first.index(key) if key in first else len(first), key)


def _find(terms: tuple[Term, ...], key: str | None) -> Term:
    return next((t for t in terms if t.key == key), OTHER)


def entity_type(key: str | None) -> Term:
    """The term of an entity type (OTHER for an unknown one)."""
    return _find(entity_types(), key)


def figure(key: str | None) -> Term:
    """The label of a kind of figure (`FIGURES`).

    >>> figure("cumulative").zh
    '累计数'
    """
    return _find(FIGURES, key)


def relation(key: str | None) -> Term:
    """The term of an event type (WITHIN for containment edges, OTHER for an unknown one)."""
    return WITHIN if key == WITHIN.key else _find(relations(), key)


def register_link(key: str) -> Term:
    """The term of a register link (`parent`, `based`, `member`).

    >>> register_link("based").zh, register_link("based").en
    ('所在地', 'located in')
    """
    return _find(REGISTER_LINKS, key)


def level(key: str | None) -> Term:
    """The term of a region level (OTHER for none)."""
    return _find(levels(), key)


def label(kind: str | None, lang: str = "zh", level_key: str | None = None) -> str:
    """How a view names an entity's kind: a region by its level (县级), anything else by its type."""
    term = level(level_key) if kind == "Region" and level_key else entity_type(kind)
    return term.zh if lang == "zh" else term.en
