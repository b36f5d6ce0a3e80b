"""Batches of articles: one bad file is reported and skipped, the others go through, nothing is lost silently.

Bad files of every kind a folder of downloads holds (a folder, a dangling link, a symlink loop, a file
over the size limit, mojibake, a second file with the same id) go to `extract` and `ingest` together
with good ones; the good ones must come out whole and each bad one must be named on stderr.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from graphkit.extract.boilerplate import blank_boilerplate
from graphkit.extract.pipeline import ArticleError, Batch, extract_file, extract_text
from tests.conftest import REPO, graphkit_cli

GOOD = "广州市越秀区慈善会向连南瑶族自治县寨岗镇捐赠善款20万元,用于修建村道。\n"
REPORT = (REPO / "tests" / "articles" / "art-04-yuanjiang-report.txt").read_text(encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> dict[str, Path]:
    """Good and bad article files side by side."""
    files = {"good": tmp_path / "good.txt", "report": tmp_path / "report.txt"}
    files["good"].write_text(GOOD, encoding="utf-8")
    files["report"].write_text(REPORT, encoding="utf-8")
    files["folder"] = tmp_path / "folder.txt"
    files["folder"].mkdir()
    files["dangling"] = tmp_path / "dangling.txt"
    files["dangling"].symlink_to(tmp_path / "missing.txt")
    files["loop"] = tmp_path / "loop-a.txt"
    os.symlink(tmp_path / "loop-b.txt", files["loop"])
    os.symlink(tmp_path / "loop-a.txt", tmp_path / "loop-b.txt")
    files["large"] = tmp_path / "large.txt"
    files["large"].write_text(GOOD * 2000, encoding="utf-8")
    files["mojibake"] = tmp_path / "mojibake.txt"
    files["mojibake"].write_bytes((REPORT * 2).encode("utf-8").decode("latin-1").encode("utf-8"))
    (tmp_path / "again").mkdir()
    files["same-id"] = tmp_path / "again" / "good.txt"
    files["same-id"].write_text(REPORT, encoding="utf-8")
    return files


BAD = {"folder": "not a file", "dangling": "not a file", "loop": "loop-a.txt", "large": "limit (--max-bytes)",
       "mojibake": "mojibake", "same-id": "same id 'good'"}


def test_extract_reports_each_bad_file_and_keeps_the_good_ones(folder: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "records"
    result = graphkit_cli("extract", *map(str, folder.values()), "-o", str(out), "--max-bytes", "100000")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == len(BAD), result.stderr
    for name, words in BAD.items():
        assert any(str(folder[name]) in line and words in line for line in skipped), (name, skipped)
    assert sorted(p.name for p in out.iterdir()) == ["good.json", "report.json"]
    good = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert [(r["from"], r["to"], r["amount_cny"]) for r in good["relations"]] == [("广州市越秀区慈善会", "寨岗镇", 200000)]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert any(r.get("amount_cny") == 400000 for r in report["relations"])


def test_ingest_reports_each_bad_file_and_adds_the_good_ones(folder: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    result = graphkit_cli(
        "ingest", *map(str, folder.values()), "--data", str(data), "--no-build", "--max-bytes", "100000"
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for name, words in BAD.items():
        assert any(str(folder[name]) in line and words in line for line in result.stderr.splitlines()), name
    assert (data / "sources" / "good.yaml").is_file() and (data / "sources" / "report.yaml").is_file()


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(GOOD * 100, encoding="utf-8")
    with pytest.raises(ArticleError, match="over the 1,000-byte limit"):
        extract_file(path, max_bytes=1000)
    assert extract_file(path)["relations"]


def test_an_article_on_one_line_loses_nothing_to_the_boilerplate_filter() -> None:
    """A page saved without line breaks: its 责任编辑 line must not blank the whole article."""
    lines = REPORT.replace("\n", "")
    with_breaks = extract_text(REPORT + "\n责任编辑:李四\n")
    one_line = extract_text(lines + "责任编辑:李四。")
    assert len(one_line["relations"]) == len(with_breaks["relations"]) >= 4
    assert {(r["type"], r.get("amount_cny")) for r in one_line["relations"]} == {
        (r["type"], r.get("amount_cny")) for r in with_breaks["relations"]
    }
    blanked = blank_boilerplate("甲单位向乙村捐款1万元。" * 20 + "责任编辑:王五。" + "丙公司向丁村捐款2万元。")
    assert "责任编辑" not in blanked and blanked.count("捐款") == 21


def test_mojibake_is_named_not_read_as_an_empty_article(tmp_path: Path) -> None:
    path = tmp_path / "garbled.txt"
    path.write_bytes(REPORT.encode("utf-8").decode("latin-1").encode("utf-8"))
    with pytest.raises(ArticleError, match="mojibake"):
        extract_file(path)
    accented = tmp_path / "french.txt"
    accented.write_text("Coopération économique: le comté a reçu une aide. " * 20 + GOOD, encoding="utf-8")
    assert extract_file(accented)["relations"]


def test_an_unreadable_file_is_skipped_and_the_rest_extracted() -> None:
    """As an unprivileged user (root reads everything): a file only root may read is reported, not fatal."""
    import subprocess
    import sys
    import tempfile

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run graphkit as an unprivileged user")
    root = Path(tempfile.mkdtemp(prefix="graphkit-unreadable-"))
    try:
        root.chmod(0o755)
        (root / "good.txt").write_text(GOOD, encoding="utf-8")
        (root / "good.txt").chmod(0o644)
        (root / "secret.txt").write_text(GOOD, encoding="utf-8")
        (root / "secret.txt").chmod(0o600)
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "graphkit",
                   "extract", str(root / "secret.txt"), str(root / "good.txt")]
        result = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=300, env={**os.environ, "HOME": "/"})
        if "No module named" in result.stderr:
            pytest.skip("graphkit is not importable as nobody here")
        assert result.returncode == 1, result.stderr
        assert f"skipped: {root / 'secret.txt'}: cannot read (Permission denied)" in result.stderr
        records = json.loads(result.stdout)
        assert [r["id"] for r in records] == ["good"] and records[0]["relations"]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def assert_gives_what_each_file_alone_gives(batch: Batch, paths: list[Path]) -> None:
    """Asked for in order, `batch` gives each file's `extract_file` record, or raises its error."""
    for path in paths:
        try:
            alone = extract_file(path)
        except ArticleError as exc:
            with pytest.raises(ArticleError, match=re.escape(str(exc))):
                batch.extract(path)
            continue
        assert batch.extract(path)[0] == alone
    assert batch.pending == 0


def test_a_chunk_tagged_together_gives_what_each_file_alone_gives(folder: dict[str, Path]) -> None:
    """`Batch` tags a chunk of articles in one go (for speed); the records are those of `extract_file`,
    and a bad file in the chunk is its own error only, in the order asked."""
    paths = sorted(folder.values())
    assert_gives_what_each_file_alone_gives(Batch(paths, chunk=4), paths)
    gift = next(r for r in Batch([folder["good"]]).extract(folder["good"])[0]["relations"] if r["type"] == "donation")
    assert gift["amount_cny"] == 200_000


def test_a_small_batch_read_beside_the_caller_gives_what_each_file_alone_gives(
    folder: dict[str, Path], children: list[str]
) -> None:
    """With `beside` (graphkit ingest), a batch too small for the workers has its first chunk read in a
    child process started at once; the records and errors are the same, the rest read here."""
    paths = sorted(folder.values())
    with Batch(paths, chunk=5, jobs=2, beside=True) as batch:  # 8 files: fewer than two full chunks
        assert children == ["extract_group"]
        assert_gives_what_each_file_alone_gives(batch, paths)
    assert children == ["extract_group"]  # one child, for the first chunk; the other chunks were read here
