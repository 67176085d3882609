"""Typed relations read from explicit triggers in one sentence: who visited, met, signed
with, invested in and acquired whom.

    visits          PERSON -> unit or place   调研 考察 视察 走访 参观 莅临 来访 前往 赴 来到 …
    meets           PERSON <-> PERSON         会见 会谈 会晤 座谈 拜会 看望 接待; 与 X 交流
    cooperates_with unit <-> unit             与 X 签约 / 签署…协议 / 战略合作; A、B 联合成立 / 共建
    invests_in      ORG -> place or zone      落户 X, 在 X 投资 / 设立 / 建设; ORG -> ORG: 入股 注资 增资
    acquires        ORG -> ORG                收购 并购 兼并 控股 重组 (B 被 A 收购; A 完成对 B 的收购)

The rules work over the entity spans of a sentence cut into clauses (at ，；： and the like):
the subject comes before the trigger and the object after it; 与/和/同 join the two sides of
a pair; 在/到/赴 + a place before a visit's trigger is where the visit went; a delegation
(一行, 带队, 率队, 带领) is its named leader, and people who accompany (陪同) are no visitors.
A clause without a subject of its own continues the sentence's last one (…一行来到甲，考察了乙).
Each event gets a modality: planned (拟, 将, 计划, 即将 …), negated (未, 没有, 不, 取消 …) or
done. Hopes and invitations (希望, 期待, 欢迎 …), talks *about* cooperation (深化/加强 合作,
就…合作) and co-organising (联合主办, 共同为…揭牌) give nothing: they are no claim of an event.

`extract_events` is the whole rule set over one document's sentences and resolved mentions
(no model, no graph); `document_events` adapts kg's per-document facts and resolution to it;
`add_event_edges` puts the events on the graph's edges for every export.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import combinations

from .entities import org_subtype

VISITS, MEETS, COOPERATES_WITH, INVESTS_IN, ACQUIRES = "visits", "meets", "cooperates_with", "invests_in", "acquires"
EVENT_TYPES = (VISITS, MEETS, COOPERATES_WITH, INVESTS_IN, ACQUIRES)
SYMMETRIC = frozenset((MEETS, COOPERATES_WITH))
DONE, PLANNED, NEGATED = "done", "planned", "negated"
PERSON, ORG, LOC = "PERSON", "ORG", "LOC"


@dataclass(slots=True, frozen=True)  # hashable: mentions are collected in dicts
class EventMention:
    """A resolved entity mention: offsets into its sentence's text."""

    sentence: int
    start: int
    end: int
    entity: str  # entity id (graph node)
    type: str  # PERSON / ORG / LOC
    name: str = ""  # canonical name


@dataclass
class Event:
    head: str  # entity id
    type: str
    tail: str  # entity id
    modality: str  # done / planned / negated
    trigger: str
    document: str
    sentence: str
    date: str = ""  # ISO (YYYY-MM-DD; XXXX-MM-DD when the year is unknown), "" when no date is known
    head_name: str = ""
    tail_name: str = ""
    trigger_start: int = -1  # offset of the trigger in `sentence`

    def as_dict(self) -> dict:
        return asdict(self)


# ---- word lists ---------------------------------------------------------------------------

# Trigger -> what it can start. One word may start several kinds (拜访 a person is a meeting,
# a unit a visit; 签约 joins a pair or a list).
_VISIT_OBJ = ("调研", "考察", "视察", "走访", "参观", "察看", "莅临", "来访", "到访", "拜访", "拜会", "前往", "来到",
              "走进", "赴", "深入", "探访", "访问", "出访")
_VISIT_PRE = ("检查指导", "检查工作", "指导工作", "督导", "督查")  # only with 到/在 + the unit before them (到甲检查指导)
_MOVES = frozenset(("莅临", "来访", "到访", "前往", "来到", "走进", "赴", "深入"))  # the place follows at once
_MEET_OBJ = ("会见", "接见", "会晤", "拜会", "拜访", "看望", "接待", "宴请", "慰问", "探望")
_MEET_PAIR = ("会见", "会谈", "会晤", "座谈", "交流", "交谈", "会面", "见面", "面谈", "对话")
_COOP_PAIR = ("签约", "签署", "签订", "签定", "合作", "共建", "结对", "缔结", "结为", "合资")
_COOP_LIST = ("签约", "签署", "签订", "签定", "合作共建", "共建", "挂牌成立", "联合成立", "共同成立", "联合组建", "共同组建",
              "联合设立", "共同设立", "联合创建", "共同创建", "联合共建", "共同建设", "联合建设", "共同打造", "联合打造",
              "联合挂牌", "共同发起成立", "联合发起成立")
_INVEST_SETTLE = ("落户", "落地", "入驻", "扎根", "签约落户")  # + the place
_INVEST_AT = ("投资", "投建", "兴建", "新建", "建设", "设立", "布局", "建立", "开设", "设厂", "建厂")  # 在 + the place
_INVEST_ORG = ("入股", "注资", "增资", "参股")  # + the company
_ACQUIRE = ("收购", "并购", "兼并", "控股", "重组", "吸收合并")

_KINDS: dict[str, set[str]] = {}
for _kind, _words in (("visit", _VISIT_OBJ), ("visit_pre", _VISIT_PRE), ("meet_obj", _MEET_OBJ),
                      ("meet_pair", _MEET_PAIR), ("coop_pair", _COOP_PAIR), ("coop_list", _COOP_LIST),
                      ("settle", _INVEST_SETTLE), ("invest_at", _INVEST_AT), ("invest_org", _INVEST_ORG),
                      ("acquire", _ACQUIRE)):
    for _w in _words:
        _KINDS.setdefault(_w, set()).add(_kind)
TRIGGERS = re.compile("|".join(sorted(map(re.escape, _KINDS), key=len, reverse=True)))

# A trigger word that is part of another word: 调研员 (a rank), 考察团, 投资者, 合作社, 控股股东 …
_NOT_AFTER = {
    "调研": "员组团报告课题成果", "考察": "团组报告", "视察": "员组", "参观": "者券", "交流": "会电", "合作": "社区方",
    "投资": "人者额方商公集基机环促热兴总规协", "建设": "局厅部者银", "控股": "股子公集有权的", "重组": "方",
    "对话": "框", "访问": "团学量者", "深入": "推开贯学实", "赴": "任", "设立": "的", "会谈": "纪", "座谈": "会", "接待": "室处员",
    "指导": "员组意思下", "慰问": "金品信电", "看望": "的", "督导": "员组", "督查": "员组室", "检查": "员组",
}
_NOT_BEFORE = {  # …and words that make it no event: 全力以赴, 总投资, 经济建设
    "赴": ("以",), "投资": ("总", "累计", "招商", "固定资产"), "建设": ("工程", "经济", "乡村", "基础", "新型", "城市", "生态", "重点"),
}
_PRESENT = re.compile(r"时?(?:在座|在场)")
_ATTENDING = ("陪同", "参加", "出席", "列席", "接受", "迎接", "配合")  # 陪同调研, 参加会见: no visitor, no host
_PEOPLE_KINDS = frozenset(("visit", "visit_pre", "meet_obj", "meet_pair"))

