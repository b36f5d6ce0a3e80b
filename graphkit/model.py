"""The records graphkit is made of: entities, assistance events and the sources that state them.

These are plain, immutable values. Everything downstream (RDF, networkx, pages, reports) is derived
from them, so they carry exactly what the curated dataset says and nothing computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from graphkit import containment

T = TypeVar("T")

ENTITY_TYPES: tuple[str, ...] = (
    "Region",
    "GovernmentAgency",
    "PartyOrganization",
    "Company",
    "School",
    "Hospital",
    "SocialOrganization",
    "WorkTeam",
    "Person",
)
REGION_LEVELS: tuple[str, ...] = ("province", "prefecture", "county", "district", "township", "village")
EVENT_TYPES: tuple[str, ...] = ("pairing", "donation", "secondment")
#: Who stands behind a fact: a person entered it (curated), a person checked what the extractor
#: found (reviewed), or nobody yet (extracted).
REVIEW_STATUSES: tuple[str, ...] = ("reviewed", "extracted", "curated")
AMOUNT_PERIODS: tuple[str, ...] = ("month", "year")
#: What kind of figure a donation's amount is: a gift delivered; a pledge or plan (将捐赠, 计划); a
#: cumulative total over years (累计, 共计 … 以来); a programme's budget for a year (年度财政援助资金).
FIGURES: tuple[str, ...] = ("gift", "pledge", "cumulative", "annual")
#: What a source is: an official notice or document, official media (新华社, 人民日报, a government's
#: own news site), other media, or the organisation that gave or received speaking for itself.
SOURCE_KINDS: tuple[str, ...] = ("official_notice", "official_media", "media", "organisation")


@dataclass(frozen=True)
class Entity:
    """A party in the network: a region, an organisation, a work team or a person.

    `part_of` is containment for regions (知木林镇 within 黑水县) and sub-organisation for
    organisations; `located_in` places an organisation or person in a region so that money given to a
    county's schools and agencies rolls up to the county; `member_of` is a person's sending unit or team.
    `status` is "extracted" for entities that `graphkit ingest` added and nobody has reviewed yet.
    """

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    name_en: str | None = None
    level: str | None = None
    part_of: str | None = None
    located_in: str | None = None
    member_of: str | None = None
    role: str | None = None
    adcode: str | None = None
    note: str | None = None
    status: str = "reviewed"

    @property
    def container(self) -> str | None:
        """What the entity lies directly within (`graphkit.containment.direct`)."""
        return containment.direct(self.part_of, self.located_in)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every name the entity is known by, canonical first."""
        return (self.name, *(a for a in self.aliases if a != self.name))


@dataclass(frozen=True)
class Amount:
    """A value in yuan, as stated: `approximate` for 9万余元 or 约9万元, `period` for 5000元/月."""

    value: Decimal
    approximate: bool = False
    text: str | None = None
    period: str | None = None


def recommended_for_aggregates(figure: str, override: bool | None = None) -> bool:
    """Whether a donation's amount belongs in totals, as AidData's "recommended for aggregates" says
    of a project: a gift delivered does; a pledge (it may never be paid), a cumulative total (it
    repeats the gifts it sums) and an annual budget (it overlaps the projects it funds) do not. A
    curator who knows better says so per record (`aggregate: true|false`).

    >>> recommended_for_aggregates("gift"), recommended_for_aggregates("cumulative")
    (True, False)
    >>> recommended_for_aggregates("annual", override=True)
    True
    """
    return override if override is not None else figure == "gift"


def years_in_force(
    valid_from: str | None, valid_to: str | None, stated: str | None
) -> tuple[int | None, int | None] | None:
    """The first and last year a pairing holds (None: open on that side), or None when it holds in
    no year: by its stated period when it has one, else only the year a source states it in force
    (as of, or the event's or its article's date). The one rule: the build writes it as
    gk:inForceFrom / gk:inForceTo, which the named query pairings-in-force and the page's year filter
    read, and `in_force` and the panels ask it.

    >>> years_in_force("2016-12", None, "2020"), years_in_force(None, None, "2021-08-31")
    ((2016, None), (2021, 2021))
    >>> years_in_force(None, None, None) is None
    True
    """
    if valid_from or valid_to:
        return (int(valid_from[:4]) if valid_from else None, int(valid_to[:4]) if valid_to else None)
    if stated:
        year = int(str(stated)[:4])
        return year, year
    return None


