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