_CLAUSE = re.compile(r"[，,；;：:。！？!?]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_NEGATION = re.compile(r"未(?!来|经|知)|没有|没能|尚未|并未|从未|不(?!断|仅|少|久|同|足|但|止|只|过|乏|错|论|管|凡|一|得不|远)"
                       r"|否认|拒绝|终止|取消|放弃|叫停|暂停|撤回|撤销|中止")
_PLANNED = re.compile(r"拟|(?<![上中少大])将(?!其|之|近|军|领|士)|计划|准备|预计|即将|有望|打算|筹划|筹备|未来|下一步|届时"
                      r"|试图|尝试|谋求|力争|争取|欲|有意|意图|商讨|洽谈|磋商|谈判|接洽")
# after the trigger, in the same clause: 收购乙的传言遭否认, 收购乙失实
_DENIED_AFTER = re.compile(r"否认|失实|不实|辟谣|子虚乌有")
_RUMOUR_AFTER = re.compile(r"传言|传闻|谣传|猜测|事宜|可行性")  # (…落户甲事宜: still being discussed)
_HOPE = re.compile(r"应(?=与|同|和|当|该)|必须|务必|希望|期待|期望|期盼|盼望|愿意|愿与|愿同|愿|欢迎|诚邀|寄望|呼吁|建议|倡议|如果|若能|能否")
# 合作 as a topic of talks or a wish, not a fact: 深化合作, 就…合作进行交流, 合作空间
_VAGUE_COOP = re.compile(r"深化|加强|拓展|推进|扩大|促进|推动|寻求|探讨|洽谈|商谈|谋划|对接|研究|讨论|交流|密切|增进|深入|继续|"
                         r"持续|进一步|就|围绕|可以|潜力|空间|机遇")
_VAGUE_AFTER = re.compile(r"(?:事宜|意向|机会|空间|前景|潜力|可能|领域|需求|情况|交流|基础|历史|传统|紧密|密切|关系密切)")
_PEOPLE_OF = re.compile(r"(?:的)?(?:专家|学者|人士|科学家|友人|朋友|同行|青年|学生|艺术家|代表团|企业家|客商)")
_ENVOY = re.compile(r"特使|使者|代表|夫人|妻子|丈夫|儿子|女儿|家属|亲属|家人|秘书|助手|顾问|父亲|母亲|随员|部下")
_CAUSER = re.compile(r"(?:为|替|让|请|派|派出|使|叫|由|组织|安排)$")
_TOGETHER = re.compile(r"一同|一起|一道|共同|均|都|陪同")
_JOINS_IN = re.compile(r"参与|参加|加入|作为")
_INTENT = re.compile(r"加大|扩大|加快|鼓励|吸引|引导|支持|推介|力度")
_AGREEMENT = re.compile(r"协议|合同|备忘录|协定|意向书|框架|合作书|契约|公约|条约|联合声明")
# the first words after a visited place or unit that make it part of something else: a show
# (参观甲高新区成果展), a facility in it (考察甲园区, 走访甲中心), or its people (拜访甲市委领导)
_VISIT_TAIL_OF = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:园区|产业园|基地|中心|馆|厂区|工厂|车间|项目|现场|实验室|研究院"
                            r"|厅|堂|大厦|宾馆|饭店|酒店|广场|市场|码头|车站)"
                            r"(?=$|[、和及与，,；;。时内里中后前的了]|[^\u4e00-\u9fff]|" + TRIGGERS.pattern + ")")
# an organisation's name that the text goes on with (the model tagged only its start)
_NAME_GOES_ON = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:中心|公司|集团|研究院|研究所|大学|学院|协会|联盟|银行|委员会)"
                           r"(?=$|[（(、和及与，,；;。]|[^\u4e00-\u9fff])")
_EXHIBIT = re.compile(r"[^、，和及与]{0,12}?(?:展示|展览|成果展|展会|展厅|展馆|博览会|陈列|展区|展(?=$|[、，,；;。和及与]))")
# what may stand between a visit's trigger and what was visited: 考察了, 调研指导, 走访了位于…的
_VISIT_GAP = re.compile(r"(?:了|过)?(?:指导|调研|考察|参观|走访|慰问|视察|察看|了解|检查)?(?:了)?(?:位于|坐落于|当地的?)?"
                        r"(?:[\u4e00-\u9fff]{0,4}?(?:企业|公司|单位|机构|工厂|高校|院校|医院|学校))?")  # 走访了港资企业甲
# a unit that only says whose the next one is: 中心入驻企业乙, 集团旗下的乙, 园区龙头企业乙
_WHOSE = re.compile(r"(?:的)?(?:入驻|下属|旗下|所属|属下|重点|龙头|骨干|合作)?(?:的)?(?:企业|公司|单位|工厂|项目)")
_LOCATIVE = re.compile(r"(?:在|到|赴|来到|前往|深入|走进|莅临|来|去|于|抵达)$")
# after the leader's name, maybe with a title between: 王某董事长一行, 张某带队, 李某（右二）率…
_LEADER = re.compile(r"(?:[（(][^）)]{0,8}[）)])?[\u4e00-\u9fff]{0,5}?(?:等|同志|的)?(?:一行|带队|率队|率团|领队|带领|率领|牵头|为团长|率(?!先))")
_ESCORTED = re.compile(r"在([^，,；;。]*?)(?:的)?陪同下")
_CONTINUES = re.compile(r"\s*(?:随后|之后|此后|接着|其间|期间|同时|当天|当日|下午|上午|晚上|还|又|并|也|他|她|[，,])*\s*"
                       r"(?:" + "|".join(sorted(_KINDS, key=len, reverse=True)) + ")")
