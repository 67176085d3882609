"""Span repair of the model's mentions: edges, punctuation and function words stripped,
titles cut off names, two names run together split, generic words and numbers dropped,
a type corrected where the name's suffix is unambiguous."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..types import LOC, ORG, PERSON, DocAnalysis
from .lexicon import (
    ZONE_SUFFIXES, _any_title_regex, _known_place, _standard_place, _title_regexes, common_surnames, countries,
    places, provinces, surnames, world_cities,
)
from .subtypes import LOC_KEYWORD_WORDS, ORG_KEYWORDS, ORG_KEYWORD_WORDS


SPLIT_PUNCT = set("，。、；：！？“”‘’「」『』《》【】,.;:!?\"'\n\t|/\\—…～~")
EDGE_STRIP = "　 \t（）()[]【】<>《》“”\"'‘’「」『』-—_·•*#、，。；：！？,.;:!?丨|｜"
LEADING_FUNCTION_WORDS = ("以下简称", "简称", "全称", "正如", "还有", "以及", "包括", "原", "在", "于", "从", "到", "对", "和", "与", "及", "据", "由",
                          "向", "为", "把", "被", "将", "让", "是", "同", "跟", "即", "其中", "包括", "位于", "来自",
                          "本报讯", "本报",
                          # the verb of a visit or meeting run into the name after it (拜会泉州市委)
                          "拜会", "拜访", "会见", "会晤", "调研", "考察", "视察", "走访", "参观", "来到", "前往", "莅临",
                          "看望", "慰问", "接见", "赴")
TRAILING_FUNCTION_WORDS = ("的", "等", "了", "们", "和", "与", "及", "将", "已")
DATE_LIKE = re.compile(r"^[\d０-９零〇一二三四五六七八九十百千万亿年月日时分秒号点.%％\-/:： ]+$")
MAX_ENTITY_CHARS = 30


@dataclass(slots=True)
class DocMention:
    start: int
    end: int
    text: str
    label: str
    sentence: int


def _strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in EDGE_STRIP:
            start += 1
            changed = True
        while end > start and text[end - 1] in EDGE_STRIP:
            end -= 1
            changed = True
        for word in LEADING_FUNCTION_WORDS:
            if text.startswith(word, start) and end - start - len(word) >= 2:
                if len(word) == 1 and not _known_place(text[start + 1 : end]) or _known_place(text[start:end]):
                    continue  # 同济大学, 和平区, 于海洋: the character belongs to the name
                start += len(word)
                changed = True
                break
        for word in TRAILING_FUNCTION_WORDS:
            if text.endswith(word, start, end) and end - start - len(word) >= 2:
                end -= len(word)
                changed = True
                break
    return start, end


def _split_on_punctuation(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of a span between punctuation; a short parenthesised part inside a name
    (西门子（中国）有限公司) is kept."""
    pieces, piece_start, i = [], start, start
    while i < end:
        ch = text[i]
        if ch in "（(":
            close = text.find("）" if ch == "（" else ")", i, end)
            if close != -1 and close - i <= 5 and close + 1 < end:
                i = close + 1
                continue
        if ch in SPLIT_PUNCT or ch == "\ufffd" or ch.isspace() or ch in "（）()":
            pieces.append((piece_start, i))
            piece_start = i + 1
        i += 1
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if e > s]


def _strip_trailing_title(text: str, start: int, end: int) -> tuple[int, int]:
    """沈阳日报记者 -> 沈阳日报; 大连市副 -> 大连市 (the model ran into a title)."""
    at_end, _ = _title_regexes()
    match = at_end.search(text, start, end)
    if match and match.end() == end and match.start() - start >= 2:
        end = match.start()
    while end - start > 2 and text[end - 1] in "副总正常":
        end -= 1
    return start, end


