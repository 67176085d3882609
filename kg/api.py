"""kg as a Python library: build a graph, look into it, filter it, save it, show it in a notebook.

Everything here is reached as ``kg.NAME`` (see kg/__init__.py). A build goes through the
same code as ``kg build`` (kg.build.run with one kg.options.BuildOptions); this module only
adds ways to read the result.

>>> import kg
>>> graph = kg.build(kg.SAMPLE_CORPUS, jobs=1)      # nothing is written (out=None)
>>> graph.summary.documents
23
>>> city = graph.find("沈阳")                         # a name or any of its aliases
>>> city.type, city.id in graph.graph
('LOC', True)
>>> all(n.id in graph.graph for n in graph.neighbours("沈阳"))
True
"""
from __future__ import annotations

import csv
import dataclasses
import html
import json
import os
import tempfile
import unicodedata
import webbrowser
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date as _date
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable, TypeVar, Union

import networkx as nx

from .build import BuildResult, BuildSummary, StageTimer, graph_counts, output_files, run
from .events import Event
from .export import check_output_dir, write_outputs
from .graph import CO_OCCURS, HOLDS_POSITION_AT
from .options import BuildOptions
from .types import DocumentRecord, Position, Resolution

__all__ = ["KnowledgeGraph", "Entity", "Edge", "Relation", "Event", "DocumentRecord", "Table", "build", "load",
           "analyse", "SAMPLE_CORPUS"]

SAMPLE_CORPUS: Path = Path(__file__).resolve().parent / "data" / "sample"
"""The folder of the sample corpus shipped with kg (23 invented articles, see kg/data/SAMPLE.md)."""

PathLike = Union[str, os.PathLike]
DateLike = Union[str, _date, None]
T = TypeVar("T")
TABLE_ROWS_SHOWN = 50  # rows a notebook shows of a Table (all are in the list)


# ---------------------------------------------------------------- rows


class Table(list[T]):
    """A list of rows (dataclasses) that can also become a pandas DataFrame.

    Slicing keeps the type, so ``graph.entities()[:10].to_pandas()`` works.
    """

    def __init__(self, rows: Iterable[T] = (), row_type: type | None = None):
        super().__init__(rows)
        self.row_type = row_type

    def __getitem__(self, index):  # type: ignore[override]
        item = super().__getitem__(index)
        return Table(item, self.row_type) if isinstance(index, slice) else item

    def _repr_html_(self) -> str:
        """A notebook shows the rows as a table (without pandas); long cells are cut."""
        if self.row_type is None or not self:
            return html.escape(repr(list(self)))
        columns = [f.name for f in fields(self.row_type)]

        def cell(value: Any) -> str:
            text = " | ".join(map(str, value)) if isinstance(value, tuple) else str(value)
            return html.escape(text if len(text) <= 80 else text[:79] + "…")

        shown = list(self)[:TABLE_ROWS_SHOWN]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{cell(getattr(row, c))}</td>" for c in columns) + "</tr>"
                       for row in shown)
        more = f"<p>… {len(self) - len(shown)} more rows</p>" if len(self) > len(shown) else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"

    def to_pandas(self):
        """The rows as a ``pandas.DataFrame``, one column per field (pandas is optional:
        ``pip install 'kg[pandas]'``)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Table.to_pandas needs pandas: pip install 'kg[pandas]'") from None
        columns = [f.name for f in fields(self.row_type)] if self.row_type is not None else None
        return pandas.DataFrame([dataclasses.asdict(row) for row in self], columns=columns)


def _parts(value: Any, sep: str = "|") -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split(sep)
    return tuple(s for s in (str(i).strip() for i in items) if s)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _number(value: Any, default: float = 0) -> float:
    """An int where the value is whole (weights usually are), else a float."""
    number = _float(value, default)
    return int(number) if float(number).is_integer() else number


def _float(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class Entity:
    """One node of the graph (its attributes are documented in the README, "What comes out")."""

    id: str
    name: str
    type: str  # PERSON, ORG or LOC
    subtype: str = "other"
    aliases: tuple[str, ...] = ()  # every surface form, the name first
    mentions: int = 0
    documents: int = 0  # how many documents mention it
    titles: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    community: int = -1
    degree_centrality: float = 0.0
    first_seen: str = ""  # ISO dates; "" where no document date is known
    last_seen: str = ""
    evidence: tuple[str, ...] = ()  # up to 3 "[document] sentence" lines

    @classmethod
    def of_node(cls, node: Any, data: dict) -> Entity:
        return cls(
            id=str(node), name=str(data.get("name", node)), type=str(data.get("type", "")),
            subtype=str(data.get("subtype", "other")), aliases=_parts(data.get("aliases")),
            mentions=_int(data.get("mentions")), documents=_int(data.get("documents")),
            titles=_parts(data.get("titles")), affiliations=_parts(data.get("affiliations")),
            community=_int(data.get("community"), -1), degree_centrality=_float(data.get("degree_centrality")),
            first_seen=str(data.get("first_seen") or ""), last_seen=str(data.get("last_seen") or ""),
            evidence=_parts(data.get("evidence"), "\n"),
        )


@dataclass(frozen=True)
class Edge:
    """One edge: a co-occurrence, or an official's position (then `source` is the person)."""

    source: str  # entity ids
    target: str
    source_name: str
    target_name: str
    relation: str  # co_occurs or holds_position_at
    weight: float = 1  # co-occurring units (sentences by default); a whole number unless units are shared
    npmi: float = 0.0
    documents: int = 0
    title: str = ""  # the position's title(s), "|"-joined
    first_seen: str = ""
    last_seen: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relation:
    """One stated relation, as in relations.csv: (head, relation, tail) with its sentence."""

    head: str  # names
    relation: str
    tail: str
    title: str
    document: str
    sentence: str
    head_id: str = ""
    tail_id: str = ""


