"""Officials: titles read before names (stacked with 、), after them, in apposition, in
lists and bylines, each with the body it is held at; a place as a title's body stands for
its government or party committee."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..types import LOC, ORG, PERSON, DocAnalysis
from .lexicon import _any_title_regex, _bare_title, _known_place, _title_regexes, full_place_name, title_kind
from .subtypes import loc_subtype, org_subtype
from .spans import (
    DocMention, LEADING_FUNCTION_WORDS, STRONG_ORG_SUFFIXES, function_char_in_name, generic_core,
    is_generic_org, is_kind_only,
)
from .aliases import BODY_WORD_SHORT_FORMS, _is_domestic_place
from .names import LOCAL_BODY, SUB_BODIES

if TYPE_CHECKING:  # annotations only (no import cycle)
    from .facts import DocFacts


HE_COMPOUNDS = ("工业和信息化", "住房和城乡建设", "发展和改革", "文化和旅游", "人力资源和社会保障", "自然资源和规划",
                "农业和农村", "科学技术和", "新闻出版和", "广播电视和", "商务和", "交通和", "卫生和")
APPOINTMENT = re.compile("(?:已|将|又|曾|正式)?(?:当选为|当选|担任了|出任了|兼任了|担任|出任|兼任|任|为)")
ASSOCIATION_TITLES = ("理事长", "会长", "秘书长", "主席", "副理事长", "副会长")
ORG_END_CHARS = set("局厅委部院所会办司处室组团校社台报行厂队站馆中心府政协")
CHAIN_SEPARATORS = "、兼"
TAKING_OFFICE = ("出任", "担任", "升任", "调任", "就任", "转任", "改任", "接任", "兼任", "任命")
# offices of a state, never held at the body of the title before them in a chain
OWN_OFFICE_TITLES = frozenset(("国家主席", "总统", "总理", "首相", "国王", "女王"))
LIST_SEPARATORS = "，,、；"
LEVEL_CHARS = "省市区县"  # 省科协, 市发改委: a local body named by its level alone
VERB_TITLES = ("代表",)  # also a verb: 代表市委 (on behalf of)
CONTEXT_BREAK = set("，。；：！？,;:!?（）()“”\n")


@dataclass(slots=True)
class RawPosition:
    person: str
    title: str
    organisation: str | None
    org_label: str  # ORG or LOC (a place that stands for its government)
    sentence: int


def _mention_ending_at(mentions_by_end: dict[int, DocMention], end: int) -> DocMention | None:
    m = mentions_by_end.get(end)
    return m if m is not None and m.label in (ORG, LOC) else None


BUSINESS_UNIT = re.compile(r"[A-Z]{2,5}")
# departments of a party committee, written before 长 with the committee earlier in the chain
PARTY_DEPARTMENTS = frozenset(("统战部", "组织部", "宣传部"))


def _org_before(text: str, lo: int, hi: int, mentions_by_end) -> tuple[str | None, str, int]:
    """The organisation written right before a title ending at `hi` (start of title).

    Returns (surface, label, start, tagged) - tagged when it is one of the model's
    mentions - or (None, "", hi, False)."""
    m = _mention_ending_at(mentions_by_end, hi)
    if m is not None and m.start >= lo and not is_generic_org(m.text):
        # a place directly followed by an org mention is part of it (沈阳市 科技局)
        if m.label == ORG and m.start - 1 >= lo and text[m.start - 1] in LEVEL_CHARS and (
                m.start - 1 == lo or text[m.start - 2] in CONTEXT_BREAK or text[m.start - 2] in LIST_SEPARATORS):
            # 、省|科协党组书记: the level character the model left out is the body's
            return text[m.start - 1 : m.end], ORG, m.start - 1, False
        return m.text, m.label, m.start, True
    unit = BUSINESS_UNIT.search(text, max(lo, hi - 6), hi)
    if unit is not None and unit.end() == hi:
        company = _mention_ending_at(mentions_by_end, unit.start())
        if company is not None and company.label == ORG and company.start >= lo and not is_generic_org(company.text):
            # 华为公司EBG总裁: the company's business group in Latin letters is where the post is
            return text[company.start:hi], ORG, company.start, False
    # otherwise: the characters back to a break or a function word, if they end like an org
    i = hi
    while (i > lo and text[i - 1] not in CONTEXT_BREAK and text[i - 1] not in CHAIN_SEPARATORS
           and not text[i - 1].isspace() and text[i - 1] != "\ufffd"):
        if text[i - 1] in "和与及" and any(c in text[max(lo, i - 8) : hi] for c in HE_COMPOUNDS):
            i -= 1  # 工业和信息化部: 和 inside the name
            continue
        if (text[i - 1] in "的了在是和与及对由向为把将让据同跟如《》" or text[i - 1].isdigit()
                or text[i - 2 : i] in ("所属", "旗下", "下属", "本报") or text[i - 2 : i] in TAKING_OFFICE) and i < hi:
            break  # …谢多已出任|国际司司长: the body is what the verb names
        i -= 1
        if hi - i >= 20:
            break
    if i > lo + 1 and function_char_in_name(text, i - 1) and is_kind_only(text[i:hi], business=True):
        i = _name_with_inner_function_char(text, lo, i)  # 华为|技术有限公司: the scan stopped at 为
    if text.endswith("本报", lo, hi):
        return "本报", ORG, hi - 2, True  # the document's own paper
    candidate = text[i:hi]
    # a dateline (北京1月12日电) or a leading function word is not part of the name
    cut = max(candidate.rfind(mark) + len(mark) if candidate.rfind(mark) >= 0 else 0 for mark in ("日电", "日讯", "本报讯"))
    for word in LEADING_FUNCTION_WORDS:
        if candidate.startswith(word, cut) and len(candidate) - cut - len(word) >= 2:
            cut += len(word)
            break
    i += cut
    candidate = text[i:hi]
    if candidate in ZONE_BODIES:
        # 党工委书记, 管委会主任 with no zone named: the zone whose committee was named last before
        previous = [m for m in mentions_by_end.values() if m.end <= i and m.start >= 0
                    and (m.text.endswith(ZONE_BODIES) or m.label == LOC and loc_subtype(m.text) == "zone")]
        if previous:
            m = max(previous, key=lambda m: m.end)
            zone = next((m.text[: -len(b)] for b in ZONE_BODIES if m.text.endswith(b)), m.text)
            return zone + candidate, ORG, i, True
        return None, "", i, False
    if is_generic_org(candidate):
        # 该公司总经理 / 集团副总裁: the organisation of that kind named last before
        kind = org_subtype(generic_core(candidate))
        previous = [m for m in mentions_by_end.values() if m.end <= i and m.label == ORG and org_subtype(m.text) == kind]
        if previous:
            m = max(previous, key=lambda m: m.end)
            return m.text, ORG, i, True
        return None, "", i, False  # the chain goes on before the kind word (…副书记、管委会主任)
    if len(candidate) >= 2 and (candidate[-1] in ORG_END_CHARS or candidate.endswith(("中心", "政协", "集团", "公司"))) \
            and _plausible_untagged_org(candidate):
        return candidate, ORG, i, False
    if _place_and_brand(text, i, hi, mentions_by_end):
        return candidate, ORG, i, False
    return None, "", hi, False


PLACE_BRAND_MAX = 6  # characters of a company's brand after its city (北京|佰才邦)


def _place_and_brand(text: str, i: int, hi: int, mentions_by_end) -> bool:
    """北京佰才邦CEO, 深圳朗科智能董事长: a tagged place, then a few more characters and a
    company title right after them, is a company named by its city and brand (the usual way
    to write a firm in lists of guests). A public title (市长) or a place alone is not."""
    title = _any_title_regex().match(text, hi)
    if title is None or title_kind(title.group()) != "business":
        return False
    for end in range(i + 2, hi - 1):
        place = mentions_by_end.get(end)
        if place is not None and place.start == i and place.label == LOC:
            brand = text[end:hi]
            return (2 <= len(brand) <= PLACE_BRAND_MAX and all("\u4e00" <= c <= "\u9fff" for c in brand)
                    and not _known_place(brand) and _any_title_regex().search(brand) is None)
    return False


NAME_INNER_HEAD_MAX = 2  # characters of a name before its function character (华|为, 大有|为)


def _name_with_inner_function_char(text: str, lo: int, i: int) -> int:
    """The scan back stopped at a function character (text[i - 1]) before a kind and legal form
    alone (技术有限公司): where a short name holding that character (华为) starts, when one
    stands there alone (a break right before it, no determiner or pronoun opening it); else `i`."""
    j = i - 1
    while j > lo and i - 1 - j < NAME_INNER_HEAD_MAX and "\u4e00" <= text[j - 1] <= "\u9fff" \
            and text[j - 1] not in "的了在是和与及对由向把将让据同跟如":
        j -= 1
    at_break = j == lo or text[j - 1] in CONTEXT_BREAK or text[j - 1] in CHAIN_SEPARATORS or text[j - 1].isspace()
    if j == i - 1 or not at_break or text[j] in "该本其此我这那他她它各":
        return i
    return j


def _plausible_untagged_org(candidate: str) -> bool:
    """Characters before a title that the model did not tag are taken as its organisation
    only when they look like a name: short (市委, 地委), opening with a place (沈阳市科技局),
    a local body (省科技厅), or ending in a long organisation word (…研究院). Otherwise the
    scan back ran into a clause (向在远密谋收集地委)."""
    if len(candidate) <= 4 or LOCAL_BODY.match(candidate):
        return True
    if any(word in candidate for word in HE_COMPOUNDS) or any(word in candidate for word in BODY_WORD_SHORT_FORMS):
        return True  # 工业和信息化部, 科学技术协会: the standard words of public bodies' names
    if any(_known_place(candidate[:k]) for k in range(2, min(len(candidate) - 1, 8))):
        return True
    return len(candidate) <= 12 and candidate.endswith(tuple(x for x in STRONG_ORG_SUFFIXES if len(x) >= 2))


# Titles that begin with the last character of their body's name (局长 of 公安局).
SHARED_TITLE_CHARS = set("局部厅院所校社台行会处科司署馆站队团")
# A byline opening with its outlet: 新华社洛杉矶1月2日电（记者…, 本报福州电记者…, 《福州晚报》记者…
OUTLET_NAME = r"新华社|中新社|本报|[\u4e00-\u9fff]{2,8}?(?:日报|晚报|早报|电视台|通讯社|广播电台)"
NEWS_OUTLET_DATELINE = re.compile(
    rf"({OUTLET_NAME})[\u4e00-\u9fff]{{0,8}}?(?:\d{{1,2}}月\d{{1,2}}日)?(?:电|讯)\s*[（(]?\s*$")
OUTLET_AT_END = re.compile(rf"({OUTLET_NAME})$")
BRACKETED_OUTLET = re.compile(r"《([^《》]{2,12}(?:日报|晚报|早报|时报|周报|报|杂志))》\s*$")


def _news_outlet_before(before: str) -> str | None:
    """The outlet a journalist's title follows in a byline, if the byline names it."""
    match = NEWS_OUTLET_DATELINE.search(before) or BRACKETED_OUTLET.search(before)
    return _outlet(match)


