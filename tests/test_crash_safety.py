"""kill -9 at every step of publishing a build, of adopting an old out/ and of an ingest: nothing mixed, nothing lost.

Each test kills a real `graphkit` process at a named step (GRAPHKIT_TEST_CRASH_AT, see graphkit.publish)
and then looks at the folders as a reader would: every output under out/ (N-Quads, Turtle, page,
Oxigraph store) must show the same build, old or new; data/ must load and hold the old set of files
or the new one; out/ is never newer than data/. The next ordinary run must succeed and clean up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graphkit.dataset import load
from graphkit.publish import BUILDS, CRASH_ENV
from tests.conftest import REPO, graphkit_cli

OLD, NEW = "150000", "250000"
BUILD_STEPS = ["build:store-filled", "publish:staged", "publish:switched", "publish:linked", "publish:cleaned"]
ADOPT_STEPS = ["adopt:pointed", "adopt:moved-graph.nq", "adopt:moved-index.html", "adopt:moved-store"]
INGEST_STEPS = [
    "build:store-filled", "journal:written", "journal:committed", "journal:applied-one", "journal:applied",
    "publish:staged", "publish:switched", "publish:linked", "publish:cleaned",
]


def killed_at(step: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line and let it kill itself at `step`."""
    env = {**os.environ, CRASH_ENV: step}
    result = subprocess.run(
        [sys.executable, "-m", "graphkit", *args], cwd=REPO, capture_output=True, text=True, timeout=600, env=env
    )
    assert result.returncode == -signal.SIGKILL, (step, result.returncode, result.stderr[-2000:])
    return result


def amounts_seen(out: Path) -> set[str]:
    """Which of the two amounts each output under out/ shows (one entry per output that exists)."""
    seen = set()
    for name in ("graph.nq", "graph.ttl", "index.html"):
        path = out / name
        if path.exists():
            text = path.read_text(encoding="utf-8")
            seen.add(f"{name}:{NEW if NEW in text else OLD if OLD in text else '?'}")
    if (out / "store").exists():
        store = ox.Store.read_only(str(out / "store"))
        query = 'ASK { GRAPH ?g { ?e <https://w3id.org/graphkit/ontology#amountCNY> ?a FILTER(STR(?a) = "%s") } }'
        seen.add(f"store:{NEW if bool(store.query(query % NEW)) else OLD if bool(store.query(query % OLD)) else '?'}")
    return seen


def assert_one_build(out: Path) -> str:
    seen = amounts_seen(out)
    versions = {item.split(":")[1] for item in seen}
    assert len(versions) == 1 and "?" not in versions, seen
    assert {item.split(":")[0] for item in seen} == {"graph.nq", "graph.ttl", "index.html", "store"}, seen
    return versions.pop()


def assert_clean(out: Path) -> None:
    builds = [p.name for p in (out / BUILDS).iterdir()]
    assert len(builds) <= 2, builds
    assert not [p for p in out.iterdir() if ".link-" in p.name]


