"""One layout for every view: positions computed once, in Python, used by the map and GEXF.

The nodes the map draws (the top `max_nodes` by weighted degree, `map_nodes`) are laid out
with ForceAtlas2 (networkx), the algorithm Gephi users know; its cost grows with the square
of the node count, so the number of iterations shrinks as the map grows. Every other node
is put next to its strongest already-placed neighbour (or, with none, on a ring outside), so
the exports carry positions for all nodes at little cost and the map's part looks the same.
Positions are stored as node attributes `x`, `y` (floats, in the map's pixel units).
"""
from __future__ import annotations

import math
from typing import Any

import networkx as nx

from .style import finite_float as _float, scaled_size

EDGE_LENGTH = 130.0  # how far from its anchor a node left off the map is put, at most, in pixels
SPACING = 60.0  # room per node on a map of 300+ nodes, in pixels (the square root of the area)
MAX_SPACING = 100.0  # ... and on a small one, where every label can have its room


def spacing(n: int) -> float:
    """Room per node: more on small maps (their labels are all drawn at the opening zoom)."""
    return max(SPACING, min(MAX_SPACING, SPACING * math.sqrt(300 / max(n, 1))))


def weighted_degree(graph: nx.Graph) -> dict[Any, float]:
    strength = dict.fromkeys(graph.nodes, 0.0)
    for u, v, attrs in graph.edges(data=True):
        w = _float(attrs.get("weight"), 1.0)
        strength[u] += w
        strength[v] += w
    return strength


def ranked_nodes(graph: nx.Graph, strength: dict | None = None) -> list:
    """Nodes by importance: weighted degree, then mentions, then name (the map's order)."""
    strength = strength if strength is not None else weighted_degree(graph)

    def rank(n: Any) -> tuple:
        attrs = graph.nodes[n]
        name = attrs.get("name")
        return (-strength[n], -_float(attrs.get("mentions"), 0.0), str(name) if name else str(n), str(n))

    return sorted(graph.nodes, key=rank)


def core_edges(graph: nx.Graph, nodes: list) -> list[tuple]:
    """(a, b, data) of the edges among `nodes`, in the order of `nodes` and of the graph's
    adjacency. Not graph.subgraph(nodes): a view of a few nodes iterates them in the set's
    order, which changes with the hash seed from one process to the next, and ForceAtlas2's
    result depends on the order."""
    index = {n: i for i, n in enumerate(nodes)}
    return [(a, b, d) for a in nodes for b, d in graph.adj[a].items() if index.get(b, -1) > index[a]]


def _iterations(n: int) -> int:
    # about 3 s of ForceAtlas2 on one core whatever n is (its steps cost n^2), within 30..150
    return max(30, min(150, int(1.5e7 / max(n, 1) ** 2)))


def compute_layout(graph: nx.Graph, max_nodes: int = 300) -> dict[Any, tuple[float, float]]:
    """{node: (x, y)} for every node (see the module's docstring). Deterministic."""
    if graph.number_of_nodes() == 0:
        return {}
    strength = weighted_degree(graph)
    order = ranked_nodes(graph, strength)
    core = order[:max_nodes]
    if len(core) == 1:
        raw = {core[0]: (0.0, 0.0)}
    else:
        # log weights: a pair seen 500 times should not pull 500 times harder than one seen once
        weighted = nx.Graph()
        weighted.add_nodes_from(core)
        weighted.add_edges_from((a, b, {"w": 1.0 + math.log(max(_float(d.get("weight"), 1.0), 1.0))})
                                for a, b, d in core_edges(graph, core))
        # strong gravity: components and loose nodes stay near the rest (else they drift off
        # and the opening view, fitted to everything, shows the main part tiny)
        raw = nx.forceatlas2_layout(weighted, max_iter=_iterations(len(core)), seed=7, weight="w",
                                    scaling_ratio=2.0, gravity=1.0, strong_gravity=True,
                                    node_mass=dict.fromkeys(weighted, 1.0))
        raw = {n: (float(p[0]), float(p[1])) for n, p in raw.items()}
    room = spacing(len(raw))
    # the map's default sizes (by mentions): big nodes need more room than small ones
    top = max((_float(graph.nodes[n].get("mentions"), 0.0) for n in core), default=0.0)
    sizes = {n: scaled_size(_float(graph.nodes[n].get("mentions"), 0.0), top) for n in core}
    positions = _spread(_scaled(raw, room), min_gap=0.45 * room, sizes=sizes)
    _place_rest(graph, order[len(core):], positions)
    return positions


