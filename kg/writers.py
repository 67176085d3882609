"""Writers for graph files and tables: GraphML, GEXF, node-link JSON, CSV and Neo4j import files.

Every writer returns the file's text or bytes; kg.export puts them on disk. `holds_position_at`
edges are written person -> organisation in every format (the graph itself is undirected;
each edge carries `directed`: true for a position, false for a co-occurrence).
"""
from __future__ import annotations

import csv
import io
import json
import math
import re

import networkx as nx


# ---- sanitising ---------------------------------------------------------------------------

# XML 1.0 forbids these code points even when escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def strip_illegal(value: str) -> str:
    """`value` without the code points XML 1.0 forbids (and that UTF-8 cannot encode)."""
    return value if _XML_ILLEGAL.search(value) is None else _XML_ILLEGAL.sub("", value)


def xml_safe(value: str) -> str:
    """Text as an XML reader will give it back: no forbidden code points, and line ends
    as "\n" (a parser turns a raw "\r\n" or "\r" in element text into "\n")."""
    value = strip_illegal(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def spreadsheet_safe(value) -> str:
    """Neutralise spreadsheet formulas: a leading = + - @ (or tab, carriage return) gets a
    quote in front, unless the cell is a plain number such as -3.5."""
    text = "" if value is None else str(value)
    text = strip_illegal(text)
    if text.startswith(_FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _clean_attrs(data: dict, text_is_safe: bool = False) -> dict:
    """`data` without None and non-finite floats (GraphML and GEXF have no null), its keys and
    strings XML-safe (as they are, where the caller checked that they all are)."""
    clean = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            continue
        if text_is_safe:
            clean[key] = value
        else:
            clean[xml_safe(str(key))] = xml_safe(value) if isinstance(value, str) else value
    return clean


def _text_is_xml_safe(graph: nx.Graph) -> bool:
    """Whether every id, attribute name and string value of `graph` is already what xml_safe
    makes of it (one scan of the joined text instead of a call per value: far faster)."""
    parts: list[str] = []
    for items in (graph.nodes(data=True), graph.edges(data=True)):
        for *ends, data in items:
            parts.extend(n if isinstance(n, str) else "\r" for n in ends)  # a non-str id: not safe as it is
            for key, value in data.items():
                parts.append(key if isinstance(key, str) else "\r")
                if isinstance(value, str):
                    parts.append(value)
    text = "".join(parts)
    return "\r" not in text and _XML_ILLEGAL.search(text) is None


def _safe_ids(graph: nx.Graph) -> dict:
    """node -> its XML-safe id. Two ids that differ only in XML-illegal characters stay two
    nodes (the second gets a ~2 suffix)."""
    ids: dict = {}
    used: set[str] = set()
    for node in graph:
        base = xml_safe(str(node))
        new, n = base, 1
        while new in used:
            n += 1
            new = f"{base}~{n}"
        used.add(new)
        ids[node] = new
    return ids


def sanitized_graph(graph: nx.Graph) -> nx.Graph:
    """A copy whose ids and string attributes hold no XML-illegal characters (see `_safe_ids`)."""
    clean = nx.Graph()
    ids = _safe_ids(graph)
    for node, data in graph.nodes(data=True):
        clean.add_node(ids[node], **_clean_attrs(data))
    for a, b, data in graph.edges(data=True):
        clean.add_edge(ids[a], ids[b], **_clean_attrs(data))
    return clean


# ---- writers ------------------------------------------------------------------------------


# GraphML and GEXF are written directly as text: networkx's ElementTree writers build the
# whole tree first and take about 10x longer on graphs of 100k edges.
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;"})
_XML_SPECIAL = re.compile('[&<>"\n\t]')
_GRAPHML_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}


def _kind(value_type: type) -> type:
    return bool if issubclass(value_type, bool) else int if issubclass(value_type, int) else \
        float if issubclass(value_type, float) else str


def _attr_types(items) -> dict[str, type]:
    """Attribute name -> the one type all its values can be written as."""
    seen: dict[str, set] = {}  # name -> the Python types of its values (one pass, no isinstance per value)
    for data in items:
        for key, value in data.items():
            kinds = seen.get(key)
            if kinds is None:
                seen[key] = {type(value)}
            else:
                kinds.add(type(value))
    types: dict[str, type] = {}
    for key, value_types in seen.items():
        kinds = {_kind(t) for t in value_types}
        types[key] = kinds.pop() if len(kinds) == 1 else float if kinds <= {int, float} else str
    return types


def _escape(text: str) -> str:
    """`text` escaped for an XML attribute or element, as str.translate(_XML_ESCAPE) gives it
    (six replace() passes, in C, instead of translate's mapping looked up for every character
    of a long evidence text)."""
    if _XML_SPECIAL.search(text) is None:
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\t", "&#9;"))


def _xml_value(value, kind: type) -> str:
    if kind is bool:
        return "true" if value else "false"
    if kind is str:
        return _escape(str(value))
    return repr(float(value)) if kind is float else str(int(value))


def oriented(graph: nx.Graph, a, b, data: dict) -> tuple:
    """(source, target) of an edge as the files write it: a position runs from the person
    to the organisation; any other edge keeps the graph's order."""
    if data.get("relation") == "holds_position_at" and graph.nodes[b].get("type") == "PERSON" \
            and graph.nodes[a].get("type") != "PERSON":
        return b, a
    return a, b


def _oriented_edges(graph: nx.Graph) -> list[tuple]:
    """Edges with positions person -> organisation and a `directed` flag on each."""
    out = []
    for a, b, data in graph.edges(data=True):
        a, b = oriented(graph, a, b, data)
        out.append((a, b, {**data, "directed": data.get("relation") == "holds_position_at"}))
    return out


def _sanitized_items(graph: nx.Graph):
    """(node items, edge items) with XML-safe ids and attributes (see sanitized_graph),
    positions person -> organisation."""
    # the items directly, not a sanitized copy of the graph: the copy costs more
    safe = _text_is_xml_safe(graph)
    ids = {n: n for n in graph} if safe else _safe_ids(graph)
    nodes = [(ids[node], _clean_attrs(data, safe)) for node, data in graph.nodes(data=True)]
    return nodes, [(ids[a], ids[b], _clean_attrs(data, safe)) for a, b, data in _oriented_edges(graph)]


def graphml_bytes(graph: nx.Graph) -> bytes:
    nodes, edges = _sanitized_items(graph)
    # `label`: what yEd and Cytoscape show by default (the name)
    nodes = [(n, {"label": d.get("name", n), **d}) for n, d in nodes]
    node_types, edge_types = _attr_types(d for _, d in nodes), _attr_types(d for _, _, d in edges)
    keys: dict[tuple[str, str], str] = {}
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n']
    for domain, types in (("node", node_types), ("edge", edge_types)):
        for name, kind in types.items():
            key = f"d{len(keys)}"
            keys[(domain, name)] = key
            out.append(f'  <key id="{key}" for="{domain}" attr.name="{_escape(name)}" '
                       f'attr.type="{_GRAPHML_TYPES[kind]}"/>\n')
    out.append('  <graph edgedefault="undirected">\n')
    for node, data in nodes:
        out.append(f'    <node id="{_escape(node)}">')
        out.extend(f'<data key="{keys[("node", k)]}">{_xml_value(v, node_types[k])}</data>' for k, v in data.items())
        out.append("</node>\n")
    for a, b, data in edges:
        out.append(f'    <edge source="{_escape(a)}" target="{_escape(b)}">')
        out.extend(f'<data key="{keys[("edge", k)]}">{_xml_value(v, edge_types[k])}</data>' for k, v in data.items())
        out.append("</edge>\n")
    out.append("  </graph>\n</graphml>\n")
    return "".join(out).encode("utf-8")


_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_GEXF_OWN = ("x", "y")  # written as viz:position instead of as attributes


def _viz(graph_nodes: list, community_colours: bool = False) -> dict:
    """node -> its viz XML (colour by subtype, size by mentions as on the map, position)."""
    from .style import hex_rgb, node_colour, scaled_size

    top = max((float(d.get("mentions") or 0) for _, d in graph_nodes), default=0.0)
    out = {}
    for node, data in graph_nodes:
        r, g, b = hex_rgb(node_colour(data))
        parts = [f'<viz:color r="{r}" g="{g}" b="{b}" a="1.0"/>',
                 f'<viz:size value="{scaled_size(float(data.get("mentions") or 0), top)!r}"/>']
        x, y = data.get("x"), data.get("y")
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            # GEXF's y axis points up, the screen's down: flip so Gephi shows the map's picture
            parts.append(f'<viz:position x="{float(x)!r}" y="{-float(y)!r}" z="0.0"/>')
        out[node] = "".join(parts)
    return out


def gexf_bytes(graph: nx.Graph) -> bytes:
    nodes, edges = _sanitized_items(graph)
    viz = _viz(nodes)
    nodes = [(n, {k: v for k, v in d.items() if k not in _GEXF_OWN}) for n, d in nodes]
    node_types, edge_types = _attr_types(d for _, d in nodes), _attr_types(d for _, _, d in edges)
    # GEXF edges carry their weight as an XML attribute of its own
    edge_types.pop("weight", None)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n',
           '  <meta><creator>kg</creator></meta>\n',
           '  <graph defaultedgetype="undirected" mode="static">\n']
    node_ids, edge_ids = {}, {}
    for domain, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
        out.append(f'    <attributes class="{domain}" mode="static">\n')
        for name, kind in types.items():
            ids[name] = str(len(ids))
            out.append(f'      <attribute id="{ids[name]}" title="{_escape(name)}" type="{_GEXF_TYPES[kind]}"/>\n')
        out.append("    </attributes>\n")
    out.append("    <nodes>\n")
    for node, data in nodes:
        label = _escape(str(data.get("name", node)))
        out.append(f'      <node id="{_escape(node)}" label="{label}"><attvalues>')
        out.extend(f'<attvalue for="{node_ids[k]}" value="{_xml_value(v, node_types[k])}"/>' for k, v in data.items())
        out.append(f"</attvalues>{viz[node]}</node>\n")
    out.append("    </nodes>\n    <edges>\n")
    for index, (a, b, data) in enumerate(edges):
        weight = data.get("weight")
        weight_attr = f' weight="{_xml_value(weight, float)}"' if isinstance(weight, (int, float)) and not isinstance(weight, bool) else ""
        label = data.get("title") or ""
        label_attr = f' label="{_xml_value(label, str)}"' if label else ""
        out.append(f'      <edge id="{index}" source="{_escape(a)}" target="{_escape(b)}"'
                   f'{weight_attr}{label_attr}><attvalues>')
        out.extend(f'<attvalue for="{edge_ids[k]}" value="{_xml_value(v, edge_types[k])}"/>'
                   for k, v in data.items() if k in edge_ids)
        out.append("</attvalues></edge>\n")
    out.append("    </edges>\n  </graph>\n</gexf>\n")
    return "".join(out).encode("utf-8")


