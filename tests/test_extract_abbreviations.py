"""Organisations named again by abbreviation (国投 for 国家开发投资公司): formed from the full name the
article gave first, kept only where the form cannot be an everyday word or another party's name.
Short articles of our own with invented names."""

from __future__ import annotations

from graphkit.extract.entities import _abbreviates, find_mentions
from graphkit.extract.pipeline import extract_text


def test_the_usual_way_of_forming_an_abbreviation() -> None:
    assert _abbreviates("星科", "鹭川星河科技有限公司") is False  # must begin with the first character
    assert _abbreviates("鹭星", "鹭川星河科技有限公司")
    assert _abbreviates("鹭科星", "鹭川星河科技有限公司") is False  # characters in order


ARTICLE = (
    "鹭川星河科技有限公司成立于2001年。\n"
    "近年来,鹭星与青岚县白石村结对帮扶,鹭星先后向白石村捐赠帮扶资金120万元。"
)


def test_an_abbreviation_used_twice_is_the_company() -> None:
    relations = {(r["type"], r["from"], r["to"], r.get("amount_cny")) for r in extract_text(ARTICLE)["relations"]}
    assert ("pairing", "鹭川星河科技有限公司", "白石村", None) in relations
    assert ("donation", "鹭川星河科技有限公司", "白石村", 1_200_000) in relations


def test_a_plain_prefix_or_a_lone_use_is_not_an_abbreviation() -> None:
    text = "鹭川星河科技有限公司成立于2001年。鹭川近年来发展很快,鹭星这个名字也为人熟知。"
    mentions = find_mentions(text)
    assert not [m for m in mentions if m.short_for]
    # a prefix of the name (鹭川, here also the city) and a form used once (鹭星) stand for nothing
    assert "鹭星" not in {m.name for m in mentions}


def test_a_form_two_names_share_is_left_alone() -> None:
    text = ("鹭川星河科技有限公司和鹭川星光电子有限公司成立于2001年。"
            "鹭星与青岚县结对帮扶。鹭星向青岚县捐赠帮扶资金10万元。")
    assert not [m for m in find_mentions(text) if m.short_for]  # (the tagger may still read 鹭星 as a name)
