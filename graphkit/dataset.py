"""Read, validate and write the curated dataset in `data/`.

Layout: `data/entities.yaml` is the register of canonical entities; `data/sources/<id>.yaml` holds one
article's metadata and the events it states. `graphkit ingest` adds the entities it introduces to a
second register, `data/extracted/entities.yaml`, read after the first; an id may be in only one of them.
The files are meant to be read and edited by people and reviewed as diffs, so every error names the
file, the line and the field, and never shows a traceback.

Whatever a file holds is untrusted: YAML aliases are refused (an alias bomb expands exponentially),
numbers and nesting are bounded, dates are checked as dates, text may not hold control, surrogate,
invisible or bidirectional-override characters, and a value quoted in a message is cut short.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import reprlib
from collections.abc import Callable, Collection, Iterable, Mapping, Set
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from graphkit.model import (
    AMOUNT_PERIODS,
    ENTITY_TYPES,
    EVENT_TYPES,
    FIGURES,
    REGION_LEVELS,
    REVIEW_STATUSES,
    SOURCE_KINDS,
    Amount,
    Dataset,
    Entity,
    Event,
    Source,
    Span,
)
from graphkit.ontology import is_absolute_iri, mode_index
from graphkit.publish import recover

ENTITY_FIELDS = {
    "id", "type", "name", "aliases", "name_en", "level", "part_of", "located_in", "member_of", "role",
    "adcode", "note",
}
SOURCE_FIELDS = {"id", "title", "publisher", "date", "url", "script", "file", "sha256", "status", "kind", "events"}
#: An event's fields in the order files are written (`event_dict`); the review form sends the same.
EVENT_FIELD_ORDER: tuple[str, ...] = (
    "id", "type", "from", "person", "to", "mode", "amount", "approximate", "amount_text", "per", "items",
    "quantity", "purpose", "role", "date", "brokers", "planned", "note", "span", "figure", "aggregate",
    "valid_from", "valid_to", "as_of", "also_in",
)
EVENT_FIELDS = frozenset(EVENT_FIELD_ORDER)
# Which parties each event type needs, by field name.
REQUIRED_PARTIES = {"pairing": ("from", "to"), "donation": ("from", "to"), "secondment": ("person", "to")}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: The largest amount accepted, in yuan (ten trillion: more than any programme's total), and its precision.
MAX_AMOUNT = Decimal(10) ** 13
AMOUNT_PLACES = 4
#: Longest number literal read from YAML (longer ones are refused before Python parses them).
MAX_NUMBER_DIGITS = 40
#: How deep YAML may nest (the layout needs four levels).
MAX_DEPTH = 50
#: Characters a name, id or other text may not hold: controls (but tab and newline in notes), lone
#: surrogates, invisible characters (zero-width spaces and joiners, BOM) and bidirectional overrides,
#: which make a name look like another.
FORBIDDEN_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffe\uffff]"
)
#: A local event id: one path segment.
#: The largest character offset of a span (articles are far shorter; see extract's size limit).
MAX_OFFSET = 10**9
LOCAL_ID_RE = re.compile(r"[^/\\\s]+")
REGISTER = Path("entities.yaml")
EXTRACTED_REGISTER = Path("extracted") / "entities.yaml"


class DataError(ValueError):
    """A problem in a data file, located precisely enough to fix by hand."""

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str) -> None:
        self.path, self.line, self.field, self.message = str(path), line, field, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {f'field {field!r}: ' if field else ''}{message}")

    def __reduce__(self) -> tuple[type[DataError], tuple[str, int | None, str | None, str]]:
        """Pickled as its parts (a child process reading data/ hands it to its parent)."""
        return DataError, (self.path, self.line, self.field, self.message)


class _Map(dict):
    """A YAML mapping that remembers the line of each key, for error messages."""

    line: int = 0
    lines: dict[str, int]


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxlong = 3, 6, 6, 60, 40


def shown(value: Any, limit: int = 60) -> str:
    """repr() of a value for an error message, bounded however large the value (reprlib looks at only
    the first items and levels), and cut to `limit` characters: a message never grows with the input."""
    text = _SHORT.repr(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings record line numbers and reject duplicate keys, aliases, long numbers,
    deep nesting; dates stay text (PyYAML's timestamp constructor raises on 2019-02-30)."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(problem="YAML aliases (*name) are not allowed here", problem_mark=mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _bounded_number(loader: _Loader, node: yaml.ScalarNode) -> Any:
    if sum(ch.isdigit() for ch in node.value) > MAX_NUMBER_DIGITS:
        raise yaml.MarkedYAMLError(
            problem=f"a number of more than {MAX_NUMBER_DIGITS} digits", problem_mark=node.start_mark
        )
    if node.tag.endswith(":int"):
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    return yaml.SafeLoader.construct_yaml_float(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _bounded_number)
_Loader.add_constructor("tag:yaml.org,2002:float", _bounded_number)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.MarkedYAMLError(problem=f"duplicate key {shown(key)}", problem_mark=key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _c_loader() -> type | None:
    """libyaml's parser with the same constructors (line numbers, duplicate keys, bounded numbers,
    dates as text): six to seven times faster on data/'s files, the bulk of a large build's reading."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    loader: Any = type("_CLoader", (yaml.CSafeLoader,), {})
    loader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    for tag, constructor in _Loader.yaml_constructors.items():
        loader.add_constructor(tag, constructor)
    return loader


