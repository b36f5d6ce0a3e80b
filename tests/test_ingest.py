"""`graphkit ingest`: articles in (UTF-8, GBK, UTF-16), unreviewed records out, curated records untouched.

Every test works on a temporary copy of the repository's data/; the articles are written here.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rdflib import Literal

import graphkit
from graphkit.build import region_coordinates
from graphkit.conversion import record_to_source
from graphkit.dataset import EXTRACTED_REGISTER, DataError, load
from graphkit.ingest import (
    ADDED,
    FAILED,
    KEPT,
    UNCHANGED,
    UPDATED,
    IngestError,
    ingest,
)
from graphkit.linking import Register
from graphkit.ontology import GK, entity_iri
from graphkit.rdf_mapping import dataset_quads, entity_triples
from graphkit.validate import validate
from tests.conftest import REPO, graphkit_cli

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PREFIXES = (
    "PREFIX gk: <https://w3id.org/graphkit/ontology#> PREFIX schema: <https://schema.org/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX prov: <http://www.w3.org/ns/prov#> "
)

CHANGZHOU = """常州市天宁区向伽师县夏普吐勒乡捐款50万元
2024-03-18 09:30  来源:常州日报

3月15日,常州市援疆工作队在伽师县召开援疆工作座谈会。会上,常州市天宁区向伽师县夏普吐勒乡捐款50万元,用于改善村级活动场所。
常州市与伽师县签订东西部协作协议,双方将在产业、教育、医疗等领域深化合作。
常州市第二人民医院医生李建国到伽师县人民医院挂职副院长,为期一年。
"""
# 彭州综合执法局 is an alias of the curated 彭州市综合执法局.
PENGZHOU = """彭州综合执法局为黑水县知木林镇送去办公设备
2024-05-10 11:00  来源:成都新闻网

5月8日,彭州综合执法局向黑水县知木林镇人民政府捐赠办公设备一批,价值8万元,用于改善基层办公条件。
知木林镇负责人表示,将用好这批设备,更好地服务当地群众。
"""
TIANNING = """天宁区与夏普吐勒乡结对帮扶
2024-04-02 来源:伽师零距离

