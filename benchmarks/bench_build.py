"""The path a user takes at scale: `graphkit build`, an edit and a rebuild, `graphkit ingest` of one
article, each end to end through the real command, beside a baseline revision of graphkit on the
same data/ folder in the same run.

    python -m benchmarks.bench_build --triples 1000000 --baseline 6690a18
    python -m benchmarks.bench_build --triples 100000 --no-baseline --articles 0

The data/ folder is `benchmarks.generate` written out (YAML, one file per source). The baseline is
checked out with `git worktree` into a temporary folder and run with the same interpreter and
packages. Each checkout's modules are compiled to bytecode first, as installing a wheel does: with
PYTHONDONTWRITEBYTECODE set (as on this project's machine) and no bytecode in a checkout, every
process of a command compiled graphkit's sources again (0.1 s each). Each figure is the wall time
and the peak resident memory of the command's process (os.wait4), so nothing is timed inside the
code it measures.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import generate, write_data

REPO = Path(__file__).resolve().parents[1]
#: An article written for this benchmark (invented places), ingested into the generated data/.
ARTICLE = """鹭川市向青岚县捐赠教学设备
2025-03-02 来源：鹭川日报

3月1日，鹭川市教育局向青岚县第一中学捐赠电脑50台、投影仪10套，价值约60万元。
鹭川市与青岚县签订东西部协作框架协议，鹭川市选派干部林志诚到青岚县挂职，任青岚县人民政府副县长。
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    ok: bool
    tail: str


def run(command: list[str], code: Path, cwd: Path) -> Run:
    """Run graphkit from `code` (a checkout) as a child process; its wall time and peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1", "COLUMNS": "200"}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "graphkit", *command], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(time.perf_counter() - started, usage.ru_maxrss / 1024, process.returncode == 0,
               " | ".join(output.strip().splitlines()[:1])[:160])


def edit_one_source(data: Path) -> None:
    """Change one amount in one source file, as a curator fixing a figure does."""
    path = sorted((data / "sources").glob("*.yaml"))[len(list((data / "sources").glob("*.yaml"))) // 2]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.strip().startswith("amount: "):
            value = line.split(":", 1)[1].strip()
            lines[i] = line.replace(value, str(int(float(value)) + 1), 1)
            break
    path.write_text("".join(lines), encoding="utf-8")


def scenario(code: Path, data: Path, out: Path, work: Path, label: str) -> dict[str, Run]:
    """Full build, then an edit and a rebuild, then one ingested article, on a copy of `data`."""
    compileall.compile_dir(code / "graphkit", quiet=1)  # what pip does on install (see the module's docstring)
    mine = work / f"data-{label}"
    shutil.copytree(data, mine)
    article = work / f"article-{label}" / "luchuan-2025.txt"
    article.parent.mkdir()
    article.write_text(ARTICLE, encoding="utf-8")
    runs = {"full build": run(["build", "--data", str(mine), "--out", str(out)], code, work)}
    edit_one_source(mine)
    runs["edit one source, rebuild"] = run(["build", "--data", str(mine), "--out", str(out)], code, work)
    runs["ingest one article"] = run(["ingest", str(article), "--data", str(mine), "--out", str(out)], code, work)
    return runs


def extraction_rates(work: Path, copies: int, jobs: int) -> None:
    """Articles per second of `graphkit extract` on one batch, with one job and with `jobs`."""
    corpus = REPO.parent / "shared" / "corpus"
    originals = sorted([*corpus.glob("*.txt"), *corpus.glob("dev/*.txt")]) or sorted(
        (REPO / "tests" / "articles").glob("*.txt"))
    batch = work / "batch"
    batch.mkdir()
    for copy in range(copies):
        for path in originals:
            (batch / f"{copy:03d}-{path.name}").write_bytes(path.read_bytes())
    files = sorted(str(p) for p in batch.iterdir())
    print(f"\nextraction of {len(files)} articles ({len(originals)} distinct, {copies} copies each):")
    for count in sorted({1, jobs}):
        result = run(["extract", "--jobs", str(count), "--output", str(work / f"extracted-{count}"), *files],
                     REPO, work)
        print(f"  --jobs {count}: {result.seconds:6.1f} s, {len(files) / result.seconds:6.1f} articles/s, "
              f"peak {result.peak_mb:.0f} MB" + ("" if result.ok else f"   FAILED: {result.tail}"))


def baseline_checkout(revision: str, work: Path) -> Path:
    target = work / "baseline"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(target), revision], check=True,
                   capture_output=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", default="6690a18", help="git revision to compare with (default: before #13)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--articles", type=int, default=40, metavar="COPIES",
                        help="copies of each corpus article in the extraction batch (0: skip)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="graphkit-bench-build-") as tmp:
        work = Path(tmp)
        dataset = generate(args.triples, args.seed)
        data = work / "data"
        write_data(dataset, data)
        events = sum(1 for _ in dataset.events())
        print(f"data/: {len(dataset.sources)} sources, {len(dataset.entities)} entities, {events} events "
              f"(~{args.triples:,} triples), {sum(f.stat().st_size for f in data.rglob('*.yaml')) / 1e6:.1f} MB")
        results = {"this": scenario(REPO, data, work / "out-this", work, "this")}
        baseline = None
        if not args.no_baseline:
            baseline = baseline_checkout(args.baseline, work)
            try:
                results[args.baseline] = scenario(baseline, data, work / "out-base", work, "base")
            finally:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(baseline)],
                               capture_output=True)
        print(f"\n{'step':<28}{'this: s':>10}{'MB':>8}", end="")
        if baseline:
            print(f"{args.baseline + ': s':>16}{'MB':>8}{'speed-up':>10}", end="")
        print()
        for step, mine in results["this"].items():
            line = f"{step:<28}{mine.seconds:>10.1f}{mine.peak_mb:>8.0f}"
            if baseline:
                other = results[args.baseline][step]
                line += f"{other.seconds:>16.1f}{other.peak_mb:>8.0f}{other.seconds / mine.seconds:>9.1f}x"
            print(line + ("" if mine.ok else f"   FAILED: {mine.tail}"))
        if args.articles:
            extraction_rates(work, args.articles, args.jobs)


if __name__ == "__main__":
    main()