@pytest.fixture
def built_tiny(tiny_data: Path, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "out"
    result = graphkit_cli("build", "--data", str(tiny_data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert assert_one_build(out) == OLD
    source = tiny_data / "sources" / "t1.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace(f"amount: {OLD}", f"amount: {NEW}"), encoding="utf-8")
    return tiny_data, out


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_build_killed_at_any_step_leaves_one_whole_build(built_tiny: tuple[Path, Path], step: str) -> None:
    data, out = built_tiny
    killed_at(step, "build", "--data", str(data), "--out", str(out))
    expected = OLD if step in ("build:store-filled", "publish:staged") else NEW
    assert assert_one_build(out) == expected
    again = graphkit_cli("build", "--data", str(data), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert assert_one_build(out) == NEW
    assert_clean(out)


@pytest.mark.parametrize("step", ADOPT_STEPS)
def test_an_old_style_out_folder_is_adopted_safely(built_tiny: tuple[Path, Path], step: str) -> None:
    """out/ as builds before .builds/ wrote it: real files and a real store folder."""
    data, out = built_tiny
    current = out / os.readlink(out / "current")
    for link in [p for p in out.iterdir() if p.is_symlink()]:
        link.unlink()
    for item in current.iterdir():
        if not item.name.startswith("."):
            shutil.move(str(item), str(out / item.name))
    shutil.rmtree(out / BUILDS)
    assert assert_one_build(out) == OLD
    killed_at(step, "build", "--data", str(data), "--out", str(out))
    seen = amounts_seen(out)
    assert {item.split(":")[1] for item in seen} == {OLD}, seen  # a missing entry at most, never a mix
    again = graphkit_cli("build", "--data", str(data), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert assert_one_build(out) == NEW
    assert_clean(out)


ARTICLE = """某某市向阳县教育局向青山县白石镇中心小学捐赠帮扶资金30万元,用于修缮校舍。
某某市向阳县与青山县签订对口支援协议。"""


def snapshot(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("step", INGEST_STEPS)
def test_an_ingest_killed_at_any_step_is_all_or_nothing(tiny_data: Path, tmp_path: Path, step: str) -> None:
    out = tmp_path / "out"
    assert graphkit_cli("build", "--data", str(tiny_data), "--out", str(out)).returncode == 0
    article = tmp_path / "xiangyang-2024.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = snapshot(tiny_data)
    out_before = (out / "graph.nq").read_text(encoding="utf-8")
    killed_at(step, "ingest", str(article), "--data", str(tiny_data), "--out", str(out))

    staged = [p.name for p in tiny_data.iterdir() if p.name.startswith(".staging-")]
    assert len(staged) == 1, staged  # the killed run's copy of data/, inside data/ (never the system's temp dir)
    dataset = load(tiny_data)  # finishes a committed journal, drops an uncommitted one and the staged copy
    after = snapshot(tiny_data)
    added = "xiangyang-2024" in dataset.sources
    if step in ("build:store-filled", "journal:written"):  # out/ is staged before data/ is committed
        assert after == before and not added
    else:
        assert added and set(after) > set(before)
    assert not [p for p in tiny_data.iterdir() if p.name.startswith((".journal", ".staging-"))]
    out_now = (out / "graph.nq").read_text(encoding="utf-8")
    assert_one_build_any(out)
    if "xiangyang-2024" in out_now:
        assert added, "out/ is newer than data/"
    elif step in ("publish:switched", "publish:linked", "publish:cleaned"):
        pytest.fail(f"killed after the switch at {step}, but out/ shows the old build")
    else:
        assert out_now == out_before

    again = graphkit_cli("ingest", str(article), "--data", str(tiny_data), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "xiangyang-2024" in (out / "graph.nq").read_text(encoding="utf-8")
    assert load(tiny_data).sources["xiangyang-2024"].status == "extracted"


def assert_one_build_any(out: Path) -> None:
    """Every output under out/ comes from the same build (the tiny data's amount in each)."""
    assert_one_build(out)


# ----------------------------------------------------------------------------------------------
# Read-only folders: one clear line each (as an unprivileged user, since root may write anywhere).


def _as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "graphkit", *args]
    return subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=600, env={**os.environ, "HOME": "/"})


@pytest.fixture
def read_only_tree(tiny_data: Path) -> Iterator[Path]:
    import tempfile

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run graphkit as an unprivileged user")
    root = Path(tempfile.mkdtemp(prefix="graphkit-ro-"))
    shutil.copytree(tiny_data, root / "data")
    assert graphkit_cli("build", "--data", str(root / "data"), "--out", str(root / "out")).returncode == 0
    for path in [root, *root.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    probe = _as_nobody("queries")
    if probe.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"graphkit cannot run as nobody here: {probe.stderr[-200:]}")
    yield root
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755)
    shutil.rmtree(root, ignore_errors=True)


def test_read_only_folders_are_one_line_errors(read_only_tree: Path) -> None:
    data, out = str(read_only_tree / "data"), str(read_only_tree / "out")
    cases = {
        "build into a read-only out/": ("build", "--data", data, "--out", out),
        "build into a folder that cannot be made": ("build", "--data", data, "--out", str(read_only_tree / "new")),
        "ingest into a read-only data/": ("ingest", str(REPO / "tests/articles/art-01-yuanzang-nyingchi.txt"),
                                          "--data", data, "--no-build"),
        "ingest and rebuild a read-only out/": ("ingest", str(REPO / "tests/articles/art-01-yuanzang-nyingchi.txt"),
                                                "--data", data, "--out", out),
    }
    before = snapshot(read_only_tree / "data")
    for name, args in cases.items():
        result = _as_nobody(*args)
        assert result.returncode == 2, (name, result.stderr[-500:])
        lines = [line for line in result.stderr.splitlines() if not line.startswith("skipped")]
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Permission denied" in lines[0], (name, lines)
        assert "Traceback" not in result.stderr
    assert snapshot(read_only_tree / "data") == before


def test_a_staged_copy_of_data_is_swept_only_when_no_run_holds_it(tmp_path: Path) -> None:
    from graphkit.publish import recover, staging_folder

    data = tmp_path / "data"
    data.mkdir()
    left = data / ".staging-0badcafe"  # what a killed run leaves: its lock file, held by nobody
    (left / "data").mkdir(parents=True)
    (left / ".lock").touch()
    with staging_folder(data) as live:
        (live / "data").mkdir()
        recover(data)  # another run reading data/ meanwhile
        assert live.is_dir() and not left.exists()
    assert not live.exists()


def test_a_build_retires_all_but_the_published_build_and_itself(tmp_path: Path) -> None:
    """What a build removes beside its own work (publish.retire): the builds its publishing would
    leave stale, so a build that then fails leaves the published one."""
    from graphkit.publish import COMPLETE, CURRENT, retire

    out = tmp_path / "out"
    for name in ("older", "published", "staging"):
        (out / BUILDS / name).mkdir(parents=True)
        (out / BUILDS / name / "graph.nq").write_text(name, encoding="utf-8")
    for name in ("older", "published"):
        (out / BUILDS / name / COMPLETE).touch()
    (out / CURRENT).symlink_to(f"{BUILDS}/published")
    retire(out, out / BUILDS / "staging")
    assert sorted(p.name for p in (out / BUILDS).iterdir()) == ["published", "staging"]
    assert (out / CURRENT / "graph.nq").read_text(encoding="utf-8") == "published"
