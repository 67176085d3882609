"""Symptoms of wrong entities on real modern news that has no gold: kg builds slices of the raw
news in ../shared/data/raw_news (days of CCTV 新闻联播 transcripts, 2022-2026, and the THUCNews
sample of Sina articles) and counts what is wrong by its form alone, whatever the model read:

  link_letters      ORG/PERSON names of Latin letters and digits cut from a link (VIDEUIG4g…)
  lowercase_person  a PERSON that is a lowercase Latin word (for, all)
  verb_glued        a three-character PERSON whose first two characters are a PERSON of the
                    same corpus and whose last starts a reporting verb (蔡奇出 beside 蔡奇; a
                    real name such as 刘伟强 beside 刘伟 counts too: compare, do not read as errors)
  punct_in_name     a name holding punctuation (的外交部部长职务，任命…)
  division_diqu     a LOC "X地区" beside the city or province X it means (深圳地区, 深圳市)
  journalist_heads  people with a public office typed journalist
  top_degree        the most connected node and its degree (a dateline's outlet should not be it)

A count is a symptom, not a score: the slices are no evaluation set (nothing is held out and
no one labelled them), and a rule is never written for one of their names. Run it before and
after a change of the entity rules or the cleaning, and compare.

    .venv/bin/python -m pipelines.raw_news_check                     # 30 days of 2025, 1,000 Sina articles
    .venv/bin/python -m pipelines.raw_news_check --days 20230721:30 --json out.json
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "raw_news"
DAY = re.compile(r"# 《新闻联播》 \((\d{8})\)")
PUNCTUATION = set("，。；：！？、“”,;!?")  # brackets belong to registered names (三星（中国）半导体有限公司)
SPLIT_VERB_FIRST = set("表指强介认参出主陪会考调视致讲宣带率提要透告兼担")


def write_days(xwlb: Path, start: str, count: int, out: Path) -> int:
    """One .txt per programme day, the `count` days from `start` (YYYYMMDD) on."""
    days: dict[str, list[str]] = {}
    current = None
    with xwlb.open(encoding="utf-8") as handle:
        for line in handle:
            match = DAY.match(line)
            if match:
                current = match.group(1)
                days[current] = []
            elif current:
                days[current].append(line)
    chosen = [d for d in sorted(days) if d >= start][:count]
    for day in chosen:
        (out / f"{day}.txt").write_text("".join(days[day]), encoding="utf-8")
    return len(chosen)


def write_thucnews(sample: Path, out: Path) -> int:
    """The THUCNews sample (label<TAB>text lines) as one JSONL of articles."""
    n = 0
    with sample.open(encoding="utf-8") as handle, (out / "thucnews.jsonl").open("w", encoding="utf-8") as dest:
        for n, line in enumerate(handle, 1):
            _, text = line.rstrip("\n").split("\t", 1)
            dest.write(json.dumps({"id": f"thucnews-{n:04d}", "text": text}, ensure_ascii=False) + "\n")
    return n


def symptoms(out: Path) -> dict:
    """The counts above, from a build's entities.csv and relations.csv."""
    with (out / "entities.csv").open(encoding="utf-8-sig") as handle:
        entities = list(csv.DictReader(handle))
    people = {e["name"] for e in entities if e["type"] == "PERSON"}
    locs = {e["name"] for e in entities if e["type"] == "LOC"}
    found: dict[str, list[str]] = {k: [] for k in ("link_letters", "lowercase_person", "verb_glued", "punct_in_name",
                                                   "division_diqu", "journalist_heads")}
    for e in entities:
        name = e["name"]
        if e["type"] in ("ORG", "PERSON") and re.fullmatch(r"[A-Za-z0-9]{6,}", name) and re.search(
                r"[a-z][A-Z]|[A-Za-z]\d[A-Za-z]", name):  # case or digits changing inside a word: a link's id
            found["link_letters"].append(name)
        if e["type"] == "PERSON" and name.isascii() and name[:1].islower():
            found["lowercase_person"].append(name)
        if e["type"] == "PERSON" and len(name) == 3 and name[:2] in people and name[2] in SPLIT_VERB_FIRST:
            found["verb_glued"].append(name)
        if any(ch in PUNCTUATION for ch in name):
            found["punct_in_name"].append(name)
        if e["type"] == "LOC" and name.endswith("地区") and (name[:-2] + "市" in locs or name[:-2] + "省" in locs):
            found["division_diqu"].append(name)
        if e["subtype"] == "journalist" and set(e["titles"].split("|")) & {"国家主席", "总统", "总理", "首相", "部长", "市长", "省长"}:
            found["journalist_heads"].append(name)
    with (out / "relations.csv").open(encoding="utf-8-sig") as handle:
        for r in csv.DictReader(handle):
            if any(ch in PUNCTUATION for ch in r["tail"]):
                found["punct_in_name"].append(r["tail"])
    top = max(entities, key=lambda e: float(e["degree_centrality"] or 0), default=None)
    return {"entities": len(entities), **{k: {"count": len(v), "examples": sorted(set(v))[:8]} for k, v in found.items()},
            "top_degree": {"name": top["name"], "degree_centrality": float(top["degree_centrality"])} if top else None,
            "types": dict(Counter(e["type"] for e in entities))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--days", default="20250411:30", help="START:COUNT programme days of 新闻联播 (default 20250411:30)")
    parser.add_argument("--no-thucnews", action="store_true", help="the transcripts only")
    parser.add_argument("--model", default=None, help="a kg pipeline other than the shipped one")
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args(argv)
    start, _, count = args.days.partition(":")
    report = {}
    with tempfile.TemporaryDirectory(prefix="kg-raw-news-") as tmp:
        slices = {"xwlb": Path(tmp) / "xwlb"}
        slices["xwlb"].mkdir()
        made = write_days(args.data / "xwlb" / "xwlb.txt", start, int(count or 30), slices["xwlb"])
        if not args.no_thucnews:
            slices["thucnews"] = Path(tmp) / "thucnews"
            slices["thucnews"].mkdir()
            write_thucnews(args.data / "thucnews_sample" / "cnews.val.txt", slices["thucnews"])
        for name, folder in slices.items():
            out = Path(tmp) / f"out-{name}"
            cmd = [sys.executable, "-m", "kg.cli", "build", str(folder), "--out", str(out), "--no-cache", "--quiet"]
            if args.model:
                cmd += ["--model", args.model]
            subprocess.run(cmd, check=True)
            report[name] = symptoms(out)
            if name == "xwlb":
                report[name]["days"] = f"{start}, {made} days"
    for name, counts in report.items():
        print(f"{name}: {counts['entities']} entities ({counts.get('days', 'THUCNews sample')})")
        for key in ("link_letters", "lowercase_person", "verb_glued", "punct_in_name", "division_diqu", "journalist_heads"):
            print(f"  {key:17s} {counts[key]['count']:4d}  {' '.join(counts[key]['examples'])}")
        top = counts["top_degree"]
        print(f"  top_degree        {top['name']} ({top['degree_centrality']})")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
