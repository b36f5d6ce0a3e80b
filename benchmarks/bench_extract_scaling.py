"""Extraction time against article size: it must grow linearly, whatever the text holds.

Times `extract_text` on one article repeated to 0.5, 1, 2 and 4 MB, and on hostile HTML (thousands of
unterminated <script, <!--, < and <title), and prints each time with its ratio to the smallest: a
linear extractor shows ratios near 2, 4, 8; the quadratic one this replaced showed 2.3, 8.7, 31.

    PYTHONPATH=. python benchmarks/bench_extract_scaling.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphkit.extract.pipeline import extract_text  # noqa: E402

ARTICLE = (ROOT / "tests" / "articles" / "art-04-yuanjiang-report.txt").read_text(encoding="utf-8")


def timed(text: str) -> float:
    started = time.perf_counter()
    extract_text(text)
    return time.perf_counter() - started


def main() -> None:
    extract_text(ARTICLE)  # load the gazetteer and the automata first
    print(f"{'input':<34}{'seconds':>9}{'ratio':>8}")
    base = None
    for megabytes in (0.5, 1, 2, 4):
        copies = int(megabytes * 1_000_000 / len(ARTICLE.encode("utf-8"))) + 1
        seconds = timed("\n".join([ARTICLE] * copies))
        base = base or seconds
        print(f"{f'article x{copies} ({megabytes} MB)':<34}{seconds:>9.2f}{seconds / base:>8.1f}")
    for name, chunk in (("<script ", "<script "), ("<!-- ", "<!-- "), ("< ", "< "), ("<title>", "<title>")):
        for count in (32_000, 128_000):
            seconds = timed("<html><body><p>黑水县</p>" + chunk * count)
            print(f"{f'{count:,} unterminated {name.strip()}':<34}{seconds:>9.2f}")


if __name__ == "__main__":
    main()
