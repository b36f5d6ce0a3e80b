"""The analysis commands: `graphkit path`, `regions`, `flows`, `report` and `export`.

Each opens the built graph with `graphkit.api.open_graph(out, store)`, so it works on the
on-disk store, on `graph.nq` or on a SPARQL endpoint alike, and reports problems as one-line errors.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from graphkit.cli.common import DataDir, OutDir, RawCsv, StoreOpt, console, done, errors, fail


class Via(StrEnum):
    assistance = "assistance"
    events = "events"
    any = "any"


class ExportFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    jsonld = "jsonld"
    csv = "csv"
    parquet = "parquet"  # panels only
    dta = "dta"  # panels only


class Panel(StrEnum):
    region_year = "region-year"
    donor_year = "donor-year"
    pair_year = "pair-year"


def _open(out: Path, store: str | None):
    from graphkit.api import open_graph
    from graphkit.build import BuildError

    try:
        return open_graph(out, store)
    except (BuildError, ValueError, OSError) as exc:
        raise fail(str(exc)) from None


def path_cmd(
    a: Annotated[str, typer.Argument(help="One entity, by Chinese name, alias or IRI (彭州市综合执法局).")],
    b: Annotated[str, typer.Argument(help="The other entity (黑水县).")],
    via: Annotated[
        Via,
        typer.Option(
            help="assistance: events, stepping into what either end contains (a county's town); "
            "events: events only; any: also the register upwards (located in, member of)."
        ),
    ] = Via.assistance,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hops as JSON.")] = False,
    out: OutDir = Path("out"),
    store: StoreOpt = None,
) -> None:
    """Explain how two entities are connected, hop by hop, each hop with its event and source."""
    from graphkit.analysis import AmbiguousEntity, EntityNotFound, NoPath, connection, hops_as_dicts

    with _open(out, store) as kg:
        graph = kg.network()
        try:
            hops = connection(graph, a, b, via=via.value)
        except (EntityNotFound, AmbiguousEntity) as exc:
            raise fail(str(exc)) from None
        except NoPath as exc:
            raise fail(str(exc), 1) from None
    if as_json:
        sys.stdout.write(json.dumps(hops_as_dicts(hops), ensure_ascii=False, indent=2) + "\n")
        return
    if not hops:
        console.print(f"{a} and {b} are the same entity.", highlight=False)
        return
    first, last = hops[0].source_label, hops[-1].target_label
    console.print(f"{first} ↔ {last}: {len(hops)} hop{'s' if len(hops) != 1 else ''}", style="bold", highlight=False)
    register = [n for n, hop in enumerate(hops, start=1) if hop.event is None]
    if register and via is Via.assistance:
        steps = ", ".join(map(str, register))
        console.print(f"(step{'s' if len(register) > 1 else ''} {steps}: containment, stepping into an end)",
                      style="dim", highlight=False)
    for number, hop in enumerate(hops, start=1):
        console.print(f"{number}. {hop.text()}", highlight=False, soft_wrap=True)
        where = hop.url or (f"source {hop.source_id}" if hop.source_id else "")
        if hop.event:
            console.print(f"   event {hop.event}" + (f" · {where}" if where else ""), style="dim", highlight=False,
                          soft_wrap=True)


def report_cmd(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The HTML file to write (default: OUT/report.html).")
    ] = None,
    top: Annotated[int, typer.Option(help="How many donors and recipients to chart.")] = 15,
    out: OutDir = Path("out"),
    store: StoreOpt = None,
) -> None:
    """Write a self-contained offline HTML report with charts and the tables behind them."""
    from graphkit.render.report import write_report

    target = output or out / "report.html"
    with _open(out, store) as kg:
        try:
            path = write_report(kg.network(), target, top=top)
        except OSError as exc:
            raise fail(f"cannot write {target}: {exc.strerror or exc}") from None
    done("wrote", str(path))


def export_cmd(
    format: Annotated[
        ExportFormat | None, typer.Option("--format", "-f", help="graphml | gexf | jsonld | csv")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file to write (default: standard output).")
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Write every reviewed source of --data as SCHEMA.md annotation JSON into DIR."),
    ] = None,
    data: DataDir = Path("data"),
    out: OutDir = Path("out"),
    store: StoreOpt = None,
    raw_csv: RawCsv = False,
    panel: Annotated[Panel | None, typer.Option(
        "--panel", help="An analysis-ready panel, one row per unit and year (region-year, donor-year, "
                        "pair-year), as csv, parquet or dta (Stata), with its codebook beside it.")] = None,
) -> None:
    """Export the graph for Gephi (GraphML, GEXF), linked-data tools (JSON-LD) or spreadsheets (CSV),
    a panel for statistics (--panel), or the reviewed sources as gold annotations (--gold DIR)."""
    from graphkit.export import export

    if gold is not None:
        from graphkit.dataset import DataError
        from graphkit.review.gold import write_gold

        try:
            written = write_gold(data, gold)
        except DataError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot write {gold}: {exc.strerror or exc}") from None
        done("wrote", f"{len(written)} gold annotations (SCHEMA.md) into {gold}/", errors)
        return
    if panel is not None:
        _export_panel(panel.value, format, output, out, store)
        return
    if format is None:
        raise fail("give --format (graphml, gexf, jsonld, csv) or --gold DIR")
    if format in (ExportFormat.parquet, ExportFormat.dta):
        raise fail(f"{format.value} is a format of panels: give --panel region-year, donor-year or pair-year")

    with _open(out, store) as kg:
        try:
            exported = export(kg, format.value, output, raw_csv=raw_csv)
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    if output is None:
        sys.stdout.buffer.write(exported)
        sys.stdout.flush()
    else:
        done("wrote", f"{output} ({len(exported):,} bytes)", errors)


def _export_panel(kind: str, format: ExportFormat | None, output: Path | None, out: Path, store: str | None) -> None:
    from graphkit.panels import FORMATS, panel, write_panel

    fmt = (format or ExportFormat.csv).value
    if fmt not in FORMATS:
        raise fail(f"a panel is written as {', '.join(FORMATS)}, not {fmt}")
    if output is None:
        raise fail("a panel is written to a file: give -o FILE (its codebook goes beside it)")
    with _open(out, store) as kg:
        frame = panel(kg.network(), kind)
    try:
        written = write_panel(frame, kind, output, fmt)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    done("wrote", f"{written[0]} ({len(frame):,} rows, {frame['year'].nunique()} years) and its codebook "
         f"{written[1].name}", errors)


class Level(StrEnum):
    province = "province"
    prefecture = "prefecture"
    county = "county"
    district = "district"
    township = "township"
    village = "village"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"


def _print_frame(frame, fmt: TableFormat) -> None:
    """A DataFrame as a terminal table or CSV (lists joined with 、)."""
    from rich.table import Table

    frame = frame.map(lambda v: "、".join(map(str, v)) if isinstance(v, list) else v)
    if fmt is TableFormat.csv:
        sys.stdout.write(frame.to_csv(index=frame.index.name is not None, lineterminator="\n"))
        return
    table = Table(*([frame.index.name] if frame.index.name else []), *map(str, frame.columns), header_style="bold")
    for index, row in frame.iterrows():
        cells = [f"{v:,.0f}" if isinstance(v, float) else str(v) for v in row.tolist()]
        table.add_row(*([str(index)] if frame.index.name else []), *cells)
    console.print(table)


def regions_cmd(
    level: Annotated[Level | None, typer.Option(help="Only regions of this level.")] = None,
    top: Annotated[int, typer.Option(help="How many regions to show (by money received).")] = 30,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    out: OutDir = Path("out"),
    store: StoreOpt = None,
) -> None:
    """Region roll-ups: money, goods and events given and received, everything within each region included."""
    from graphkit.analysis import region_rollup

    with _open(out, store) as kg:
        frame = region_rollup(kg.network(), level.value if level else None)
    columns = ["label", "level", "within", "money_received", "donations_received", "money_given",
               "donations_given", "pairings_received", "secondments_hosted"]  # fmt: skip
    frame = frame[columns].head(top).copy()
    if format == TableFormat.table:  # a person reads 县级 and a blank for "within nothing"; files keep the keys
        from graphkit import vocabulary

        frame["level"] = frame["level"].map(lambda key: vocabulary.level(key).zh)
        frame["within"] = frame["within"].fillna("")
    _print_frame(frame.set_index("label").rename_axis("region"), format)


def flows_cmd(
    level: Annotated[Level, typer.Option(help="Aggregate helper and helped regions to this level.")] = Level.province,
    matrix: Annotated[bool, typer.Option("--matrix", help="Show a helper × helped matrix of money.")] = False,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    out: OutDir = Path("out"),
    store: StoreOpt = None,
) -> None:
    """Flows between regions (helper's region → helped region), as a table or a matrix."""
    from graphkit.analysis import flow_matrix, flows

    with _open(out, store) as kg:
        graph = kg.network()
        frame = flow_matrix(graph, level.value) if matrix else flows(graph, level.value)
    if not matrix:
        keep = [c for c in ("from_label", "to_label", "money", "donations", "pairings", "secondments", "modes")
                if c in frame.columns]  # fmt: skip
        frame = frame[keep].rename(columns={"to_label": "to"}).set_index("from_label").rename_axis("from")
    _print_frame(frame, format)