4月1日,常州市天宁区结对帮扶伽师县夏普吐勒乡,双方签订了结对帮扶协议。
"""
CURATED_ID = sorted(p.stem for p in (REPO / "data" / "sources").glob("*.yaml"))[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_articles(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "utf8": folder / "changzhou-jiashi.txt",
        "gbk": folder / "pengzhou-gbk.txt",
        "utf16": folder / "tianning-utf16.txt",
        "curated": folder / f"{CURATED_ID}.txt",
    }
    files["utf8"].write_text(CHANGZHOU, encoding="utf-8")
    files["gbk"].write_bytes(PENGZHOU.encode("gbk"))
    files["utf16"].write_bytes(TIANNING.encode("utf-16"))
    files["curated"].write_text(CHANGZHOU.replace("50万元", "70万元"), encoding="utf-8")
    return files


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A scratch copy of the repository's dataset."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


@pytest.fixture
def articles(tmp_path: Path) -> dict[str, Path]:
    return write_articles(tmp_path / "articles")


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory):
    """The real command on the test articles plus a binary and an empty file, once per module."""
    root = tmp_path_factory.mktemp("ingest")
    data = root / "data"
    shutil.copytree(REPO / "data", data)
    before = snapshot(data)
    files = write_articles(root / "articles")
    binary = root / "articles" / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    empty = root / "articles" / "empty.txt"
    empty.write_bytes(b"")
    order = [files["utf8"], binary, files["gbk"], empty, files["utf16"], files["curated"]]
    result = graphkit_cli("ingest", *map(str, order), "--data", str(data), "--out", str(root / "out"))
    return {"root": root, "data": data, "out": root / "out", "before": before, "files": files,
            "result": result, "bad": (binary, empty)}


def test_bad_files_are_reported_and_skipped_and_the_exit_code_says_so(cli_run) -> None:
    result = cli_run["result"]
    assert result.returncode == 1, result.stdout + result.stderr
    for bad in cli_run["bad"]:
        assert bad.name in result.stderr
        assert not (cli_run["data"] / "sources" / f"{bad.stem}.yaml").exists()
    assert "Traceback" not in result.stderr
    for name in ("changzhou-jiashi", "pengzhou-gbk", "tianning-utf16"):
        assert (cli_run["data"] / "sources" / f"{name}.yaml").is_file(), result.stdout
    assert "added" in result.stdout and "kept-curated" in result.stdout and "failed" in result.stdout


def test_the_built_graph_holds_the_donation_marked_extracted(cli_run) -> None:
    with graphkit.open(cli_run["out"]) as kg:
        rows = kg.store.query(
            PREFIXES + "SELECT ?amount ?status ?donorName ?recipientName WHERE { ?e a gk:Donation ; gk:donor ?donor ; "
            "gk:recipient ?recipient ; gk:amountCNY ?amount ; prov:wasDerivedFrom ?source . "
            "?source gk:reviewStatus ?status . ?donor rdfs:label ?donorName . ?recipient rdfs:label ?recipientName . "
            "FILTER(?donorName = '天宁区'@zh && ?recipientName = '夏普吐勒乡'@zh) }"
        ).dicts()
    assert [(r["amount"], r["status"]) for r in rows] == [(Decimal("500000"), "extracted")]
    source = yaml.safe_load((cli_run["data"] / "sources" / "changzhou-jiashi.yaml").read_text(encoding="utf-8"))
    assert source["status"] == "extracted" and len(source["sha256"]) == 64
    assert source["file"] == "changzhou-jiashi.txt"
    donation = next(e for e in source["events"] if e["type"] == "donation")
    start, end = donation["span"]
    assert "50万元" in CHANGZHOU[start:end]
    assert {e["type"] for e in source["events"]} == {"donation", "pairing", "secondment"}


def test_the_page_quotes_the_ingested_articles(cli_run) -> None:
    """The rebuilt page quotes, for each event of an ingested article, the sentence that states it
    (decoded as ingest decoded it: the GBK file too)."""
    from graphkit.render.page import read_payload

    data = read_payload((cli_run["out"] / "index.html").read_text(encoding="utf-8"))
    quoted: dict[str, list[str]] = {}
    for edge in data["edges"]:
        if edge["gk"].get("evidence"):
            quoted.setdefault(edge["gk"]["sourceId"], []).append(edge["gk"]["evidence"])
    assert any("50万元" in q for q in quoted["changzhou-jiashi"]) and all(q in CHANGZHOU for q in quoted["changzhou-jiashi"])
    assert quoted["pengzhou-gbk"] and all(q in PENGZHOU for q in quoted["pengzhou-gbk"])
    assert not any(e["gk"].get("evidence") for e in data["edges"] if e["gk"].get("sourceId") == CURATED_ID)


def test_a_region_of_the_article_hangs_under_its_gazetteer_province(cli_run) -> None:
    with graphkit.open(cli_run["out"]) as kg:
        rows = kg.store.query(
            PREFIXES + "SELECT ?name ?code WHERE { ?r rdfs:label '夏普吐勒乡'@zh ; gk:withinRegion ?p . "
            "?p gk:level gk:ProvinceLevel ; rdfs:label ?name ; gk:adcode ?code . FILTER(LANG(?name) = 'zh') }"
        ).dicts()
    assert rows == [{"name": "新疆维吾尔自治区", "code": "650000"}]
    dataset = load(cli_run["data"])
    assert dataset.ancestors("夏普吐勒乡") == ["伽师县", "喀什地区", "新疆维吾尔自治区"]
    assert dataset.entities["伽师县"].adcode == "653129"


def test_the_curated_source_is_kept_byte_for_byte(cli_run) -> None:
    name = f"sources/{CURATED_ID}.yaml"
    assert snapshot(cli_run["data"])[name] == cli_run["before"][name]
    assert "curated version kept" in cli_run["result"].stdout
    assert load(cli_run["data"]).sources[CURATED_ID].status == "reviewed"


def test_curated_entities_win_and_are_never_modified(cli_run) -> None:
    data = cli_run["data"]
    before = load(REPO / "data").entities
    after = load(data)
    assert {i: e for i, e in after.entities.items() if e.status == "reviewed"} == before
    assert (data / "entities.yaml").read_bytes() == cli_run["before"]["entities.yaml"]
    donation = next(e for e in after.sources["pengzhou-gbk"].events if e.type == "donation")
    assert donation.helpers == ("彭州市综合执法局",)  # the curated id, found by its alias 彭州综合执法局
    assert donation.helped == ("黑水县知木林镇人民政府",)
    extracted = yaml.safe_load((data / EXTRACTED_REGISTER).read_text(encoding="utf-8"))
    names = {n for e in extracted for n in (e["id"], e.get("name"), *e.get("aliases", []))}
    assert "彭州综合执法局" not in names and "彭州市综合执法局" not in names


def test_extracted_entities_are_marked_and_the_dataset_still_validates(cli_run) -> None:
    dataset = load(cli_run["data"])
    extracted = {i for i, e in dataset.entities.items() if e.status == "extracted"}
    assert {"天宁区", "夏普吐勒乡", "李建国"} <= extracted
    assert dataset.ancestors("夏普吐勒乡")[-1] == "新疆维吾尔自治区"  # up to the province, curated or not
    assert dataset.entities["伽师县人民医院"].located_in == "伽师县"
    validation = validate((s, p, o) for s, p, o, _ in dataset_quads(dataset, region_coordinates))
    assert validation.conforms, validation.text
    marked = {s for s, p, o in (t for e in dataset.entities.values() for t in entity_triples(e, dataset))
              if p == GK.reviewStatus and o == Literal("extracted")}
    assert marked == {entity_iri(i) for i in extracted}


def test_ingesting_the_same_files_twice_changes_nothing(cli_run) -> None:
    data = cli_run["data"]
    first = snapshot(data)
    report = ingest([*cli_run["files"].values()], data, cli_run["out"], rebuild=False)
    assert snapshot(data) == first
    assert [f.status for f in report.files] == [UNCHANGED, UNCHANGED, UNCHANGED, KEPT]
    assert report.written == [] and report.exit_code == 0


def test_a_changed_article_is_regenerated_and_orphans_leave_the_register(data: Path, articles) -> None:
    path = articles["utf8"]
    report = ingest([path], data, data.parent / "out", rebuild=False)
    assert report.files[0].status == ADDED and "李建国" in report.files[0].new_entities
    assert "李建国" in load(data).entities
    path.write_text(CHANGZHOU.replace("常州市第二人民医院医生李建国到伽师县人民医院挂职副院长,为期一年。\n", ""),
                    encoding="utf-8")
    report = ingest([path], data, data.parent / "out", rebuild=False)
    assert report.files[0].status == UPDATED
    dataset = load(data)
    assert "李建国" not in dataset.entities and "伽师县人民医院" not in dataset.entities
    assert "天宁区" in dataset.entities


def test_against_a_built_graph_a_batch_reads_only_what_it_may_replace_and_writes_the_same(
    data: Path, articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a published build, ingest reads the register and the sources it may replace, and counts
    what every other source names from the build's totals (build.load_naming): it writes what reading
    every record writes, the orphans of a changed article pruned as well."""
    from graphkit import build as building

    out, twin = data.parent / "out", data.parent / "twin"
    building.build(data, out)
    path = articles["utf8"]
    ingest([path], data, out)  # built and published: the next batch counts from its totals
    shutil.copytree(data, twin)
    counted: list[bool] = []
    load_naming = building.load_naming
    monkeypatch.setattr(building, "load_naming", lambda *args: (
        found := load_naming(*args), counted.append(found[1] is not None), found)[-1])
    path.write_text(CHANGZHOU.replace("常州市第二人民医院医生李建国到伽师县人民医院挂职副院长,为期一年。\n", ""),
                    encoding="utf-8")
    report = ingest([path], data, out)
    alone = ingest([path], twin, twin.parent / "nothing-built", rebuild=False)
    assert counted == [True, False]  # the built graph's totals, then every record (no build to count from)
    assert report.files[0].status == alone.files[0].status == UPDATED
    assert snapshot(data) == snapshot(twin)
    assert "李建国" not in load(data).entities and "天宁区" in load(data).entities
    assert report.build is not None and not report.build.full


