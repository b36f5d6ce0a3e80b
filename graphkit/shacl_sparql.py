"""The SHACL shapes run as SPARQL queries in Oxigraph: validation a build can afford at a million triples.

pySHACL walks the data graph in Python: 20 s for the register of 22,660 entities, and far longer
than a build may take for a million-triple graph. The shapes in ontology/shapes.ttl use a small set
of constraint components, and each has a plain SPARQL reading (SHACL's own specification defines
most of them that way), so they are compiled here to one query per constraint, which Oxigraph
answers over the whole store in seconds, or over a few focus nodes (the sources and entities a build
changed) in milliseconds. No library does this for Python: pySHACL is the reference implementation
and stays the engine of `graphkit validate --engine pyshacl`; tests/test_shacl_sparql.py shows both
report the same violations on the seed graph and on graphs broken in each way the shapes forbid.

Only the components in COMPILED are known; shapes using any other are refused when read, so a new
kind of constraint cannot be skipped silently.

    >>> from graphkit.store.oxigraph import OxigraphStore
    >>> from graphkit.build import ontology_quads
    >>> store = OxigraphStore()
    >>> store.add_quads(ontology_quads())
    >>> store.update('INSERT DATA { GRAPH <urn:g> { <urn:d> a <https://w3id.org/graphkit/ontology#Donation> } }')
    >>> missing = compiled().run(store)  # a donation with no donor, recipient, source or aggregation verdict
    >>> sorted(v.path.split("#")[1] for v in missing if v.component.endswith("#MinCountConstraintComponent"))
    ['donor', 'recipient', 'recommendedForAggregates', 'wasDerivedFrom']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from graphkit.store.base import Store

#: The constraint components this compiler reads (every one ontology/shapes.ttl uses).
COMPILED = frozenset({
    "minCount", "maxCount", "datatype", "class", "nodeKind", "in", "pattern", "hasValue", "languageIn", "uniqueLang",
    "lessThan", "minInclusive", "or", "node", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "sparql",
})
#: Shape parameters that are not constraints.
_NOT_CONSTRAINTS = frozenset({
    "path", "message", "name", "description", "targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode",
    "property", "severity", "deactivated", "order", "group", "select", "prefixes", "flags",
})
#: Datatypes whose well-formedness a cast checks (an ill-typed literal fails sh:datatype, as in pySHACL).
_CASTS = {str(XSD[name]) for name in ("decimal", "integer", "boolean", "date", "double", "float")}
_YEAR_FORMS = {str(XSD.gYear): r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
               str(XSD.gYearMonth): r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$"}


class UnsupportedShape(ValueError):
    """The shapes use a constraint component this compiler does not know."""


@dataclass(frozen=True)
class Violation:
    """One validation result, as SHACL reports it."""

    focus: str
    component: str
    shape: str
    path: str | None
    message: str
    value: Any = None


@dataclass(frozen=True)
class Check:
    """One compiled constraint. Its query never evaluates the shape's targets (a union of class and
    property patterns that cost a second per check at a million triples): it finds candidates, and
    `run` keeps those that are focus nodes of the shape. For a constraint on something present
    (`kind` "present") the query's rows are the violations among the focus nodes, or with `flag`,
    the rows whose ?flag is true (the tests on single values of one path are one query, one flag
    each: one scan of the path for all of them); for one on something absent ("counted":
    sh:minCount, sh:qualifiedMinCount, sh:hasValue) its rows count what each node has (?n, when
    `counts`; else a row says the node has one), and the violators are the focus nodes with fewer
    than `minimum`, and from the same rows ("too many": an sh:maxCount beside an sh:minCount) the
    nodes with more than `maximum`. Checks with the same query share its answer (`CompiledShapes.run`)."""

    sparql: str
    component: str
    shape: str
    path: str | None
    message: str
    target: str
    kind: str = "present"
    minimum: int = 0
    maximum: int = 0
    flag: str | None = None
    counts: bool = False


@dataclass(frozen=True)
class CompiledShapes:
    """Every constraint of a shapes graph as a query, and each node shape's targets as one: `checks`
    read over the whole store, `focused` (the same constraints, in the same order) from a few focus
    nodes (see `Classes` for how they differ)."""

    checks: tuple[Check, ...]
    focused: tuple[Check, ...]

    def run(self, store: Store, focus: Iterable[str] | None = None) -> list[Violation]:
        """The violations in the store (its union graph); with `focus`, only of those nodes.

        Over the whole store a check on what nodes must have is first asked as counts (`_Counts`):
        its rows, one per node of the shape, are read only when the counts say some node breaks
        it, and a shape's nodes only when some check of it has rows to keep or drop. Reading them
        was most of a million-quad graph's validation (602,000 rows, each IRI looked up)."""
        values, checks = "", self.checks
        if focus is not None:
            nodes = sorted(set(focus))
            if not nodes:
                return []
            values = "VALUES ?this { " + " ".join(f"<{node}>" for node in nodes) + " }\n"
            checks = self.focused
        targets: dict[str, set[str]] = {}
        answers: dict[str, list[dict[str, Any]]] = {}
        counts = _Counts(store) if focus is None else None
        found: list[Violation] = []
        for check in checks:
            if counts is not None and counts.clean(check):
                continue
            if check.target not in targets:
                query = check.target.replace("#FOCUS#", values)
                targets[check.target] = {row["this"] for row in store.records(query)}
            nodes_of_shape = targets[check.target]
            if check.sparql not in answers:
                answers[check.sparql] = store.records(check.sparql.replace("#FOCUS#", values))
            rows = answers[check.sparql]
            if check.kind == "counted":
                having = {row["this"]: int(row["n"]) if check.counts else 1 for row in rows}
                violators = [(node, None) for node in sorted(nodes_of_shape) if having.get(node, 0) < check.minimum]
            elif check.kind == "too many":
                violators = [(row["this"], None) for row in rows
                             if int(row["n"]) > check.maximum and row["this"] in nodes_of_shape]
            else:
                violators = [(row["this"], row.get("value")) for row in rows if row["this"] in nodes_of_shape
                             and (check.flag is None or row.get(check.flag) is True)]
            found += [Violation(node, check.component, check.shape, check.path, check.message, value)
                      for node, value in violators]
        return found


