"""Title, publisher, date and URL as the article states them (header and footer lines).

Only explicit statements count: a labelled line (标题: 来源: 地址: 发布日期:), a dateline with a time
(2019-12-06 09:30:16), a sign-off ((万源市民政局 供稿)), a wire prefix (厦门日报讯). What the article
does not state is null, so a reader can trust every non-null field.
"""

from __future__ import annotations

import re

from graphkit.extract.boilerplate import is_boilerplate

_URL = re.compile(r"https?://[\w.\-]+(?::\d+)?/[\w\-./?=&%#~+]+")
_LABELLED_URL = re.compile(r"(?:地址|网址|原文链接|链接|URL)\s*[::]\s*(https?://\S+)", re.I)
_TITLE = re.compile(r"^\s*标题\s*[::]\s*(.+?)\s*$", re.M)
_SOURCE = re.compile(r"来源\s*[::|]\s*([^\s::|,,]{2,20})")
_SIGNOFF = re.compile(r"[((]\s*([\u4e00-\u9fff]{3,16}?)\s*(?:供稿|供图|报道)\s*[))]")
_WIRE = re.compile(r"^\s*([\u4e00-\u9fff]{2,10}?(?:日报|晚报|新闻网|网|报|电视台))讯")
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2}|\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+\d{1,2}:\d{2})?")
_NOT_PUBLISHER = re.compile(r"^(原创|本站|网络|互联网|未知)")


def find_url(text: str) -> str | None:
    """A labelled article URL, else the first URL with a path."""
    match = _LABELLED_URL.search(text)
    if match:
        return match.group(1).rstrip("。,")
    match = _URL.search(text)
    return match.group(0).rstrip("。,") if match else None


def find_publisher(text: str) -> str | None:
    """来源: X, a (X 供稿) sign-off, or an "X讯" wire prefix."""
    for pattern in (_SOURCE, _SIGNOFF):
        for match in pattern.finditer(text):
            name = re.sub(r"(发布|供稿)$", "", match.group(1))
            if not _NOT_PUBLISHER.match(name) and len(name) >= 2:
                return name
    wire = _WIRE.search(text)
    return wire.group(1) if wire else None


def find_date(text: str) -> str | None:
    """The publication date from the header lines (a date with a time or a 发布 label)."""
    head = "\n".join(text.split("\n")[:12])
    for match in _DATE.finditer(head):
        line_start = head.rfind("\n", 0, match.start()) + 1
        line = head[line_start : head.find("\n", match.end()) if "\n" in head[match.end():] else len(head)]
        if ":" not in match.group(0) and not re.search(r"发布|发佈|时间|日期|来源|转载", line):
            continue
        year = int(match.group(1))
        year = year + 2000 if year < 100 else year
        month, day = int(match.group(2)), int(match.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def find_title(text: str, html_title: str | None = None) -> str | None:
    """标题: X, else the HTML <title>, else a short first content line."""
    match = _TITLE.search(text)
    if match:
        return match.group(1)
    if html_title:
        return html_title
    kept: list[str] = []
    for line in text.split("\n")[:15]:
        stripped = line.strip()
        if not stripped or is_boilerplate(stripped, kept):
            continue
        if 6 <= len(stripped) <= 60 and "。" not in stripped[:-1] and not stripped.endswith("。"):
            return stripped
        return None
    return None


def extract_metadata(original: str, clean: str, html_title: str | None = None) -> dict:
    """The `source` object minus `script` (the normaliser knows that)."""
    from graphkit.extract.normalise import to_simplified

    publisher = find_publisher(clean)
    return {
        "title": find_title(original, html_title),
        "publisher": to_simplified(publisher) if publisher else None,
        "url": find_url(original),
        "date": find_date(original),
    }
