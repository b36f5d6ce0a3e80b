"""`graphkit ingest`: extract articles into the dataset as records nobody has reviewed yet, then rebuild.

Each article becomes `data/sources/<file stem>.yaml` with `status: extracted`; the entities it introduces
go to a second register, `data/extracted/entities.yaml`. Curated records always win:

- an article whose source file is already `status: reviewed` is left alone ("curated version kept");
- a name that equals (after t2s and space removal) the id, name or alias of a curated entity, or a
  region with the same administrative code, links to that entity, which is never modified;
- otherwise an extracted entity with the same name and type is reused, else a new one is added, with
  the gazetteer chain of a region up to its province so that roll-ups work.

Everything is deterministic, so ingesting the same article twice writes the same bytes (and then
writes nothing). All new file contents are computed first and checked in a staged copy of data/
(loaded, SHACL-validated and, unless `--no-build`, built into out/); only then are they written, each
atomically, so a failure leaves data/ as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import containment, gazetteer, vocabulary
from graphkit.dataset import (
    DATE_RE,
    EXTRACTED_REGISTER,
    DataError,
    entities_to_yaml,
    load,
    source_to_yaml,
)
from graphkit.extract.confidence import DEFAULT_MIN_CONFIDENCE
from graphkit.extract.normalise import ArticleError
from graphkit.extract.pipeline import MAX_BYTES, Batch
from graphkit.model import (
    AMOUNT_PERIODS,
    ENTITY_TYPES,
    EVENT_TYPES,
    REGION_LEVELS,
    Amount,
    Dataset,
    Entity,
    Event,
    Source,
    Span,
)
from graphkit.names import name_key
from graphkit.ontology import mode_index
from graphkit.publish import write_together

if TYPE_CHECKING:
    from graphkit.build import StagedBuild
from graphkit.cli.common import (
    with_progress,
)

ADDED, UPDATED, UNCHANGED, KEPT, FAILED = "added", "updated", "unchanged", "kept-curated", "failed"

SOURCE_HEADER = (
    "# Extracted by `graphkit ingest` from {file}; NOT REVIEWED. Check every event against the article\n"
    "# text at its span ([start, end) character offsets), fix it, then set `status: reviewed` (docs/ingest.md).\n"
)
REGISTER_HEADER = (
    "# Entities added by `graphkit ingest` (status: extracted), managed by it: unreferenced ones are removed.\n"
    "# To review one, move it into data/entities.yaml and delete it here (docs/ingest.md).\n"
)
# Region level by the name's ending, for places below the gazetteer (towns, villages); first match wins.
LEVEL_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("街道", "township"), ("社区", "village"), ("自治区", "province"), ("地区", "prefecture"),
    ("镇", "township"), ("乡", "township"), ("村", "village"), ("组", "village"),
    ("县", "county"), ("旗", "county"), ("区", "district"), ("市", "prefecture"), ("州", "prefecture"),
    ("盟", "prefecture"), ("省", "province"),
)
# A curated alias that starts with a bare level word (县司法局, 区教育局) only means something in its article.
_BARE_LEVEL = re.compile(r"^[省市州县区镇乡村]")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_EVENT_PREFIX = {"pairing": "p", "donation": "d", "secondment": "s"}


class IngestError(RuntimeError):
    """The batch could not be added; data/ is untouched."""

    def __init__(self, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.details = details


@dataclass
class FileReport:
    """What happened to one article file."""

    path: Path
    status: str
    source_id: str | None = None
    events: Counter[str] = field(default_factory=Counter)
    new_entities: list[str] = field(default_factory=list)
    skipped_relations: int = 0
    message: str | None = None


@dataclass
class IngestReport:
    """The outcome of a batch: one report per file, the files written and the build (if any)."""

    files: list[FileReport]
    written: list[Path] = field(default_factory=list)
    build: Any = None

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == FAILED]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@lru_cache(maxsize=65536)
def level_by_suffix(name: str) -> str | None:
    """A region's level guessed from the end of its name (镇 → township, 村 → village, ...)."""
    return next((level for suffix, level in LEVEL_SUFFIXES if name.endswith(suffix)), None)


