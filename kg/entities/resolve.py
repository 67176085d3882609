"""Corpus level: surface forms -> canonical entities (document-level rewrites, symmetric
variants, official names), their types and subtypes, occurrences and positions."""
from __future__ import annotations

import dataclasses
import re

from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from ..cache import FactSpill
from ..types import LOC, ORG, PERSON, DocumentOccurrences, Entity, EntityOccurrence, Position, Resolution
from .lexicon import _known_place, bare_place_name, countries, full_place_name, provinces, standard_aliases, title_kind
from .subtypes import loc_subtype, org_subtype, person_subtype, unit_kind
from .aliases import (
    AliasConfig, _UnionFind, abbreviation_score, body_key, company_key, company_short_form_score, official_name,
    party_department_name, BODY_WORD_LONG_FORMS,
)
from .names import DISTRICT_BODY, LOCAL_BODY, _body_head
from .officials import _implied_government, _position_org, territorial_unit
from .facts import DocFacts


ZONE_KIND_WORDS = ("经济技术开发区", "高新技术产业开发区", "经济开发区", "技术开发区", "工业开发区")
HALF_WIDTH_BRACKETS = str.maketrans("（）", "()")
# Bylines that name no employer: a correspondent, the article's author or photographer
UNSALARIED_BYLINES = ("通讯员", "作者", "摄影")


# Party committees and governments written without their place: every local article has
# them, so one left without its place names no one body
BARE_LOCAL_BODIES = tuple(f"{level}{body}" for level in "省市区县" for body in ("委", "政府", "人民政府"))


# bodies of the party committee that news writes without 委 (区群团部: 区委群团工作部)
_COMMITTEE_BODIES = {"群团部": "委群团工作部", "群团工作部": "委群团工作部"}


def _owned_by_other(prefix: str) -> bool:
    """Whether the words before a body's name make it a foreign party's or country's body
    (朝鲜劳动党|中央军事委员会, 美国|国务院): not the same body as the name alone. A parent (中国
    科学院|金属研究所), a qualifier (材料科学|姑苏实验室) or 中共 leave it the same."""
    if org_subtype(prefix) == "party" and not prefix.startswith(("中共", "中国共产党")):
        return True
    return any(prefix.startswith(c) for c in countries() if len(c) >= 2 and c not in ("中国", "中华人民共和国"))


def _committee_body(body: str) -> str:
    return _COMMITTEE_BODIES.get(body, body)


_FULL_TO_ASCII = {"，": ",", "（": "(", "）": ")", "：": ":", "；": ";", "？": "?", "！": "!"}


def as_written(name: str, votes: Counter) -> str:
    """`name` with each full-width mark that cleaning made of an ASCII one written back in
    ASCII, where most of the entity's mentions come from documents that wrote it so
    (`votes`: each mention's document's `written_ascii`)."""
    if not votes or not any(ch in _FULL_TO_ASCII for ch in name):
        return name
    total = sum(votes.values())
    out = []
    for ch in name:
        ascii_ch = _FULL_TO_ASCII.get(ch)
        if ascii_ch and 2 * sum(n for marks, n in votes.items() if ascii_ch in marks) > total:
            ch = ascii_ch
        out.append(ch)
    return "".join(out)


_UNIT_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff])[A-Z]{2,5}$")


def _unit_suffix(name: str) -> str:
    found = _UNIT_SUFFIX.search(name)
    return found.group() if found else ""


def _unplaced_local_body(name: str) -> bool:
    """A party committee or government still without its place after resolution (市委)."""
    return name in BARE_LOCAL_BODIES