def _json_value(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and Infinity are not JSON
    return value


def node_link_text(graph: nx.Graph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    for item in data["edges"]:
        a, b = oriented(graph, item["source"], item["target"], item)
        item["source"], item["target"] = a, b
        item["directed"] = item.get("relation") == "holds_position_at"
    for item in data["nodes"] + data["edges"]:
        for key, value in item.items():
            item[key] = _json_value(value)
    # one node or edge per line: json's indent= runs its pure-Python encoder, several times slower
    head = {k: v for k, v in data.items() if k not in ("nodes", "edges")}
    parts = [json.dumps(head, ensure_ascii=False)[:-1]]
    for name in ("nodes", "edges"):
        items = ",\n".join(json.dumps(item, ensure_ascii=False) for item in data[name])
        parts.append(f', "{name}": [\n{items}\n]' if items else f', "{name}": []')
    text = "".join(parts) + "}\n"
    return _SURROGATES.sub("\ufffd", text)  # lone surrogates cannot be written as UTF-8


# a cell needing more than str(): a forbidden code point or a carriage return anywhere
_CELL_WORK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff\ud800-\udfff]")


def _csv_cell(value, safe: bool) -> str:
    kind = type(value)
    if kind is int:  # most cells of the tables: counts and ids (a negative number stays as it is)
        return str(value)
    text = value if kind is str else "" if value is None else str(value)
    if (not safe or not text.startswith(_FORMULA_PREFIXES)) and _CELL_WORK.search(text) is None:
        return text  # what the general path below gives for it, without its passes
    text = spreadsheet_safe(text) if safe else strip_illegal(text)
    # line ends as "\n": the csv module quotes a cell holding "\n" but not one holding a bare "\r"
    return text.replace("\r\n", "\n").replace("\r", "\n")


# a row needing more than str() of its cells: _CELL_WORK's code points anywhere, or (safe) a
# formula prefix at the start of a cell; the cells are joined by "\n", so a cell starts at the
# text's start or after a "\n" (one inside a cell at worst sends the row down the slow path)
_ROW_WORK = re.compile(f"{_CELL_WORK.pattern}|(?:\\A|\n)[=+\\-@\t]")


def _csv_text(header: list[str], rows, safe: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    work = (_ROW_WORK if safe else _CELL_WORK).search
    for row in rows:
        # most rows need nothing but str(): one search over the whole row decides
        texts = [v if type(v) is str else "" if v is None else str(v) for v in row]
        if work("\n".join(texts)) is None:
            writer.writerow(texts)
        else:
            writer.writerow([_csv_cell(v, safe) for v in row])
    return buffer.getvalue()


ENTITY_COLUMNS = ["id", "name", "type", "subtype", "aliases", "mentions", "documents", "titles", "affiliations",
                  "community", "degree_centrality", "first_seen", "last_seen", "by_year"]
EDGE_COLUMNS = ["source", "target", "source_name", "target_name", "weight", "npmi", "relation", "title", "documents",
                "first_seen", "last_seen", "evidence"]
RELATION_COLUMNS = ["head", "relation", "tail", "title", "document", "sentence"]
DOCUMENT_COLUMNS = ["id", "path", "title", "date", "url", "source", "characters", "entities"]


def entities_csv(graph: nx.Graph) -> str:
    rows = (
        [node] + [graph.nodes[node].get(col, "") for col in ENTITY_COLUMNS[1:]]
        for node in sorted(graph, key=lambda n: (-graph.nodes[n].get("mentions", 0), n))
    )
    return "\ufeff" + _csv_text(ENTITY_COLUMNS, rows)  # BOM: spreadsheets then read UTF-8


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(float(value)) else 0.0


def edges_csv(graph: nx.Graph) -> str:
    """Strongest first: weight, then NPMI (then the ids, for a stable order)."""
    edges = sorted(_oriented_edges(graph),
                   key=lambda e: (-_number(e[2].get("weight")), -_number(e[2].get("npmi")), e[0], e[1]))
    rows = ([a, b, graph.nodes[a].get("name", a), graph.nodes[b].get("name", b)]
            + [d.get(col, "") for col in EDGE_COLUMNS[4:]] for a, b, d in edges)
    return "\ufeff" + _csv_text(EDGE_COLUMNS, rows)


def relations_csv(resolution, graph: nx.Graph) -> str:
    rows = []
    for p in resolution.positions:
        if p.organisation is None or p.person not in graph or p.organisation not in graph:
            continue
        rows.append([graph.nodes[p.person]["name"], "holds_position_at", graph.nodes[p.organisation]["name"],
                     p.title, p.document, p.sentence])
    return "\ufeff" + _csv_text(RELATION_COLUMNS, rows)


def documents_csv(records) -> str:
    rows = ([getattr(r, col) for col in DOCUMENT_COLUMNS] for r in records)
    return "\ufeff" + _csv_text(DOCUMENT_COLUMNS, rows)


def neo4j_nodes_csv(graph: nx.Graph) -> str:
    header = ["id:ID", "name", ":LABEL", "subtype", "aliases:string[]", "mentions:int", "documents:int",
              "titles:string[]", "affiliations:string[]", "community:int", "degree_centrality:float",
              "first_seen", "last_seen"]
    rows = []
    for node in sorted(graph):
        d = graph.nodes[node]
        label = {"PERSON": "Person", "ORG": "Organization", "LOC": "Place"}.get(d.get("type"), "Entity")
        rows.append([node, d.get("name", ""), f"Entity;{label}", d.get("subtype", ""),
                     d.get("aliases", "").replace("|", ";"), d.get("mentions", 0), d.get("documents", 0),
                     d.get("titles", "").replace("|", ";"), d.get("affiliations", "").replace("|", ";"),
                     d.get("community", -1), d.get("degree_centrality", 0.0),
                     d.get("first_seen", ""), d.get("last_seen", "")])
    return _csv_text(header, rows, safe=False)


def neo4j_relationships_csv(graph: nx.Graph) -> str:
    header = [":START_ID", ":END_ID", ":TYPE", "weight:float", "npmi:float", "title", "documents:int",
              "first_seen", "last_seen"]
    rows = []
    for a, b, d in sorted(_oriented_edges(graph), key=lambda e: (e[0], e[1])):
        rel_type = "HOLDS_POSITION_AT" if d.get("relation") == "holds_position_at" else "CO_OCCURS"
        rows.append([a, b, rel_type, d.get("weight", 0), d.get("npmi", 0.0), d.get("title", ""), d.get("documents", 0),
                     d.get("first_seen", ""), d.get("last_seen", "")])
    return _csv_text(header, rows, safe=False)


FORMATS = ("html", "graphml", "gexf", "json", "csv")


def render_files(graph: nx.Graph, resolution, formats: tuple[str, ...], records=None) -> dict:
    """The output files for the requested formats (and documents.csv, always, from the
    documents' `records`): relative name -> a function that renders the file's bytes.
    `write_outputs` renders each when it writes it, so one output at a time is in memory,
    and nothing is put in place until all are written."""
    files: dict = {}
    if records is not None:
        files["documents.csv"] = lambda: documents_csv(records).encode("utf-8")
    if "graphml" in formats:
        files["graph.graphml"] = lambda: graphml_bytes(graph)
    if "gexf" in formats:
        files["graph.gexf"] = lambda: gexf_bytes(graph)
    if "json" in formats:
        files["graph.json"] = lambda: node_link_text(graph).encode("utf-8")
    if "csv" in formats:
        files["entities.csv"] = lambda: entities_csv(graph).encode("utf-8")
        files["edges.csv"] = lambda: edges_csv(graph).encode("utf-8")
        files["relations.csv"] = lambda: relations_csv(resolution, graph).encode("utf-8")
        files["neo4j/nodes.csv"] = lambda: neo4j_nodes_csv(graph).encode("utf-8")
        files["neo4j/relationships.csv"] = lambda: neo4j_relationships_csv(graph).encode("utf-8")
    return files

