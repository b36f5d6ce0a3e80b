"""The review workspace: extracted sources, the text their spans index, and a reviewer's decisions
turned into a reviewed source.

Everything the review app does to files happens here, so that the web layer only moves JSON:

- `queue` lists every source with its status (extracted, in review when a draft exists, reviewed);
- `source` gives a source's candidates with the article text as the reviewer reads it, each
  candidate with the extractor rule and confidence that produced it (the extractor is run again on
  the article, which is deterministic for the same text: the file's sha256 is checked);
- `save` writes the reviewed source, and moves the entities it uses from the extracted register into
  the curated one, through the same staging, loader checks, SHACL validation, journal and build as
  `graphkit ingest`: all files change or none does, and a problem names the field it is about.

A source is versioned by the sha256 of its YAML file: a save names the version it was edited from, and
a save from an older version (a second tab, another reviewer) is a `Conflict`, never an overwrite.
Drafts live in `data/.review/<id>.json`, written atomically, so a closed tab or a killed server loses
nothing; the loader ignores the folder.

Spans: the dataset's spans index the article's decoded text (`Document.original`); the reviewer
reads the cleaned text (`Document.plain`: HTML removed, full width folded, traditional converted).
`Article` maps between the two.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from graphkit import containment, vocabulary
from graphkit.dataset import (
    EVENT_FIELD_ORDER,
    EXTRACTED_REGISTER,
    REGISTER,
    DataError,
    Dumper,
    entities_to_yaml,
    entity_dict,
    event_dict,
    load,
)
from graphkit.extract.normalise import ArticleError, Document, decode_bytes, normalise
from graphkit.files import atomic_write
from graphkit.model import Dataset, Entity, Source
from graphkit.names import name_key, pinyin_keys
from graphkit.publish import JOURNAL, staging_folder
from graphkit.review.gold import find_article

SOURCES = Path("sources")
DRAFTS = Path(".review")
EXTRACTED, IN_REVIEW, REVIEWED = "extracted", "in review", "reviewed"
#: The fields of an event a reviewer may set, in the dataset's order: all of them, so that a save keeps
#: what the form does not show (a pairing's sources beside its own, `also_in`).
EVENT_FIELDS = tuple(field for field in EVENT_FIELD_ORDER if field != "id")
ENTITY_FIELDS = ("id", "type", "name", "aliases", "level", "part_of", "located_in", "member_of", "role", "adcode")
_PREFIX = {"pairing": "p", "donation": "d", "secondment": "s"}
REVIEWED_HEADER = "# Reviewed with `graphkit review` against {file}; spans are [start, end) offsets into its text.\n"
CURATED_BLOCK = "\n# --- Reviewed with `graphkit review` ({source})\n"


#: The share of a typed name's characters another name must contain to be suggested for it.
FUZZY_SHARE = 0.6


class ReviewError(ValueError):
    """A save refused: the message says why; `field` and `event` say where, for the form."""

    def __init__(self, message: str, field: str | None = None, event: int | None = None) -> None:
        super().__init__(message)
        self.field, self.event = field, event


class Conflict(ReviewError):
    """The source changed since the reviewer loaded it."""


class NotFound(LookupError):
    """No source with that id."""


@dataclass(frozen=True)
class Article:
    """An article's text as the reviewer reads it, and the map between its offsets and the dataset's."""

    doc: Document

    @property
    def text(self) -> str:
        return self.doc.plain or self.doc.text

    def shown(self, span: Sequence[int] | None) -> list[int] | None:
        """A dataset span ([start, end) in the decoded original) in the shown text."""
        if not span:
            return None
        offsets = self.doc.offsets[:-1]
        start = bisect.bisect_left(offsets, span[0])
        end = bisect.bisect_left(offsets, span[1])
        return [start, max(end, start + 1)] if start < len(self.text) else None

    def original(self, span: Sequence[int]) -> tuple[int, int]:
        """A span of the shown text as a dataset span."""
        start, end = int(span[0]), int(span[1])
        if not 0 <= start < end <= len(self.text):
            raise ReviewError(f"span [{start}, {end}] is outside the article ({len(self.text)} characters)", "span")
        return self.doc.span(start, end)


class Workspace:
    """The data/ folder being reviewed, the folders its articles are in, and where the graph is built."""

    def __init__(
        self, data_dir: Path, out_dir: Path, articles: Sequence[Path] = (), store: str | None = None,
        rebuild: bool = True,
    ) -> None:
        self.data_dir, self.out_dir = Path(data_dir), Path(out_dir)
        self.articles = tuple(Path(a) for a in articles)
        self.store, self.rebuild = store, rebuild
        self._stamp: tuple[tuple[str, int, int], ...] | None = None
        self._loaded: Dataset | None = None

    # --- reading -----------------------------------------------------------------------------

    def path(self, source_id: str) -> Path:
        path = self.data_dir / SOURCES / f"{source_id}.yaml"
        if "/" in source_id or "\\" in source_id or source_id.startswith(".") or not path.is_file():
            raise NotFound(f"no source {source_id!r} in {self.data_dir / SOURCES}")
        return path

    def dataset(self) -> Dataset:
        """data/ as it is now, read again only when one of its files changed: autocomplete asks on
        every keystroke, and reading every YAML file each time would be most of the answer's time."""
        try:
            files = [self.data_dir / REGISTER, self.data_dir / EXTRACTED_REGISTER, self.data_dir / JOURNAL,
                     *(self.data_dir / SOURCES).glob("*.yaml")]
            stamp = tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists()))
        except OSError:  # a file went away while being looked at: read everything again
            stamp = None
        if stamp is None or stamp != self._stamp or self._loaded is None:
            from graphkit.build import load_reusing  # the published build's records for unchanged files

            self._loaded, self._stamp = load_reusing(self.data_dir, self.out_dir), stamp
        return self._loaded

    def version(self, source_id: str) -> str:
        """The sha256 of the source's file: what a save must name to be accepted."""
        return hashlib.sha256(self.path(source_id).read_bytes()).hexdigest()

    def queue(self) -> list[dict[str, Any]]:
        """Every source, unreviewed first, with its status and number of events."""
        dataset = self.dataset()
        drafts = {p.stem for p in (self.data_dir / DRAFTS).glob("*.json")}
        rows = []
        for source in dataset.sources.values():
            status = REVIEWED if source.status != "extracted" else IN_REVIEW if source.id in drafts else EXTRACTED
            counts = {kind: sum(e.type == kind for e in source.events) for kind in _PREFIX}
            rows.append({
                "id": source.id, "title": source.title, "date": source.date, "status": status,
                "events": len(source.events), "counts": counts, "file": source.file,
            })
        order = {IN_REVIEW: 0, EXTRACTED: 1, REVIEWED: 2}
        return sorted(rows, key=lambda r: (order[r["status"]], r["id"]))

    def article(self, source: Source) -> Article:
        """The source's article from the article folders, checked against its sha256."""
        if not source.file:
            raise ReviewError(f"source {source.id} names no article file")
        path = find_article(source, self.articles)
        if path is not None:
            data = path.read_bytes()
            if source.sha256 and hashlib.sha256(data).hexdigest() != source.sha256:
                raise ReviewError(f"{path} is not the text {source.id} was extracted from (sha256 differs)")
            try:
                return Article(normalise(decode_bytes(data, str(path))))
            except ArticleError as exc:
                raise ReviewError(str(exc)) from None
        where = ", ".join(map(str, self.articles)) or "no folder given (--articles)"
        raise ReviewError(f"article {source.file} not found in {where}")

    def source(self, source_id: str) -> dict[str, Any]:
        """A source for the review screen: metadata, text, candidates and entities they name."""
        dataset = self.dataset()
        source = dataset.sources.get(source_id)
        if source is None:
            raise NotFound(f"no source {source_id!r}")
        version = self.version(source_id)
        article = self.article(source)
        evidence = _evidence(article) if source.status == "extracted" else {}
        events = []
        for event in source.events:
            record = _event_record(event)
            record["key"] = event.local_id
            record["span"] = article.shown(record.get("span"))
            found = evidence.get((event.type, (event.span.start, event.span.end) if event.span else None))
            record["rule"], record["confidence"] = found if found else (None, None)
            events.append(record)
        events.sort(key=lambda e: (e["span"] or [len(article.text)])[0])
        named = {n for e in source.events for n in (*e.helpers, *e.helped, *e.brokers, e.person) if n}
        return {
            "id": source.id, "title": source.title, "publisher": source.publisher, "date": source.date,
            "url": source.url, "file": source.file, "status": source.status, "version": version,
            "text": article.text, "events": events,
            "entities": {n: describe(dataset, n) for n in sorted(named) if n in dataset.entities},
            "draft": self.draft(source_id),
            "extractor": _extractor_check(source, dataset, article) if source.status == "reviewed" else None,
        }

    def entities(self, query: str, limit: int = 12) -> list[dict[str, Any]]:
        """Entities for autocomplete: name, alias or pinyin matches, exact before prefix before inside;
        then, for a name written another way (金坛工商联 for 金坛区总商会), the names that share most of
        its characters — a reviewer types the name as the article writes it."""
        dataset = self.dataset()
        key = name_key(query)
        latin = query.strip().lower().replace(" ", "")
        if not key and not latin:
            return []
        ranked: list[tuple[float, int, str]] = []
        for entity in dataset.entities.values():
            forms = [name_key(label) for label in entity.labels]
            rank: float = min((0 if f == key else 1 if f.startswith(key) else 2 if key in f else 9) for f in forms)
            if rank == 9 and latin.isascii():
                keys = pinyin_keys(list(entity.labels))
                rank = 3 if latin in keys else 4 if any(k.startswith(latin) for k in keys) else 9
            if rank == 9 and len(key) >= 3 and not latin.isascii():
                shared = max(_shared_characters(key, f) for f in forms)
                rank = 5 + (1 - shared) if shared >= FUZZY_SHARE else 9
            if rank < 9:
                ranked.append((rank, len(entity.name), entity.id))
        return [describe(dataset, i) for _, _, i in sorted(ranked)[:limit]]

    # --- drafts ------------------------------------------------------------------------------

    def draft(self, source_id: str) -> dict[str, Any] | None:
        path = self.data_dir / DRAFTS / f"{source_id}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
        except ValueError:
            return None  # a draft cut short is no draft

    def save_draft(self, source_id: str, draft: dict[str, Any]) -> None:
        """Keep the reviewer's work in progress (atomically: a kill leaves the old draft or the new)."""
        self.path(source_id)
        atomic_write(self.data_dir / DRAFTS / f"{source_id}.json", json.dumps(draft, ensure_ascii=False))

    def drop_draft(self, source_id: str) -> None:
        (self.data_dir / DRAFTS / f"{source_id}.json").unlink(missing_ok=True)

    # --- saving ------------------------------------------------------------------------------

    def save(self, source_id: str, submitted: dict[str, Any], version: str) -> dict[str, Any]:
        """Write the source as reviewed with the submitted events and new entities, then rebuild.

        Raises Conflict when the source changed since `version`, ReviewError (with the field) when
        the result would not load or validate; then nothing is written.
        """
        from graphkit.ingest import IngestError, checked_build, stage_data
        from graphkit.publish import write_together

        if self.version(source_id) != version:
            raise Conflict("this source changed since you opened it (saved elsewhere); reload to see that version")
        dataset = self.dataset()
        source = dataset.sources[source_id]
        article = self.article(source)
        new_entities = [_entity_from(item, position) for position, item in enumerate(submitted.get("entities") or [])]
        merges = _merges(dataset, submitted.get("merges") or [], {e["id"] for e in new_entities})
        events = _number([_merged(_event_dict(item, position, article), merges)
                          for position, item in enumerate(submitted.get("events") or [])])
        head = {key: source.__dict__[key] for key in ("id", "title", "publisher", "date", "url", "script", "file",
                                                      "sha256")}
        for key in ("title", "publisher", "date", "url"):
            if key in submitted:
                head[key] = (str(submitted[key]).strip() or None) if submitted[key] is not None else None
        record = {**head, "status": "reviewed", "events": events}
        writes = self._writes(dataset, source_id, record, new_entities, merges)
        with staging_folder(self.data_dir) as tmp:
            staged = stage_data(self.data_dir, writes, tmp)
            try:  # the other sources were checked when data/ was read: only their references are checked again
                load(staged, sources={i: s for i, s in dataset.sources.items() if i != source_id})
            except DataError as exc:
                raise _located(exc, events) from None
            try:
                with checked_build(staged, self.out_dir, self.rebuild, self.store) as build:
                    write_together(self.data_dir, writes)
                    if build is not None:
                        build.publish()
            except IngestError as exc:
                raise ReviewError(f"{exc}: {exc.details or ''}".strip()) from None
        self.drop_draft(source_id)
        return {"id": source_id, "events": len(events), "version": self.version(source_id),
                "entities": sorted(e["id"] for e in new_entities)}

    def _writes(
        self, dataset: Dataset, source_id: str, record: dict[str, Any], new_entities: list[dict[str, Any]],
        merges: dict[str, str] | None = None,
    ) -> list[tuple[Path, str]]:
        """The new source file, and the registers with the entities it uses moved to the curated one;
        an entity merged into another leaves its names there as aliases (when nothing else uses it)."""
        from graphkit.ingest import REGISTER_HEADER, named_in, referenced

        used = {n for e in record["events"] for k in ("from", "to", "brokers") for n in e.get(k, [])}
        used |= {e["person"] for e in record["events"] if e.get("person")}
        known = set(dataset.entities) | {e["id"] for e in new_entities}
        for position, event in enumerate(record["events"]):
            for field in ("from", "person", "to", "brokers"):
                names = event.get(field) or []
                for name in [names] if isinstance(names, str) else names:
                    if name not in known:
                        raise ReviewError(f"no entity {name!r}: choose one from the register or create it",
                                          field, position)
        moving: dict[str, Entity] = {}
        pending = [n for n in sorted(used) if n in dataset.entities]
        pending += [ref for e in new_entities for ref in (e.get("part_of"), e.get("located_in"), e.get("member_of"))
                    if ref and ref in dataset.entities]
        while pending:  # an entity moves with what contains it and the unit it belongs to
            entity = dataset.entities[pending.pop()]
            if entity.status == "extracted" and entity.id not in moving:
                moving[entity.id] = entity
                pending += [r for r in (entity.part_of, entity.located_in, entity.member_of) if r in dataset.entities]
        text = REVIEWED_HEADER.format(file=record.get("file") or "its article") + yaml.dump(
            record, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120
        )
        writes = [(self.data_dir / SOURCES / f"{source_id}.yaml", text)]
        # a submitted entity with the id of an unreviewed one corrects it (a canonical name, more
        # aliases, its type or place) as it moves; curated entities are edited in data/entities.yaml
        updates = {e["id"]: e for e in new_entities if e["id"] in dataset.entities}
        for entity_id in updates:
            if dataset.entities[entity_id].status != "extracted":
                raise ReviewError(f"{entity_id!r} is a curated entity: edit it in data/entities.yaml", "id")
            if entity_id not in moving:
                moving[entity_id] = dataset.entities[entity_id]
        curated = []
        for entity in sorted(moving.values(), key=lambda e: e.id):
            item = entity_dict(entity)
            update = updates.get(entity.id, {})
            aliases = list(dict.fromkeys([*item.get("aliases", []), *update.get("aliases", [])]))
            item.update({k: v for k, v in update.items() if k not in ("id", "aliases")})
            if aliases:
                item["aliases"] = [a for a in aliases if a not in (entity.id, item.get("name"))]
            curated.append(item)
        curated += [e for e in new_entities if e["id"] not in updates]
        original = (self.data_dir / REGISTER).read_text(encoding="utf-8")
        register = original
        # what the other sources name, directly or through what contains it (ingest's rule)
        elsewhere = referenced(named_in(s for s in dataset.sources.values() if s.id != source_id), dataset.entities)
        for gone, into in (merges or {}).items():
            if gone in elsewhere:
                continue  # another source still names it: it stays an entity of its own
            names = [n for n in dataset.entities[gone].labels if n not in _labels(dataset, into)]
            target = next((c for c in curated if c["id"] == into), None)
            if target is not None:
                target["aliases"] = list(dict.fromkeys([*target.get("aliases", []), *names]))
            elif into in dataset.entities and dataset.entities[into].status != "extracted":
                register = _with_aliases(register, into, names)
        if curated:
            block = yaml.dump(curated, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)
            register = register.rstrip("\n") + "\n" + CURATED_BLOCK.format(source=source_id) + block
        if register != original:
            writes.append((self.data_dir / REGISTER, register))
        extracted = [e for e in dataset.entities.values() if e.status == "extracted"]
        # an extracted entity nothing refers to any more leaves the register
        still = elsewhere | used | {r for e in new_entities for r in (
            e.get("part_of"), e.get("located_in"), e.get("member_of")) if r}
        rest = [e for e in extracted if e.id not in moving and e.id in still]
        if len(rest) != len(extracted):
            writes.append((self.data_dir / EXTRACTED_REGISTER, REGISTER_HEADER + entities_to_yaml(rest)))
        return writes