def resolve(all_facts: Iterable[DocFacts], config: AliasConfig | None = None,
            spill_dir: str | Path | None = None) -> Resolution:
    """Per-document facts -> canonical entities, their occurrences and officials' positions.

    `all_facts` is read several times (label votes, aliases, types, entities), one document
    at a time: pass a list or a re-iterable store such as kg.cache.FactSpill; a one-shot
    iterator is read into a list first. Memory grows with the number of distinct names, not
    with the number of documents: the per-document results go to a temporary file (in
    `spill_dir`) from which `Resolution.by_document` reads the occurrences back."""
    config = config or AliasConfig()
    facts_list = list(all_facts) if iter(all_facts) is all_facts else all_facts
    forced_type = {canonical: kind for canonical, kind in config.aliases.values() if kind}

    def forbidden(a: str, b: str) -> bool:
        # a company's business unit in Latin letters (华为公司EBG) is no name of the company
        return frozenset((a, b)) in config.forbidden or _unit_suffix(a) != _unit_suffix(b)

    # 1. the surface each mention stands for (per document), and its votes for a type
    label_votes: dict[str, Counter] = defaultdict(Counter)
    surface_docs: Counter = Counter()  # surface -> documents naming it
    written: set[str] = set()  # names as the texts write them (not read from titles or resolved)
    for facts in facts_list:
        named = set()
        for m in facts.mentions:
            label_votes[m.text][m.label] += 1
            named.add(m.text)
        written |= named
        for p in facts.positions:
            if p.organisation:
                org, label = _position_org(p.organisation, p.org_label, p.title)
                label_votes[org][label] += 0.5
                named.add(org)
        surface_docs.update(named)
    label_of = {s: votes.most_common(1)[0][0] for s, votes in label_votes.items()}
    orgs = sorted(s for s, lab in label_of.items() if lab == ORG)
    org_set = set(orgs)
    orgs_with_char: dict[str, set[str]] = defaultdict(set)  # an abbreviation's characters all occur in its full name
    for org in orgs:
        for ch in set(org):
            orgs_with_char[ch].add(org)
    zones = sorted(s for s, lab in label_of.items() if lab == LOC and loc_subtype(s) == "zone")
    places_by_bare: dict[str, list[str]] = defaultdict(list)
    for loc in sorted(s for s, lab in label_of.items() if lab == LOC):
        if bare_place_name(loc) != loc:
            places_by_bare[bare_place_name(loc)].append(loc)

    @lru_cache(maxsize=None)
    def org_candidates(surface: str) -> tuple[tuple[float, str], ...]:
        """Fuller organisation names `surface` may stand for, with scores (cached per form)."""
        pools = [orgs_with_char.get(ch, set()) for ch in set(company_key(surface) or surface)]
        pool = set.intersection(*pools) if pools else set()
        is_company = org_subtype(surface) in ("company", "other")
        found = []
        for full in sorted(pool):
            if full == surface or len(full) <= len(surface) or forbidden(surface, full):
                continue
            if full.endswith(surface) and _owned_by_other(full[: -len(surface)]):
                continue  # 中央军事委员会 is not 朝鲜劳动党|中央军事委员会
            score = abbreviation_score(surface, full, org_set)
            if not score and is_company and org_subtype(full) == "company":
                score = company_short_form_score(surface, full)
            if score > 0:
                found.append((score, full))
        return tuple(found)

    def rewrite(surface: str, facts: DocFacts, doc_surfaces: set[str], doc_abbrev: dict[str, str], label: str | None) -> str:
        """Document-level resolution of a surface form to a fuller one."""
        if surface in config.aliases:
            return config.aliases[surface][0]
        standard = standard_aliases().get(surface)
        if standard and standard[1] == label_of.get(surface, label) and not forbidden(surface, standard[0]):
            return standard[0]  # 党中央 -> 中共中央, 美 -> 美国
        label = label_of.get(surface, label)
        if surface in doc_abbrev and not forbidden(surface, doc_abbrev[surface]):
            return doc_abbrev[surface]
        if label == ORG:
            local = LOCAL_BODY.match(surface)
            if local and local.group(1) == "市" and facts.home_city and facts.home_city.endswith("市"):
                return facts.home_city + _committee_body(surface[1:])
            if local and local.group(1) == "省" and facts.home_province and facts.home_province.endswith("省"):
                return facts.home_province + surface[1:]
            district = DISTRICT_BODY.match(surface)
            home_district = getattr(facts, "home_district", None)  # facts cached before the field have none
            if district and home_district and home_district.endswith(district.group(1)):
                return home_district + _committee_body(surface[1:])
        if label == LOC:
            if surface in provinces():
                full = provinces()[surface][0]
                return full if not forbidden(surface, full) else surface
            candidates = [c for c in places_by_bare.get(surface, []) if c != surface]
            local_candidates = [c for c in candidates if c in doc_surfaces]
            pick = local_candidates if local_candidates else candidates
            if len(pick) > 1 and full_place_name(surface) in pick:
                pick = [full_place_name(surface)]  # 长沙 beside 长沙市 and 长沙县: the city
            if len(pick) == 1 and not forbidden(surface, pick[0]):
                return pick[0]
            if not candidates:
                full = full_place_name(surface)
                if full != surface and not forbidden(surface, full):
                    return full
            if len(surface) >= 4 and loc_subtype(surface) == "zone":
                # 浑河智造产业园 = 沈阳浑河智造产业园: the zone's name with its city before it
                fuller = [z for z in zones if len(z) > len(surface) and z.endswith(surface)
                          and _known_place(z[: -len(surface)]) and not forbidden(surface, z)]
                local = [z for z in fuller if z in doc_surfaces]
                pick = local or fuller
                if len(pick) == 1:
                    return pick[0]
            if surface.endswith("开发区") and len(surface) >= 5:
                # 江宁开发区 = 江宁经济技术开发区: 开发区 stands for the zone's longer kind word
                head = surface[:-3]
                fuller = [z for z in zones if any(z == head + w for w in ZONE_KIND_WORDS) and not forbidden(surface, z)]
                local = [z for z in fuller if z in doc_surfaces]
                pick = local or fuller
                if len(pick) == 1:
                    return pick[0]
        if label == ORG:
            scored = [(full in doc_surfaces, score, -len(full), full) for score, full in org_candidates(surface)]
            if scored:
                scored.sort(reverse=True)
                best = scored[0]
                tied = [s for s in scored if s[:2] == best[:2]]
                if len(tied) == 1:
                    return best[3]
            # 姑苏实验室 after 材料科学姑苏实验室, 全国供销合作总社 after 中华全国供销合作总社: the
            # document's longer name that ends with it, the part before no place (沈阳市科技局)
            if len(surface) >= 4 and _body_head(surface):
                # …nor a body's or a country's name (朝鲜劳动党|中央军事委员会 is not China's)
                longer = [d for d in doc_surfaces if len(d) > len(surface) and d.endswith(surface)
                          and label_of.get(d) == ORG and not _known_place(d[: -len(surface)])
                          and not _owned_by_other(d[: -len(surface)]) and not forbidden(surface, d)]
                if len(longer) == 1:
                    return longer[0]
        return surface

    resolved_docs = FactSpill(spill_dir)  # (facts, mapping) per document, read back below
    targets: set[str] = set()
    for facts in facts_list:
        doc_surfaces = {m.text for m in facts.mentions}
        doc_abbrev = {short: full for short, full in facts.abbreviations}
        mapping = {}
        position_orgs = {_position_org(p.organisation, p.org_label, p.title)[0] for p in facts.positions if p.organisation}
        position_orgs |= {g for g in (_implied_government(p.title, facts) for p in facts.positions if not p.organisation) if g}
        named_here = doc_surfaces | position_orgs  # 长沙 is 长沙市 where the text names 长沙市委's 常委
        for surface in named_here:
            target = surface
            for _ in range(3):  # 中科院 -> 中国科学院 ; 市工商联 -> 沈阳市工商联 -> 沈阳市工商业联合会
                nxt = rewrite(target, facts, named_here, doc_abbrev, label_of.get(surface))
                if nxt == target:
                    break
                target = nxt
            mapping[surface] = target
        unplaced = {s for s, t in mapping.items() if _unplaced_local_body(t)}
        if unplaced:
            # 市委 in an article whose city is never named: no one body, and across articles
            # all cities' 市委 would become one node; the mention and the position's body go
            facts = dataclasses.replace(
                facts, mentions=[m for m in facts.mentions if m.text not in unplaced],
                positions=[dataclasses.replace(p, organisation=None, org_label="")
                           if p.organisation and _position_org(p.organisation, p.org_label, p.title)[0] in unplaced else p
                           for p in facts.positions])
        targets.update(mapping.values())
        resolved_docs.append((facts, mapping))

    # 2. symmetric variants: company suffixes (鞍钢集团 / 鞍钢集团有限公司 / 鞍钢)
    uf = _UnionFind()
    by_company_key: dict[str, list[str]] = defaultdict(list)
    for t in sorted(targets):
        label = forced_type.get(t) or label_of.get(t, ORG)
        uf.find(t)
        if label == ORG and org_subtype(t) in ("company", "other"):
            # (a body of no known kind goes by its short words too: 中华全国供销合作总社 / 全国供销合作总社)
            by_company_key[company_key(t if org_subtype(t) == "company" else body_key(t))].append(t)
        elif label == ORG or (label == LOC and loc_subtype(t) == "zone"):
            by_company_key[f"body:{label}:{body_key(t)}"].append(t)  # 辽宁省科学技术协会 / 辽宁省科协
    members_of: dict[str, set[str]] = {t: {t} for t in targets}

    def union_allowed(a: str, b: str) -> None:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb or any(forbidden(x, y) for x in members_of[ra] for y in members_of[rb]):
            return  # a forbidden pair would end up in one entity, through a third name or not
        uf.union(a, b)
        root = uf.find(a)
        members_of[root] = members_of.pop(ra) | members_of.pop(rb) if ra != rb else members_of[ra]

    for key, group in by_company_key.items():
        for other in group[1:]:
            union_allowed(group[0], other)

    # 3. entities
    members: dict[str, set[str]] = defaultdict(set)
    for t in targets:
        members[uf.find(t)].add(t)
    canonical_of: dict[str, str] = {}
    for root, group in members.items():
        canonical = max(group, key=lambda s: (len(s), surface_docs.get(s, 0), s))
        label = forced_type.get(canonical) or label_of.get(canonical, ORG)
        official = official_name(canonical)
        if canonical not in written:
            official = party_department_name(official)  # 萧山区委常委、统战部长: 中共杭州市萧山区委统战部
        zone_word_last = label != ORG and official.endswith(tuple(BODY_WORD_LONG_FORMS.values()))
        if (label == ORG or (loc_subtype(canonical) == "zone" and zone_word_last)) and canonical not in forced_type \
                and not forbidden(canonical, official):
            # (a zone's name is written out only for its last word: 杭州高新区（滨江）萧山特别合作园 stays)
            canonical = official  # 辽宁省科协 -> 辽宁省科学技术协会
        for t in group:
            canonical_of[t] = canonical

    entities: dict[str, Entity] = {}
    positions: list[Position] = []
    alias_counts: dict[str, Counter] = defaultdict(Counter)
    entity_docs: Counter = Counter()  # entity id -> documents
    type_votes: dict[str, Counter] = defaultdict(Counter)
    written_votes: dict[str, Counter] = defaultdict(Counter)  # entity id -> its mentions' documents' ASCII marks

    def entity_id(canonical: str, label: str) -> str:
        return f"{label}:{canonical}"

    canonical_label: dict[str, str] = {}
    for facts, mapping in resolved_docs:
        for m in facts.mentions:
            canonical = canonical_of[mapping[m.text]]
            type_votes[canonical][m.label] += 1
    for canonical in set(canonical_of.values()):
        forced = forced_type.get(canonical)
        if forced in (PERSON, ORG, LOC):
            canonical_label[canonical] = forced
        elif type_votes[canonical]:
            canonical_label[canonical] = type_votes[canonical].most_common(1)[0][0]
        else:
            canonical_label[canonical] = label_of.get(canonical, ORG)

    def ensure(canonical: str) -> Entity:
        label = canonical_label.get(canonical) or label_of.get(canonical, ORG)
        eid = entity_id(canonical, label)
        if eid not in entities:
            entities[eid] = Entity(id=eid, name=canonical, type=label)
        return entities[eid]

    person_titles: dict[str, list[str]] = defaultdict(list)
    business_units: Counter = Counter()  # organisation -> business posts held there
    person_roles: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    person_orgs: dict[str, list[str]] = defaultdict(list)
    for facts, mapping in resolved_docs:
        in_document: set[str] = set()  # entities this document names
        for m in facts.mentions:
            canonical = canonical_of[mapping[m.text]]
            entity = ensure(canonical)
            entity.mentions += 1
            alias_counts[entity.id][m.text] += 1
            written_votes[entity.id][facts.written_ascii] += 1
            in_document.add(entity.id)
        seen_positions = set()
        for p in facts.positions:
            person = ensure(canonical_of[mapping[p.person]])
            org_entity = None
            title = p.title
            org_surface, org_label = _position_org(p.organisation, p.org_label, title) if p.organisation else ("", "")
            if p.organisation and (org_surface == "本报" or org_surface.startswith("本报")):
                org_surface = ""  # 本报记者: the document's own paper
            implied = _implied_government(title, facts) if not org_surface else None
            if implied:
                canonical = canonical_of.get(mapping.get(implied, implied), implied)
                canonical_label.setdefault(canonical, LOC)
                org_entity = ensure(canonical)
                in_document.add(org_entity.id)
            elif not org_surface and title_kind(title) == "journalist" and title not in UNSALARIED_BYLINES and facts.media:
                media = canonical_of.get(mapping.get(facts.media, facts.media), facts.media)
                canonical_label.setdefault(media, ORG)
                org_entity = ensure(media)
            elif org_surface:
                target = mapping.get(org_surface, org_surface)
                canonical = canonical_of.get(target, target)
                territory = territorial_unit(canonical, title) if org_label == ORG else None
                if territory:  # 市委 -> 深圳市委 -> 深圳市 for its 常委: the post's territory
                    territory = full_place_name(territory)
                    canonical, org_label = canonical_of.get(mapping.get(territory, territory), territory), LOC
                canonical_label.setdefault(canonical, org_label)
                org_entity = ensure(canonical)
                in_document.add(org_entity.id)
                if org_surface == p.organisation and not territory:
                    alias_counts[org_entity.id][p.organisation] += 0
            key = (person.id, title, org_entity.id if org_entity else None)
            if key in seen_positions:
                continue
            seen_positions.add(key)
            if title not in person_titles[person.id]:
                person_titles[person.id].append(title)
            unit = None if org_entity is None else unit_kind(org_entity.name) if org_entity.type == ORG else "territory"
            if org_entity is not None and title_kind(title) == "business":
                business_units[org_entity.id] += 1
            person_roles[person.id].append((title, unit))
            if org_entity is not None and org_entity.name not in person_orgs[person.id]:
                person_orgs[person.id].append(org_entity.name)
            positions.append(
                Position(person.id, title, org_entity.id if org_entity else None, facts.doc_id, facts.sentence_texts.get(p.sentence, ""))
            )
        entity_docs.update(in_document)

    for t, canonical in canonical_of.items():
        # the fuller forms a mention was resolved to (沈阳市科技局 for 市科技局) are names of it too
        eid = entity_id(canonical, canonical_label.get(canonical, ORG))
        if eid in entities and t not in alias_counts[eid]:
            alias_counts[eid][t] += 0
    written_names = {eid: as_written(e.name, written_votes.get(eid, Counter())) for eid, e in entities.items()}
    renamed = {e.name: written_names[eid] for eid, e in entities.items() if written_names[eid] != e.name}
    for eid, entity in entities.items():
        forms = alias_counts[eid]
        for form in list(forms):
            # kg's cleaning writes ASCII brackets next to Chinese full-width: the page's
            # own spelling (东江集团(控股)有限公司) is a name of it too
            ascii_form = form.translate(HALF_WIDTH_BRACKETS)
            if ascii_form != form and ascii_form not in forms:
                forms[ascii_form] += 0
        if entity.name != written_names[eid]:
            forms[entity.name] += 0
            entity.name = written_names[eid]  # the name as most of its documents wrote it; the id keeps kg's form
        entity.aliases = [entity.name] + sorted((f for f in forms if f != entity.name), key=lambda f: (-forms[f], f))
        entity.documents = entity_docs[eid]
        if entity.type == PERSON:
            entity.titles = person_titles.get(eid, [])
            entity.affiliations = [renamed.get(o, o) for o in person_orgs.get(eid, [])]
            entity.subtype = person_subtype(person_roles.get(eid, []))
        elif entity.type == ORG:
            entity.subtype = org_subtype(entity.name)
            if entity.subtype == "other" and business_units.get(eid):
                entity.subtype = "company"  # 北京佰才邦CEO孙立新: where business posts are held is a company
        else:
            entity.subtype = loc_subtype(entity.name)

    def stream() -> Iterator[DocumentOccurrences]:
        for facts, mapping in resolved_docs:
            canonicals = [canonical_of[mapping[m.text]] for m in facts.mentions]
            occurrences = [EntityOccurrence(entity_id(c, canonical_label[c]), facts.doc_id, m.sentence, facts.paragraphs[m.sentence])
                           for c, m in zip(canonicals, facts.mentions)]
            yield DocumentOccurrences(facts.doc_id, occurrences, facts.sentence_texts)

    return Resolution(entities=entities, positions=positions, stream=stream)
