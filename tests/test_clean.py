from hypothesis import given, settings, strategies as st

from kg.clean import (Deduplicator, clean_document, join_broken_paragraphs, normalize_chars, passage_key,
                      split_sentences)
from kg.types import Document


def test_normalize_maps_fullwidth_digits_and_letters_to_ascii():
    assert normalize_chars("２０２６年３月ＡＢＣ公司") == "2026年3月ABC公司"


def test_normalize_ascii_punctuation_in_chinese_context_becomes_fullwidth():
    assert normalize_chars("沈阳市(辽宁),大连:好;是吗?是!") == "沈阳市（辽宁），大连：好；是吗？是！"


def test_normalize_keeps_ascii_punctuation_between_latin_and_digits():
    assert normalize_chars("version 1.2, see (a)") == "version 1.2, see (a)"
    assert normalize_chars("增长1,000台，10:30开会") == "增长1,000台，10:30开会"


def test_normalize_decimal_point_between_fullwidth_digits():
    assert normalize_chars("３．５亿元") == "3.5亿元"


@given(st.text())
@settings(max_examples=300)
def test_normalize_is_one_char_for_one_char(text):
    assert len(normalize_chars(text)) == len(text)


def test_split_sentences_keeps_offsets_and_closing_quotes():
    text = "他说：“我们要加快发展。”随后离开！第三句；\n第四句"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["他说：“我们要加快发展。”", "随后离开！", "第三句；", "第四句"]


def test_broken_paragraph_is_rejoined_but_headline_stays():
    paragraphs = ["沈阳机器人产业园迎来新项目", "3月4日，沈阳市副市长张三在", "浑南区调研时指出，要加快发展。"]
    assert join_broken_paragraphs(paragraphs) == [
        "沈阳机器人产业园迎来新项目",
        "3月4日，沈阳市副市长张三在浑南区调研时指出，要加快发展。",
    ]


def test_short_fragment_continued_by_a_particle_is_rejoined():
    assert join_broken_paragraphs(["项目总投资", "的百分之六十来自企业。"]) == ["项目总投资的百分之六十来自企业。"]


def test_finished_paragraphs_and_bylines_stay_apart():
    paragraphs = ["第一段结束了。", "记者王磊 李娜", "“引号开头的新段落。”"]
    assert join_broken_paragraphs(paragraphs) == paragraphs


def test_near_identical_passages_share_a_key():
    assert passage_key("沈阳市副市长张三, 在浑南区调研。") == passage_key("沈阳市副市长张三，在浑南区 调研")
    assert passage_key("沈阳市副市长张三在浑南区调研。") != passage_key("大连市副市长张三在浑南区调研。")


def test_repeated_passages_count_once_within_and_across_documents():
    dedup = Deduplicator()
    text = "沈阳市副市长张三在浑南区调研机器人产业。\n沈阳市副市长张三在浑南区调研机器人产业。\n短句。\n短句。"
    first = clean_document(Document("a", text), dedup)
    assert first.dropped_passages == 1
    assert first.text.count("调研机器人产业") == 1
    assert first.text.count("短句") == 2  # short lines legitimately repeat
    second = clean_document(Document("b", "沈阳市副市长张三在浑南区调研机器人产业!"), dedup)
    assert second.dropped_passages == 1 and not second.sentences


def test_clean_document_sentences_index_into_text():
    doc = clean_document(Document("a", "标题\n\n第一句话在这里。第二句话在这里！"))
    assert [doc.text[s.start:s.end] for s in doc.sentences] == ["标题", "第一句话在这里。", "第二句话在这里！"]
    assert [s.paragraph for s in doc.sentences] == [0, 1, 1]


def test_overlong_sentences_are_cut_for_the_model():
    doc = clean_document(Document("a", "，".join(["沈阳市机器人产业快速发展"] * 60)))
    assert all(s.end - s.start <= 300 for s in doc.sentences)
    assert "".join(doc.text[s.start:s.end] for s in doc.sentences) == doc.text


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_clean_document_never_crashes_and_sentences_are_in_bounds(text):
    doc = clean_document(Document("x", text))
    for s in doc.sentences:
        assert 0 <= s.start < s.end <= len(doc.text)


# ---- invisible characters (issue 16) --------------------------------------------------------

import unicodedata  # noqa: E402

import pytest  # noqa: E402

from kg.clean import remove_invisible  # noqa: E402


@pytest.mark.parametrize("raw,clean", [
    ("副市长刘\u200c波在沈阳", "副市长刘波在沈阳"),  # zero-width non-joiner
    ("副市长刘\u200d波在沈阳", "副市长刘波在沈阳"),  # zero-width joiner
    ("赵\u200f刚出席", "赵刚出席"),  # right-to-left mark
    ("赵\u200b刚\ufeff出席", "赵刚出席"),  # zero-width space, a byte-order mark inside the text
    ("鞍钢集\u00ad团", "鞍钢集团"),  # soft hyphen
    ("张\u0301三\u0308在", "张三在"),  # combining marks on Chinese characters
    ("张\ufe00三", "张三"),  # a variation selector
    ("北方\x00智造\x1f机器人股份有限公司", "北方智造机器人股份有限公司"),  # PDF extraction inside a word
    ("国务院\x01\x02办公厅", "国务院办公厅"),
])
def test_invisible_characters_inside_words_are_removed(raw, clean):
    assert remove_invisible(raw) == clean
    assert clean_document(Document("d", raw)).text == clean


