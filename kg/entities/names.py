"""Names the model tagged in pieces or not at all: local bodies written without their city,
a place or name followed by its body, labs and alliances, source lines, party groups, and
one reading per name within a document."""
from __future__ import annotations

import re

from ..types import LOC, ORG, PERSON, DocAnalysis
from .lexicon import _any_title_regex, _known_place, bare_place_name, full_place_name, provinces, surnames
from .subtypes import loc_subtype, org_subtype
from .spans import (
    ACTING_VERBS, ETC_AFTER, LEADING_FUNCTION_WORDS, REPORTING_VERBS, SPLIT_VERBS, DocMention, _chinese_name_start, _sentence_at, _sentence_of,
    function_char_in_name, is_generic_org, is_kind_only,
)
from .aliases import company_core
from .places import ZONE_NAME_BREAKS


SUB_BODIES = frozenset("专家委员会 学术委员会 理事会 董事会 监事会 顾问委员会 技术委员会 咨询委员会 秘书处 工作委员会".split())

PARTY_GROUPS = ("党组", "党委", "党总支", "党支部")

LOCAL_BODY = re.compile(r"^(市|省)(?!场|民|内|外|级|区|长|份|会)[\u4e00-\u9fff]{1,10}$")
DISTRICT_BODY = re.compile(r"^(区|县)(?!域|别|间|块|位|内|外|级|长|份|会)[\u4e00-\u9fff]{1,10}$")

# Bodies of a city or province written without its name (市委, 省科技厅). The list is of
# common government, party and people's-organisation names, longest first.
LOCAL_BODY_NAMES = sorted("""委 政府 人民政府 人大常委会 人大 政协 纪委 委宣传部 委组织部 委统战部 委政法委 政府办公厅 政府办公室
政府新闻办公室 政府新闻办 发改委 发展和改革委员会 科技局 科学技术局 工信局 工业和信息化局 教育局 财政局 商务局 公安局 卫健委
国资委 人社局 住建局 交通局 交通运输局 生态环境局 自然资源局 市场监管局 市场监督管理局 文旅局 文化和旅游局 农业农村局
应急管理局 统计局 民政局 司法局 审计局 税务局 科协 工商联 总工会 妇联 团委 科技厅 科学技术厅 工信厅 教育厅 财政厅 商务厅
外办 侨办 台办 网信办 大数据局 营商环境建设局 金融局 地方金融监督管理局
经信局 经济和信息化局 发改局 发展和改革局 规自局 规划和自然资源局 科创局 科技创新局 金融办 数据局
人力资源局 人力资源和社会保障局 委群团工作部 群团工作部 群团部 供销社 供销合作社 供销联社 城管局 水务局 医保局 投资促进局
退役军人事务局 政务服务数据管理局 科工信局 经发局 经济发展局""".split(), key=len, reverse=True)
# 区科技创新局 and 县政府 are the document's district's or county's (resolve: home_district)
LOCAL_BODY_MENTION = re.compile(
    r"(?:(?<=^)|(?<=[，。、；：！？“”‘’（）《》\s和与及在由向对的据是为经同跟]))(市|省|区|县)("
    + "|".join(map(re.escape, LOCAL_BODY_NAMES)) + r")"
)