class _Counts:
    """Whether a check over the whole store finds nothing, told by counts alone (no IRI read).

    A check on what each node must have ("counted", "too many") has a row per node that has some
    (?n: how many; a row without it, one). Joined with the shape's nodes, its rows are counted, with
    the least and the most ?n: a minimum is met when every node of the shape has a row of at least
    the minimum, a maximum when no joined row passes it. A check on what is present ("present")
    is clean when its query has no row at all. Anything else is read row by row (`run`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.nodes: dict[str, int] = {}
        self.joined: dict[tuple[str, str], dict[str, Any]] = {}
        self.rows: dict[str, int] = {}

    def clean(self, check: Check) -> bool:
        if check.kind == "present":
            return self._count(check.sparql.replace("#FOCUS#", ""), self.rows) == 0
        target, sparql = check.target.replace("#FOCUS#", ""), check.sparql.replace("#FOCUS#", "")
        key = (target, sparql)
        if key not in self.joined:
            extremes = "(MIN(?n) AS ?least) (MAX(?n) AS ?most)" if check.counts else ""
            query = f"SELECT (COUNT(*) AS ?rows) {extremes} WHERE {{ {{ {target} }} {{ {sparql} }} }}"
            rows = self.store.records(query)
            self.joined[key] = {"rows": 0, "least": None, "most": None, **(rows[0] if rows else {})}
            if not check.counts and self.joined[key]["rows"]:
                self.joined[key]["least"] = self.joined[key]["most"] = 1
        joined = self.joined[key]
        if check.kind == "too many":
            return not joined["rows"] or int(joined["most"]) <= check.maximum
        nodes = self._count(target, self.nodes)
        return int(joined["rows"]) == nodes and (nodes == 0 or int(joined["least"]) >= check.minimum)

    def _count(self, select: str, memo: dict[str, int]) -> int:
        """How many rows a SELECT has (memoised by its text)."""
        if select not in memo:
            rows = self.store.records(f"SELECT (COUNT(*) AS ?rows) WHERE {{ {{ {select} }} }}")
            memo[select] = int(rows[0]["rows"]) if rows else 0
        return memo[select]


@cache
def compiled() -> CompiledShapes:
    """graphkit's own shapes (ontology/shapes.ttl), compiled once."""
    from graphkit.ontology import ontology_graph
    from graphkit.validate import shapes_graph

    return compile_shapes(shapes_graph(), ontology_graph())


