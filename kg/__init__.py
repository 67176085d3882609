"""kg: Chinese news -> knowledge graph of organisations, officials and places."""

__version__ = "0.1.0"