_CLoader = _c_loader()
_INDENTED = re.compile(rf"^ {{{MAX_DEPTH},}}", re.MULTILINE)


def _plain(text: str) -> bool:
    r"""Whether a file is safe for libyaml's composer, which cannot refuse aliases (a billion laughs)
    or limit nesting as `_Loader` does: no anchor or alias character, nesting below MAX_DEPTH.
    Any other file is read by `_Loader`, which says where the problem is.

    >>> _plain("id: a\nevents:\n- span: [1, 2]\n"), _plain("a: &x [1]\nb: *x\n"), _plain("[" * 60)
    (True, False, False)
    """
    if "&" in text or "*" in text or _INDENTED.search(text):
        return False
    if text.count("[") + text.count("{") < MAX_DEPTH:
        return True
    depth = deepest = 0
    for bracket in re.finditer(r"[\[\]{}]", text):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest < MAX_DEPTH


def _read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into DataErrors with the file and line."""
    if path.is_dir():
        raise DataError(path, None, None, "is a folder, not a YAML file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, None, None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise DataError(path, None, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        if _CLoader is not None and _plain(text):
            try:
                return yaml.load(text, Loader=_CLoader)
            except yaml.YAMLError:
                pass  # the pure loader is the reference: it reads the file again and says what is wrong
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, line, None, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DataError(path, None, None, f"YAML syntax: {' '.join(str(exc).split())[:200]}") from None
    except RecursionError:
        raise DataError(path, None, None, "YAML nested too deeply") from None
    except (ValueError, OverflowError) as exc:  # a constructor's own error, e.g. an out-of-range number
        raise DataError(path, None, None, f"YAML value: {' '.join(str(exc).split())[:200]}") from None


@dataclass
class _Reader:
    """Typed access to one mapping of a file, raising located errors."""

    path: Path
    data: _Map

    def line(self, field: str | None = None) -> int:
        return self.data.lines.get(field, self.data.line) if field else self.data.line

    def fail(self, field: str | None, message: str) -> DataError:
        return DataError(self.path, self.line(field), field, message)

    def check_fields(self, allowed: Set[str], what: str) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.fail(key, f"unknown field for {what} (allowed: {', '.join(sorted(allowed))})")

    def text(self, field: str, required: bool = False) -> str | None:
        value = self.data.get(field)
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            raise self.fail(field, f"must be text, not {type(value).__name__}")
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                raise self.fail(field, "is required" if value is None or value == "" else "is blank")
            return None
        return self.clean(field, text)

    def clean(self, field: str, text: str) -> str:
        """The text, if it holds no forbidden character (tab and newline are fine in free text)."""
        bad = FORBIDDEN_TEXT.search(text)
        if bad:
            code = f"U+{ord(bad.group()):04X}"
            raise self.fail(field, f"holds the invisible or control character {code} at position {bad.start()}")
        return text

    def names(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise self.fail(field, "must be a name or a list of names")
        return tuple(self.clean(field, i.strip()) for i in items)

    def flag(self, field: str) -> bool:
        value = self.data.get(field, False)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def date(self, field: str) -> str | None:
        value = self.text(field)
        if value is not None and not _is_date(value):
            raise self.fail(field, f"bad date {shown(value)} (use YYYY, YYYY-MM or YYYY-MM-DD, a real date)")
        return value

    def choice(self, field: str, allowed: Iterable[str], what: str, required: bool = False) -> str | None:
        value = self.text(field, required)
        if value is not None and value not in allowed:
            raise self.fail(field, f"unknown {what} {shown(value)} (one of: {', '.join(allowed)})")
        return value

    def identifier(self, field: str) -> str:
        """A required id: one line of text, not "." or "..", no invisible characters."""
        value = self.text(field, required=True)
        assert value is not None
        if value in (".", "..") or "\n" in value or "\t" in value:
            raise self.fail(field, f"bad id {shown(value)}")
        return value


def _is_date(value: str) -> bool:
    """YYYY, YYYY-MM (month 1-12) or a real calendar date YYYY-MM-DD."""
    if not DATE_RE.match(value):
        return False
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
        elif len(value) == 7 and not 1 <= int(value[5:]) <= 12:
            return False
    except ValueError:
        return False
    return True


def _mapping_list(path: Path, data: Any, what: str) -> list[_Reader]:
    if not isinstance(data, list) or not all(isinstance(item, _Map) for item in data):
        line = data.line if isinstance(data, _Map) else None
        raise DataError(path, line, None, f"expected a list of {what}")
    return [_Reader(path, item) for item in data]


def _read_entity(reader: _Reader, status: str = "reviewed") -> Entity:
    reader.check_fields(ENTITY_FIELDS, "an entity")
    entity_id = reader.identifier("id")
    kind = reader.choice("type", ENTITY_TYPES, "type", required=True)
    assert kind is not None
    level = reader.choice("level", REGION_LEVELS, "region level")
    if kind == "Region" and level is None:
        raise reader.fail("level", "is required for a Region")
    if kind != "Region" and level is not None:
        raise reader.fail("level", "only regions have a level")
    adcode = reader.text("adcode")
    if adcode is not None and not re.fullmatch(r"\d{6}(\d{3}|\d{6})?", adcode):
        raise reader.fail("adcode", f"bad administrative code {adcode!r} (6, 9 or 12 digits)")
    return Entity(
        id=entity_id,
        type=kind,
        name=reader.text("name") or entity_id,
        aliases=reader.names("aliases"),
        name_en=reader.text("name_en"),
        level=level,
        part_of=reader.text("part_of"),
        located_in=reader.text("located_in"),
        member_of=reader.text("member_of"),
        role=reader.text("role"),
        adcode=adcode,
        note=reader.text("note"),
        status=status,
    )


def _read_amount(reader: _Reader) -> Amount | None:
    raw = reader.data.get("amount")
    if raw is None:
        for field in ("approximate", "amount_text", "per"):
            if field in reader.data:
                raise reader.fail(field, "given without an amount")
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise reader.fail("amount", f"bad amount {shown(raw)}: must be a number of yuan")
    try:
        value = Decimal(str(raw).strip()) if len(str(raw)) <= MAX_NUMBER_DIGITS else Decimal("NaN")
    except InvalidOperation:
        hint = "must be a number of yuan (write 150000, not 15万元)"
        raise reader.fail("amount", f"bad amount {shown(raw)}: {hint}") from None
    if not value.is_finite() or value < 0:
        raise reader.fail("amount", f"bad amount {shown(raw)}: must be a non-negative number of yuan")
    if value > MAX_AMOUNT or value != value.quantize(Decimal(1).scaleb(-AMOUNT_PLACES), rounding="ROUND_DOWN"):
        limit = f"at most {MAX_AMOUNT:,} yuan with {AMOUNT_PLACES} decimal places"
        raise reader.fail("amount", f"bad amount {shown(raw)}: {limit}")
    return Amount(
        value=value,
        approximate=reader.flag("approximate"),
        text=reader.text("amount_text"),
        period=reader.choice("per", AMOUNT_PERIODS, "period"),
    )


def _read_span(reader: _Reader) -> Span | None:
    raw = reader.data.get("span")
    if raw is None:
        return None
    ok = isinstance(raw, list) and len(raw) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in raw)
    if not ok or not 0 <= raw[0] < raw[1] <= MAX_OFFSET:
        raise reader.fail("span", f"bad span {shown(raw)}: must be [start, end] character offsets, start < end")
    return Span(raw[0], raw[1])


def _read_event(reader: _Reader, source_id: str) -> Event:
    reader.check_fields(EVENT_FIELDS, "an event")
    local = reader.identifier("id")
    if not LOCAL_ID_RE.fullmatch(local):
        raise reader.fail("id", f"bad event id {shown(local)}: one word, no / or \\ or spaces")
    kind = reader.choice("type", EVENT_TYPES, "event type", required=True)
    assert local is not None and kind is not None
    for field in REQUIRED_PARTIES[kind]:
        if not reader.data.get(field):
            raise reader.fail(field, f"a {kind} needs {field!r}")
    person = reader.names("person")
    if len(person) > 1:
        raise reader.fail("person", "a secondment sends one person or team; make one event each")
    mode = reader.text("mode")
    if mode is not None and mode not in mode_index():
        raise reader.fail("mode", f"unknown mode {shown(mode)} (add it to ontology/modes.ttl as a label)")
    amount = _read_amount(reader)
    if amount is not None and kind != "donation":
        raise reader.fail("amount", f"only donations carry an amount, not a {kind}")
    planned, figure, aggregate = _read_figure(reader, kind)
    valid_from, valid_to, as_of = _read_validity(reader, kind)
    return Event(
        id=f"{source_id}/{local}",
        type=kind,
        source=source_id,
        helpers=reader.names("from"),
        helped=reader.names("to"),
        person=person[0] if person else None,
        mode=mode,
        amount=amount,
        items=reader.text("items"),
        quantity=reader.text("quantity"),
        purpose=reader.text("purpose"),
        role=reader.text("role"),
        date=reader.date("date"),
        brokers=reader.names("brokers"),
        span=_read_span(reader),
        planned=planned,
        note=reader.text("note"),
        figure=figure,
        aggregate=aggregate,
        valid_from=valid_from,
        valid_to=valid_to,
        as_of=as_of,
        also_in=reader.names("also_in"),
    )


def _read_figure(reader: _Reader, kind: str) -> tuple[bool, str, bool | None]:
    """(planned, figure, aggregate): what kind of figure a donation's amount is. A planned donation is
    a pledge and a pledge is planned, whichever of the two the record says."""
    planned = reader.flag("planned")
    figure = reader.choice("figure", FIGURES, "figure")
    if "aggregate" in reader.data and kind != "donation":
        raise reader.fail("aggregate", f"only a donation's amount is added to totals, not a {kind}'s")
    aggregate = reader.flag("aggregate") if "aggregate" in reader.data else None
    if figure is None:
        return planned, "pledge" if planned and kind == "donation" else "gift", aggregate
    if kind != "donation":
        raise reader.fail("figure", f"only a donation's amount has a kind of figure, not a {kind}'s")
    if "planned" in reader.data and planned != (figure == "pledge"):
        raise reader.fail("planned", f"planned: {str(planned).lower()} contradicts figure: {figure}")
    return figure == "pledge", figure, aggregate


def _read_validity(reader: _Reader, kind: str) -> tuple[str | None, str | None, str | None]:
    """(valid_from, valid_to, as_of) of a pairing: when it holds, or when a source says it does."""
    fields = ("valid_from", "valid_to", "as_of")
    if kind != "pairing":
        for field in fields:
            if field in reader.data:
                raise reader.fail(field, f"only a pairing has a period of validity, not a {kind}")
        return None, None, None
    valid_from, valid_to, as_of = (reader.date(field) for field in fields)
    if valid_from and valid_to and valid_to[: len(valid_from)] < valid_from[: len(valid_to)]:
        raise reader.fail("valid_to", f"ends ({valid_to}) before it begins ({valid_from})")
    return valid_from, valid_to, as_of


def read_source(path: Path) -> tuple[Source, dict[str, dict[str, int]]]:
    """Read one source file; returns the source and, per event, the line of each field (for later checks)."""
    data = _read_yaml(path)
    if not isinstance(data, _Map):
        raise DataError(path, None, None, "expected a mapping with the source's metadata and its events")
    reader = _Reader(path, data)
    reader.check_fields(SOURCE_FIELDS, "a source")
    source_id = reader.identifier("id")
    if source_id != path.stem:
        raise reader.fail("id", f"source id {shown(source_id)} must equal the file name {path.stem!r}")
    events: list[Event] = []
    lines: dict[str, dict[str, int]] = {}
    for event_reader in _mapping_list(path, data.get("events") or [], "events"):
        event = _read_event(event_reader, source_id)
        if event.id in lines:
            raise event_reader.fail("id", f"duplicate event id {shown(event.local_id)}")
        lines[event.id] = {"": event_reader.line(), **event_reader.data.lines}
        events.append(event)
    source = Source(
        id=source_id,
        title=reader.text("title"),
        publisher=reader.text("publisher"),
        date=reader.date("date"),
        url=_read_url(reader),
        script=reader.choice("script", ("simplified", "traditional", "mixed"), "script"),
        file=reader.text("file"),
        sha256=reader.text("sha256"),
        status=reader.choice("status", REVIEW_STATUSES, "status") or "reviewed",
        events=tuple(events),
        kind=reader.choice("kind", SOURCE_KINDS, "source kind"),
    )
    return source, lines


def _read_url(reader: _Reader) -> str | None:
    """The article's web address: an http(s) IRI (the page links it, and the graph stores it as an IRI)."""
    url = reader.text("url")
    if url is not None and not (url.lower().startswith(("http://", "https://")) and is_absolute_iri(url)):
        raise reader.fail("url", f"bad url {shown(url)}: an http or https address with no spaces or <>\"{{}}|^`")
    return url


