"""The curated seed dataset in data/ agrees with the shared corpus and covers its gold annotation.

Reads the five articles and their hand annotation from ../shared/corpus (skipped when it is absent):
(a) every source pins its article by sha256, (b) every event's span points at the sentence that states
it, and (c) every gold pairing, donation and secondment is covered by an event, with parties resolved
by the rule of corpus/SCHEMA.md and gold amounts matched within 1%. A gift the gold lists once per
donor (a joint gift) must be one event naming all those donors, so that its money is counted once.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from graphkit.dataset import load
from graphkit.model import Dataset, Event

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

if not (CORPUS / "gold").is_dir():
    pytest.skip(f"shared corpus not found at {CORPUS}", allow_module_level=True)

from opencc import OpenCC  # noqa: E402 - only needed when the corpus is there

_T2S = OpenCC("t2s")
ARTICLE_IDS = sorted(p.stem for p in (CORPUS / "gold").glob("*.json"))
DEV_IDS = sorted(p.stem for p in (CORPUS / "dev").glob("*.json"))


def norm(text: str) -> str:
    """SCHEMA.md's normal form: traditional -> simplified, all whitespace removed."""
    return re.sub(r"\s+", "", _T2S.convert(text))


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load(REPO / "data")


@cache
def article(source_id: str) -> str:
    return (CORPUS / f"{source_id}.txt").read_bytes().decode("utf-8")


@cache
def gold(source_id: str) -> dict:
    return json.loads((CORPUS / "gold" / f"{source_id}.json").read_text(encoding="utf-8"))


def labels(ds: Dataset, entity_id: str) -> set[str]:
    """Every normalised name an entity is known by (its id, name and aliases)."""
    entity = ds.entities[entity_id]
    return {norm(label) for label in (entity.id, *entity.labels)}


def gold_labels(source_id: str) -> dict[str, set[str]]:
    """Gold entity name -> its normalised name and aliases, including names used only in relations."""
    table = {
        e["name"]: {norm(e["name"]), *(norm(a) for a in e.get("aliases") or [])}
        for e in gold(source_id)["entities"]
    }
    for rel in gold(source_id)["relations"]:
        for key in ("from", "to", "person"):
            if rel.get(key):
                table.setdefault(rel[key], {norm(rel[key])})
    return table


def resolve(ds: Dataset, entity_id: str, source_id: str) -> set[str]:
    """The gold entities one of our entities resolves to: exact label matches win over containment."""
    ours = labels(ds, entity_id)
    table = gold_labels(source_id)
    exact = {name for name, theirs in table.items() if ours & theirs}
    if exact:
        return exact
    return {
        name
        for name, theirs in table.items()
        if any(min(len(a), len(b)) >= 3 and (a in b or b in a) for a in ours for b in theirs)
    }


def matches(ds: Dataset, entity_id: str, gold_name: str, source_id: str) -> bool:
    return gold_name in resolve(ds, entity_id, source_id)


def amount_ok(event: Event, rel: dict) -> bool:
    want = rel.get("amount_cny")
    if want is None:
        return True
    if event.amount is None:
        return False
    return abs(event.amount.value - Decimal(str(want))) <= Decimal(str(want)) / 100


def slots(ds: Dataset, event: Event, rel: dict, source_id: str) -> list[tuple[str, int]]:
    """The places in `event` that can take gold relation `rel`: one per donor for a (joint) donation."""
    if event.type != rel["type"]:
        return []
    if rel["type"] == "pairing":
        forward = any(matches(ds, h, rel["from"], source_id) for h in event.helpers) and any(
            matches(ds, t, rel["to"], source_id) for t in event.helped
        )
        backward = any(matches(ds, h, rel["to"], source_id) for h in event.helpers) and any(
            matches(ds, t, rel["from"], source_id) for t in event.helped
        )
        return [(event.id, 0)] if forward or backward else []
    if rel["type"] == "donation":
        if not amount_ok(event, rel) or not any(matches(ds, t, rel["to"], source_id) for t in event.helped):
            return []
        return [(event.id, i) for i, h in enumerate(event.helpers) if matches(ds, h, rel["from"], source_id)]
    ok = event.person is not None and matches(ds, event.person, rel["person"], source_id)
    ok = ok and any(matches(ds, t, rel["to"], source_id) for t in event.helped)
    return [(event.id, 0)] if ok else []


def assign(candidates: list[list[tuple[str, int]]]) -> list[tuple[str, int] | None]:
    """Maximum matching of gold relations to event slots (each slot takes at most one gold relation)."""
    owner: dict[tuple[str, int], int] = {}

    def augment(i: int, seen: set[tuple[str, int]]) -> bool:
        for slot in candidates[i]:
            if slot in seen:
                continue
            seen.add(slot)
            if slot not in owner or augment(owner[slot], seen):
                owner[slot] = i
                return True
        return False

    for i in range(len(candidates)):
        augment(i, set())
    result: list[tuple[str, int] | None] = [None] * len(candidates)
    for slot, i in owner.items():
        result[i] = slot
    return result


