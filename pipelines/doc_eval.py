"""Document-level check of the entity stage on real newspaper text.

The held-back 10% of People's Daily 1998-01 articles (the split of `convert.py`: never
trained on) are run through kg as documents: clean -> model -> per-document entity rules.
Each article's set of distinct (name, type) pairs is compared with the corpus annotation
(`nr` runs = PERSON, `ns` / `[..]ns` = LOC, `nt` / `[..]nt` = ORG, as `kg.corpora` reads it),
once for the model's raw mentions and once for the mentions the rules keep, so that a rule
that does not generalise to real text shows up as a loss here.

Predicted names inside an unbracketed organisation-like stretch (`missing` in kg.corpora:
the corpus does not say what they are) are not counted either way.

    python -m pipelines.doc_eval [--limit N] [--show 30] [--graph 400]
"""
from __future__ import annotations

import argparse
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from kg.build import extract
from kg.clean import clean_document, normalize_chars
from kg.corpora import read_people_daily_1998
from kg.nlp import analyse_document, load_pipeline
from kg.types import LABELS, Document

from .convert import DATA, held_back


def held_back_articles(path: Path, limit: int | None = None):
    """(article id, text, gold set of (name, label), names to ignore) per held-back article."""
    articles: dict[str, list] = defaultdict(list)
    for para in read_people_daily_1998(path):
        article = "-".join(para.doc_id.split("-")[:3])
        if held_back(article):
            articles[article].append(para)
    for n, (article, paras) in enumerate(sorted(articles.items())):
        if limit is not None and n >= limit:
            break
        gold = set()
        unknown = set()
        for para in paras:
            for start, end, label in para.spans:
                gold.add((normalize_chars(para.text[start:end]), label))
            for start, end in para.missing:
                unknown.add(normalize_chars(para.text[start:end]))
        yield article, "\n".join(p.text for p in paras), gold, unknown


# Events: the corpus tags party congresses (十五大) as organisations (nt); kg types no events,
# so they are left out of the comparison on both sides (and counted). This pattern is the
# check's own, independent of kg's rule.
EVENT_NAME = re.compile(r"^(?:中共|党的)?[一二三四五六七八九十]{1,3}大$|(?:全会|(?<!人民)代表大会|博览会|交易会|展览会|论坛|峰会|研讨会)$")


def is_event(name: str) -> bool:
    return bool(EVENT_NAME.search(name))


def _inside_unknown(name: str, unknown: set[str]) -> bool:
    return any(name in stretch for stretch in unknown)