def local_body_mentions(analysis: DocAnalysis, taken: list[DocMention]) -> list[DocMention]:
    """市委, 市政府, 省科技厅 ... that the model left untagged."""
    covered = [(m.start, m.end) for m in taken]
    found = []
    for index, sentence in enumerate(analysis.sentences):
        text = analysis.text[sentence.start : sentence.end]
        for match in LOCAL_BODY_MENTION.finditer(text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if any(s < end and start < e for s, e in covered):
                continue
            found.append(DocMention(start, end, match.group(), ORG, index))
    return found


PLACE_BODY_SUBTYPES = ("province", "city", "district", "town")
COUNTRY_BODIES = ("人民政府", "政府")
COMPANY_AFTER_NAME = ("股份有限公司", "有限公司", "公司", "集团")


def _bodies_after(m: DocMention) -> tuple[str, ...]:
    """Words that, right after mention `m`, make it the name of an organisation."""
    if m.label == PERSON:
        return COMPANY_AFTER_NAME  # 克劳森|公司
    if m.label == LOC:
        subtype = loc_subtype(m.text)
        return COUNTRY_BODIES if subtype == "country" else LOCAL_BODY_NAMES if subtype in PLACE_BODY_SUBTYPES else ()
    return ()


def body_name_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """A place directly followed by one of its bodies (浑南区政府, 沈阳市工信局, 辽宁省科协,
    美国政府) is that body, and a "person" directly followed by 公司 or 集团 names a company
    (克劳森公司): the NER corpora tag only the place or the name there."""
    by_start = {m.start: m for m in mentions}
    out, absorbed = [], set()
    for m in mentions:
        if id(m) in absorbed:
            continue
        body = next((b for b in _bodies_after(m) if analysis.text.startswith(b, m.end)), None)
        following = by_start.get(m.end)
        if body and m.end + len(body) <= analysis.sentences[m.sentence].end and (
                following is None or following.end == m.end + len(body)):
            if following is not None:
                absorbed.add(id(following))  # 沈阳市|工信局 tagged apart: one body
            m = DocMention(m.start, m.end + len(body), m.text + body, ORG, m.sentence)
        out.append(m)
    return out


# Head words that end the name of an organisation founded or named in news text: a lab,
# centre, consortium, alliance, association or group (辽宁省机器人产业创新联盟).
NAMED_BODY_HEADS = tuple(sorted((
    "联合实验室", "重点实验室", "实验室", "联合研究中心", "研究中心", "创新中心", "工程中心", "技术中心", "研究院",
    "研究所", "创新联合体", "联合体", "产业联盟", "创新联盟", "联盟", "协会", "学会", "商会", "联合会", "促进会",
    "基金会", "研究会", "集团", "股份有限公司", "有限公司", "有限责任公司", "公司", "俱乐部",
    # venues a visit goes to (参观甲城市规划展示馆, 考察乙综合市场, 来访丙国家技术转移中心)
    "中心", *("展示馆", "规划馆", "博物馆", "纪念馆", "科技馆", "美术馆", "图书馆", "展览馆", "体育馆", "文化馆",
             "综合市场", "农贸市场", "批发市场")), key=len, reverse=True))
CENTRE_CONTINUES = ("小学", "中学", "医院", "学校", "大厦", "广场", "酒店", "宾馆", "幼儿园", "卫生院")
# venue words that make a name with the place or organisation alone (湖南|博物馆, 钱江|综合市场)
VENUE_HEADS = frozenset(("展示馆", "规划馆", "博物馆", "纪念馆", "科技馆", "美术馆", "图书馆", "展览馆", "体育馆", "文化馆",
                         "综合市场", "农贸市场", "批发市场"))
COMPANY_HEADS = ("集团", "股份有限公司", "有限公司", "有限责任公司", "公司")
JOINT_HEADS = ("联合实验室", "联合研究中心", "联合体", "联盟", "中心")
NAMED_BODY_MIDDLE_MAX = 12
# Verbs and words that end a clause between a place and a body word (沈阳市|大力发展|…联盟).
CLAUSE_WORDS = re.compile("发展|建设|成立|组建|加入|推动|支持|打造|举办|召开|牵头|共建|设立|推进|引进|培育|依托|签约|签署|创办"
                          "|合作|携手|参与|担任|受聘|出任|新建|创建|建立|组织|成为|作为|联合(?!实验室|研究|体|会)"
                          "|申报|获批|入选|认定|授予|坚持|始终|持续|继续|不断|积极|全力|致力|努力|进一步|[一二三四五六七八九十两几数多]+[个家所项批支座]|这家|该|首个|首家|旗下|下属|所属|以及")
# A generic word before a name: the name starts after it (新加坡企业|汇通供应链集团).
KIND_WORDS = ("企业", "公司", "单位", "机构", "高校", "院校", "品牌")
QUOTED_NAME = re.compile(r"[“\"「『]([^“”\"「」『』，。；：！？、\n]{4,30})[”\"」』]")

_HEAD_LAST_CHARS = frozenset(h[-1] for h in NAMED_BODY_HEADS)


def _body_head(name: str) -> str | None:
    """The named-body head word `name` ends with (the longest), if any."""
    if not name or name[-1] not in _HEAD_LAST_CHARS:
        return None  # the common case, checked cheaply: this runs for every character after a name
    return next((head for head in NAMED_BODY_HEADS if name.endswith(head)), None)


def _starts_with_place(name: str) -> bool:
    """`name` starts with a province or city, bare or in full (杭州国际博览…, 广东省…)."""
    for cut in (4, 3, 2):
        head = name[:cut]
        full = full_place_name(head)
        if len(name) > cut and (full != head or head in provinces()) and loc_subtype(full) in ("province", "city"):
            return True
    return False


def named_body_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """Names of labs, consortia, alliances and groups that the model tagged in pieces or
    not at all: a quoted name ending in such a word (“哈工大—北方智造机器人联合研究中心”);
    a place or organisation followed, within one clause, by more name and such a word
    (辽宁省|机器人产业创新|联盟); two organisations joined by a dash into a joint body
    (东北大学—北辰钢铁智能冶金联合实验室). A board of the body after it (理事会) is not part
    of its name; mentions inside the new name give way to it."""
    text = analysis.text
    found: list[tuple[int, int, int]] = []  # (start, end, sentence)
    for index, sentence in enumerate(analysis.sentences):
        for match in QUOTED_NAME.finditer(text, sentence.start, sentence.end):
            name = match.group(1)
            if _body_head(name) and not is_generic_org(name) and not CLAUSE_WORDS.search(name.split("—")[-1]):
                found.append((match.start(1), match.end(1), index))
    person_starts = {m.start + 1 for m in mentions if m.label == PERSON}  # a name ends the body's
    for m in mentions:
        # a foreign-looking "person" before more name and 公司 is the company's name (克劳森|自动化公司)
        company_only = m.label == PERSON
        if company_only and (_chinese_name_start(m.text) or "·" in m.text):
            continue
        sentence_end = analysis.sentences[m.sentence].end
        start, j = m.start, m.end
        joined = False
        if m.label == ORG and j < sentence_end and text[j] in "—–-－" and j + 1 < sentence_end:
            j += 1  # 东北大学—北辰钢铁…联合实验室
            joined = True
        best, head = None, None
        limit = min(sentence_end, j + NAMED_BODY_MIDDLE_MAX + len(NAMED_BODY_HEADS[0]))
        for end in range(j + 1, limit + 1):
            ch = text[end - 1]
            if ch in ZONE_NAME_BREAKS or ch.isdigit() or ch.isspace() or ch == "\ufffd" or end in person_starts:
                break
            tail = text[j:end]
            tail_head = _body_head(tail)
            if not tail_head or (joined and not tail.endswith(JOINT_HEADS)):
                continue
            best, head = end, tail_head
            if any(text.startswith(b, end) for b in SUB_BODIES):
                break  # …创新联合体|理事会
        if best is None:
            continue
        middle = text[j:best]
        name_part = middle[: len(middle) - len(head)]  # between the anchor and the head word
        if not (0 if head in VENUE_HEADS else 2 if head == "中心" else 1) <= len(name_part) <= NAMED_BODY_MIDDLE_MAX:
            continue  # (邢台市|中心, 路易港|市中心: the middle of a town)
        if head == "中心" and ("某" in name_part or name_part.endswith(tuple("市县区镇乡村城"))
                              or text.startswith(CENTRE_CONTINUES, best)):
            continue  # 武汉某大型购物中心; 邢台市中心 (downtown); 那莫乡中心|小学: another body's name goes on
        if company_only and (head not in COMPANY_HEADS or len(name_part) > 4):
            continue
        if CLAUSE_WORDS.search(middle if joined else name_part) or _any_title_regex().search(name_part):
            continue
        if middle.startswith("等") and middle[1:2] not in ETC_AFTER or ACTING_VERBS.search(middle):
            continue  # 易方达|等基金公司: "and other fund companies"; 北京|会见美国维萨公司: a clause
        if CLAUSE_WORDS.fullmatch(m.text[-2:]):
            continue  # 沈阳共建|技术转移中心: the "name" before ends with the verb
        kind = max((name_part.rfind(w) + len(w) for w in KIND_WORDS if w in name_part), default=-1)
        inner_place = max((n.start for n in mentions if n.label == LOC and j <= n.start < best - len(head)
                           and loc_subtype(full_place_name(n.text)) in ("province", "city")), default=None)
        if m.label == LOC and head in ("中心", *VENUE_HEADS) and (inner_place is not None or _starts_with_place(name_part)):
            start = inner_place if inner_place is not None else j  # 钱江世纪城|杭州国际博览中心: a city starts the venue's name
        elif kind >= 0:
            start = j + kind  # 新加坡企业|汇通供应链集团
            if best - start - len(head) < 2:
                continue
        found.append((start, best, m.sentence))
    if not found:
        return mentions
    found = sorted(set(found), key=lambda f: (f[0], -(f[1] - f[0])))
    kept_spans: list[tuple[int, int, int]] = []
    for f in found:  # longest first at each start; no two new names overlap
        if not any(k[0] < f[1] and f[0] < k[1] for k in kept_spans):
            kept_spans.append(f)

    def gives_way(m: DocMention, s: int, e: int) -> bool:
        inside = s <= m.start and m.end <= e and (m.start, m.end) != (s, e)
        runs_past = s < m.end and m.start < e and m.end > e and m.label == ORG  # 联合体|理事会 from inside
        return inside or runs_past

    out = [m for m in mentions if not any(gives_way(m, s, e) for s, e, _ in kept_spans)]
    taken = {(m.start, m.end) for m in out}
    out.extend(DocMention(s, e, text[s:e], ORG, i) for s, e, i in kept_spans if (s, e) not in taken)
    return sorted(out, key=lambda d: (d.start, d.end))


# A registered name with a place in brackets before its legal form (恒力石化（大连）有限公司,
# 西门子（中国）有限公司) is one company; the bracketed place is part of the name, no place
# mentioned, and the legal form after it is no company of its own.
REGISTERED_PLACE = re.compile(r"（([\u4e00-\u9fff]{2,8})）")
REGISTERED_TAIL_ENDS = ("公司", "集团", "厂")
REGISTERED_NAME_MAX = 12  # characters of the distinctive name before the bracket
REGISTERED_NAME_BREAKS = ZONE_NAME_BREAKS | set("由跟让据同")
# Words after which the company's name begins (记者走进|甲乙（苏州）有限公司): visits and moves.
REGISTERED_NAME_AFTER = re.compile("走进|来到|前往|深入|走访|参观|考察|调研|视察|莅临|到访|拜访|访问|抵达|进驻|入驻|落户|"
                                   "牵手|记者|通讯员")


def _registered_name_start(analysis: DocAnalysis, mentions: list[DocMention], at: int, tail: str) -> int | None:
    """Where the distinctive name ending at `at` (the opening bracket) starts: a tagged name
    ending there, else the characters back to a break, a person, a clause word or a kind word
    (入驻企业|甲乙（杭州）有限公司)."""
    text = analysis.text
    lo = analysis.sentences[_sentence_at(analysis, at)].start
    tagged = next((m for m in mentions if m.end == at and m.label in (ORG, PERSON) and m.start >= lo), None)
    if tagged is not None and not is_generic_org(tagged.text):
        return tagged.start
    i = at
    while i > lo and at - i < REGISTERED_NAME_MAX and text[i - 1].isalnum():
        if text[i - 1] in REGISTERED_NAME_BREAKS and not (function_char_in_name(text, i - 1)
                                                         and is_kind_only(text[i:at] + tail)):
            break  # …but 华为|技术（大连）有限公司: a kind word alone is no name
        i -= 1
    cut = max((m.end for m in mentions if m.label == PERSON and i < m.end <= at), default=i)
    scanned = text[i:at]
    cut = max([cut] + [i + w.end() for words in (CLAUSE_WORDS, REGISTERED_NAME_AFTER, _any_title_regex())
                       for w in words.finditer(scanned)]
              + [text.rfind(v, i, at) + len(v) for v in REPORTING_VERBS + KIND_WORDS if text.rfind(v, i, at) >= 0])
    word = next((w for w in LEADING_FUNCTION_WORDS if text.startswith(w, cut) and at - cut - len(w) >= 2), "")
    cut += len(word)
    if at - cut < 2 or is_kind_only(text[cut:at] + tail):
        return None
    return cut


def registered_name_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """X（place）有限公司 as one organisation, whatever pieces of it the model tagged (大连）有限公司,
    恒力石化 + 大连); with no distinctive name before the bracket, the pieces are dropped."""
    text = analysis.text
    spans: list[tuple[int, int, int | None]] = []  # (bracket, end, name start or None)
    for match in REGISTERED_PLACE.finditer(text):
        if not _known_place(match.group(1)):
            continue
        close = match.end()
        ends = [k for k in range(close + 2, min(len(text), close + 12) + 1)
                if text.endswith(REGISTERED_TAIL_ENDS, close, k) and is_kind_only(text[close:k])]
        if not ends or _sentence_of(analysis, match.start(), max(ends)) is None:
            continue
        end = max(ends)
        spans.append((match.start(), end, _registered_name_start(analysis, mentions, match.start(), text[close:end])))
    if not spans:
        return mentions
    out = list(mentions)
    for bracket, end, start in spans:
        lo = bracket if start is None else start
        out = [m for m in out if not (m.start < end and lo < m.end)]
        if start is not None:
            out.append(DocMention(start, end, text[start:end], ORG, _sentence_at(analysis, start)))
    return sorted(out, key=lambda d: (d.start, d.end))


SOURCE_LINE = re.compile(r"(?:来源|稿源|转自|来自)\s*[：:]\s*([\u4e00-\u9fffA-Za-z]{2,12}?(?:日报|晚报|早报|时报|周报|报|杂志|电视台|广播电台"
                         r"|通讯社|新闻网|网|客户端)|新华社|中新社|央视新闻|人民网|新华网)(?![\u4e00-\u9fff])"
                         # the outlet's bracketed dateline: 【深圳商报讯】, [中国江苏网讯]
                         r"|[【\[〔]\s*([\u4e00-\u9fff]{2,10}?(?:日报|晚报|早报|时报|商报|报|新闻网|网|电视台))讯\s*[】\]〕]"
                         # …and at a paragraph's start: 中国江苏网讯 6月30日
                         r"|(?m:^)(?:本报讯)?([\u4e00-\u9fff]{2,10}?(?:日报|晚报|早报|时报|商报|新闻网|网|电视台))讯")


SECOND_OUTLET = re.compile(r"\s*[/／、]\s*([\u4e00-\u9fff]{2,10}?(?:新闻|日报|晚报|早报|报|新闻网|网|客户端|电视台))"
                           r"(?=记者|通讯员|编辑|摄影|\s|$|[，。；）)])")


def source_line_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """The outlet on a web page's source line (来源：辽宁日报) is a media organisation, even
    where the model read only the place in its name."""
    found = []
    for match in SOURCE_LINE.finditer(analysis.text):
        group = next(g for g in (1, 2, 3) if match.group(g))
        start, end = match.span(group)
        sentence = _sentence_at(analysis, start)
        if sentence is not None:
            found.append(DocMention(start, end, match.group(group), ORG, sentence))
            also = SECOND_OUTLET.match(analysis.text, end)  # 来源：南京日报/紫金山新闻记者杨凡
            if also is not None:
                found.append(DocMention(also.start(1), also.end(1), also.group(1), ORG, sentence))
    if not found:
        return mentions
    out = [m for m in mentions if not any(f.start < m.end and m.start < f.end for f in found)]
    return sorted(out + found, key=lambda d: (d.start, d.end))


STORM_WORDS = ("超强台风", "强台风", "台风", "飓风", "强热带风暴", "热带风暴", "热带低压", "气旋")


def _beside_storm_word(text: str, start: int, end: int) -> bool:
    """台风杜苏芮, 台风“杜苏芮”, “卡努”台风: a storm word right before or after, quotes allowed."""
    before = start - 1 if start and text[start - 1] in "“\"「『" else start
    after = end + 1 if text[end:end + 1] in "”\"」』" else end
    return text.endswith(STORM_WORDS, 0, start) or text.endswith(STORM_WORDS, 0, before) \
        or text.startswith(STORM_WORDS, end) or text.startswith(STORM_WORDS, after)


def not_people_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """Names the model reads as people that the document shows are none: a storm's name
    (台风杜苏芮, 飓风伊恩), here and wherever else the document writes it alone (杜苏芮带来强降雨);
    a country's side in talks (圭方 in an article about 圭亚那)."""
    text = analysis.text
    storms = {m.text for m in mentions if m.label == PERSON and _beside_storm_word(text, m.start, m.end)}
    initials = {m.text[0] for m in mentions if m.label == LOC and len(m.text) >= 2 and loc_subtype(m.text) == "country"}

    def is_side(name: str) -> bool:
        return len(name) == 2 and name[1] == "方" and name[0] in initials

    return [m for m in mentions if not (m.label == PERSON and (m.text in storms or is_side(m.text)))]


PROPAGATE_MIN_CHARS = {ORG: 4, LOC: 3, PERSON: 2}  # shorter names occur inside other words too often
_CLAUSE_START = "，,。；;：:、！!？?“（(\n"


def consistent_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """One name, one reading within a document: a mention cut short where the text goes on
    as a longer name found elsewhere in the document becomes that name (郑国|强调研 ->
    郑国强, 辽宁省机器 -> 辽宁省机器人产业创新联盟), and organisation and place names found
    once are found again where the model left them untagged."""
    text = analysis.text
    short_names = set()
    for m in mentions:
        # a company named in full goes by the head of its distinctive part later on
        # (北方智造机器人股份有限公司 ... 北方智造董事长): that short name is a name too
        if m.label == ORG and len(m.text) >= 6 and org_subtype(m.text) == "company":
            core = company_core(m.text)
            if 4 <= len(core) <= 5:
                short_names.add(core)  # 上海浦芯半导体有限公司 -> 浦芯半导体
            elif len(core) > 5:
                short_names.add(core[:4])  # 北方智造机器人股份有限公司 -> 北方智造
        if m.label == ORG and m.text.endswith(("大学", "集团")) and len(m.text) >= 6:
            short_names.add(m.text[:-2])  # 大连理工大学 -> 大连理工
    known = sorted({(m.text, m.label) for m in mentions if len(m.text) >= 2} | {(n, ORG) for n in short_names}
                   | {(n, PERSON) for n in _names_cut_short(text, mentions)},
                   key=lambda n: (-len(n[0]), n))
    extended = []
    for m in mentions:
        for name, label in known:
            if len(name) > len(m.text) and name.startswith(m.text) and text.startswith(name, m.start):
                if analysis.sentences[m.sentence].end >= m.start + len(name):
                    m = DocMention(m.start, m.start + len(name), name, label, m.sentence)
                    break
        extended.append(m)
    extended.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DocMention] = []
    for m in extended:  # a mention inside an extended one is part of it
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    covered = bytearray(len(text))
    for m in kept:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    found = sorted({(m.text, m.label) for m in kept} | {(short, ORG) for short in short_names},
                   key=lambda n: (-len(n[0]), n))
    # a city or county named in full (河源市) is named bare too (带队赴河源): the bare form,
    # where it stands alone between a motion or list word and a break, is that place
    for m in kept:
        bare = bare_place_name(m.text)
        if m.label == LOC and bare != m.text and m.text.endswith(("市", "县")) and full_place_name(bare) == m.text:
            start = text.find(bare)
            while start >= 0:
                end = start + len(bare)
                if not any(covered[start:end]) and _stands_alone(text, start, end):
                    sentence = _sentence_of(analysis, start, end)
                    if sentence is not None:
                        kept.append(DocMention(start, end, bare, LOC, sentence))
                        covered[start:end] = b"\x01" * len(bare)
                start = text.find(bare, end)
    for name, label in found:
        if len(name) < PROPAGATE_MIN_CHARS.get(label, 10**6):
            continue
        if name not in short_names and any(len(other) > len(name) and other.startswith(name) for other, _ in found):
            continue  # 北辰钢铁 beside 北辰钢铁集团: its other occurrences may be cut-off pieces
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            # a two-character person's name (凌云, 王伟) is a word too: found again only where
            # a clause starts with it (…。凌云实地考察了…)
            alone = label != PERSON or len(name) > 2 or start == 0 or text[start - 1] in _CLAUSE_START
            if alone and not any(covered[start:end]):
                sentence = _sentence_of(analysis, start, end)
                if sentence is not None:
                    kept.append(DocMention(start, end, name, label, sentence))
                    covered[start:end] = b"\x01" * len(name)
            start = text.find(name, end)
    return sorted(kept, key=lambda d: (d.start, d.end))


