"""How entities look, shared by the map (kg/render.py) and the GEXF file (Gephi opens it
looking like the map): shape per type, colour per (type, subtype), size by mentions,
colours per community.

Colours are chosen apart in hue and lightness, so no two subtypes of one type look alike
(the shapes tell the types apart).
"""
from __future__ import annotations

import math
from typing import Any

TYPE_STYLE = {
    "PERSON": {"label": "人物 PERSON", "shape": "dot"},
    "ORG": {"label": "机构 ORG", "shape": "square"},
    "LOC": {"label": "地点 LOC", "shape": "triangle"},
    "OTHER": {"label": "其他 OTHER", "shape": "diamond"},
}
SUBTYPE_STYLE = {  # (type, subtype) -> (legend label, colour)
    "PERSON": {
        "official": ("官员 official", "#d62728"),
        "business": ("商界 business", "#ff7f0e"),
        "journalist": ("记者 journalist", "#bcbd22"),
        "other": ("其他 other", "#f4a6c0"),
    },
    "ORG": {
        "company": ("企业 company", "#1f77b4"),
        "government": ("政府 government", "#6a3d9a"),
        "party": ("政党 party", "#a50f15"),
        "institute": ("研究机构 institute", "#17becf"),
        "university": ("高校 university", "#e7298a"),
        "media": ("媒体 media", "#f1a340"),
        "association": ("协会 association", "#8c564b"),
        "other": ("其他 other", "#7f8c99"),
    },
    "LOC": {
        "country": ("国家 country", "#00441b"),
        "province": ("省 province", "#238b45"),
        "city": ("城市 city", "#66c2a4"),
        "district": ("区县 district", "#a1d76a"),
        "town": ("乡镇 town", "#d9ef8b"),
        "village": ("村 village", "#b8a36b"),
        "zone": ("园区 zone", "#01665e"),
        "other": ("其他 other", "#9fc5a8"),
    },
    "OTHER": {"other": ("其他 other", "#b0b0b0")},
}
EDGE_STYLE = {
    "co_occurs": {"label": "共现 co-occurs", "color": "#9aa5b1", "dashes": False},
    "holds_position_at": {"label": "任职 holds position at", "color": "#e6550d", "dashes": [8, 9]},
    # typed relations (kg/events.py): an edge's `relation` is its most frequent event type
    "visits": {"label": "考察 visits", "color": "#3182bd", "dashes": False},
    "meets": {"label": "会见 meets", "color": "#31a354", "dashes": False},
    "cooperates_with": {"label": "合作 cooperates with", "color": "#6a51a3", "dashes": False},
    "invests_in": {"label": "投资 invests in", "color": "#d4a017", "dashes": False},
    "acquires": {"label": "收购 acquires", "color": "#c51b7d", "dashes": False},
}
# Communities: the largest 12 get these (Tableau-like, well apart); the rest share grey.
COMMUNITY_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                     "#b07aa1", "#ff9da7", "#9c755f", "#3b3b98", "#00a19c", "#c44e52"]
COMMUNITY_OTHER = "#c8c8c8"


def style_keys(attrs: dict) -> tuple[str, str]:
    """(type, subtype) as used for colours and filters; unknown values fall back to OTHER/other."""
    etype = ("" if attrs.get("type") is None else str(attrs.get("type"))).upper()
    if etype not in SUBTYPE_STYLE:
        etype = "OTHER"
    subtype = ("" if attrs.get("subtype") is None else str(attrs.get("subtype"))).lower()
    if subtype not in SUBTYPE_STYLE[etype]:
        subtype = "other"
    return etype, subtype


def node_colour(attrs: dict) -> str:
    etype, subtype = style_keys(attrs)
    return SUBTYPE_STYLE[etype][subtype][1]


def community_colour(community: Any) -> str:
    try:
        index = int(community)
    except (TypeError, ValueError):
        return COMMUNITY_OTHER
    return COMMUNITY_COLOURS[index] if 0 <= index < len(COMMUNITY_COLOURS) else COMMUNITY_OTHER


def scaled_size(value: float, top: float) -> float:
    """10..36 px by the square root of value/top (the area grows with the value)."""
    return round(10 + 26 * math.sqrt(max(value, 0.0) / top), 2) if top > 0 else 14.0


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def finite_float(value: Any, default: float) -> float:
    """A number read from a graph attribute, or `default` when it is missing, not a number or infinite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default
