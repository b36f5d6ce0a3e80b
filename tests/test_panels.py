"""Analysis-ready panels (graphkit.panels) of the seed and backbone data, by the real command: one row
per unit and year, money by the aggregation rule, pairings in force by the rule the named query
applies, written as CSV, Parquet and Stata and read back; the codebook names every column."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import graphkit
from graphkit.dataset import load
from graphkit.model import counted
from graphkit.panels import CODEBOOKS, LICENCE
from tests.conftest import REPO, graphkit_cli


@pytest.fixture(scope="module")
def region_year(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("panels")
    written = {}
    for fmt in ("csv", "parquet", "dta"):
        target = folder / f"region-year.{fmt}"
        result = graphkit_cli("export", "--panel", "region-year", "--format", fmt, "-o", str(target), "--out", str(built))
        assert result.returncode == 0, result.stderr
        written[fmt] = target
    return written


def test_the_three_formats_hold_the_same_rows_and_say_what_they_are(region_year: dict[str, Path]) -> None:
    frames = {"csv": pd.read_csv(region_year["csv"], dtype={"adcode": str, "province_adcode": str}),
              "parquet": pd.read_parquet(region_year["parquet"]), "dta": pd.read_stata(region_year["dta"])}
    columns = [name for name, _, _ in CODEBOOKS["region-year"]]
    for fmt, frame in frames.items():
        assert list(frame.columns) == columns, fmt
        assert len(frame) == len(frames["csv"]) > 1000, fmt
    guizhou = frames["dta"][(frames["dta"]["region"] == "贵州省") & (frames["dta"]["year"] == 2022)]
    assert guizhou["adcode"].tolist() == ["520000"] and guizhou["province_adcode"].tolist() == ["520000"]
    # one row per region and year: balanced
    assert not frames["parquet"].duplicated(["region_id", "year"]).any()
    assert frames["parquet"].groupby("region_id").size().nunique() == 1
    # the codebook names every column, and the licence; the files carry both
    book = pd.read_csv(region_year["csv"].with_name("region-year.codebook.csv"))
    assert book["variable"].tolist() == [*columns, "(licence)"] and book["definition"].iloc[-1] == LICENCE
    import pyarrow.parquet as pq

    meta = json.loads(pq.read_schema(region_year["parquet"]).metadata[b"graphkit"])
    assert meta["licence"] == LICENCE and [c["variable"] for c in meta["codebook"]] == columns
    with pd.io.stata.StataReader(region_year["dta"]) as reader:
        assert "CC BY 4.0" in reader.data_label
        assert reader.variable_labels()["money_received"].startswith("Yuan received")


def test_pairings_in_force_agree_with_the_named_query(region_year: dict[str, Path], built: Path) -> None:
    frame = pd.read_parquet(region_year["parquet"])
    with graphkit.open(built) as kg:
        for region, year in (("贵州省", 2015), ("贵州省", 2022), ("四川省", 2018), ("重庆市", 2009), ("重庆市", 2011)):
            rows = kg.rows("pairings-in-force", region=region, year=str(year))
            pairs = {(r["helper"], r["helped"]) for r in rows}
            cell = frame[(frame["region"] == region) & (frame["year"] == year)]["pairings_in_force_helped"]
            assert cell.tolist() == [len(pairs)], (region, year)
    chongqing = frame[frame["region"] == "重庆市"].set_index("year")["pairings_in_force_helped"]
    assert chongqing[2009] == 2 and chongqing[2011] == 1  # 珠海市 and 厦门市 until June 2010, 山东省 after


def test_money_follows_the_aggregation_rule(region_year: dict[str, Path]) -> None:
    """黑水县 and what lies within it, 2021, computed here from the records: counted amounts only."""
    dataset = load(REPO / "data")
    expected = Decimal(0)
    for source in dataset.sources.values():
        for event in source.events:
            year = (event.date or source.date or "")[:4]
            inside = any(p == "黑水县" or "黑水县" in dataset.ancestors(p) for p in event.helped)
            if event.type == "donation" and year == "2021" and inside and event.amount is not None:
                expected += counted(event.amount.value, event.amount.period,
                                    recommended=event.recommended_for_aggregates) or 0
    frame = pd.read_csv(region_year["csv"])
    cell = frame[(frame["region"] == "黑水县") & (frame["year"] == 2021)]["money_received"]
    assert cell.tolist() == [float(expected)] and expected > 0


def test_donor_and_pair_panels(built: Path, tmp_path: Path) -> None:
    for kind in ("donor-year", "pair-year"):
        target = tmp_path / f"{kind}.dta"
        result = graphkit_cli("export", "--panel", kind, "--format", "dta", "-o", str(target), "--out", str(built))
        assert result.returncode == 0, result.stderr
        frame = pd.read_stata(target)
        assert list(frame.columns) == [name for name, _, _ in CODEBOOKS[kind]]
        if kind == "pair-year":
            foshan = frame[(frame["helper"] == "佛山市") & (frame["helped"] == "凉山彝族自治州")].set_index("year")
            assert foshan.loc[[2015, 2016, 2021, 2022], "in_force"].tolist() == [0, 1, 1, 0]
        else:
            shanghai = frame[frame["donor"] == "上海市"]
            assert shanghai["gifts"].sum() >= 2 and shanghai["money_given"].sum() == 0  # cumulative figures only
    refused = graphkit_cli("export", "--format", "parquet", "--out", str(built))
    assert refused.returncode != 0 and "give --panel" in refused.stderr and "Traceback" not in refused.stderr