def compile_shapes(shapes: Graph, ontology: Graph | None = None) -> CompiledShapes:
    """Compile every targeted node shape of a shapes graph, for the whole store and for focus nodes.

    SHACL instances of a class include those of its subclasses; the subclasses are read from
    `ontology` here (the shapes graph's own rdfs:subClassOf too) and listed in the queries, which
    Oxigraph answers far faster than a rdf:type/rdfs:subClassOf* path per node.
    """
    below = _subclass_table(shapes + ontology if ontology is not None else shapes)
    return CompiledShapes(_checks(shapes, Classes(below)), _checks(shapes, Classes(below, focused=True)))


def _checks(shapes: Graph, classes: Classes) -> tuple[Check, ...]:
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        targets = _targets(shapes, shape, classes)
        if not targets:
            continue  # used through sh:node only
        _refuse_unknown(shapes, shape)
        target = "SELECT DISTINCT ?this WHERE { { #FOCUS#" + " } UNION { #FOCUS#".join(targets) + " } }"
        message = _message(shapes, shape)
        for constraint in shapes.objects(shape, SH.sparql):
            checks.append(Check(f"SELECT DISTINCT ?this ?value WHERE {{ #FOCUS# {_select_body(shapes, constraint)} }}",
                                str(SH.SPARQLConstraintComponent), _id(shape), None,
                                _message(shapes, constraint) or message, target))
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            _refuse_unknown(shapes, prop)
            checks += _property_checks(shapes, prop, target, classes)
    return tuple(checks)


@dataclass(frozen=True)
class Classes:
    """How a compiled query says that a node is a SHACL instance of a class (it or a class below it,
    in `below`), written for the way Oxigraph will answer it.

    Over the whole store the classes are a VALUES, and a node that is not an instance is found by
    MINUS: one index scan per class, one anti-join. From a few focus nodes (`focused`) that same
    VALUES has Oxigraph scan every instance of the classes and join them with the focus nodes
    afterwards (127 ms for the events' target at a million quads); there the classes are a FILTER on
    each node's own types, and a missing instance a FILTER NOT EXISTS, both looked up per node."""

    below: dict[str, list[str]]
    focused: bool = False

    def instances(self, variable: str, cls: Any) -> str:
        """A group pattern: `variable` is a SHACL instance of `cls`."""
        members = self.below.get(str(cls), [str(cls)])
        kind = f"?{variable.lstrip('?')}_class"  # one per subject: a MINUS must share only ?value
        if self.focused:
            return f"{variable} a {kind} . FILTER({kind} IN (" + ", ".join(f"<{c}>" for c in members) + "))"
        return f"{variable} a {kind} . VALUES {kind} {{ " + " ".join(f"<{c}>" for c in members) + " }"

    def not_instances(self, variable: str, cls: Any) -> str:
        """A pattern keeping the solutions whose `variable` is not a SHACL instance of `cls`."""
        return f"{'FILTER NOT EXISTS' if self.focused else 'MINUS'} {{ {self.instances(variable, cls)} }}"


