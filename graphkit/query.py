"""SPARQL on a store: named queries from `ontology/queries/*.rq`, parameters as bound variables.

A named query's header declares its name, a one-line description and its parameters:

    # description: Who helps a given place, including its towns and villages
    # param: region entity  the region, by Chinese name or alias (黑水县)
    # param: top integer=20  how many, from the first (20)

A kind written `kind=value` gives the parameter a default, so it may be left out (`top` above).
An `entity` parameter names an entity of the graph: a name the graph does not hold is an error
with the names the user probably meant (`check_entities`), never an empty answer; a name in another
script or width (黑水縣) is read as the graph writes it.
Parameters never enter the query text: each becomes a typed RDF term bound to the variable of the
same name (`?region`), so a value like `"} DROP ALL #` is just a string that matches nothing.
A bound variable must be projected by the query (SPARQL SEP-0007, which Oxigraph follows), so the
rows also say which parameter value they answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graphkit.ontology import PREFIXES, is_absolute_iri, ontology_dir
from graphkit.store.base import QueryResult, Store
from graphkit.store.guard import guard

PARAM_KINDS = ("entity", "zh", "string", "integer", "decimal", "date", "iri")
HEADER_RE = re.compile(r"^#\s*(name|description|param)\s*:\s*(.*?)\s*$")
PREFIX_RE = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


class QueryError(ValueError):
    """A query that cannot be run as asked: unknown name, missing or malformed parameter."""


@dataclass(frozen=True)
class Param:
    """One parameter of a named query: bound to `?name` as a term of `kind`."""

    name: str
    kind: str
    description: str = ""
    default: str | None = None

    def term(self, raw: str) -> Node:
        """The RDF term for a value given on the command line or over HTTP."""
        try:
            if self.kind in ("zh", "entity"):
                return Literal(raw, lang="zh")
            if self.kind == "integer":
                return Literal(int(raw))
            if self.kind == "decimal":
                return Literal(Decimal(raw), datatype=XSD.decimal)
            if self.kind == "date":
                return Literal(raw, datatype=XSD.date)
            if self.kind == "iri":
                if not is_absolute_iri(raw):
                    raise ValueError("not an IRI")
                return URIRef(raw)
        except (ValueError, InvalidOperation) as exc:
            raise QueryError(f"parameter {self.name!r}: {raw!r} is not a valid {self.kind} ({exc})") from None
        return Literal(raw)


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library, addressable by name."""

    name: str
    description: str
    text: str
    params: tuple[Param, ...] = ()

    @property
    def entity_params(self) -> tuple[str, ...]:
        """The parameters that name an entity of the graph."""
        return tuple(p.name for p in self.params if p.kind == "entity")

    def bindings(self, values: Mapping[str, str]) -> dict[str, Node]:
        """Typed bindings for the given raw values; every declared parameter without a default must be given."""
        declared = {p.name: p for p in self.params}
        unknown = set(values) - set(declared)
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(sorted(unknown))}")
        missing = [p.name for p in self.params if p.name not in values and p.default is None]
        if missing:
            usage = " ".join(f"--param {p.name}=…" for p in self.params if p.default is None)
            raise QueryError(f"query {self.name!r} needs {', '.join(missing)} ({usage})")
        given = {p.name: p.default for p in self.params if p.default is not None} | dict(values)
        return {name: declared[name].term(str(raw)) for name, raw in given.items()}


def parse_named_query(path: Path) -> NamedQuery:
    """Read a .rq file and its comment header."""
    text = path.read_text(encoding="utf-8")
    name, description, params = path.stem, "", []
    for line in text.splitlines():
        match = HEADER_RE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "name":
            name = value
        elif key == "description":
            description = value
        else:
            parts = value.split(maxsplit=2)
            kind, _, default = parts[1].partition("=") if len(parts) > 1 else ("", "", "")
            if len(parts) < 2 or kind not in PARAM_KINDS:
                raise QueryError(
                    f"{path}: bad param line {line!r} (# param: NAME {'|'.join(PARAM_KINDS)}[=DEFAULT] TEXT)"
                )
            param = Param(parts[0], kind, parts[2] if len(parts) > 2 else "", default or None)
            if param.default is not None:
                param.term(param.default)  # a default that is not of its kind is the query's error
            params.append(param)
    return NamedQuery(name=name, description=description, text=text, params=tuple(params))


@cache
def _library(directory: Path) -> dict[str, NamedQuery]:
    queries = (parse_named_query(path) for path in sorted(directory.glob("*.rq")))
    return {query.name: query for query in queries}


@lru_cache(maxsize=64)
def _resolved(directory: Path) -> Path:
    return directory.resolve()


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """The library of named queries, by name."""
    return _library(_resolved(directory or ontology_dir() / "queries"))