# ---------------------------------------------------------------- dates


def _iso(value: DateLike) -> str:
    if value is None:
        return ""
    if isinstance(value, _date):
        return value.isoformat()[:10]
    return str(value).strip()


def _span(date: str) -> tuple[str, str]:
    """The first and last day an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) can mean, as
    strings that compare in date order ("-31" is late enough for every month)."""
    parts = date.split("-")
    low = "-".join(parts + ["01"] * (3 - len(parts)))
    high = "-".join(parts + (["12", "31"] if len(parts) == 1 else ["31"] if len(parts) == 2 else []))
    return low, high


def _date_bounds(dates) -> tuple[str, str]:
    """`dates` as an inclusive (first day, last day) range of ISO strings; either end open."""
    if isinstance(dates, (str, _date)):
        start = end = dates
    else:
        try:
            start, end = dates
        except (TypeError, ValueError):
            raise ValueError(f"dates must be 'YYYY[-MM[-DD]]' or a (start, end) pair, not {dates!r}") from None
    low = _span(_iso(start))[0] if _iso(start) else ""
    high = _span(_iso(end))[1] if _iso(end) else "9999-12-31"
    return low, high


def _in_range(date: str, low: str, high: str) -> bool:
    """Whether a (possibly partial) date overlaps the range; an unknown date never does."""
    if not date[:4].isdigit():  # unknown, or a day without its year (--03-05)
        return False
    first, last = _span(date)
    return last >= low and first <= high


def _attribute_dates(data: dict) -> set[str]:
    """The dates an item's time attributes give (kg.timeline), to the month: used where the
    documents' occurrences are not at hand (a graph read back by kg.load)."""
    from .timeline import parse_counts

    months = parse_counts(data.get("by_month", ""))
    dates = set(months)
    for year, count in parse_counts(data.get("by_year", "")).items():
        if count > sum(c for m, c in months.items() if m.startswith(year)):
            dates.add(year)  # some documents of that year give no month
    dates.update(d for d in (data.get("first_seen"), data.get("last_seen")) if d)
    return dates


def _event_documents(data: dict) -> dict[str, str]:
    """document -> date of the typed events (kg.events) an edge carries in `event_records`."""
    try:
        records = json.loads(data.get("event_records") or "[]")
    except (TypeError, ValueError):
        return {}
    return {str(r.get("document", "")): str(r.get("date") or "") for r in records if isinstance(r, dict)}


# ---------------------------------------------------------------- the graph


