"""Entity linking for ingest: which entity a name in an extracted article denotes.

Curated records always win: a name equal (after t2s and space removal) to the id, name or alias of a
curated entity, or a region with the same administrative code, links to that entity, which is never
modified. Otherwise an extracted entity of the same name and type is reused, else a new one is
added, with the gazetteer chain of a region up to its province so that roll-ups work; two entities
of one name are told apart by the place they belong to (`Register.related`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from graphkit import containment, gazetteer, vocabulary
from graphkit.model import (
    ENTITY_TYPES,
    REGION_LEVELS,
    Dataset,
    Entity,
)
from graphkit.names import name_key

if TYPE_CHECKING:
    pass


# Region level by the name's ending, for places below the gazetteer (towns, villages); first match wins.
LEVEL_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("街道", "township"), ("社区", "village"), ("自治区", "province"), ("地区", "prefecture"),
    ("镇", "township"), ("乡", "township"), ("村", "village"), ("组", "village"),
    ("县", "county"), ("旗", "county"), ("区", "district"), ("市", "prefecture"), ("州", "prefecture"),
    ("盟", "prefecture"), ("省", "province"),
)
# A curated alias that starts with a bare level word (县司法局, 区教育局) only means something in its article.
_BARE_LEVEL = re.compile(r"^[省市州县区镇乡村]")

def level_by_suffix(name: str) -> str | None:
    """A region's level guessed from the end of its name (镇 → township, 村 → village, ...)."""
    return next((level for suffix, level in LEVEL_SUFFIXES if name.endswith(suffix)), None)


def register_order(entity: Entity) -> tuple:
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
        entities = [e for e in record.get("entities") or [] if isinstance(e, dict) and clean_text(e.get("name"))]
        for entity in entities:  # names first, then aliases, so a name is never shadowed
            self.records.setdefault(name_key(entity["name"]), entity)
        for entity in entities:
            for alias in names_in(entity.get("aliases")):
                self.records.setdefault(name_key(alias), entity)
        self.date = clean_text((record.get("source") or {}).get("date"))  # what a place's name meant then
        self.context = self._context(e for e in entities if e.get("type") == "Region")
        self._resolved: dict[str, str | None] = {}
        self._busy: set[str] = set()

    @staticmethod
    def _context(regions: Iterable[dict]) -> frozenset[gazetteer.Division]:
        """Divisions the article surely names (unambiguous names), with their parents."""
        found: set[gazetteer.Division] = set()
        for entity in regions:
            for name in (entity["name"], clean_text(entity.get("part_of"))):
                candidates = gazetteer.candidates(name) if name else ()
                if len(candidates) == 1:
                    found.add(candidates[0])
                    found.update(gazetteer.parents(candidates[0]))
        return frozenset(found)

    def division(self, entity: dict) -> gazetteer.Division | None:
        """The gazetteer division a region record denotes, if it is one (county level and up)."""
        name = clean_text(entity.get("name"))
        if name is None or entity.get("level") in ("township", "village") or not gazetteer.candidates(name, self.date):
            return None
        hint = set(self.context)
        parent = clean_text(entity.get("part_of"))
        hint.update(gazetteer.candidates(parent, self.date) if parent else ())
        return gazetteer.lookup(name, hint, self.date)

    def resolve(self, name: Any) -> str | None:
        """The register id for a name used in a relation, or None when it cannot be resolved."""
        name = clean_text(name)
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
        names = (name, *names_in(record.get("aliases")))
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
            aliases=aliases_for(names, name, kind),
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
            aliases=aliases_for(extra_names, division.name, "Region"),
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
        changes: dict[str, Any] = {"aliases": aliases_for((*entity.aliases, *names), entity.name, entity.type)}
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
            fields["role"] = clean_text(record.get("role"))
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


def clean_text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def names_in(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [name for item in items if (name := clean_text(item))]


def aliases_for(names: Iterable[str], canonical: str, kind: str) -> tuple[str, ...]:
    """Distinct names other than the canonical one, sorted (so the output does not depend on order).

    An organisation's two-character ending (医院, 集团, 公司) names nothing by itself and is dropped.
    """
    generic = kind != "Region"
    return tuple(sorted({
        n for n in names if n and n != canonical and not (generic and len(n) <= 2 and canonical.endswith(n))
    }))