def _shared_characters(typed: str, name: str) -> float:
    """The share of `typed`'s characters (counted with repeats) that `name` also has.

    >>> round(_shared_characters("金坛工商联", "金坛区总商会"), 2)
    0.6
    """
    rest = list(name)
    found = 0
    for char in typed:
        if char in rest:
            rest.remove(char)
            found += 1
    return found / len(typed) if typed else 0.0


def describe(dataset: Dataset, entity_id: str) -> dict[str, Any]:
    """An entity as autocomplete shows it: enough to tell two 中心小学 apart."""
    entity = dataset.entities[entity_id]
    chain = containment.chain(entity_id, lambda i: dataset.entities[i].container if i in dataset.entities else None)
    return {
        "id": entity.id, "name": entity.name, "aliases": list(entity.aliases), "type": entity.type,
        "kind": vocabulary.label(entity.type, "zh", entity.level), "status": entity.status,
        "place": " › ".join(dataset.entities[c].name for c in reversed(chain) if c in dataset.entities),
    }


def _evidence(article: Article) -> dict[tuple[str, tuple[int, int] | None], tuple[str, float]]:
    """(type, span) -> (rule, confidence) of every candidate the extractor finds in the article."""
    from graphkit.extract.pipeline import extract_document

    record = extract_document(article.doc, "review", min_confidence=0.0)
    found: dict[tuple[str, tuple[int, int] | None], tuple[str, float]] = {}
    for relation in record["relations"]:
        span = (int(relation["span"][0]), int(relation["span"][1])) if relation.get("span") else None
        found.setdefault((relation["type"], span), (relation.get("rule"), relation.get("confidence")))
    return found