def _register_order(entity: Entity) -> tuple:
    """Regions first, from provinces down (by code), then the other types; ties by id."""
    level = REGION_LEVELS.index(entity.level) if entity.level in REGION_LEVELS else 0
    return (ENTITY_TYPES.index(entity.type), level, entity.adcode or "", entity.id)


class Register:
    """Both registers, with the lookups that decide whether a name is a known entity."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.curated = {i: e for i, e in dataset.entities.items() if e.status != "extracted"}
        self.extracted = {i: e for i, e in dataset.entities.items() if e.status == "extracted"}
        self.creator: dict[str, str] = {}  # entity id -> source id of the article that added it in this run
        self._curated_keys: dict[str, str] = {}
        self._curated_codes: dict[str, str] = {}
        for entity in self.curated.values():
            for label in (entity.id, entity.name):
                self._curated_keys.setdefault(name_key(label), entity.id)
        for entity in self.curated.values():  # aliases after every id and name: those win
            for alias in entity.aliases:
                if not _BARE_LEVEL.match(alias):
                    self._curated_keys.setdefault(name_key(alias), entity.id)
            if entity.type == "Region" and entity.adcode:
                self._curated_codes.setdefault(entity.adcode[:6], entity.id)
        self._extracted_keys: dict[tuple[str, str], list[str]] = {}
        self._extracted_codes: dict[str, str] = {}
        for entity in self.extracted.values():
            self._index(entity)

    def _index(self, entity: Entity) -> None:
        for label in dict.fromkeys((entity.name, entity.id)):
            bucket = self._extracted_keys.setdefault((name_key(label), entity.type), [])
            if entity.id not in bucket:
                bucket.append(entity.id)
        if entity.type == "Region" and entity.adcode:
            self._extracted_codes.setdefault(entity.adcode[:6], entity.id)

    def entity(self, entity_id: str) -> Entity:
        return self.curated.get(entity_id) or self.extracted[entity_id]

    def taken(self, entity_id: str) -> bool:
        return entity_id in self.curated or entity_id in self.extracted

    def ancestors(self, entity_id: str) -> list[str]:
        """Everything containing an entity, over both registers as they are now."""
        return containment.chain(entity_id, self._container)

    def _container(self, entity_id: str) -> str | None:
        entity = self.curated.get(entity_id) or self.extracted.get(entity_id)
        return entity.container if entity is not None else None

    def related(self, a: str | None, b: str | None) -> bool:
        """Whether two anchors (parent region or unit) may denote the same place: unknown, equal or nested."""
        return a is None or b is None or a == b or a in self.ancestors(b) or b in self.ancestors(a)

    def _direct(self, key: str, kind: str | None) -> list[str]:
        """Entities named exactly `key`: the curated one (any type), then extracted ones of type `kind`."""
        found = [self._curated_keys[key]] if key in self._curated_keys else []
        return found + (self._extracted_keys.get((key, kind), []) if kind else [])

    def curated_exact(self, name: str) -> str | None:
        """The curated entity with this id, name or alias."""
        return self._curated_keys.get(name_key(name))

    def curated_match(self, name: str) -> str | None:
        """The curated entity a name denotes: by id, name or alias, or as `contained_match` finds it."""
        found = self._curated_keys.get(name_key(name))
        if found is None:
            found = self.contained_match(name, None)
        return found

    def contained_match(self, name: str, kind: str | None, depth: int = 2) -> str | None:
        """An entity named like this one without its leading region names, and lying in those regions:
        黑水县知木林镇高山幼儿园 → 知木林镇高山幼儿园 (in 黑水县). Curated entities of any type; extracted
        ones of type `kind` (none when `kind` is None)."""
        key = name_key(name)
        for cut in range(len(key) - 2, 1, -1):
            regions = [r for r in self._direct(key[:cut], "Region") if self.entity(r).type == "Region"]
            if not regions:
                continue
            rest = key[cut:]
            inner = self._direct(rest, kind)
            if depth > 1 and (deeper := self.contained_match(rest, kind, depth - 1)):
                inner.append(deeper)
            for candidate in inner:
                if any(region in self.ancestors(candidate) for region in regions):
                    return candidate
        return None

    def curated_region(self, division: gazetteer.Division) -> str | None:
        """The curated region with this division's code, or with its name and no conflicting code."""
        found = self._curated_codes.get(division.code6)
        if found is None:
            candidate = self._curated_keys.get(name_key(division.name))
            entity = self.curated.get(candidate or "")
            if entity is not None and entity.type == "Region" and entity.adcode in (None, division.code6):
                found = entity.id
        return found

    def extracted_region(self, division: gazetteer.Division) -> str | None:
        """The extracted region with this division's code, or with its name and no code."""
        found = self._extracted_codes.get(division.code6)
        if found is None:
            ids = self._extracted_keys.get((name_key(division.name), "Region"), [])
            found = next((i for i in ids if self.extracted[i].adcode is None), None)
        return found

    def extracted_match(self, name: str, kind: str, anchor: str | None) -> str | None:
        """An extracted entity of this type and name whose anchor (parent, region or unit) agrees."""
        for entity_id in self._extracted_keys.get((name_key(name), kind), ()):
            if self.related(anchor, _anchor(self.extracted[entity_id])):
                return entity_id
        return None

    def add(self, entity: Entity, source_id: str) -> None:
        self.extracted[entity.id] = entity
        self.creator.setdefault(entity.id, source_id)
        self._index(entity)

    def update(self, entity: Entity) -> None:
        self.extracted[entity.id] = entity

    def free_id(self, name: str, kind: str, qualifiers: Iterable[str] = ()) -> str:
        """The name itself, else 名称（上级）, 名称（类型）, else numbered."""
        options = [name, *(f"{name}（{q}）" for q in qualifiers), f"{name}（{vocabulary.entity_type(kind).zh}）"]
        for option in options:
            if not self.taken(option):
                return option
        number = 2
        while self.taken(f"{name}（{vocabulary.entity_type(kind).zh}{number}）"):
            number += 1
        return f"{name}（{vocabulary.entity_type(kind).zh}{number}）"


