"""Every reviewed source is gold: reviewed sources as SCHEMA.md annotations, and the extractor scored
against them (`graphkit eval --reviewed`, `graphkit export --gold DIR`).

A reviewed source states, for its article, exactly the relations a person checked; written in the
annotation format of `../shared/corpus/SCHEMA.md` it scores the extractor as the corpus's gold does.
An event with several donors becomes one relation per donor and recipient, as SCHEMA.md lists a joint
gift; names are the register's canonical names with their aliases, so the scorer resolves the
article's forms as it does for hand-made gold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from graphkit.dataset import load
from graphkit.extract.evaluate import Report
from graphkit.files import atomic_write
from graphkit.model import Dataset, Event, Source

__all__ = ["evaluate_reviewed", "event_relations", "find_article", "reviewed_sources", "source_as_gold", "write_gold"]


def reviewed_sources(dataset: Dataset) -> list[Source]:
    """The reviewed sources that name their article file (the ones an extractor can be scored on)."""
    return [s for s in dataset.sources.values() if s.status == "reviewed" and s.file]


def source_as_gold(source: Source, dataset: Dataset) -> dict[str, Any]:
    """A source as a SCHEMA.md annotation object.

    >>> import graphkit
    >>> dataset = graphkit.load("data")
    >>> gold = source_as_gold(dataset.sources["003_0f13b9c397467d03"], dataset)
    >>> sorted((r["from"], r["to"], r["amount_cny"]) for r in gold["relations"])[0]
    ('中国人民政治协商会议大英县委员会', '大英县', 10000)
    """
    relations = [r for event in source.events for r in event_relations(event, dataset)]
    used = {n for event in source.events for n in event.parties}
    entities = []
    for entity_id in sorted(used):
        entity = dataset.entities.get(entity_id)
        if entity is None:
            continue
        item: dict[str, Any] = {"name": entity.name, "aliases": [a for a in entity.aliases if a != entity.name],
                                "type": entity.type}
        if entity.level:
            item["level"] = entity.level
        if entity.part_of:
            item["part_of"] = _name(dataset, entity.part_of)
        if entity.role:
            item["role"] = entity.role
        entities.append(item)
    return {
        "id": source.id,
        "source": {"title": source.title, "publisher": source.publisher, "url": source.url, "date": source.date,
                   "script": source.script},
        "entities": entities,
        "relations": relations,
    }


def event_relations(event: Event, dataset: Dataset) -> list[dict[str, Any]]:
    """An event as SCHEMA.md relations: a secondment one per host, a pairing or donation one per
    helper and helped (a joint gift is listed per donor, as SCHEMA.md lists it)."""

    def name(entity_id: str | None) -> str | None:
        return _name(dataset, entity_id)

    if event.type == "secondment":
        return [{"type": "secondment", "person": name(event.person),
                 "from": name(event.helpers[0]) if event.helpers else None, "to": name(host), "role": event.role}
                for host in event.helped or (None,)]
    relations: list[dict[str, Any]] = []
    for helper in event.helpers:
        for helped in event.helped:
            relation: dict[str, Any] = {"type": event.type, "from": name(helper), "to": name(helped)}
            if event.type == "pairing":
                relation["mode"] = event.mode
            else:
                amount = event.amount
                relation.update(
                    amount_cny=float(amount.value) if amount and amount.value % 1 else (
                        int(amount.value) if amount else None),
                    approximate=bool(amount and amount.approximate), items=event.items,
                    quantity=event.quantity, purpose=event.purpose,
                    facilitated_by=[name(b) for b in event.brokers],
                )
            relations.append(relation)
    return relations


def _name(dataset: Dataset, entity_id: str | None) -> str | None:
    """An entity's canonical name (an id the register lacks stays as it is)."""
    return dataset.entities[entity_id].name if entity_id in dataset.entities else entity_id


def find_article(source: Source, folders: Sequence[Path]) -> Path | None:
    """The source's article file in the first folder that holds it."""
    for folder in folders:
        path = Path(folder) / str(source.file)
        if path.is_file():
            return path
    return None


def write_gold(data_dir: Path, target: Path) -> list[Path]:
    """Write each reviewed source as `<id>.json` in SCHEMA.md format into `target`."""
    dataset = load(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in reviewed_sources(dataset):
        path = target / f"{source.id}.json"
        atomic_write(path, json.dumps(source_as_gold(source, dataset), ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    return written


def evaluate_reviewed(data_dir: Path, folders: Iterable[Path]) -> tuple[Report, list[str]]:
    """Score the extractor on every reviewed source whose article is found; also the ids not found."""
    from graphkit.extract.normalise import ArticleError
    from graphkit.extract.pipeline import Batch

    dataset = load(data_dir)
    folders = list(folders)
    found: list[tuple[Source, Path]] = []
    missing: list[str] = []
    for source in reviewed_sources(dataset):
        path = find_article(source, folders)
        if path is None:
            missing.append(source.id)
        else:
            found.append((source, path))
    batch = Batch([p for _, p in found], min_confidence=0.0)
    report = Report()
    for source, path in found:
        try:
            pred = batch.extract(path)[0]
        except (ArticleError, OSError):
            report.failed.append(str(path))
            pred = {"relations": []}
        report.add(source.id, source_as_gold(source, dataset), pred)
    return report, missing