class _Corpus:
    """What every view (subgraph) of one build shares: the build's result, its options and
    documents, and the index of which documents each node and edge occurs in."""

    def __init__(self, *, result: BuildResult | None = None, graph: nx.Graph | None = None,
                 options: BuildOptions | None = None, summary: BuildSummary | None = None,
                 records: list[DocumentRecord] | None = None, relations: list[Relation] | None = None):
        self.result = result
        self._graph = graph
        self.options = options or (result.options if result else BuildOptions())
        self.summary = summary or (result.summary if result else BuildSummary())
        self.records = records if records is not None else (result.records if result else [])
        self.loaded_relations = relations
        self._index: tuple[dict, dict] | None = None

    @property
    def graph(self) -> nx.Graph:
        if self._graph is None:
            self._graph = self.result.materialise()[0]
        return self._graph

    @property
    def resolution(self) -> Resolution | None:
        if self.result is None:
            return None
        self.graph  # noqa: B018  (materialises the resolution too)
        return self.result.resolution

    def index(self) -> tuple[dict, dict] | None:
        """(node -> its document ids, edge -> document ids where the pair co-occurs within the
        build's window, or states the position), or None without the build's occurrences."""
        resolution = self.resolution
        if resolution is None:
            return None
        if self._index is None:
            graph, window = self.graph, self.options.window
            node_docs: dict = defaultdict(set)
            edge_docs: dict = defaultdict(set)
            for document in resolution.by_document():
                units: dict = defaultdict(set)
                for occ in document.occurrences:
                    if occ.entity in graph:
                        node_docs[occ.entity].add(document.document)
                        unit = occ.sentence if window == "sentence" else occ.paragraph if window == "paragraph" else 0
                        units[unit].add(occ.entity)
                for members in units.values():
                    for a, b in combinations(sorted(members), 2):
                        if graph.has_edge(a, b):
                            edge_docs[frozenset((a, b))].add(document.document)
            for p in resolution.positions:
                if p.organisation is not None and graph.has_edge(p.person, p.organisation):
                    edge_docs[frozenset((p.person, p.organisation))].add(p.document)
            for a, b, data in graph.edges(data=True):  # typed events name their documents
                edge_docs[frozenset((a, b))].update(d for d in _event_documents(data) if d)
            self._index = (dict(node_docs), dict(edge_docs))
        return self._index

    def relations(self, graph: nx.Graph) -> list[Relation]:
        resolution = self.resolution
        if resolution is None:
            return [r for r in self.loaded_relations or [] if r.head_id in graph and r.tail_id in graph]
        out = []
        for p in resolution.positions:  # the rule of relations.csv: both ends are nodes
            if p.organisation is None or p.person not in graph or p.organisation not in graph:
                continue
            out.append(Relation(graph.nodes[p.person].get("name", p.person), HOLDS_POSITION_AT,
                                graph.nodes[p.organisation].get("name", p.organisation), p.title, p.document,
                                p.sentence, p.person, p.organisation))
        return out

    def export_resolution(self, graph: nx.Graph) -> Resolution:
        """What the writers need of the resolution (relations.csv reads its positions)."""
        resolution = self.resolution
        if resolution is not None:
            return resolution
        return Resolution(entities={}, positions=[Position(r.head_id, r.title, r.tail_id, r.document, r.sentence)
                                                  for r in self.relations(graph)])


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


