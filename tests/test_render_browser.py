"""kg.render in a real browser: Playwright driving Debian's Chromium (no `playwright install`).

Set KG_SCREENSHOT=/path/to/file.png to also save a screenshot of a sample map (used by the README).
"""
from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from kg.render import render_html  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def hostile_graph() -> nx.Graph:
    g = nx.Graph()
    g.add_node("p1", name=HOSTILE[0], type="PERSON", subtype="official", aliases="老张|" + HOSTILE[1],
               mentions=12, documents=4, titles="市长", evidence=f"[doc-1] {HOSTILE[1]} 出席会议。")
    g.add_node("p2", name="李志强", type="PERSON", subtype="business", aliases="李总", mentions=6)
    g.add_node("o1", name=HOSTILE[1], type="ORG", subtype="government", mentions=8,
               evidence=f"[doc-2] {HOSTILE[0]}")
    g.add_node("o2", name="星河智能科技有限公司", type="ORG", subtype="company", aliases="星河智能", mentions=20)
    g.add_node("l1", name="鹏城市", type="LOC", subtype="city", mentions=30)
    g.add_node("l2", name="海湾区", type="LOC", subtype="district", mentions=3)
    g.add_edge("p1", "o1", weight=5, relation="holds_position_at", title="市长", evidence=f"[doc-1] {HOSTILE[0]}")
    g.add_edge("p2", "o2", weight=4, relation="holds_position_at", title="董事长")
    g.add_edge("o1", "o2", weight=2, relation="co_occurs")
    g.add_edge("o2", "l1", weight=7, relation="co_occurs")
    g.add_edge("l1", "l2", weight=3, relation="co_occurs")
    return g