def _extractor_check(source: Source, dataset: Dataset, article: Article) -> dict[str, Any]:
    """What the current extractor makes of a reviewed source's article, scored as `graphkit eval
    --reviewed` scores it: the reviewed events it misses (by key) and the candidates it finds that no
    reviewed event states (with rule and span), so a reviewer sees where extraction fails."""
    from graphkit.extract.evaluate import GoldIndex, match
    from graphkit.extract.pipeline import extract_document
    from graphkit.review.gold import event_relations, source_as_gold

    predicted = extract_document(article.doc, source.id, min_confidence=0.0)["relations"]
    gold = source_as_gold(source, dataset)
    owner = [event.local_id for event in source.events for _ in event_relations(event, dataset)]
    pairs = match(gold["relations"], predicted, GoldIndex(gold))
    found = {owner[g] for g in pairs}
    matched = set(pairs.values())
    wrong = [{"type": r["type"], "from": r.get("from"), "person": r.get("person"), "to": r.get("to"),
              "amount": r.get("amount_cny"), "rule": r.get("rule"), "confidence": r.get("confidence"),
              "span": article.shown(r.get("span"))}
             for i, r in enumerate(predicted) if i not in matched]
    return {"missed": [e.local_id for e in source.events if e.local_id not in found], "wrong": wrong,
            "predicted": len(predicted)}


