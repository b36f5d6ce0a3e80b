"""Money expressions in Chinese news, normalised to yuan.

Handles 15万元, 0.6万元, 1.05亿元, 价值149000元, 9万余元 / 300多万元 / 约9万元 / 超过32亿元 (approximate),
5000元/月 and 每月1000元 (per month), spaced digits
(200 万元) and Chinese numerals (三十万元). A bare 万 without 元 counts only where the context makes
it money (价值133万物资), so 1400余人 and 2000余亩 are never taken for amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_MULTIPLIER = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100, "": 1}

_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\s?\.\s?\d+)?|[零〇一二两三四五六七八九十百千]+)"
AMOUNT_RE = re.compile(
    r"(?P<pre>约|近|超过|超|逾|达|不少于|不低于|不超过|大约)?\s*"
    + _NUMBER
    + r"\s*(?P<more1>多|余)?\s*(?P<unit>亿|万|千)?\s*(?P<more2>多|余)?\s*"
    r"(?P<yuan>元|块钱|元人民币)?(?P<post>以上|左右)?(?P<month>\s*/\s*月|每月)?"
)
_PRE_MONEY = re.compile(r"(价值|资金|金额|折合|合计|总计|共计|捐赠|捐资|捐款|投入|援助|人民币|约)\s*$")
_POST_MONEY = re.compile(r"^\s*(物资|资金|现金|款|善款|的物资|的资金)")
#: Classifiers: after a number they count things (只, 册, 套 …) or people (人, 名), never yuan.
COUNTERS = frozenset("只个件套台册本份袋箱斤吨张床双头株棵亩人名户次所座辆支瓶盒包把顶条块间")
_MONTHLY_BEFORE = re.compile(r"(每月|每个月|月均)[^,,。\d]{0,4}$")


@dataclass(frozen=True)
class Amount:
    """A stated sum: `value` in yuan, `text` as written, `per` = "month" for monthly sums."""

    value: float
    approximate: bool
    text: str
    start: int
    end: int
    per: str | None = None

    @property
    def yuan(self) -> int | float:
        """The value as an int when whole (150000 rather than 150000.0)."""
        return int(self.value) if float(self.value).is_integer() else round(self.value, 2)


def chinese_number(text: str) -> int | None:
    """三十 → 30, 一百二十 → 120, 两千 → 2000; None when the string is not a numeral."""
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[char]
            current = 0
        else:
            return None
    return total + current


def _number(raw: str) -> float | None:
    """The numeric value of the number part, Arabic or Chinese."""
    raw = raw.replace(" ", "").replace(",", "")
    if raw[0].isdigit():
        try:
            return float(raw)
        except ValueError:
            return None
    value = chinese_number(raw)
    return float(value) if value is not None else None


def _is_money(match: re.Match[str], text: str) -> bool:
    """元 makes it money; a bare 万/亿 needs money words around it (价值, 资金, 物资 …)."""
    if match.group("yuan"):
        return True
    if not match.group("unit") or match.group("unit") not in "万亿":
        return False
    before = text[max(0, match.start() - 6) : match.start()]
    after = text[match.end() : match.end() + 6]
    if after[:1] and after[0] in COUNTERS:
        return False  # 5万只口罩, 2万册图书: a count of things, not of yuan
    return bool(_PRE_MONEY.search(before) or _POST_MONEY.match(after))


def _from_match(match: re.Match[str], text: str) -> Amount | None:
    """Build an Amount from a regex match, or None when it is not a sum of money."""
    if not _is_money(match, text):
        return None
    num = _number(match.group("num"))
    if num is None:
        return None
    if match.group("num")[0].isdigit() is False and not match.group("unit") and num < 10:
        return None
    value = num * _MULTIPLIER[match.group("unit") or ""]
    approximate = bool(
        match.group("more1")
        or match.group("more2")
        or match.group("post")
        or (match.group("pre") and match.group("pre") not in ("达",))
    )
    before = text[max(0, match.start() - 8) : match.start()]
    monthly = bool(match.group("month")) or bool(_MONTHLY_BEFORE.search(before))
    start = match.start("pre") if match.group("pre") else match.start("num")
    end = match.end()
    if match.group("month") and match.group("month").strip() == "每月":
        end = match.start("month")
    return Amount(value, approximate, text[start:end].strip(), start, end, "month" if monthly else None)


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Every sum of money in text[start:end], in order, with offsets into `text`.

    The words around the window still count (每月 before it makes a monthly sum).
    """
    out = []
    for match in AMOUNT_RE.finditer(text, start, len(text) if end is None else end):
        if not match.group("num"):
            continue
        amount = _from_match(match, text)
        if amount is not None:
            out.append(amount)
    return out


def parse_amount(text: str) -> Amount | None:
    """The first sum of money in a short expression (“9万余元” → 90000, approximate)."""
    found = find_amounts(text)
    return found[0] if found else None