def sample_graph_for_screenshot() -> nx.Graph:
    """A small, realistic-looking (entirely fictional) news graph for the README screenshot."""
    g = nx.Graph()
    people = [  # id, name, subtype, aliases, titles, affiliations, mentions
        ("zjh", "张建华", "official", "张副市长", "副市长", "鹏城市人民政府", 34),
        ("lm", "刘敏", "official", "", "区长", "海湾区人民政府", 18),
        ("lzq", "李志强", "business", "李总", "董事长", "星河智能科技有限公司", 27),
        ("csy", "陈思远", "business", "", "总经理", "鹏程新能源股份有限公司", 15),
        ("wxy", "王小雨", "journalist", "", "记者", "鹏城日报", 6),
    ]
    for nid, name, sub, aliases, titles, aff, mentions in people:
        g.add_node(nid, name=name, type="PERSON", subtype=sub, aliases=aliases, titles=titles,
                   affiliations=aff, mentions=mentions, documents=max(1, mentions // 3))
    orgs = [
        ("gov", "鹏城市人民政府", "government", "市政府", 40),
        ("dgov", "海湾区人民政府", "government", "区政府", 16),
        ("xh", "星河智能科技有限公司", "company", "星河智能|星河科技", 45),
        ("pc", "鹏程新能源股份有限公司", "company", "鹏程新能源", 29),
        ("inst", "鹏城先进技术研究院", "institute", "先进院", 22),
        ("uni", "鹏城科技大学", "university", "鹏科大", 19),
        ("news", "鹏城日报", "media", "", 9),
        ("assoc", "鹏城市人工智能产业协会", "association", "人工智能协会", 11),
    ]
    for nid, name, sub, aliases, mentions in orgs:
        g.add_node(nid, name=name, type="ORG", subtype=sub, aliases=aliases, mentions=mentions,
                   documents=max(1, mentions // 3))
    places = [
        ("cn", "中国", "country", 25), ("gd", "广东省", "province", 21), ("city", "鹏城市", "city", 52),
        ("dist", "海湾区", "district", 17), ("park", "鹏城高新技术产业园区", "zone", 14),
    ]
    for nid, name, sub, mentions in places:
        g.add_node(nid, name=name, type="LOC", subtype=sub, mentions=mentions, documents=max(1, mentions // 3))
    positions = [("zjh", "gov", "副市长"), ("lm", "dgov", "区长"), ("lzq", "xh", "董事长"),
                 ("csy", "pc", "总经理"), ("wxy", "news", "记者")]
    for person, org, title in positions:
        g.add_edge(person, org, relation="holds_position_at", title=title, weight=6, documents=4, npmi=0.8,
                   evidence=f"[news-0{len(title)}] {g.nodes[org]['name']}{title}{g.nodes[person]['name']}表示，"
                            "将继续推动产业高质量发展。")
    co = [("zjh", "xh", 9), ("zjh", "city", 12), ("zjh", "inst", 4), ("zjh", "lm", 3), ("lm", "dist", 8),
          ("lm", "park", 5), ("lzq", "inst", 6), ("lzq", "uni", 3), ("lzq", "assoc", 4), ("csy", "gd", 3),
          ("csy", "park", 4), ("wxy", "xh", 2), ("gov", "city", 15), ("dgov", "dist", 9), ("xh", "park", 11),
          ("xh", "inst", 8), ("xh", "uni", 5), ("xh", "pc", 4), ("pc", "gd", 5), ("inst", "uni", 7),
          ("assoc", "xh", 6), ("news", "city", 3), ("cn", "gd", 6), ("gd", "city", 10), ("city", "dist", 9),
          ("dist", "park", 7), ("cn", "xh", 3), ("gov", "inst", 4)]
    for a, b, w in co:
        g.add_edge(a, b, relation="co_occurs", weight=w, documents=max(1, w - 1), npmi=round(0.1 + w / 20, 2),
                   evidence=f"[news-{w:02d}] {g.nodes[a]['name']}与{g.nodes[b]['name']}在发布会上共同亮相。")
    g.nodes["xh"]["evidence"] = ("[news-01] 星河智能科技有限公司今日发布新一代工业机器人。\n"
                                 "[news-07] 鹏城市人民政府与星河智能签署战略合作协议。\n"
                                 "[news-12] 星河科技董事长李志强表示，公司将加大研发投入。")
    return g


class Opened:
    """A page showing one rendered map, with everything it tried to do recorded."""

    def __init__(self, browser, path: Path):
        self.remote: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(path.resolve().as_uri())
        # A function, not an expression string: the page's CSP forbids eval, which Playwright
        # would need to poll a string predicate.
        self.page.wait_for_function("() => window.kg && window.kg.ready", timeout=60_000)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def assert_clean(self):
        assert self.remote == [], f"requests left the page: {self.remote}"
        assert self.dialogs == [], f"dialogs fired: {self.dialogs}"
        assert self.errors == [], f"page errors: {self.errors}"


@pytest.fixture
def opened(browser, tmp_path):
    path = tmp_path / "map.html"
    render_html(hostile_graph(), path)
    page = Opened(browser, path)
    yield page
    page.page.close()


PAINTED_PIXELS = """() => {
  const canvas = document.querySelector('#kg-network canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 16) if (pixels[i] > 0) painted++;
  return {width: canvas.width, height: canvas.height, painted};
}"""


# The canvas pixel (RGBA) at a node's centre.
PIXEL_AT = """id => {
  const net = window.kg.network;
  const canvas = document.querySelector('#kg-network canvas');
  const dom = net.canvasToDOM(net.getPositions([id])[id]);
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  return Array.from(canvas.getContext('2d').getImageData(Math.round(dom.x * ratio), Math.round(dom.y * ratio), 1, 1).data);
}"""


def test_map_draws_offline_without_running_input(opened):
    assert opened.js("window.kg.nodes.length") == 6
    canvas = opened.js(PAINTED_PIXELS)
    assert canvas["width"] > 0 and canvas["height"] > 0 and canvas["painted"] > 100
    assert opened.js("window.kg.network.physics.options.enabled") is False  # layout frozen
    # Hostile names arrive as text: no element was made from them.
    assert opened.js("document.querySelectorAll('img').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 3
    opened.assert_clean()


def test_search_selects_and_shows_details(opened):
    page = opened.page
    page.fill("#kg-search", "星河智能科技有限公司")
    page.press("#kg-search", "Enter")
    assert opened.js("window.kg.network.getSelectedNodes()") == ["o2"]
    # By alias substring, and a hostile name as a search term.
    assert opened.js("window.kg.search('李总')") == "p2"
    assert opened.js("q => window.kg.search(q)", HOSTILE[0]) == "p1"
    assert opened.js("window.kg.network.getSelectedNodes()") == ["p1"]
    panel = opened.js("document.getElementById('kg-panel').textContent")
    assert HOSTILE[0] in panel and HOSTILE[1] in panel and "doc-1" in panel
    assert opened.js("window.kg.search('没有这个名字')") is None
    opened.assert_clean()


def test_type_filter_hides_nodes(opened):
    page = opened.page
    hidden = "t => window.kg.nodes.get().filter(n => n.kgType === t).map(n => !!n.hidden)"
    page.uncheck("#kg-filter-PERSON")
    assert opened.js(hidden, "PERSON") == [True, True]
    assert opened.js(hidden, "ORG") == [False, False]
    assert opened.js("window.kg.search('李志强')") is None  # hidden nodes are not searched
    page.check("#kg-filter-PERSON")
    assert opened.js(hidden, "PERSON") == [False, False]
    page.uncheck("#kg-filter-LOC-district")
    assert opened.js("window.kg.nodes.get('l2').hidden") is True
    assert opened.js("!!window.kg.nodes.get('l1').hidden") is False
    opened.js("window.kg.setTypeVisible('ORG', false)")
    assert page.is_checked("#kg-filter-ORG") is False
    opened.assert_clean()


def test_click_highlights_neighbourhood(opened):
    page = opened.page
    point = opened.js("""() => {
      const net = window.kg.network;
      const rect = document.querySelector('#kg-network canvas').getBoundingClientRect();
      const dom = net.canvasToDOM(net.getPositions(['l1']).l1);
      return {x: rect.left + dom.x, y: rect.top + dom.y};
    }""")
    at_p1 = opened.js(PIXEL_AT, "p1")
    page.mouse.click(point["x"], point["y"])
    assert opened.js("window.kg.network.getSelectedNodes()") == ["l1"]
    dimmed = opened.js("() => Object.fromEntries(window.kg.nodes.getIds().map(id => [id, window.kg.isDimmed(id)]))")
    assert dimmed["p1"] and dimmed["o1"]  # not neighbours of l1
    assert not dimmed["l1"] and not dimmed["o2"] and not dimmed["l2"]
    page.wait_for_timeout(100)
    after = opened.js(PIXEL_AT, "p1")
    assert sum(after[:3]) > sum(at_p1[:3]) + 60  # drawn paler: the veil covers it
    assert "鹏城市" in opened.js("document.getElementById('kg-panel').textContent")
    opened.assert_clean()


def test_sample_map_and_screenshot(browser, tmp_path):
    path = tmp_path / "sample.html"
    render_html(sample_graph_for_screenshot(), path, title="kg 知识图谱 · 示例")
    opened = Opened(browser, path)
    try:
        assert opened.js("window.kg.nodes.length") == 18
        assert opened.js("window.kg.search('星河智能')") == "xh"
        # Keep the selection and its details panel but show the whole map in colour.
        opened.js("window.kg.clearHighlight(); window.kg.network.fit({animation: false})")
        opened.page.wait_for_timeout(300)
        opened.assert_clean()
        target = os.environ.get("KG_SCREENSHOT")
        if target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            opened.page.screenshot(path=target)
    finally:
        opened.page.close()


def typed_graph() -> nx.Graph:
    """Typed relations (kg/events.py records on the edges) and located places (province, city)."""
    import json

    def event(head, type_, tail, trigger, sentence, modality="done", document="d1"):
        return {"head": head, "type": type_, "tail": tail, "modality": modality, "trigger": trigger,
                "trigger_start": len(sentence[:sentence.index(trigger)]), "document": document,
                "date": "1998-01-03", "sentence": sentence}

    g = nx.Graph()
    g.add_node("o1", name="星河智能", type="ORG", subtype="company", mentions=9)  # first: the edge runs o1 -> p1
    g.add_node("p1", name="张明", type="PERSON", subtype="official", mentions=8)
    g.add_node("p2", name="李强", type="PERSON", subtype="official", mentions=5)
    g.add_node("o2", name="鹏程能源", type="ORG", subtype="company", mentions=6)
    g.add_node("ln", name="辽宁", type="LOC", subtype="province", mentions=4, admin_level="province",
               admin_code="21")
    g.add_node("sy", name="沈阳", type="LOC", subtype="city", mentions=7, admin_level="city", admin_code="2101",
               province="辽宁省")
    g.add_node("hn", name="浑南区", type="LOC", subtype="district", mentions=3, admin_level="county",
               admin_code="210112", province="辽宁省", city="沈阳市")
    g.add_node("gz", name="广州", type="LOC", subtype="city", mentions=7, admin_level="city", admin_code="4401",
               province="广东省")
    # hostile text and a character outside the BMP (two UTF-16 units, one Python code point) before the trigger
    visit = HOSTILE[1] + "𠮷张明到星河智能调研。"
    g.add_edge("o1", "p1", weight=1, npmi=0.0, relation="visits",  # an edge only the event made: npmi 0
               event_records=json.dumps([event("p1", "visits", "o1", "调研", visit, document="d7")]))
    g.add_edge("p1", "p2", weight=3, relation="meets",
               event_records=json.dumps([event("p1", "meets", "p2", "会见", "张明会见李强。")]))
    g.add_edge("o1", "o2", weight=2, relation="acquires", event_records=json.dumps(
        [event("o1", "acquires", "o2", "收购", "星河智能收购鹏程能源。"),
         event("o2", "cooperates_with", "o1", "签约", "鹏程能源与星河智能拟签约。", modality="planned")]))
    g.add_edge("o2", "sy", weight=4, npmi=0.1, relation="co_occurs")
    g.add_edge("o1", "gz", weight=3, npmi=0.6, relation="co_occurs")
    g.add_edge("sy", "hn", weight=2, relation="co_occurs")
    g.add_edge("p2", "ln", weight=2, relation="holds_position_at", title="省长")
    return g


@pytest.fixture
def typed(browser, tmp_path):
    from kg.types import DocumentRecord

    path = tmp_path / "typed.html"
    render_html(typed_graph(), path,
                documents=[DocumentRecord("d7", "in/d7.txt", "调研报道", "1998-01-03", "https://news.example/7")])
    page = Opened(browser, path)
    yield page
    page.page.close()


SHOWN_EDGES = "() => window.kg.edges.get().filter(e => !e.hidden).map(e => [e.from, e.to].sort().join('-')).sort()"
SHOWN_NODES = "() => window.kg.nodes.get().filter(n => !n.hidden).map(n => n.id).sort()"


def test_typed_edges_draw_with_arrows_and_filter_by_kind(typed):
    page = typed.page
    drawn = typed.js("""() => { const b = window.kg.network.body.edges;
      return Object.values(b).map(e => [e.fromId, e.toId, e.options.arrows.to.enabled, e.options.arrows.from.enabled,
                                        e.options.color.color]); }""")
    by_ends = {(f, t): (to, back, colour) for f, t, to, back, colour in drawn}
    from kg.style import EDGE_STYLE
    assert by_ends[("o1", "p1")] == (False, True, EDGE_STYLE["visits"]["color"])  # p1 visits o1: the arrow at o1
    assert by_ends[("p1", "p2")][:2] == (False, False)  # meets: no arrow
    # the legend lists the event types present
    legend = page.text_content("#kg-edge-legend")
    assert "考察 visits →" in legend and "会见 meets" in legend and "收购 acquires" in legend
    assert "投资 invests in" not in legend  # none on this map
    page.click("#kg-edges-typed")
    assert typed.js(SHOWN_EDGES) == ["o1-o2", "o1-p1", "p1-p2"]  # co-occurrence and position edges off
    page.uncheck("#kg-filter-edge-acquires")  # o1-o2 stays: it also carries cooperates_with
    assert typed.js(SHOWN_EDGES) == ["o1-o2", "o1-p1", "p1-p2"]
    page.uncheck("#kg-filter-edge-cooperates_with")
    assert typed.js(SHOWN_EDGES) == ["o1-p1", "p1-p2"]
    page.uncheck("#kg-filter-PERSON")  # combines with the node filters
    assert typed.js(SHOWN_EDGES) == []
    page.check("#kg-filter-PERSON")
    typed.js("window.kg.setHidden('p2', true)")  # ...and with nodes the user hid
    assert typed.js(SHOWN_EDGES) == ["o1-p1"]
    typed.js("window.kg.setHidden('p2', false)")
    assert "o2" in typed.js(SHOWN_NODES)  # a node the kinds left unlinked is still shown...
    page.fill("#kg-min-degree", "1")  # ...until the degree filter, which counts the edges left, drops it
    page.dispatch_event("#kg-min-degree", "input")
    assert typed.js(SHOWN_NODES) == ["o1", "p1", "p2"]
    page.fill("#kg-min-degree", "0")
    page.dispatch_event("#kg-min-degree", "input")
    page.click("#kg-edges-all")
    assert len(typed.js(SHOWN_EDGES)) == 7
    page.fill("#kg-min-npmi", "0.5")  # NPMI filters co-occurrence only: a stated visit stays
    page.dispatch_event("#kg-min-npmi", "input")
    shown = typed.js(SHOWN_EDGES)
    assert "o1-p1" in shown and "gz-o1" in shown and "o2-sy" not in shown
    typed.assert_clean()


def test_edge_panel_lists_events_with_the_trigger_marked(typed):
    page = typed.page
    point = typed.js("""() => {
      const net = window.kg.network;
      let pos = net.getPositions(['o1', 'p1']);
      // p1 dragged away from o1, as a user would: side by side, two nodes and their labels may cover the edge
      net.moveNode('p1', pos.o1.x - 250, pos.o1.y + 120);
      pos = net.getPositions(['o1', 'p1']);
      const rect = document.querySelector('#kg-network canvas').getBoundingClientRect();
      const edge = net.getConnectedEdges('o1').filter(e => net.getConnectedEdges('p1').includes(e))[0];
      // a point on the edge that no node or label covers (where depends on the layout)
      for (let i = 1; i < 100; i++) {
        const t = i / 100;
        const dom = net.canvasToDOM({x: pos.o1.x + t * (pos.p1.x - pos.o1.x), y: pos.o1.y + t * (pos.p1.y - pos.o1.y)});
        if (net.getNodeAt(dom) === undefined && net.getEdgeAt(dom) === edge) return {x: rect.left + dom.x, y: rect.top + dom.y};
      }
      return null;
    }""")
    assert point is not None, "no point of the edge is free of nodes"
    page.mouse.click(point["x"], point["y"])
    page.mouse.move(5, 5)  # off the map: the panel keeps the clicked edge
    panel = page.locator("#kg-panel")
    assert "张明 → 星河智能" in panel.locator("h2").text_content()
    assert panel.locator(".kg-events li").count() == 1
    assert panel.locator(".kg-events mark").text_content() == "调研"  # at trigger_start, counted in code points
    sentence = panel.locator(".kg-events .kg-sentence").text_content()
    assert sentence == HOSTILE[1] + "𠮷张明到星河智能调研。"  # the hostile text stays text
    assert typed.js("document.querySelectorAll('#kg-panel img').length") == 0
    link = panel.locator(".kg-events a.kg-doc-link")
    assert link.text_content() == "调研报道" and link.get_attribute("href") == "https://news.example/7"
    assert "1998-01-03" in panel.locator(".kg-events").text_content()
    # modality when not done, and each event's own type
    typed.js("window.kg.network.selectEdges([])")
    edge_id = typed.js("() => window.kg.edges.get().find(e => e.kgRelation === 'acquires').id")
    typed.js("id => window.kg.network.emit('hoverEdge', {edge: id})", edge_id)
    items = panel.locator(".kg-events li")
    assert items.count() == 2
    assert "收购 acquires" in items.nth(0).text_content() and "计划" not in items.nth(0).text_content()
    assert "合作 cooperates with" in items.nth(1).text_content() and "计划 planned" in items.nth(1).text_content()
    assert items.nth(1).locator("mark").text_content() == "签约"
    typed.assert_clean()


def test_province_and_city_filter(typed):
    page = typed.page
    options = typed.js("() => Array.from(document.querySelectorAll('#kg-place option')).map(o => o.value)")
    assert "province:辽宁省" in options and "city:沈阳市" in options and "province:广东省" in options
    page.select_option("#kg-place", "province:辽宁省")
    # the places in Liaoning (the province itself, Shenyang, Hunnan) and what links to them
    assert typed.js(SHOWN_NODES) == ["hn", "ln", "o2", "p2", "sy"]
    page.uncheck("#kg-place-linked")
    assert typed.js(SHOWN_NODES) == ["hn", "ln", "sy"]
    page.select_option("#kg-place", "city:沈阳市")
    assert typed.js(SHOWN_NODES) == ["hn", "sy"]
    page.check("#kg-place-linked")
    assert typed.js(SHOWN_NODES) == ["hn", "o2", "sy"]
    page.uncheck("#kg-filter-ORG")  # combines with the type filter
    assert typed.js(SHOWN_NODES) == ["hn", "sy"]
    page.check("#kg-filter-ORG")
    page.click("#kg-edges-typed")  # ...and the edge kinds: 鹏程能源 is linked by co-occurrence only
    assert typed.js(SHOWN_NODES) == ["hn", "sy"]
    page.click("#kg-edges-all")
    page.select_option("#kg-place", "")
    assert len(typed.js(SHOWN_NODES)) == 8
    typed.assert_clean()
