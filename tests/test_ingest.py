"""kg.ingest: finding files, detecting encodings, bad input, long texts (no model needed)."""
from __future__ import annotations

import codecs
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from kg import decode, ingest
from kg.clean import clean_document
from kg.ingest import (DecodeError, InputFile, decode_bytes, find_inputs, html_to_text, ingest as ingest_paths,
                       markdown_to_text, read_file, split_parts)

ARTICLE = "沈阳市副市长张三在中国科学院沈阳自动化研究所调研，强调要加快机器人产业发展。\n鞍钢集团董事长李四出席会议。\n"
TRADITIONAL = "臺北市政府今日宣布，將與中央研究院合作推動人工智慧產業發展。\n總統府發言人表示樂觀其成。\n"


def read(path: Path, display: str | None = None):
    skipped = []
    docs = list(read_file(InputFile(path, display or path.name), skipped))
    return docs, skipped


# ---- encodings -----------------------------------------------------------------------------

ENCODED = [
    ("utf-8", ARTICLE, ARTICLE.encode("utf-8")),
    ("utf-8 with BOM", ARTICLE, codecs.BOM_UTF8 + ARTICLE.encode("utf-8")),
    ("GBK", ARTICLE, ARTICLE.encode("gbk")),
    ("GBK CRLF", ARTICLE, ARTICLE.replace("\n", "\r\n").encode("gbk")),
    ("GB18030 beyond GBK", "创始人张䶮在沈阳市出席活动。", "创始人张䶮在沈阳市出席活动。".encode("gb18030")),
    ("Big5", TRADITIONAL, TRADITIONAL.encode("big5")),
    ("UTF-16 LE, no BOM", ARTICLE, ARTICLE.encode("utf-16-le")),
    ("UTF-16 BE, no BOM", ARTICLE, ARTICLE.encode("utf-16-be")),
    ("UTF-16 LE with BOM", ARTICLE, codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le")),
    ("UTF-16 BE with BOM", ARTICLE, codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be")),
    ("UTF-16 LE, ASCII only (valid UTF-8 full of NULs)", "Shenyang 2026\n", "Shenyang 2026\n".encode("utf-16-le")),
    ("UTF-32 with BOM", ARTICLE, ARTICLE.encode("utf-32")),
    ("short GBK (also valid Big5)", "沈阳市", "沈阳市".encode("gbk")),
    ("short GBK 2", "中国科学院", "中国科学院".encode("gbk")),
    ("short Big5", "臺北市", "臺北市".encode("big5")),
]


@pytest.mark.parametrize("name,text,data", ENCODED, ids=[c[0] for c in ENCODED])
def test_each_supported_encoding_is_detected(tmp_path, name, text, data):
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    docs, skipped = read(path)
    assert skipped == []
    assert len(docs) == 1
    assert docs[0].text.replace("\r\n", "\n") == text


def test_mixed_folder_and_gbk_html_labelled_utf8(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("gbk"))
    (tmp_path / "sub" / "b.txt").write_bytes(TRADITIONAL.encode("big5"))
    (tmp_path / "c.md").write_bytes(codecs.BOM_UTF16_LE + ("# 标题\n\n" + ARTICLE).encode("utf-16-le"))
    page = f'<html><head><meta charset="utf-8"><title>大连新闻</title></head><body><p>{ARTICLE}</p></body></html>'
    (tmp_path / "d.html").write_bytes(page.encode("gbk"))  # says UTF-8, is GBK
    result = ingest_paths([str(tmp_path)])
    assert result.skipped == []
    by_id = {d.id: d for d in result.documents}
    assert sorted(by_id) == ["a.txt", "c.md", "d.html", "sub/b.txt"]
    assert by_id["a.txt"].text == ARTICLE
    assert by_id["sub/b.txt"].text == TRADITIONAL
    assert ARTICLE.strip() in by_id["c.md"].text and "标题" in by_id["c.md"].text
    assert by_id["d.html"].title == "大连新闻" and "沈阳市副市长张三" in by_id["d.html"].text


def test_utf8_with_a_few_bad_bytes_is_used_and_the_bytes_are_reported(tmp_path):
    path = tmp_path / "damaged.txt"
    path.write_bytes("第一行。\n第二行。\n".encode() + "沈阳".encode() + b"\xff\xfe" + "市委书记孙十在浑南区调研。".encode())
    docs, skipped = read(path)
    assert len(docs) == 1
    assert docs[0].text == "第一行。\n第二行。\n沈阳\ufffd\ufffd市委书记孙十在浑南区调研。"  # not GB18030 mojibake
    assert len(skipped) == 1 and skipped[0].line == 3
    assert "2 undecodable byte(s)" in skipped[0].reason and "utf-8" in skipped[0].reason


def test_gbk_with_a_stray_byte_is_used_and_reported(tmp_path):
    data = ARTICLE.encode("gbk")
    path = tmp_path / "a.txt"
    path.write_bytes(data[:20] + b"\xff" + data[20:])
    docs, skipped = read(path)
    assert docs and "沈阳市副市长" in docs[0].text and "鞍钢集团董事长李四" in docs[0].text
    assert len(skipped) == 1 and "gb18030" in skipped[0].reason and skipped[0].line == 1


def test_pdf_extraction_control_characters_are_kept_for_the_cleaner(tmp_path):
    text = "国家发展和改革委员会\x0c主任\x02郑九在北京市\x01召开新闻发布会。\x0b\n" * 3
    path = tmp_path / "pdf.txt"
    path.write_text(text, encoding="utf-8")
    docs, skipped = read(path)
    assert skipped == [] and docs[0].text == text


@pytest.mark.parametrize("name,data,reason", [
    ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file (NUL bytes)"),
    ("controls.txt", bytes(range(1, 32)) * 20 + "沈阳市".encode(), "binary file (control characters)"),
    ("empty.txt", b"", "empty file"),
    ("blank.md", b"  \n\t\n ", "empty file"),
    ("bom-only.txt", codecs.BOM_UTF16_LE, "empty file"),
    ("markup-only.html", b"<html><head><script>var a;</script></head><body><p> </p></body></html>", "no text"),
])
def test_files_kg_cannot_use_are_skipped_with_the_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    docs, skipped = read(path)
    assert docs == []
    assert [(s.path, s.reason) for s in skipped] == [(str(path), reason)]


def test_random_bytes_are_never_decoded_as_mojibake(tmp_path):
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(4000))
    with pytest.raises(DecodeError):
        decode_bytes(data)


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    real = Path.read_bytes

    def deny(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    docs, skipped = read(path)
    assert docs == [] and [s.reason for s in skipped] == ["unreadable: Permission denied"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_by_permissions(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    path.chmod(0)
    docs, skipped = read(path)
    assert docs == [] and skipped[0].reason.startswith("unreadable")


# ---- JSON ----------------------------------------------------------------------------------


def test_jsonl_bad_lines_are_skipped_with_their_line_numbers(tmp_path):
    lines = [
        json.dumps({"id": "j1", "text": "哈尔滨工业大学校长周十一访问沈阳市。"}, ensure_ascii=False),
        "{not json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": "   "}),
        json.dumps({"text": "\ud800沈阳市\udfff政府发布通知。"}),  # lone surrogate escapes: valid JSON, not text
        json.dumps({"text": "第一段\u2028仍在同一行。", "title": "t"}, ensure_ascii=False),  # U+2028 is not a line end here
        "[" * 100000,
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    docs, skipped = read(path)
    assert [d.id for d in docs] == ["j1", "news.jsonl#6", "news.jsonl#7"]
    assert docs[1].text == "\ufffd沈阳市\ufffd政府发布通知。"
    assert docs[2].text == "第一段\u2028仍在同一行。" and docs[2].title == "t"
    reasons = [(s.line, s.reason.split(":")[0]) for s in skipped]
    assert reasons == [
        (2, "invalid JSON line"),
        (3, "JSON line has no string field 'text'"),
        (5, "empty text"),
        (6, "2 invalid character(s) (lone surrogate escapes) replaced by U+FFFD"),
        (8, "invalid JSON line"),
    ]


def test_json_array_single_object_and_invalid_json(tmp_path):
    (tmp_path / "array.json").write_text(json.dumps([{"text": "沈阳市。"}, 5, {"text": "大连市。", "id": "x"}]),
                                         encoding="utf-8")
    docs, skipped = read(tmp_path / "array.json")
    assert [d.id for d in docs] == ["array.json#1", "x"]
    assert [(s.line, s.reason) for s in skipped] == [(2, "JSON item has no string field 'text'")]
    (tmp_path / "one.json").write_text(json.dumps({"text": "沈阳市。", "title": "标题"}, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
    docs, skipped = read(tmp_path / "one.json")
    assert skipped == [] and [(d.id, d.title) for d in docs] == [("one.json", "标题")]
    (tmp_path / "broken.json").write_text('[{"text": "沈阳市。"},\n {"text": ', encoding="utf-8")
    docs, skipped = read(tmp_path / "broken.json")
    assert docs == [] and len(skipped) == 1 and skipped[0].reason.startswith("invalid JSON") and skipped[0].line == 2


# ---- finding files -------------------------------------------------------------------------


def test_find_inputs_reports_what_it_cannot_use(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("沈阳市。", encoding="utf-8")
    (root / "sub" / "b.md").write_text("大连市。", encoding="utf-8")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (root / ".hidden.txt").write_text("x", encoding="utf-8")
    (root / "broken.txt").symlink_to(root / "missing.txt")
    os.mkfifo(root / "pipe.txt")  # reading it would block forever
    (root / "loop").symlink_to(root)  # a folder link loop must not hang
    out = root / "out"
    out.mkdir()
    (out / "graph.html").write_text("<p>沈阳市</p>", encoding="utf-8")  # kg's own outputs are not inputs
    files, skipped = find_inputs([str(root), str(tmp_path / "nothing-*.txt")], exclude=[out])
    assert [f.display for f in files] == ["a.txt", "sub/b.md"]
    assert sorted((Path(s.path).name, s.reason) for s in skipped) == [
        ("broken.txt", "unreadable: broken symbolic link"),
        ("nothing-*.txt", "no such file, folder or glob match"),
        ("photo.jpg", "unsupported file type .jpg"),
        ("pipe.txt", "not a regular file"),
    ]


# ---- long texts ----------------------------------------------------------------------------


def test_split_parts_prefers_paragraphs_then_sentences_then_commas():
    paragraphs = "\n".join(["沈阳市机器人产业快速发展。" * 3] * 10)
    parts = list(split_parts([paragraphs], limit=100))
    assert "".join(parts) == paragraphs
    assert all(len(p) <= 100 for p in parts) and all(p.endswith("\n") for p in parts[:-1])
    one_line = "沈阳市机器人产业快速发展。" * 40
    parts = list(split_parts([one_line], limit=100))
    assert "".join(parts) == one_line and all(p.endswith("。") for p in parts)
    commas = "沈阳市机器人产业快速发展，" * 40
    assert all(p.endswith("，") for p in list(split_parts([commas], limit=100))[:-1])
    solid = "沈" * 450
    assert [len(p) for p in split_parts([solid], limit=100)] == [100, 100, 100, 100, 50]


@given(st.lists(st.text(alphabet=st.sampled_from("沈阳市，。！\n ab\r\u2028"), max_size=80), max_size=12),
       st.integers(min_value=2, max_value=60))
@settings(max_examples=300, deadline=None)
def test_split_parts_keeps_every_character_and_the_limit(pieces, limit):
    parts = list(split_parts(pieces, limit=limit))
    assert "".join(parts) == "".join(pieces)
    assert all(0 < len(p) <= limit for p in parts)


def test_long_single_line_file_becomes_bounded_parts(tmp_path):
    line = "沈阳市副市长张三在中国科学院调研，强调要加快机器人产业发展。"
    text = line * (1_200_000 // len(line))  # > 1.2 M characters, 3.6 MB, no line end
    path = tmp_path / "export.txt"
    path.write_text(text, encoding="utf-8")
    docs, skipped = read(path)
    assert skipped == []
    assert len(docs) >= 6 and all(len(d.text) <= ingest.MAX_PART_CHARS for d in docs)
    assert [d.id for d in docs[:2]] == ["export.txt#part1", "export.txt#part2"]
    assert docs[-1].id == f"export.txt#part{len(docs)}"
    assert "".join(d.text for d in docs) == text
    assert all(d.text.endswith("。") for d in docs[:-1])  # cut at sentence ends


def _stream_peak(path: Path, size_chars: int, encoding: str) -> tuple[int, int]:
    line = "沈阳市副市长张三在中国科学院调研，强调要加快机器人产业发展。"
    text = line * (size_chars // len(line))  # one long line...
    half = len(text) // 2
    data = (text[:half] + "\n" + text[half:]).encode(encoding)  # ...and a second one
    path.write_bytes(data)
    tracemalloc.start()
    try:
        count, total, longest = 0, 0, 0
        skipped = []
        for doc in read_file(InputFile(path, path.name), skipped):
            count, total, longest = count + 1, total + len(doc.text), max(longest, len(doc.text))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert skipped == []
    assert total == len(text) + 1 and longest <= 20_000 and count >= size_chars // 20_000
    return peak, len(data)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16-le"])
def test_large_files_are_streamed_in_bounded_memory(tmp_path, monkeypatch, encoding):
    monkeypatch.setattr(decode, "STREAM_BYTES", 256 * 1024)
    monkeypatch.setattr(decode, "BLOCK_BYTES", 64 * 1024)
    monkeypatch.setattr(decode, "DETECT_BYTES", 64 * 1024)
    monkeypatch.setattr(ingest, "MAX_PART_CHARS", 20_000)
    small_peak, _ = _stream_peak(tmp_path / "small.txt", 400_000, encoding)
    big_peak, big_size = _stream_peak(tmp_path / "big.txt", 1_600_000, encoding)
    # four times the text, about the same memory: it does not grow with the file
    assert big_peak < small_peak * 1.3 + 65536, (small_peak, big_peak)
    assert big_peak < big_size / 4, (big_peak, big_size)


def test_a_damaged_block_in_a_streamed_file_is_reported_with_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(decode, "STREAM_BYTES", 64 * 1024)
    monkeypatch.setattr(decode, "BLOCK_BYTES", 16 * 1024)
    monkeypatch.setattr(ingest, "MAX_PART_CHARS", 10_000)
    lines = [f"第{i}行：沈阳市副市长张三在中国科学院调研。".encode() for i in range(1, 3001)]
    lines[2000] = lines[2000][:7] + b"\xff" + lines[2000][7:]  # "第2001" + bad byte + "行"
    path = tmp_path / "big.txt"
    path.write_bytes(b"\n".join(lines))
    docs, skipped = read(path)
    assert len(docs) > 1 and "".join(d.text for d in docs).count("\ufffd") == 1
    assert len(skipped) == 1 and skipped[0].line == 2001 and "1 undecodable byte(s)" in skipped[0].reason


@pytest.mark.parametrize("streamed", [False, True])
def test_a_long_ascii_preamble_does_not_decide_the_encoding(tmp_path, monkeypatch, streamed):
    monkeypatch.setattr(decode, "DETECT_BYTES", 8 * 1024)
    if streamed:
        monkeypatch.setattr(decode, "STREAM_BYTES", 32 * 1024)
        monkeypatch.setattr(decode, "BLOCK_BYTES", 8 * 1024)
    preamble = "Copyright 2026 Example Press. All rights reserved.\n" * 800  # 40 KB of ASCII
    path = tmp_path / "a.txt"
    path.write_bytes(preamble.encode("ascii") + (TRADITIONAL * 50).encode("big5"))
    docs, skipped = read(path)
    assert skipped == []
    assert "".join(d.text for d in docs) == preamble + TRADITIONAL * 50


# ---- never a crash -------------------------------------------------------------------------


@given(st.binary(max_size=400))
@settings(max_examples=300, deadline=None)
def test_decoding_arbitrary_bytes_raises_nothing_but_decode_error(data):
    try:
        text, encoding = decode_bytes(data)
    except DecodeError:
        return
    assert isinstance(text, str) and encoding


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200))
@settings(max_examples=200, deadline=None)
def test_utf8_and_bom_marked_text_round_trips(text):
    # a text that itself starts with U+FEFF cannot be told from one marked with a BOM
    assume(not text.startswith("\ufeff"))
    assert decode_bytes(text.encode("utf-8"))[0] == text
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))[0] == text
    assert decode_bytes(text.encode("utf-16"))[0] == text  # with BOM


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_html_and_markdown_extraction_never_crash(text):
    html_to_text(text)
    html_to_text(f"<html><body><article>{text}</article><p>{text}</body>")
    markdown_to_text(text)


@given(st.binary(max_size=300), st.sampled_from([".txt", ".md", ".html", ".jsonl", ".json"]))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_reading_arbitrary_bytes_never_raises(tmp_path, data, suffix):
    path = tmp_path / f"x{suffix}"
    path.write_bytes(data)
    docs, skipped = read(path)
    for doc in docs:
        assert doc.text.strip()
        doc.text.encode("utf-8")  # no lone surrogates reach the pipeline
        clean = clean_document(doc)  # and the cleaner takes whatever ingest gives it
        assert all(0 <= s.start < s.end <= len(clean.text) for s in clean.sentences)
    assert docs or skipped or not data.strip()


# ---- GB18030 or Big5: told apart by the text (issue 16) --------------------------------------

# Texts that were read in the wrong one of the two (People's Daily 1998 headlines and captions)
GB_OR_BIG5 = [
    ("迎虎年（书法）\n（关山月）", "gbk", "gb18030"),
    ("一元复始（篆刻）\n（韦耀中）", "gbk", "gb18030"),
    ("鞍山破获特大抢枪案", "gbk", "gb18030"),
    ("深市上涨前五名（％）", "gbk", "gb18030"),
    ("架桥筑路铺坦途（图片）", "gbk", "gb18030"),
    ("画漫画，咱也会！（图片）", "gbk", "gb18030"),
    ("迎虎年（書法）\n（關山月）", "big5", "big5"),
    ("乖蛋蛋（中國畫）\n（王有政）", "big5", "big5"),
    ("歡樂的山寨（拉祜族）（圖片）\n（潘泉攝）", "big5", "big5"),
    ("多想", "big5", "big5"),  # four bytes: was read as UTF-16
]


@pytest.mark.parametrize("text,codec,wanted", GB_OR_BIG5)
def test_short_gbk_and_big5_texts_are_told_apart_by_the_characters_they_give(tmp_path, text, codec, wanted):
    assert decode.detect_encoding(text.encode(codec)) == wanted
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(codec))
    docs, skipped = read(path)
    assert [d.text for d in docs] == [text] and skipped == []


def test_a_weak_guess_between_gbk_and_big5_is_reported_and_the_file_used(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("鐵路".encode("big5"))  # reads as two everyday simplified characters in GB18030 too
    docs, skipped = read(path)
    assert len(docs) == 1
    assert len(skipped) == 1 and skipped[0].reason.startswith("encoding uncertain: read as ")
    assert skipped[0].reason.endswith("; the file was used")


PEOPLE_DAILY = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "people_daily_1998" / "199801.txt"


def people_daily_articles(count: int) -> list[list[str]]:
    """`count` articles spread over People's Daily 1998-01 (tags and brackets removed), as lines."""
    import re

    articles: dict[str, list[str]] = {}
    with open(PEOPLE_DAILY, encoding="utf-8") as handle:
        for line in handle:
            first, *words = line.split() or [""]
            if words:
                text = "".join(re.sub(r"/[a-zA-Z]+$", "", w.lstrip("[").split("]")[0]) for w in words)
                articles.setdefault(first.rsplit("-", 1)[0], []).append(text)
    ids = list(articles)
    return [articles[i] for i in ids[:: max(1, len(ids) // count)][:count]]


@pytest.mark.skipif(not PEOPLE_DAILY.exists(), reason="People's Daily 1998 corpus not in ../shared/data")
def test_no_people_daily_article_is_misread_in_gbk_or_big5():
    from hanziconv import HanziConv

    misread, uncertain, counted = [], 0, {"gbk": 0, "headline": 0, "big5": 0}
    for lines in people_daily_articles(1000):
        text = "\n".join(lines)
        cases = [("gbk", text, "gbk", "gb18030"), ("headline", lines[0], "gbk", "gb18030"),
                 ("big5", HanziConv.toTraditional(text), "big5", "big5")]
        for kind, sample, codec, wanted in cases:
            try:
                data = sample.encode(codec)
            except UnicodeEncodeError:  # a simplified-only character: no Big5 form
                continue
            if data.isascii():
                continue
            counted[kind] += 1
            got, why = decode.detect(data)
            uncertain += why is not None
            if got != wanted:
                misread.append((kind, got, sample[:30]))
    assert counted["gbk"] == 1000 and counted["headline"] > 900 and counted["big5"] > 250, counted
    assert misread == []
    assert uncertain <= 10  # weak guesses are reported, and rare


# ---- file names (issue 16) ------------------------------------------------------------------


def test_file_names_with_bytes_that_are_not_utf8_or_with_line_ends_are_read_and_shown_escaped(tmp_path):
    root = os.fsencode(tmp_path)
    for name, text in ((b"\xff\xfe.txt", "沈阳市副市长张三出席会议。"), (b"a\nkg: warning: forged.txt", "大连市长王五讲话。"),
                       (b"\xe6\xb2\x88\xe9\x98\xb3.txt", "鞍钢集团董事长李四出席。")):
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(text.encode("utf-8"))
    with open(os.path.join(root, b"\xff\x01.bin"), "wb") as handle:
        handle.write(b"x")
    files, skipped = find_inputs([str(tmp_path)])
    assert sorted(f.display for f in files) == ["\\xff\\xfe.txt", "a\\nkg: warning: forged.txt", "沈阳.txt"]
    docs = [d for f in files for d in read_file(f, skipped)]
    assert len(docs) == 3
    assert [s.path for s in skipped] == [str(tmp_path / "\\xff\\x01.bin")]
    for item in [*(d.id for d in docs), *(d.path for d in docs), *(s.path for s in skipped)]:
        item.encode("utf-8")  # no surrogate left: every writer takes it
        assert "\n" not in item and item.isprintable()


def test_printable_path_escapes_only_what_cannot_be_shown():
    assert ingest.printable_path("新闻/沈阳 日报.txt") == "新闻/沈阳 日报.txt"
    assert ingest.printable_path(os.fsdecode(b"\xff\xfe.txt")) == "\\xff\\xfe.txt"
    assert ingest.printable_path("a\nb\tc\x1b.txt") == "a\\nb\\tc\\x1b.txt"
    assert ingest.printable_path("evil\u202etxt.exe") == "evil\\u202etxt.exe"  # a right-to-left override
    assert ingest.printable_path(b"\xff.txt") == "\\xff.txt"


# ---- the output folder among the inputs (issue 16) --------------------------------------------


def kg_outputs_in(folder: Path) -> None:
    (folder / "graph.json").write_text(json.dumps({"text": "沈阳市是一个旧的输出。"}), encoding="utf-8")
    (folder / "neo4j").mkdir()
    (folder / "neo4j" / "nodes.csv").write_text("id\n", encoding="utf-8")
    (folder / "graph.html").write_text("<html><body>沈阳市</body></html>", encoding="utf-8")


def test_out_equal_to_the_input_folder_reads_the_inputs_but_not_kgs_own_files(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes.json").write_text(json.dumps({"text": ARTICLE}), encoding="utf-8")
    kg_outputs_in(tmp_path)
    notes: list[str] = []
    files, skipped = find_inputs([str(tmp_path)], exclude=[tmp_path], notes=notes)
    assert [f.display for f in files] == ["a.txt", "notes.json"]
    assert skipped == [] and len(notes) == 1 and "kg's own output files there are not" in notes[0]


def test_out_above_the_input_folder_reads_the_inputs(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    kg_outputs_in(tmp_path)
    notes: list[str] = []
    files, _ = find_inputs([str(tmp_path / "corpus")], exclude=[tmp_path], notes=notes)
    assert [f.display for f in files] == ["a.txt"] and len(notes) == 1


def test_out_inside_the_input_folder_is_left_out_with_a_note(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "outputs").mkdir()
    kg_outputs_in(tmp_path / "outputs")
    (tmp_path / "outputs" / "mine.txt").write_text(ARTICLE, encoding="utf-8")
    notes: list[str] = []
    files, skipped = find_inputs([str(tmp_path)], exclude=[tmp_path / "outputs"], notes=notes)
    assert [f.display for f in files] == ["a.txt"] and skipped == []
    assert len(notes) == 1 and "is inside the input folder" in notes[0]


def test_an_earlier_builds_outputs_in_an_input_folder_are_not_inputs(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "old").mkdir()
    kg_outputs_in(tmp_path / "old")
    (tmp_path / "old" / "summary.json").write_text(json.dumps({"documents": 1, "outputs": [], "kg_version": "0.1.0"}),
                                                   encoding="utf-8")
    (tmp_path / "old" / "mine.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "other").mkdir()
    kg_outputs_in(tmp_path / "other")  # no kg summary.json: these are the user's files
    (tmp_path / "other" / "summary.json").write_text(json.dumps({"text": "沈阳市的总结。"}), encoding="utf-8")
    files, _ = find_inputs([str(tmp_path)])
    assert [f.display for f in files] == ["a.txt", "old/mine.txt", "other/graph.html", "other/graph.json",
                                          "other/summary.json"]
