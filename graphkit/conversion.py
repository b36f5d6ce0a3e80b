"""An extractor record (SCHEMA.md) as a `Source` of the dataset: events with their parties linked to
entities (`graphkit.linking`), amounts in yuan, dates and spans checked, each event's id stable, so
ingesting the same article twice writes the same bytes."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit.dataset import (
    DATE_RE,
)
from graphkit.linking import ArticleEntities, Register, clean_text, names_in
from graphkit.model import (
    AMOUNT_PERIODS,
    EVENT_TYPES,
    FIGURES,
    Amount,
    Event,
    Source,
    Span,
)
from graphkit.ontology import mode_index

if TYPE_CHECKING:
    pass


_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_EVENT_PREFIX = {"pairing": "p", "donation": "d", "secondment": "s"}

def _valid_date(value: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real year, month or day."""
    if not DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return False
    return True


def _amount(relation: dict) -> Amount | None:
    raw = relation.get("amount_cny")
    if raw is None or isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    period = relation.get("per")
    return Amount(
        value=value,
        approximate=relation.get("approximate") is True,
        text=clean_text(relation.get("amount_text")),
        period=period if period in AMOUNT_PERIODS else None,
    )


def _span(relation: dict) -> Span | None:
    raw = relation.get("span")
    if isinstance(raw, list | tuple) and len(raw) == 2 and all(type(x) is int for x in raw) and 0 <= raw[0] < raw[1]:
        return Span(raw[0], raw[1])
    return None


def _event(relation: dict, names: ArticleEntities, source_id: str) -> Event | None:
    """One relation as an event (id filled in later), or None when a party cannot be resolved."""
    kind = relation.get("type")
    if kind not in EVENT_TYPES:
        return None
    helped = names.resolve(relation.get("to"))
    if helped is None:
        return None
    common: dict[str, Any] = {"id": "", "type": kind, "source": source_id, "helped": (helped,),
                              "span": _span(relation)}
    if kind == "secondment":
        person = names.resolve(relation.get("person"))
        sender = names.resolve(relation.get("from"))
        if person is None or person == helped:
            return None
        return Event(**common, person=person, helpers=(sender,) if sender and sender != helped else (),
                     role=clean_text(relation.get("role")))
    helper = names.resolve(relation.get("from"))
    if helper is None or helper == helped:
        return None
    if kind == "pairing":
        mode = clean_text(relation.get("mode"))
        known = mode is None or mode in mode_index()
        return Event(**common, helpers=(helper,), mode=mode if known else None,
                     note=None if known else f"mode as stated: {mode}")
    brokers = [b for name in names_in(relation.get("facilitated_by")) if (b := names.resolve(name))]
    figure = str(relation["figure"]) if relation.get("figure") in FIGURES else "gift"
    return Event(
        **common,
        helpers=(helper,),
        figure=figure,
        planned=figure == "pledge",
        amount=_amount(relation),
        items=clean_text(relation.get("items")),
        quantity=clean_text(relation.get("quantity")),
        purpose=clean_text(relation.get("purpose")),
        brokers=tuple(dict.fromkeys(b for b in brokers if b not in (helper, helped))),
    )


def record_to_source(record: dict, register: Register, path: Path, digest: str) -> tuple[Source, int]:
    """An extracted record as a source with status `extracted`; returns it and the relations skipped."""
    source_id = path.stem
    names = ArticleEntities(register, record, source_id)
    events: list[Event] = []
    seen: set[Event] = set()
    skipped = 0
    counters: Counter[str] = Counter()
    for relation in record.get("relations") or []:
        event = _event(relation, names, source_id) if isinstance(relation, dict) else None
        if event is None:
            skipped += 1
            continue
        if event in seen:  # the same fact stated twice in one sentence
            continue
        seen.add(event)
        counters[event.type] += 1
        events.append(replace(event, id=f"{source_id}/{_EVENT_PREFIX[event.type]}{counters[event.type]}"))
    meta = record.get("source") or {}
    date, url, script = clean_text(meta.get("date")), clean_text(meta.get("url")), meta.get("script")
    source = Source(
        id=source_id,
        title=clean_text(meta.get("title")),
        publisher=clean_text(meta.get("publisher")),
        date=date if date and _valid_date(date) else None,
        url=url if url and _URL.match(url) else None,
        script=script if script in ("simplified", "traditional", "mixed") else None,
        file=path.name,
        sha256=digest,
        status="extracted",
        events=tuple(events),
    )
    return source, skipped


