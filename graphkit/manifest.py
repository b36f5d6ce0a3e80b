"""What a published build was made from, so that the next build redoes only what changed.

A build folder keeps two hidden files beside its outputs (hidden: out/ does not link them):

- `.manifest.json`: the recipe (a hash of graphkit's code and ontology: a build by other code is
  never reused), the store it filled, the sha256 of each register file, and per source the sha256
  of its file and the number of quads of its graph;
- `.records/`: the records as read (the register, and each source in a file of its own), so that
  an unchanged file is not parsed and checked again. It is graphkit's own output, read back only
  when the manifest says the files it came from are byte for byte the same; it is JSON, never
  pickle, so a tampered out/ can at worst give wrong records to a build, not run code.

    >>> from graphkit.model import Amount, Event, Source, Span
    >>> source = Source("s", events=(Event("s/d1", "donation", "s", ("甲",), ("乙",),
    ...                                    amount=Amount(Decimal("1.5")), span=Span(0, 4)),))
    >>> source_from_json(json.loads(json.dumps(source_to_json(source)))) == source
    True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from graphkit.dataset import EXTRACTED_REGISTER, REGISTER
from graphkit.files import atomic_write, version
from graphkit.model import Amount, Entity, Event, Source, Span

MANIFEST = ".manifest.json"
RECORDS = ".records"
#: Beside a build updated from the published one: the entities (IRIs) whose lines in the register's
#: graph changed, when the build worked that graph out by its difference (absent otherwise). A view
#: takes every other entity over from the published build (graphkit.render's memo).
REGISTER_CHANGES = ".register-changes.json"
FORMAT = 1


@cache
def recipe() -> str:
    """A hash of what turns data/ into a graph: graphkit's Python code and the ontology files."""
    from graphkit.ontology import ontology_dir

    package = Path(__file__).parent
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in sorted([*package.rglob("*.py"), *ontology_dir().glob("*.ttl")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Manifest:
    """The inputs of one build: register and source file hashes, and what each source added."""

    recipe: str
    store: str
    registers: dict[str, str]
    sources: dict[str, str]
    quads: dict[str, int] = field(default_factory=dict)

    @classmethod
    def scan(cls, data_dir: Path, store: str) -> Manifest:
        """The manifest data/ would give now (hashes only; nothing is parsed)."""
        registers = {str(name): file_hash(data_dir / name) for name in (REGISTER, EXTRACTED_REGISTER)
                     if (data_dir / name).is_file()}
        sources = {path.stem: file_hash(path) for path in sorted((data_dir / "sources").glob("*.yaml"))}
        return cls(recipe(), store, registers, sources)

    @classmethod
    def read(cls, build: Path | None) -> Manifest | None:
        """The manifest of a build folder, or None when it has none or one of another format."""
        try:
            data = json.loads((build / MANIFEST).read_text(encoding="utf-8")) if build else None
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None
            return cls(data["recipe"], data["store"], data["registers"], data["sources"], data.get("quads", {}))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, build: Path) -> None:
        atomic_write(build / MANIFEST, json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False))

    def changed_sources(self, previous: Manifest) -> tuple[set[str], set[str]]:
        """(sources added or edited, sources removed) since `previous`."""
        edited = {s for s, digest in self.sources.items() if previous.sources.get(s) != digest}
        return edited, set(previous.sources) - set(self.sources)

    def reuses(self, previous: Manifest | None) -> bool:
        """Whether a build from `previous` can be updated rather than redone."""
        return previous is not None and previous.recipe == self.recipe and previous.store == self.store


# --- the records, as JSON --------------------------------------------------------------------------


def write_records(build: Path, entities: Mapping[str, Entity], sources: Mapping[str, Source],
                  kept: Iterable[str] = (), previous: Path | None = None, register_changed: bool = True) -> None:
    """The records of a build, one JSON file for the register and one per source: `sources` written,
    and with `previous`, the sources in `kept` and (unless `register_changed`) the register are the
    previous build's files, hard-linked. A kept source whose file the previous build lost has none:
    records are a cache, and a build that needs one reads its source from data/ again."""
    folder = build / RECORDS
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    before = previous / RECORDS if previous is not None else None
    if before is not None and not register_changed:
        link(before / "entities.json", folder / "entities.json")
    else:
        register = [{**_fields(e), "aliases": list(e.aliases)} for e in entities.values()]
        (folder / "entities.json").write_bytes(orjson.dumps(register))
    for source_id, source in sources.items():
        (folder / "sources" / f"{source_id}.json").write_bytes(orjson.dumps(source_to_json(source)))
    if before is not None:
        for source_id in kept:
            name = Path("sources") / f"{source_id}.json"
            with suppress(FileNotFoundError):
                link(before / name, folder / name)