def _anchor(entity: Entity) -> str | None:
    """What places an entity: its parent region or organisation, its region, its unit."""
    return entity.part_of or entity.located_in or entity.member_of


class ArticleEntities:
    """Resolves the names of one extracted article to register ids, adding entities as needed."""

    def __init__(self, register: Register, record: dict, source_id: str) -> None:
        self.register = register
        self.source_id = source_id
        self.records: dict[str, dict] = {}
        entities = [e for e in record.get("entities") or [] if isinstance(e, dict) and _text(e.get("name"))]
        for entity in entities:  # names first, then aliases, so a name is never shadowed
            self.records.setdefault(name_key(entity["name"]), entity)
        for entity in entities:
            for alias in _names(entity.get("aliases")):
                self.records.setdefault(name_key(alias), entity)
        self.context = self._context(e for e in entities if e.get("type") == "Region")
        self._resolved: dict[str, str | None] = {}
        self._busy: set[str] = set()

    @staticmethod
    def _context(regions: Iterable[dict]) -> frozenset[gazetteer.Division]:
        """Divisions the article surely names (unambiguous names), with their parents."""
        found: set[gazetteer.Division] = set()
        for entity in regions:
            for name in (entity["name"], _text(entity.get("part_of"))):
                candidates = gazetteer.candidates(name) if name else ()
                if len(candidates) == 1:
                    found.add(candidates[0])
                    found.update(gazetteer.parents(candidates[0]))
        return frozenset(found)

    def division(self, entity: dict) -> gazetteer.Division | None:
        """The gazetteer division a region record denotes, if it is one (county level and up)."""
        name = _text(entity.get("name"))
        if name is None or entity.get("level") in ("township", "village") or not gazetteer.candidates(name):
            return None
        hint = set(self.context)
        parent = _text(entity.get("part_of"))
        hint.update(gazetteer.candidates(parent) if parent else ())
        return gazetteer.lookup(name, hint)

    def resolve(self, name: Any) -> str | None:
        """The register id for a name used in a relation, or None when it cannot be resolved."""
        name = _text(name)
        if name is None:
            return None
        key = name_key(name)
        if key in self._resolved:
            return self._resolved[key]
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            record = self.records.get(key)
            found = self.register.curated_match(name) if record is None else self._resolve_record(record)
        finally:
            self._busy.discard(key)
        self._resolved[key] = found
        return found

    def _resolve_record(self, record: dict) -> str | None:
        name, kind = record["name"], record.get("type")
        names = (name, *_names(record.get("aliases")))
        division = self.division(record) if kind == "Region" else None
        curated = self.register.curated_match(name)
        if curated is not None and division is not None:
            entity = self.register.curated[curated]
            if entity.type == "Region" and entity.adcode and entity.adcode[:6] != division.code6:
                curated = None  # the same name, another place (朝阳区 of 北京 and of 长春)
        if curated is None and division is not None:
            curated = self.register.curated_region(division)
        if curated is None:
            aliases = (a for a in names[1:] if len(name_key(a)) >= 2 and not _BARE_LEVEL.match(a))
            curated = next((found for a in aliases if (found := self.register.curated_exact(a))), None)
        if curated is not None:
            return curated
        if kind not in ENTITY_TYPES:
            return None
        if division is not None:
            return self.region(division, extra_names=names)
        fields = self._fields(record, kind)
        if fields is None:
            return None
        anchor = fields.get("part_of") or fields.get("located_in") or fields.get("member_of")
        existing = self.register.extracted_match(name, kind, anchor) or self.register.contained_match(name, kind)
        if existing is not None:
            return self._merge(existing, names, fields) if existing in self.register.extracted else existing
        qualifiers = [self.register.entity(anchor).name] if anchor else []
        entity = Entity(
            id=self.register.free_id(name, kind, qualifiers),
            type=kind,
            name=name,
            aliases=_aliases(names, name, kind),
            status="extracted",
            **fields,
        )
        self.register.add(entity, self.source_id)
        return entity.id

    def region(self, division: gazetteer.Division, extra_names: Iterable[str] = ()) -> str:
        """The entity of a gazetteer division: curated, else extracted, else added with its parent chain."""
        found = self.register.curated_region(division)
        if found is not None:
            return found
        existing = self.register.extracted_region(division)
        if existing is not None:
            return self._merge(existing, extra_names)
        up = gazetteer.parent(division)
        parent_id = self.region(up) if up is not None else None
        qualifiers = [p.name for p in gazetteer.parents(division)]
        entity = Entity(
            id=self.register.free_id(division.name, "Region", qualifiers),
            type="Region",
            name=division.name,
            aliases=_aliases(extra_names, division.name, "Region"),
            level=division.level,
            part_of=parent_id,
            adcode=division.code6,
            status="extracted",
        )
        self.register.add(entity, self.source_id)
        return entity.id

    def _merge(self, entity_id: str, names: Iterable[str], fields: dict[str, Any] | None = None) -> str:
        """Add this article's names to an extracted entity, and its place when the entity has none yet."""
        entity = self.register.extracted[entity_id]
        changes: dict[str, Any] = {"aliases": _aliases((*entity.aliases, *names), entity.name, entity.type)}
        fields = fields or {}
        if _anchor(entity) is None:
            for key in ("part_of", "located_in", "member_of"):
                target = fields.get(key)
                if target and target != entity_id and entity_id not in self.register.ancestors(target):
                    changes[key] = target
                    break
        if entity.role is None and fields.get("role"):
            changes["role"] = fields["role"]
        updated = replace(entity, **changes)
        if updated != entity:
            self.register.update(updated)
        return entity_id

    def _fields(self, record: dict, kind: str) -> dict[str, Any] | None:
        """The attributes of a new entity besides its names; None when a region has no level."""
        name = record["name"]
        fields: dict[str, Any] = {}
        if kind == "Region":
            level = record.get("level")
            fields["level"] = level if level in REGION_LEVELS else level_by_suffix(name)
            if fields["level"] is None:
                return None
            parent = self.resolve(record.get("part_of"))
            if parent is not None and self.register.entity(parent).type == "Region":
                fields["part_of"] = parent
        elif kind == "Person":
            fields["role"] = _text(record.get("role"))
            unit = self.resolve(record.get("affiliation"))
            if unit is not None:
                fields["located_in" if self.register.entity(unit).type == "Region" else "member_of"] = unit
        elif kind != "WorkTeam":  # a work team's name says who sends it, not where it is
            fields["located_in"] = self._home_region(name)
        return {key: value for key, value in fields.items() if value is not None}

    def _home_region(self, name: str) -> str | None:
        """The most specific region an organisation's name starts with, reading region after region:
        天津市河西区慈善协会 → 河西区 (of 天津市). A region counts if the article names it, or if it is a
        full gazetteer name, or lies within the region before it."""
        position, found, within = 0, None, None
        while len(name) - position > 2:
            step = self._region_at(name, position, within)
            if step is None:
                break
            position, found, division = step
            within = division or within
        return found

    def _region_at(
        self, name: str, start: int, within: gazetteer.Division | None
    ) -> tuple[int, str, gazetteer.Division | None] | None:
        for end in range(len(name) - 1, start + 1, -1):
            prefix = name[start:end]
            record = self.records.get(name_key(prefix))
            if record is not None and record.get("type") == "Region":
                found = self.resolve(record["name"])
                if found is not None and self.register.entity(found).type == "Region":
                    return end, found, self.division(record)
            candidates = gazetteer.candidates(prefix)
            if within is not None:
                inside = [d for d in candidates if gazetteer.contains(within, d) and d != within]
                division = gazetteer.lookup(prefix, [within]) if inside else None
            elif gazetteer.is_full_name(prefix) or set(candidates) & self.context:
                division = gazetteer.lookup(prefix, self.context)
            else:
                division = None
            if division is not None:
                return end, self.region(division), division
        return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [name for item in items if (name := _text(item))]


