import pytest

from kg.corpora import AnnotatedText, CorpusFormatError, parse_people_daily_line, read_bio, read_cluener, read_segmented


def test_bio_reader_maps_labels_and_spans(tmp_path):
    f = tmp_path / "a.bio"
    f.write_text("张 B-PER\n明 I-PER\n在 O\n沈 B-LOC\n阳 I-LOC\n\n鞍 B-ORG\n钢 I-ORG\n", encoding="utf-8")
    records = list(read_bio(f))
    assert [(r.text, r.spans) for r in records] == [
        ("张明在沈阳", [(0, 2, "PERSON"), (3, 5, "LOC")]),
        ("鞍钢", [(0, 2, "ORG")]),
    ]


def test_bmes_and_weibo_tokens(tmp_path):
    f = tmp_path / "b.txt"
    f.write_text("高\tB-NAME\n勇\tE-NAME\n在\tO\n京\tS-LOC\n\n科0\tB-ORG.NAM\n技1\tI-ORG.NAM\n", encoding="utf-8")
    records = list(read_bio(f))
    assert records[0].spans == [(0, 2, "PERSON"), (3, 4, "LOC")]
    assert records[1].text == "科技" and records[1].spans == [(0, 2, "ORG")]


def test_malformed_bio_line_names_file_and_line(tmp_path):
    f = tmp_path / "bad.bio"
    f.write_text("张 B-PER\n明 I-PER\n\n沈阳 B-LOC\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"bad\.bio:4"):
        list(read_bio(f))
    f.write_text("张 B-PER\n明 XPER\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"bad\.bio:2"):
        list(read_bio(f))


def test_people_daily_line_joins_names_and_opens_compounds():
    line = "19980101-01-001-002/m  [中国/ns  科学院/n]nt  院长/n  路/nr  甬祥/nr  在/p  北京/ns  讲话/v"
    para = parse_people_daily_line(line, "199801.txt", 1)
    assert para.words == ["中国", "科学院", "院长", "路", "甬祥", "在", "北京", "讲话"]
    got = {(para.text[s:e], label) for s, e, label in para.spans}
    assert got == {("中国科学院", "ORG"), ("路甬祥", "PERSON"), ("北京", "LOC")}


def test_people_daily_name_runs_of_two_people_are_split():
    line = "19980101-01-001-002/m  记者/n  王/nr  锦鹄/nr  毛/nr  磊/nr  报道/v  桥本/nr  龙太郎/nr"
    para = parse_people_daily_line(line, "199801.txt", 1)
    got = {para.text[s:e] for s, e, label in para.spans if label == "PERSON"}
    assert got == {"王锦鹄", "毛磊", "桥本龙太郎"}


def test_people_daily_malformed_item_names_file_and_line():
    with pytest.raises(CorpusFormatError, match="199801.txt:7"):
        parse_people_daily_line("19980101-01-001-002/m  中国ns", "199801.txt", 7)
    with pytest.raises(CorpusFormatError, match="199801.txt:3"):
        parse_people_daily_line("no id here", "199801.txt", 3)


def test_cluener_reader_maps_and_validates(tmp_path):
    f = tmp_path / "c.json"
    f.write_text('{"text": "浙商银行叶老桂说", "label": {"name": {"叶老桂": [[4, 6]]}, "company": {"浙商银行": [[0, 3]]}, "game": {"说": [[7, 7]]}}}\n'
                 '{"text": "坏", "label": {"name": {"好": [[0, 0]]}}}\n', encoding="utf-8")
    reader = read_cluener(f)
    first = next(reader)
    assert first.spans == [(0, 4, "ORG"), (4, 7, "PERSON")] and first.partial
    with pytest.raises(CorpusFormatError, match=r"c\.json:2"):
        next(reader)


def test_segmented_reader(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text("沈阳 是 城市\n\n它 很 冷\n", encoding="utf-8")
    assert list(read_segmented(f)) == [["沈阳", "是", "城市"], ["它", "很", "冷"]]


def test_people_daily_abbreviations_follow_the_ner_corpora():
    line = "19980101-01-001-003/m  中/j  美/j  关系/n  [中国/ns  政府/n]nt  政协/j  九/j  届/q  人民日报/nz"
    para = parse_people_daily_line(line, "199801.txt", 1)
    got = {(para.text[s:e], label) for s, e, label in para.spans}
    assert got == {("中", "LOC"), ("美", "LOC"), ("中国", "LOC"), ("政协", "ORG"), ("人民日报", "ORG")}


def test_people_daily_unbracketed_organisation_names_are_missing_not_outside():
    # 199801 leaves some organisation names unbracketed; the NER corpora tag them ORG,
    # so their labels are unknown for training (neither LOC + O nor ORG)
    line = ("19980101-01-001-004/m  北京/ns  紫禁城/ns  影业/n  公司/n  和/c  [北京/ns  大学/n]nt  "
            "与/c  美国/ns  公司/n  及/c  英国/ns  金融/n  监管/vn  当局/n")
    para = parse_people_daily_line(line, "199801.txt", 1)
    assert [para.text[s:e] for s, e in para.missing] == ["北京紫禁城影业公司"]
    got = {(para.text[s:e], label) for s, e, label in para.spans}
    assert ("美国", "LOC") in got and ("北京大学", "ORG") in got  # a place before a bare head stays a place


def test_converted_training_doc_marks_missing_characters(tmp_path):
    import spacy

    from pipelines.convert import to_doc

    line = "19980101-01-001-004/m  北京/ns  紫禁城/ns  影业/n  公司/n  在/p  上海/ns"
    para = parse_people_daily_line(line, "199801.txt", 1)
    doc = to_doc(spacy.blank("zh"), AnnotatedText(para.text, para.spans, missing=para.missing))
    iob = [t.ent_iob_ for t in doc]
    assert iob[:9] == [""] * 9  # missing: not taught as entity or outside
    assert iob[9] == "O" and [e.text for e in doc.ents] == ["上海"]


def test_weibo_scheme_keeps_named_mentions_only(tmp_path):
    f = tmp_path / "weibo.dev"
    f.write_text("李0\tB-PER.NAM\n娜1\tI-PER.NAM\n和0\tO\n男0\tB-PER.NOM\n友1\tI-PER.NOM\n"
                 "在0\tO\n北0\tB-GPE.NAM\n京1\tI-GPE.NAM\np10\tO\n\ufffd\ufffd0\tO\n", encoding="utf-8")
    (record,) = read_bio(f, "weibo")
    assert record.text == "李娜和男友在北京p\ufffd"  # multi-digit positions; a damaged character stays one
    assert record.spans == [(0, 2, "PERSON"), (6, 8, "LOC")]
    assert record.outside == [(3, 5)]  # a nominal mention is no name


def test_resume_and_cluener_schemes_mark_unknown_places_missing(tmp_path):
    f = tmp_path / "r.bmes"
    f.write_text("中 B-CONT\n国 M-CONT\n国 M-CONT\n籍 E-CONT\n， O\n任 O\n董 B-TITLE\n事 E-TITLE\n", encoding="utf-8")
    (record,) = read_bio(f, "resume")
    assert record.spans == [] and record.missing == [(0, 4)] and record.outside == [(6, 8)]
    c = tmp_path / "c.json"
    c.write_text('{"text": "北京市海淀区的联想集团", "label": {"address": {"北京市海淀区": [[0, 5]]}, '
                 '"company": {"联想集团": [[7, 10]]}}}\n', encoding="utf-8")
    (train,) = read_cluener(c)
    assert train.missing == [(0, 6)] and train.spans == [(7, 11, "ORG")]
    (evaluation,) = read_cluener(c, places="LOC")
    assert evaluation.spans == [(0, 6, "LOC"), (7, 11, "ORG")]


def test_announcements_short_names_are_organisations(tmp_path):
    f = tmp_path / "announcements.dev"
    f.write_text("金 B-abr_org\n杯 I-abr_org\n于 O\n2 B-date\n0 I-date\n", encoding="utf-8")
    (record,) = read_bio(f, "announcements")
    assert record.spans == [(0, 2, "ORG")] and record.outside == [(3, 5)] and record.partial