def test_a_later_article_places_an_entity_an_earlier_one_left_unplaced(data: Path, articles) -> None:
    ingest([articles["utf16"]], data, data.parent / "out", rebuild=False)  # names 夏普吐勒乡 without its county
    assert load(data).entities["夏普吐勒乡"].part_of is None
    ingest([articles["utf8"]], data, data.parent / "out", rebuild=False)
    dataset = load(data)
    assert dataset.entities["夏普吐勒乡"].part_of == "伽师县"
    assert [i for i in dataset.entities if i.startswith("夏普吐勒乡")] == ["夏普吐勒乡"]


def test_a_failure_leaves_data_untouched(data: Path, articles, monkeypatch: pytest.MonkeyPatch) -> None:
    import graphkit.ingest as module

    def refuse(*args, **kwargs):
        raise IngestError("nothing was added: shapes violated")

    monkeypatch.setattr(module, "checked_build", refuse)
    before = snapshot(data)
    with pytest.raises(IngestError):
        ingest([articles["utf8"], articles["gbk"]], data, data.parent / "out", rebuild=False)
    assert snapshot(data) == before


def test_a_source_that_would_not_load_is_dropped_and_the_rest_added(
    data: Path, articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graphkit.ingest as module

    real = module.source_text
    monkeypatch.setattr(
        module, "source_text", lambda source: real(source) + ("  colour: red\n" if source.id == "pengzhou-gbk" else "")
    )
    report = ingest([articles["utf8"], articles["gbk"]], data, data.parent / "out", rebuild=False)
    assert [f.status for f in report.files] == [ADDED, FAILED]
    assert "unknown field" in (report.files[1].message or "") and str(data) in (report.files[1].message or "")
    assert not (data / "sources" / "pengzhou-gbk.yaml").exists()
    assert "changzhou-jiashi" in load(data).sources


def test_a_bad_file_does_not_stop_the_batch_in_the_api(data: Path, articles) -> None:
    empty = articles["utf8"].with_name("blank.txt")
    empty.write_text("   \n", encoding="utf-8")
    report = ingest([empty, articles["utf16"]], data, data.parent / "out", rebuild=False)
    assert [f.status for f in report.files] == [FAILED, ADDED]
    assert report.exit_code == 1 and "blank.txt" in (report.files[0].message or "")


def test_duplicate_ids_across_the_two_registers_name_both_places(tiny_data: Path) -> None:
    register = tiny_data / EXTRACTED_REGISTER
    register.parent.mkdir()
    register.write_text("- id: 天宁区\n  type: Region\n  level: district\n- id: 黑水县\n  type: Region\n  level: county\n",
                        encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(tiny_data)
    error = caught.value
    assert Path(error.path) == register and error.line == 4 and error.field == "id"
    assert "duplicate entity id '黑水县'" in error.message and str(tiny_data / "entities.yaml") in error.message


def test_records_become_events_by_the_rules(tiny_data: Path) -> None:
    dataset = load(tiny_data)
    register = Register(dataset)
    record = {
        "id": "x",
        "source": {"title": "测试", "publisher": None, "url": "not a url", "date": "2024-13", "script": "simplified"},
        "entities": [
            {"name": "黑水", "aliases": [], "type": "Region", "level": "county"},
            {"name": "彭州市", "aliases": ["彭州"], "type": "Region", "level": "county", "part_of": "成都市"},
            {"name": "魏国庆", "aliases": [], "type": "Company"},
            {"name": "永安镇", "aliases": [], "type": "Region", "level": "township", "part_of": "黑水县"},
            {"name": "永安镇", "aliases": [], "type": "Region", "level": "township", "part_of": "彭州市"},
            {"name": "某某爱心协会", "aliases": ["协会"], "type": "SocialOrganization"},
        ],
        "relations": [
            {"type": "pairing", "from": "彭州", "to": "黑水", "mode": "友好往来", "span": [3, 9]},
            {"type": "donation", "from": "魏国庆", "to": "黑水县", "amount_cny": 5000.0, "approximate": True,
             "amount_text": "5000余元", "per": "month", "facilitated_by": ["无名氏"], "span": [9, 20]},
            {"type": "donation", "from": "某某爱心协会", "to": "永安镇", "amount_cny": 20000},
            {"type": "donation", "from": "某某爱心协会", "to": "永安镇", "amount_cny": 20000},
            {"type": "donation", "from": "无名氏", "to": "黑水县", "amount_cny": 100},
            {"type": "secondment", "person": "魏国庆", "from": None, "to": "知木林镇", "role": "挂职"},
        ],
    }
    source, skipped = record_to_source(record, register, tiny_data / "x.txt", "0" * 64)
    assert skipped == 1  # 无名氏 is nowhere to be found
    assert [e.local_id for e in source.events] == ["p1", "d1", "d2", "s1"]  # the repeated donation once
    pairing, gift, town_gift, secondment = source.events
    assert (pairing.helpers, pairing.helped, pairing.mode) == (("彭州市",), ("黑水县",), None)
    assert pairing.note == "mode as stated: 友好往来"
    assert gift.helpers == ("魏国庆",)  # a curated name wins, whatever type the extractor guessed
    assert gift.amount is not None and gift.amount.value == Decimal("5000.0") and gift.amount.approximate
    assert gift.amount.period == "month" and gift.brokers == ()
    assert town_gift.helped == ("永安镇",)
    assert secondment.person == "魏国庆" and secondment.helpers == () and secondment.role == "挂职"
    assert (source.url, source.date, source.status) == (None, None, "extracted")
    assert register.extracted["永安镇"].part_of == "黑水县"
    association = register.extracted["某某爱心协会"]
    assert association.aliases == () and association.status == "extracted"
    assert "魏国庆" not in register.extracted


def test_an_id_taken_by_another_type_is_qualified(tiny_data: Path) -> None:
    register = Register(load(tiny_data))
    for index, kind in enumerate(("Company", "Person")):
        record = {
            "source": {},
            "entities": [{"name": "金山", "aliases": [], "type": kind}],
            "relations": [{"type": "donation", "from": "金山", "to": "黑水县", "amount_cny": 1000}],
        }
        source, _ = record_to_source(record, register, tiny_data / f"k{index}.txt", "0" * 64)
        assert source.events[0].helpers == (("金山", "金山（个人）")[index],)
    assert {(e.id, e.type, e.name) for e in register.extracted.values()} == {
        ("金山", "Company", "金山"), ("金山（个人）", "Person", "金山")}


def test_same_named_towns_of_different_counties_stay_apart(tiny_data: Path) -> None:
    register = Register(load(tiny_data))
    for index, county in enumerate(("黑水县", "彭州市")):
        record = {
            "source": {},
            "entities": [{"name": "永安镇", "aliases": [], "type": "Region", "level": "township", "part_of": county}],
            "relations": [{"type": "pairing", "from": "彭州市", "to": "永安镇", "mode": "结对帮扶"}],
        }
        record_to_source(record, register, tiny_data / f"a{index}.txt", "0" * 64)
    assert {(e.id, e.part_of) for e in register.extracted.values()} == {("永安镇", "黑水县"), ("永安镇（彭州市）", "彭州市")}


@pytest.mark.skipif(not (CORPUS / "dev").is_dir(), reason="the shared dev corpus is not present")
def test_the_dev_corpus_ingests_validates_and_is_stable(data: Path) -> None:
    files = sorted((CORPUS / "dev").glob("*.txt"))
    assert files
    for reviewed in (data / "sources").glob("dev-*.yaml"):  # as before they were reviewed
        reviewed.unlink()
    report = ingest(files, data, data.parent / "out", rebuild=False)
    assert [f.status for f in report.files] == [ADDED] * len(files), [f.message for f in report.failed]
    dataset = load(data)
    assert {s.id for s in dataset.sources.values() if s.status == "extracted"} == {f.stem for f in files}
    assert sum(1 for s in dataset.sources.values() for _ in s.events) > 50
    validation = validate((s, p, o) for s, p, o, _ in dataset_quads(dataset, region_coordinates))
    assert validation.conforms, validation.text
    first = snapshot(data)
    report = ingest(list(reversed(files)), data, data.parent / "out", rebuild=False)
    assert {f.status for f in report.files} == {UNCHANGED}
    assert snapshot(data) == first


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not present")
def test_the_articles_of_curated_sources_are_kept(data: Path) -> None:
    files = sorted(CORPUS.glob("*.txt"))
    curated = [f for f in files if (data / "sources" / f"{f.stem}.yaml").is_file()]
    if not curated:
        pytest.skip("no article of the corpus has a curated source")
    before = snapshot(data)
    report = ingest(curated, data, data.parent / "out", rebuild=False)
    assert {f.status for f in report.files} == {KEPT}
    assert snapshot(data) == before


def test_a_load_that_takes_the_curated_register_as_it_was_still_reports_lines(tiny_data: Path) -> None:
    curated = dict(load(tiny_data).entities)
    register = tiny_data / EXTRACTED_REGISTER
    register.parent.mkdir()
    register.write_text("- id: 新村\n  type: Region\n  level: village\n  part_of: 黑水县\n", encoding="utf-8")
    assert load(tiny_data, curated=curated).entities["新村"].part_of == "黑水县"
    register.write_text("- id: 新村\n  type: Region\n  level: village\n  part_of: 火星县\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(tiny_data, curated=curated)
    assert (Path(caught.value.path), caught.value.line, caught.value.field) == (register, 4, "part_of")
    register.write_text("- id: 黑水县\n  type: Region\n  level: county\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(tiny_data, curated=curated)  # a duplicate of an entity taken as it was: both places named
    assert Path(caught.value.path) == register and caught.value.line == 1
    assert "duplicate entity id '黑水县'" in caught.value.message and "entities.yaml" in caught.value.message


def test_a_staged_copy_never_writes_through_to_data(tiny_data: Path, tmp_path: Path) -> None:
    from graphkit.ingest import stage_data

    source = tiny_data / "sources" / "t1.yaml"
    before = source.read_bytes()
    staged = stage_data(tiny_data, [(source, "changed: true\n")], tmp_path / "stage")
    assert (staged / "sources" / "t1.yaml").read_text(encoding="utf-8") == "changed: true\n"
    assert source.read_bytes() == before
    assert (staged / "entities.yaml").read_bytes() == (tiny_data / "entities.yaml").read_bytes()