def _event_record(event: Any) -> dict[str, Any]:
    record = event_dict(event)
    for key in ("from", "to", "brokers"):
        record.setdefault(key, [])
    record.pop("id", None)
    if record.get("span") is not None:
        record["span"] = list(record["span"])
    return record


def _event_dict(item: dict[str, Any], position: int, article: Article) -> dict[str, Any]:
    """A submitted event in the dataset's layout; the loader checks it afterwards."""
    if not isinstance(item, dict):
        raise ReviewError("an event must be an object", event=position)
    unknown = sorted(set(item) - set(EVENT_FIELDS) - {"key", "rule", "confidence", "decision", "id"})
    if unknown:
        raise ReviewError(f"unknown field {unknown[0]!r}", unknown[0], position)
    out: dict[str, Any] = {}
    for field in EVENT_FIELDS:
        value = item.get(field)
        if value in (None, "", []) or (field in ("approximate", "planned") and value is False):
            continue
        if field == "span":
            try:
                out["span"] = article.original(value)
            except ReviewError as exc:
                raise ReviewError(str(exc), "span", position) from None
        elif field in ("from", "to", "brokers"):
            out[field] = [str(v).strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip()]
        else:
            out[field] = value.strip() if isinstance(value, str) else value
    return out


def _merges(dataset: Dataset, items: list[Any], new: set[str]) -> dict[str, str]:
    """Submitted merges ({"from": extracted id, "into": id}) as a map, checked."""
    merges: dict[str, str] = {}
    for item in items:
        gone, into = (str(item.get(k) or "") for k in ("from", "into")) if isinstance(item, dict) else ("", "")
        if gone not in dataset.entities or dataset.entities[gone].status != "extracted":
            raise ReviewError(f"only an unreviewed entity can be merged into another, not {gone!r}", "merge")
        if into == gone or (into not in dataset.entities and into not in new):
            raise ReviewError(f"no entity {into!r} to merge {gone!r} into", "merge")
        merges[gone] = into
    return merges


