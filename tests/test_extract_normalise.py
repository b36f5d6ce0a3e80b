"""Decoding, HTML, width, pinyin glosses, t2s, boilerplate — and the offset map through it all."""

from __future__ import annotations

import pytest

from graphkit.extract.normalise import ArticleError, decode_bytes, normalise, pinyin_spans

TEXT = "彭州市综合执法局向知木林镇捐赠15万元。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "big5"])
def test_decodes_common_encodings(encoding: str) -> None:
    text = "廣州市越秀區慈善會向連南縣捐贈善款二十萬元。" * 3 if encoding == "big5" else TEXT * 3
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("data", [b"", b"   \n ", b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 50, bytes(range(256)) * 4])
def test_bad_input_raises(data: bytes) -> None:
    with pytest.raises(ArticleError):
        decode_bytes(data, "x.bin")


def test_pinyin_glosses_removed_real_parentheses_kept() -> None:
    raw = "進(jìn)一步強(qiáng)化對口幫(bāng)扶,成都市第二人民医院(成都仁济医院)和(ZARA)品牌"
    doc = normalise(raw)
    assert "进一步强化对口帮扶" in doc.text
    assert "成都市第二人民医院(成都仁济医院)" in doc.text
    assert "(ZARA)" in doc.text
    assert len(pinyin_spans(raw)) == 3


def test_traditional_converted_and_detected() -> None:
    doc = normalise("國家開發投資公司向羅甸縣捐贈資金。")
    assert doc.script == "traditional"
    assert doc.text == "国家开发投资公司向罗甸县捐赠资金。"
    assert normalise(TEXT).script == "simplified"


def test_offsets_point_into_the_original() -> None:
    raw = "華電集團定點幫(bāng)扶天祝縣,累計投入幫扶資金2.3億元。"
    doc = normalise(raw)
    start = doc.text.index("天祝县")
    a, b = doc.span(start, start + 3)
    assert raw[a:b] == "天祝縣"
    start = doc.text.index("帮扶天")
    a, b = doc.span(start, start + 3)
    assert raw[a:b] == "幫(bāng)扶天"


def test_full_width_folded() -> None:
    assert normalise("捐赠１５万元（现金）").text == "捐赠15万元(现金)"


def test_html_to_text_with_offsets() -> None:
    raw = "<html><head><title>标题</title><script>var a='向某县捐赠';</script></head>" \
          "<body><p>龙华区&nbsp;向凤山县捐赠<b>300万元</b>。</p></body></html>"
    doc = normalise(raw)
    assert doc.is_html and doc.html_title == "标题"
    assert "var a" not in doc.text
    start = doc.text.index("300万元")
    a, b = doc.span(start, start + 5)
    assert raw[a:b] == "300万元"


def test_boilerplate_blanked() -> None:
    raw = "\n".join([
        "您当前的位置: 首页 > 新闻 > 正文",
        "首页 要闻 民生 视频",
        "640x480_0123456789abcdef.jpg",
        "某某公司向某县捐赠电缆",
        "某某公司向某县捐赠了一批电缆,价值5万元。",
        "【图】某某公司向某县捐赠电缆",
        "版权所有:@ 2010- All Rights Reserved.",
    ])
    doc = normalise(raw)
    kept = [line for line in doc.text.split("\n") if line.strip()]
    assert kept == ["某某公司向某县捐赠电缆", "某某公司向某县捐赠了一批电缆,价值5万元。"]
    assert len(doc.text) == len(raw)