def _outlet(match: re.Match | None) -> str | None:
    return match.group(1).lstrip(OUTLET_LEAD) if match else None


BYLINE_SEPARATORS = " 　丨|｜:：/"
BYLINE_ROLES = {"文": "作者", "图": "摄影", "摄": "摄影", "摄影": "摄影"}
BYLINE_ROLE = re.compile(r"(?:^|(?<=[（(\s]))(文|图|摄影|摄)\s*[/／]\s*$")
OUTLET_LEAD = "据由从在和与及对向"  # 据辽宁日报沈阳1月2日电: not part of the paper's name


def title_chains(analysis: DocAnalysis, mentions: list[DocMention]) -> tuple[list[RawPosition], list[DocMention]]:
    """Titles written before a name (stacked with 、), after it (张三市长), or in apposition
    (张三（沈阳市科技局局长））; names in a list or byline share the title before the first.

    Also returns the organisations read from titles that the model did not tag."""
    found_orgs: dict[tuple[int, int], DocMention] = {}
    text = analysis.text
    at_end, at_start = _title_regexes()
    by_end = {m.end: m for m in mentions if m.label in (ORG, LOC)}
    positions: list[RawPosition] = []
    chain_of: dict[int, list[tuple[str, str | None, str]]] = {}
    persons = [m for m in mentions if m.label == PERSON]
    for m in persons:
        sentence = analysis.sentences[m.sentence]
        lo = sentence.start
        chain: list[tuple[str, str | None, str]] = []  # right to left: (title, org, label)
        departments: dict[int, str] = {}  # chain index -> the party department its title names (统战部长)
        i = m.start
        role = BYLINE_ROLE.search(text, max(lo, m.start - 6), m.start)
        if role and role.end() == m.start:
            # 文/刘燕婷, 图/冯芃: the author or photographer of the article, no body named
            positions.append(RawPosition(m.text, BYLINE_ROLES[role.group(1)], None, "", m.sentence))
        while i > lo:
            match = at_end.search(text, max(lo, i - 12), i)
            if (not match or match.end() != i) and not chain and text[i - 1] in BYLINE_SEPARATORS:
                # 记者 代敏, 首席记者 王海荣, 记者丨周琳: a byline's title, then a separator
                j = i
                while j > lo and text[j - 1] in BYLINE_SEPARATORS:
                    j -= 1
                match = at_end.search(text, max(lo, j - 12), j) if j > lo else None
                if match is None or match.end() != j or title_kind(match.group()) != "journalist":
                    break
                if _any_title_regex().match(text, m.end):
                    break  # 记者：胡锦涛主席访问…: an interview's question about a titled person
            elif not match or match.end() != i:
                break
            title = match.group()
            inside = next((by_end[k] for k in range(match.end() - 1, match.start(), -1)
                           if k in by_end and by_end[k].label == ORG and by_end[k].start >= lo), None)
            if inside is not None:
                # 埃及内政部长: the organisation's last character is also the title's first
                org, label, org_start, tagged = inside.text, ORG, inside.start, True
            else:
                org, label, org_start, tagged = _org_before(text, lo, match.start(), by_end)
            if (org is None and len(title) == 2 and title[1] == "长" and title[0] in SHARED_TITLE_CHARS
                    and match.start() > lo and text[match.start() - 1] != title[0]):
                # 市公安局长, 公安部长: the body's last character starts the title
                org, label, org_start, tagged = _org_before(text, lo, match.start() + 1, by_end)
                if org is not None and text[org_start:match.start() + 1] != org:
                    org = None  # 统战部长: a kind of body read as the last body of that kind before
                if org is None and org_start < match.start():
                    # 区委常委、统战部长: a kind of body; the chain goes on before it, and a party
                    # department is that committee's (resolved below)
                    department = text[org_start:match.start() + 1]
                    if department in PARTY_DEPARTMENTS:
                        departments[len(chain)] = department
                elif org is None or not org.endswith(title[0]) or len(org) < 3:
                    org, label, org_start, tagged = None, "", match.start(), False
            if org is not None and org_start - 1 >= lo and text[org_start - 1] == "驻":
                # 中国驻俄罗斯大使, 本报驻突尼斯记者: the post's place is not the employer
                sender = _mention_ending_at(by_end, org_start - 1)
                outlet = _outlet(OUTLET_AT_END.search(text, lo, org_start - 1))
                if sender is not None and sender.start >= lo:
                    org, label, org_start, tagged = sender.text, sender.label, sender.start, True
                elif outlet:
                    org, label, org_start, tagged = outlet, ORG, org_start - 1 - len(outlet), True
                else:
                    org, label, org_start, tagged = None, "", match.start(), False
            if org is None and title_kind(title) == "journalist":
                org = _news_outlet_before(text[lo : match.start()])
                label, tagged = (ORG, True) if org else ("", False)
            if text[org_start:match.start()] in PARTY_DEPARTMENTS:  # 市委常委、统战部部长
                if org is None:
                    departments[len(chain)] = text[org_start:match.start()]
                elif org.endswith("委") and org != text[org_start:match.start()]:
                    org = org + text[org_start:match.start()]  # the committee read for the kind of body: its department
            if org and not tagged:
                found_orgs[(org_start, match.start())] = DocMention(org_start, match.start(), org, ORG, m.sentence)
            chain.append((title, org, label))
            i = org_start if org or org_start < match.start() else match.start()
            if i > lo and text[i - 1] in CHAIN_SEPARATORS:
                i -= 1
                continue
            if i > lo + 1 and text[i - 1] in "，," and i - 1 not in by_end:
                # 中国科学院副院长、党组成员，中科院院士张亚平: stacked titles run on over a comma
                # where a title, not a name, ends before it, in a clause with no person of its
                # own (金琦已出任办公厅主任，…谢多: 金琦's post)
                before = at_end.search(text, max(lo, i - 13), i - 1)
                clause = max(max(text.rfind(ch, lo, i - 1) for ch in CONTEXT_BREAK), lo - 1) + 1
                if before is not None and before.end() == i - 1 and not any(
                        clause <= p.start and p.end <= i - 1 for p in persons):
                    i -= 1
                    continue
            break
        if not chain:
            # names listed after a titled name share its titles: 副市长赵一、钱二 / 记者王磊 李娜
            prev = next((p for p in reversed(persons) if p.end <= m.start and p.sentence == m.sentence), None)
            if prev is not None and prev.start in chain_of and text[prev.end : m.start] in ("", "、", " ", "　", "  ", "和", "及"):
                chain_of[m.start] = chain_of[prev.start]
                for title, org, label in chain_of[prev.start]:
                    positions.append(RawPosition(m.text, title, org, label, m.sentence))
                continue
        # title right after the name: 张三市长 / 张三（沈阳市科技局局长） / 张三当选理事长
        after = text[m.end : analysis.sentences[m.sentence].end]
        appointed = APPOINTMENT.match(after)
        appointed_roles: list[tuple[str, str | None, str]] = []  # new roles: no inherited organisation
        if appointed:
            tail = after[appointed.end():]

            def title_ending_clause(rest: str):
                t = at_start.match(rest)
                return t if t and (t.end() == len(rest) or rest[t.end()] in CONTEXT_BREAK or rest[t.end()] in "、 ") else None

            title_match = title_ending_clause(tail)
            if title_match is None:
                # 当选沈阳市科技局局长: an organisation, then the title
                for k in range(2, min(len(tail), 20)):
                    if tail[k - 1] in CONTEXT_BREAK or tail[k - 1] in LIST_SEPARATORS or tail[0] == "的":
                        break  # 兼任的外交部部长职务，任命王毅为…: the body is one clause's words
                    t = title_ending_clause(tail[k:])
                    if t:
                        org_text, title = tail[:k], t.group()
                        label = ORG
                        if org_text in SUB_BODIES:
                            # 当选专家委员会主任: a body inside the organisation named last before
                            title = org_text + title
                            # prefer the association the document is about (an alliance's
                            # expert committee), else the organisation named last before
                            bodies = Counter(o.text for o in mentions if o.label == ORG and org_subtype(o.text) == "association")
                            before = [o for o in by_end.values() if o.end <= m.start and o.label == ORG
                                      and not is_generic_org(o.text)]
                            org_text = (bodies.most_common(1)[0][0] if bodies else
                                        max(before, key=lambda o: o.end).text if before else None)
                        else:
                            if org_text[-1] not in ORG_END_CHARS and title[0] in SHARED_TITLE_CHARS:
                                org_text += title[0]  # 担任市公安局长
                            if is_generic_org(org_text) or not (org_text[-1] in ORG_END_CHARS or org_text.endswith(("中心", "集团", "公司"))):
                                org_text = None
                        appointed_roles.append((title, org_text, label))
                        break
            else:
                # 选举马骁为理事长: a chair of the association the document is about
                bodies = Counter(o.text for o in mentions if o.label == ORG and org_subtype(o.text) == "association")
                org_text = bodies.most_common(1)[0][0] if bodies and title_match.group() in ASSOCIATION_TITLES else None
                appointed_roles.append((title_match.group(), org_text, ORG if org_text else ""))
        match = at_start.match(after)
        if match and match.group() in VERB_TITLES and not (match.end() == len(after) or after[match.end()] in CONTEXT_BREAK):
            match = None  # 彭华松代表市委: "on behalf of", not a deputy
        if match and not chain:
            chain.append((match.group(), None, ""))
        elif after and after[0] in "（(" and not chain:
            close = after.find("）" if after[0] == "（" else ")")
            if 0 < close <= 30:
                inner_end = m.end + close
                title_match = at_end.search(text, m.end + 1, inner_end)
                if title_match and title_match.end() == inner_end:
                    org, label, _, _ = _org_before(text, m.end + 1, title_match.start(), by_end)
                    chain.append((title_match.group(), org, label))
        # a title without its own organisation belongs to the one before it in the chain,
        # or, in a list (区委书记黄维、区长邓晓), to the organisation of the titled name before
        ordered = list(reversed(chain))
        last_org: tuple[str | None, str] = (None, "")
        if ordered and i < m.start and text[i] in CHAIN_SEPARATORS:  # the loop stopped on a 、
            prev = next((p for p in reversed(persons) if p.end == i), None)
            if prev is not None and prev.start in chain_of:
                for _, org, label in chain_of[prev.start]:
                    if org:
                        last_org = (org, label)
        if ordered and not any(org for _, org, _ in ordered) and i > lo and text[i - 1] in LIST_SEPARATORS:
            # 常务副市长彭华松，副市长郑平 / 主任倪晓锦，党委委员、副主任陆静: titles with no body of
            # their own, right after a titled name, share that name's last body
            prev = next((p for p in reversed(persons) if p.end == i - 1), None)
            if prev is not None and prev.start in chain_of and chain_of[prev.start] and chain_of[prev.start][-1][1] \
                    and title_kind(chain_of[prev.start][-1][0]) == title_kind(ordered[0][0]) \
                    and all(_level_fits(t, chain_of[prev.start][-1][1]) for t, _, _ in ordered):
                last_org = chain_of[prev.start][-1][1:]
        resolved = []
        for k, (title, org, label) in enumerate(ordered):
            department = departments.get(len(ordered) - 1 - k)
            if org in PARTY_DEPARTMENTS and last_org[0] and last_org[0].endswith("委") and len(last_org[0]) >= 2:
                org, label = last_org[0] + org, ORG  # 市委常委、统战部部长 -> 市委统战部 部长
                resolved.append((title, org, label))
                continue
            if org:
                last_org = (org, label)
            elif _bare_title(title) in OWN_OFFICE_TITLES:
                org, label = None, ""  # 中共中央总书记、国家主席: the state's office, not the party's
            else:
                org, label = last_org
                if department and org and org.endswith("委") and len(org) >= 2:
                    org, label = org + department, ORG  # 萧山区委常委、统战部长 -> 萧山区委统战部 部长
                    resolved.append((title, org, label))
                    continue
                if org and _bare_title(title) in GOVERNMENT_HEAD_TITLES and org.endswith("委") and len(org) >= 2:
                    # 市委副书记、市长: the mayor heads the city's government, not its party committee
                    org, label = org[:-1] + "人民政府", ORG
            resolved.append((title, org, label))
        if resolved:
            chain_of[m.start] = resolved
        for title, org, label in resolved + appointed_roles:
            positions.append(RawPosition(m.text, title, org, label, m.sentence))
    return positions, list(found_orgs.values())