def _merged(event: dict[str, Any], merges: dict[str, str]) -> dict[str, Any]:
    """The event naming each merged entity by the one it was merged into."""
    if not merges:
        return event
    out = dict(event)
    for field in ("from", "to", "brokers"):
        if field in out:
            out[field] = list(dict.fromkeys(merges.get(n, n) for n in out[field]))
    if out.get("person") in merges:
        out["person"] = merges[out["person"]]
    return out


def _labels(dataset: Dataset, entity_id: str) -> tuple[str, ...]:
    entity = dataset.entities.get(entity_id)
    return (entity_id, *entity.labels) if entity else (entity_id,)


def _with_aliases(register: str, entity_id: str, names: Sequence[str]) -> str:
    """The register text with `names` added to one entity's aliases, the rest of the file untouched
    (its comments and layout are the curators')."""
    if not names:
        return register
    lines = register.split("\n")
    start = next((i for i, line in enumerate(lines) if line in (f"- id: {entity_id}", f"- id: '{entity_id}'")), None)
    if start is None:
        raise ReviewError(f"cannot find {entity_id!r} in {REGISTER}", "merge")
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    quoted = [f"  - {json.dumps(n, ensure_ascii=False)}" for n in names]
    at = next((i for i in range(start + 1, end) if lines[i] == "  aliases:"), None)
    if at is None:
        lines[end:end] = ["  aliases:", *quoted]
    else:
        last = at + 1
        while last < end and lines[last].startswith("  - "):
            last += 1
        lines[last:last] = quoted
    return "\n".join(lines)


