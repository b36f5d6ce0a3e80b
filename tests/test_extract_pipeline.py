"""Files in, SCHEMA.md records out: encodings, HTML, bad files, metadata and the CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphkit.cli import app
from graphkit.extract.pipeline import ArticleError, extract_file, extract_text

ARTICLES = Path(__file__).resolve().parent / "articles"
ARTICLE = "广州市越秀区慈善会向连南瑶族自治县寨岗镇捐赠善款20万元,用于修建村道。\n"


def gift(record: dict) -> tuple:
    (rel,) = [r for r in record["relations"] if r["type"] == "donation"]
    return rel["from"], rel["to"], rel["amount_cny"]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-16"])
def test_encodings_give_the_same_record(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes((ARTICLE * 2).encode(encoding))
    record = extract_file(path)
    assert record["id"] == f"article-{encoding}"
    assert gift(record) == ("广州市越秀区慈善会", "寨岗镇", 200_000)


def test_traditional_script_article(tmp_path: Path) -> None:
    path = tmp_path / "trad.txt"
    path.write_text("廣州市越秀區慈善會向連南瑤族自治縣寨崗鎮捐贈善款20萬元,用於修建村道。", "utf-8")
    record = extract_file(path)
    assert record["source"]["script"] == "traditional"
    assert gift(record) == ("广州市越秀区慈善会", "寨岗镇", 200_000)


@pytest.mark.parametrize("content", [b"", b"\n  \n", b"\x00\x01\x02\x03\xff" * 200, bytes(range(256)) * 8])
def test_bad_files_raise_article_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=r"bad\.txt"):
        extract_file(path)


def test_missing_file_raises_article_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleError):
        extract_file(tmp_path / "nope.txt")


def test_html_article_metadata_and_spans() -> None:
    path = ARTICLES / "art-02-minning-html.html"
    record = extract_file(path)
    assert record["source"]["title"] == "闽宁协作结硕果 福州企业情暖永宁"
    assert record["source"]["date"] == "2022-11-08"
    assert record["source"]["publisher"] == "银川日报"
    original = path.read_text("utf-8")
    for rel in record["relations"]:
        start, end = rel["span"]
        quoted = original[start:end]
        assert quoted.count("<") == quoted.count(">"), quoted  # a span never cuts a tag in two
        assert rel["from" if rel["type"] != "secondment" else "person"]
    donation = next(r for r in record["relations"] if r["to"] == "望远镇")
    start, end = donation["span"]
    assert "望远镇" in original[start:end] and "20万元" in original[start:end]


def test_schema_shape() -> None:
    record = extract_text("标题:某县获赠\n来源:某某日报\n地址:http://example.com/a/1.html\n"
                          "天津市红十字会为于田县人民医院捐赠救护车3辆。", "x")
    assert set(record) == {"id", "source", "entities", "relations"}
    assert record["source"] == {"title": "某县获赠", "publisher": "某某日报", "url": "http://example.com/a/1.html",
                                "date": None, "script": "simplified"}
    (rel,) = record["relations"]
    assert set(rel) >= {"type", "from", "to", "amount_cny", "approximate", "items", "quantity", "purpose",
                        "facilitated_by", "span"}
    assert rel["quantity"] == "3辆"
    names = {e["name"]: e for e in record["entities"]}
    assert names["于田县人民医院"]["type"] == "Hospital"
    assert names["天津市红十字会"]["type"] == "SocialOrganization"


def test_cli_batch_skips_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, "utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(good), str(empty), str(binary), "-o", str(out)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "blob.bin" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["good.json"]
    assert gift(json.loads((out / "good.json").read_text("utf-8"))) == ("广州市越秀区慈善会", "寨岗镇", 200_000)


def test_cli_stdout_json_and_yaml(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, "utf-8")
    result = CliRunner().invoke(app, ["extract", str(good)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["id"] == "good"
    result = CliRunner().invoke(app, ["extract", str(good), "--format", "yaml"])
    assert result.exit_code == 0 and "id: good" in result.stdout


def test_cli_eval_prints_table() -> None:
    result = CliRunner().invoke(app, ["eval", str(ARTICLES)])
    assert result.exit_code == 0
    assert "overall" in result.stdout and "amount accuracy" in result.stdout


def test_worker_processes_give_the_same_records_in_the_same_order(tmp_path: Path) -> None:
    from graphkit.extract.pipeline import Batch

    articles = sorted((Path(__file__).parent / "articles").glob("art-*.*[lt]"))
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    paths = [*articles[:3], bad, *articles[3:]]
    with Batch(paths, chunk=2) as alone:
        expected = [_outcome(alone, p) for p in paths]
    with Batch(paths, chunk=2, jobs=2) as workers:
        assert workers.jobs == 2
        assert [_outcome(workers, p) for p in paths] == expected
    assert expected[3] == "ArticleError" and all(isinstance(e, dict) for e in expected[:3])


def _outcome(batch, path: Path) -> dict | str:
    try:
        return batch.extract(path)[0]
    except ArticleError as exc:
        return type(exc).__name__