def load(
    data_dir: Path | str, *, entities: Mapping[str, Entity] | None = None, sources: Mapping[str, Source] | None = None,
    curated: Mapping[str, Entity] | None = None, jobs: int = 1, each: Each | None = None,
    deferred: Collection[str] = (),
) -> Dataset:
    """Load and validate the whole dataset; raises DataError on the first problem found.

    A build that kept the records of an earlier read passes those whose files did not change:
    `entities` for unchanged registers, or `curated` for an unchanged data/entities.yaml when only the
    extracted register changed (an ingest: 22,000 curated entities are not parsed again for four new
    ones), `sources` by id. They are taken as they are, and every reference between them and what is
    read again is checked as if all had been read. `jobs` processes read the source files at once
    when there are many. `each` is called with every source read (not those passed in), in the
    process that read it, and its results are kept by source id in its own `made`: a build writes
    a source's graph where its file is read, two processes at once.

    `deferred` names sources whose records the caller adds later with `add_kept` (a build starts
    drawing its views before it reads the 5,000 records that did not change), if it needs them: they
    are not read here, the references of the sources read are checked (citing a deferred source is
    citing a source of data/), and `add_kept` checks every reference again, once all are in.
    """
    root = Path(data_dir)
    recover_journal(root)
    register = root / REGISTER
    if not register.is_file():
        raise DataError(register, None, None, "the entity register is missing")
    dataset = Dataset()
    if entities is not None:
        dataset.entities.update(entities)
    else:
        entity_lines: dict[str, _Reader] = {}
        if curated is not None:
            dataset.entities.update(curated)
        else:
            _read_register(register, "reviewed", dataset, entity_lines)
        extracted = root / EXTRACTED_REGISTER
        try:
            if extracted.is_file():
                _read_register(extracted, "extracted", dataset, entity_lines)
            _check_entity_links(dataset, entity_lines)
        except KeyError:  # a curated entity taken as it was has a problem now: read it, for its line
            return load(root, sources=sources, jobs=jobs, each=each, deferred=deferred)
    known, later = sources or {}, frozenset(deferred)
    paths = sorted((root / "sources").glob("*.yaml"))
    fresh = iter(_read_sources([path for path in paths if path.stem not in known and path.stem not in later], jobs,
                               each))
    event_lines: dict[str, tuple[Path, dict[str, int]]] = {}
    for path in paths:
        if path.stem in later:
            continue
        if path.stem in known:
            dataset.sources[path.stem] = known[path.stem]
            continue
        source, lines, made = next(fresh)
        dataset.sources[source.id] = source
        if each is not None:
            each.made[source.id] = made
        event_lines.update({event_id: (path, fields) for event_id, fields in lines.items()})
    _check_event_references(dataset, event_lines, root, later)
    return dataset


