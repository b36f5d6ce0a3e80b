"""A build redoes only what changed, and gives what a full build gives, byte for byte.

One out/ is built step by step (a source edited, added, removed; the register edited), each step
only redoing the sources that changed; after each step a full build of the same data/ into another
folder must give the same graph.nq, graph.ttl, page and store contents.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from graphkit import build as building
from graphkit.build import BuildResult, build
from graphkit.dataset import DataError
from graphkit.manifest import read_register_changes
from graphkit.ontology import entity_iri
from graphkit.publish import current_build
from graphkit.render import page_view
from graphkit.store import StoreSpec
from tests.conftest import CORPUS, REPO

Step = Callable[[Path], None]


def edit_amount(data: Path) -> None:
    path = next((data / "sources").glob("000_*.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 150000", "amount: 150001", 1), encoding="utf-8")


def add_source(data: Path) -> None:
    (data / "sources" / "luchuan-2024.yaml").write_text(
        "id: luchuan-2024\ntitle: 鹭川市向黑水县捐赠\ndate: '2024-05-01'\nstatus: reviewed\nevents:\n"
        "- id: d1\n  type: donation\n  from: [彭州市]\n  to: [黑水县]\n  amount: 80000\n", encoding="utf-8")


def remove_source(data: Path) -> None:
    next((data / "sources").glob("001_*.yaml")).unlink()


def entity_added_to_register(data: Path) -> None:
    path = data / "entities.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- id: 鹭川市\n  type: Region\n  level: prefecture\n",
                    encoding="utf-8")


def entity_extracted(data: Path) -> None:
    """What an ingest does: a new entity in the extracted register (its own chunk of the register's graph)."""
    path = data / "extracted" / "entities.yaml"
    path.parent.mkdir(exist_ok=True)
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(before + "\n- id: 青岚县\n  type: Region\n  level: county\n", encoding="utf-8")


def extracted_entity_reviewed(data: Path) -> None:
    """A reviewer moves it to the curated register: its quads move from one chunk to the other."""
    path = data / "extracted" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    entry = "\n- id: 青岚县\n  type: Region\n  level: county\n"
    path.write_text(text.replace(entry, "\n"), encoding="utf-8")
    register = data / "entities.yaml"
    register.write_text(register.read_text(encoding="utf-8") + entry, encoding="utf-8")


STEPS: list[tuple[str, Step, int]] = [  # (what, change, sources redone)
    ("nothing changed", lambda data: None, 0),
    ("an amount edited", edit_amount, 1),
    ("a source added", add_source, 1),
    ("a source removed", remove_source, 1),
    ("the register edited", entity_added_to_register, 0),
    ("an entity extracted", entity_extracted, 0),
    ("an extracted entity reviewed", extracted_entity_reviewed, 0),
]


def store_quads(result: BuildResult) -> list[str]:
    with StoreSpec.directory(result.out_dir / "store").open(read_only=True) as store:
        rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(" ".join(term.n3() for term in row) for row in rows)  # type: ignore[union-attr]


@pytest.mark.parametrize("apart", [False, True], ids=["views-here", "views-in-a-child"])
def test_each_step_redoes_only_what_changed_and_equals_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apart: bool
) -> None:
    """With the views drawn in the build's process (a small graph) and in a child process from a
    checkpoint of the store while the build adds the roll-ups (a large one: build.VIEWS_APART)."""
    if apart:
        monkeypatch.setattr(building, "VIEWS_APART", 0)
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    first = build(data, tmp_path / "out", views=[page_view])
    assert first.full and len(first.redone) == len(first.dataset.sources)
    for number, (what, change, redone) in enumerate(STEPS):
        change(data)
        step = build(data, tmp_path / "out", views=[page_view])
        assert not step.full, what
        assert len(step.redone) == redone, what
        full = build(data, tmp_path / f"full-{number}", views=[page_view], full=True)
        assert full.full
        for name in ("graph.nq", "graph.ttl", "index.html"):
            assert (step.out_dir / name).read_bytes() == (full.out_dir / name).read_bytes(), f"{what}: {name}"
        assert store_quads(step) == store_quads(full), what
        if what == "an entity extracted":  # the curated register's chunk is the previous build's file
            chunks = current_build(step.out_dir) / ".nq"  # type: ignore[operator]
            assert (chunks / "entities.nq").stat().st_nlink > 1, what
            assert entity_iri("青岚县").n3() in (chunks / "entities-extracted.nq").read_text(encoding="utf-8")
            # the one entity the page reads again (the others are the published build's)
            assert read_register_changes(chunks.parent) == [str(entity_iri("青岚县"))], what
    # the last steps are in the graph
    nq = (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
    assert "#amountCNY> \"150001.0\"^^" in nq and "luchuan-2024" in nq
    assert '<http://www.w3.org/2000/01/rdf-schema#label> "鹭川市"@zh' in nq
    reviewed = [line for line in nq.splitlines() if line.startswith(entity_iri("青岚县").n3())]
    assert any('label> "青岚县"@zh' in line for line in reviewed)
    assert not any("reviewStatus" in line for line in reviewed)  # no longer marked extracted


def test_a_register_edit_that_breaks_an_unchanged_source_names_its_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build(data, tmp_path / "out")
    register = yaml.safe_load((data / "entities.yaml").read_text(encoding="utf-8"))
    kept = [e for e in register if e["id"] != "彭州市综合执法局"]
    assert len(kept) == len(register) - 1
    (data / "entities.yaml").write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as failure:
        build(data, tmp_path / "out")
    assert failure.value.path.endswith(".yaml") and "/sources/" in failure.value.path
    assert failure.value.line is not None and failure.value.field == "from"
    assert "彭州市综合执法局" in str(failure.value)


def test_only_a_change_that_can_touch_the_sources_that_did_not_change_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit, a new source, an entity added: what the unchanged sources name and cite is as it was,
    and the roll-ups count the changes, so their records are not read (Plan.kept_hold); a source
    removed (another may cite it) or an entity changed (its sources' regions may change): they are,
    and every reference is checked again. Either way the command line's counts are a full build's."""
    from graphkit import dataset as data_io

    read: list[int] = []
    add_kept = data_io.add_kept
    monkeypatch.setattr(data_io, "add_kept", lambda dataset, root, deferred, kept: (
        read.append(len(deferred)), add_kept(dataset, root, deferred, kept))[1])
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build(data, tmp_path / "out")
    for number, (change, reads) in enumerate([(edit_amount, False), (add_source, False),
                                              (entity_added_to_register, False), (remove_source, True),
                                              (entity_extracted, False), (extracted_entity_reviewed, True)]):
        change(data)
        read.clear()
        step = build(data, tmp_path / "out")
        assert not step.full and bool(read) == reads, change.__name__
        full = build(data, tmp_path / f"full-{number}", full=True)
        assert step.counts() == full.counts(), change.__name__
        assert (step.out_dir / "graph.nq").read_bytes() == (full.out_dir / "graph.nq").read_bytes()
    assert step.counts() == f"{len(full.dataset.entities)} entities, {sum(1 for _ in full.dataset.events())} events " \
        f"from {len(full.dataset.sources)} sources"


def test_an_edit_reads_again_a_kept_record_that_is_gone_and_checks_citations_of_unchanged_sources(
    tmp_path: Path,
) -> None:
    """The records of the sources that did not change are read after the views start (Plan.add_kept):
    one the published build lost is read from data/ again, and an edited source that cites an
    unchanged one (also_in) is checked against it, as a full build checks it."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build(data, tmp_path / "out")
    cited, lost = sorted(path.stem for path in (data / "sources").glob("*.yaml"))[:2]
    (current_build(tmp_path / "out") / ".records" / "sources" / f"{lost}.json").unlink()  # type: ignore[operator]
    (data / "sources" / "luchuan-2024.yaml").write_text(
        "id: luchuan-2024\ntitle: 鹭川市向黑水县捐赠\ndate: '2024-05-01'\nstatus: reviewed\nevents:\n"
        f"- id: d1\n  type: donation\n  from: [彭州市]\n  to: [黑水县]\n  amount: 80000\n  also_in: [{cited}]\n",
        encoding="utf-8")
    result = build(data, tmp_path / "out")
    assert not result.full and result.redone == ["luchuan-2024"]
    assert list(result.dataset.sources) == sorted(result.dataset.sources) and lost in result.dataset.sources
    full = build(data, tmp_path / "full", full=True)
    assert [(s.id, s.events) for s in result.dataset.sources.values()] == [
        (s.id, s.events) for s in full.dataset.sources.values()]
    assert (tmp_path / "out" / "graph.nq").read_bytes() == (tmp_path / "full" / "graph.nq").read_bytes()
    # citing a source that is not there is refused with the edited file's line, and nothing is published
    published = current_build(tmp_path / "out")
    path = data / "sources" / "luchuan-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"also_in: [{cited}]", "also_in: [nowhere]"),
                    encoding="utf-8")
    with pytest.raises(DataError) as failure:
        build(data, tmp_path / "out")
    assert failure.value.path.endswith("luchuan-2024.yaml") and failure.value.field == "also_in"
    assert failure.value.line == 11  # the also_in line
    assert current_build(tmp_path / "out") == published


def test_another_version_of_graphkit_builds_everything_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graphkit import manifest

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build(data, tmp_path / "out")
    assert not build(data, tmp_path / "out").full
    monkeypatch.setattr(manifest, "recipe", lambda: "other code")
    assert build(data, tmp_path / "out").full


@pytest.mark.parametrize("ledger", ["missing", "broken"])
def test_totals_the_published_build_lost_are_counted_afresh(tmp_path: Path, ledger: str) -> None:
    """An edit counts its changes into the published build's totals (build.TOTALS); without them,
    or with a record of the edited source gone, it counts every source, and gives the same graph."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build(data, tmp_path / "out")
    published = current_build(tmp_path / "out")
    assert published is not None
    if ledger == "missing":
        (published / building.TOTALS).unlink()
    else:
        edited = next((data / "sources").glob("000_*.yaml")).stem
        (published / ".records" / "sources" / f"{edited}.json").unlink()
    edit_amount(data)
    step = build(data, tmp_path / "out")
    assert not step.full and len(step.redone) == 1
    full = build(data, tmp_path / "full", full=True)
    assert (step.out_dir / "graph.nq").read_bytes() == (full.out_dir / "graph.nq").read_bytes()
    assert (current_build(step.out_dir) / building.TOTALS).read_bytes() == (  # type: ignore[operator]
        current_build(full.out_dir) / building.TOTALS).read_bytes()  # type: ignore[operator]


def test_a_turtle_chunk_refuses_blank_nodes_which_graph_ttl_would_merge_across_chunks(tmp_path: Path) -> None:
    from graphkit.build import BuildError, _write_turtle_chunk

    chunk = tmp_path / "a.nq"
    chunk.write_text('<https://e.org/a> <https://e.org/p> "x" <https://e.org/g> .\n'
                     '<https://e.org/a> <https://e.org/q> _:b0 <https://e.org/g> .\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"a\.nq: a blank node"):
        _write_turtle_chunk(chunk, tmp_path / "a.ttl")
    chunk.write_text('<https://e.org/a> <https://e.org/p> "x" <https://e.org/g> .\n', encoding="utf-8")
    _write_turtle_chunk(chunk, tmp_path / "a.ttl")
    assert (tmp_path / "a.ttl").read_text(encoding="utf-8") == "<https://e.org/a> <https://e.org/p> \"x\" .\n"


def test_the_page_carries_a_sources_edges_over_only_while_what_they_show_is_the_same(tmp_path: Path) -> None:
    """A page takes the edges of the sources that did not change from the page before (their JSON,
    render.EDGES_MEMO), but not those naming a broker renamed in the register, nor those of a source
    whose article is now at hand to quote: each page is the full build's, byte for byte."""
    from graphkit.render import page_view_quoting
    from graphkit.render.page import read_payload

    article = CORPUS / "000_bae6103e897b5766.txt"
    if not article.is_file():
        pytest.skip("the shared corpus is not beside the checkout")
    data, texts = tmp_path / "data", tmp_path / "texts"
    shutil.copytree(REPO / "data", data)
    texts.mkdir()
    build(data, tmp_path / "out", views=[page_view])
    register = data / "entities.yaml"
    register.write_text(register.read_text(encoding="utf-8").replace(
        "- id: 中国民主同盟六盘水市委员会\n", "- id: 中国民主同盟六盘水市委员会\n  name: 民盟六盘水市委员会（新名）\n"),
        encoding="utf-8")
    shutil.copy(article, texts / "renamed.txt")  # found by its hash
    for number, views in enumerate([[page_view], [page_view_quoting(texts)]]):
        step = build(data, tmp_path / "out", views=views)
        full = build(data, tmp_path / f"full-{number}", views=views, full=True)
        assert not step.full
        assert (step.out_dir / "index.html").read_bytes() == (full.out_dir / "index.html").read_bytes()
    edges = read_payload((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))["edges"]
    brokers = {b["label"] for e in edges for b in e["gk"].get("brokers", [])}
    assert "民盟六盘水市委员会（新名）" in brokers and "中国民主同盟六盘水市委员会" not in brokers
    assert any(e["gk"].get("sourceId") == article.stem and "evidence" in e["gk"] for e in edges)


def test_the_layout_is_carried_over_only_while_the_same_entities_are_linked(tmp_path: Path) -> None:
    """A page takes the published page's positions when its graph links the same pairs of entities (an
    amount edited), and lays the graph out again when an edit links others (a gift given to another
    recipient): each page is the full build's, byte for byte."""
    from graphkit import render

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build(data, tmp_path / "out", views=[page_view])
    laid = []
    carried = render._positions_carried

    def positions(*args: object) -> object:
        found = carried(*args)  # type: ignore[arg-type]
        laid.append(found is not None)
        return found

    path = next((data / "sources").glob("000_*.yaml"))
    relinked = ("to: 黑水县知木林镇人民政府\n    amount: 150002", "to: 吉木萨尔县\n    amount: 150002")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_positions_carried", positions)
        for number, (old, new) in enumerate([("amount: 150000", "amount: 150002"), relinked]):
            text = path.read_text(encoding="utf-8")
            assert old in text
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            step = build(data, tmp_path / "out", views=[page_view])
            full = build(data, tmp_path / f"full-{number}", views=[page_view], full=True)
            assert (step.out_dir / "index.html").read_bytes() == (full.out_dir / "index.html").read_bytes()
    assert laid == [True, False, False, False]  # carried for the amount; laid out for the new link and both full builds


def test_a_memo_read_ahead_is_taken_once_and_only_while_its_file_is_that_version(tmp_path: Path) -> None:
    """What the child that will draw the page reads while the build reads data/ (render.read_ahead)."""
    import os

    from graphkit.render import ENTITIES_MEMO, _memo, read_ahead

    memo = tmp_path / ENTITIES_MEMO
    memo.write_text('{"k": 1}', encoding="utf-8")
    read_ahead(tmp_path)
    was = memo.stat().st_mtime_ns
    memo.write_text('{"k": 2}', encoding="utf-8")  # the same size, given the same time: the same version
    os.utime(memo, ns=(was, was))
    assert _memo(memo) == {"k": 1}  # as read ahead
    assert _memo(memo) == {"k": 2}  # once only
    read_ahead(tmp_path)
    memo.write_text('{"k": 33}', encoding="utf-8")  # another version
    assert _memo(memo) == {"k": 33}


def test_graphs_read_ahead_from_their_chunks_are_what_the_store_gives_and_only_while_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the child that will draw the page reads from a build's N-Quads chunks while the store is
    filled (render.read_graphs_ahead): each source's events and the register's entities as the page
    would read them from the store; a chunk written again since is read from the store instead."""
    from graphkit import render
    from graphkit.networkx_view import entity_attributes, event_attributes

    build(REPO / "data", tmp_path / "out")
    chunks = current_build(tmp_path / "out") / ".nq"  # type: ignore[operator]
    sources = {path.stem: path for path in (chunks / "sources").glob("*.nq")}
    register = [chunks / "entities.nq", chunks / "entities-extracted.nq"]
    with StoreSpec.directory(tmp_path / "out" / "store").open(read_only=True) as store:
        events, entities = event_attributes(store), entity_attributes(store)
    monkeypatch.setattr(render, "GRAPHS_AHEAD_BATCH", 7)  # several stores' worth
    render.read_graphs_ahead(sources, register)
    rewritten = sorted(sources)[0]
    with sources[rewritten].open("ab") as chunk:
        chunk.write(b"\n")  # another version of the file
    read = {source: render._taken(source) for source in sources}
    assert read.pop(rewritten) is None  # written since: the store is read for it
    assert all(part is not None for part in read.values()) and len(read) == len(sources) - 1 > 30
    assert {iri: event for part in read.values() for iri, event in part.items()} == {  # type: ignore[union-attr]
        iri: event for iri, event in events.items() if event["sourceId"] != rewritten
    }
    assert any(event.get("amount") == 150000.0 for part in read.values() for event in part.values())  # type: ignore[union-attr]
    assert render._taken(render.REGISTER_READ) == entities and len(entities) > 300
    assert render._taken(render.REGISTER_READ) is None  # taken once
