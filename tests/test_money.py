"""One way to write an amount (graphkit.money), used by the report, the exports and path explanations."""

from __future__ import annotations

from decimal import Decimal

from graphkit.money import grouped, short, written


def test_written_never_uses_exponents_or_loses_cents() -> None:
    assert written(1234567.5) == "1234567.5"  # the old path formatter printed 1.23457e+06
    assert written(Decimal("669900.50")) == "669900.5" and written(150000.0) == "150000"
    assert written(None) == "" and written(float("nan")) == ""


def test_tables_and_charts() -> None:
    assert grouped(53659900) == "53,659,900" and grouped(1234.5) == "1,234.50"
    assert short(53659900) == "5,365.99 万元" and short(450000) == "45 万元" and short(6000) == "6,000 元"
    assert short(123456789) == "1.23 亿元" and short(450000, currency="") == "45 万"