_PREPOSITION = re.compile(r"(?:在|到|赴|来到|前往|深入|走进|莅临|来|去|于|抵达|对|与|同|和|跟|从|自|向|经|由|为|给|把|将|、|及)$")
_SPEECH = re.compile(r"(?:说|表示|指出|强调|认为|介绍|透露|称|宣布|要求|提出|坦言|回忆|说道|谈到)$")
_ON_BEHALF = re.compile(r"[^，,。；;]{0,4}?(?:的)?(?:邀请|委派|委托|之邀|派遣|指派)")
_BYLINE = re.compile(r"(?:记者|通讯员|摄影|编辑|撰稿|作者|文/|图/)[^，,。；;]{0,8}$")
_DELEGATIONS = ("代表团", "考察团", "访问团", "调研组", "调研团", "工作组", "督导组", "检查组", "团组")
_UNNAMED_GROUP = re.compile("|".join(_DELEGATIONS + ("客商", "企业家", "专家")))
_LEADS_GROUP = re.compile(r"[\u4e00-\u9fff]{0,3}?(?:率团|率队|带队|任团长|为团长|担任团长)")
_VERB_IN_NAME = re.compile(r"调研|考察|视察|走访|会见|会谈|座谈|参观")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_UNIT_JOIN = re.compile(r"\s*(?:、|和|及|以及|与|同)\s*")
_UNIT_JOIN_NO_PAIR = re.compile(r"\s*(?:、|和|及|以及)\s*")
_PERSON_JOIN = re.compile(r"\s*(?:、|和|及|以及|与|同)[^、，,]{0,16}")  # + the next one's title
# 与/同/和 as "with", not inside 参与, 与会, 同时, 共同, 合同, 和平 …; 和 also joins lists: tried second
_PAIR_WORDS = (re.compile(r"(?<!参)与(?!会)|(?<![共相不协合赞认])同(?!时|志|意|比|期|样|步|行|等|类|盟|学|事|胞)|跟"),
               re.compile(r"和(?!平|谐|睦|美)"))
_LEFT_GAP_PEOPLE = re.compile(r"\s*(?:等|一行|等人)?\s*")
_LEFT_GAP_UNITS = re.compile(r"\s*(?:等|双方|分别|正式|已|今天|近日|日前)*\s*")
_LIST_GAP = re.compile(r"\s*(?:[两三四五六多](?:区|市|县|地|省|家|方|校|所|院|单位)|双方|三方|四方|各方)?(?:共同|联合|携手|正式|已|分别|成功)*\s*")


# ---- helpers over one clause --------------------------------------------------------------

@dataclass(slots=True)
class _Clause:
    text: str  # the whole sentence
    lo: int  # clause bounds in the sentence
    hi: int
    mentions: list[EventMention]  # in the clause, by position


