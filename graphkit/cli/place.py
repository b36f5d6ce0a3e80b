"""`graphkit place NAME [--on DATE]`: what a place name denotes today, and what it was called before.

Researchers join the graph with tables keyed by the codes of their year; this answers which division
a name (today's, a short form, or a former name such as 林芝县) denotes, with its code today, the
codes and names it had before and the source of each change — from the gazetteer alone, no build
needed.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from graphkit import gazetteer
from graphkit.cli.common import console, fail


def _row(division: gazetteer.Division) -> dict:
    return {
        "name": division.name,
        "adcode": division.code6,
        "level": division.level,
        "within": [p.name for p in gazetteer.parents(division)],
        "former_names": [
            {"name": f.name, "until": f.date, "code": f.code, "source": f.source}
            for f in gazetteer.former_names(division)
        ],
    }


def place(
    name: Annotated[str, typer.Argument(help="A place name: today's, a short form (彭州) or a former one (林芝县).")],
    on: Annotated[str | None, typer.Option(help="The date the name was used (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Which division a place name denotes today (code, parents), and its former names and codes."""
    found = gazetteer.candidates(name.strip(), on)
    if not found:
        raise fail(f"{name}: no division of the gazetteer has this name, today or before a change it knows")
    best = gazetteer.lookup(name.strip(), on=on)
    rows = [_row(d) for d in sorted(found, key=lambda d: d != best)]
    if json_out:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("name today", "code", "level", "within", "former names (until, old code)")
    for row in rows:
        former = "; ".join(f"{f['name']} ({f['until']}, {f['code'] or '—'})" for f in row["former_names"])
        table.add_row(row["name"], row["adcode"], row["level"], " › ".join(row["within"]), former or "—")
    console.print(table)
    if len(rows) > 1:
        console.print(f"{len(rows)} divisions bear this name; the first is the likeliest without other context.")