def _subclass_table(graph: Graph) -> dict[str, list[str]]:
    """Each class with itself and every class below it (rdfs:subClassOf, transitively)."""
    from rdflib.namespace import RDFS

    below: dict[str, set[str]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        below.setdefault(str(sup), set()).add(str(sub))
    table: dict[str, list[str]] = {}
    for cls in below:
        seen: set[str] = {cls}
        todo: list[str] = [cls]
        while todo:
            for sub_class in below.get(todo.pop(), set()):
                if sub_class not in seen:
                    seen.add(sub_class)
                    todo.append(sub_class)
        table[cls] = sorted(seen)
    return table


def _targets(shapes: Graph, shape: Any, classes: Classes) -> list[str]:
    """Group patterns that bind ?this to the shape's focus nodes (SHACL instances include subclasses)."""
    patterns = [classes.instances("?this", c) for c in shapes.objects(shape, SH.targetClass)]
    patterns += [f"?this {_term(p)} [] ." for p in shapes.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"[] {_term(p)} ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)]
    patterns += [f"VALUES ?this {{ {_term(n)} }}" for n in shapes.objects(shape, SH.targetNode)]
    return patterns


def _select_body(shapes: Graph, constraint: Any) -> str:
    """The WHERE group of a SPARQL constraint's SELECT, with $this as ?this: joined with the targets
    directly rather than as a subquery (which Oxigraph evaluated whole, 80 s at a million triples)."""
    select = str(shapes.value(constraint, SH.select))
    head = re.match(r"\s*SELECT\s+(DISTINCT\s+)?\$this(\s+\?value)?\s+WHERE\s*\{", select, re.IGNORECASE)
    if head is None or not select.rstrip().endswith("}"):
        raise UnsupportedShape(f"{_id(constraint)}: a SPARQL constraint must be SELECT $this [?value] WHERE {{ … }}")
    return select[head.end() - 1 : select.rstrip().rfind("}") + 1].replace("$this", "?this")


def _refuse_unknown(shapes: Graph, shape: Any) -> None:
    for predicate in set(shapes.predicates(shape)):
        name = str(predicate).removeprefix(str(SH))
        if str(predicate).startswith(str(SH)) and name not in COMPILED | _NOT_CONSTRAINTS:
            raise UnsupportedShape(f"{_id(shape)} uses sh:{name}, which graphkit.shacl_sparql does not compile")


def _property_checks(shapes: Graph, prop: Any, target: str, classes: Classes) -> Iterator[Check]:
    path_node = shapes.value(prop, SH.path)
    path, path_name = _path(shapes, path_node)
    message = _message(shapes, prop)
    shape_id = _id(prop)

    def check(component: str, where: str, select: str = "?this ?value", tail: str = "", minimum: int | None = None,
              kind: str | None = None, maximum: int = 0, flag: str | None = None, counts: bool = False) -> Check:
        return Check(f"SELECT DISTINCT {select} WHERE {{ #FOCUS# {where} }} {tail}",
                     str(SH[component + "ConstraintComponent"]), shape_id, path_name, message, target,
                     kind or ("present" if minimum is None else "counted"), minimum or 0, maximum, flag, counts)

    def counted(component: str, where: str, minimum: Any, kind: str | None = None, maximum: int = 0) -> Check:
        if int(minimum) == 1 and kind is None:  # "at least one": the nodes that have one, no counts (a quarter less)
            return check(component, where, "?this", "", 1)
        return check(component, where, "?this (COUNT(DISTINCT ?v) AS ?n)", "GROUP BY ?this", int(minimum), kind,
                     maximum, counts=True)

    value = shapes.value
    least, most = value(prop, SH.minCount), value(prop, SH.maxCount)
    if least is not None:  # counted when an sh:maxCount reads the same counts
        yield counted("MinCount", f"?this {path} ?v .", least, "counted" if most is not None else None)
    if most is not None and least is not None:  # read from the MinCount's counts: one scan of the path
        yield counted("MaxCount", f"?this {path} ?v .", 0, kind="too many", maximum=int(most))
    elif most is not None:
        yield check("MaxCount", f"?this {path} ?v .", "?this",
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(most)})")
    for cls in shapes.objects(prop, SH["class"]):  # see Classes.not_instances
        yield check("Class", f"?this {path} ?value . {classes.not_instances('?value', cls)}")
    tests = list(_value_tests(shapes, prop, classes, with_class=False))
    if tests:  # one query for all: a row per value failing any test, flagged with the tests it fails
        flags = [f"?fails{i}" for i in range(len(tests))]
        failing = " ".join(f"BIND(COALESCE(!({test}), false) AS {flag})"
                           for (_, test), flag in zip(tests, flags, strict=True))
        where = f"?this {path} ?value . {failing} FILTER({' || '.join(flags)})"
        for (component, _), flag in zip(tests, flags, strict=True):
            yield check(component, where, f"?this ?value {' '.join(flags)}", flag=flag[1:])
    if (required := value(prop, SH.hasValue)) is not None:
        yield counted("HasValue", f"?this {path} ?v . FILTER(sameTerm(?v, {_term(required)}))", 1)
    if value(prop, SH.uniqueLang) == Literal(True):
        yield check("UniqueLang", f"?this {path} ?value . ?this {path} ?other . FILTER(isLiteral(?value) && "
                    "LANG(?value) != \"\" && LANG(?value) = LANG(?other) && !sameTerm(?value, ?other))", "?this")
    if (other := value(prop, SH.lessThan)) is not None:
        yield check("LessThan", f"?this {path} ?value . ?this {_term(other)} ?other . "
                    "FILTER(!COALESCE(?value < ?other, false))")
    if (qualified := value(prop, SH.qualifiedValueShape)) is not None:
        _refuse_unknown(shapes, qualified)
        conforms = _node_test(shapes, qualified, classes).replace("?value", "?v")
        if (count := value(prop, SH.qualifiedMinCount)) is not None:
            yield counted("QualifiedMinCount", f"?this {path} ?v . FILTER({conforms})", count)
        if (count := value(prop, SH.qualifiedMaxCount)) is not None:
            yield check("QualifiedMaxCount", f"?this {path} ?v . FILTER({conforms})", "?this",
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(count)})")