def add_kept(
    dataset: Dataset, data_dir: Path | str, deferred: Collection[str], kept: Mapping[str, Source],
    elsewhere: Collection[str] = (),
) -> None:
    """The sources `load` deferred, into `dataset` in data/'s order: their records as a build kept
    them (`kept`), or read again from data/ where it kept none; then every reference is checked, as
    `load` checks them (a problem in a source read before is reported with its line, read again),
    citing a source of `elsewhere` (one of data/ that the dataset leaves out) being citing a source."""
    root = Path(data_dir)
    missing = [root / "sources" / f"{source_id}.yaml" for source_id in deferred if source_id not in kept]
    found = {**kept, **{source.id: source for source, _, _ in _read_many(missing)}}
    every = {**dataset.sources, **{source_id: found[source_id] for source_id in deferred}}
    dataset.sources.clear()
    dataset.sources.update((source_id, every[source_id]) for source_id in sorted(every, key=_file_order))
    _check_event_references(dataset, {}, root, elsewhere)


def _file_order(source_id: str) -> Path:
    """Where a source stands in data/'s order (`load` reads data/sources/*.yaml sorted)."""
    return Path("sources") / f"{source_id}.yaml"


#: Fewer source files than this are read in one process: a child takes a third of a second to start,
#: and reads 700 files a second (YAML is most of a large build's reading).
READ_APART = 400