def describe(rel: dict) -> str:
    parties = rel.get("person") or rel.get("from")
    return f"{rel['type']} {parties} -> {rel['to']} ({rel.get('amount_cny')})"


# ------------------------------------------------------------------ the sources and their articles


def test_every_article_has_a_source(dataset: Dataset) -> None:
    """The five seed articles, curated by hand, and the twenty dev articles, ingested and reviewed (the
    official backbone's sources, backbone-*, are publications with no article text here)."""
    assert sorted(s for s in dataset.sources if not s.startswith("backbone-")) == sorted(ARTICLE_IDS + DEV_IDS)
    assert len(ARTICLE_IDS) == 5 and len(DEV_IDS) == 20


@pytest.mark.parametrize("source_id", DEV_IDS)
def test_dev_sources_are_reviewed_against_their_article(dataset: Dataset, source_id: str) -> None:
    source = dataset.sources[source_id]
    digest = hashlib.sha256((CORPUS / "dev" / f"{source_id}.txt").read_bytes()).hexdigest()
    assert (source.file, source.sha256, source.status) == (f"{source_id}.txt", digest, "reviewed")
    assert source.events and all(event.span for event in source.events)


@pytest.mark.parametrize("source_id", ARTICLE_IDS)
def test_source_pins_its_article(dataset: Dataset, source_id: str) -> None:
    source = dataset.sources[source_id]
    assert source.file == f"{source_id}.txt"
    digest = hashlib.sha256((CORPUS / source.file).read_bytes()).hexdigest()
    assert source.sha256 == digest, f"{source_id}: sha256 {source.sha256} != {digest}"
    assert source.status == "reviewed"


@pytest.mark.parametrize("source_id", ARTICLE_IDS)
def test_source_metadata_agrees_with_gold(dataset: Dataset, source_id: str) -> None:
    source, meta = dataset.sources[source_id], gold(source_id)["source"]
    assert source.script == meta["script"]
    for field in ("title", "publisher", "url", "date"):
        if meta.get(field) is not None:
            assert getattr(source, field) == meta[field], field


@pytest.mark.parametrize("source_id", ARTICLE_IDS)
def test_spans_point_at_the_stating_sentence(dataset: Dataset, source_id: str) -> None:
    text = article(source_id)
    events = dataset.sources[source_id].events
    assert events, f"{source_id} has no events"
    for event in events:
        assert event.span is not None, f"{event.id} has no span"
        assert event.span.end <= len(text), f"{event.id}: span {event.span} beyond the article ({len(text)})"
        quoted = norm(text[event.span.start : event.span.end])
        names = {label for party in event.parties for label in labels(dataset, party)}
        hits = {name for name in names if name in quoted}
        amount = event.amount.text if event.amount is not None else None
        assert hits or (amount and norm(amount) in quoted), f"{event.id}: span {quoted[:60]!r} names no party"


@pytest.mark.parametrize("source_id", ARTICLE_IDS)
def test_amount_text_is_quoted_and_agrees_with_amount(dataset: Dataset, source_id: str) -> None:
    text = article(source_id)
    for event in dataset.sources[source_id].events:
        if event.amount is None:
            continue
        stated = event.amount.text
        assert stated, f"{event.id}: amount without amount_text"
        assert event.span is not None
        assert norm(stated) in norm(text[event.span.start : event.span.end]), f"{event.id}: {stated} not in span"
        number = re.search(r"(\d+(?:\.\d+)?)(万)?", stated)
        assert number, f"{event.id}: no number in {stated!r}"
        value = Decimal(number.group(1)) * (10000 if number.group(2) else 1)
        assert event.amount.value == value, f"{event.id}: {event.amount.value} != {stated}"
        assert event.amount.approximate == bool(re.search("[余约超多]", stated)), f"{event.id}: approximate"
        assert (event.amount.period == "month") == bool(re.search("月", stated)), f"{event.id}: period"


# ------------------------------------------------------------------ coverage of the gold annotation


@pytest.mark.parametrize("source_id", ARTICLE_IDS)
def test_every_gold_relation_is_covered(dataset: Dataset, source_id: str) -> None:
    relations = gold(source_id)["relations"]
    events = dataset.sources[source_id].events
    candidates = [[s for e in events for s in slots(dataset, e, rel, source_id)] for rel in relations]
    assigned = assign(candidates)
    missing = [describe(rel) for rel, slot in zip(relations, assigned, strict=True) if slot is None]
    assert not missing, f"{source_id}: gold relations not covered: {missing}"
    # Each event covers gold relations of its own type, at most one per donor.
    per_event: dict[str, list[int]] = defaultdict(list)
    for slot in assigned:
        assert slot is not None
        per_event[slot[0]].append(slot[1])
    for event_id, donors in per_event.items():
        assert len(donors) == len(set(donors)), f"{event_id} covers two gold lines with the same donor"