def read_records(build: Path, sources: Iterable[str]) -> tuple[dict[str, Entity], dict[str, Source]] | None:
    """The register and the given sources as a build kept them, or None when they cannot be read
    (a source the build did not keep is left out)."""
    folder = build / RECORDS
    try:
        entities = dict(_kept(folder / "entities.json", _entities_from_json, 2))
        kept = {}
        for source_id in sources:
            path = folder / "sources" / f"{source_id}.json"
            if path.is_file():
                kept[source_id] = _kept(path, source_from_json, 1 << 17)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return entities, kept


#: Records already read by this process, by file version (graphkit.files.version): a build
#: hard-links the files that did not change, so the next build's are the same versions, and an ingest
#: reads the published build's records twice (to link names, then to build). Records are immutable.
_KEPT: dict[Callable[[Any], Any], dict[tuple[int, int, int], Any]] = {}


def _kept(path: Path, parse: Callable[[Any], Any], most: int) -> Any:
    """The parsed record file, read once per version; at most `most` versions kept per kind (the
    register's last two: a review server rebuilds after every save)."""
    key = version(path)
    kept = _KEPT.setdefault(parse, {})
    if key not in kept:
        if len(kept) >= most:
            del kept[next(iter(kept))]
        kept[key] = parse(orjson.loads(path.read_bytes()))  # 4,878 files at a million quads: 0.28 -> 0.23 s
    return kept[key]


def _entities_from_json(data: list[dict[str, Any]]) -> dict[str, Entity]:
    return {e["id"]: Entity(**{**e, "aliases": tuple(e["aliases"])}) for e in data}


def _fields(record: Any) -> dict[str, Any]:
    """A dataclass's fields, one level deep (dataclasses.asdict copies every level: 6 s at 40,000 events)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def source_to_json(source: Source) -> dict[str, Any]:
    return {**_fields(source), "events": [_event_json(e) for e in source.events]}


def _event_json(event: Event) -> dict[str, Any]:
    out = _fields(event)
    out.update(helpers=list(event.helpers), helped=list(event.helped), brokers=list(event.brokers),
               also_in=list(event.also_in))
    if event.amount is not None:
        out["amount"] = {**_fields(event.amount), "value": str(event.amount.value)}
    if event.span is not None:
        out["span"] = _fields(event.span)
    return out


def source_from_json(data: Mapping[str, Any]) -> Source:
    events = tuple(_event(e) for e in data["events"])
    return Source(**{**data, "events": events})


def _event(data: Mapping[str, Any]) -> Event:
    amount = data.get("amount")
    span = data.get("span")
    return Event(**{
        **data,
        "helpers": tuple(data["helpers"]), "helped": tuple(data["helped"]), "brokers": tuple(data["brokers"]),
        "also_in": tuple(data.get("also_in", ())),
        "amount": Amount(**{**amount, "value": Decimal(str(amount["value"]))}) if amount else None,
        "span": Span(**span) if span else None,
    })


def write_register_changes(build: Path, lines: Iterable[bytes]) -> None:
    """The subjects of the register's changed N-Quads lines (added or removed), as REGISTER_CHANGES."""
    subjects = {line.split(b" ", 1)[0] for line in lines}
    iris = sorted(subject[1:-1].decode("utf-8") for subject in subjects if subject.startswith(b"<"))
    (build / REGISTER_CHANGES).write_bytes(orjson.dumps(iris))


def read_register_changes(build: Path) -> list[str] | None:
    """A build's REGISTER_CHANGES, or None when it has none (or it cannot be read)."""
    try:
        iris = orjson.loads((build / REGISTER_CHANGES).read_bytes())
    except (OSError, ValueError):
        return None
    return iris if isinstance(iris, list) and all(isinstance(iri, str) for iri in iris) else None


def link(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (a copy where links cannot be made)."""
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a copy does the same
        shutil.copyfile(source, target)


__all__ = [
    "MANIFEST", "RECORDS", "REGISTER_CHANGES", "Manifest", "link", "read_records", "read_register_changes", "recipe",
    "write_records", "write_register_changes",
]
