"""How an amount of yuan is written: one set of formatters for every view, so one figure never
reads two ways.

`written` is the figure as data holds it (files), `grouped` the full figure for tables, `short` the
compact figure readers of Chinese sources think in (万 and 亿) for cards, charts and the page. The
page's script formats figures it computes in the browser (totals of what the filters leave); it
reads `UNITS` and `DECIMALS` from the page data (`short_rule`) and applies them as `short` does, and a
browser test compares the two on the same figures.

>>> written(150000.0), written(1234567.5), grouped(53659900)
('150000', '1234567.5', '53,659,900')
>>> short(53659900), short(150000), short(6000), short(123456789)
('5,365.99 万元', '15 万元', '6,000 元', '1.23 亿元')
"""

from __future__ import annotations

import math
from decimal import Decimal

__all__ = ["DECIMALS", "UNITS", "grouped", "short", "short_rule", "written"]

#: The compact units, largest first: a figure is written in the first unit it reaches.
UNITS: tuple[tuple[int, str], ...] = ((100_000_000, "亿"), (10_000, "万"))
#: Decimals kept in a compact figure (trailing zeros dropped).
DECIMALS = 2


def written(value: float | Decimal | None) -> str:
    """The figure as data holds it, for files: 150000, 1234.5 (never 1.23457e+06); empty when not stated."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def grouped(value: float | Decimal | None) -> str:
    """The full figure with thousands separators, for tables: 150,000 (two decimals when it has any)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def short(value: float | Decimal, currency: str = "元") -> str:
    """The compact figure: 53659900 -> 5,365.99 万元; below 10,000 the full figure, 6,000 元.

    `currency=""` leaves the 元 out where a heading already says it (5,365.99 万).
    """
    number = float(value)
    for size, unit in UNITS:
        if abs(number) >= size:
            return f"{number / size:,.{DECIMALS}f}".rstrip("0").rstrip(".") + f" {unit}{currency}".rstrip()
    return (f"{number:,.{DECIMALS}f}".rstrip("0").rstrip(".") + f" {currency}").rstrip()


def short_rule() -> dict[str, object]:
    """`UNITS` and `DECIMALS` for the page's script, which formats figures with the same rule."""
    return {"units": [list(unit) for unit in UNITS], "decimals": DECIMALS}