@lru_cache(maxsize=1)
def _people_words() -> re.Pattern:
    """A title or a word for people (领导, 负责人) at the start of the text after a unit."""
    from .entities import titles

    words = sorted(set(titles()) | {"领导", "负责人", "代表", "人士", "干部", "员工", "职工", "专家", "团队", "班子"},
                   key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _is_unit(m: EventMention) -> bool:
    return m.type in (ORG, LOC)


def _is_person(m: EventMention) -> bool:
    return m.type == PERSON


def _is_org(m: EventMention) -> bool:
    return m.type == ORG


def _is_place(m: EventMention) -> bool:
    return m.type == LOC


def _run_after(c: _Clause, pos: int, ok, first_gap: int, join: re.Pattern, skip_others: bool = False,
               limit: int | None = None, stop_at: str = "") -> list[EventMention]:
    """The mentions `ok` accepts from within `first_gap` characters after `pos`, and those
    joined to them by `join` (a list: 甲、乙和丙). `skip_others`: mentions of other kinds
    may stand between (the organisation in a title: 会见了甲公司董事长张三、李四)."""
    limit = c.hi if limit is None else limit
    run: list[EventMention] = []
    cursor = pos
    for m in c.mentions:
        if m.start < cursor or m.end > limit:
            continue
        if not ok(m):
            if skip_others:
                continue
            break
        gap = c.text[cursor:m.start]
        if not run:
            if len(gap) > first_gap:
                break
        elif not (join.fullmatch(gap) or (skip_others and _PERSON_JOIN.fullmatch(gap))
                  or (not gap and m.type == LOC and run[-1].type == LOC)):  # a chain: 大庆市|萨尔图区
            break
        elif stop_at and c.text.startswith(stop_at, m.end):
            break  # 甲兼并乙、丙兼并丁: 丙 is the next one's subject
        run.append(m)
        cursor = m.end
    return run


def _run_before(c: _Clause, pos: int, ok, last_gap: re.Pattern, join: re.Pattern) -> list[EventMention]:
    """The mentions `ok` accepts that end just before `pos` (the gap matched by `last_gap`)
    and those joined to them before it, in text order."""
    run: list[EventMention] = []
    cursor = pos
    for m in reversed(c.mentions):
        if m.end > cursor:
            continue
        if not ok(m):
            break
        gap = c.text[m.end:cursor]
        if not (last_gap if not run else join).fullmatch(gap):
            break
        run.append(m)
        cursor = m.start
    return run[::-1]


def _escorts(c: _Clause) -> set[int]:
    """Start offsets of the people in the clause who accompany: 在甲陪同下, 甲陪同乙调研, 甲、乙陪同."""
    found = set()
    masked = c.text
    for match in _ESCORTED.finditer(c.text, c.lo, c.hi):
        found.update(m.start for m in c.mentions if match.start() <= m.start < match.end() and m.type == PERSON)
        masked = masked[: match.start()] + "＿" * (match.end() - match.start()) + masked[match.end():]
    for m in c.mentions:
        if m.type != PERSON or m.start in found:
            continue
        stop = c.hi  # up to the trigger this person does (陪同调研 is not one)
        for t in TRIGGERS.finditer(masked, m.end, c.hi):
            if not masked[: t.start()].endswith("陪同"):
                stop = t.start()
                break
        if "陪同" in masked[m.end:stop]:
            found.add(m.start)
    return found


def _reporter(c: _Clause, m: EventMention) -> bool:
    """A byline's people (（记者甲 乙）, 通讯员丙) and names in brackets report or annotate,
    they do not act."""
    before = c.text[max(c.lo, m.start - 12):m.start]
    return bool(_BYLINE.search(before)) or before.count("（") + before.count("(") > before.count("）") + before.count(")")


def _subject(c: _Clause, pos: int, escorts: set[int]) -> list[EventMention]:
    """The people who do what the trigger at `pos` says: a delegation's leader, else the
    nearest run of people before it (甲、乙到丙调研), escorts and reporters left out."""
    people = [m for m in c.mentions if m.type == PERSON and m.end <= pos and m.start not in escorts
              and not _reporter(c, m) and not _ON_BEHALF.match(c.text, m.end)]  # (应甲邀请, 受甲委派)
    for m in people:
        if _LEADER.match(c.text, m.end):
            return [m]
    if not people:
        return []
    run = [people[-1]]
    for m in reversed(people[:-1]):
        if _PERSON_JOIN.fullmatch(c.text[m.end:run[0].start]):
            run.insert(0, m)
        else:
            break
    return run


def _own_unit_subject(c: _Clause, pos: int) -> bool:
    """Whether the clause has a unit of its own before `pos` that is no place or partner
    (乐团出访甲: the clause's subject is not the sentence's earlier person)."""
    return any(_is_unit(m) and m.end <= pos and not _precedes(c.text, c.lo, m, _PREPOSITION)
               and not _people_words().match(c.text, m.end) for m in c.mentions)


def _modality(c: _Clause, trigger_start: int, trigger_end: int | None = None) -> str:
    """The clause's words before the trigger (甲将于明年对乙进行访问), names left out."""
    start = max(c.lo, trigger_start - 40)  # (周某将随同甲前往乙: the plan is said before the name)
    window = list(c.text[start:trigger_start])
    for m in c.mentions:  # names are no modal words (不/将/未 inside a name)
        for i in range(max(m.start, start), min(m.end, trigger_start)):
            window[i - start] = "＿"
    window = "".join(window)
    after = c.text[trigger_end:min(c.hi, trigger_end + 20)] if trigger_end is not None else ""
    if _DENIED_AFTER.search(after):
        return NEGATED
    if _RUMOUR_AFTER.search(after):
        return PLANNED
    if _NEGATION.search(window):
        return NEGATED
    if _PLANNED.search(window) or "未来" in c.text[c.lo:trigger_start]:
        return PLANNED
    return DONE


def _date_of(sentence: str, document_date: str) -> str | None:
    """The first date the sentence states, ISO; its year, when not stated, the document's
    (the year before for December in a January article); XXXX when no year is known."""
    match = _DATE.search(sentence)
    if not match:
        return None
    month, day = int(match.group(2)), int(match.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = match.group(1)
    if not year and re.match(r"\d{4}", document_date):
        year = int(document_date[:4])
        doc_month = int(document_date[5:7]) if re.match(r"\d{4}-\d\d", document_date) else None
        year = str(year - 1 if doc_month is not None and month > doc_month + 6 else year)
    return f"{year or 'XXXX'}-{month:02d}-{day:02d}"


# ---- the rules ----------------------------------------------------------------------------

def _clauses(text: str, mentions: list[EventMention]) -> list[_Clause]:
    bounds, start = [], 0
    for match in _CLAUSE.finditer(text):
        inside = any(m.start < match.start() < m.end for m in mentions)  # （ in 某某（深圳）有限公司
        if not inside:
            bounds.append((start, match.start()))
            start = match.end()
    bounds.append((start, len(text)))
    return [_Clause(text, lo, hi, [m for m in mentions if lo <= m.start and m.end <= hi]) for lo, hi in bounds if hi > lo]


def _outermost(mentions: Iterable[EventMention]) -> list[EventMention]:
    """One mention per stretch of text: the longest (沈阳市 over 沈阳 inside it)."""
    kept: list[EventMention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


def _precedes(text: str, lo: int, m: EventMention, words: re.Pattern) -> bool:
    return bool(words.search(text[max(lo, m.start - 4):m.start]))


def _visits(c: _Clause, word: str, kinds: set, t0: int, t1: int, actors, lo: int) -> list:
    text, tails = c.text, []
    # 在/到/赴 + the unit, before the trigger: 在深圳考察, 到甲、乙调研; 对甲进行国事访问
    # (前往/赴/来到 take only what follows them)
    for m in c.mentions if word not in _MOVES else ():
        if lo <= m.start and m.end <= t0 and _is_unit(m) and "的" not in text[m.end:t0] and (
                _precedes(text, lo, m, _LOCATIVE) or (word == "访问" and text[max(lo, m.start - 1):m.start] == "对")):
            run = _run_after(c, m.start, _is_unit, 0, _UNIT_JOIN_NO_PAIR, limit=t0)
            if run and len(text[run[-1].end:t0]) <= 8:
                tails += run
    if "visit" in kinds:  # the units after it: 考察了甲、乙
        run = []
        if _VISIT_GAP.fullmatch(text, t1, _next_start(c, t1)):
            run = _run_after(c, t1, _is_unit, 2 if word in _MOVES else 8, _UNIT_JOIN_NO_PAIR)
        else:  # the first one not tagged: 调研[甲基地]和乙公司
            joined = [m for m in c.mentions if _is_unit(m) and t1 < m.start <= t1 + 20
                      and _UNIT_JOIN_NO_PAIR.fullmatch(text[m.start - 1:m.start]) and not TRIGGERS.search(text, t1, m.start)]
            run = _run_after(c, joined[0].start, _is_unit, 0, _UNIT_JOIN_NO_PAIR) if joined else []
        nxt = [m for m in c.mentions if run and m.start >= run[-1].end]
        if run and nxt and _is_unit(nxt[0]) and _WHOSE.fullmatch(text, run[-1].end, nxt[0].start):
            run = run[:-1] + _run_after(c, nxt[0].start, _is_unit, 0, _UNIT_JOIN_NO_PAIR)
            nxt = [m for m in c.mentions if m.start >= run[-1].end]
        if not (nxt and nxt[0].type == PERSON and len(text[run[-1].end:nxt[0].start]) <= 10
                and not _UNIT_JOIN.match(text, run[-1].end)):
            tails += run  # (拜访甲公司董事长乙: 甲公司 is the title's, not the place visited)
    return [(head, VISITS, tail) for tail in dict.fromkeys(tails) if not _part_of_more(c, tail)
            and tail.end - tail.start > 1 for head in actors]  # (one character: 港 of 港资, 京 of 京剧)


def _next_start(c: _Clause, pos: int) -> int:
    return min([m.start for m in c.mentions if m.start >= pos] + [c.hi])


def _part_of_more(c: _Clause, m: EventMention) -> bool:
    """Whether the words after a visit's place or unit make it a show, a facility or people
    of it rather than what was visited."""
    end = _next_start(c, m.end)
    return bool(_EXHIBIT.match(c.text, m.end, c.hi) or _people_words().match(c.text, m.end, end)
                or (m.type == LOC and _VISIT_TAIL_OF.match(c.text, m.end, end))
                or (end == m.end < c.hi and _runs_into_name(c, m))  # 华为|松山湖园区: one longer name
                or (m.type == ORG and _NAME_GOES_ON.match(c.text, m.end, end)))  # 杭州中科|国家技术转移中心


def _runs_into_name(c: _Clause, m: EventMention) -> bool:
    """Whether `m` runs straight into the next name as the start of one longer name: an
    organisation before a place (华为|松山湖园区), or anything before a place that names a
    facility (甲|乙园区); places in a chain (河南省|郑州市) are each a place."""
    nxt = next((n for n in c.mentions if n.start == m.end), None)
    if nxt is None:
        return False
    return (m.type == ORG and nxt.type == LOC) or bool(
        nxt.type == LOC and _VISIT_TAIL_OF.match(c.text, nxt.end, _next_start(c, nxt.end)))


def _pair_words(c: _Clause, pattern: re.Pattern, lo: int, hi: int):
    """The pair word matches between lo and hi that are not inside a name (赖中和, 同仁堂)."""
    for pm in pattern.finditer(c.text, lo, hi):
        if not any(m.start <= pm.start() < m.end for m in c.mentions):
            yield pm


def _meets(c: _Clause, word: str, kinds: set, t0: int, t1: int, actors, carried, escorts) -> list:
    text, found = c.text, []
    if "meet_pair" in kinds:  # 甲与乙会谈, 与乙进行交流
        for pattern in _PAIR_WORDS:
            for pm in _pair_words(c, pattern, c.lo, t0):
                right = [m for m in _run_after(c, pm.end(), _is_person, 16, _PERSON_JOIN, skip_others=True, limit=t0)
                         if not _reporter(c, m)]
                if not right or len(text[right[-1].end:t0]) > 12:
                    continue
                if _TOGETHER.search(text, right[-1].end, t0):
                    break  # 甲和乙一同会见了…: they act together, they do not meet each other
                left = _run_before(c, pm.start(), _is_person, _LEFT_GAP_PEOPLE, _PERSON_JOIN)
                if not left:  # 甲一行…与乙交流; …，并与乙座谈: the clause's or the sentence's subject
                    left = _subject(c, pm.start(), escorts) or carried
                # the first 与 with people after it is the pair (not 与 in a title after it)
                return [(a, MEETS, b) for a in left for b in right]
    if "meet_obj" in kinds:  # 甲会见乙
        tails = [m for m in _run_after(c, t1, _is_person, 30, _PERSON_JOIN, skip_others=True)
                 if not _reporter(c, m)  # 会晤马来西亚总理…电（记者荣燕）: the byline's reporter is met by no one
                 and "随同" not in text[max(t1, m.start - 10):m.start]  # (会见了随同甲来访的乙: not 甲)
                 and not (text.startswith("的", m.end) and _ENVOY.match(text, m.end + 1))]  # (会见了甲的特使乙: not 甲)
        found += [(a, MEETS, b) for a in actors for b in tails]
    return found


def _cooperates(c: _Clause, word: str, kinds: set, t0: int, t1: int) -> list:
    text = c.text
    if word in ("签署", "签订", "签定") and not _AGREEMENT.search(text, t1, c.hi):
        return []  # 签署 what? only an agreement makes partners
    if word == "合作" and (_VAGUE_COOP.search(text, c.lo, t0) or _VAGUE_AFTER.match(text, t1, c.hi)):
        return []
    if word == "合作" and "的" in text[_last_unit_end(c, t0):t0]:
        return []  # 甲与乙的合作十分紧密: a description, not an event
    if "coop_pair" in kinds:  # 甲与乙签约, 甲分别与乙、丙签署…协议
        for pattern in _PAIR_WORDS:
            for pm in _pair_words(c, pattern, c.lo, t0):
                right = _run_after(c, pm.end(), _is_unit, 4, _UNIT_JOIN_NO_PAIR, limit=t0)
                if not right or len(text[right[-1].end:t0]) > 14 or _PEOPLE_OF.match(text, right[-1].end):
                    continue
                if "就" in text[right[-1].end:t0]:
                    return []  # 甲同乙就签署…进行磋商: talks about it
                if _JOINS_IN.search(text, right[-1].end, t0):
                    return []  # 甲和乙作为观察员参与合作: taking part, not partners
                own = lambda m: _is_unit(m) and not _precedes(text, c.lo, m, _LOCATIVE)  # noqa: E731
                left = _run_before(c, pm.start(), own, _LEFT_GAP_UNITS, _UNIT_JOIN_NO_PAIR)
                if not left:  # 甲今天在北京与乙签约: the clause's first unit that is not a where
                    first = [m for m in c.mentions if m.end <= pm.start() and own(m)]
                    left = first[:1] if first and not TRIGGERS.search(text, first[0].end, pm.start()) else []
                if left:
                    return [(a, COOPERATES_WITH, b) for a in left for b in right]
    if "coop_list" in kinds:  # 甲、乙两区签订…协议, 甲、乙、丙联合成立…
        parties = _run_before(c, t0, _is_unit, _LIST_GAP, _UNIT_JOIN)
        return [(a, COOPERATES_WITH, b) for a, b in combinations(parties, 2)]
    return []


def _last_unit_end(c: _Clause, pos: int) -> int:
    return max([m.end for m in c.mentions if _is_unit(m) and m.end <= pos] + [c.lo])


def _invests(c: _Clause, word: str, kinds: set, t0: int, t1: int) -> list:
    text = c.text
    if _INTENT.search(text, c.lo, t0):
        return []  # 继续加大在甲投资的力度: a policy, not a project
    investors = [m for m in c.mentions if m.type == ORG and m.end <= t0 and len(text[m.end:t0]) <= 16
                 and not _precedes(text, c.lo, m, _LOCATIVE)]  # 在甲投资: 甲 is where, not who
    tails: list[EventMention] = []
    if "invest_org" in kinds:  # 甲入股乙, 甲对乙进行增资
        target = [m for m in investors if re.search(r"对$", text[max(c.lo, m.start - 1):m.start])
                  and re.fullmatch(r"的?(?:进行|完成|实施|追加)?", text[m.end:t0])]
        if target:
            buyers = [m for m in investors if m.end <= target[-1].start]
            return [(buyers[-1], INVESTS_IN, target[-1])] if buyers else []
        tails = _run_after(c, t1, _is_org, 1, _UNIT_JOIN_NO_PAIR)
    if not investors:
        return []
    head = investors[-1]
    if word != "投资" and kinds & {"invest_at", "settle"} and org_subtype(head.name) not in ("company", "other"):
        return []  # 区科技局在甲设立基地, 某学院在乙设立分院: an office, not an investment
    if "settle" in kinds and not tails:  # 甲(…项目)落户乙
        tails = _run_after(c, t1, _is_place, 1, _UNIT_JOIN_NO_PAIR)[:1]
    if "invest_at" in kinds and not tails:  # 甲在乙投资建设…, 甲投资10亿元在乙建设…
        for m in c.mentions:
            if m.type == LOC and head.end <= m.start and re.search(r"(?:在|于)$", text[max(c.lo, m.start - 1):m.start]):
                run = _run_after(c, m.start, _is_place, 0, _UNIT_JOIN_NO_PAIR)  # 在甲和乙设立…
                end = run[-1].end  # 在甲投资建设, 在甲发起设立; not 在甲地铁地产建设项目中
                if (end <= t0 and len(text[end:t0]) <= (8 if word == "投资" else 2)) or (
                        word == "投资" and t1 <= m.start and len(text[t1:m.start]) <= 12):
                    tails += run
                break
    return [(head, INVESTS_IN, tail) for tail in dict.fromkeys(tails)]


def _acquires(c: _Clause, word: str, t0: int, t1: int) -> list:
    text = c.text
    before = [m for m in c.mentions if m.type == ORG and m.end <= t0]
    passive = [m for m in before if text[max(c.lo, m.start - 1):m.start] == "被" and len(text[m.end:t0]) <= 4]
    if passive:  # 乙被甲收购
        earlier = [m for m in before if m.end < passive[-1].start]
        return [(passive[-1], ACQUIRES, earlier[-1])] if earlier else []
    target = [m for m in before if word != "重组" and text[max(c.lo, m.start - 1):m.start] == "对"
              and re.fullmatch(r"的?(?:股权|股份)?(?:进行|完成|实施)?(?:了)?", text[m.end:t0])]
    if target:  # 甲完成对乙的收购
        buyers = [m for m in before if m.end <= target[-1].start and len(text[m.end:target[-1].start]) <= 12]
        return [(buyers[-1], ACQUIRES, target[-1])] if buyers else []
    buyers = [m for m in before if len(text[m.end:t0]) <= 14]
    if not buyers or re.search(r"(?:与|和|同)$", text[max(c.lo, buyers[-1].start - 1):buyers[-1].start]):
        return []  # 甲与乙重组: who takes over whom is not said
    tails = _run_after(c, t1, _is_org, 1 if word in ("控股", "重组") else 6, _UNIT_JOIN_NO_PAIR, stop_at=word)
    return [(buyers[-1], ACQUIRES, tail) for tail in tails]


def _sentence_events(text: str, mentions: list[EventMention], subject: list[EventMention] | None = None,
                     leader: EventMention | None = None) -> tuple[list[tuple[EventMention, str, EventMention, str, str, int]], list[EventMention]]:
    """(head, type, tail, modality, trigger, trigger offset) of one sentence, and its last
    subject. `subject`: the previous sentence's, for a sentence that goes on without one
    (…看望了甲；会见了乙); `leader`: who leads the document's delegation (甲率团)."""
    found = []
    subject = list(subject or [])  # the last named actors, for clauses without their own
    listing = False  # the last clause only named people (甲，乙，丙等接待了丁: the hosts)
    spans = [(m.start, m.end) for m in mentions]
    for c in _clauses(text, mentions):
        escorts = _escorts(c)
        hoping = _HOPE.search(text, c.lo, c.hi)
        first_trigger = c.hi
        for match in TRIGGERS.finditer(text, c.lo, c.hi):
            word, t0, t1 = match.group(0), match.start(), match.end()
            if any(s < t1 and t0 < e for s, e in spans):
                continue  # part of a name: 东江集团（控股）, 战略合作园
            if t1 < len(text) and text[t1] in _NOT_AFTER.get(word, ""):
                continue
            before = text[c.lo:t0]
            if any(before.endswith(w) for w in _NOT_BEFORE.get(word, ())):
                continue
            first_trigger = min(first_trigger, t0)
            kinds = set(_KINDS[word])
            if any(before.endswith(w) for w in _ATTENDING) or _PRESENT.match(text, t1):
                kinds -= _PEOPLE_KINDS  # (甲和乙会见时在座: they sat in)
            if hoping and hoping.start() < t0:
                continue  # a wish or an invitation is no event
            actors = _subject(c, t0, escorts)
            if actors and actors[-1] in c.mentions and any(
                    _is_unit(m) and actors[-1].end <= m.start and m.end <= t0 and _precedes(text, c.lo, m, _CAUSER)
                    for m in c.mentions):
                actors = []  # 甲为乐团访问乙发来贺词: the unit after 为/派/让 is who goes
            if kinds & {"visit", "visit_pre"} and text.startswith("的", t1):
                # 正在甲访问的乙: the visitor is named after; 访问的成果: no visit at all
                actors = _run_after(c, t1, _is_person, 25, _PERSON_JOIN, skip_others=True)[:1]
                if not actors:
                    kinds -= {"visit", "visit_pre"}
            if not actors:
                group = _UNNAMED_GROUP.search(text, c.lo, t0)
                if group is None and (listing or not _own_unit_subject(c, t0)):  # (甲，乙，丙部门接待了丁)
                    actors = subject
                elif group is not None and group.group(0) in _DELEGATIONS and leader:
                    actors = [leader]  # 代表团赴甲考察 … 乙率团: the delegation is its leader
            here = set(c.mentions)  # (a carried subject's offsets are another sentence's)
            lo = actors[-1].end if actors and actors[-1] in here else c.lo
            triples = []
            if kinds & {"visit", "visit_pre"} and actors:
                triples += _visits(c, word, kinds, t0, t1, actors, lo)
            if kinds & {"meet_obj", "meet_pair"}:
                triples += _meets(c, word, kinds, t0, t1, actors, subject, escorts)
            if kinds & {"coop_pair", "coop_list"}:
                triples += _cooperates(c, word, kinds, t0, t1)
            if kinds & {"settle", "invest_at", "invest_org"}:
                triples += _invests(c, word, kinds, t0, t1)
            if "acquire" in kinds:
                triples += _acquires(c, word, t0, t1)
            if triples and "分别" in text[c.lo:t0]:
                heads, tails = {h for h, _, _ in triples}, {t for _, _, t in triples}
                if len(heads) > 1 and len(tails) > 1:
                    triples = []  # 甲、乙分别看望了丙、丁: who saw whom is not said
            if triples:
                modality = _modality(c, t0, t1)
                found += [(h, k, t, modality, word, t0) for h, k, t in triples if h.entity != t.entity]
        named = _subject(c, first_trigger, escorts)
        if _SPEECH.search(text, c.lo, c.hi):
            subject, listing = [], False  # 甲说，乙… : what follows is what was said
        elif named:
            # a list item: the clause ends with the name (中心主任甲，副主任乙，…)
            only_people = first_trigger == c.hi and re.fullmatch(r"\s*(?:等|同志|等同志)?\s*", text[named[-1].end:c.hi]) is not None
            subject = subject + named if listing and only_people else named
            listing = only_people
        else:
            listing = False
    return found, subject


def extract_events(sentences: Mapping[int, str], mentions: Iterable[EventMention], document: str = "",
                   date: str = "", stands_for: Mapping[str, tuple[str, str]] | None = None) -> list[Event]:
    """The events of one document: `sentences` (index -> text) and its resolved mentions
    (offsets into their sentence's text). An event's date is the latest one the text has
    stated up to its sentence (本报讯12月14日…; …随后…), else `date`, the document's (ISO),
    which also gives the year of a 12月14日. One event per (head, type,
    tail, modality) and document, from the first sentence that gives it; meets and
    cooperates_with keep the text order. `stands_for`: place entity id -> (entity id, name) of
    the body that acts for it (the city's people's government named in the document): a
    place that signs, cooperates or invests is that body."""
    stands_for = stands_for or {}
    by_sentence: dict[int, list[EventMention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    events: list[Event] = []
    seen: set = set()
    subject: list[EventMention] = []
    previous = None
    leader = None  # the document's delegation leader: 甲率团, 甲任团长
    for index in sorted(by_sentence):
        text = sentences.get(index) or ""
        leader = leader or next((m for m in by_sentence[index] if m.type == PERSON and m.end <= len(text)
                                 and _LEADS_GROUP.match(text, m.end)), None)
    # the latest date the text has stated: what follows happened then; before any (a headline),
    # the first date the text states
    stated = (_date_of(sentences[i], date) for i in sorted(sentences) if sentences[i])
    last_date = next((d for d in stated if d), None)
    for index in sorted(set(by_sentence) | set(sentences)):
        text = sentences.get(index)
        last_date = (_date_of(text, date) if text else None) or last_date
        if index not in by_sentence:
            continue
        # one-character names (美, 港, 吴 of 吴书记) are abbreviations or pieces: no event ends
        ms = _outermost(m for m in by_sentence[index] if text and 0 <= m.start < m.end <= len(text))
        ms = [m for m in ms if m.end - m.start > 1]
        # a "name" holding a visit's or a meeting's verb is a tagging error (浑南区调研科技企业): no end
        ms = [m for m in ms if not _VERB_IN_NAME.search(text, m.start, m.end)]
        if not text or len(ms) < 2:
            continue
        # the previous sentence's subject goes on only into the very next sentence, and only
        # where that one starts without a name of its own (…；会见了乙, 随后又来到甲)
        carried = subject if previous == index - 1 and _CONTINUES.match(text) else []
        triples, subject = _sentence_events(text, ms, carried, leader)
        previous = index
        for head, kind, tail, modality, trigger, offset in triples:
            if kind in (COOPERATES_WITH, INVESTS_IN):  # 与合肥市签约: with the city's government
                head = _acting_body(head, stands_for)
                tail = _acting_body(tail, stands_for) if kind == COOPERATES_WITH else tail
            if head.entity == tail.entity:
                continue
            ends = frozenset((head.entity, tail.entity)) if kind in SYMMETRIC else (head.entity, tail.entity)
            key = (kind, ends, modality)
            if key in seen:
                continue
            seen.add(key)
            events.append(Event(head.entity, kind, tail.entity, modality, trigger, document, text,
                                last_date or date, head.name, tail.name, offset))
    return events


# ---- kg's facts -> mentions ---------------------------------------------------------------

def _acting_body(m: EventMention, stands_for: Mapping[str, tuple[str, str]]) -> EventMention:
    body = stands_for.get(m.entity) if m.type == LOC else None
    return EventMention(m.sentence, m.start, m.end, body[0], ORG, body[1]) if body else m


def governments(entities: Iterable) -> dict[str, tuple[str, str]]:
    """Place entity id -> (id, name) of its people's government among `entities` (one
    document's): 合肥市 -> 合肥市人民政府 (or 合肥市政府)."""
    entities = list(entities)
    by_name = {e.name: e for e in entities if e.type == ORG}
    found = {}
    for e in entities:
        if e.type == LOC:
            body = by_name.get(e.name + "人民政府") or by_name.get(e.name + "政府")
            if body is not None:
                found[e.id] = (body.id, body.name)
    return found


def _sentence_start(text: str, surfaces: Sequence[tuple[int, str]]) -> int | None:
    """Where a sentence starts in its document, from its mentions' document offsets and
    surface forms (the facts keep the sentence's text, not its offset): the start most
    mentions agree with."""
    votes: Counter = Counter()
    for start, surface in surfaces:
        if not surface:
            continue
        at = text.find(surface)
        while at >= 0:
            votes[start - at] += 1
            at = text.find(surface, at + 1)
    return votes.most_common(1)[0][0] if votes else None


def _aligned(mentions: Sequence, occurrences: Sequence, entities: Mapping, names_of: dict | None = None) -> list[tuple]:
    """(mention, entity id) pairs. The occurrences follow the mentions in order, one each, but
    resolution may leave some mentions out (a 市委 that is part of a title): each occurrence
    takes the next mention of its sentence that is one of its entity's names; an occurrence
    with none is left out rather than given another's span."""
    pairs, j = [], 0
    names_of = {} if names_of is None else names_of  # entity id -> its names, shared across documents
    for occ in occurrences:
        names = names_of.get(occ.entity)
        if names is None:
            entity = entities.get(occ.entity)
            names = names_of[occ.entity] = (set(entity.aliases) | {entity.name}) if entity is not None else set()
        k = j
        while k < len(mentions) and mentions[k].sentence <= occ.sentence:
            if mentions[k].sentence == occ.sentence and mentions[k].text in names:
                pairs.append((mentions[k], occ.entity))
                j = k + 1
                break
            k += 1
    return pairs


def document_events(facts, occurrences, entities: Mapping, date: str = "", names_of: dict | None = None) -> list[Event]:
    """Events of one document from kg's per-document facts (kg.entities.DocFacts) and its
    resolved occurrences (kg.types.DocumentOccurrences.occurrences, one per mention, in the
    mentions' order); `entities`: id -> Entity."""
    by_sentence: dict[int, list[tuple]] = {}
    for m, eid in _aligned(facts.mentions, occurrences, entities, names_of):
        by_sentence.setdefault(m.sentence, []).append((m, eid))
    resolved: list[EventMention] = []
    for index, items in by_sentence.items():
        text = facts.sentence_texts.get(index)
        if not text or len(items) < 2:
            continue
        start = _sentence_start(text, [(m.start, m.text) for m, _ in items])
        if start is None:
            continue
        for m, eid in items:
            entity = entities.get(eid)
            if entity is None:
                continue
            resolved.append(EventMention(index, m.start - start, m.end - start, eid, entity.type, entity.name))
    named = [entities[e] for e in dict.fromkeys(o.entity for o in occurrences) if e in entities]
    return extract_events(facts.sentence_texts, resolved, facts.doc_id, date, governments(named))


def corpus_events(facts: Iterable, resolution, dates: Mapping[str, str] | None = None) -> list[Event]:
    """Events of every document: `facts` (kg.entities.DocFacts, corpus order, as given to
    kg.entities.resolve) side by side with `resolution.by_document()`."""
    dates = dates or {}
    events: list[Event] = []
    names_of: dict = {}
    documents = resolution.by_document()
    pending = next(documents, None)
    for doc_facts in facts:
        if pending is None:
            break
        if pending.document != doc_facts.doc_id:
            continue  # a document without occurrences: the next facts may be the pending ones'
        events.extend(document_events(doc_facts, pending.occurrences, resolution.entities,
                                      dates.get(doc_facts.doc_id, ""), names_of))
        pending = next(documents, None)
    return events


# ---- the graph ----------------------------------------------------------------------------

def add_event_edges(graph, events: Sequence[Event], *, structure: bool = True) -> int:
    """Put each event on the edge of its two entities (an edge is added where the
    co-occurrence thresholds left none): `events` = the edge's event types ("|"),
    `event_records` = JSON list of the events (head, type, tail, modality, trigger,
    trigger_start, document, date, sentence), and `relation` = the edge's most frequent
    done (else any) event type where it was co_occurs. Returns the number of edges added.
    New edges change communities and degrees: `structure=False` leaves them to the caller."""
    added = 0
    per_edge: dict[frozenset, list[Event]] = {}
    for e in events:
        if e.head in graph and e.tail in graph:
            per_edge.setdefault(frozenset((e.head, e.tail)), []).append(e)
    for pair, items in per_edge.items():
        a, b = sorted(pair)
        if not graph.has_edge(a, b):
            first = items[0]
            graph.add_edge(a, b, weight=1, documents=len({e.document for e in items}), npmi=0.0, relation=first.type,
                           title="", evidence=f"[{first.document}] {first.sentence.strip()}")
            added += 1
        data = graph.edges[a, b]
        types = list(dict.fromkeys(e.type for e in items))
        data["events"] = "|".join(types)
        data["event_records"] = json.dumps(
            [{k: v for k, v in e.as_dict().items() if k not in ("head_name", "tail_name")} for e in items],
            ensure_ascii=False)
        if data.get("relation", "co_occurs") == "co_occurs" or data.get("relation") in EVENT_TYPES:
            done = Counter(e.type for e in items if e.modality == DONE) or Counter(e.type for e in items)
            data["relation"] = max(done, key=lambda t: (done[t], -EVENT_TYPES.index(t)))
    if added and structure:
        from .graph import add_structure

        add_structure(graph)
    return added


def graph_events(graph) -> list[Event]:
    """The events on the graph's edges (what add_event_edges put there), in document order."""
    events = []
    for _, _, data in graph.edges(data=True):
        for record in json.loads(data.get("event_records") or "[]"):
            e = Event(**record)
            e.head_name = graph.nodes[e.head].get("name", e.head) if e.head in graph else e.head
            e.tail_name = graph.nodes[e.tail].get("name", e.tail) if e.tail in graph else e.tail
            events.append(e)
    events.sort(key=lambda e: (e.document, e.sentence != "", EVENT_TYPES.index(e.type), e.head, e.tail))
    return events


# ---- files --------------------------------------------------------------------------------

EVENT_COLUMNS = ["head", "type", "tail", "modality", "date", "document", "trigger", "sentence"]
NEO4J_EVENT_COLUMNS = [":START_ID", ":END_ID", ":TYPE", "modality", "date", "document", "trigger", "sentence"]


def _csv(header: list[str], rows, safe: bool) -> str:
    from .export import spreadsheet_safe, strip_illegal

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([(spreadsheet_safe(v) if safe else strip_illegal(str(v))).replace("\r", " ").replace("\n", " ")
                         for v in row])
    return buffer.getvalue()


def events_csv(events: Sequence[Event], entities: Mapping | None = None) -> str:
    """events.csv: one row per event, heads and tails by name (BOM: spreadsheets read UTF-8)."""
    def name(eid: str, given: str) -> str:
        entity = entities.get(eid) if entities else None
        return entity.name if entity is not None else given or eid

    rows = ([name(e.head, e.head_name), e.type, name(e.tail, e.tail_name), e.modality, e.date, e.document, e.trigger,
             e.sentence.strip()] for e in events)
    return "\ufeff" + _csv(EVENT_COLUMNS, rows, safe=True)


def neo4j_events_csv(events: Sequence[Event]) -> str:
    """neo4j/events.csv: the events as typed relationships (VISITS, MEETS, COOPERATES_WITH,
    INVESTS_IN, ACQUIRES) between the node ids of neo4j/nodes.csv; import it with a second
    --relationships option."""
    rows = ([e.head, e.tail, e.type.upper(), e.modality, e.date, e.document, e.trigger, e.sentence.strip()]
            for e in events)
    return _csv(NEO4J_EVENT_COLUMNS, rows, safe=False)


def event_files(graph) -> dict:
    """events.csv and neo4j/events.csv of the events on `graph`'s edges (file name -> a
    function that renders its bytes, as kg.export.render_files gives them)."""
    events = graph_events(graph)
    return {"events.csv": lambda: events_csv(events).encode("utf-8"),
            "neo4j/events.csv": lambda: neo4j_events_csv(events).encode("utf-8")}


def edge_events(value) -> list[dict]:
    """An edge's `event_records` as a list of dicts ([] when absent or not ours): for the map."""
    try:
        records = json.loads(value) if isinstance(value, str) and value else []
    except ValueError:
        return []
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
