"""Hostile and careless data files: each one is a located one-line error, never a traceback or a hang.

Every case edits the tiny valid dataset in one place. load() must raise a DataError naming the file,
the field where there is one, and a line where YAML still knows it; the command line must print one
line and exit 2, whatever the value holds (markup, control characters, megabytes of it).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from graphkit.dataset import DataError, load
from tests.conftest import graphkit_cli

BOMB = "\n".join(
    ["x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"] + [f"x{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 30)]
)

# (name, file, old text, new text, field or None, words in the message)
CASES = [
    ("alias-in-amount", "sources/t1.yaml", "amount: 150000", "amount: &b [[1,2],[3,4]]\n    note: *b", None,
     "aliases"),
    ("alias-in-span", "sources/t1.yaml", "span: [0, 20]", "span: *nothing", None, "aliases"),
    ("date-month-13", "sources/t1.yaml", "date: 2021-10-01", "date: 2019-13-45", "date", "bad date"),
    ("date-feb-30", "sources/t1.yaml", "date: 2021-10-01", "date: 2019-02-30", "date", "bad date"),
    ("amount-1e400", "sources/t1.yaml", "amount: 150000", "amount: 1e400", "amount", "at most"),
    ("amount-huge-exponent", "sources/t1.yaml", "amount: 150000", "amount: 1e999999999", "amount", "at most"),
    ("amount-float-overflow", "sources/t1.yaml", "amount: 150000", "amount: 1.0e400", "amount", "bad amount"),
    ("amount-400-digits", "sources/t1.yaml", "amount: 150000", "amount: " + "9" * 400, None, "digits"),
    ("amount-5000-digits", "sources/t1.yaml", "amount: 150000", "amount: " + "9" * 5000, None, "digits"),
    ("amount-30-digits", "sources/t1.yaml", "amount: 150000", "amount: " + "1" * 30, "amount", "at most"),
    ("amount-too-precise", "sources/t1.yaml", "amount: 150000", "amount: 1.000001", "amount", "decimal places"),
    ("amount-quoted-huge", "sources/t1.yaml", "amount: 150000", "amount: '" + "9" * 5000 + "'", "amount", "bad amount"),
    ("deep-nesting", "sources/t1.yaml", "amount: 150000", "amount: " + "[" * 20000 + "]" * 20000, None,
     "nested"),
    ("lone-surrogate-in-name", "entities.yaml", "- id: 魏国庆", '- id: "魏\\ud800国庆"', "id", "U+D800"),
    ("c1-control-in-id", "entities.yaml", "- id: 魏国庆", '- id: "魏\\x85国庆"', "id", "U+0085"),
    ("noncharacter-in-id", "entities.yaml", "- id: 魏国庆", '- id: "魏\\uffff国庆"', "id", "U+FFFF"),
    ("nul-in-name", "entities.yaml", "- id: 魏国庆", '- id: 魏国庆\n  name: "魏\\0国庆"', "name", "U+0000"),
    ("esc-in-name", "entities.yaml", "- id: 魏国庆", '- id: 魏国庆\n  name: "魏\\e[31m国庆"', "name", "U+001B"),
    ("zero-width-in-id", "entities.yaml", "- id: 魏国庆", '- id: "魏\\u200b国庆"', "id", "U+200B"),
    ("bidi-override-in-name", "entities.yaml", "- id: 魏国庆", '- id: 魏国庆\n  name: "\\u202e庆国魏"', "name",
     "U+202E"),
    ("blank-id", "entities.yaml", "- id: 魏国庆", "- id: '   '", "id", "blank"),
    ("dot-dot-event-id", "sources/t1.yaml", "id: d1", "id: ..", "id", "bad id"),
    ("slash-event-id", "sources/t1.yaml", "id: d1", "id: a/b", "id", "bad event id"),
    ("url-with-space", "sources/t1.yaml", "publisher: 测试网", "publisher: 测试网\nurl: http://a b/<x>", "url", "bad url"),
    ("url-data", "sources/t1.yaml", "publisher: 测试网", "publisher: 测试网\nurl: 'data:text/html,<script>x</script>'", "url",
     "bad url"),
    ("url-javascript", "sources/t1.yaml", "publisher: 测试网", "publisher: 测试网\nurl: 'javascript:alert(1)'", "url",
     "bad url"),
    ("markup-in-value", "sources/t1.yaml", "mode: 对口支援", "mode: '[/bold] [/]'", "mode", "[/bold] [/]"),
    ("span-markup", "sources/t1.yaml", "span: [0, 20]", "span: [20, 5]", "span", "[20, 5]"),
    ("span-huge", "sources/t1.yaml", "span: [0, 20]", "span: [0, 99999999999999999999]", "span", "bad span"),
]


def _apply(root: Path, file: str, old: str, new: str) -> Path:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, (file, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "file", "old", "new", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_hostile_value_is_a_located_error(
    tiny_data: Path, name: str, file: str, old: str, new: str, field: str | None, words: str | None
) -> None:
    path = _apply(tiny_data, file, old, new)
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        load(tiny_data)
    assert time.monotonic() - started < 10
    error = caught.value
    assert Path(error.path) == path
    assert error.field == field, str(error)
    if words:
        assert words in error.message, str(error)
    assert len(str(error)) < 400, "the message must not grow with the input"
    assert error.line is not None or name in ("amount-400-digits", "amount-5000-digits", "deep-nesting"), str(error)


def test_an_alias_bomb_is_refused_at_once(tiny_data: Path) -> None:
    path = tiny_data / "sources" / "t1.yaml"
    path.write_text(BOMB + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(DataError, match="aliases") as caught:
        load(tiny_data)
    assert caught.value.line == 2
    assert time.monotonic() - started < 2


def test_a_folder_named_like_a_source_is_an_error(tiny_data: Path) -> None:
    (tiny_data / "sources" / "folder.yaml").mkdir()
    with pytest.raises(DataError, match="is a folder"):
        load(tiny_data)


def test_private_use_id_builds_with_a_valid_iri(tiny_data: Path, tmp_path: Path) -> None:
    _apply(tiny_data, "entities.yaml", "- id: 魏国庆", '- id: "x\\ue000y"')
    _apply(tiny_data, "sources/t1.yaml", "person: 魏国庆", 'person: "x\\ue000y"')
    result = graphkit_cli("build", "--data", str(tiny_data), "--out", str(tmp_path / "out"), "--no-page")
    assert result.returncode == 0, result.stderr
    assert "x%EE%80%80y" in (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "shown"),
    [
        ("sources/t1.yaml", "mode: 对口支援", "mode: '[/bold]x[/]'", "'[/bold]x[/]'"),
        ("sources/t1.yaml", "span: [0, 20]", "span: [20, 5]", "[20, 5]"),
        ("sources/t1.yaml", "amount: 150000", "amount: " + "9" * 5000, "digits"),
        ("sources/t1.yaml", "date: 2021-10-01", "date: 2019-02-30", "2019-02-30"),
    ],
)
def test_cli_prints_one_plain_line(tiny_data: Path, tmp_path: Path, file: str, old: str, new: str, shown: str) -> None:
    _apply(tiny_data, file, old, new)
    result = graphkit_cli("build", "--data", str(tiny_data), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert shown in result.stderr and "Traceback" not in result.stderr
