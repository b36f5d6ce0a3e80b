"""What the endpoint and the CLI send out: spreadsheet-safe CSV, security headers, capped memory and answers,
and a body that never arrives does not hold a thread for long.

All against a real `graphkit serve` on loopback and the real command line.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphkit.results import spreadsheet_cell
from graphkit.server import BODY_TIMEOUT
from tests.conftest import Served, graphkit_cli
from tests.test_server import request, write_out

HOSTILE_CELLS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "-12.5", "+86", "黑水县", ""]
VALUES = " ".join(json.dumps(cell, ensure_ascii=False) for cell in HOSTILE_CELLS)
CELLS_QUERY = f"SELECT ?cell WHERE {{ VALUES ?cell {{ {VALUES} }} }}"
SAFE = {
    '=HYPERLINK("http://x","y")': "'=HYPERLINK(\"http://x\",\"y\")", "+1+1": "'+1+1", "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)", "\tTAB": "'\tTAB", "-12.5": "-12.5", "+86": "+86", "黑水县": "黑水县", "": "",
}


def doubling(times: int, seed: str = "x" * 100) -> str:
    """A query whose one answer is a string of len(seed) * 2**times characters."""
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?a{times}) AS ?n) ?a{times} WHERE {{ BIND("{seed}" AS ?a0) {binds} }}'


def cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["cell"]
    return [row[0] if row else "" for row in rows[1:]]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_out(tmp_path_factory.mktemp("limits") / "out")


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[Served]:
    served = Served(out, "--workers", "1", "--max-memory-mb", "1024", "--max-response-mb", "1", "--timeout", "30")
    yield served
    served.stop()


# ----------------------------------------------------------------------------------------------
# CSV for spreadsheets.


def test_the_rule_itself() -> None:
    assert [spreadsheet_cell(cell) for cell in HOSTILE_CELLS] == [SAFE[cell] for cell in HOSTILE_CELLS]


def test_endpoint_csv_is_spreadsheet_safe_unless_raw(server: Served, out: Path, tmp_path: Path) -> None:
    url = f"{server.sparql}?{urllib.parse.urlencode({'query': CELLS_QUERY})}"
    status, headers, body = request(url, headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert cells(body.decode("utf-8")) == [SAFE[cell] for cell in HOSTILE_CELLS]
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    raw = Served(copy, "--workers", "1", "--raw-csv")
    try:
        status, _, body = request(url.replace(server.sparql, raw.sparql), headers={"Accept": "text/csv"})
        assert status == 200 and cells(body.decode("utf-8")) == HOSTILE_CELLS
    finally:
        raw.stop()


def test_cli_csv_is_spreadsheet_safe_unless_raw(out: Path) -> None:
    safe = graphkit_cli("query", CELLS_QUERY, "--out", str(out), "--format", "csv")
    assert safe.returncode == 0, safe.stderr
    assert cells(safe.stdout) == [SAFE[cell] for cell in HOSTILE_CELLS]
    raw = graphkit_cli("query", CELLS_QUERY, "--out", str(out), "--format", "csv", "--raw-csv")
    assert cells(raw.stdout) == HOSTILE_CELLS


def test_export_csv_neutralises_a_formula_in_a_name(tiny_data: Path, tmp_path: Path) -> None:
    entities = tiny_data / "entities.yaml"
    entities.write_text(entities.read_text(encoding="utf-8").replace(
        "- id: 彭州市综合执法局", "- id: 彭州市综合执法局\n  name: '=HYPERLINK(\"http://x\",\"点我\")'"
    ), encoding="utf-8")
    out = tmp_path / "out"
    assert graphkit_cli("build", "--data", str(tiny_data), "--out", str(out), "--no-page").returncode == 0
    exported = graphkit_cli("export", "--format", "csv", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    donation = next(row for row in rows if row["type"] == "donation")
    assert donation["from"] == "'=HYPERLINK(\"http://x\",\"点我\")"
    raw = graphkit_cli("export", "--format", "csv", "--out", str(out), "--raw-csv")
    assert next(row for row in csv.DictReader(io.StringIO(raw.stdout)) if row["type"] == "donation")["from"] == (
        '=HYPERLINK("http://x","点我")'
    )


# ----------------------------------------------------------------------------------------------
# Headers, memory, size, slow bodies.


def test_every_response_carries_security_headers(server: Served) -> None:
    for url in (f"{server.sparql}?query=ASK%7B%7D", f"{server.base}/health", f"{server.base}/",
                f"{server.base}/nowhere", f"{server.sparql}?query=nonsense"):
        status, headers, _ = request(url)
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "no-referrer", url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert headers["Server"] == "graphkit", (url, headers["Server"])
        assert status in (200, 400, 404)


def test_a_query_over_the_memory_cap_is_stopped_and_the_server_goes_on(server: Served) -> None:
    started = time.monotonic()
    status, _, body = request(f"{server.sparql}?{urllib.parse.urlencode({'query': doubling(26)})}")
    assert status == 503, body
    assert "memory" in json.loads(body)["error"]
    assert time.monotonic() - started < 30
    status, _, body = request(f"{server.sparql}?query=ASK%7B%7D")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_an_answer_over_the_response_cap_is_refused(server: Served) -> None:
    status, _, body = request(f"{server.sparql}?{urllib.parse.urlencode({'query': doubling(14)})}")  # 1.6 MB
    assert status == 400 and "response cap" in json.loads(body)["error"]
    status, _, body = request(f"{server.sparql}?{urllib.parse.urlencode({'query': doubling(12)})}")  # 0.4 MB
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(100 * 2**12)


def test_a_body_that_never_arrives_holds_a_thread_only_briefly(server: Served) -> None:
    host, port = server.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=BODY_TIMEOUT + 20) as connection:
        connection.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100000\r\n\r\nASK {}"
        )
        started = time.monotonic()
        answer = connection.recv(4096)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert waited < BODY_TIMEOUT + 5
