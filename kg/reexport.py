"""`kg export`: the export formats again from an existing build's graph.json, without
reading the articles or starting the model (after a change of kg's writers, or when only
graph.json was kept). Files are written one by one, atomically; graph.html,
relations.csv, documents.csv and summary.json of the build are left as they are."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from .export import atomic_write_bytes
from .writers import edges_csv, entities_csv, gexf_bytes, graphml_bytes, neo4j_nodes_csv, neo4j_relationships_csv

EXPORT_FORMATS = ("graphml", "gexf", "csv")


class NoBuild(RuntimeError):
    """The folder holds no graph.json of a kg build."""


def read_graph(out_dir: str | Path) -> nx.Graph:
    path = Path(out_dir) / "graph.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return nx.node_link_graph(data, edges="edges")
    except FileNotFoundError:
        raise NoBuild(f"{path} not found: run `kg build ... --out {out_dir}` first") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise NoBuild(f"{path} is not a graph.json written by kg ({exc})") from None


def export_existing(out_dir: str | Path, formats: tuple[str, ...] = EXPORT_FORMATS) -> list[Path]:
    out_dir = Path(out_dir)
    graph = read_graph(out_dir)
    for _, _, data in graph.edges(data=True):
        data.pop("directed", None)  # the writers set it again
    files = {}
    if "graphml" in formats:
        files["graph.graphml"] = lambda: graphml_bytes(graph)
    if "gexf" in formats:
        files["graph.gexf"] = lambda: gexf_bytes(graph)
    if "csv" in formats:
        files["entities.csv"] = lambda: entities_csv(graph).encode("utf-8")
        files["edges.csv"] = lambda: edges_csv(graph).encode("utf-8")
        files["neo4j/nodes.csv"] = lambda: neo4j_nodes_csv(graph).encode("utf-8")
        files["neo4j/relationships.csv"] = lambda: neo4j_relationships_csv(graph).encode("utf-8")
    written = []
    for name, render in files.items():
        atomic_write_bytes(out_dir / name, render())
        written.append(out_dir / name)
    return written
