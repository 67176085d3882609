"""Writers for graph files and tables. Every file is written atomically (temp file + rename)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# ---- sanitising ---------------------------------------------------------------------------

import csv
import io
import json
import re

import networkx as nx

# XML 1.0 forbids these code points even when escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def xml_safe(value: str) -> str:
    return _XML_ILLEGAL.sub("", value)


def spreadsheet_safe(value) -> str:
    """Neutralise spreadsheet formulas: a leading = + - @ gets a quote in front."""
    text = "" if value is None else str(value)
    text = xml_safe(text)
    if text.startswith(_FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def sanitized_graph(graph: nx.Graph) -> nx.Graph:
    """A copy whose string attributes hold no XML-illegal characters."""
    clean = nx.Graph()
    for node, data in graph.nodes(data=True):
        clean.add_node(xml_safe(str(node)), **{k: xml_safe(v) if isinstance(v, str) else v for k, v in data.items()})
    for a, b, data in graph.edges(data=True):
        clean.add_edge(xml_safe(str(a)), xml_safe(str(b)), **{k: xml_safe(v) if isinstance(v, str) else v for k, v in data.items()})
    return clean


# ---- writers ------------------------------------------------------------------------------


def graphml_bytes(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml_xml(sanitized_graph(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def gexf_bytes(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    g = sanitized_graph(graph)
    for node, data in g.nodes(data=True):
        data["label"] = data.get("name", node)
    nx.write_gexf(g, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def node_link_text(graph: nx.Graph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1)


def _csv_text(header: list[str], rows, safe: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) if safe else xml_safe("" if v is None else str(v)) for v in row])
    return buffer.getvalue()


ENTITY_COLUMNS = ["id", "name", "type", "subtype", "aliases", "mentions", "documents", "titles", "affiliations"]
EDGE_COLUMNS = ["source", "target", "weight", "npmi", "relation", "title", "documents"]
RELATION_COLUMNS = ["head", "relation", "tail", "title", "document", "sentence"]


def entities_csv(graph: nx.Graph) -> str:
    rows = (
        [node] + [graph.nodes[node].get(col, "") for col in ENTITY_COLUMNS[1:]]
        for node in sorted(graph, key=lambda n: (-graph.nodes[n].get("mentions", 0), n))
    )
    return "\ufeff" + _csv_text(ENTITY_COLUMNS, rows)  # BOM: spreadsheets then read UTF-8


def edges_csv(graph: nx.Graph) -> str:
    rows = ([a, b] + [d.get(col, "") for col in EDGE_COLUMNS[2:]] for a, b, d in sorted(graph.edges(data=True)))
    return "\ufeff" + _csv_text(EDGE_COLUMNS, rows)


def relations_csv(resolution, graph: nx.Graph) -> str:
    rows = []
    for p in resolution.positions:
        if p.organisation is None or p.person not in graph or p.organisation not in graph:
            continue
        rows.append([graph.nodes[p.person]["name"], "holds_position_at", graph.nodes[p.organisation]["name"],
                     p.title, p.document, p.sentence])
    return "\ufeff" + _csv_text(RELATION_COLUMNS, rows)


def neo4j_nodes_csv(graph: nx.Graph) -> str:
    header = ["id:ID", "name", ":LABEL", "subtype", "aliases:string[]", "mentions:int", "documents:int",
              "titles:string[]", "affiliations:string[]", "community:int", "degree_centrality:float"]
    rows = []
    for node in sorted(graph):
        d = graph.nodes[node]
        label = {"PERSON": "Person", "ORG": "Organization", "LOC": "Place"}.get(d.get("type"), "Entity")
        rows.append([node, d.get("name", ""), f"Entity;{label}", d.get("subtype", ""),
                     d.get("aliases", "").replace("|", ";"), d.get("mentions", 0), d.get("documents", 0),
                     d.get("titles", "").replace("|", ";"), d.get("affiliations", "").replace("|", ";"),
                     d.get("community", -1), d.get("degree_centrality", 0.0)])
    return _csv_text(header, rows, safe=False)


def neo4j_relationships_csv(graph: nx.Graph) -> str:
    header = [":START_ID", ":END_ID", ":TYPE", "weight:int", "npmi:float", "title", "documents:int"]
    rows = []
    for a, b, d in sorted(graph.edges(data=True)):
        rel_type = "HOLDS_POSITION_AT" if d.get("relation") == "holds_position_at" else "CO_OCCURS"
        if rel_type == "HOLDS_POSITION_AT" and graph.nodes[b].get("type") == "PERSON":
            a, b = b, a  # person -> organisation
        rows.append([a, b, rel_type, d.get("weight", 0), d.get("npmi", 0.0), d.get("title", ""), d.get("documents", 0)])
    return _csv_text(header, rows, safe=False)


FORMATS = ("html", "graphml", "gexf", "json", "csv")


def render_files(graph: nx.Graph, resolution, formats: tuple[str, ...]) -> dict[str, bytes]:
    """All output files (relative name -> content) for the requested formats, in memory,
    so that nothing is written until everything rendered."""
    files: dict[str, bytes] = {}
    if "graphml" in formats:
        files["graph.graphml"] = graphml_bytes(graph)
    if "gexf" in formats:
        files["graph.gexf"] = gexf_bytes(graph)
    if "json" in formats:
        files["graph.json"] = node_link_text(graph).encode("utf-8")
    if "csv" in formats:
        files["entities.csv"] = entities_csv(graph).encode("utf-8")
        files["edges.csv"] = edges_csv(graph).encode("utf-8")
        files["relations.csv"] = relations_csv(resolution, graph).encode("utf-8")
        files["neo4j/nodes.csv"] = neo4j_nodes_csv(graph).encode("utf-8")
        files["neo4j/relationships.csv"] = neo4j_relationships_csv(graph).encode("utf-8")
    return files


OWN_FILES = ("graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv", "edges.csv",
             "relations.csv", "neo4j/nodes.csv", "neo4j/relationships.csv", "summary.json")


def write_outputs(out_dir: str | Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file atomically, then remove kg's files of an earlier run that this run
    did not produce, so the folder never mixes old and new outputs."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(files):
        atomic_write_bytes(out_dir / name, files[name])
        written.append(out_dir / name)
    for name in OWN_FILES:
        if name not in files and (out_dir / name).exists():
            (out_dir / name).unlink()
    return written