# characters that follow a name as words of their own (张明说, 张明等, 张明在), never as the
# last character of a three-character name cut short
_AFTER_NAME_WORDS = set("说等的和与及在是也就还又对为向从被把将让给同跟并称讲表指强主先女")


def _names_cut_short(text: str, mentions: list[DocMention]) -> set[str]:
    """Three-character person names the model read as two (丁红|都书记, 蔡战|胜。): a
    two-character PERSON (one-character surname) that the document writes at least twice and
    every time with the same next character, one that is no word after a name and starts no
    title, is that longer name. A real two-character name is followed by different words."""
    out = set()
    for name in {m.text for m in mentions if m.label == PERSON and len(m.text) == 2 and m.text[0] in surnames()}:
        nexts, start = [], text.find(name)
        while start >= 0:
            end = start + len(name)
            nexts.append((text[end] if end < len(text) else "", end))
            start = text.find(name, end)
        chars = {c for c, _ in nexts}
        if len(nexts) < 2 or len(chars) != 1:
            continue
        c = chars.pop()
        if not "\u4e00" <= c <= "\u9fff" or c in _AFTER_NAME_WORDS or any(
                _any_title_regex().match(text, end) or text.startswith(SPLIT_VERBS, end) for _, end in nexts):
            continue  # 丁红|都书记 is one name; 蔡奇|出席 a name and its verb
        out.add(name + c)
    return out


_BARE_PLACE_BEFORE = "在赴到至于从往、和与及同"
_BARE_PLACE_AFTER = "，,。、；;：:！!？?）)”和与及"


def _stands_alone(text: str, start: int, end: int) -> bool:
    """A bare place name with a motion, place or list word before it and a break or list word
    after it (赴河源，; 在合肥、芜湖): not the head of another word (河源路, 中山大学)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else "。"
    return bool(before) and before in _BARE_PLACE_BEFORE and after in _BARE_PLACE_AFTER


def party_group_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """吉林省工商联党组|书记: the title is 党组书记 and the organisation the body itself."""
    out = []
    for m in mentions:
        group = next((g for g in PARTY_GROUPS if m.label == ORG and m.text.endswith(g) and len(m.text) - len(g) >= 2), None)
        if group and analysis.text.startswith(("书记", "副书记", "成员"), m.end):
            m = DocMention(m.start, m.end - len(group), m.text[: -len(group)], ORG, m.sentence)
        out.append(m)
    return out