def _scaled(raw: dict, room: float = SPACING) -> dict:
    """Centred on (0, 0) and scaled so that each node has about room² of space: the map
    of 300 nodes then fits a laptop screen at a zoom where labels are drawn. Stragglers
    beyond 1.5x the 95th percentile radius are pulled in to it."""
    cx = sum(p[0] for p in raw.values()) / len(raw)
    cy = sum(p[1] for p in raw.values()) / len(raw)
    radii = sorted(math.dist(p, (cx, cy)) for p in raw.values())
    p95 = radii[int(0.95 * (len(radii) - 1))]
    if p95 <= 0:
        return {n: (i * room, 0.0) for i, n in enumerate(raw)}
    factor = room * math.sqrt(len(raw)) / 2 / p95
    limit = 1.5 * p95
    out = {}
    for n, (x, y) in raw.items():
        dx, dy = x - cx, y - cy
        r = math.hypot(dx, dy)
        shrink = limit / r if r > limit else 1.0
        out[n] = (dx * shrink * factor, dy * shrink * factor)
    return out


def _spread(positions: dict, min_gap: float = 27.0, rounds: int = 30, sizes: dict | None = None) -> dict:
    """Push apart nodes closer than `min_gap` pixels, or than their two sizes (the map's
    radii) and a little, so that none covers another (a clique of one long sentence otherwise
    collapses into one blot); half the shortfall each, a few rounds (numpy, n² per round)."""
    import numpy as np

    if len(positions) < 2:
        return positions
    names = list(positions)
    xy = np.array([positions[n] for n in names], dtype=float)
    radius = np.array([(sizes or {}).get(n, 0.0) for n in names], dtype=float)
    need = np.maximum(min_gap, radius[:, None] + radius[None, :] + 6.0)
    jitter = np.random.default_rng(7)
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((delta ** 2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        close = dist < need
        if not close.any():
            break
        same = dist < 1e-6  # exactly on top of each other: no direction, so a random one
        if same.any():
            xy[same.any(axis=1)] += jitter.normal(0, 1, (int(same.any(axis=1).sum()), 2))
            continue
        push = np.where(close, (need - dist) / 2 / np.where(close, dist, 1), 0.0)
        xy += (delta * push[:, :, None]).sum(axis=1)
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, xy)}


def _place_rest(graph: nx.Graph, rest: list, positions: dict) -> None:
    """Each remaining node (in rank order) near its strongest placed neighbour; those with
    none on a ring around everything."""
    if not rest:
        return
    radius = max((math.hypot(x, y) for x, y in positions.values()), default=0.0) + 2 * EDGE_LENGTH
    pending = list(rest)
    golden = math.pi * (3 - math.sqrt(5))  # spreads successive angles evenly
    count = 0
    while pending:
        left = []
        for node in pending:
            best, best_w = None, -1.0
            for other, data in graph[node].items():
                if other in positions:
                    w = _float(data.get("weight"), 1.0)
                    if w > best_w:
                        best, best_w = other, w
            if best is None:
                left.append(node)
                continue
            count += 1
            angle = count * golden
            distance = EDGE_LENGTH * (0.35 + 0.3 * ((count * 0.618) % 1.0))
            bx, by = positions[best]
            positions[node] = (bx + distance * math.cos(angle), by + distance * math.sin(angle))
        if len(left) == len(pending):  # no neighbour placed: a ring outside
            for i, node in enumerate(left):
                angle = i * golden
                r = radius + EDGE_LENGTH * math.sqrt(i + 1) * 0.5
                positions[node] = (r * math.cos(angle), r * math.sin(angle))
            break
        pending = left


def add_layout(graph: nx.Graph, max_nodes: int = 300) -> None:
    """Store the layout on the nodes as `x`, `y` (rounded to 0.1 px)."""
    for node, (x, y) in compute_layout(graph, max_nodes).items():
        graph.nodes[node]["x"] = round(x, 1)
        graph.nodes[node]["y"] = round(y, 1)


def has_layout(graph: nx.Graph) -> bool:
    return graph.number_of_nodes() > 0 and all(
        isinstance(d.get("x"), (int, float)) and isinstance(d.get("y"), (int, float)) for _, d in graph.nodes(data=True))
