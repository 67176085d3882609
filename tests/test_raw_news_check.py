"""pipelines/raw_news_check.py: each symptom is counted from a build's tables."""
import csv

from pipelines.raw_news_check import symptoms

HEAD = ["id", "name", "type", "subtype", "titles", "degree_centrality"]


def _write(folder, entities, relations):
    with (folder / "entities.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(HEAD)
        w.writerows(entities)
    with (folder / "relations.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["head", "relation", "tail", "title"])
        w.writerows(relations)


def test_each_symptom_is_counted(tmp_path):
    _write(tmp_path, [
        ["ORG:VIDEUIG4gR67", "VIDEUIG4gR67", "ORG", "other", "", "0.1"],
        ["ORG:Facebook", "Facebook", "ORG", "company", "", "0.1"],
        ["PERSON:for", "for", "PERSON", "other", "", "0.1"],
        ["PERSON:蔡奇", "蔡奇", "PERSON", "official", "", "0.2"],
        ["PERSON:蔡奇出", "蔡奇出", "PERSON", "official", "", "0.1"],
        ["LOC:深圳市", "深圳市", "LOC", "city", "", "0.3"],
        ["LOC:深圳地区", "深圳地区", "LOC", "other", "", "0.1"],
        ["PERSON:胡锦涛", "胡锦涛", "PERSON", "journalist", "国家主席|记者", "0.5"],
        ["ORG:三星（中国）半导体有限公司", "三星（中国）半导体有限公司", "ORG", "company", "", "0.1"],
    ], [["秦刚", "holds_position_at", "的外交部部长职务，任命王毅为外交部", "部长"]])
    got = symptoms(tmp_path)
    assert {k: got[k]["count"] for k in ("link_letters", "lowercase_person", "verb_glued", "punct_in_name",
                                          "division_diqu", "journalist_heads")} == {
        "link_letters": 1, "lowercase_person": 1, "verb_glued": 1, "punct_in_name": 1, "division_diqu": 1,
        "journalist_heads": 1}
    assert got["top_degree"]["name"] == "胡锦涛" and got["entities"] == 9
