"""Choose one canonical name per party and collect the other forms as aliases.

Rules, all driven by the article itself and the gazetteer:
- a region short form becomes its full name (彭州 → 彭州市);
- an organisation that starts with a short form takes the full form when the article also uses it
  (彭州综合执法局 → 彭州市综合执法局);
- an organisation that starts with a bare level word takes the article's home region of that level
  (县司法局 → 黑水县司法局, 省民政厅 → 四川省民政厅);
- a shorter organisation name that ends another one is an alias of it (博爱义工协会);
- X(Y) makes Y an alias of X (成都市第二人民医院(成都仁济医院));
- an abbreviation the entity finder tied to a full name is an alias of it (国投).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from graphkit import gazetteer
from graphkit.extract import lexicon
from graphkit.extract.entities import Mention

_LEVEL_CHARS = {"县": "county", "区": "district", "市": "city", "省": "province", "州": "prefecture"}


@dataclass
class Entity:
    """A party with its canonical name, aliases and schema attributes."""

    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    level: str | None = None
    part_of: str | None = None
    role: str | None = None
    affiliation: str | None = None
    count: int = 0

    def to_json(self) -> dict:
        """The SCHEMA.md entity object."""
        out: dict = {"name": self.name, "aliases": sorted(a for a in self.aliases if a != self.name),
                     "type": self.type}
        if self.type == "Region":
            out["level"] = self.level
            if self.part_of:
                out["part_of"] = self.part_of
        if self.type == "Person":
            out["role"] = self.role
            if self.affiliation:
                out["affiliation"] = self.affiliation
        return out


def home_regions(mentions: list[Mention]) -> dict[str, str]:
    """The article's most mentioned region per level word (县, 区, 市, 省, 州)."""
    counts: Counter[gazetteer.Division] = Counter(m.division for m in mentions if m.division is not None)
    homes: dict[str, str] = {}
    for char in _LEVEL_CHARS:
        best = [(n, d) for d, n in counts.most_common() if (d.name.endswith(char) and d.level != "province") or
                (char == "省" and d.level == "province")]
        if best:
            homes[char] = best[0][1].name
    if "省" not in homes:
        provinces: Counter[str] = Counter()
        for d, n in counts.items():
            for p in gazetteer.parents(d):
                if p.level == "province":
                    provinces[p.name] += n
        if provinces:
            homes["省"] = provinces.most_common(1)[0][0]
    return homes


def _subsequence(short: str, long_: str) -> bool:
    """Whether the characters of `short` occur in `long_` in order."""
    it = iter(long_)
    return all(c in it for c in short)


