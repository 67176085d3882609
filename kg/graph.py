"""Entities and their co-occurrences -> a networkx graph.

Node attributes (all scalars, GraphML-safe):
  name, type (PERSON/ORG/LOC), subtype, aliases ("|"-joined), mentions, documents (count),
  titles ("|"), affiliations ("|"), community (Louvain), degree_centrality,
  evidence (up to 3 "[doc] sentence" lines).
Edge attributes:
  weight (distinct co-occurring units), documents (count), npmi, relation
  ("co_occurs" or "holds_position_at"), title ("|"), evidence (up to 3 "[doc] sentence" lines).

Pairs are counted per unit (sentence, paragraph or document), one document at a time, in
plain dicts and pruned (min_weight, min_npmi, max_edges) before any networkx object is
built. Graph attributes: co_occurring_pairs (counted), pairs_over_max_edges (dropped by the
max_edges limit).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from .types import Resolution

WINDOWS = ("sentence", "paragraph", "document")
MAX_EVIDENCE = 3
CO_OCCURS, HOLDS_POSITION_AT = "co_occurs", "holds_position_at"
_ONE_UNIT, _LOW_32 = 1 << 32, (1 << 32) - 1


@dataclass
class GraphOptions:
    window: str = "sentence"
    min_weight: int = 1
    min_npmi: float = -1.0  # -1 keeps every pair; 0 drops pairs seen together less than chance
    # At most this many co-occurrence edges (the strongest: weight, then NPMI), so that the
    # graph, its files and memory stay bounded on any corpus; 0: no limit. Officials'
    # positions are always kept.
    max_edges: int = 100_000


def npmi(pair_count: int, count_a: int, count_b: int, units: int) -> float:
    """Normalised pointwise mutual information of two entities over co-occurrence units."""
    if pair_count <= 0 or units <= 0:
        return -1.0
    p_ab = pair_count / units
    if p_ab >= 1.0:
        return 1.0
    pmi = math.log(p_ab / ((count_a / units) * (count_b / units)))
    return max(-1.0, min(1.0, pmi / -math.log(p_ab)))


def _evidence_line(doc: str, sentence: str) -> str:
    return f"[{doc}] {sentence.strip()}"


def build_graph(resolution: Resolution, options: GraphOptions | None = None) -> nx.Graph:
    options = options or GraphOptions()
    if options.window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}, not {options.window!r}")

    def units_of(document) -> list[tuple[int, dict[str, list[int]]]]:
        """The document's units in order: (unit index, entity -> its sentences there)."""
        units: dict[int, dict[str, list[int]]] = {}
        for occ in document.occurrences:
            index = occ.sentence if options.window == "sentence" else occ.paragraph if options.window == "paragraph" else 0
            sentences = units.setdefault(index, {}).setdefault(occ.entity, [])
            if len(sentences) < 4:
                sentences.append(occ.sentence)
        return sorted(units.items())

    # pass 1, one document at a time: counts only, and the nodes' evidence. The pair counts
    # are the one table that grows with the corpus: one int key (two entity numbers) and one
    # int value (units << 32 | documents) per pair keep it small.
    entity_units: Counter = Counter()
    number: dict[str, int] = {}
    pair_counts: dict[int, int] = {}
    node_evidence: dict[str, list[str]] = defaultdict(list)
    total_units = 0
    for document in resolution.by_document():
        doc = document.document
        pairs_here: set[int] = set()
        for _, unit in units_of(document):
            total_units += 1
            members = sorted(unit)
            entity_units.update(members)
            numbers = [number.setdefault(e, len(number)) for e in members]
            for a, b in combinations(numbers, 2):
                key = a << 32 | b
                pair_counts[key] = pair_counts.get(key, 0) + _ONE_UNIT
                pairs_here.add(key)
            for entity in members:
                if len(node_evidence[entity]) < MAX_EVIDENCE:
                    text = document.sentences.get(unit[entity][0])
                    if text:
                        line = _evidence_line(doc, text)
                        if line not in node_evidence[entity]:
                            node_evidence[entity].append(line)
        for key in pairs_here:
            pair_counts[key] += 1
    names = sorted(number, key=number.get)
    pair_units: dict[tuple[str, str], int] = {}
    pair_docs: dict[tuple[str, str], int] = {}

    def pair_of(key: int) -> tuple[str, str]:
        return names[key >> 32], names[key & _LOW_32]

    # officials' positions: always kept, whatever the thresholds
    position_titles: dict[tuple[str, str], list[str]] = defaultdict(list)
    position_evidence: dict[tuple[str, str], list[str]] = defaultdict(list)
    position_docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in resolution.positions:
        if p.organisation is None or p.organisation == p.person:
            continue
        key = tuple(sorted((p.person, p.organisation)))
        if p.title not in position_titles[key]:
            position_titles[key].append(p.title)
        position_docs[key].add(p.document)
        line = _evidence_line(p.document, p.sentence) if p.sentence else None
        if line and line not in position_evidence[key] and len(position_evidence[key]) < MAX_EVIDENCE:
            position_evidence[key].append(line)

    # prune, then pass 2: evidence for the kept pairs only
    kept: dict[tuple[str, str], float] = {}
    for key, counts in pair_counts.items():
        pair, weight = pair_of(key), counts >> 32
        score = npmi(weight, entity_units[pair[0]], entity_units[pair[1]], total_units)
        if pair in position_titles or (weight >= options.min_weight and score >= options.min_npmi):
            kept[pair] = score
            pair_units[pair], pair_docs[pair] = weight, counts & _LOW_32
    co_occurring_pairs = len(pair_counts)
    del pair_counts
    dropped_by_cap = 0
    if options.max_edges and len(kept) > options.max_edges:
        ranked = sorted(kept, key=lambda p: (p not in position_titles, -pair_units[p], -kept[p], p))
        dropped_by_cap = len(kept) - max(options.max_edges, len(position_titles))
        kept = {p: kept[p] for p in ranked[: len(kept) - dropped_by_cap]}
    pair_evidence: dict[tuple[str, str], list[str]] = defaultdict(list)
    wanting = len(kept)  # kept pairs with fewer than MAX_EVIDENCE lines
    for document in resolution.by_document() if kept else ():
        if not wanting:
            break  # every kept pair has its evidence: the rest of the corpus is not read again
        doc = document.document
        for _, unit in units_of(document):
            for pair in combinations(sorted(unit), 2):
                if pair not in kept or len(pair_evidence[pair]) >= MAX_EVIDENCE:
                    continue
                a, b = pair
                shared = sorted(set(unit[a]) & set(unit[b]))
                for index in shared[:1]:
                    text = document.sentences.get(index)
                    line = _evidence_line(doc, text) if text else None
                    if line and line not in pair_evidence[pair]:
                        pair_evidence[pair].append(line)
                        if len(pair_evidence[pair]) == MAX_EVIDENCE:
                            wanting -= 1

    graph = nx.Graph(co_occurring_pairs=co_occurring_pairs, pairs_over_max_edges=dropped_by_cap)
    for eid in sorted(resolution.entities):
        entity = resolution.entities[eid]
        graph.add_node(
            eid,
            name=entity.name,
            type=entity.type,
            subtype=entity.subtype,
            aliases="|".join(entity.aliases),
            mentions=entity.mentions,
            documents=entity.documents,
            titles="|".join(entity.titles),
            affiliations="|".join(entity.affiliations),
            community=-1,
            degree_centrality=0.0,
            evidence="\n".join(node_evidence.get(eid, [])),
        )

    for (a, b), score in sorted(kept.items()):
        graph.add_edge(
            a, b,
            weight=pair_units[(a, b)],
            documents=pair_docs[(a, b)],
            npmi=round(score, 4),
            relation=CO_OCCURS,
            title="",
            evidence="\n".join(pair_evidence.get((a, b), [])),
        )
    for (a, b), position_title in sorted(position_titles.items()):
        if a not in graph or b not in graph:
            continue
        if graph.has_edge(a, b):
            data = graph.edges[a, b]
        else:
            weight = pair_units.get((a, b), 0)
            graph.add_edge(a, b, weight=max(1, weight), documents=len(position_docs[(a, b)]),  # the position's sentence
                           npmi=round(npmi(weight, entity_units[a], entity_units[b], total_units), 4) if weight else 0.0,
                           evidence="")
            data = graph.edges[a, b]
        data["relation"] = HOLDS_POSITION_AT
        data["title"] = "|".join(position_title)
        merged = data["evidence"].split("\n") if data["evidence"] else []
        for line in reversed(position_evidence[(a, b)]):  # the positions' sentences first, in order
            if line not in merged:
                merged.insert(0, line)
        data["evidence"] = "\n".join(merged[:MAX_EVIDENCE])

    add_structure(graph)
    return graph


def add_structure(graph: nx.Graph) -> None:
    """Louvain communities (deterministic seed) and degree centrality on the nodes."""
    if graph.number_of_nodes() == 0:
        return
    centrality = nx.degree_centrality(graph)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=0) if graph.number_of_edges() else [
        {n} for n in graph
    ]
    ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
    for index, community in enumerate(ordered):
        for node in community:
            graph.nodes[node]["community"] = index
    for node, value in centrality.items():
        graph.nodes[node]["degree_centrality"] = round(value, 6)
