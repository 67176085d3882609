"""The document-level check on held-back People's Daily articles (pipelines/doc_eval.py)."""
import pytest

from kg.types import LOC, ORG, PERSON
from pipelines.convert import DATA
from pipelines.doc_eval import held_back_articles, score

CORPUS = DATA / "people_daily_1998" / "199801.txt"


def test_score_counts_names_per_type_and_overall():
    gold = [{("张明", PERSON), ("沈阳市", LOC)}, {("鞍钢集团", ORG)}]
    pred = [{("张明", PERSON), ("沈阳", LOC)}, {("鞍钢集团", ORG), ("鞍钢", ORG)}]
    result = score(gold, pred)
    assert result[PERSON]["p"] == 1.0 and result[PERSON]["r"] == 1.0
    assert result[LOC]["tp"] == 0 and result[LOC]["fp"] == 1 and result[LOC]["fn"] == 1
    assert result[ORG]["p"] == 0.5 and result[ORG]["r"] == 1.0
    assert result["ALL"]["tp"] == 2 and result["ALL"]["fp"] == 2 and result["ALL"]["fn"] == 1


@pytest.mark.skipif(not CORPUS.is_file(), reason="shared corpus not present")
def test_held_back_articles_are_the_convert_split_with_gold_names():
    from pipelines.convert import held_back
    articles = list(held_back_articles(CORPUS, limit=5))
    assert len(articles) == 5
    for article, text, gold, unknown in articles:
        assert held_back(article)
        assert gold and all(name in text for name, _ in gold)
