"""Bad data gets a clear message naming the file, line and field, and the previous build survives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphkit.dataset import DataError, load
from tests.conftest import graphkit_cli


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    """The last line holding `needle` (the edited one, for duplicates)."""
    return max(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_tiny_dataset_is_valid(tiny_data: Path) -> None:
    dataset = load(tiny_data)
    donation = next(e for e in dataset.events() if e.type == "donation")
    assert donation.helpers == ("彭州市综合执法局",)
    assert donation.amount is not None and donation.amount.value == 150000
    assert dataset.ancestors("黑水县知木林人民政府") == ["知木林镇", "黑水县", "四川省"]


@pytest.mark.parametrize(
    ("file", "old", "new", "field", "message"),
    [
        ("sources/t1.yaml", "to: 黑水县知木林人民政府", "to: 不存在的单位", "to", "unknown entity reference '不存在的单位'"),
        ("sources/t1.yaml", "amount: 150000", "amount: 15万元", "amount", "bad amount '15万元'"),
        ("sources/t1.yaml", "amount: 150000", "amount: -5", "amount", "non-negative"),
        ("entities.yaml", "type: Person", "type: Alien", "type", "unknown type 'Alien'"),
        ("entities.yaml", "- id: 魏国庆", "- id: 彭州市", "id", "duplicate entity id '彭州市'"),
        ("sources/t1.yaml", "id: p1", "id: d1", "id", "duplicate event id 'd1'"),
        ("sources/t1.yaml", "mode: 对口支援", "mode: 乱写", "mode", "unknown mode '乱写'"),
        ("sources/t1.yaml", "span: [0, 20]", "span: [20, 5]", "span", "bad span"),
        ("entities.yaml", "part_of: 黑水县", "part_of: 黑水", "part_of", "unknown entity reference '黑水'"),
        ("sources/t1.yaml", "from: 彭州市综合执法局", "from: 彭州市综合执法局\n    colour: red", "colour", "unknown field"),
        ("sources/t1.yaml", "person: 魏国庆", "person: 彭州市综合执法局", "person", "must be a Person or WorkTeam"),
        ("sources/t1.yaml", "    from: 彭州市\n    to: 知木林镇", "    to: 知木林镇\n    from: [彭州市, 黑水县]", "from", "at most one sending unit"),
        ("entities.yaml", "located_in: 彭州市", "located_in: 魏国庆", "located_in", "located in a region"),
    ],
)
def test_bad_data_names_file_line_and_field(
    tiny_data: Path, file: str, old: str, new: str, field: str, message: str
) -> None:
    path = tiny_data / file
    _replace(path, old, new)
    expected_line = _line_of(path, new.splitlines()[-1].strip())
    with pytest.raises(DataError) as caught:
        load(tiny_data)
    error = caught.value
    assert Path(error.path) == path
    assert error.field == field
    assert message in error.message
    assert error.line == expected_line, str(error)


def test_alias_reference_suggests_the_canonical_id(tiny_data: Path) -> None:
    _replace(tiny_data / "sources/t1.yaml", "to: 黑水县\n", "to: 黑水\n")
    with pytest.raises(DataError, match="alias of '黑水县'"):
        load(tiny_data)


def test_yaml_syntax_error_has_a_line(tiny_data: Path) -> None:
    path = tiny_data / "sources/t1.yaml"
    _replace(path, "title: 测试文章", "title: [测试文章")
    with pytest.raises(DataError) as caught:
        load(tiny_data)
    assert caught.value.path == str(path) and caught.value.line is not None
    assert "YAML syntax" in caught.value.message


def test_cli_reports_without_traceback_and_keeps_previous_build(tiny_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = graphkit_cli("build", "--data", str(tiny_data), "--out", str(out), "--no-page")
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert {"graph.ttl", "graph.nq", "validation.ttl"} <= set(before)

    _replace(tiny_data / "sources/t1.yaml", "amount: 150000", "amount: lots")
    second = graphkit_cli("build", "--data", str(tiny_data), "--out", str(out), "--no-page")
    assert second.returncode == 2
    assert "Traceback" not in second.stderr
    assert "t1.yaml:" in second.stderr and "'amount'" in second.stderr and "bad amount 'lots'" in second.stderr
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.parent.iterdir() if ".staging-" in p.name]


def test_sources_read_by_several_processes_are_the_same_records_and_the_first_error_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large data/ is read in shares by this process and children (graphkit.apart): the records are
    those one process reads, and a bad file in a child's share is reported with its file and line,
    the first bad one in file order."""
    import shutil

    from graphkit import dataset
    from tests.conftest import REPO

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    alone = load(data)
    monkeypatch.setattr(dataset, "READ_APART", 2)
    assert load(data, jobs=3) == alone
    names = sorted(p.name for p in (data / "sources").glob("*.yaml"))
    later, last = data / "sources" / names[-2], data / "sources" / names[-1]  # both in the last child's share
    for path in (later, last):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^date: .*$", "date: 2019-13-40", text, count=1), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load(data, jobs=3)
    assert (error.value.path, error.value.line, error.value.field) == (str(later), _line_of(later, "date:"), "date")
    assert "2019-13-40" in error.value.message
