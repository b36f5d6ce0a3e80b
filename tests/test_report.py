"""The offline HTML report: self-contained, escaped, and showing the right numbers."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graphkit.model import counted
from graphkit.render.report import render_report, write_report
from tests.conftest import REPO, graphkit_cli
from tests.test_analysis import XSS, network_of, records


class Collector(HTMLParser):
    """Every tag with its attributes, and the document's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data) -> None:
        self.text.append(data)


def parse(document: str) -> Collector:
    collector = Collector()
    collector.feed(document)
    return collector


def assert_self_contained(document: str) -> Collector:
    parsed = parse(document)
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "audio", "video", "source", "base"}
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            if name in ("src", "srcset", "data", "action", "formaction", "poster", "background"):
                raise AssertionError(f"<{tag} {name}={value!r}> loads something")
            if name in ("href", "xlink:href"):
                assert value and value.startswith("#"), f"<{tag} href={value!r}> leaves the file"
            assert not name.startswith("on"), f"<{tag} {name}> is an event handler"
        if tag == "style" or "style" in attrs:
            assert "url(" not in (attrs.get("style") or "")
    assert "url(" not in document.split("</style>")[0].split("<style>")[-1]
    assert "@import" not in document
    return parsed


@pytest.fixture(scope="module")
def hostile() -> str:
    return render_report(network_of(records(xss=True)), generated="2024-01-01 00:00")


def test_report_is_self_contained_and_utf8(hostile) -> None:
    parsed = assert_self_contained(hostile)
    assert ("meta", {"charset": "utf-8"}) in parsed.tags
    assert hostile.startswith("<!DOCTYPE html>")
    assert sum(1 for tag, _ in parsed.tags if tag == "svg") >= 6  # the charts are inline SVG


def test_report_escapes_hostile_names(hostile) -> None:
    parsed = parse(hostile)
    assert not any(tag in ("img", "script", "b", "i", "x") for tag, _ in parsed.tags)
    text = "".join(parsed.text)
    assert XSS in text  # shown as text...
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile  # ...because it is escaped
    assert "<img" not in hostile and "<script" not in hostile
    assert "<b>标题</b>" in text and "http://evil.example/?a=1&b=2" in text
    assert "http://evil.example/?a=1&amp;b=2" in hostile
    assert "http://evil.example" not in "".join(str(v) for _, a in parsed.tags for v in a.values())


def test_report_shows_top_donor_and_figures(hostile) -> None:
    text = "".join(parse(hostile).text)
    # the hostile company gave 9000000, the most: first bar and first row of the donors table
    assert "9,000,000" in text and "900 万元" in text
    clean = render_report(network_of(records()))
    text = "".join(parse(clean).text)
    assert "彭州市综合执法局" in text and "150,000" in text
    assert "辽宁省" in text and "贵州省" in text and "12 万" in text  # the province flow, 120000
    assert "180,000" in text  # 黑水县 roll-up
    assert "魏国庆" in text and "个人" in text  # a broker, with his type
    for heading in ("Top donors", "Top recipients", "Flows between provinces", "Pairing modes", "Events over time",
                    "Cadres by host region", "Brokers", "Sources"):
        assert heading in text


def test_write_report_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    written = write_report(network_of(records()), target)
    assert written == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_report_of_empty_graph() -> None:
    import graphkit.model as model

    document = render_report(network_of(model.Dataset()))
    assert_self_contained(document)
    assert "Nothing to chart" in document or "No rows" in document


def test_seed_report_from_the_command_line(built: Path, tmp_path: Path) -> None:
    import graphkit

    target = tmp_path / "seed report.html"
    result = graphkit_cli("report", "--out", str(built), "-o", str(target))
    assert result.returncode == 0, result.stderr
    document = target.read_text(encoding="utf-8")
    assert_self_contained(document)
    # the top donor, computed independently from the records: each donor credited with its gifts in full
    dataset = graphkit.load(REPO / "data")
    given: dict[str, Decimal] = {}
    for event in dataset.events():
        if event.type == "donation" and event.amount is not None:
            amount = counted(event.amount.value, event.amount.period, recommended=event.recommended_for_aggregates)
            for donor in set(event.helpers):
                given[donor] = given.get(donor, Decimal(0)) + (amount or 0)
    top = max(given, key=lambda d: (given[d], d))
    text = "".join(parse(document).text)
    assert dataset.entities[top].name in text
    assert f"{given[top]:,.0f}" in text
    assert "黑水县" in text and "六盘水市" in text


def test_report_command_errors_without_a_graph(tmp_path: Path) -> None:
    result = graphkit_cli("report", "--out", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "graphkit build" in result.stderr and "Traceback" not in result.stderr


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_report_renders_in_a_browser(tmp_path: Path) -> None:
    page = write_report(network_of(records()), tmp_path / "report.html")
    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--screenshot={shot}", "--window-size=1280,1600",
         page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )
    assert shot.is_file() and shot.stat().st_size > 20000
