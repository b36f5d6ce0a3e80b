"""Merge relations that state the same fact twice.

News repeats itself: the headline "X向Y捐赠…" is followed by a body sentence about the same gift, and
pairings are restated in every paragraph. Pairings merge on their unordered pair, secondments on
(person, host), donations on (donor, recipient, amount), and a headline gift yields to a body gift
of the same donor whose amount agrees (or is not stated on one side).
"""

from __future__ import annotations

from graphkit.extract.rules.common import _GOVERNMENT_OF_REGION
from graphkit.extract.sentences import Sentence


def _compatible(a: dict, b: dict) -> bool:
    """Two gifts whose amounts could be the same sum."""
    x, y = a.get("amount_cny"), b.get("amount_cny")
    return x is None or y is None or abs(x - y) <= 0.01 * max(abs(x), abs(y))


def _keep_stated(seen: dict, key: object, r: dict) -> None:
    """Keep the first statement of a fact, unless it borrowed a party from context and this one did not."""
    if key not in seen or _better_stated(r, seen[key]):
        seen[key] = r


def _better_stated(new: dict, first: dict) -> bool:
    """Whether a later statement of a fact beats the first: it states what the first borrowed."""
    return "filled" in first and "filled" not in new


def _merge_pairings(rels: list[dict]) -> list[dict]:
    """One pairing per unordered pair of parties, keeping the first statement."""
    seen: dict[frozenset[str], dict] = {}
    for r in rels:
        _keep_stated(seen, frozenset((r["from"], r["to"])), r)
    return list(seen.values())


def _merge_secondments(rels: list[dict]) -> list[dict]:
    """One secondment per (person, host); what one statement says and the other does not is kept:
    到某县挂职 and 任某县副县长 make one secondment with the role 挂职副县长.

    >>> _merge_secondments([
    ...     {"person": "王某", "to": "某县", "from": "某市", "role": "挂职", "filled": {"from": "main-pair"}},
    ...     {"person": "王某", "to": "某县", "from": None, "role": "副县长"}])
    [{'person': '王某', 'to': '某县', 'from': '某市', 'role': '挂职副县长', 'filled': {'from': 'main-pair'}}]
    """
    seen: dict[tuple[str, str], dict] = {}
    for r in rels:
        key = (r["person"], r["to"])
        first = seen.get(key)
        if first is None:
            seen[key] = dict(r)
            continue
        kept, other = (dict(r), first) if _better_stated(r, first) else (first, r)
        seen[key] = kept
        kept["role"] = _joined_roles(first.get("role"), r.get("role"))
        if not kept.get("from") and other.get("from"):
            kept["from"] = other["from"]
            if "from" in other.get("filled", {}):
                kept["filled"] = {**kept.get("filled", {}), "from": other["filled"]["from"]}
    return list(seen.values())


def _joined_roles(a: str | None, b: str | None) -> str | None:
    """Two statements of a secondee's role as one: the dispatch (挂职) before the post (副县长)."""
    if not a or not b or b in a:
        return a or b
    if a in b:
        return b
    return a + b if len(a) <= len(b) else b + a


def _absorb(keep: dict, drop: dict) -> None:
    """Carry over what the dropped statement of a gift knew and the kept one did not."""
    for key in ("amount_cny", "items", "quantity", "purpose", "amount_text", "per"):
        if keep.get(key) is None and drop.get(key) is not None:
            keep[key] = drop[key]
            if key == "amount_cny":
                keep["approximate"] = drop.get("approximate", False)
    keep["facilitated_by"] = list(dict.fromkeys(keep["facilitated_by"] + drop["facilitated_by"]))
    if "filled" in keep and "filled" not in drop:  # the fact is stated after all
        keep.pop("filled")
        keep["rule"] = drop.get("rule", keep.get("rule"))


def _merge_donations(rels: list[dict], headline_starts: set[int]) -> list[dict]:
    """Drop repeated gifts; a headline gift yields to the body's statement of it."""
    body = [r for r in rels if r["span"][0] not in headline_starts]
    heads = [r for r in rels if r["span"][0] in headline_starts]
    out: list[dict] = []
    for r in body:
        twin = next((o for o in out if o["from"] == r["from"] and o["to"] == r["to"] and _compatible(o, r)
                     and (o["amount_cny"] is None or r["amount_cny"] is None or o["amount_cny"] == r["amount_cny"])),
                    None)
        if twin is None:
            out.append(r)
        else:
            _absorb(twin, r)
    for h in heads:
        twin = next((o for o in out if _same_party(o["from"], h["from"]) and _compatible(o, h)), None)
        if twin is None and h.get("approximate") and h.get("amount_cny"):
            later = sorted((o for o in out if o["from"] == h["from"] and o.get("amount_cny")
                            and o["span"][0] > h["span"][0]), key=lambda o: o["span"][0])
            parts = [o for o in later if o["span"] == later[0]["span"]]
            total = sum(o["amount_cny"] for o in parts)
            if parts and h["amount_cny"] <= total < 2 * h["amount_cny"]:
                twin = parts[0]  # 价值300多万元 in the headline sums 216万元 and 115万元 in the body
        if twin is None:
            twin = next((o for o in out if o["to"] == h["to"] and o["amount_cny"] is not None
                         and o["amount_cny"] == h["amount_cny"]), None)
        if twin is None:
            out.append(h)
        else:
            _absorb(twin, h)
    return out


def _same_party(a: str, b: str) -> bool:
    """The same giver named twice: as itself, or once by its government (a headline's 某园区 for the
    body's 某园区管委会).

    >>> _same_party("苏州工业园区", "苏州工业园区管委会"), _same_party("苏州市", "苏州市第一中学")
    (True, False)
    """
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    government = _GOVERNMENT_OF_REGION.match(long)
    return government is not None and government.group(1) == short


def _drop_totals(gifts: list[dict]) -> list[dict]:
    """A total is not a gift of its own: a history (自…以来, 十年来, 历年: years of giving, not an act) never
    is, and a 共计/累计 sum is not when it equals the donor's other gifts in the article. Any other sum
    stays, marked, as the only word on those gifts."""
    stated_by: dict[str, float] = {}  # per donor, the sum of its gifts that are not totals
    for gift in gifts:
        if not gift.get("total"):
            stated_by[gift["from"]] = stated_by.get(gift["from"], 0) + (gift.get("amount_cny") or 0)
    kept = []
    for gift in gifts:
        stated = stated_by.get(gift["from"], 0)
        amount = gift.get("amount_cny")
        is_sum = gift.get("total") == "sum" and amount and stated and abs(stated - amount) <= 0.01 * amount
        if not (is_sum or gift.get("total") == "history"):
            kept.append(gift)
    return kept


def merge(relations: list[dict], sentences: list[Sentence]) -> list[dict]:
    """The relations with duplicates folded, pairings first, then donations, then secondments."""
    headline_starts = {s.start for s in sentences if s.headline}
    by_type: dict[str, list[dict]] = {"pairing": [], "donation": [], "secondment": []}
    for r in relations:
        by_type[r["type"]].append(r)
    return (_merge_pairings(by_type["pairing"]) + _drop_totals(_merge_donations(by_type["donation"], headline_starts))
            + _merge_secondments(by_type["secondment"]))