class Canon:
    """Maps surface names to canonical entities for one article."""

    def __init__(self, mentions: list[Mention], text: str) -> None:
        self.text = text
        self.in_text = cache(text.__contains__)  # each name is looked for once: linear in the article's size
        self.homes = home_regions(self._all_regions(mentions))
        self.surfaces = {m.name for m in mentions}
        self.entities: dict[str, Entity] = {}
        self.alias_of: dict[str, str] = {}
        self.mentions = mentions
        for m in mentions:
            self._add(m)
        for m in mentions:
            for region in m.inner:
                if region.name not in self.alias_of:
                    self.alias_of[region.name] = self.canonical_name(region)
        self._merge_abbreviations()
        self._merge_suffix_aliases()
        self._merge_parentheses()
        self._merge_team_forms()
        self._merge_company_forms()

    def _merge_abbreviations(self) -> None:
        """国投 is 国家开发投资公司 where the entity finder read it as that name's abbreviation."""
        for m in self.mentions:
            if m.short_for and m.short_for in self.entities and m.name in self.entities:
                self._fold(self.entities[m.name], self.entities[m.short_for])

    def _merge_company_forms(self) -> None:
        """腾讯, 腾讯公司 and 腾讯集团 are one company: same stem, different company suffix."""
        stems: dict[str, list[Entity]] = {}
        for e in list(self.entities.values()):
            if e.type == "Company":
                stem = re.sub(r"(股份有限公司|有限责任公司|有限公司|公司|集团)$", "", e.name)
                if len(stem) >= 2:
                    stems.setdefault(stem, []).append(e)
        for stem, group in stems.items():
            bare = self.entities.get(stem)
            if bare is not None and bare not in group and bare.type == "Company":
                group.append(bare)
            if len(group) > 1:
                target = max(group, key=lambda e: (e.count, -len(e.name)))
                for e in group:
                    self._fold(e, target)

    def _merge_team_forms(self) -> None:
        """彭州市对口支援工作队 is a shortening of 彭州市第六批对口支援黑水县工作队 (same team)."""
        teams = sorted((e for e in self.entities.values() if e.type == "WorkTeam"), key=lambda e: len(e.name))
        for short in teams:
            longer = [e for e in teams if len(e.name) > len(short.name) and e.name[:2] == short.name[:2]
                      and e.name[-3:] == short.name[-3:] and _subsequence(short.name, e.name)]
            if len(longer) == 1:
                self._fold(short, longer[0])

    @staticmethod
    def _all_regions(mentions: list[Mention]) -> list[Mention]:
        """Top-level regions plus those inside organisation names."""
        out: list[Mention] = []
        for m in mentions:
            out.extend(m.inner)
            if m.type == "Region":
                out.append(m)
        return out

    def canonical_name(self, m: Mention) -> str:
        """The fullest form of a mention's name, by the rules in the module docstring."""
        if m.type == "Region" and m.division is not None:
            if m.name != m.division.name and m.name[-1] != m.division.name[-1] and m.name[-1] in "县市区旗":
                return m.name  # an older full name (…县 of what is now …市) the text uses for a renamed division
            if m.division.level != "province" and not self.in_text(m.division.name):
                return m.name  # the article only ever says 厦门 / 百色: keep what it says
            return m.division.name
        name = m.name
        if m.type in ("Person", "Region"):
            return name
        lead = next((r for r in m.inner if r.start == m.start), None)
        if lead is not None and lead.division is not None and lead.name != lead.division.name:
            fuller = lead.division.name + name[len(lead.name):]
            if fuller in self.surfaces or self.in_text(fuller):
                return fuller
        party = next((p for p in lexicon.DEMOCRATIC_PARTIES if name.startswith(p)), None)
        if party and name[len(party) : len(party) + 1] in _LEVEL_CHARS and self.homes.get(name[len(party)]):
            fuller = party + self.homes[name[len(party)]] + name[len(party) + 1 :]
            if fuller in self.surfaces:
                return fuller  # 致公党省委会 → 致公党福建省委会
        if name[0] in _LEVEL_CHARS and lead is None and len(name) > 2 and self.homes.get(name[0]):
            home = self.homes[name[0]]
            if home.endswith(name[0]):
                return home + name[1:]
            if name[0] == "省":
                return home + name[1:]
        return name

    def _antecedent(self, m: Mention) -> str | None:
        """The named party a bare 幼儿园 / 集团 refers to: the last one before it with that ending."""
        for other in reversed([o for o in self.mentions if o.start < m.start]):
            if not other.bare and other.name.endswith(m.name) and other.type == m.type:
                return self.alias_of.get(other.name, other.name)
        return None

    def _add(self, m: Mention) -> None:
        """Register a mention under its canonical entity."""
        name = self.canonical_name(m)
        if m.bare:
            found = self._antecedent(m)
            if found is None and m.type != "WorkTeam":
                self.alias_of.setdefault(m.name, m.name)
                return
            name = found or name
        entity = self.entities.get(name)
        if entity is None:
            level = m.level
            part_of = m.part_of
            if m.division is not None:
                parent = gazetteer.parent(m.division)
                part_of = parent.name if parent else None
            entity = Entity(name, m.type, level=level, part_of=part_of, role=m.role, affiliation=m.affiliation)
            self.entities[name] = entity
        entity.aliases.add(m.name)
        entity.count += 1
        if m.role and entity.role and m.role not in entity.role:
            entity.role = entity.role
        self.alias_of[m.name] = name

    def _merge_suffix_aliases(self) -> None:
        """A shorter organisation name ending a longer one (博爱义工协会) is an alias of it."""
        orgs = [e for e in self.entities.values() if e.type not in ("Region", "Person")]
        for short in orgs:
            if len(short.name) < 4:
                continue
            longer = [e for e in orgs if e is not short and len(e.name) > len(short.name)
                      and (e.name.endswith(short.name) or e.name == short.name + "会")
                      and not (e.name.startswith(lexicon.DEMOCRATIC_PARTIES)
                               and not short.name.startswith(lexicon.DEMOCRATIC_PARTIES))
                      and short.name not in lexicon.GENERIC_PARTIES]
            if len(longer) == 1 and not any(short.name.startswith(r) for r in self.homes.values()):
                self._fold(short, longer[0])
            elif short.name + "会" in self.entities and short.name + "会" != short.name:
                self._fold(short, self.entities[short.name + "会"])

    def _merge_parentheses(self) -> None:
        """X(Y): when Y is itself an organisation of the same type, it is an alias of X."""
        by_start = {m.end: m for m in self.mentions}
        for m in self.mentions:
            if m.start > 0 and self.text[m.start - 1] == "(" and m.end < len(self.text) and self.text[m.end] == ")":
                outer = by_start.get(m.start - 1)
                if outer and outer.type == m.type:
                    a, b = self.resolve(m.name), self.resolve(outer.name)
                    if a in self.entities and b in self.entities and a != b:
                        self._fold(self.entities[a], self.entities[b])

    def _fold(self, source: Entity, target: Entity) -> None:
        """Merge entity `source` into `target`."""
        if source.name not in self.entities or source is target:
            return
        target.aliases |= source.aliases | {source.name}
        target.count += source.count
        del self.entities[source.name]
        for alias, canon in list(self.alias_of.items()):
            if canon == source.name:
                self.alias_of[alias] = target.name

    def resolve(self, surface: str) -> str:
        """Canonical name of a surface form seen in the article (itself when unknown)."""
        seen: set[str] = set()
        name = self.alias_of.get(surface, surface)
        while name not in self.entities and name in self.alias_of and name not in seen:
            seen.add(name)
            name = self.alias_of[name]
        return name

    def of(self, m: Mention) -> str:
        """Canonical name of a mention."""
        return self.resolve(m.name)

    def entity(self, name: str) -> Entity | None:
        """The entity with this canonical name."""
        return self.entities.get(name)
