"""`graphkit build`: the graph from data/ into out/ (Turtle, N-Quads, SHACL report, store) and the page."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import BuildJobs, DataDir, OutDir, StoreOpt, console, done, errors, fail, os_problem
from graphkit.dataset import DataError


def build(
    data: DataDir = Path("data"),
    out: OutDir = Path("out"),
    store: StoreOpt = None,
    page: Annotated[bool, typer.Option(help="Also write the interactive page (index.html).")] = True,
    full: Annotated[bool, typer.Option(
        "--full", help="Redo every graph, not only those of the files that changed since the last build.")] = False,
    articles: Annotated[Path | None, typer.Option(
        help="A folder of the sources' article texts: the page quotes the sentence stating each event.",
        exists=True, file_okay=False)] = None,
    jobs: BuildJobs = None,
) -> None:
    """Build the knowledge graph from data/ into out/: Turtle, N-Quads, SHACL report, store and page."""
    from graphkit.build import BuildError
    from graphkit.build import build as run_build
    from graphkit.render import page_view, page_view_quoting

    view = page_view_quoting(articles) if articles else page_view
    try:
        result = run_build(data, out, store=store, views=[view] if page else [], full=full, jobs=jobs)
    except DataError as exc:
        raise fail(str(exc)) from None
    except BuildError as exc:
        if exc.validation is not None:
            errors.print(exc.validation.text, highlight=False)
        raise fail(str(exc), 1) from None
    except OSError as exc:
        raise fail(os_problem(exc)) from None
    how = "every source" if result.full else f"{len(result.redone)} changed source(s), the rest as last built"
    done("built", f"{result.counts()}: {result.quads} quads, SHACL conforms ({how})")
    for path in result.files:
        console.print(f"  {path}", highlight=False)


class Engine(StrEnum):
    """Who runs the SHACL shapes."""

    sparql = "sparql"
    pyshacl = "pyshacl"


def validate(
    data: DataDir = Path("data"),
    engine: Annotated[Engine, typer.Option(
        help="sparql: the shapes compiled to SPARQL in Oxigraph, as builds run them (seconds at a million "
             "triples); pyshacl: the reference implementation (minutes at that size).")] = Engine.sparql,
) -> None:
    """Validate the whole graph of data/ against ontology/shapes.ttl (SHACL), building nothing."""
    from graphkit.build import region_coordinates, validate_dataset
    from graphkit.dataset import load

    try:
        dataset = load(data)
    except DataError as exc:
        raise fail(str(exc)) from None
    if engine is Engine.sparql:
        validation = validate_dataset(dataset)
    else:
        from graphkit.rdf_mapping import dataset_quads
        from graphkit.validate import validate as pyshacl_validate

        validation = pyshacl_validate((s, p, o) for s, p, o, _ in dataset_quads(dataset, region_coordinates))
    if not validation.conforms:
        errors.print(validation.text, highlight=False)
        raise fail("the graph does not conform to ontology/shapes.ttl", 1)
    done("valid", f"{len(dataset.entities)} entities and {len(dataset.sources)} sources conform ({engine.value})")
