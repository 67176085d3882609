"""kg.dates and kg.timeline: documents' dates, titles, urls and sources into the outputs."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from kg.dates import dateline_date, html_metadata, name_date, normalise_date, with_metadata, year_from_path
from kg.ingest import iter_documents
from kg.timeline import add_time, parse_counts
from kg.types import Document, DocumentRecord, EntityOccurrence, Position, Resolution


@pytest.mark.parametrize("value,expected", [
    ("1998-01-03", "1998-01-03"), ("1998/1/3", "1998-01-03"), ("1998年1月3日", "1998-01-03"),
    ("19980103", "1998-01-03"), ("1998-01-03T08:00:00+08:00", "1998-01-03"), ("1998-01", "1998-01"),
    ("1998", "1998"), ("1998-13-01", "1998"), ("1998-02-40", "1998-02"), ("yesterday", ""), ("", ""),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


def test_dateline_takes_its_year_from_the_file_or_folder_name():
    text = "刘振华到浑南区调研\n本报讯（记者杨帆）2月24日，市长刘振华到成立于2009年的企业调研。"
    assert dateline_date(text, "news/2026-02-25-survey.txt") == "2026-02-24"
    assert dateline_date(text, "1998/01/survey.txt") == "1998-02-24"  # the nearest folder with a year
    assert dateline_date(text, "survey.txt") == ""  # no year: no date (not 2009, a year in the text)
    assert dateline_date("新华社华盛顿3月3日电（记者王磊）美国……", "199803.txt") == "1998-03-03"
    assert dateline_date("本报北京1998年1月3日讯 ……", "x.txt") == "1998-01-03"
    assert dateline_date("某地2月30日电", "1998.txt") == ""  # 某地 is no dateline word
    assert year_from_path("a/b.txt") is None


def test_file_name_dates():
    assert name_date("a/2026-03-12-robot.md") == "2026-03-12"
    assert name_date("19980103.txt") == "1998-01-03"
    assert name_date("199801.txt") == "1998-01"
    assert name_date("notes.txt") == ""


def test_html_metadata_and_json_fields_reach_the_documents(tmp_path):
    page = ('<html><head><title>T</title><meta property="article:published_time" content="2024-05-06T08:00:00+08:00">'
            '<meta property="og:url" content="https://news.example/a.html"><meta property="og:site_name" content="辽宁日报">'
            '</head><body><article><p>沈阳市科技局发布新政策。</p></article></body></html>')
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    (tmp_path / "b.html").write_text('<html><body><time datetime="2023-02-01">x</time><p>正文内容在这里。</p></body></html>',
                                     encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "c1", "text": "正文。", "date": "1998年1月3日",
                                                  "url": "http://x/c1", "title": "标题", "source": "人民日报"},
                                                 ensure_ascii=False) + "\n", encoding="utf-8")
    docs = {d.id: d for d in iter_documents([str(tmp_path)], [])}
    a = docs["a.html"]
    assert (a.date, a.url, a.source, a.title) == ("2024-05-06", "https://news.example/a.html", "辽宁日报", "T")
    assert docs["b.html"].date == "2023-02-01"
    c = docs["c1"]
    assert (c.date, c.url, c.title, c.source) == ("1998-01-03", "http://x/c1", "标题", "人民日报")
    assert html_metadata("<meta name=pubdate content='not a date'>")["date"] == ""


def test_with_metadata_keeps_what_the_input_gives():
    doc = Document(id="d", text="本报讯 3月3日", path="1998/x.txt", url="http://given", date="")
    out = with_metadata(doc, {"url": "http://meta", "date": ""})
    assert out.url == "http://given" and out.date == "1998-03-03"


def _resolution() -> Resolution:
    occ = [EntityOccurrence("A", "d1", 0, 0), EntityOccurrence("B", "d1", 0, 0), EntityOccurrence("A", "d2", 0, 0),
           EntityOccurrence("B", "d2", 1, 1), EntityOccurrence("A", "d3", 0, 0), EntityOccurrence("B", "d3", 0, 0),
           EntityOccurrence("C", "d3", 2, 2)]
    return Resolution(entities={}, occurrences=occ, positions=[Position("C", "市长", "A", "d3", "s")])


def test_first_last_seen_and_counts_on_nodes_and_edges():
    g = nx.Graph()
    g.add_nodes_from("ABC")
    g.add_edge("A", "B")
    g.add_edge("A", "C", relation="holds_position_at")
    records = [DocumentRecord("d1", date="1998-01-05"), DocumentRecord("d2", date="1998-03-01"),
               DocumentRecord("d3", date="1999-02")]
    add_time(g, _resolution(), records, "sentence")
    assert (g.nodes["A"]["first_seen"], g.nodes["A"]["last_seen"]) == ("1998-01-05", "1999-02")
    assert parse_counts(g.nodes["A"]["by_year"]) == {"1998": 2, "1999": 1}
    assert parse_counts(g.nodes["A"]["by_month"]) == {"1998-01": 1, "1998-03": 1, "1999-02": 1}
    # d2 has A and B in different sentences: no co-occurrence there
    assert parse_counts(g.edges["A", "B"]["by_month"]) == {"1998-01": 1, "1999-02": 1}
    assert g.edges["A", "C"]["first_seen"] == "1999-02"  # the position's document
    assert [r.entities for r in records] == [2, 2, 3]


def test_undated_documents_count_nowhere():
    g = nx.Graph()
    g.add_edge("A", "B")
    g.add_node("C")
    add_time(g, _resolution(), [DocumentRecord("d1", date="1998-01-05"), DocumentRecord("d2"), DocumentRecord("d3")])
    assert g.nodes["A"]["by_year"] == "1998:1"
    assert g.nodes["C"]["first_seen"] == "" and g.nodes["C"]["by_month"] == ""


def test_a_dated_file_name_beats_a_datelines_day_and_december_rolls_back():
    assert with_metadata(Document("a", "本报北京１２月３１日讯 记者", path="pd/19980101-01-001.txt")).date == "1998-01-01"
    assert dateline_date("本报北京１２月３１日讯", "199801.txt") == "1997-12-31"
    assert with_metadata(Document("a", "本报北京１月５日讯", path="199801/x.txt")).date == "1998-01-05"