@lru_cache(maxsize=512)
def with_prefixes(sparql: str) -> str:
    """Declare graphkit's usual prefixes that the query uses without declaring (memoised: the named
    queries come back again and again, and scanning for fourteen prefixes takes longer than a look-up)."""
    declared = {(m.group(1) or "") for m in PREFIX_RE.finditer(sparql)}
    missing = [
        f"PREFIX {prefix}: <{namespace}>"
        for prefix, namespace in PREFIXES.items()
        if prefix not in declared and re.search(rf"(?<![\w<]){re.escape(prefix)}:", sparql)
    ]
    return "\n".join([*missing, sparql]) if missing else sparql


def resolve(query: str, directory: Path | None = None) -> tuple[str, NamedQuery | None]:
    """A named query, a .rq file or SPARQL text -> (text, the named query if any)."""
    library = named_queries(directory)
    if query in library:
        return library[query].text, library[query]
    path = Path(query)
    if query.endswith(".rq") or (len(query) < 4096 and "\n" not in query and path.is_file()):
        if not path.is_file():
            raise QueryError(f"no such query file: {query}")
        named = parse_named_query(path)
        return named.text, named
    if not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query, re.IGNORECASE):
        names = ", ".join(sorted(library))
        raise QueryError(f"{query!r} is neither a named query ({names}), a .rq file nor SPARQL")
    return query, None


def run(
    store: Store,
    query: str,
    params: Mapping[str, str] | None = None,
    directory: Path | None = None,
    *,
    allow_network: bool = False,
) -> QueryResult:
    """Run a named query, a .rq file or SPARQL text with parameters bound as variables.

    The query is parsed first and refused (graphkit.store.guard.Refused) if it would fetch from the
    network or read a file (SERVICE, LOAD), unless `allow_network`; a text that does not parse raises
    SparqlSyntaxError. Both are ValueErrors with a one-line message.
    """
    text, named = resolve(query, directory)
    values = dict(params or {})
    if named is not None:
        bindings: dict[str, Node] = named.bindings(values)
    else:
        bindings = {name: Literal(raw) for name, raw in values.items()}
    text = with_prefixes(text)
    guard(text, allow_network=allow_network)
    if named is not None:
        bindings = check_entities(store, bindings, named.entity_params)
    return store.query(text, bindings)


_NAMED = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
ASK {{
  VALUES ?property {{ rdfs:label skos:altLabel }}
  ?entity ?property ?name .
  FILTER(STRSTARTS(STR(?entity), "{namespace}"))
}}"""
_NAMES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name ?label WHERE {{
  ?entity rdfs:label ?label .
  FILTER(LANG(?label) = "zh")
  {{ ?entity rdfs:label ?name }} UNION {{ ?entity skos:altLabel ?name }}
  FILTER(STRSTARTS(STR(?entity), "{namespace}"))
}}"""  # the namespace is graphkit's own constant, never a user's value


def check_entities(store: Store, bindings: Mapping[str, Node], names: tuple[str, ...]) -> dict[str, Node]:
    """The bindings with each entity parameter checked against the graph's names and aliases.

    A name the graph writes differently (traditional script, full width, spaces) is bound as the graph
    writes it; a name it does not hold at all raises QueryError with the likeliest names (by
    characters, pinyin and spelling): a misspelt 黑水县 must not look like a county nobody helps.
    """
    out = dict(bindings)
    wanted = [n for n in names if n in out]
    if not wanted:
        return out
    from graphkit.names import name_key, suggestions
    from graphkit.ontology import ID

    namespace = ID["entity/"]
    # A name as written is one look-up (the usual case); only a miss reads the graph's names, to fold
    # script and width or to suggest, so a query on a large graph does not fetch them all every time.
    missing = [p for p in wanted if not store.query(_NAMED.format(namespace=namespace), {"name": out[p]}).boolean]
    if not missing:
        return out
    label_of = {str(name): str(label) for name, label in store.query(_NAMES.format(namespace=namespace)).rows}
    known = list(label_of)
    by_key = {name_key(n): n for n in known}
    for param in missing:
        raw = str(out[param])
        if raw in label_of:
            continue
        if name_key(raw) in by_key:
            out[param] = Literal(by_key[name_key(raw)], lang="zh")
            continue
        close = list(dict.fromkeys(label_of[n] for n in suggestions(raw, known, limit=6)))[:3]
        hint = f"; did you mean {', '.join(close)}?" if close else " (graphkit stats lists what the graph holds)"
        raise QueryError(f"{param}: no entity named {raw!r}{hint}")
    return out


__all__ = ["NamedQuery", "Param", "QueryError", "check_entities", "named_queries", "resolve", "run", "with_prefixes"]
