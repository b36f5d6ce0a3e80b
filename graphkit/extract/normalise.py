"""Turn an article's bytes or text into clean simplified Chinese with a map back to the original.

Every later step works on `Document.text`; `Document.offsets[i]` is the index in `Document.original`
(the decoded file, HTML source included) of `text[i]`, so a span found in the clean text can be
reported against what the user actually holds. Steps that keep the length (width folding, t2s,
blanking boilerplate) leave the map alone; steps that delete (pinyin glosses, HTML tags) rebuild it.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from graphkit.extract import writing_system


class ArticleError(ValueError):
    """An input that cannot be read as an article (binary, empty, undecodable)."""


@dataclass(frozen=True)
class Document:
    """A decoded article: `original` as read, `text` cleaned, `offsets` mapping text → original."""

    original: str
    text: str
    offsets: tuple[int, ...]
    script: str
    is_html: bool = False
    html_title: str | None = None
    plain: str = ""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span of the clean-text span [start, end)."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


# --- decoding ---------------------------------------------------------------------------------

#: The largest article file read by default (news pages are far smaller; --max-bytes changes it).
MAX_BYTES = 10_000_000

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


_TEXTLIKE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\s\x20-\x7e]")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 lacking a BOM: the decoding (LE or BE) that reads as Chinese text, if one does.

    ASCII shows NULs on one byte parity; pure CJK shows none, so the test is what the decoded
    characters are: GBK or UTF-8 bytes read as UTF-16 land mostly outside the CJK block.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:2000]
        if sample and len(_TEXTLIKE.findall(sample)) >= 0.9 * len(sample) and _CJK.search(sample):
            return text
    return None


def _guess(data: bytes) -> str | None:
    """Decode with charset-normalizer among encodings Chinese news actually uses."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_8", "utf_16"]).best()
    if best is not None:
        return str(best)
    for encoding in ("gb18030", "big5"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


_LATIN1_HIGH = re.compile(r"[\u0080-\u00ff]")


def _check_text(text: str, source: str) -> str:
    """Reject decodings that are empty, mostly control characters (binary data) or mojibake."""
    if not text.strip():
        raise ArticleError(f"{source}: empty article")
    bad = len(_CONTROL.findall(text[:20000]))
    if bad > max(2, len(text[:20000]) // 100):
        raise ArticleError(f"{source}: binary or undecodable content")
    repaired = _mojibake(text[:20000])
    if repaired:
        raise ArticleError(
            f"{source}: mojibake: UTF-8 text that was once read as Latin-1 ({text[:12]!r} is {repaired[:6]!r}); "
            "save the article again as UTF-8"
        )
    return text


def _mojibake(sample: str) -> str | None:
    """The sample repaired, if it is Chinese UTF-8 that some tool decoded as Latin-1 or cp1252 and saved again.

    Such text has almost no CJK characters and many in U+0080–U+00FF; encoding it back and decoding
    as UTF-8 must then succeed and give Chinese. Ordinary Latin text with accents fails that test.
    """
    high = len(_LATIN1_HIGH.findall(sample))
    if high < 20 or len(_CJK.findall(sample)) > high // 10:
        return None
    for codec in ("latin-1", "cp1252"):
        try:
            repaired = sample.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if len(_CJK.findall(repaired)) >= high // 6:
            return repaired
    return None


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode an article file: BOMs first, then strict UTF-8, BOM-less UTF-16, then a guess.

    Raises ArticleError for empty, binary or undecodable input, so a batch can skip the file.
    """
    if not data.strip():
        raise ArticleError(f"{source}: empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _check_text(data.decode(encoding, errors="replace"), source)
    try:
        return _check_text(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    text = _utf16_without_bom(data)
    if text is None and data.count(b"\x00") > len(data) // 100:
        raise ArticleError(f"{source}: binary content")
    text = text if text is not None else _guess(data)
    if text is None:
        raise ArticleError(f"{source}: undecodable (not UTF-8, GB18030, Big5 or UTF-16)")
    return _check_text(text, source)


# --- HTML -------------------------------------------------------------------------------------

_HTML_HINT = re.compile(r"<(html|body|div|p|br|span|head|article|section|table|h[1-6])\b", re.I)
# Where a token starts; comments and raw-text elements (script, style…) are then closed by a plain
# find, so an unterminated one costs one scan, not one per occurrence (linear time on any input).
_HTML_TOKEN = re.compile(r"<!--|<(script|style|noscript|template)\b|<[^<>]*>|&#?\w{1,32};", re.I)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|tr|h[1-6]|section|article|title|table|ul|ol|header|footer)\b", re.I)
_TITLE = re.compile(r"<title[^<>]*>", re.I)


def looks_like_html(text: str) -> bool:
    """Cheap test: a real tag among the first few kilobytes."""
    return bool(_HTML_HINT.search(text[:5000]))


def html_to_text(source: str) -> tuple[str, list[int]]:
    """Strip tags (block tags become newlines) and unescape entities, keeping source offsets."""
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for start, end in _html_tokens(source):
        pieces.append(source[pos:start])
        offsets.extend(range(pos, start))
        token = source[start:end]
        if token.startswith("&"):
            char = html.unescape(token)
            pieces.append(char)
            offsets.extend([start] * len(char))
        elif _BLOCK_TAG.match(token):
            pieces.append("\n")
            offsets.append(start)
        pos = end
    pieces.append(source[pos:])
    offsets.extend(range(pos, len(source)))
    return "".join(pieces), offsets


def _html_tokens(source: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each tag, comment, raw-text element and entity, in order, in linear time."""
    lower = ""
    pos = 0
    while True:
        match = _HTML_TOKEN.search(source, pos)
        if match is None:
            return
        if match.group(0) == "<!--":
            close = source.find("-->", match.end())
            end = len(source) if close < 0 else close + 3
        elif match.group(1):
            lower = lower or source.lower()
            close = lower.find("</" + match.group(1).lower(), match.end())
            bracket = source.find(">", close) if close >= 0 else -1
            end = len(source) if bracket < 0 else bracket + 1
        else:
            end = match.end()
        yield match.start(), end
        pos = end


def html_title(source: str) -> str | None:
    """The <title> of an HTML page, unescaped, or None."""
    match = _TITLE.search(source)
    if match is None:
        return None
    close = source.lower().find("</title", match.end())
    return html.unescape(source[match.end() : close if close >= 0 else match.end()]).strip() or None


# --- character-level clean-up -----------------------------------------------------------------

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x00A0: 0x20}
_PINYIN = re.compile(
    r"(?<=[\u4e00-\u9fff])\(([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ][a-zü]*|[a-zü]{1,6})\)"
)
_SYLLABLE = re.compile(r"^[bcdfghjklmnpqrstwxyz]{0,2}h?[iuü]?[aeiouüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+(n|ng|r)?$")


def fold_width(text: str) -> str:
    """Full-width ASCII (ＡＢＣ１２３（）) to half-width; same length, so offsets are untouched."""
    return text.translate(_WIDTH)


def pinyin_spans(text: str) -> list[tuple[int, int]]:
    """Spans of pinyin glosses inserted after characters, e.g. the "(jìn)" of 進(jìn)一步.

    Only lower-case Latin syllables directly after a Chinese character qualify, so real parentheses
    such as 成都市第二人民医院(成都仁济医院) or (ZARA) are left alone.
    """
    spans = []
    for match in _PINYIN.finditer(text):
        if _SYLLABLE.match(match.group(1)) or any(c in "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ" for c in match.group(1)):
            spans.append(match.span())
    return spans


def delete_spans(text: str, offsets: list[int], spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Remove non-overlapping sorted spans from text and its offset map together."""
    if not spans:
        return text, offsets
    out_text, out_offsets, pos = [], [], 0
    for start, end in spans:
        out_text.append(text[pos:start])
        out_offsets.extend(offsets[pos:start])
        pos = end
    out_text.append(text[pos:])
    out_offsets.extend(offsets[pos:])
    return "".join(out_text), out_offsets


@cache
def _t2s():
    """The OpenCC t2s converter, built once (it loads dictionaries)."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC t2s, line by line; a line whose length would change is converted char by char.

    Keeping the length keeps the offset map valid, which matters more than the rare phrase-level
    conversion that alters length.
    """
    converter = _t2s()
    out = []
    for line in text.split("\n"):
        if not writing_system.has_traditional(line):
            out.append(line)
            continue
        converted = converter.convert(line)
        if len(converted) != len(line):
            chars = map(converter.convert, line)
            converted = "".join(c if len(c) == 1 else o for o, c in zip(line, chars, strict=True))
        out.append(converted)
    return "\n".join(out)


def normalise(raw: str) -> Document:
    """The full clean-up of decoded text: HTML, width, pinyin glosses, t2s and boilerplate."""
    from graphkit.extract.boilerplate import blank_boilerplate

    is_html = looks_like_html(raw)
    if is_html:
        text, offsets = html_to_text(raw)
    else:
        text, offsets = raw, list(range(len(raw)))
    text = fold_width(text).replace("\r", "\n")
    text, offsets = delete_spans(text, offsets, pinyin_spans(text))
    script = writing_system.detect(text)
    if script != "simplified":
        text = to_simplified(text)
    plain = text
    text = blank_boilerplate(text)
    offsets.append(len(raw))
    title = html_title(raw) if is_html else None
    return Document(raw, text, tuple(offsets), script, is_html, title, plain)


def read_bytes(data: bytes, source: str = "<bytes>") -> Document:
    """Decode and normalise an article given as bytes."""
    return normalise(decode_bytes(data, source))
