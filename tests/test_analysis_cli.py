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
    assert float(heishui["money_received"]) == 445000 and heishui["donations_received"] == "15"
    assert heishui["within"] == "阿坝藏族羌族自治州"


def test_path_shows_the_companys_own_gift_not_its_citys_pairing(built: Path) -> None:
    result = graphkit_cli("path", "四川交联电缆有限公司", "黑水县", "--out", str(built))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "四川交联电缆有限公司 ↔ 黑水县: 3 hops"
    assert "steps 2, 3: containment" in lines[1]
    assert lines[2].startswith("1. 四川交联电缆有限公司 —[donation 6000 元") and lines[2].endswith("]→ 色尔古村")
    assert "3. 色尔古镇 —[part of, entity register]→ 黑水县" in result.stdout  # brackets are text, not markup
    climbing = graphkit_cli("path", "四川交联电缆有限公司", "黑水县", "--via", "any", "--out", str(built))
    assert "1. 四川交联电缆有限公司 —[located in, entity register]→ 彭州市" in climbing.stdout
    apart = graphkit_cli("path", "黑水县", "大连市", "--out", str(built))
    assert apart.returncode == 1 and "not connected through assistance" in apart.stderr and "--via any" in apart.stderr
