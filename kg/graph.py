"""Entities and their co-occurrences -> a networkx graph.

Node attributes (all scalars, GraphML-safe):
  name, type (PERSON/ORG/LOC), subtype, aliases ("|"-joined), mentions, documents (count),
  titles ("|"), affiliations ("|"), community (Louvain), degree_centrality,
  evidence (up to 3 "[doc] sentence" lines).
  Places the division tables resolve also carry admin_code, admin_level (province, city,
  county, town), province, city, county.
Edge attributes:
  weight (co-occurring units; a unit that is a list of names or an outlet's dateline counts
  1 / (names - 1), see weak_members), documents (count), npmi, relation ("co_occurs",
  "holds_position_at", or with GraphOptions.located_in "located_in"), reason (why the weight
  is shared, else ""), title ("|"), evidence (up to 3 "[doc] sentence" lines).

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

from .clean import DATELINE
from .entities.divisions import Division, ancestors, locate, place_attributes
from .types import LOC, Resolution

WINDOWS = ("sentence", "paragraph", "document")
MAX_EVIDENCE = 3
CO_OCCURS, HOLDS_POSITION_AT, LOCATED_IN = "co_occurs", "holds_position_at", "located_in"
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
    # located_in edges from each place to the place above it (county -> city -> province)
    # where both are nodes; the places' codes and parents are node attributes either way
    located_in: bool = False


def npmi(pair_count: int, count_a: int, count_b: int, units: int) -> float:
    """Normalised pointwise mutual information of two entities over co-occurrence units."""
    if pair_count <= 0 or units <= 0:
        return -1.0
    p_ab = pair_count / units
    if p_ab >= 1.0:
        return 1.0
    pmi = math.log(p_ab / ((count_a / units) * (count_b / units)))
    return max(-1.0, min(1.0, pmi / -math.log(p_ab)))


# A sentence that only lists names (attendance lists, delegations, a list of writers) says
# little about any one pair in it: its pairs share one unit of weight over the list instead
# of each taking a full unit, so that long lists do not become dense heavy cliques. The same
# holds for an outlet's dateline opening a sentence (新华社北京1月1日电, 央视网消息): it is no
# link of the outlet to what the sentence reports.
LIST_MIN_MEMBERS = 5
LIST_MAX_RESIDUE = 0.5  # other characters per character of the names, at most
LIST_SEPARATORS = "、，,；;/ 　\t和及与等"
REASON_LIST, REASON_DATELINE = "name list", "dateline"


def weak_members(text: str, members: list[str], forms: dict[str, tuple[str, ...]]) -> tuple[str, set[str]]:
    """("name list", all members) when `text` is only a list of the members' names;
    ("dateline", the outlet and place) when it opens with an outlet's dateline; ("", set())
    otherwise. `forms`: each entity's surface forms."""
    if not text:
        return "", set()
    match = DATELINE.match(text)
    if match:
        head = match.group()
        named = {e for e in members if any(f in head for f in forms.get(e, ()))}
        if named:
            return REASON_DATELINE, named
    if len(members) < LIST_MIN_MEMBERS:
        return "", set()
    rest, name_chars = text, 0
    for form in sorted({f for e in members for f in forms.get(e, ()) if len(f) >= 2}, key=len, reverse=True):
        if form in rest:
            name_chars += len(form) * rest.count(form)
            rest = rest.replace(form, "\x00")
    separators = sum(rest.count(c) for c in "、，, 　")
    residue = sum(1 for c in rest if c != "\x00" and c not in LIST_SEPARATORS and c.isalnum())
    if separators >= len(members) - 2 and name_chars and residue <= LIST_MAX_RESIDUE * name_chars:
        return REASON_LIST, set(members)
    return "", set()


def _evidence_line(doc: str, sentence: str) -> str:
    return f"[{doc}] {sentence.strip()}"


