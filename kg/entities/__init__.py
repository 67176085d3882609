"""Mentions -> canonical entities: span repair, officials' titles, alias merging, fine types,
places in their hierarchy.

Two steps, so that the per-document work streams and can run anywhere:

- `document_facts(analysis)` (facts.py): per document, pure and cheap: repaired mentions
  (spans.py, names.py, places.py), officials' positions (officials.py), explicit short
  forms (简称), the document's home city and media.
- `resolve(facts, aliases)` (resolve.py): corpus level: surface forms merged into entities
  (aliases.py), each with its fine type (subtypes.py), positions and occurrences.

Word lists live in kg/data/lexicon/ (lexicon.py) and are general (titles, countries, provinces,
surnames and places derived from the People's Daily 1998 training corpus), never taken from a
text kg is evaluated on. Every name below is importable from kg.entities.
"""
from .divisions import (  # noqa: F401
    DIVISION_LEVELS, DIVISION_FILES, DIVISION_PLACEHOLDERS, DIVISION_SUFFIXES, LEVEL_SUBTYPES, Division,
    divisions_dir, _bare_division_name, divisions, division_candidates, ancestors, locate, division_subtype,
    place_attributes,
)
from .lexicon import (  # noqa: F401
    _lexicon_lines, titles, countries, provinces, city_provinces, places, standard_aliases, surnames,
    common_surnames, TITLE_PREFIXES, _title_regexes, _any_title_regex, title_kind, _bare_title,
    _bare_place_index, PLACE_SUFFIXES, full_place_name, bare_place_name, _standard_place, _known_place,
    ZONE_SUFFIXES,
)
from .subtypes import (  # noqa: F401
    ORG_KEYWORDS, LOC_KEYWORDS, ORG_KEYWORD_WORDS, LOC_KEYWORD_WORDS, _rightmost_keyword, org_subtype,
    _org_subtype, loc_subtype, HONORARY_TITLES, GOVERNMENT_TITLES, PUBLIC_BODY_WORDS, unit_kind,
    SHARED_OFFICIAL_TITLES, _public_title, person_subtype,
)
from .spans import (  # noqa: F401
    SPLIT_PUNCT, EDGE_STRIP, LEADING_FUNCTION_WORDS, TRAILING_FUNCTION_WORDS, DATE_LIKE, MAX_ENTITY_CHARS,
    DocMention, _strip_edges, _split_on_punctuation, _strip_trailing_title, repair_person, _chinese_name_start,
    _two_names, TRANSLITERATION_CHARS, MAX_FOREIGN_NAME_CHARS, COMPOUND_SURNAMES, REPORTING_VERBS,
    STRONG_ORG_SUFFIXES, PROPER_ORG_KEYWORDS, GENERIC_ORG_WORDS, DETERMINERS, GOVERNING_BODIES, generic_core,
    is_generic_org, LEGAL_FORM_WORDS, BUSINESS_KIND_WORDS, _KIND_PIECES, _KIND_PIECE_MAX, INNER_FUNCTION_CHAR,
    BEFORE_COPULA, function_char_in_name, is_kind_only, AD_HOC_GROUPS, ABBREVIATION_ENDINGS, CONGRESS,
    EVENT_ENDS, EVENT_BODIES, is_event_name, MEDIA_END_CHARS, fix_label, NAME_BREAKS, _split_on_words,
    _ends_like_name, ORDINAL, _named_piece, repair_mentions, _unique_spans, _sentence_at, _sentence_of,
)
from .aliases import (  # noqa: F401
    COMPANY_SUFFIXES, SUFFIX_ABBREVIATIONS, DROPPABLE_SUFFIXES, BODY_WORD_SHORT_FORMS, _BODY_WORDS,
    BODY_WORD_LONG_FORMS, _SHORT_BODY_WORDS, COUNTRY_PREFIX, official_name, party_department_name, _is_domestic_place, body_key,
    company_key, INDUSTRY_WORDS, company_core, company_short_form_score, _is_subsequence, abbreviation_score,
    MAX_ALIAS_YAML_DEPTH, FORBID_MARKS, _AliasRow, _alias_file_text, _alias_cell, _csv_rows, _yaml_rows,
    _parse_alias_rows, _lines, read_alias_file, AliasConfig, _UnionFind,
)
from .places import (  # noqa: F401
    ZONE_NAME_BREAKS, ZONE_CLAUSE, ZONE_NAME_MAX, zone_mentions, REGION_WORDS, region_mentions,
    PLACE_LEVEL_ENDS, LOWER_PLACE_ENDS, place_chain_mentions,
)
from .names import (  # noqa: F401
    SUB_BODIES, PARTY_GROUPS, LOCAL_BODY, LOCAL_BODY_NAMES, LOCAL_BODY_MENTION, local_body_mentions,
    PLACE_BODY_SUBTYPES, COUNTRY_BODIES, COMPANY_AFTER_NAME, _bodies_after, body_name_mentions,
    NAMED_BODY_HEADS, COMPANY_HEADS, JOINT_HEADS, NAMED_BODY_MIDDLE_MAX, CLAUSE_WORDS, KIND_WORDS, QUOTED_NAME,
    _HEAD_LAST_CHARS, _body_head, named_body_mentions, REGISTERED_PLACE, REGISTERED_TAIL_ENDS,
    REGISTERED_NAME_MAX, REGISTERED_NAME_BREAKS, REGISTERED_NAME_AFTER, _registered_name_start,
    registered_name_mentions, SOURCE_LINE, source_line_mentions, PROPAGATE_MIN_CHARS, consistent_mentions,
    party_group_mentions,
)
from .officials import (  # noqa: F401
    HE_COMPOUNDS, APPOINTMENT, ASSOCIATION_TITLES, ORG_END_CHARS, CHAIN_SEPARATORS, LIST_SEPARATORS,
    VERB_TITLES, CONTEXT_BREAK, RawPosition, _mention_ending_at, _org_before, NAME_INNER_HEAD_MAX,
    _name_with_inner_function_char, _plausible_untagged_org, SHARED_TITLE_CHARS, OUTLET_NAME,
    NEWS_OUTLET_DATELINE, OUTLET_AT_END, BRACKETED_OUTLET, _news_outlet_before, _outlet, BYLINE_SEPARATORS,
    BYLINE_ROLES, BYLINE_ROLE, OUTLET_LEAD, title_chains, GOVERNMENT_HEAD_TITLES, PARTY_TITLES,
    PARTY_TERRITORY_TITLES, ZONE_BODIES, PLACE_BODIES, _level_fits, territorial_unit, _position_org,
    _implied_government,
)
from .facts import (  # noqa: F401
    PAREN_SHORT_FORM, ABBREVIATION_NOTE, DATELINE, DocFacts, _home_city, _home_province, short_form_notes,
    BARE_TERRITORY_BODIES, _title_organ, document_facts,
)
from .resolve import (  # noqa: F401
    ZONE_KIND_WORDS, HALF_WIDTH_BRACKETS, UNSALARIED_BYLINES, BARE_LOCAL_BODIES, _unplaced_local_body, resolve,
)