def test_line_and_paragraph_separators_are_line_ends():
    doc = clean_document(Document("d", "市长王五出席会议。\u2028阜新市市长李四讲话。\u2029大连市发言。"))
    assert doc.text == "市长王五出席会议。\n阜新市市长李四讲话。\n大连市发言。"
    assert [doc.text[s.start:s.end] for s in doc.sentences] == ["市长王五出席会议。", "阜新市市长李四讲话。", "大连市发言。"]


def test_what_is_not_inside_a_chinese_word_is_left_to_the_normaliser():
    assert remove_invisible("café") == "café"  # a combining mark on a Latin letter is part of it
    assert clean_document(Document("d", "ABC\x01公司在\x02 沈阳")).text == "ABC 公司在  沈阳"  # spaces, one for one
    assert remove_invisible("plain ASCII\x01") == "plain ASCII\x01"


@given(st.text(alphabet=st.sampled_from("沈阳市张三公司，。 \n\t\x00\x01\x1f\x7f\x85\u200b\u200c\u200d\u200e\u200f"
                                        "\u202a\u202e\u2060\u2066\ufeff\u00ad\u0301\u0308\ufe0f\u2028\u2029a")))
@settings(max_examples=300, deadline=None)
def test_no_invisible_character_survives_cleaning(text):
    doc = clean_document(Document("x", text))
    for ch in doc.text:
        assert unicodedata.category(ch) not in ("Cf", "Zl", "Zp"), repr(doc.text)
        assert ch in "\n\t" or unicodedata.category(ch) != "Cc", repr(doc.text)
    for i, ch in enumerate(doc.text):  # a combining mark only on a letter such as a (á)
        assert unicodedata.category(ch) not in ("Mn", "Me") or (i and doc.text[i - 1] in "a\u0301\u0308\ufe0f"), \
            repr(doc.text)
    for s in doc.sentences:
        assert 0 <= s.start < s.end <= len(doc.text)


def test_clean_records_the_ascii_marks_a_source_wrote_only_in_ascii():
    from kg.clean import clean_document
    from kg.types import Document

    ascii_only = clean_document(Document("a", "王强调研东江集团(控股)有限公司,走访企业。"))
    assert "（控股）" in ascii_only.text  # the model reads full-width
    assert set(ascii_only.written_ascii) == {"(", ")", ","}
    mixed = clean_document(Document("b", "东江集团(控股)有限公司与华润（集团）有限公司签约。"))
    assert mixed.written_ascii == ""  # both spellings in one text: no mark can be read back
    assert clean_document(Document("c", "华润（集团）有限公司签约。")).written_ascii == ""


# ---- web artefacts: what a scraper leaves in a text file or a JSON field ----

from kg.clean import remove_web_artefacts  # noqa: E402


def test_html_tags_become_line_ends_or_nothing_and_references_their_characters():
    text = "<p><strong>央视网消息</strong>（新闻联播）：4月14日，韩正出席。<br></p><p>韩正表示&ldquo;开放&rdquo;&nbsp;合作&#20013;</p>"
    assert remove_web_artefacts(text) == "\n央视网消息（新闻联播）：4月14日，韩正出席。\n\n\n韩正表示“开放” 合作中\n"


def test_script_style_and_comments_go_whole():
    assert remove_web_artefacts("<style>p{color:red}</style>正文<!-- 广告 --><script>var a=1;</script>。") == "正文。"


def test_links_and_email_addresses_go():
    assert remove_web_artefacts("[查看原文](https://tv.cctv.com/2025/04/11/VIDEUIG4gR67C77ySF4bfDNh250414.shtml)") == "查看原文"
    assert remove_web_artefacts("原文链接：https://mp.weixin.qq.com/s/AbC_d-9?x=1&y=2。") == "原文链接：。"
    assert remove_web_artefacts("详见www.gov.cn.下一句") == "详见.下一句"  # the sentence's own full stop stays
    assert remove_web_artefacts("（记者邮箱：zhang.san@xinhua.net）") == "（记者邮箱：）"


def test_what_only_looks_like_markup_stays():
    for text in ("《人民日报》报道", "a<b且c>d", "x<5", "宝洁P&G公司", "@新华社 微博", "user@localhost", "第1;2项&说明",
                 "[1](见上文)", "<正文>"):
        assert remove_web_artefacts(text) == text


def test_a_cleaned_document_keeps_no_link_or_tag():
    doc = clean_document(Document("d", "新华社北京4月11日电 [查看原文](https://tv.cctv.com/2025/04/11/VIDEJUOAegf250411.shtml)\n"
                                        "<p>国务院总理李强会见西班牙首相。</p>"))
    assert "VIDE" not in doc.text and "http" not in doc.text and "<p>" not in doc.text
    assert "国务院总理李强会见西班牙首相。" in doc.text


def test_a_markdown_heading_or_a_dateline_ends_the_paragraph_before_it():
    long_heading = "### 习近平给科学与中国院士专家代表回信强调带动更多科技工作者支持和参与科普事业促进全民科学素质的提高"
    assert join_broken_paragraphs([long_heading, "新华社北京7月20日电 习近平回信。"]) == [
        long_heading, "新华社北京7月20日电 习近平回信。"]
    headline = "带动更多科技工作者支持和参与科普事业促进全民科学素质的提高并推动科普工作全面发展取得实效"
    assert join_broken_paragraphs([headline, "央视网消息（新闻联播）：习近平回信。"]) == [headline, "央视网消息（新闻联播）：习近平回信。"]
    # a broken sentence is still joined
    assert join_broken_paragraphs(["沈阳市副市长张三在中国科学院沈阳自动化研究所调研，强调要加快机器人产业", "发展。"]) == [
        "沈阳市副市长张三在中国科学院沈阳自动化研究所调研，强调要加快机器人产业发展。"]
