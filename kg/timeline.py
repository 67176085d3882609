"""When each entity and each pair appears: document dates onto nodes and edges.

Node and edge attributes set here (strings, so every format carries them):
  first_seen, last_seen  the earliest and latest date (ISO, as precise as the documents give)
  by_year                "1998:12|1999:3"   documents per year
  by_month               "1998-01:9|1998-02:3" documents per month (dates with a month only)
Documents without a date count in none of them; an item seen only in such documents has
them empty. An edge's documents are those where its pair co-occurs within the graph's
window (as kg.graph counts them), and for a position the documents that state it.

Also counts the distinct entities of each document (documents.csv `entities`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx

from .types import DocumentRecord, Resolution

TIME_ATTRIBUTES = ("first_seen", "last_seen", "by_year", "by_month")


class _Seen:
    __slots__ = ("first", "last", "years", "months")

    def __init__(self) -> None:
        self.first = self.last = ""
        self.years: Counter = Counter()
        self.months: Counter = Counter()

    def add(self, date: str) -> None:
        if not self.first or date < self.first:
            self.first = date
        if date > self.last:
            self.last = date
        self.years[date[:4]] += 1
        if len(date) >= 7:
            self.months[date[:7]] += 1

    def attributes(self) -> dict[str, str]:
        return {"first_seen": self.first, "last_seen": self.last,
                "by_year": "|".join(f"{k}:{v}" for k, v in sorted(self.years.items())),
                "by_month": "|".join(f"{k}:{v}" for k, v in sorted(self.months.items()))}


def parse_counts(value: str) -> dict[str, int]:
    """'1998-01:9|1998-02:3' -> {'1998-01': 9, '1998-02': 3}."""
    out: dict[str, int] = {}
    for item in (value or "").split("|"):
        key, _, count = item.rpartition(":")
        if key and count.isdigit():
            out[key] = int(count)
    return out


def add_time(graph: nx.Graph, resolution: Resolution, records: list[DocumentRecord], window: str = "sentence") -> None:
    """Set the time attributes on every node and edge of `graph` (empty where no date is
    known) and each record's `entities` count. One pass over the documents."""
    by_id = {r.id: r for r in records}
    nodes: dict = defaultdict(_Seen)
    edges: dict = defaultdict(_Seen)
    for document in resolution.by_document():
        record = by_id.get(document.document)
        present = {occ.entity for occ in document.occurrences if occ.entity in graph}
        if record is not None:
            record.entities = len(present)
        date = record.date if record is not None else ""
        if not date:
            continue
        for entity in present:
            nodes[entity].add(date)
        units: dict[int, set] = defaultdict(set)
        for occ in document.occurrences:
            if occ.entity in present:
                index = occ.sentence if window == "sentence" else occ.paragraph if window == "paragraph" else 0
                units[index].add(occ.entity)
        pairs = set()
        for members in units.values():
            for a, b in combinations(sorted(members), 2):
                if graph.has_edge(a, b):
                    pairs.add((a, b))
        for pair in pairs:
            edges[pair].add(date)
    stated: dict = defaultdict(set)  # positions: the documents that state them
    for p in resolution.positions:
        if p.organisation is not None and graph.has_edge(p.person, p.organisation):
            stated[tuple(sorted((p.person, p.organisation)))].add(p.document)
    for pair, documents in stated.items():
        if pair in edges:
            continue  # co-occurring in the same sentences already dated it
        for document in documents:
            record = by_id.get(document)
            if record is not None and record.date:
                edges[pair].add(record.date)
    empty = _Seen().attributes()
    for node, data in graph.nodes(data=True):
        data.update(nodes[node].attributes() if node in nodes else empty)
    for a, b, data in graph.edges(data=True):
        key = (a, b) if (a, b) in edges else (b, a)
        data.update(edges[key].attributes() if key in edges else empty)
