"""Extraction throughput in characters per second, beside plain jieba.lcut on the same text.

Builds a corpus of at least 5 MB by varying the shared corpus articles (or, when that is absent, the
test articles in tests/articles): each copy swaps digits and shuffles paragraph order, so caches keyed
on the exact text cannot help. Then it times `extract_text` over every variant one by one, the same
variants as files through `pipeline.Batch` (how `graphkit extract` and `ingest` run: a chunk of
articles tagged together), and `jieba.lcut` over the same strings, in the same run, and prints the
rates and their ratios to jieba.

    PYTHONPATH=. python benchmarks/bench_extract.py [--mb 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus"
OWN_ARTICLES = ROOT / "tests" / "articles"


def seed_articles() -> list[str]:
    """The article texts to vary: the shared corpus (with dev) if present, else our own."""
    files = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "dev").glob("*.txt"))
    if not files:
        files = sorted(OWN_ARTICLES.glob("*.txt"))
    return [f.read_text("utf-8", errors="replace") for f in files]


def vary(text: str, rng: random.Random) -> str:
    """A variant of an article: digits remapped and paragraphs reordered (headline kept first)."""
    table = str.maketrans("0123456789", "".join(rng.sample("0123456789", 10)))
    lines = text.translate(table).split("\n")
    head, body = lines[:1], lines[1:]
    rng.shuffle(body)
    return "\n".join(head + body)


def build_corpus(megabytes: float, seed: int = 7) -> list[str]:
    """Variants of the seed articles until their UTF-8 size reaches `megabytes`."""
    rng = random.Random(seed)
    seeds = seed_articles()
    out, size = [], 0
    while size < megabytes * 1_000_000:
        text = vary(seeds[len(out) % len(seeds)], rng)
        out.append(text)
        size += len(text.encode("utf-8"))
    return out


def rate(func, texts: list[str]) -> float:
    """Characters per second of `func` over `texts`."""
    chars = sum(len(t) for t in texts)
    start = time.perf_counter()
    for text in texts:
        func(text)
    return chars / (time.perf_counter() - start)


def main() -> None:
    """Build the corpus, warm both sides up, time them, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in MB (UTF-8)")
    args = parser.parse_args()

    import jieba

    from graphkit.extract.pipeline import CHUNK, extract_text

    jieba.setLogLevel(60)
    texts = build_corpus(args.mb)
    extract_text(texts[0], "warmup")
    jieba.lcut(texts[0])
    chars = sum(len(t) for t in texts)
    ours = rate(lambda t: extract_text(t, "bench"), texts)
    batched = batch_rate(texts)
    theirs = rate(jieba.lcut, texts)
    print(f"corpus: {len(texts)} articles, {chars:,} characters, "
          f"{sum(len(t.encode('utf-8')) for t in texts) / 1e6:.1f} MB")
    print(f"extract_text, one by one     : {ours:12,.0f} chars/s")
    print(f"extract files, batch of {CHUNK:<4} : {batched:12,.0f} chars/s   (graphkit extract / ingest)")
    print(f"jieba.lcut                   : {theirs:12,.0f} chars/s")
    print(f"ratio                        : {ours / theirs:12.2f} / {batched / theirs:.2f} x jieba")


def batch_rate(texts: list[str]) -> float:
    """Characters per second of `pipeline.Batch` over the texts written as files (how the commands
    extract: a chunk of articles tagged together)."""
    import tempfile

    from graphkit.extract.pipeline import Batch

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"a{i:05d}.txt"
            path.write_text(text, "utf-8")
            paths.append(path)
        batch = Batch(paths)
        start = time.perf_counter()
        for path in paths:
            batch.extract(path)
        return sum(len(t) for t in texts) / (time.perf_counter() - start)


if __name__ == "__main__":
    main()