def _value_tests(shapes: Graph, shape: Any, classes: Classes, with_class: bool = True) -> Iterator[tuple[str, str]]:
    """(component, SPARQL expression true when ?value conforms) for each constraint on single values."""
    for datatype in shapes.objects(shape, SH.datatype):
        yield "Datatype", _datatype_test(str(datatype))
    for cls in shapes.objects(shape, SH["class"]) if with_class else ():
        yield "Class", f"EXISTS {{ {classes.instances('?value', cls)} }}"
    for kind in shapes.objects(shape, SH.nodeKind):
        tests = {str(SH.IRI): "isIRI(?value)", str(SH.Literal): "isLiteral(?value)",
                 str(SH.BlankNode): "isBlank(?value)"}
        if str(kind) not in tests:
            raise UnsupportedShape(f"{_id(shape)}: sh:nodeKind {kind} is not compiled")
        yield "NodeKind", tests[str(kind)]
    for members in shapes.objects(shape, SH["in"]):
        allowed = list(Collection(shapes, members))
        yield "In", "(" + " || ".join(f"sameTerm(?value, {_term(m)})" for m in allowed) + ")" if allowed else "false"
    for pattern in shapes.objects(shape, SH.pattern):
        flags = shapes.value(shape, SH.flags)
        regex = _string(str(pattern)) + (f", {_string(str(flags))}" if flags else "")
        yield "Pattern", f"COALESCE(!isBlank(?value) && REGEX(STR(?value), {regex}), false)"
    for tags in shapes.objects(shape, SH.languageIn):
        matches = [f"langMatches(LANG(?value), {_string(str(t))})" for t in Collection(shapes, tags)]
        yield "LanguageIn", "(isLiteral(?value) && (" + (" || ".join(matches) or "false") + "))"
    for bound in shapes.objects(shape, SH.minInclusive):
        yield "MinInclusive", f"COALESCE(?value >= {_term(bound)}, false)"
    for options in shapes.objects(shape, SH["or"]):
        alternatives = list(Collection(shapes, options))
        for alternative in alternatives:
            _refuse_unknown(shapes, alternative)
        yield "Or", "(" + " || ".join(f"({_node_test(shapes, a, classes)})" for a in alternatives) + ")"
    for node in shapes.objects(shape, SH.node):
        _refuse_unknown(shapes, node)
        yield "Node", _node_test(shapes, node, classes)


