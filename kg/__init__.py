"""kg: Chinese news -> knowledge graph of organisations, officials and places.

The Python API (the same builds as the ``kg`` command; see README, "Python API")::

    import kg

    graph = kg.build("news/")                 # a kg.KnowledgeGraph; out=None writes nothing
    graph.entities(type="ORG")[:10]           # rows (dataclasses); .to_pandas() with pandas
    graph.neighbours("沈阳")                   # by name or alias
    graph.subgraph(around="大连", radius=1)    # also types=, min_weight=, dates=
    graph.save("outputs", formats="graphml")  # or kg.build(..., out="outputs")
    graph                                     # in a notebook: the interactive map

- ``kg.build(paths, *, out=None, model=None, window="sentence", ...) -> KnowledgeGraph``
- ``kg.load(directory) -> KnowledgeGraph``: a build's output folder read back
- ``kg.analyse(text) -> list of kg.Entity``: what kg finds in one text
- ``kg.KnowledgeGraph``, ``kg.Entity``, ``kg.Edge``, ``kg.Relation``, ``kg.Event``, ``kg.DocumentRecord``,
  ``kg.Table``; ``kg.BuildOptions`` (the options of ``kg build`` and ``kg.build`` alike),
  ``kg.BuildSummary``; ``kg.SAMPLE_CORPUS``, the sample articles' folder.

Names are loaded on first use, so ``import kg`` (and the CLI) does not load spaCy.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "build", "load", "analyse",
    "KnowledgeGraph", "Entity", "Edge", "Relation", "Event", "DocumentRecord", "Table",
    "BuildOptions", "BuildSummary", "OptionError", "SAMPLE_CORPUS", "__version__",
]

_WHERE = {
    "load": "api", "analyse": "api", "KnowledgeGraph": "api", "Entity": "api", "Edge": "api", "Relation": "api",
    "Table": "api", "SAMPLE_CORPUS": "api", "Event": "events", "DocumentRecord": "types", "BuildOptions": "options",
    "OptionError": "options", "BuildSummary": "build",
}

if TYPE_CHECKING:  # what type checkers and editors see; at run time the names load lazily
    from .api import SAMPLE_CORPUS, Edge, Entity, KnowledgeGraph, Relation, Table, analyse, build, load
    from .build import BuildSummary
    from .events import Event
    from .options import BuildOptions, OptionError
    from .types import DocumentRecord


def __getattr__(name: str):
    import importlib

    if name == "build":
        # the module kg.build, which is callable: kg.build(paths, ...) is kg.api.build
        return importlib.import_module(".build", __name__)
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