@dataclass(frozen=True)
class Each:
    """What `load` does with each source it reads: `call(source)`, a module-level function (it may run
    in a child, graphkit.apart), its results kept in `made` by source id."""

    call: Callable[[Source], Any]
    made: dict[str, Any] = dataclasses.field(default_factory=dict)


Read = tuple[Source, dict[str, dict[str, int]], Any]


def _read_sources(paths: list[Path], jobs: int, each: Each | None = None) -> list[Read]:
    """`read_source` of each path, in order; with `jobs` > 1 and many files, in contiguous shares
    read at once by this process and `jobs` - 1 children (graphkit.apart). The first problem in the
    order of `paths` is the one raised, as when one process reads them all."""
    call = each.call if each is not None else None
    if jobs <= 1 or len(paths) < READ_APART:
        return _read_many(paths, call)
    from graphkit import apart

    size = -(-len(paths) // jobs)
    shares = [paths[start : start + size] for start in range(0, len(paths), size)]
    children = [apart.call(_read_many, share, call) for share in shares[1:]]
    try:
        read = _read_many(shares[0], call)
        for child in children:
            read += child.result()
        return read
    finally:
        for child in children:
            child.cancel()


def _read_many(paths: list[Path], call: Callable[[Source], Any] | None = None) -> list[Read]:
    read = [read_source(path) for path in paths]
    return [(source, lines, call(source) if call is not None else None) for source, lines in read]


def recover_journal(root: Path) -> None:
    """Finish (or drop) what a killed `graphkit ingest` was writing into data/."""
    try:
        recover(root)
    except OSError as exc:
        raise DataError(root / ".journal", None, None, f"cannot finish an interrupted ingest: {exc}") from None


def _read_register(path: Path, status: str, dataset: Dataset, readers: dict[str, _Reader]) -> None:
    """Add one register file's entities; an id already registered (in this file or the other) is an error."""
    for reader in _mapping_list(path, _read_yaml(path) or [], "entities"):
        entity = _read_entity(reader, status)
        if entity.id in dataset.entities:
            if entity.id not in readers:  # taken from an earlier read of the other register: read it again
                raise KeyError(entity.id)
            first = readers[entity.id]
            where = f"line {first.line()}" if first.path == path else f"{first.path}:{first.line()}"
            raise reader.fail("id", f"duplicate entity id {shown(entity.id)} (first on {where})")
        dataset.entities[entity.id] = entity
        readers[entity.id] = reader


def _check_entity_links(dataset: Dataset, readers: Mapping[str, _Reader]) -> None:
    """Every link between entities must point into the register, and containment must not loop."""
    for entity in dataset.entities.values():
        def fail(field: str, message: str, entity_id: str = entity.id) -> DataError:
            """The located error; an entity taken from an earlier read has no reader (KeyError), and
            the caller reads the register again for its line."""
            return readers[entity_id].fail(field, message)

        for field in ("part_of", "located_in", "member_of"):
            target = getattr(entity, field)
            if target is not None and target not in dataset.entities:
                raise fail(field, f"unknown entity reference {shown(target)}")
        if entity.type == "Region" and entity.part_of and dataset.entities[entity.part_of].type != "Region":
            raise fail("part_of", f"a region can only be part of a region, not of {entity.part_of!r}")
        if entity.located_in and dataset.entities[entity.located_in].type != "Region":
            raise fail("located_in", f"an entity is located in a region, not in {entity.located_in!r}")
        if entity.id in dataset.ancestors(entity.id):
            raise fail("part_of", f"{shown(entity.id)} contains itself through part_of/located_in")


def _check_event_references(
    dataset: Dataset, lines: Mapping[str, tuple[Path, dict[str, int]]], root: Path, elsewhere: Collection[str] = (),
) -> None:
    """Every party of every event must be a registered entity id, and every source it cites a source
    of data/: of the dataset, or of `elsewhere` (the lines of a source that was not read again are
    looked up only when it has a problem to report)."""
    folder = root / "sources"
    for event in dataset.events():
        located = lines.get(event.id)
        if located is None:
            path = folder / f"{event.source}.yaml"  # joined once per event, not twice: 40,000 at 1M triples
            try:
                _check_event(dataset, event, path, {}, elsewhere)
                continue
            except DataError:  # read the file again, for the line to report
                located = (path, read_source(path)[1][event.id])
        _check_event(dataset, event, *located, elsewhere)


def _check_event(
    dataset: Dataset, event: Event, path: Path, field_lines: Mapping[str, int], elsewhere: Collection[str] = ()
) -> None:
    fields = (("from", "helpers"), ("to", "helped"), ("person", "person"), ("brokers", "brokers"))
    for field, attribute in fields:
        value = getattr(event, attribute)
        for name in (value,) if isinstance(value, str) else value or ():
            if name not in dataset.entities:
                hint = _suggest(dataset, name)
                line = field_lines.get(field, field_lines.get(""))
                raise DataError(path, line, field, f"unknown entity reference {shown(name)}{hint}")
    for other in event.also_in:
        if (other not in dataset.sources and other not in elsewhere) or other == event.source:
            what = "its own source" if other == event.source else "no source of data/"
            line = field_lines.get("also_in", field_lines.get(""))
            raise DataError(path, line, "also_in", f"{shown(other)} is {what}")
    if event.type == "secondment":
        _check_secondment(dataset, event, path, field_lines)


def _check_secondment(dataset: Dataset, event: Event, path: Path, field_lines: Mapping[str, int]) -> None:
    """A secondment sends one person or work team from at most one unit (as the SHACL shapes require)."""
    if len(event.helpers) > 1:
        raise DataError(path, field_lines.get("from"), "from", "a secondment has at most one sending unit")
    kind = dataset.entities[event.person].type if event.person else None
    if kind not in ("Person", "WorkTeam"):
        line = field_lines.get("person")
        raise DataError(path, line, "person", f"the one seconded must be a Person or WorkTeam, not a {kind}")


def _suggest(dataset: Dataset, name: str) -> str:
    """Point at the canonical id when a reference uses an alias."""
    for entity in dataset.entities.values():
        if name in entity.aliases:
            return f" (it is an alias of {shown(entity.id)}; refer to entities by id)"
    return ""


def source_to_yaml(source: Source) -> str:
    """Serialise a source in the dataset's own layout, for ingest and round trips."""
    return yaml.dump(source_dict(source), Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)


def entities_to_yaml(entities: Iterable[Entity]) -> str:
    """Serialise entities as a register file (their `status` is implied by the file they go to)."""
    items = [entity_dict(entity) for entity in entities]
    if not items:
        return ""
    return yaml.dump(items, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)


def entity_dict(entity: Entity) -> dict[str, Any]:
    """An entity as a register item, in the register's field order, without empty fields."""
    out: dict[str, Any] = {"id": entity.id, "type": entity.type}
    if entity.name != entity.id:
        out["name"] = entity.name
    optional = {
        "aliases": list(entity.aliases) or None, "name_en": entity.name_en, "level": entity.level,
        "part_of": entity.part_of, "located_in": entity.located_in, "member_of": entity.member_of,
        "role": entity.role, "adcode": entity.adcode, "note": entity.note,
    }
    out.update({key: value for key, value in optional.items() if value is not None})
    return out


class Dumper(yaml.SafeDumper):
    """Dumps spans as [start, end] on one line, the rest in block style."""


Dumper.add_representer(
    tuple, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def source_dict(source: Source) -> dict[str, Any]:
    head = {
        "id": source.id, "title": source.title, "publisher": source.publisher, "date": source.date,
        "url": source.url, "script": source.script, "file": source.file, "sha256": source.sha256,
        "status": source.status, "kind": source.kind,
    }
    return {**head, "events": [event_dict(event) for event in source.events]}


def event_dict(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"id": event.local_id, "type": event.type}
    if event.helpers:
        out["from"] = list(event.helpers)
    if event.person:
        out["person"] = event.person
    out["to"] = list(event.helped)
    optional: dict[str, Any] = {"mode": event.mode}
    if event.amount is not None:
        value = event.amount.value
        optional.update(
            amount=int(value) if value == value.to_integral_value() else float(value),
            approximate=event.amount.approximate or None,
            amount_text=event.amount.text,
            per=event.amount.period,
        )
    optional.update(
        items=event.items, quantity=event.quantity, purpose=event.purpose, role=event.role, date=event.date,
        brokers=list(event.brokers) or None, planned=event.planned or None, note=event.note,
        span=(event.span.start, event.span.end) if event.span else None,
        figure=event.figure if event.figure not in ("gift", "pledge") else None,  # a pledge says planned
        aggregate=event.aggregate, valid_from=event.valid_from, valid_to=event.valid_to, as_of=event.as_of,
        also_in=list(event.also_in) or None,
    )
    out.update({key: value for key, value in optional.items() if value is not None})
    return out