def _node_test(shapes: Graph, shape: Any, classes: Classes) -> str:
    """A SPARQL expression true when ?value conforms to a (value-level) shape."""
    tests = [test for _, test in _value_tests(shapes, shape, classes)]
    for prop in shapes.objects(shape, SH.property):
        _refuse_unknown(shapes, prop)
        path, _ = _path(shapes, shapes.value(prop, SH.path))
        required = shapes.value(prop, SH.hasValue)
        others = {p for p in shapes.predicates(prop) if p not in (SH.path, SH.hasValue, SH.message, SH.name,
                                                                   SH.description)}
        if required is None or others:
            raise UnsupportedShape(f"{_id(prop)}: only sh:hasValue is compiled inside a nested shape")
        tests.append(f"EXISTS {{ ?value {path} {_term(required)} }}")
    return " && ".join(f"({t})" for t in tests) or "true"


def _datatype_test(datatype: str) -> str:
    test = f"(isLiteral(?value) && DATATYPE(?value) = <{datatype}>"
    if datatype in _CASTS:
        test += f" && COALESCE(STR(<{datatype}>(STR(?value))) != \"\", false)"
    elif datatype in _YEAR_FORMS:
        test += f" && REGEX(STR(?value), {_string(_YEAR_FORMS[datatype])})"
    return test + ")"


def _path(shapes: Graph, node: Any) -> tuple[str, str | None]:
    """(SPARQL property path, its name in reports) of an IRI or a sh:alternativePath."""
    if isinstance(node, URIRef):
        return _term(node), str(node)
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is None:
        raise UnsupportedShape(f"path {node} is neither an IRI nor a sh:alternativePath")
    members = [_term(p) for p in Collection(shapes, alternatives)]
    return "(" + "|".join(members) + ")", "(" + " | ".join(str(p) for p in Collection(shapes, alternatives)) + ")"


def _term(term: Any) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise UnsupportedShape(f"cannot write {term!r} in a query")


def _string(text: str) -> str:
    return Literal(text).n3()


def _message(shapes: Graph, shape: Any) -> str:
    return str(shapes.value(shape, SH.message) or "")


def _id(shape: Any) -> str:
    return str(shape) if not isinstance(shape, BNode) else f"_:{shape}"


def report_text(violations: list[Violation]) -> str:
    """A summary in pySHACL's layout: whether the graph conforms, then each result."""
    lines = ["Validation Report", f"Conforms: {not violations}"]
    if violations:
        lines.append(f"Results ({len(violations)}):")
    for v in violations:
        component = re.sub(r"^.*#", "sh:", v.component)
        lines += ["Constraint Violation in " + component.removeprefix("sh:") + ":",
                  "\tSeverity: sh:Violation", f"\tSource Shape: {v.shape}", f"\tFocus Node: {v.focus}"]
        if v.value is not None:
            lines.append(f"\tValue Node: {v.value}")
        if v.path:
            lines.append(f"\tResult Path: {v.path}")
        lines.append(f"\tMessage: {v.message}")
    return "\n".join(lines)


def report_graph(violations: list[Violation]) -> Graph:
    """The results as a SHACL validation report graph (sh:ValidationReport)."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not violations)))
    for v in violations:
        result = BNode()
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, URIRef(v.focus)))
        graph.add((result, SH.sourceConstraintComponent, URIRef(v.component)))
        graph.add((result, SH.resultSeverity, SH.Violation))
        graph.add((result, SH.resultMessage, Literal(v.message)))
        if v.path and not v.path.startswith("("):
            graph.add((result, SH.resultPath, URIRef(v.path)))
        if not v.shape.startswith("_:"):
            graph.add((result, SH.sourceShape, URIRef(v.shape)))
    return graph


__all__ = ["COMPILED", "CompiledShapes", "UnsupportedShape", "Violation", "compile_shapes", "compiled"]