def repair_person(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A person's span without titles or organisations (鞍钢集团董事长张明 -> 张明); two
    Chinese names run together (a byline 王磊李娜) become two spans. Empty when no name is left."""
    name = text[start:end]
    if "·" in name or "•" in name:
        return [(start, end)]
    # the name is what follows the last title word inside the span
    best = None
    for m in _any_title_regex().finditer(name):
        best = m
    if best is not None and end - (start + best.end()) >= 2:
        start = start + best.end()
    elif best is not None and best.end() == len(name):
        return []  # 张书记: a title, not a name
    # a reporting verb the model ran into: 吴敏参加 -> 吴敏
    for verb in REPORTING_VERBS:
        if text.endswith(verb, start, end) and end - start - len(verb) >= 2:
            end -= len(verb)
            break
    else:
        end = _verb_start_cut_off(text, start, end)
    name = text[start:end]
    if len(name) < 2 or (name.isascii() and not name[0].isupper()):
        return []  # for, all, iPhone: a Latin-script name starts with a capital
    if sum(ch in TRANSLITERATION_CHARS for ch in name) >= 2 and len(name) <= MAX_FOREIGN_NAME_CHARS:
        return [(start, end)]  # 纳扎尔巴耶夫, 韦德里纳: a foreign name, written without ·
    pair = _two_names(name)
    if pair:
        return [(start, start + pair), (start + pair, end)]
    if len(name) > 5:
        return []
    return [(start, end)]


def _verb_start_cut_off(text: str, start: int, end: int) -> int:
    """The end of a Chinese name that the model ran into the first character of a reporting
    verb after it (蔡奇出|席 -> 蔡奇, 李强宣|布 -> 李强); not where a whole verb follows the span
    (王志强|调研 keeps its 强)."""
    if end - start < 3 or not text.startswith(SPLIT_VERBS, end - 1) or text.startswith(REPORTING_VERBS, end):
        return end
    surname = _chinese_name_start(text[start:end])
    return end - 1 if surname and end - 1 - start > surname else end


def _chinese_name_start(name: str) -> int:
    """Length of the surname `name` starts with (common surnames only), else 0."""
    if name[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if name[0] in common_surnames() else 0


def _two_names(name: str) -> int | None:
    """Where `name` splits into two Chinese names (2 + 2, 2 + 3, 3 + 2, 3 + 3 characters),
    both starting with a common surname; None when it does not. 鹿野道彦 and 桥本龙太郎 stay
    whole: 鹿 and 桥 are not common Chinese surnames."""
    first = _chinese_name_start(name) if 4 <= len(name) <= 6 else 0
    if not first:
        return None
    for cut in (2, 3):
        rest = name[cut:]
        second = _chinese_name_start(rest)
        if 2 <= len(rest) <= 3 and second and cut > first and len(rest) > second:
            # five characters are two names only when just one cut starts a surname
            # (王小明李娜: 李 at 3; 王明李小娜: 李 at 2)
            if len(name) == 5 and _chinese_name_start(name[5 - cut:]):
                continue
            return cut
    return None


# Characters that make up most transliterated foreign names (阿尔希波夫, 帕帕佐普洛斯) and
# are rare in Chinese given names.
TRANSLITERATION_CHARS = frozenset("尔斯克夫娃基耶诺罗亚德特姆布拉里莫维奇科蒂普洛索卡伊曼纳西塔哈森逊恩奥巴沙什茨兹佩埃阿莱贝戈格泽雷多杜图"
                                  "库兰麦迪乌赫季丹萨蒙瓦默彼得森穆纳赛尼丝莎茜")
MAX_FOREIGN_NAME_CHARS = 10

COMPOUND_SURNAMES = frozenset("""欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤
南宫 西门 百里 呼延 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 拓跋 完颜""".split())
REPORTING_VERBS = tuple(sorted("""表示 指出 强调 介绍 认为 参加 出席 主持 陪同 会见 考察 调研 视察 致辞 讲话 宣布 参观
带队 率队 一行 说 称 提出 要求 透露 告诉 兼任 担任 等人 等""".split(), key=len, reverse=True))
# two-character verbs whose first character the model may read as a name's last (蔡奇出|席)
SPLIT_VERBS = tuple(v for v in REPORTING_VERBS if len(v) == 2 and v not in ("等人", "一行")) + ("宣读",)

# what stands between a name and its verb without being part of the name (张三也表示)
_NOT_GIVEN_NAME_CHARS = set("也还又都就再则便即均亦曾已将并等和与及在对向为是的了着被把让同跟从于以而且先后一")
_SPEECH_VERBS = ("表示", "指出", "强调", "介绍", "认为", "主持", "致辞", "讲话", "宣布", "透露", "提出", "要求", "说")


def _given_name_cut_short(text: str, start: int, end: int) -> int:
    """A surname and one character read as a name where the text goes on with one more
    character and a reporting verb (冯德|胜表示): the name is three characters."""
    if end - start != 2 or text[start] not in common_surnames() or end + 1 >= len(text):
        return end
    following = text[end]
    if not ("\u4e00" <= following <= "\u9fff") or following in _NOT_GIVEN_NAME_CHARS:
        return end
    if text.startswith(_SPEECH_VERBS, end + 1) and not text.startswith(_SPEECH_VERBS, end):
        return end + 1
    return end


STRONG_ORG_SUFFIXES = ("公司", "集团", "银行", "大学", "学院", "研究院", "研究所", "科学院", "工程院", "实验室",
                       "政府", "委员会", "管委会", "局", "厅", "日报", "报社", "电视台", "协会", "学会", "联合会",
                       "联盟", "党委", "市委", "省委", "区委", "县委", "中心", "医院", "法院", "检察院")

# Keywords that are themselves names (国务院, 新华社, 全国政协) or local bodies resolved later (市委).
PROPER_ORG_KEYWORDS = frozenset("国务院 党中央 新华社 中共 共产党 共青团 人大 政协 海关 妇联 科协 工商联 侨联 文联 团委 市委 省委 区委 县委 工委 "
                                "人民银行".split())
GENERIC_ORG_WORDS = frozenset(k for k, _ in ORG_KEYWORDS if k not in PROPER_ORG_KEYWORDS) | frozenset(
    ("代表团", "单位", "部门", "团队", "课题组", "企业家", "政府部门", "有关部门", "相关部门", "党组织", "联合实验室",
     "合作社", "董事会", "管委会", "党工委", "指挥部", "领导小组", "工作组"))
DETERMINERS = ("该", "本", "其", "此", "我", "贵", "各", "全", "两", "各大", "相关", "有关", "多家", "一家")


# A board or party committee of an organisation (集团党委, 该集团董事会) is as generic as the
# word before it.
GOVERNING_BODIES = ("董事会", "监事会", "理事会", "党委", "党组", "党总支", "党支部")


def generic_core(surface: str) -> str:
    """`surface` without a leading determiner and a trailing board word (该集团董事会 -> 集团)."""
    core = surface
    for det in sorted(DETERMINERS, key=len, reverse=True):
        if core.startswith(det) and len(core) > len(det):
            core = core[len(det):]
            break
    for body in GOVERNING_BODIES:
        if core.endswith(body) and len(core) > len(body) and core[: -len(body)] in GENERIC_ORG_WORDS:
            return core[: -len(body)]
    return core


def is_generic_org(surface: str) -> bool:
    core = generic_core(surface)
    return (core in GENERIC_ORG_WORDS or (core.endswith(AD_HOC_GROUPS) and core not in AD_HOC_GROUPS and len(core) <= 12)
            or is_kind_only(surface))


# A company's legal form and the words that only say what kind of business it is: a name made
# of nothing else (技术有限公司, 炼化有限公司, 科技集团, 分公司) names no company. 银行, 保险 and
# 证券 are left out: 建设银行, 人寿保险 are names.
LEGAL_FORM_WORDS = frozenset("""有限责任公司 股份有限公司 有限公司 责任公司 公司 分公司 子公司 总公司 集团 有限 股份 控股
企业 工厂 厂 分厂 总厂 分行 支行 分店 总部 分部 事业部""".split())
BUSINESS_KIND_WORDS = frozenset("""技术 科技 炼化 石化 化工 石油 化学 实业 发展 投资 贸易 商贸 物流 能源 新能源 电子 信息
网络 智能 制造 装备 机械 建设 工程 汽车 钢铁 电力 电气 通信 软件 生物 医药 制药 药业 食品 材料 新材料 环保 环境 传媒
文化 旅游 置业 地产 房地产 物业 金融 资本 资产 管理 咨询 服务 国际 进出口 产业 运输 航空 船舶 重工 纺织 服装 矿业 煤业
电器 光电 数据 数字 半导体 集成电路 农业 机器人 自动化 精密 仪器 设备 工业 开发 研发 设计 供应链 数控 创新 创业 交通 水务
燃气 热力 建材 机电 电机 高新 高新技术""".split())
_KIND_PIECES = LEGAL_FORM_WORDS | BUSINESS_KIND_WORDS
_KIND_PIECE_MAX = max(map(len, _KIND_PIECES))


# 为 stands inside company names (华为, 有为) as well as between words; after these it is the
# verb or the copula (现为, 成为, 称为, 评为), never part of a name.
INNER_FUNCTION_CHAR = "为"
BEFORE_COPULA = frozenset("现曾原均皆都也又还仍即则乃系亦已将成作认称评列定选改名任视誉更分划转被")


def function_char_in_name(text: str, pos: int) -> bool:
    """Whether the function character at `pos` may be part of a name around it (华为)."""
    return (text[pos] == INNER_FUNCTION_CHAR and pos > 0 and "\u4e00" <= text[pos - 1] <= "\u9fff"
            and text[pos - 1] not in BEFORE_COPULA)


def is_kind_only(surface: str, business: bool = False) -> bool:
    """Whether `surface` (after a determiner) is only business-kind words and a legal form,
    with no distinctive name part: 技术有限公司, 该炼化有限公司 (not 华为技术有限公司). With
    `business`, a legal form alone (公司, 有限公司: often 该公司 said short) does not count."""
    core = generic_core(surface)
    if len(core) < 2:
        return False
    # ways[i]: the (legal form seen, business word seen) flags of the splits of core[:i] into kind pieces
    ways: list[set[tuple[bool, bool]]] = [{(False, False)}] + [set() for _ in core]
    for i in range(1, len(core) + 1):
        for j in range(max(0, i - _KIND_PIECE_MAX), i):
            piece = core[j:i]
            if ways[j] and piece in _KIND_PIECES:
                legal, kind = piece in LEGAL_FORM_WORDS, piece in BUSINESS_KIND_WORDS
                ways[i].update((a or legal, b or kind) for a, b in ways[j])
    return any(legal and (kind or not business) for legal, kind in ways[len(core)])


# Groups formed for an occasion (吉林省企业家代表团, 沈阳市党政代表团, 相关团队): not organisations.
AD_HOC_GROUPS = ("代表团", "考察团", "访问团", "团队", "课题组", "工作组")

ABBREVIATION_ENDINGS = tuple("大院所局委办厂司行")


# Events are not organisations: party congresses and plenums (十五大, 十五届三中全会), meetings,
# fairs and forums (高交会, 博览会, 论坛, 联席会). A body whose name ends like one is kept
# (全国人民代表大会, 中国人民政治协商会议).
CONGRESS = re.compile(r"^(?:中共|党的|中国共产党)?(?:第?[一二三四五六七八九十]{1,3}(?:大|届(?:[一二三四五六七八九十]中)?全会|"
                      r"届[一二三四五六七八九十]{1,2}次会议|次(?:全国)?代表大会))$|^[一二三四五六七八九十]中全会$")
EVENT_ENDS = ("博览会", "交易会", "展览会", "展销会", "洽谈会", "推介会", "发布会", "招商会", "论坛", "峰会", "年会", "研讨会",
              "座谈会", "联席会", "运动会", "艺术节", "文化节", "电影节", "大会", "会议", "全会", "高交会", "广交会", "进博会",
              "展览", "成果展", "主题展", "专题展", "图片展", "规划展", "周年展", "巡展", "特展", "画展", "书画展", "摄影展")
EVENT_BODIES = ("人民代表大会", "政治协商会议", "代表大会常务委员会")


def is_event_name(surface: str) -> bool:
    if CONGRESS.match(surface):
        return True
    return surface.endswith(EVENT_ENDS) and not surface.endswith(EVENT_BODIES) and len(surface) >= 3


MEDIA_END_CHARS = set("报网社台")


def fix_label(surface: str, label: str) -> str:
    """Correct the model's type where the name's own suffix is unambiguous: a "place"
    ending in 大学 or 研究所 is an organisation; an "organisation" that is a bare place name
    (沈阳市, 辽宁省) is a place."""
    if label == LOC and surface.endswith(STRONG_ORG_SUFFIXES) and not surface.endswith(("中心区", "新区")):
        return ORG
    if label == ORG and (surface in provinces() or surface in places() or surface in countries()):
        return LOC
    if label == ORG and surface.endswith(ZONE_SUFFIXES) and len(surface) > 4:
        return LOC  # 沈阳浑河智造产业园, 大连高新区: zones are places
    if label == ORG and surface.endswith(("街道", "镇", "乡")) and len(surface) - (2 if surface.endswith("街道") else 1) >= 2:
        return LOC  # 浑南区桃仙街道: towns and street offices are places
    if label == PERSON and surface.endswith(("公司", "集团")) and len(surface) >= 4:
        return ORG  # 克劳森自动化公司 read as a person
    if label == PERSON and len(surface) == 2 and surface[1] == "军" and surface[0] in ARMY_COUNTRIES:
        return ORG  # 乌军, 以军: a country's armed forces
    if label == PERSON and surface in world_cities():
        return LOC  # 哈尔科夫, 敖德萨: a city read as a person
    if (label == PERSON and surface[0] not in surnames() and surface[:2] not in surnames()
            and surface.endswith(ABBREVIATION_ENDINGS) and "·" not in surface):
        return ORG  # 哈工大: no surname, ends like an abbreviated organisation
    return label


# one-character country names before 军 that are no common surname (韩军 and 苏军 may be people)
ARMY_COUNTRIES = frozenset("美俄乌以日英法德印朝越菲泰缅叙土")
NATION_WORDS = ("民族", "文明", "文化", "文脉", "儿女", "传统", "优秀", "大地")

NAME_BREAKS = re.compile("了|的|所属|旗下|下属|隶属")
ETC_BEFORE = set("高平中初同对均相超上次头一二三特")  # 高等, 平等, 一等: words, not "and others"
ETC_AFTER = set("离级")  # 等离子, 等级


def _split_on_words(text: str, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """An organisation or place never holds 了 or 的, nor 所属/旗下: cut there, keeping the
    pieces that still end like a name of that kind (市政府会见了克劳森公司 -> 克劳森公司); an
    organisation is what comes before 等 (腾讯等互联网公司), and two bodies a verb joins are two
    (国家发展改革委联合中央宣传部)."""
    while end - start > 2 and text[end - 1] in "的了":
        end -= 1
    if label == ORG:
        # 易方达等基金公司, 腾讯等互联网公司: the name is what comes before 等 (not 高等, 等离子)
        at = text.find("等", start + 2, end - 1)
        if at > 0 and text[at - 1] not in ETC_BEFORE and text[at + 1] not in ETC_AFTER:
            end = at
    if label == PERSON:
        return [(start, end)]
    breaks = [(match.start(), match.end()) for match in NAME_BREAKS.finditer(text, start, end)]
    if label == ORG:
        breaks.extend(_verb_breaks(text, start, end))
    if not breaks:
        return [(start, end)]
    pieces, piece_start = [], start
    for break_start, break_end in sorted(breaks):
        pieces.append((piece_start, break_start))
        piece_start = break_end
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if e - s >= 2 and _ends_like_name(text[s:e], label)]


# verbs the model runs two organisations (or a subject and an organisation) together with:
# 国家发展改革委|联合|中央宣传部, 中国人民银行|指导|商业银行, 北京|会见|美国维萨公司
JOINING_VERBS = re.compile("联合|会同|携手|联手")  # also inside names (中国联合网络通信): both sides must be bodies
ACTING_VERBS = re.compile("指导|会见|致电")


def _verb_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for pattern, both in ((JOINING_VERBS, True), (ACTING_VERBS, False)):
        for match in pattern.finditer(text, start + 2, end - 2):
            left, right = text[start:match.start()], text[match.end():end]
            if _named_piece(right, ORG) and (_named_piece(left, ORG) or not both):
                out.append((match.start(), match.end()))
    return out


def _ends_like_name(piece: str, label: str) -> bool:
    """Whether `piece` ends with a type keyword of organisations (ORG) or places (LOC)."""
    return piece.endswith(ORG_KEYWORD_WORDS if label == ORG else LOC_KEYWORD_WORDS)


# 第二十三次常委, 第九届: an ordinal opens no name
ORDINAL = re.compile(r"^第[\d零〇一二三四五六七八九十百千两]+")


def _named_piece(piece: str, label: str) -> bool:
    """Whether a piece of a span cut at punctuation still names something on its own: it ends
    like a name of its kind (鲁艺美术工厂) or is a known place (美国)."""
    if _known_place(piece):
        return True
    return len(piece) >= 3 and _ends_like_name(piece, label) and not is_generic_org(piece)


# words an organisation's name never ends with: activities, plans, sectors
NOT_NAME_ENDS = ("产业链", "调研", "科研", "报告", "项目", "工作", "情况", "规划", "战略", "经济", "行业")
_ZONE_TAIL_MAX = 2
_BODY_END_CHARS = set("局厅委部院所会办司处室组团校社台报行厂队站馆心府协区园城")


def _cut_after_zone(text: str, s: int, e: int) -> int:
    """A zone's name the model ran a word or two past, in a headline without punctuation
    (江宁经济技术开发区|重大项目签约): the name ends with the zone word; a body of the zone
    (开发区管委会) keeps its name."""
    surface = text[s:e]
    for suffix in ZONE_SUFFIXES:
        at = surface.rfind(suffix)
        if at < 2:
            continue
        tail = surface[at + len(suffix):]
        if 0 < len(tail) <= _ZONE_TAIL_MAX and tail[-1] not in _BODY_END_CHARS and not any(
                (surface[at:] + text[e:e + 2]).startswith(longer) for longer in ZONE_SUFFIXES if len(longer) > len(suffix)):
            return s + at + len(suffix)
    return e


def repair_mentions(analysis: DocAnalysis) -> list[DocMention]:
    text = analysis.text
    out: list[DocMention] = []
    for m in analysis.mentions:
        pieces = [p for s0, e0 in _split_on_words(text, m.start, m.end, m.label) for p in _split_on_punctuation(text, s0, e0)]
        for s, e in pieces:
            s, e = _strip_edges(text, s, e)
            if e - s < 1:
                continue
            if len(pieces) > 1 and m.label in (ORG, LOC) and not _named_piece(text[s:e], m.label):
                continue  # 中星五号”卫星 -> neither 卫星 nor 中星五号 is a place
            if m.label == PERSON:
                names = repair_person(text, s, e)
                if not names:
                    continue
                if len(names) > 1:
                    out.extend(DocMention(a, b, text[a:b], PERSON, m.sentence) for a, b in names)
                    continue
                s, e = names[0]
                e = _given_name_cut_short(text, s, e)
            if m.label in (ORG, LOC):
                s, e = _strip_trailing_title(text, s, e)
            if m.label == ORG and text.endswith(("讯", "电"), s, e) and e - s >= 4 and text[e - 2] in MEDIA_END_CHARS:
                e -= 1  # 深圳商报讯, 中国江苏网讯: the outlet's dateline, the outlet is the name
            if m.label in (ORG, LOC):
                e = _cut_after_zone(text, s, e)
            if m.label == ORG and text.endswith(NOT_NAME_ENDS, s, e):
                # 深圳市科研, 合肥市生物医药产业链: a place and what happens there, no organisation
                place = next((k for k in range(min(e - s - 2, 6), 1, -1) if _known_place(text[s:s + k])), None)
                if place is None:
                    continue
                e, m = s + place, DocMention(m.start, m.end, m.text, LOC, m.sentence)
            surface = text[s:e]
            label = fix_label(surface, m.label)
            standard_place = label == LOC and _standard_place(surface)  # 日 in 中日
            if (DATE_LIKE.match(surface) and not standard_place) or ORDINAL.match(surface) or e - s > MAX_ENTITY_CHARS:
                continue
            if not any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in surface):
                continue
            if e - s < 2 and label in (PERSON, LOC) and not surface.isascii() and not standard_place:
                continue  # 1-character people and places are too ambiguous, but for the standard ones (中美, 京津)
            if e - s < 2 and label == ORG:
                continue
            if e - s <= 2 and surface.isascii() and label != PERSON:
                continue  # VR, AI, 5G: two Latin letters are a technology more often than a name
            if label == ORG and is_generic_org(surface):
                continue  # 公司, 该集团, 代表团: a kind of organisation, not a name
            if label == LOC and surface == "中华" and text.startswith(NATION_WORDS, e):
                continue  # 中华民族, 中华文化: the nation or its culture, no place
            if label in (ORG, LOC) and is_event_name(surface):
                continue  # 十五大, 十五届三中全会, 高交会: an event, not an organisation
            out.append(DocMention(s, e, surface, label, m.sentence))
    # drop exact duplicates that splitting may create
    unique = {(d.start, d.end): d for d in out}
    return sorted(unique.values(), key=lambda d: (d.start, d.end))


def _unique_spans(mentions: list[DocMention]) -> list[DocMention]:
    """One mention per span (the first), in order."""
    seen, out = set(), []
    for m in mentions:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out


def _sentence_at(analysis: DocAnalysis, position: int) -> int | None:
    """Index of the sentence holding the character at `position` (sentences are in order)."""
    index = bisect_right([s.start for s in analysis.sentences], position) - 1
    return index if index >= 0 and position < analysis.sentences[index].end else None


def _sentence_of(analysis: DocAnalysis, start: int, end: int) -> int | None:
    """Index of the sentence holding the whole span, or None."""
    index = _sentence_at(analysis, start)
    return index if index is not None and end <= analysis.sentences[index].end else None
