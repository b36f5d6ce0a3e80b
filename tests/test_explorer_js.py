"""The explorer's scripts: linted with ESLint (scripts/check-code) and their pure logic unit-tested in
node (tests/js/*.test.mjs) on the seed page's data. node is installed by scripts/setup-test-env."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graphkit.render.page import ASSETS, read_payload

TESTS = Path(__file__).resolve().parent / "js"


def test_core_logic_in_node(built: Path, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("the explorer's unit tests need node: run scripts/setup-test-env")
    payload = tmp_path / "payload.json"
    # The page's own wire format (compact edges), exactly what core.js parses in the browser.
    raw = (built / "index.html").read_text(encoding="utf-8")
    start = raw.index('<script type="application/json" id="graph-data">') + len(
        '<script type="application/json" id="graph-data">'
    )
    payload.write_text(raw[start : raw.index("</script>", start)], encoding="utf-8")
    assert read_payload(raw)["nodes"], "the seed page has no entities"
    env = {**os.environ, "GRAPHKIT_CORE_JS": str(ASSETS / "core.js"), "GRAPHKIT_PAYLOAD": str(payload)}
    result = subprocess.run(
        [node, "--test", *map(str, sorted(TESTS.glob("*.test.mjs")))],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed = 0  # from the runner's summary line, "# pass N"
    for line in result.stdout.splitlines():
        if line.startswith("# pass "):
            passed = int(line.removeprefix("# pass "))
    assert passed >= 6, result.stdout