class KnowledgeGraph:
    """The graph of one build (or of part of it, see `subgraph`), with ways to read it.

    Made by `kg.build`, `kg.load`, or from any networkx graph with kg's node attributes:
    ``KnowledgeGraph(graph)``. Displayed in a notebook it shows the interactive map.
    """

    def __init__(self, graph: nx.Graph, *, summary: BuildSummary | None = None,
                 options: BuildOptions | None = None, documents: Iterable[DocumentRecord] | None = None,
                 relations: Iterable[Relation] | None = None):
        records = list(documents) if documents is not None else []
        self._corpus = _Corpus(graph=graph, options=options, summary=summary, records=records,
                               relations=list(relations) if relations is not None else [])
        self._graph: nx.Graph | None = graph
        self._records: list[DocumentRecord] | None = None  # None: all the corpus's

    @classmethod
    def _view(cls, corpus: _Corpus, graph: nx.Graph | None, records: list[DocumentRecord] | None) -> KnowledgeGraph:
        view = cls.__new__(cls)
        view._corpus, view._graph, view._records = corpus, graph, records
        return view

    # ---- what it is

    @property
    def graph(self) -> nx.Graph:
        """The networkx graph: node ids are entity ids; attributes as documented in the README."""
        if self._graph is None:
            self._graph = self._corpus.graph
        return self._graph

    @property
    def summary(self) -> BuildSummary:
        """The build's summary (what summary.json holds): documents, characters, skipped inputs, timings..."""
        return self._corpus.summary

    @property
    def options(self) -> BuildOptions:
        """The options of the build that made this graph."""
        return self._corpus.options

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def __contains__(self, name_or_alias: object) -> bool:
        return isinstance(name_or_alias, str) and self.find(name_or_alias) is not None

    def __repr__(self) -> str:
        return (f"<KnowledgeGraph: {self.graph.number_of_nodes()} entities, {self.graph.number_of_edges()} edges, "
                f"{len(self.documents())} documents>")

    # ---- rows

    def entities(self, type: str | None = None, subtype: str | None = None) -> Table[Entity]:
        """Every entity (of one `type` and/or `subtype` if given), most mentioned first.

        >>> graph = kg.build(kg.SAMPLE_CORPUS, jobs=1)
        >>> orgs = graph.entities(type="ORG")
        >>> all(e.type == "ORG" for e in orgs), orgs[0].mentions >= orgs[-1].mentions
        (True, True)
        """
        rows = [Entity.of_node(n, d) for n, d in self.graph.nodes(data=True)
                if (type is None or d.get("type") == type) and (subtype is None or d.get("subtype") == subtype)]
        rows.sort(key=lambda e: (-e.mentions, e.name, e.id))
        return Table(rows, Entity)

    def edges(self, relation: str | None = None) -> Table[Edge]:
        """Every edge (of one `relation` if given: co_occurs or holds_position_at), heaviest first."""
        rows = []
        for a, b, d in self.graph.edges(data=True):
            if relation is not None and d.get("relation") != relation:
                continue
            if d.get("relation") == HOLDS_POSITION_AT and self.graph.nodes[b].get("type") == "PERSON" \
                    and self.graph.nodes[a].get("type") != "PERSON":
                a, b = b, a  # person -> organisation
            rows.append(Edge(str(a), str(b), str(self.graph.nodes[a].get("name", a)),
                             str(self.graph.nodes[b].get("name", b)), str(d.get("relation", "co_occurs")),
                             _number(d.get("weight"), 1), _float(d.get("npmi")), _int(d.get("documents")),
                             str(d.get("title") or ""), str(d.get("first_seen") or ""), str(d.get("last_seen") or ""),
                             _parts(d.get("evidence"), "\n")))
        rows.sort(key=lambda e: (-e.weight, -e.npmi, e.source, e.target))
        return Table(rows, Edge)

    def relations(self) -> Table[Relation]:
        """Officials' positions, one row per statement (person, holds_position_at, organisation)."""
        return Table(self._corpus.relations(self.graph), Relation)

    def events(self, type: str | None = None) -> Table[Event]:
        """Typed events (visits, meets, cooperates_with, invests_in, acquires; kg.events), as
        events.csv lists them, in document order; of one `type` if given."""
        from .events import graph_events

        return Table([e for e in graph_events(self.graph) if type is None or e.type == type], Event)

    def documents(self) -> Table[DocumentRecord]:
        """The documents (id, path, title, date, url, source, characters, entities), in corpus order."""
        self._corpus.graph  # noqa: B018  (a build whose files came from the cache counts entities now)
        records = self._records if self._records is not None else self._corpus.records
        return Table(records, DocumentRecord)

    # ---- looking things up

    def find(self, name_or_alias: str) -> Entity | None:
        """The entity with this id, name or alias (ignoring width, case and spaces when no
        exact match), the most mentioned one if several; None if there is none.

        >>> graph = kg.build(kg.SAMPLE_CORPUS, jobs=1)
        >>> graph.find("no such name") is None
        True
        """
        graph = self.graph
        if name_or_alias in graph:
            return Entity.of_node(name_or_alias, graph.nodes[name_or_alias])
        wanted, loose = name_or_alias.strip(), _normal(name_or_alias)
        tiers: list[list] = [[], [], []]  # name, alias, loosely equal name or alias
        for node, data in graph.nodes(data=True):
            name, aliases = str(data.get("name", "")), _parts(data.get("aliases"))
            if name == wanted:
                tiers[0].append(node)
            elif wanted in aliases:
                tiers[1].append(node)
            elif loose and (loose == _normal(name) or any(loose == _normal(a) for a in aliases)):
                tiers[2].append(node)
        for found in tiers:
            if found:
                best = max(found, key=lambda n: (_int(graph.nodes[n].get("mentions")), str(n)))
                return Entity.of_node(best, graph.nodes[best])
        return None

    def _node(self, name_or_alias: str) -> str:
        entity = self.find(name_or_alias)
        if entity is None:
            raise KeyError(f"no entity named {name_or_alias!r} in this graph")
        return entity.id

    def neighbours(self, name: str) -> Table[Entity]:
        """The entities linked to `name` (a name or alias), the strongest link first. Raises
        KeyError when no entity has that name."""
        node, graph = self._node(name), self.graph
        weight = {other: _number(d.get("weight"), 1) for other, d in graph[node].items()}
        rows = [Entity.of_node(n, graph.nodes[n]) for n in weight]
        rows.sort(key=lambda e: (-weight[e.id], -e.mentions, e.name))
        return Table(rows, Entity)

    neighbors = neighbours  # the US spelling, as networkx writes it

    # ---- parts of it

    def subgraph(self, *, types: str | Iterable[str] | None = None, subtypes: str | Iterable[str] | None = None,
                 min_weight: float | None = None, dates=None, relations: str | Iterable[str] | None = None,
                 around: str | None = None, radius: int = 1) -> KnowledgeGraph:
        """A new KnowledgeGraph with part of this one; node and edge attributes are kept as
        they are (counts and communities are those of the whole build).

        - `types` / `subtypes`: keep entities of these types (PERSON, ORG, LOC) / subtypes.
        - `min_weight`: drop co-occurrence edges seen in fewer units (stated relations such
          as positions are kept, as in a build); `relations`: keep only edges of these relations.
        - `dates`: ``"2026-03"`` or ``("2026-03-01", "2026-04-30")`` (inclusive, either end
          None for open): keep the entities and edges that occur in documents of those dates
          (documents without a date are left out). For a graph read by `kg.load` this goes by
          the nodes' and edges' time attributes, to the month.
        - `around`: a name or alias; keep it and the entities within `radius` links of it
          (after the other filters).

        >>> graph = kg.build(kg.SAMPLE_CORPUS, jobs=1)
        >>> orgs = graph.subgraph(types="ORG")
        >>> {e.type for e in orgs.entities()}
        {'ORG'}
        >>> spring = graph.subgraph(dates=("2026-03-01", "2026-05-31"))
        >>> all("2026-03-01" <= d.date <= "2026-05-31" for d in spring.documents())
        True
        """
        graph = self.graph
        keep = set(graph)
        if types is not None:
            wanted = {types} if isinstance(types, str) else set(types)
            keep = {n for n in keep if graph.nodes[n].get("type") in wanted}
        if subtypes is not None:
            wanted = {subtypes} if isinstance(subtypes, str) else set(subtypes)
            keep = {n for n in keep if graph.nodes[n].get("subtype") in wanted}
        relation_set = None if relations is None else ({relations} if isinstance(relations, str) else set(relations))
        records = self.documents()
        index = self._corpus.index()
        node_ok = edge_ok = None
        if dates is not None:
            low, high = _date_bounds(dates)
            records = Table([r for r in records if _in_range(r.date, low, high)], DocumentRecord)
            if index is not None:
                in_range = {r.id for r in records}
                node_ok = lambda n: bool(index[0].get(n, set()) & in_range)  # noqa: E731
                edge_ok = lambda a, b: bool(index[1].get(frozenset((a, b)), set()) & in_range)  # noqa: E731
            else:
                # a position is also dated by the documents that state it (relations.csv, documents.csv),
                # an event by its own record
                dated = {r.id: r.date for r in self._corpus.records}
                stated: dict = defaultdict(set)
                for rel in self._corpus.relations(graph):
                    if dated.get(rel.document):
                        stated[frozenset((rel.head_id, rel.tail_id))].add(dated[rel.document])
                node_ok = lambda n: any(_in_range(d, low, high) for d in _attribute_dates(graph.nodes[n]))  # noqa: E731
                edge_ok = lambda a, b: any(_in_range(d, low, high)  # noqa: E731
                                           for d in _attribute_dates(graph.edges[a, b]) | stated[frozenset((a, b))]
                                           | set(_event_documents(graph.edges[a, b]).values()))
            keep = {n for n in keep if node_ok(n)}
        sub = nx.Graph(**graph.graph)
        sub.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in keep)
        for a, b, d in graph.edges(data=True):
            if a not in keep or b not in keep:
                continue
            if relation_set is not None and d.get("relation") not in relation_set:
                continue
            if min_weight is not None and d.get("relation", CO_OCCURS) == CO_OCCURS \
                    and _number(d.get("weight"), 1) < min_weight:
                continue  # stated relations (positions, events) stay, as in a build
            if edge_ok is not None and not edge_ok(a, b):
                continue
            sub.add_edge(a, b, **d)
        if around is not None:
            centre = self._node(around)
            if centre not in sub:
                raise KeyError(f"{around!r} is not in the graph left by the other filters")
            near = nx.single_source_shortest_path_length(sub, centre, cutoff=radius)
            # built in the graph's own order (a networkx subgraph view may iterate a set, whose
            # order changes from one process to the next): the same map and files every time
            ego = nx.Graph(**sub.graph)
            ego.add_nodes_from((n, d) for n, d in sub.nodes(data=True) if n in near)
            ego.add_edges_from((a, b, d) for a, b, d in sub.edges(data=True) if a in near and b in near)
            sub = ego
        if index is not None:  # the documents that mention what is left
            mentioned = set().union(*(index[0].get(n, set()) for n in sub)) if len(sub) else set()
            records = Table([r for r in records if r.id in mentioned], DocumentRecord)
        return KnowledgeGraph._view(self._corpus, sub, list(records))

    # ---- files and the map

    def _files_options(self, formats) -> BuildOptions:
        return self.options.replace(formats=formats if formats is not None else self.options.formats)

    def save(self, directory: PathLike, formats: str | Iterable[str] | None = None) -> list[Path]:
        """Write the graph's files into `directory`, the way ``kg build --out`` does
        (default: the build's formats; summary.json and documents.csv always). Returns the
        paths written.

        >>> import tempfile
        >>> graph = kg.build(kg.SAMPLE_CORPUS, jobs=1)
        >>> folder = tempfile.mkdtemp()
        >>> sorted(p.name for p in graph.save(folder, formats="graphml"))
        ['documents.csv', 'graph.graphml', 'summary.json']
        >>> len(kg.load(folder).entities()) == len(graph.entities())
        True
        """
        directory = Path(directory)
        options = self._files_options(tuple(formats) if formats is not None and not isinstance(formats, str)
                                      else formats).replace(out_dir=directory)
        summary = dataclasses.replace(self.summary, html={})  # a copy: this graph's counts and files
        graph = self.graph
        files = output_files(graph, self._corpus.export_resolution(graph), options, summary, StageTimer(),
                             list(self.documents()))
        summary.entities, summary.edges, summary.relations, summary.edges_over_max_edges, summary.events = graph_counts(graph)
        if summary.html and hasattr(summary, "map"):
            summary.map = f"map shows {summary.html['nodes_shown']} of {summary.html['nodes_total']} nodes"
        summary.outputs = sorted(str(directory / name) for name in list(files) + ["summary.json"])
        files["summary.json"] = json.dumps(summary.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")
        check_output_dir(directory)
        return write_outputs(directory, files)

    def to_html(self, max_nodes: int | None = None) -> str:
        """The interactive map as one self-contained HTML page (graph.html), which makes no
        network request; at most `max_nodes` nodes (default: the build's --max-html-nodes)."""
        options = self._files_options(("html",))
        if max_nodes is not None:
            options = options.replace(max_html_nodes=max_nodes)
        files = output_files(self.graph, self._corpus.export_resolution(self.graph), options,
                             dataclasses.replace(self.summary), StageTimer(), list(self.documents()))
        return files["graph.html"].decode("utf-8")

    def _map_frame(self, height: int = 600) -> str:
        return map_frame(self.to_html(), height)

    def _repr_html_(self) -> str:
        """Jupyter shows the map (see `show`)."""
        return self._map_frame()

    def show(self, height: int = 600) -> Path | None:
        """Show the interactive map: inline in a notebook (JupyterLab, classic Notebook, VS Code;
        an <iframe srcdoc>, so no file, no server and no network request are needed, and each
        map on a page keeps to itself); elsewhere in the web browser, from a temporary file,
        whose path is returned."""
        if _in_kernel():
            from IPython.display import display

            display(_Frame(self._map_frame(height)))
            return None
        path = Path(tempfile.mkdtemp(prefix="kg-map-")) / "graph.html"
        path.write_text(self.to_html(), encoding="utf-8")
        webbrowser.open(path.as_uri())
        return path


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (a front end that shows HTML), not a terminal."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class _Frame:
    """Something Jupyter displays as the given HTML."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup


def map_frame(page: str, height: int = 600) -> str:
    """`page` (a whole HTML document) inside an <iframe srcdoc>: notebooks show it without a
    file or a server, its scripts and ids cannot clash with the notebook's or another map's,
    and the sandbox (scripts, no same-origin) keeps it from reaching the notebook."""
    return (f'<iframe class="kg-map" title="kg map" srcdoc="{html.escape(page, quote=True)}" '
            f'style="width: 100%; height: {int(height)}px; border: 1px solid #dde1e6;" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer">'
            '</iframe>')


# ---------------------------------------------------------------- making one


def build(paths: PathLike | Iterable[PathLike], *, out: PathLike | None = None, model: str | None = None,
          window: str = "sentence", min_weight: int = 1, min_npmi: float = -1.0, max_edges: int = 100_000,
          max_html_nodes: int = 300, formats: str | Iterable[str] = BuildOptions.formats, jobs: int = 0,
          cache_dir: PathLike | None = None, use_cache: bool = True, aliases: PathLike | None = None,
          strict: bool = False, progress: bool = True, spill_dir: PathLike | None = None,
          scheduler: str | None = None) -> KnowledgeGraph:
    """Build the graph of the articles in `paths` (files, folders, globs), exactly as
    ``kg build`` does: the keywords are its options (``out`` is ``--out``, ``use_cache=False``
    is ``--no-cache``, ``progress=False`` is ``--quiet``). With ``out=None`` nothing is
    written; otherwise the files go into `out` as with the CLI.

    Raises kg.options.OptionError (a bad option value), kg.build.InputErrors (`strict` and
    an input skipped), kg.build.NoDocuments, kg.export.OutputError, kg.nlp.ModelNotFound.

    >>> graph = kg.build(kg.SAMPLE_CORPUS, jobs=1, window="document")
    >>> graph.options.window, graph.summary.outputs
    ('document', [])
    """
    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]  # type: ignore[list-item]
    options = BuildOptions(out_dir=out, model=model, window=window, min_weight=min_weight, min_npmi=min_npmi,
                           max_edges=max_edges, max_html_nodes=max_html_nodes,
                           formats=formats if isinstance(formats, str) else tuple(formats), jobs=jobs,
                           cache_dir=cache_dir, use_cache=use_cache, aliases=aliases, strict=strict,
                           progress=progress, spill_dir=spill_dir, scheduler=scheduler)
    return build_from_options([str(p) for p in paths], options)


def build_from_options(paths: list[str], options: BuildOptions) -> KnowledgeGraph:
    """`build` with its options already made (what ``kg build`` calls)."""
    return KnowledgeGraph._view(_Corpus(result=run(paths, options)), None, None)


def _csv_rows(path: Path) -> list[dict]:
    """A kg CSV file's rows, with the quote kg puts before a formula-like cell taken off."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key, value in row.items():
            if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
                row[key] = value[1:]
    return rows


def load(directory: PathLike) -> KnowledgeGraph:
    """The graph a build wrote into `directory` (``kg build --out DIR`` or `save`): graph.json,
    else graph.graphml; with summary.json, relations.csv and documents.csv when present.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> built = kg.build(kg.SAMPLE_CORPUS, jobs=1, out=folder, formats="json,csv")
    >>> loaded = kg.load(folder)
    >>> loaded.entities() == built.entities(), loaded.relations() == built.relations()
    (True, True)
    """
    directory = Path(directory)
    if (directory / "graph.json").is_file():
        data = json.loads((directory / "graph.json").read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, edges="edges")
    elif (directory / "graph.graphml").is_file():
        graph = nx.read_graphml(directory / "graph.graphml")
    else:
        raise FileNotFoundError(f"{directory} holds neither graph.json nor graph.graphml "
                                "(a build with --formats json or graphml writes them)")
    if graph.is_directed() or graph.is_multigraph():
        graph = nx.Graph(graph)
    summary, options = BuildSummary(), BuildOptions()
    if (directory / "summary.json").is_file():
        saved = json.loads((directory / "summary.json").read_text(encoding="utf-8"))
        known = {f.name for f in fields(BuildSummary)}
        summary = BuildSummary(**{k: v for k, v in saved.items() if k in known})
        settings = saved.get("options") or {}
        wanted = ("model", "window", "min_weight", "min_npmi", "max_edges", "max_html_nodes", "formats")
        try:  # the folders and files named there may not exist here: only the graph settings
            options = BuildOptions(**{k: settings[k] for k in wanted if k in settings and settings[k] is not None})
        except (TypeError, ValueError):
            options = BuildOptions()
    by_name: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        by_name.setdefault(str(data.get("name", node)), node)
    relations = []
    if (directory / "relations.csv").is_file():
        for row in _csv_rows(directory / "relations.csv"):
            relations.append(Relation(row["head"], row["relation"], row["tail"], row.get("title", ""),
                                      row.get("document", ""), row.get("sentence", ""),
                                      by_name.get(row["head"], ""), by_name.get(row["tail"], "")))
    records = []
    if (directory / "documents.csv").is_file():
        known = {f.name: f for f in fields(DocumentRecord)}
        for row in _csv_rows(directory / "documents.csv"):
            values = {k: (_int(v) if known[k].type in ("int", int) else v) for k, v in row.items() if k in known}
            records.append(DocumentRecord(**values))
    return KnowledgeGraph(graph, summary=summary, options=options, documents=records, relations=relations)


def analyse(text: str, *, model: str | None = None) -> Table[Entity]:
    """The entities kg finds in one text (model and entity rules, as in a build), in the
    order they first appear; no graph, no cache, no file.

    >>> found = kg.analyse("沈阳市市长王建国今天在沈阳会见了北方智造机器人股份有限公司董事长。")
    >>> {e.type for e in found} <= {"PERSON", "ORG", "LOC"}, len(found) > 0
    (True, True)
    """
    from .build import extract
    from .clean import clean_document
    from .entities import resolve
    from .nlp import analyse_document, load_pipeline
    from .types import Document

    clean = clean_document(Document("text", text))
    if not clean.sentences:
        return Table([], Entity)
    analysis = analyse_document(load_pipeline(model), clean)
    resolution = resolve([extract(analysis, clean.source)])
    first: dict[str, tuple[int, int]] = {}
    for document in resolution.by_document():
        for order, occ in enumerate(document.occurrences):
            first.setdefault(occ.entity, (occ.sentence, order))
    rows = []
    for eid, e in resolution.entities.items():
        rows.append(Entity(id=eid, name=e.name, type=e.type, subtype=e.subtype, aliases=tuple(e.aliases),
                           mentions=e.mentions, documents=e.documents, titles=tuple(e.titles),
                           affiliations=tuple(e.affiliations)))
    rows.sort(key=lambda e: (first.get(e.id, (1 << 30, 0)), e.name))
    return Table(rows, Entity)