def build_graph(resolution: Resolution, options: GraphOptions | None = None, *, structure: bool = True) -> nx.Graph:
    """The co-occurrence and position graph of `resolution`; `structure=False` leaves out
    communities and centrality (`add_structure`), for a caller that adds edges first."""
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
    # pairs seen in list or dateline sentences: how many such units, the weight they share
    # out (1 / (members - 1) per unit), and why
    weak_units: Counter = Counter()
    shared_weight: dict[int, float] = defaultdict(float)
    weak_reason: dict[int, str] = {}
    forms = {eid: tuple(e.aliases or (e.name,)) for eid, e in resolution.entities.items()}
    places = {eid for eid, e in resolution.entities.items() if e.type == LOC}
    place_documents: list[list[str]] = []  # the places each document names (their context)
    node_evidence: dict[str, list[str]] = defaultdict(list)
    total_units = 0
    for document in resolution.by_document():
        doc = document.document
        pairs_here: set[int] = set()
        for index, unit in units_of(document):
            total_units += 1
            members = sorted(unit)
            entity_units.update(members)
            numbers = [number.setdefault(e, len(number)) for e in members]
            reason, weak = (weak_members(document.sentences.get(index, ""), members, forms)
                            if options.window == "sentence" and len(members) > 1 else ("", set()))
            share = 1 / (len(members) - 1) if weak else 0.0
            for (a, ea), (b, eb) in combinations(zip(numbers, members), 2):
                key = a << 32 | b if a < b else b << 32 | a
                pair_counts[key] = pair_counts.get(key, 0) + _ONE_UNIT
                pairs_here.add(key)
                if ea in weak or eb in weak:
                    weak_units[key] += 1
                    shared_weight[key] += share
                    weak_reason.setdefault(key, reason)
            for entity in members:
                if len(node_evidence[entity]) < MAX_EVIDENCE:
                    text = document.sentences.get(unit[entity][0])
                    if text:
                        line = _evidence_line(doc, text)
                        if line not in node_evidence[entity]:
                            node_evidence[entity].append(line)
        for key in pairs_here:
            pair_counts[key] += 1
        places_here = [e for e in document_entities(document) if e in places]
        if places_here:
            place_documents.append(places_here)
    names = sorted(number, key=number.get)
    pair_units: dict[tuple[str, str], int] = {}
    pair_docs: dict[tuple[str, str], int] = {}

    def pair_of(key: int) -> tuple[str, str]:
        a, b = names[key >> 32], names[key & _LOW_32]
        return (a, b) if a < b else (b, a)

    def strength(key: int, units: int) -> float | int:
        """Full units, plus the shares of list and dateline units (an int when there are none)."""
        if key not in weak_units:
            return units
        return round(units - weak_units[key] + shared_weight[key], 3)

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
    pair_strength: dict[tuple[str, str], float | int] = {}
    pair_reason: dict[tuple[str, str], str] = {}
    for key, counts in pair_counts.items():
        pair, weight = pair_of(key), counts >> 32
        score = npmi(weight, entity_units[pair[0]], entity_units[pair[1]], total_units)
        if pair in position_titles or (weight >= options.min_weight and score >= options.min_npmi):
            kept[pair] = score
            pair_units[pair], pair_docs[pair] = weight, counts & _LOW_32
            pair_strength[pair] = strength(key, weight)
            if key in weak_reason:
                pair_reason[pair] = (f"{weak_reason[key]}: {weak_units[key]} of {weight} sentences, "
                                     "weight shared over the sentence's names")
    co_occurring_pairs = len(pair_counts)
    del pair_counts
    dropped_by_cap = 0
    if options.max_edges and len(kept) > options.max_edges:
        ranked = sorted(kept, key=lambda p: (p not in position_titles, -pair_strength[p], -kept[p], p))
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

    located = locate_places(resolution, place_documents)
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
            **(place_attributes(located[eid]) if eid in located else {}),
        )

    for (a, b), score in sorted(kept.items()):
        graph.add_edge(
            a, b,
            weight=pair_strength[(a, b)],
            documents=pair_docs[(a, b)],
            npmi=round(score, 4),
            relation=CO_OCCURS,
            reason=pair_reason.get((a, b), ""),
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
                           reason="", evidence="")
            data = graph.edges[a, b]
        data["relation"] = HOLDS_POSITION_AT
        data["title"] = "|".join(position_title)
        merged = data["evidence"].split("\n") if data["evidence"] else []
        for line in reversed(position_evidence[(a, b)]):  # the positions' sentences first, in order
            if line not in merged:
                merged.insert(0, line)
        data["evidence"] = "\n".join(merged[:MAX_EVIDENCE])

    if options.located_in:
        add_located_in(graph, resolution, located)
    if structure:
        add_structure(graph)
    return graph


def document_entities(document) -> list[str]:
    seen: dict[str, None] = {}
    for occ in document.occurrences:
        seen.setdefault(occ.entity, None)
    return list(seen)


def locate_places(resolution: Resolution, place_documents: list[list[str]]) -> dict[str, Division]:
    """Place entity -> the one division it is, read in the context of the other places of
    the documents naming it (a street office of several cities is the one of the article's
    city); places that stay ambiguous, or are read differently in two documents, get none."""
    names = {eid: resolution.entities[eid].name for doc in place_documents for eid in doc}
    alone = {eid: locate(name) for eid, name in names.items()}
    readings: dict[str, set[Division]] = defaultdict(set)
    for doc in place_documents:
        context = set()
        for eid in doc:
            if alone[eid] is not None:
                context.add(alone[eid].code)
                context.update(a.code for a in ancestors(alone[eid]))
        for eid in doc:
            found = alone[eid] or locate(names[eid], context)
            if found is not None:
                readings[eid].add(found)
    return {eid: next(iter(found)) for eid, found in readings.items() if len(found) == 1}


def add_located_in(graph: nx.Graph, resolution: Resolution, located: dict[str, Division]) -> None:
    """An edge from each located place to the nearest place above it that is a node."""
    by_name = {}
    for eid, entity in resolution.entities.items():
        if entity.type == LOC:
            for form in entity.aliases or (entity.name,):
                by_name.setdefault(form, eid)
    for eid, division in sorted(located.items()):
        parent = next((by_name[a.name] for a in ancestors(division) if a.name in by_name), None)
        if parent is not None and parent != eid and eid in graph and parent in graph and not graph.has_edge(eid, parent):
            graph.add_edge(eid, parent, weight=1, documents=0, npmi=0.0, relation=LOCATED_IN, reason="",
                           title="", evidence="")


def louvain(graph: nx.Graph) -> list[list]:
    """Louvain communities (deterministic seed), each in the graph's node order: the same
    lists in any process, whatever its hash seed."""
    if graph.number_of_edges() == 0:
        return [[n] for n in graph]
    order = {node: i for i, node in enumerate(graph)}
    return [sorted(c, key=order.__getitem__) for c in nx.community.louvain_communities(graph, weight="weight", seed=0)]


def add_structure(graph: nx.Graph, communities: list | None = None) -> None:
    """Communities (`louvain`'s, computed here unless given) and degree centrality on the nodes."""
    if graph.number_of_nodes() == 0:
        return
    centrality = nx.degree_centrality(graph)
    communities = communities if communities is not None else louvain(graph)
    ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
    for index, community in enumerate(ordered):
        for node in community:
            graph.nodes[node]["community"] = index
    for node, value in centrality.items():
        graph.nodes[node]["degree_centrality"] = round(value, 6)
