"""What a SPARQL query or update would do, read from a real parse, and whether graphkit lets it.

Why a parse and not a scan of tokens: SPARQL's lexical rules (escapes in prefixed names such as
`ex:a\\'b`, `\\u0053ERVICE` code-point escapes, strings, comments, nested groups) are exactly what a
regular-expression tokenizer gets wrong, and one misread character hides everything after it. rdflib's
SPARQL parser reads the whole grammar; every SERVICE, LOAD and dataset clause it finds is a node of the
parse tree, wherever it is nested (OPTIONAL, UNION, sub-selects, FILTER EXISTS, update WHERE clauses).
A text the parser cannot read is refused, never passed on to an engine that might read it otherwise.

The policy, the same for `graphkit serve`, `graphkit query` and the Python API:

- SERVICE (federation) and LOAD fetch from the network or read local files: refused unless the caller
  opts in (`allow_network`, the CLI's `--allow-network`);
- FROM / FROM NAMED, USING / USING NAMED and WITH only *select* graphs the store already holds: every
  graphkit store runs them that way (the rdflib memory store is made to, see memory.py), so they are
  allowed whatever their IRI, and nothing is fetched;
- updates are the endpoint's decision (read-only unless `--allow-update`), not this module's.

>>> guard("SELECT * FROM <urn:graphkit:g> WHERE { ?s ?p ?o }").default_graphs
('urn:graphkit:g',)
>>> guard("SELECT * WHERE { OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }")
Traceback (most recent call last):
...
graphkit.store.guard.Refused: SERVICE <http://127.0.0.1:9/> is refused: graphkit never fetches from the network \
unless you opt in (--allow-network)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rdflib.term import Variable

from graphkit.store.base import Graphs

QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
#: Longest text parsed; the endpoint's body limit is 1 MiB, so this only stops absurd input from the CLI or API.
MAX_TEXT = 1 << 20


class SparqlSyntaxError(ValueError):
    """The text is not SPARQL that the parser can read (so it is not run)."""


class Refused(ValueError):
    """The operation would do something graphkit does not allow here (fetch from the network)."""


@dataclass(frozen=True)
class Operation:
    """One parsed query or update: its form, and everything in it that reaches outside the store."""

    kind: str  # "query" or "update"
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE
    services: tuple[str, ...] = ()  # the SERVICE targets, as <iri> or ?var
    loads: tuple[str, ...] = ()  # the LOAD sources
    default_graphs: tuple[str, ...] = ()  # FROM
    named_graphs: tuple[str, ...] = ()  # FROM NAMED
    using: tuple[str, ...] = ()  # USING and USING NAMED of updates
    with_graphs: tuple[str, ...] = ()  # WITH of updates
    parsed: Any = field(default=None, compare=False, repr=False)  # rdflib's translated query (memory store)

    @property
    def has_dataset(self) -> bool:
        """Whether the query names its own dataset (FROM / FROM NAMED)."""
        return bool(self.default_graphs or self.named_graphs)

    def refusal(self, allow_network: bool = False) -> str | None:
        """Why the operation must not run under this policy, or None."""
        if allow_network:
            return None
        opt_in = "graphkit never fetches from the network unless you opt in (--allow-network)"
        if self.services:
            return f"SERVICE {self.services[0]} is refused: {opt_in}"
        if self.loads:
            return f"LOAD <{self.loads[0]}> is refused: {opt_in}"
        return None


def guard(text: str, kind: str = "query", *, base: str | None = None, allow_network: bool = False) -> Operation:
    """Parse `text` and return what it does; raise SparqlSyntaxError or Refused if it may not run."""
    operation = inspect(text, kind, base)
    reason = operation.refusal(allow_network)
    if reason:
        raise Refused(reason)
    return operation


@lru_cache(maxsize=1024)
def inspect(text: str, kind: str = "query", base: str | None = None) -> Operation:
    """The parsed operation (memoised: named queries come back again and again, and a parse takes ms)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if kind not in ("query", "update"):
        raise ValueError(f"kind must be 'query' or 'update', not {kind!r}")
    if len(text) > MAX_TEXT:
        raise SparqlSyntaxError(f"the {kind} is longer than {MAX_TEXT} characters")
    try:
        # rdflib's syntax tree and algebra are dynamically shaped (a CompValue, or a list for updates)
        tree: Any = parseQuery(text) if kind == "query" else parseUpdate(text)
        parsed: Any = translateQuery(tree, base=base) if kind == "query" else translateUpdate(tree, base=base)
    except ParseBaseException as exc:
        raise SparqlSyntaxError(f"bad {kind}: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise SparqlSyntaxError(f"bad {kind}: nested too deeply to read") from None
    except Exception as exc:  # rdflib raises plain exceptions for undeclared prefixes and the like
        raise SparqlSyntaxError(f"bad {kind}: {' '.join(str(exc).split())}") from None
    # Found in the syntax tree, so nothing the translation might fold away is missed; named from the
    # algebra, where prefixed names are resolved.
    written = sum(1 for node in _nodes(tree) if node.name == "ServiceGraphPattern")
    named = [_target(_field(node, "term")) for node in _nodes(parsed.algebra) if node.name == "ServiceGraphPattern"]
    services = (*named, *["SERVICE"] * (written - len(named)))
    loads: tuple[str, ...] = ()
    if kind == "update":
        using: list[str] = []
        for request in parsed.algebra:
            clauses = _field(request, "using") or ()
            using += [str(_field(clause, "default") or _field(clause, "named")) for clause in clauses]
        withs = tuple(str(_field(r, "withClause")) for r in parsed.algebra if _field(r, "withClause") is not None)
        loads = tuple(str(_field(request, "iri")) for request in parsed.algebra if request.name == "Load")
        return Operation("update", "UPDATE", services, loads, using=tuple(using), with_graphs=withs, parsed=parsed)
    dataset = _field(parsed.algebra, "datasetClause") or ()
    return Operation(
        "query",
        QUERY_FORMS.get(parsed.algebra.name, "SELECT"),
        services,
        loads,
        default_graphs=tuple(str(_field(c, "default")) for c in dataset if _field(c, "default") is not None),
        named_graphs=tuple(str(_field(c, "named")) for c in dataset if _field(c, "named") is not None),
        parsed=parsed,
    )


def with_using(update: str, using: Graphs, base: str | None = None) -> str:
    """The update with USING / USING NAMED clauses for the protocol's using-graph-uri parameters.

    For engines that take no such option (Oxigraph): each DELETE/INSERT … WHERE gets the clauses before
    its WHERE. The result is parsed again and must be the same operations with exactly those clauses,
    so a misplaced insertion is an error, never a different update.
    """
    from rdflib import URIRef

    from graphkit.store.remote import sparql_tokens

    operation = inspect(update, "update", base)
    if operation.using or operation.with_graphs:
        raise ValueError("using-graph-uri / using-named-graph-uri conflict with the update's own USING or WITH")
    clauses = " ".join(
        [f"USING {URIRef(name).n3()}" for name in using.default]
        + [f"USING NAMED {URIRef(name).n3()}" for name in using.named]
    )
    tokens = list(sparql_tokens(update))
    depth, cuts = 0, []
    for index, token in enumerate(tokens):
        depth += {"{": 1, "}": -1}.get(token.text, 0)
        if depth == 0 and token.keyword == "WHERE" and index and tokens[index - 1].keyword != "DELETE":
            cuts.append(token.start)
    text = update
    for at in reversed(cuts):
        text = f"{text[:at]}{clauses} {text[at:]}"
    rewritten = inspect(text, "update", base)
    modifies = [request for request in operation.parsed.algebra if request.name == "Modify"]
    if len(rewritten.parsed.algebra) != len(operation.parsed.algebra) or len(rewritten.using) != len(modifies) * (
        len(using.default) + len(using.named)
    ):
        raise ValueError("cannot apply using-graph-uri / using-named-graph-uri to this update")
    return text


def _nodes(tree: Any) -> Iterator[Any]:
    """Every node (CompValue) of an rdflib parse tree, depth first, without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def _field(node: Any, key: str) -> Any:
    """A node's field, or None (CompValue.get answers a missing key with the key itself)."""
    return dict.get(node, key)


def _target(term: Any) -> str:
    """A SERVICE target as written in SPARQL: <iri> or ?var."""
    return f"?{term}" if isinstance(term, Variable) else f"<{term}>"


__all__ = ["Operation", "Refused", "SparqlSyntaxError", "guard", "inspect", "with_using"]