GOVERNMENT_HEAD_TITLES = ("省长", "市长", "区长", "县长", "镇长", "乡长", "州长", "旗长")
PARTY_TITLES = ("书记", "副书记", "常委")


# Territorial posts are held at the territory itself (a mayor's, a city party secretary's
# post -> the city; a zone's party-works committee or administrative committee -> the zone),
# the convention of the real-article gold sets; other posts stay at the body named.
PARTY_TERRITORY_TITLES = PARTY_TITLES + ("秘书长", "委员")
ZONE_BODIES = ("党工委", "管委会", "管理委员会")
PLACE_BODIES = ("人民政府", "政府", "委")


def _level_fits(title: str, org: str) -> bool:
    """A territorial head's title fits a body of its level only (副省长 is not at 沈阳市委)."""
    bare = _bare_title(title)
    return bare not in GOVERNMENT_HEAD_TITLES or bare[0] in org


def territorial_unit(org: str, title: str) -> str | None:
    """The territory a post at `org` is held at, when `title` is a territorial post there:
    泉州市委 + 副书记 -> 泉州市, 泉州市人民政府 + 常务副市长 -> 泉州市, 长沙经开区党工委 + 书记 ->
    长沙经开区. None for other posts (统战部 部长, 市政府 秘书长)."""
    name = org[2:] if org.startswith("中共") and len(org) > 4 else org
    bare = _bare_title(title)
    for body in ZONE_BODIES:
        zone = name[: -len(body)]
        if name.endswith(body) and len(zone) >= 3 and loc_subtype(zone) in ("zone", "district", "other"):
            return zone  # a party-works or administrative committee is a zone's (泉州台商投资区管委会)
    for body in PLACE_BODIES:
        place = name[: -len(body)]
        if not name.endswith(body) or len(place) < 2 or not _is_domestic_place(place):
            continue
        if body == "委" and bare in PARTY_TERRITORY_TITLES:
            return place
        if body != "委" and bare in GOVERNMENT_HEAD_TITLES:
            return place
    return None


def _position_org(org: str, label: str, title: str) -> tuple[str, str]:
    """A place as a title's organisation is the territory of the post; a territorial post at
    a place's party committee or government is held at the place."""
    if label != LOC:
        territory = territorial_unit(org, title) if label == ORG else None
        return (full_place_name(territory), LOC) if territory else (org, label)
    if title_kind(title) == "journalist":
        return "", ""  # 驻意大利记者: where the reporter is posted, not whom they work for
    return full_place_name(org), LOC


def _implied_government(title: str, facts: DocFacts) -> str | None:
    """副市长陈某 with no organisation written: the document's city (or province, for 省长),
    the territory of the post."""
    bare = _bare_title(title)
    if bare == "市长" and facts.home_city and facts.home_city.endswith("市"):
        return facts.home_city
    if bare == "省长" and facts.home_province and facts.home_province.endswith("省"):
        return facts.home_province
    return None