def joint_groups(source_id: str) -> list[list[dict]]:
    """Gold donations listed once per donor: same recipient, amount, items and quantity, different donors."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for rel in gold(source_id)["relations"]:
        if rel["type"] == "donation":
            groups[(rel["to"], rel.get("amount_cny"), rel.get("items"), rel.get("quantity"))].append(rel)
    return [g for g in groups.values() if len({r["from"] for r in g}) > 1]


def test_the_corpus_has_joint_gifts() -> None:
    """Guards the joint-gift test below against passing vacuously."""
    assert sum(len(joint_groups(s)) for s in ARTICLE_IDS) >= 3


@pytest.mark.parametrize("source_id", ARTICLE_IDS)
def test_joint_gifts_are_one_event_with_all_donors(dataset: Dataset, source_id: str) -> None:
    events = [e for e in dataset.sources[source_id].events if e.type == "donation"]
    for group in joint_groups(source_id):
        covering = [
            e
            for e in events
            if all(slots(dataset, e, rel, source_id) for rel in group)
            and len({slot for rel in group for slot in slots(dataset, e, rel, source_id)}) >= len(group)
        ]
        donors = sorted(r["from"] for r in group)
        assert len(covering) == 1, f"{source_id}: joint gift of {donors} is not exactly one event"
        # No second event repeats the same gift for one of the donors (money counted once).
        joint = covering[0]
        for other in events:
            if other is joint:
                continue
            repeats = [rel["from"] for rel in group if slots(dataset, other, rel, source_id)]
            same_gift = other.amount == joint.amount and other.items == joint.items
            assert not (repeats and same_gift), f"{other.id} repeats the joint gift {joint.id} for {repeats}"


def test_joint_gift_money_is_counted_once(dataset: Dataset) -> None:
    """The 9万余元 of winter goods given jointly by two 彭州 bodies appears once, with both donors."""
    gifts = [
        e
        for e in dataset.sources["000_bae6103e897b5766"].events
        if e.type == "donation" and e.amount is not None and e.amount.text == "9万余元"
    ]
    assert len(gifts) == 1
    gift = gifts[0]
    assert gift.amount is not None and gift.amount.value == 90000 and gift.amount.approximate
    assert set(gift.helpers) == {"彭州市人力资源和社会保障局", "彭州市红十字会"}
    assert gift.helped == ("黑水县红十字会",)


def test_gold_names_resolve_to_registered_entities(dataset: Dataset) -> None:
    """Every party the gold names resolves to one of our entities (the SCHEMA.md rule, reversed)."""
    unresolved = []
    for source_id in ARTICLE_IDS:
        names = {rel[k] for rel in gold(source_id)["relations"] for k in ("from", "to", "person") if rel.get(k)}
        for name in sorted(names):
            if not any(name in resolve(dataset, eid, source_id) for eid in dataset.entities):
                unresolved.append((source_id, name))
    assert not unresolved


# ------------------------------------------------------------------ the register


def test_regions_hang_up_to_a_province(dataset: Dataset) -> None:
    for entity in dataset.entities.values():
        if entity.type != "Region":
            continue
        chain = [entity]
        while chain[-1].part_of:
            chain.append(dataset.entities[chain[-1].part_of])
        assert chain[-1].level == "province", f"{entity.id} does not reach a province"
        for child, parent in itertools.pairwise(chain):
            if child.adcode and parent.adcode:
                keep = {"province": 2, "prefecture": 4}.get(parent.level, 6)
                assert child.adcode[:keep] == parent.adcode[:keep], f"{child.id} adcode vs {parent.id}"


def test_known_canonical_forms(dataset: Dataset) -> None:
    ents = dataset.entities
    assert ents["知木林镇"].part_of == "黑水县"
    assert ents["黑水县"].part_of == "阿坝藏族羌族自治州"
    assert "阿坝州" in ents["阿坝藏族羌族自治州"].aliases
    assert ents["黑水县知木林镇人民政府"].located_in == "知木林镇"
    assert "彭州市场监管局" in ents["彭州市市场监督管理局"].aliases
    assert "大连化物所" in ents["中国科学院大连化学物理研究所"].aliases
    assert ents["深圳市龙华区"].name == "龙华区" and ents["深圳市龙华区"].adcode == "440309"
    people = [e for e in ents.values() if e.type == "Person"]
    assert people and all(e.member_of or e.located_in for e in people)