def _number(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events with ids p1, d1, s1 … in the order the review lists them (the article's order)."""
    counters = dict.fromkeys(_PREFIX, 0)
    numbered = []
    for event in events:
        kind = str(event.get("type"))
        counters[kind] = counters.get(kind, 0) + 1
        numbered.append({"id": f"{_PREFIX.get(kind, 'e')}{counters[kind]}", **event})
    return numbered


def _entity_from(item: dict[str, Any], position: int) -> dict[str, Any]:
    """A new entity created in the form, in the register's layout."""
    if not isinstance(item, dict) or not str(item.get("id") or item.get("name") or "").strip():
        raise ReviewError("a new entity needs a name", "name")
    out: dict[str, Any] = {}
    for field in ENTITY_FIELDS:
        value = item.get(field)
        if value in (None, "", []):
            continue
        out[field] = [str(v) for v in value] if isinstance(value, list) else str(value).strip()
    out.setdefault("id", out.get("name"))
    if out.get("name") == out["id"]:
        out.pop("name")
    return {"id": out.pop("id"), **out}


def _located(exc: DataError, events: Iterable[dict[str, Any]]) -> ReviewError:
    """A loader error as a form error: the message, the field and, when it is about an event, which."""
    listed = list(events)
    position = None
    if exc.line is not None and exc.path.endswith(".yaml") and "/sources/" in exc.path.replace("\\", "/"):
        text = Path(exc.path).read_text(encoding="utf-8").splitlines()
        starts = [i + 1 for i, line in enumerate(text) if line.startswith("- id: ")]
        position = max((n for n, start in enumerate(starts) if start <= exc.line), default=None)
        if position is not None and position >= len(listed):
            position = None
    return ReviewError(exc.message, exc.field, position)
