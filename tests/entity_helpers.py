"""Small helpers shared by the entity-rule tests (tests/test_entities_*.py)."""
from kg.entities import document_facts, resolve


def names(resolution, type_=None):
    return {e.name for e in resolution.entities.values() if type_ is None or e.type == type_}


def entity(resolution, name):
    return next(e for e in resolution.entities.values() if e.name == name)


def build(*analyses, config=None):
    return resolve([document_facts(a) for a in analyses], config)
