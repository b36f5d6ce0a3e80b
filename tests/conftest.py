"""Shared fixtures: the repository, the shared corpus, a tiny valid dataset, and the built seed graph."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]  # fmt: skip

TINY_ENTITIES = """\
- id: 四川省
  type: Region
  level: province
- id: 黑水县
  type: Region
  level: county
  part_of: 四川省
  aliases: [黑水]
- id: 知木林镇
  type: Region
  level: township
  part_of: 黑水县
- id: 彭州市
  type: Region
  level: county
  part_of: 四川省
- id: 彭州市综合执法局
  type: GovernmentAgency
  located_in: 彭州市
- id: 黑水县知木林人民政府
  type: GovernmentAgency
  located_in: 知木林镇
- id: 魏国庆
  type: Person
"""

TINY_SOURCE = """\
id: t1
title: 测试文章
publisher: 测试网
date: 2021-10-01
status: reviewed
events:
  - id: d1
    type: donation
    from: 彭州市综合执法局
    to: 黑水县知木林人民政府
    amount: 150000
    amount_text: 15万元
    span: [0, 20]
  - id: p1
    type: pairing
    from: 彭州市
    to: 黑水县
    mode: 对口支援
  - id: s1
    type: secondment
    person: 魏国庆
    from: 彭州市
    to: 知木林镇
"""


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A small valid dataset in a temporary folder, for tests that break it on purpose."""
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "entities.yaml").write_text(TINY_ENTITIES, encoding="utf-8")
    (data / "sources" / "t1.yaml").write_text(TINY_SOURCE, encoding="utf-8")
    return data


def graphkit_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "graphkit", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed dataset of data/ built once per session into a temporary out/ folder."""
    out = tmp_path_factory.mktemp("build") / "out"
    result = graphkit_cli("build", "--data", str(REPO / "data"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def seed_graph(built: Path):
    """The built seed graph, opened read-only through the Python API."""
    import graphkit

    with graphkit.open(built) as kg:
        yield kg


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless and with background networking off, driven by Playwright."""
    # Both are required by the test command (scripts/setup-test-env, the [test] extra): a missing one
    # fails the browser tests rather than skipping them, so a green run always includes them.
    if not CHROMIUM.exists():
        pytest.fail("browser tests need /usr/bin/chromium: run scripts/setup-test-env")
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class BrowserPage:
    """A page opened in headless chromium, with every request, error and dialog it produced."""

    def __init__(
        self, browser: Any, url: str, origin: str, *, schemes: tuple[str, ...] = ("data:",),
        timeout: float = 60_000, downloads: bool = False,
        ready: str = "() => window.graphkit && window.graphkit.ready === true",
    ) -> None:
        self.context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=downloads)
        self.page = self.context.new_page()
        self.allowed = (origin, *schemes)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.goto(url)
        # A function, not a bare expression: the page's CSP forbids the eval Playwright uses for strings.
        self.page.wait_for_function(ready, timeout=timeout)

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def visible_labels(self) -> set[str]:
        return set(
            self.evaluate(
                "() => Array.from(window.graphkit.visible.nodes, id => window.graphkit.index.NODE.get(id).label)"
            )
        )

    def assert_offline(self) -> None:
        outside = [url for url in self.requests if not url.startswith(self.allowed)]
        assert not outside, f"requests outside {self.allowed[0]}: {outside}"

    def check(self) -> None:
        """Nothing fetched from outside, no script error, no dialog."""
        self.assert_offline()
        assert not self.errors, self.errors
        assert not self.dialogs, self.dialogs

    def close(self) -> None:
        self.context.close()


class Served:
    """A real `graphkit serve` subprocess on loopback (port chosen by the OS) and its base URL."""

    def __init__(self, out: Path, *options: str) -> None:
        command = [sys.executable, "-m", "graphkit", "serve", "--out", str(out), "--port", "0", *options]
        self.log = out.parent / f"serve-{os.getpid()}-{id(self)}.log"
        with self.log.open("w") as log:  # stderr to a file: an undrained pipe could block the server
            self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True)
        line = self._first_line(90)
        match = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
        if not match:
            self.stop()
            raise RuntimeError(f"graphkit serve did not start: {line!r} {self.log.read_text()!r}")
        self.base = match.group(1)
        self.sparql = f"{self.base}/sparql"

    def _first_line(self, timeout: float) -> str:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return lines[0] if lines else ""

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture(scope="module")
def writable(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`graphkit serve --allow-update` on a copy of the `out` folder of the module that asks for it."""
    import shutil

    copy = tmp_path_factory.mktemp("serve-rw") / "out"
    shutil.copytree(out, copy)
    served = Served(copy, "--allow-update")
    yield served
    served.stop()


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions sent to child processes (graphkit.apart) during the test, in order."""
    from graphkit import apart

    sent: list[str] = []
    send = apart.Call.send

    def spying(child: Any, function: Any, *args: Any) -> Any:
        sent.append(function.__name__)
        return send(child, function, *args)

    monkeypatch.setattr(apart.Call, "send", spying)
    return sent
