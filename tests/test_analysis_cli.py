"""`graphkit regions` and `graphkit flows` answer roll-up questions from the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import graphkit_cli


def _csv(*args: str) -> list[dict[str, str]]:
    result = graphkit_cli(*args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_province_flow_from_liaoning_to_guizhou(built: Path) -> None:
    rows = _csv("flows", "--level", "province", "--out", str(built))
    flow = next(r for r in rows if r["from"] == "辽宁省" and r["to"] == "贵州省")
    assert float(flow["money"]) == 405000 and flow["donations"] == "9"
    assert "东西部扶贫协作" in flow["modes"]


def test_flow_matrix_has_the_same_cell(built: Path) -> None:
    rows = _csv("flows", "--level", "prefecture", "--matrix", "--out", str(built))
    dalian = next(r for r in rows if r["from"] == "大连市")
    assert float(dalian["六盘水市"]) == 405000


def test_county_rollup_of_heishui(built: Path) -> None:
    rows = _csv("regions", "--level", "county", "--out", str(built))
    heishui = next(r for r in rows if r["region"] == "黑水县")
    assert float(heishui["money_received"]) == 450000 and heishui["donations_received"] == "15"
    assert heishui["within"] == "阿坝藏族羌族自治州"
