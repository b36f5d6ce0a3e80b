"""Find the web page furniture around an article (navigation, copyright, image names, captions).

Boilerplate lines are blanked with spaces rather than deleted, so the offset map stays valid and
nothing downstream has to care: relation rules simply never see a copyright line or a
【图】 caption that repeats the headline above it (which would otherwise double-count a gift).
"""

from __future__ import annotations

import re

_IMAGE = re.compile(r"^[\w\-./:()]*\.(jpe?g|png|gif|webp|bmp)\)?$", re.I)
_FURNITURE = re.compile(
    r"当前位置|您的位置|所在的位置|现在的位置|首页\s*[>》]|>>|版权|免责声明|备案号|ICP|All Rights Reserved"
    r"|责任编辑|^\s*编辑\s*[:|]|^\s*监制|^\s*作者\s*[:|]|二维码|客户端|官方微信|关注.{0,8}微信|分享到|^\s*分享\s*$"
    r"|上一篇|下一篇|相关阅读|相关新闻|相关文章|热点新闻|频道推荐|进入.{0,6}频道|打印本页|字号|投稿邮箱"
    r"|^\s*阅读\s*[:：]|读完约|^\s*标签\s*[:：]|^\s*注\s*[:：]本网|^\s*(地址|标题|网址|邮编|电话|传真|来源)\s*[:：]"
    r"|^\s*[•·]\s*正文|^\s*文章图片\s*$|^\s*评论排行|^\s*合作媒体|^\s*基本介绍[:：]?\s*$|^\s*图文\s*[:：]"
    r"|^\s*最新.{0,6}(新闻|图文|视频)|^\s*一周热点|^\s*下载.{0,8}$|^\s*图为",
    re.I,
)
_CAPTION = re.compile(r"^\s*【图】(.*)$")


_DATELINE = re.compile(r"\d{2,4}[-/]\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}|来源\s*[:：]|发布(时间|日期)|发佈时间")


def _is_nav_line(line: str) -> bool:
    """A row of short menu words separated by spaces (新闻 评论 机构 信用卡)."""
    words = line.split()
    return len(words) >= 4 and all(len(w) <= 6 for w in words) and not re.search(r"[,。,;:]", line)


def _overlap(a: str, b: str) -> float:
    """Share of the characters of the shorter string that also occur in the longer one."""
    short, long_ = sorted((a.strip(), b.strip()), key=len)
    if not short:
        return 0.0
    return sum(1 for c in short if c in long_) / len(short)


def is_boilerplate(line: str, previous: list[str]) -> bool:
    """Whether a line is furniture; `previous` holds the content lines seen so far."""
    stripped = line.strip()
    if not stripped:
        return False
    if _IMAGE.match(stripped) or _FURNITURE.search(stripped) or _is_nav_line(stripped):
        return True
    if len(stripped) < 90 and _DATELINE.search(stripped) and "。" not in stripped:
        return True
    caption = _CAPTION.match(stripped)
    if caption:
        return any(_overlap(caption.group(1), p) >= 0.6 for p in previous[-12:] if len(p.strip()) < 60)
    return False


#: A line longer than this is an article body that lost its line breaks (a page saved as one line):
#: it is judged sentence by sentence, so one furniture marker (责任编辑) cannot blank the whole article.
LONG_LINE = 200
_SENTENCE_END = re.compile(r"(?<=[。!?！？;；])")


#: A press dateline opening a paragraph: the masthead (鹭川日报讯, 某某网讯, 新华社某地12月5日电) and the
#: byline in brackets after it ((记者 某某 通讯员 某某)). Neither is a party to what follows; left in,
#: the masthead runs into the subject's name (某融媒体中心讯(记者…)某慈善总会).
_MASTHEAD = re.compile(
    r"^\s*(?:[^\s,,。;;:：()（）]{2,24}?(?:讯|\d{1,2}月\d{1,2}日电))(?=[\s(（:：,,]|记者|$)"
    r"\s*(?:[(（][^()（）]{0,60}[)）])?[\s:：]*"
)
_BYLINE = re.compile(r"^\s*[(（](?:本报|本台|本网)?(?:记者|通讯员|特约)[^()（）]{0,60}[)）][\s:：]*")


def blank_dateline(line: str) -> str:
    """The line with a leading dateline and byline blanked (same length).

    >>> blank_dateline("鹭川日报讯(记者 林远舟)鹭川市慈善总会近日捐赠图书。").strip()
    '鹭川市慈善总会近日捐赠图书。'
    >>> blank_dateline("鹭川通讯有限公司近日捐赠图书。")
    '鹭川通讯有限公司近日捐赠图书。'
    """
    match = _MASTHEAD.match(line) or _BYLINE.match(line)
    return " " * match.end() + line[match.end() :] if match else line


def blank_boilerplate(text: str) -> str:
    """The text with every boilerplate line (or sentence, in a long line) replaced by spaces of the same
    length, and each paragraph's leading dateline blanked."""
    out: list[str] = []
    kept: list[str] = []
    for line in map(blank_dateline, text.split("\n")):
        pieces = _SENTENCE_END.split(line) if len(line) > LONG_LINE else [line]
        for piece in pieces:
            if is_boilerplate(piece, kept):
                out.append(" " * len(piece))
            else:
                out.append(piece)
                if piece.strip():
                    kept.append(piece)
        out.append("\n")
    return "".join(out[:-1])