def in_force(valid_from: str | None, valid_to: str | None, stated: str | None, year: int) -> bool:
    """Whether a pairing holds in `year` (`years_in_force`).

    >>> in_force("2016", "2021", None, 2018), in_force("2016", "2021", None, 2022)
    (True, False)
    >>> in_force("2010-06", None, None, 2030), in_force(None, None, "2021-08-31", 2021)
    (True, True)
    >>> in_force(None, None, "2021-08-31", 2022), in_force(None, None, None, 2021)
    (False, False)
    """
    years = years_in_force(valid_from, valid_to, stated)
    return years is not None and (years[0] is None or years[0] <= year) and (years[1] is None or year <= years[1])


def counted(value: T, period: str | None, *, recommended: bool) -> T | None:
    """The money a total adds for an amount: the stated value of a lump sum, exact or approximate, and
    nothing for a rate (5000元/月), which is not a sum of money and cannot be added to one, nor for a
    figure not recommended for aggregates (`recommended_for_aggregates`).

    This is the one rule for every total graphkit shows (the page's header and nodes, the map's
    flows, the report, `stats`, `regions`, the named queries' roll-ups, panel exports and the Python
    API): the build writes its result as gk:amountCNY and every view adds that. `recommended` has no
    default, so no caller can leave the aggregation rule out by forgetting it.

    >>> counted(Decimal("90000"), None, recommended=True), counted(Decimal("5000"), "month", recommended=True)
    (Decimal('90000'), None)
    >>> counted(Decimal("49940000"), None, recommended=False) is None
    True
    """
    return None if period or not recommended else value


@dataclass(frozen=True)
class Span:
    """Character offsets [start, end) into the source article's text, where the fact is stated."""

    start: int
    end: int


@dataclass(frozen=True)
class Event:
    """One act of assistance (an n-ary event), as IATI transactions and schema.org actions are.

    For a pairing `helpers` help `helped`; for a donation they are donors and recipients (a joint gift
    is one event with several donors, so its money is counted once); for a secondment `person` is sent
    by `helpers` (the sending unit, may be empty) to `helped` (the host).
    """

    id: str
    type: str
    source: str
    helpers: tuple[str, ...] = ()
    helped: tuple[str, ...] = ()
    person: str | None = None
    mode: str | None = None
    amount: Amount | None = None
    items: str | None = None
    quantity: str | None = None
    purpose: str | None = None
    role: str | None = None
    date: str | None = None
    brokers: tuple[str, ...] = ()
    span: Span | None = None
    planned: bool = False
    note: str | None = None
    #: A donation's kind of figure (FIGURES; a planned donation's is "pledge") and a curator's
    #: override of whether it belongs in totals.
    figure: str = "gift"
    aggregate: bool | None = None
    #: When a pairing holds: from and to (YYYY, YYYY-MM or YYYY-MM-DD; either may be open), or the
    #: date a source states it in force.
    valid_from: str | None = None
    valid_to: str | None = None
    as_of: str | None = None
    #: Other sources that state the same fact (ids of sources in data/), beside its own.
    also_in: tuple[str, ...] = ()

    @property
    def recommended_for_aggregates(self) -> bool:
        """Whether its amount counts in totals (`recommended_for_aggregates`)."""
        return recommended_for_aggregates(self.figure, self.aggregate)

    @property
    def local_id(self) -> str:
        """The id within its source file."""
        return self.id.rsplit("/", 1)[-1]

    @property
    def parties(self) -> tuple[str, ...]:
        """Every entity the event names, in a stable order."""
        person = (self.person,) if self.person else ()
        return (*self.helpers, *person, *self.helped, *self.brokers)


@dataclass(frozen=True)
class Source:
    """A news article the facts come from, and the events it states."""

    id: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    script: str | None = None
    file: str | None = None
    sha256: str | None = None
    status: str = "reviewed"
    events: tuple[Event, ...] = ()
    #: What kind of publication it is (SOURCE_KINDS), when known.
    kind: str | None = None


@dataclass
class Dataset:
    """The curated register of entities plus every source with its events."""

    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)

    def events(self) -> Iterator[Event]:
        """All events of all sources, in source order."""
        for source in self.sources.values():
            yield from source.events

    def ancestors(self, entity_id: str) -> list[str]:
        """Everything containing an entity, nearest first (the rule: `graphkit.containment`)."""
        return containment.chain(entity_id, self._container)

    def _container(self, entity_id: str) -> str | None:
        entity = self.entities.get(entity_id)
        return entity.container if entity is not None else None