def _aliases(names: Iterable[str], canonical: str, kind: str) -> tuple[str, ...]:
    """Distinct names other than the canonical one, sorted (so the output does not depend on order).

    An organisation's two-character ending (医院, 集团, 公司) names nothing by itself and is dropped.
    """
    generic = kind != "Region"
    return tuple(sorted({
        n for n in names if n and n != canonical and not (generic and len(n) <= 2 and canonical.endswith(n))
    }))


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
        text=_text(relation.get("amount_text")),
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
                     role=_text(relation.get("role")))
    helper = names.resolve(relation.get("from"))
    if helper is None or helper == helped:
        return None
    if kind == "pairing":
        mode = _text(relation.get("mode"))
        known = mode is None or mode in mode_index()
        return Event(**common, helpers=(helper,), mode=mode if known else None,
                     note=None if known else f"mode as stated: {mode}")
    brokers = [b for name in _names(relation.get("facilitated_by")) if (b := names.resolve(name))]
    return Event(
        **common,
        helpers=(helper,),
        amount=_amount(relation),
        items=_text(relation.get("items")),
        quantity=_text(relation.get("quantity")),
        purpose=_text(relation.get("purpose")),
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
    date, url, script = _text(meta.get("date")), _text(meta.get("url")), meta.get("script")
    source = Source(
        id=source_id,
        title=_text(meta.get("title")),
        publisher=_text(meta.get("publisher")),
        date=date if date and _valid_date(date) else None,
        url=url if url and _URL.match(url) else None,
        script=script if script in ("simplified", "traditional", "mixed") else None,
        file=path.name,
        sha256=digest,
        status="extracted",
        events=tuple(events),
    )
    return source, skipped


def source_text(source: Source) -> str:
    """The file content of an extracted source: a header for the reviewer, then the records."""
    return SOURCE_HEADER.format(file=source.file) + source_to_yaml(source)


def register_text(entities: Iterable[Entity]) -> str:
    return REGISTER_HEADER + entities_to_yaml(sorted(entities, key=_register_order))


def _referenced(sources: Iterable[Source], entities: dict[str, Entity]) -> set[str]:
    """Every entity some event names, with everything those and the curated entities link to."""
    stack = [p for source in sources for event in source.events for p in event.parties]
    stack += [e.id for e in entities.values() if e.status != "extracted"]
    seen: set[str] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        entity = entities.get(current)
        if entity is not None:
            stack.extend(link for link in (entity.part_of, entity.located_in, entity.member_of) if link)
    return seen


def _expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The files, each once, in the given order."""
    seen: set[str] = set()
    for item in paths:
        path = Path(item)
        key = os.path.realpath(path)  # unlike Path.resolve, never raises (a symlink loop is read, and reported, later)
        if key not in seen:
            seen.add(key)
            yield path


@dataclass
class _Plan:
    """The new state of data/: file contents to write, in order."""

    writes: list[tuple[Path, str]]
    entities: set[str]  # the ids of the extracted register after the batch


def _plan(data_dir: Path, dataset: Dataset, register: Register, sources: dict[str, Source]) -> _Plan:
    """The file contents after the batch: changed sources and the pruned extracted register.

    When entities are removed, the register is first written with old and new entities together, so
    that data/ stays loadable at every step even if the process dies between two writes.
    """
    final_sources = {**dataset.sources, **sources}
    everything = {**register.curated, **register.extracted}
    keep = _referenced(final_sources.values(), everything)
    final = {i: e for i, e in register.extracted.items() if i in keep}
    old = {i: e for i, e in dataset.entities.items() if e.status == "extracted"}
    union = {**old, **final}
    path = data_dir / EXTRACTED_REGISTER
    before: list[tuple[Path, str]] = []
    after: list[tuple[Path, str]] = []
    if union != old:
        before.append((path, register_text(union.values())))
    if final != union:
        after.append((path, register_text(final.values())))
    middle = []
    for source_id, source in sources.items():
        target = data_dir / "sources" / f"{source_id}.yaml"
        text = source_text(source)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            middle.append((target, text))
    return _Plan(before + middle + after, set(final))


def _stage(data_dir: Path, writes: list[tuple[Path, str]], tmp: Path) -> Path:
    """A copy of data/ with the writes applied."""
    staged = tmp / "data"
    # contents only: a read-only data/ must not make its staged copy read-only too
    shutil.copytree(data_dir, staged, ignore=shutil.ignore_patterns(".*"), copy_function=shutil.copyfile)
    for folder in (staged, *(p for p in staged.rglob("*") if p.is_dir())):
        folder.chmod(0o755)
    for path, text in writes:
        target = staged / path.relative_to(data_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return staged


@contextmanager
def _checked(staged: Path, out_dir: Path, rebuild: bool, store: str | None) -> Iterator[StagedBuild | None]:
    """Load and validate the staged data; when asked, build out/ from it, staged but not yet published."""
    from graphkit.build import BuildError, staged_build
    from graphkit.build import region_coordinates as coordinates
    from graphkit.rdf_mapping import dataset_quads
    from graphkit.render import page_view
    from graphkit.validate import validate

    try:
        if rebuild:
            with staged_build(staged, out_dir, store=store, views=[page_view]) as build:
                yield build
            return
        validation = validate((s, p, o) for s, p, o, _ in dataset_quads(load(staged), coordinates))
        if not validation.conforms:
            raise BuildError("the graph does not conform to ontology/shapes.ttl", validation)
    except BuildError as exc:
        details = exc.validation.text if exc.validation is not None else None
        raise IngestError(f"nothing was added: {exc}", details) from None
    yield None


def ingest(
    files: Iterable[Path | str],
    data_dir: Path | str = "data",
    out_dir: Path | str = "out",
    rebuild: bool = True,
    store: str | None = None,
    progress: bool = False,
    max_bytes: int = MAX_BYTES,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> IngestReport:
    """Extract `files` into `data_dir` as unreviewed records and (unless `rebuild` is false) rebuild.

    Raises DataError when data/ is invalid to begin with, IngestError when the result would not
    validate; in both cases nothing is written.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    dataset = load(data_dir)
    register = Register(dataset)
    paths = list(_expand(files))
    reports: list[FileReport] = []
    sources: dict[str, Source] = {}
    by_id: dict[str, FileReport] = {}
    curated = {i for i, source in dataset.sources.items() if source.status != "extracted"}
    batch = Batch([p for p in paths if p.stem not in curated], max_bytes, min_confidence)
    for path in with_progress(paths, "ingesting", enabled=progress):
        reports.append(_ingest_one(path, dataset, register, sources, by_id, batch))
    with tempfile.TemporaryDirectory(prefix="graphkit-ingest-") as tmp:
        plan, staged = _settle(data_dir, dataset, register, sources, by_id, Path(tmp))
        # data/ changes as a whole (a journal), then out/ switches to the build made from it: a kill
        # leaves each folder old or new, and out/ is never newer than data/.
        with _checked(staged, out_dir, rebuild, store) as build:
            write_together(data_dir, plan.writes)
            result = build.publish() if build is not None else None
    _finish_reports(data_dir, dataset, register, sources, by_id, plan)
    return IngestReport(reports, list(dict.fromkeys(p for p, _ in plan.writes)), result)


def _ingest_one(
    path: Path, dataset: Dataset, register: Register, sources: dict[str, Source], by_id: dict[str, FileReport],
    batch: Batch,
) -> FileReport:
    source_id = path.stem
    if source_id in by_id:
        other = by_id[source_id].path
        return FileReport(path, FAILED, source_id, message=f"{path}: same id {source_id!r} as {other} in this batch")
    existing = dataset.sources.get(source_id)
    if existing is not None and existing.status != "extracted":
        report = FileReport(path, KEPT, source_id, message="curated version kept")
        by_id[source_id] = report
        return report
    try:
        record, data = batch.extract(path)
    except ArticleError as exc:
        return FileReport(path, FAILED, source_id, message=str(exc))
    except Exception as exc:  # an extractor bug on one article must not stop the batch
        return FileReport(path, FAILED, source_id, message=f"{path}: extraction failed ({type(exc).__name__}: {exc})")
    try:
        source, skipped = record_to_source(record, register, path, hashlib.sha256(data).hexdigest())
    except Exception as exc:  # the same for a bug in turning the record into events
        return FileReport(path, FAILED, source_id, message=f"{path}: not added ({type(exc).__name__}: {exc})")
    sources[source_id] = source
    report = FileReport(path, ADDED, source_id, skipped_relations=skipped)
    by_id[source_id] = report
    return report


def _settle(
    data_dir: Path, dataset: Dataset, register: Register, sources: dict[str, Source], by_id: dict[str, FileReport],
    tmp: Path,
) -> tuple[_Plan, Path]:
    """Plan the writes and stage them in `tmp`; returns the plan and the staged data folder.

    A new source file that would not load is dropped (and reported as failed) and the rest planned again.
    """
    for attempt in itertools.count():
        plan = _plan(data_dir, dataset, register, sources)
        staged = _stage(data_dir, plan.writes, tmp / f"attempt-{attempt}")
        try:
            load(staged)
            return plan, staged
        except DataError as exc:
            culprit = Path(exc.path)
            source_id = culprit.stem if culprit.parent == staged / "sources" else None
            message = str(exc).replace(str(staged), str(data_dir))
            if source_id not in sources:
                raise IngestError(f"nothing was added: the result would not load: {message}") from None
            del sources[source_id]
            report = by_id[source_id]
            report.status, report.message = FAILED, f"{report.path}: not added: {message}"
            shutil.rmtree(staged, ignore_errors=True)
    raise AssertionError("unreachable")


def _finish_reports(
    data_dir: Path, dataset: Dataset, register: Register, sources: dict[str, Source],
    by_id: dict[str, FileReport], plan: _Plan,
) -> None:
    written = {p for p, _ in plan.writes}
    for source_id, source in sources.items():
        report = by_id[source_id]
        path = data_dir / "sources" / f"{source_id}.yaml"
        if path not in written:
            report.status = UNCHANGED
        else:
            report.status = UPDATED if source_id in dataset.sources else ADDED
            report.events = Counter(event.type for event in source.events)
        report.new_entities = sorted(
            i for i, creator in register.creator.items()
            if creator == source_id and i in plan.entities and i not in dataset.entities
        )
