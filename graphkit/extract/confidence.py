"""How far to trust an extracted relation, from its evidence: a number in [0, 1].

A relation whose parties are all stated in its own sentence is right most of the time; one that
borrows a party from the previous sentence or from the article's main pair was right 30 of 33 times
on the development set but wrong 9 of 10 times on articles never seen. So the score starts from the
rule family's prior and is cut hard for every party taken from context: such a relation is a
low-confidence candidate for review. `extract` and `ingest` keep every candidate by default, each
with its confidence and rule; `--min-confidence 0.5` keeps only what the text states, and
`graphkit eval` prints precision and recall at several thresholds so the tiers can be checked.

>>> confidence({"type": "donation", "rule": "donations", "amount_cny": 500000})
0.85
>>> confidence({"type": "donation", "rule": "donations", "amount_cny": 500000, "filled": {"from": "main-pair"}})
0.3
"""

from __future__ import annotations

#: What `extract`, `ingest` and the Python API keep unless told otherwise: every candidate.
DEFAULT_MIN_CONFIDENCE = 0.0
#: The thresholds `graphkit eval` reports; 0.5 separates stated parties from borrowed ones.
THRESHOLDS = (0.0, 0.5, 0.7, 0.8)

#: Prior of each rule family: how often its relations were right where all parties were stated.
RULE_PRIOR = {
    "pairings_by_mode": 0.85,
    "pairings_by_agreement": 0.7,
    "pairings_by_task": 0.7,
    "pairings_by_province_abbreviations": 0.7,
    "pairings_by_dispatch": 0.7,
    "pairings_under_help": 0.7,
    "secondments_of_persons": 0.85,
    "secondments_of_teams": 0.7,
    "secondments_by_post": 0.75,
    "donations": 0.75,
    "donations_received": 0.7,
    "donations_delivered": 0.65,
}
#: What a party taken from context leaves of the prior, by where it came from.
FILLED = {"previous-sentence": 0.45, "article": 0.5, "main-pair": 0.35, "anaphor": 0.8}
#: The parties that make a relation the one it is (what the gold annotations are matched on).
PARTIES = {"pairing": ("from", "to"), "donation": ("from", "to"), "secondment": ("person", "to")}
#: What a total (累计, 共计, …以来) leaves: kept only when the article states no gift of that donor.
TOTAL = 0.6


def confidence(relation: dict) -> float:
    """The relation's confidence, rounded to two places."""
    score = RULE_PRIOR.get(relation.get("rule", ""), 0.6)
    if relation.get("type") == "donation" and relation.get("amount_cny") is not None:
        score += 0.1  # a stated sum anchors the clause: donor, verb and amount were read together
    parties = PARTIES.get(relation.get("type", ""), ())
    for field, source in (relation.get("filled") or {}).items():
        if field in parties:  # a secondment's sending unit is a detail: filled in, it is marked, not doubted
            score *= FILLED.get(source, 0.4)
    if relation.get("total"):
        score *= TOTAL  # a sum over years or gifts: history more than an act
    return round(min(score, 1.0), 2)


__all__ = ["DEFAULT_MIN_CONFIDENCE", "FILLED", "PARTIES", "RULE_PRIOR", "THRESHOLDS", "confidence"]
