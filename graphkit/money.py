"""How an amount of yuan is written: one set of formatters for every Python view (tables, charts,
exports, path explanations), so one figure never reads two ways. (The page's script writes its own
万 figures for the same rule in core.js.)

>>> written(150000.0), written(1234567.5), grouped(53659900), wan(53659900), wan(6000)
('150000', '1234567.5', '53,659,900', '5,365.99万', '6,000')
"""

from __future__ import annotations

import math
from decimal import Decimal

__all__ = ["grouped", "wan", "written"]


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


def wan(value: float | Decimal) -> str:
    """A compact figure for charts and cards: 53659900 -> 5,365.99万; below 10,000 the full figure."""
    number = float(value)
    if abs(number) >= 10000:
        return f"{number / 10000:,.2f}".rstrip("0").rstrip(".") + "万"
    return grouped(number)