def score(pairs_gold: list[set], pairs_pred: list[set]) -> dict:
    counts = {label: Counter() for label in LABELS + ("ALL",)}
    for gold, pred in zip(pairs_gold, pairs_pred):
        for label in LABELS:
            g = {n for n, lab in gold if lab == label}
            p = {n for n, lab in pred if lab == label}
            for key in (label, "ALL"):
                counts[key]["tp"] += len(g & p)
                counts[key]["fp"] += len(p - g)
                counts[key]["fn"] += len(g - p)
    out = {}
    for label, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        out[label] = {"p": round(p, 3), "r": round(r, 3), "f": round(2 * p * r / (p + r), 3) if p + r else 0.0, **c}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=None, help="first N held-back articles only")
    parser.add_argument("--show", type=int, default=0, help="print the N most frequent errors of the rules")
    parser.add_argument("--graph", type=int, default=0, metavar="N",
                        help="also build the graph of the first N articles of 199801 and check its semantics")
    parser.add_argument("--top", type=int, default=300, help="nodes the map shows (for --graph)")
    args = parser.parse_args(argv)
    nlp = load_pipeline(args.model)
    golds, raws, ruled = [], [], []
    errors = Counter()
    rule_seconds, chars, events = 0.0, 0, 0
    for article, text, gold, unknown in held_back_articles(args.data / "people_daily_1998" / "199801.txt", args.limit):
        clean = clean_document(Document(id=article, text=text))
        analysis = analyse_document(nlp, clean)
        started = time.perf_counter()
        facts = extract(analysis)
        rule_seconds += time.perf_counter() - started
        chars += len(analysis.text)
        raw = {(m.text, m.label) for m in analysis.mentions if not _inside_unknown(m.text, unknown)}
        kept = {(m.text, m.label) for m in facts.mentions if not _inside_unknown(m.text, unknown)}
        events += sum(1 for name, _ in gold if is_event(name))
        gold, raw, kept = ({(n, lab) for n, lab in names if not is_event(n)} for names in (gold, raw, kept))
        golds.append(gold)
        raws.append(raw)
        ruled.append(kept)
        for name, label in kept - gold:
            errors[("spurious", label, name)] += 1
        for name, label in gold - kept:
            errors[("missed", label, name)] += 1
        for name, label in (kept - gold) - (raw - gold):
            errors[("rule-added-wrong", label, name)] += 1
        for name, label in (gold & raw) - kept:
            errors[("rule-lost", label, name)] += 1
    print(f"{len(golds)} held-back articles of 199801; entity rules ran at {chars / max(rule_seconds, 1e-9):,.0f} chars/s; "
          f"{events} event names of the corpus (十五大 ...) left out")
    for title, pred in (("model mentions", raws), ("after entity rules", ruled)):
        result = score(golds, pred)
        print(f"{title}:")
        for label, r in result.items():
            print(f"  {label:6} P {r['p']:.3f} R {r['r']:.3f} F {r['f']:.3f}  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
    if args.graph:
        graph_check(nlp, args.data / "people_daily_1998" / "199801.txt", args.graph, args.top)
    if args.show:
        for kind in ("rule-added-wrong", "rule-lost", "spurious", "missed"):
            items = [(k, v) for k, v in errors.most_common() if k[0] == kind][: args.show]
            print(f"\n{kind}: " + ", ".join(f"{name}/{label}" + (f" x{v}" if v > 1 else "") for (_, label, name), v in items))
    return 0


def _list_sentence(text: str, names: list[str]) -> bool:
    """A sentence that only lists names: five or more, separated, little else (the check's
    own reading, independent of kg.graph's)."""
    if len(names) < 5:
        return False
    rest = text
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    others = sum(1 for c in rest if c.isalnum() and c not in "和及与等")
    return rest.count("、") + rest.count("，") >= len(names) - 2 and others <= 0.5 * sum(map(len, names))


def graph_check(nlp, path: Path, limit: int, top: int) -> None:
    """Graph semantics on the first `limit` articles: people with an official title are
    officials, no event is an organisation, sentences that only list names do not fill the
    map's top nodes."""
    from kg.entities import resolve, title_kind
    from kg.graph import build_graph

    articles: dict[str, list] = defaultdict(list)
    for para in read_people_daily_1998(path):
        article = "-".join(para.doc_id.split("-")[:3])
        if len(articles) >= limit and article not in articles:
            break
        articles[article].append(para)
    all_facts, listed, linked = [], Counter(), Counter()
    for article, paras in articles.items():
        clean = clean_document(Document(id=article, text="\n".join(p.text for p in paras)))
        facts = extract(analyse_document(nlp, clean))
        all_facts.append(facts)
        by_sentence = defaultdict(list)
        for m in facts.mentions:
            by_sentence[m.sentence].append(m.text)
        for index, names in by_sentence.items():
            if len(set(names)) >= 2:
                counter = listed if _list_sentence(clean.text[clean.sentences[index].start:clean.sentences[index].end], names) else linked
                counter.update(set(names))
    resolution = resolve(all_facts)
    graph = build_graph(resolution)
    people = [e for e in resolution.entities.values() if e.type == "PERSON"]
    titled = [e for e in people if any(title_kind(t) == "official" for t in e.titles)]
    official = [e for e in titled if e.subtype == "official"]
    events = sorted(e.name for e in resolution.entities.values() if e.type == "ORG" and is_event(e.name))
    # a node "from lists": all of its names' multi-name sentences are list sentences
    from_lists = {eid for eid, e in resolution.entities.items()
                  if any(listed[a] for a in e.aliases) and not any(linked[a] for a in e.aliases)}
    strength = {n: sum(float(d.get("weight", 1)) for _, _, d in graph.edges(n, data=True)) for n in graph}
    shown = sorted(graph, key=lambda n: (-strength[n], -graph.nodes[n].get("mentions", 0), n))[:top]  # the map's order
    print(f"graph of the first {len(articles)} articles of 199801: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    print(f"  people with an official title: {len(titled)}, of them subtype official {len(official)} "
          f"({len(official) / max(1, len(titled)):.1%}); people: {len(people)}, subtype other "
          f"{sum(1 for e in people if e.subtype == 'other')}")
    print(f"  events typed ORG: {len(events)}" + (f" ({', '.join(events[:10])})" if events else ""))
    print(f"  of the {len(shown)} nodes the map shows, {sum(1 for n in shown if n in from_lists)} come only from "
          f"sentences that list names ({len(from_lists)} such nodes in all)")
    others = [e for e in titled if e.subtype != "official"]
    if others:
        print("  titled officials not official: " + ", ".join(f"{e.name} ({'|'.join(e.titles)})" for e in others[:15]))


if __name__ == "__main__":
    raise SystemExit(main())
