"""Money expressions normalised to yuan."""

from __future__ import annotations

import pytest

from graphkit.extract.amounts import chinese_number, find_amounts, parse_amount


@pytest.mark.parametrize(
    ("text", "value", "approximate"),
    [
        ("定向捐赠15万元", 150_000, False),
        ("市场价0.6万元", 6_000, False),
        ("价值9万余元的物资", 90_000, True),
        ("投入1.05亿元", 105_000_000, False),
        ("价值149000元", 149_000, False),
        ("价值300多万元农机", 3_000_000, True),
        ("超过32亿元", 3_200_000_000, True),
        ("投入约1.35亿元", 135_000_000, True),
        ("不少于 200 万元的帮扶资金", 2_000_000, True),
        ("捐款三十万元", 300_000, False),
        ("价值115万优良种子", 1_150_000, False),
    ],
)
def test_values(text: str, value: int, approximate: bool) -> None:
    amount = parse_amount(text)
    assert amount is not None and amount.yuan == value and amount.approximate is approximate


def test_per_month() -> None:
    assert parse_amount("(5000元/月,应需物资)").per == "month"
    assert parse_amount("并每月补助800元生活费").per == "month"
    assert parse_amount("每月资助6000元").per == "month"
    assert parse_amount("捐赠6000元").per is None


def test_two_gifts_in_one_phrase() -> None:
    found = find_amounts("到校捐赠价值20万元衣物和2万元现金")
    assert [a.yuan for a in found] == [200_000, 20_000]
    assert [a.text for a in found] == ["20万元", "2万元"]


def test_counts_are_not_money() -> None:
    assert find_amounts("受益人口1400余人,改造基本农田近1.9万亩,覆盖3万户") == []


def test_chinese_numerals() -> None:
    assert chinese_number("三十") == 30
    assert chinese_number("一百二十") == 120
    assert chinese_number("两千") == 2000
    assert chinese_number("三十a") is None


def test_a_full_stop_between_digits_is_not_a_decimal_point() -> None:
    """14。24亿元 is ambiguous (a typo for 14.24, or a sentence ending in 14): no guess is made."""
    amount = parse_amount("累计投入14。24亿元")
    assert amount is not None and amount.yuan == 2_400_000_000
