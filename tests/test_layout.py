"""kg.layout: one layout, computed once, for the map and the GEXF."""
from __future__ import annotations

import math

import networkx as nx

from kg.layout import add_layout, compute_layout, has_layout, spacing


def news_like_graph() -> nx.Graph:
    """Two dense groups (two long sentences' cliques), a bridge, a far component, a loner."""
    g = nx.Graph()
    for group, size in (("a", 12), ("b", 9)):
        members = [f"{group}{i}" for i in range(size)]
        for i, x in enumerate(members):
            g.add_node(x, name=x, mentions=size - i)
            for y in members[:i]:
                g.add_edge(x, y, weight=1 + (i % 3))
    g.add_edge("a0", "b0", weight=5)
    g.add_edge("c0", "c1", weight=1)
    g.add_node("loner", name="loner", mentions=1)
    return g


def test_every_node_placed_deterministically_and_apart():
    g = news_like_graph()
    first, again = compute_layout(g, max_nodes=100), compute_layout(g, max_nodes=100)
    assert first == again and set(first) == set(g)
    gap = 0.45 * spacing(len(g))
    points = list(first.values())
    closest = min(math.dist(p, q) for i, p in enumerate(points) for q in points[i + 1:])
    assert closest >= 0.9 * gap  # no node drawn on top of another
    # strong gravity: the small component and the loner stay near the rest, not off-screen
    centre = (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
    radii = sorted(math.dist(p, centre) for p in points)
    assert math.dist(first["loner"], centre) <= 1.6 * radii[int(0.95 * (len(radii) - 1))]


def test_nodes_left_off_the_map_sit_by_their_strongest_neighbour():
    g = news_like_graph()
    g.add_edge("a1", "leaf", weight=1)
    g.add_edge("b1", "leaf", weight=9)
    positions = compute_layout(g, max_nodes=21)  # the two groups only
    assert math.dist(positions["leaf"], positions["b1"]) < math.dist(positions["leaf"], positions["a1"])
    add_layout(g, max_nodes=21)
    assert has_layout(g) and all(isinstance(d["x"], float) for _, d in g.nodes(data=True))


_LAYOUT_IN_A_PROCESS = """
import json, networkx as nx
from kg.layout import compute_layout
from kg.render import _betweenness
g = nx.Graph()
for i in range(60):  # the map's core (the 20 strongest) is a small part of the graph
    g.add_node(f"n{i}", name=f"n{i}", mentions=60 - i)
for i in range(60):
    for j in range(i + 1, min(60, i + 4)):
        g.add_edge(f"n{i}", f"n{j}", weight=1 + (i * j) % 5)
core = sorted(g, key=lambda n: int(n[1:]))[:20]
print(json.dumps([sorted(compute_layout(g, max_nodes=20).items()), sorted(_betweenness(g, core).items())]))
"""


def test_layout_and_betweenness_do_not_depend_on_the_hash_seed():
    # graph.subgraph(a few nodes) iterates them in a set's order, which the hash seed changes
    import os
    import subprocess
    import sys

    runs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _LAYOUT_IN_A_PROCESS], env=env, capture_output=True,
                             text=True, check=True)
        runs.append(out.stdout)
    assert runs[0] == runs[1] == runs[2]
