"""The map of a real corpus in headless Chromium, driven with real clicks and key presses.

The corpus: the first 300+ articles of People's Daily 1998-01 (../shared/data), read at test
time, written one article a file named by its date (19980101-01-001.txt), built by kg with
the shipped model. Nothing here depends on what exactly the model finds: the nodes a test
uses are picked from the build's own files (graph.json, the page's data).

KG_SCREENSHOTS=DIR saves the 1400 px and 390 px screenshots used by the README.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from kg.build import BuildOptions, build
from kg.corpora import read_people_daily_1998

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "people_daily_1998" / "199801.txt"
ARTICLES = 320
DATA_BLOCK = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def write_articles(folder: Path, count: int) -> int:
    """The first `count` articles of the corpus, tags stripped, one file each."""
    folder.mkdir(parents=True, exist_ok=True)
    articles: dict[str, list[str]] = {}
    for para in read_people_daily_1998(CORPUS):
        article = para.doc_id.rsplit("-", 1)[0] if para.doc_id.count("-") >= 3 else para.doc_id
        if article not in articles:
            if len(articles) == count:
                break
            articles[article] = []
        articles[article].append(para.text)
    for article, paragraphs in articles.items():
        (folder / f"{article}.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    return len(articles)


@pytest.fixture(scope="module")
def real_build(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is not available")
    root = tmp_path_factory.mktemp("pd1998")
    written = write_articles(root / "pd1998", ARTICLES)
    assert written >= 300
    out = root / "out"
    summary = build([str(root / "pd1998")], BuildOptions(out_dir=out, jobs=1, cache_dir=root / "cache", progress=False))
    assert summary.documents >= 300
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    page = DATA_BLOCK.search((out / "graph.html").read_text(encoding="utf-8")).group(1)
    return {"out": out, "graph": graph, "data": json.loads(page), "summary": summary}


class Opened:
    """A page showing the map at one width, with everything it tried to do recorded."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 900, hash_: str = ""):
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.uri = path.resolve().as_uri()
        self.page.goto(self.uri + hash_)
        self.wait()

    def wait(self):
        self.page.wait_for_function("() => window.kg && window.kg.ready", timeout=60_000)

    def _route(self, route):
        if route.request.url.startswith(("file://", "data:", "blob:")):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def click_node(self, node_id: str):
        """A real mouse click on the node where the canvas draws it."""
        point = self.js("""id => {
          const net = window.kg.network;
          const rect = document.querySelector('#kg-network canvas').getBoundingClientRect();
          const dom = net.canvasToDOM(net.getPositions([id])[id]);
          return {x: rect.left + dom.x, y: rect.top + dom.y};
        }""", node_id)
        self.page.mouse.click(point["x"], point["y"])

    def visible_nodes(self) -> list[str]:
        return self.js("window.kg.nodes.get().filter(n => !n.hidden).map(n => n.id)")

    def visible_edges(self) -> list[dict]:
        return self.js("window.kg.edges.get().filter(e => !e.hidden).map(e => ({from: e.from, to: e.to, "
                       "weight: e.kg.weight, npmi: e.kg.npmi, relation: e.kgRelation, event: e.kg.event_type || null}))")

    def close(self):
        assert self.remote == [], f"requests left the page: {self.remote}"
        assert self.errors == [], f"page errors: {self.errors}"
        self.context.close()


@pytest.fixture
def opened(browser, real_build):
    page = Opened(browser, real_build["out"] / "graph.html")
    yield page
    page.close()


def screenshot(page, name: str):
    folder = os.environ.get("KG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))


def test_opens_laid_out_with_the_top_labels_readable(opened, real_build):
    data, graph = real_build["data"], real_build["graph"]
    assert real_build["summary"].map == f"map shows {len(data['nodes'])} of {len(graph['nodes'])} nodes"
    assert opened.js("window.kg.network.physics.options.enabled") is False
    # the positions kg.layout computed, the same ones graph.json (and the GEXF) carry
    xy = {n["id"]: (n["x"], n["y"]) for n in graph["nodes"]}
    first = data["nodes"][0]["id"]
    drawn = opened.js("id => window.kg.network.getPositions([id])[id]", first)
    assert (drawn["x"], drawn["y"]) == pytest.approx(xy[first], abs=1)  # vis-network reports whole pixels
    # the most important labels: at least 10 px on screen at the opening zoom
    scale = opened.js("window.kg.network.getScale()")
    assert scale < 1  # the whole map fits: plain 14 px labels would be too small to draw
    sizes = opened.js("window.kg.topIds.map(id => window.kg.nodes.get(id).font.size)")
    assert len(sizes) >= 10 and all(size * scale >= 10 for size in sizes)
    screenshot(opened.page, "map-1400.png")


def test_search_reaches_entities_off_the_map_and_adds_them(opened, real_build):
    data = real_build["data"]
    assert data["extra"], "the corpus should have more entities than the map shows"
    on_map_names = {n["kg"]["name"] for n in data["nodes"]}
    row = next(r for r in data["extra"] if r[1] not in on_map_names and len(r[1]) >= 2
               and not any(r[1] in name for name in on_map_names)
               and any(r[0] in (e[0], e[1]) for e in data["extraEdges"]))
    page = opened.page
    page.click("#kg-search")
    page.keyboard.type(row[1])
    page.keyboard.press("Enter")
    status = page.text_content("#kg-search-status")
    assert "不在图上" in status and "not on the map" in status
    assert opened.js("id => window.kg.nodes.get(id)", row[0]) is None
    page.click("#kg-search-action")
    assert opened.js("id => !!window.kg.nodes.get(id)", row[0])
    assert opened.js("window.kg.network.getSelectedNodes()") == [row[0]]
    neighbours = opened.js("id => window.kg.network.getConnectedNodes(id)", row[0])
    assert neighbours  # came with its neighbours
    assert row[1] in page.text_content("#kg-panel")


def test_neighbour_list_is_complete_and_scrolls(opened, real_build):
    data = real_build["data"]
    shown = {n["id"] for n in data["nodes"]}
    known: dict[str, set] = {}
    for e in data["edges"]:
        known.setdefault(e["from"], set()).add(e["to"])
        known.setdefault(e["to"], set()).add(e["from"])
    for e in data["extraEdges"]:
        known.setdefault(e[0], set()).add(e[1])
        known.setdefault(e[1], set()).add(e[0])
    # the node with most neighbours that a click at its centre reaches (not one drawn over it)
    clickable = set(opened.js("""ids => ids.filter(id => {
      const net = window.kg.network;
      return net.getNodeAt(net.canvasToDOM(net.getPositions([id])[id])) === id;
    })""", sorted(shown)))
    hub = max(clickable, key=lambda n: (len(known.get(n, ())), n))
    expected = len(known[hub] - {hub})
    assert expected > 15  # more than the old list's cut-off
    opened.click_node(hub)
    assert opened.js("window.kg.network.getSelectedNodes()") == [hub]
    items = opened.page.locator("#kg-panel ol.kg-neighbours > li")
    assert items.count() == expected
    degree = next(n for n in real_build["graph"]["nodes"] if n["id"] == hub)
    header = opened.page.text_content("#kg-panel h3:has-text('neighbours')")
    assert str(expected) in header
    assert opened.js("() => { const l = document.querySelector('#kg-panel ol.kg-neighbours');"
                     " return getComputedStyle(l).overflowY === 'auto' && l.scrollHeight > l.clientHeight; }")
    assert degree  # the hub is an entity of the exported graph


def test_weight_npmi_and_degree_filters(opened):
    page = opened.page
    before = opened.visible_edges()
    page.focus("#kg-min-weight")
    page.keyboard.press("ArrowRight")  # min weight 2
    after = opened.visible_edges()
    assert page.text_content("#kg-min-weight-value") == "2"
    assert after and len(after) < len(before) and all(e["weight"] >= 2 for e in after)
    page.keyboard.press("Home")
    assert len(opened.visible_edges()) == len(before)
    page.focus("#kg-min-npmi")
    for _ in range(28):  # -1 + 28 * 0.05 = 0.4
        page.keyboard.press("ArrowRight")
    strong = opened.visible_edges()
    assert len(strong) < len(before)
    # positions and typed relations (events) are stated, not counted: NPMI leaves them alone
    assert all(e["relation"] == "holds_position_at" or e["event"] or e["npmi"] is None or e["npmi"] >= 0.4 - 1e-9
               for e in strong)
    assert any(e["npmi"] is not None and e["npmi"] < 0.4 and not e["event"] and e["relation"] != "holds_position_at"
               for e in before)  # the filter had co-occurrence edges to hide
    page.keyboard.press("Home")
    page.fill("#kg-min-degree", "3")
    visible = set(opened.visible_nodes())
    degree: dict[str, int] = {}
    for e in opened.visible_edges():
        degree[e["from"]] = degree.get(e["from"], 0) + 1
        degree[e["to"]] = degree.get(e["to"], 0) + 1
    assert visible and all(degree.get(n, 0) >= 3 for n in visible)
    assert len(visible) < opened.js("window.kg.nodes.length")


def test_date_range_slider(opened, real_build):
    periods = real_build["data"]["periods"]
    assert len(periods) >= 2 and periods[0].startswith("1998-01")
    page = opened.page
    total = len(opened.visible_nodes())
    page.focus("#kg-date-to")
    page.keyboard.press("Home")  # to = the first day
    page.keyboard.press("ArrowRight")  # ... and the next
    hi = periods[1]
    assert page.text_content("#kg-date-to-value") == hi
    seen = opened.js("window.kg.nodes.get().filter(n => !n.hidden).map(n => n.kg.first_seen)")
    assert 0 < len(seen) < total and all(first and first <= hi + "\uffff" for first in seen)
    page.focus("#kg-date-from")
    page.keyboard.press("End")  # from can pass to: to follows
    assert page.text_content("#kg-date-to-value") == periods[-1]
    late = opened.js("window.kg.nodes.get().filter(n => !n.hidden).map(n => n.kg.last_seen)")
    assert late and all(last >= periods[-1] for last in late)


def test_size_and_colour_modes(opened):
    page = opened.page
    page.select_option("#kg-size-by", "degree")
    rows = opened.js("window.kg.nodes.get().map(n => [n.kg.degree, n.size])")
    biggest = max(rows, key=lambda r: r[0])
    smallest = min(rows, key=lambda r: r[0])
    assert biggest[1] > smallest[1]
    assert all(a[1] <= b[1] for a, b in zip(sorted(rows), sorted(rows)[1:]))  # size follows degree
    page.select_option("#kg-size-by", "betweenness")
    rows = opened.js("window.kg.nodes.get().map(n => [n.kg.betweenness, n.size])")
    assert all(a[1] <= b[1] for a, b in zip(sorted(rows), sorted(rows)[1:]))
    page.select_option("#kg-colour-by", "community")
    colours = opened.js("window.kg.nodes.get().map(n => [n.kg.community, n.color.background])")
    palette = opened.js("window.kg.data.communityColours")
    for community, colour in colours:
        assert colour == (palette[community] if 0 <= community < len(palette) else opened.js("window.kg.data.communityOther"))
    assert len({c for _, c in colours}) >= 3
    page.select_option("#kg-colour-by", "subtype")
    assert opened.js("window.kg.nodes.get().every(n => n.color.background === window.kg.data.palette[n.kgType + '/' + n.kgSubtype])")


def test_hidden_nodes_are_kept_in_the_url_hash(browser, real_build):
    data = real_build["data"]
    target = data["nodes"][0]
    first = Opened(browser, real_build["out"] / "graph.html")
    try:
        first.page.fill("#kg-search", target["kg"]["name"])
        first.page.press("#kg-search", "Enter")
        first.page.click("#kg-hide-node")
        assert opened_hidden(first, target["id"])
        url = first.page.url
        assert "#hide=" in url
    finally:
        first.close()
    again = Opened(browser, real_build["out"] / "graph.html", hash_="#" + url.split("#", 1)[1])
    try:
        assert opened_hidden(again, target["id"])  # the choice came back with the URL
        again.page.click("#kg-hidden-list .kg-tag")
        assert not opened_hidden(again, target["id"])
        assert "#hide=" not in again.page.url
    finally:
        again.close()


def opened_hidden(page: Opened, node_id: str) -> bool:
    return bool(page.js("id => !!window.kg.nodes.get(id).hidden", node_id))


def test_entity_table_sorts_filters_and_focuses(opened, real_build):
    page = opened.page
    page.click("#kg-table-open")
    assert page.is_visible("#kg-table")
    mentions = lambda: [int(c.replace(",", "") or 0) for c in page.locator("#kg-table-body tr td:nth-child(3)").all_text_contents()]  # noqa: E731
    first = mentions()
    assert first == sorted(first, reverse=True) and len(first) > 100
    page.click("#kg-table th[data-key=mentions]")
    up = mentions()
    assert up == sorted(up) and up != first
    page.click("#kg-table th[data-key=name]")
    names = page.locator("#kg-table-body tr td:nth-child(1)").all_text_contents()
    assert names == sorted(names)
    target = real_build["data"]["nodes"][3]["kg"]["name"]
    page.fill("#kg-table-filter", target)
    rows = page.locator("#kg-table-body tr")
    assert 1 <= rows.count() < len(names)
    exact = page.locator("#kg-table-body tr", has=page.locator("td:nth-child(1)", has_text=target)).first
    node_id = exact.get_attribute("data-id")
    exact.click()
    assert not page.is_visible("#kg-table")
    assert opened.js("window.kg.network.getSelectedNodes()") == [node_id]


def test_png_export_of_the_view(opened):
    with opened.page.expect_download() as info:
        opened.page.click("#kg-png")
    download = info.value
    assert download.suggested_filename == "kg-map.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_evidence_links_to_its_article_with_title_and_date(opened, real_build):
    data = real_build["data"]
    node = next(n for n in data["nodes"] if n["kg"]["evidence"])
    doc_id = re.match(r"\[([^\]]*)\]", node["kg"]["evidence"][0]).group(1)
    title, date, link = data["documents"][doc_id]
    assert date.startswith("1998-01-") and link.startswith("file://") and link.endswith(".txt")
    opened.click_node(node["id"])
    anchor = opened.page.locator("#kg-panel a.kg-doc-link").first
    assert anchor.get_attribute("href") == link and anchor.get_attribute("target") == "_blank"
    assert date in opened.page.text_content("#kg-panel")
    documents = (real_build["out"] / "documents.csv").read_text(encoding="utf-8-sig").splitlines()
    assert documents[0] == "id,path,title,date,url,source,characters,entities"
    assert len(documents) - 1 == real_build["summary"].documents


def test_phone_layout_folds_the_panels_away(browser, real_build):
    phone = Opened(browser, real_build["out"] / "graph.html", width=390, height=844)
    try:
        page = phone.page
        box = page.locator("#kg-network").bounding_box()
        assert box["width"] >= 380 and box["height"] >= 700  # the map has the screen
        sidebar = lambda: page.locator("#kg-sidebar").bounding_box()  # noqa: E731
        assert sidebar()["x"] + sidebar()["width"] <= 1  # folded away to the left
        page.click("#kg-toggle-sidebar")
        page.wait_for_timeout(300)
        assert sidebar()["x"] >= -1 and page.is_visible("#kg-search")
        page.fill("#kg-search", phone.js("window.kg.data.nodes[0].kg.name"))
        page.press("#kg-search", "Enter")
        page.wait_for_timeout(400)
        panel = page.locator("#kg-panel").bounding_box()
        assert panel["x"] + panel["width"] <= 391 and panel["x"] >= 390 - panel["width"] - 1  # details slid in
        assert sidebar()["x"] + sidebar()["width"] <= 1  # one drawer at a time
        page.click("#kg-toggle-panel")
        page.wait_for_timeout(300)
        assert page.locator("#kg-panel").bounding_box()["x"] >= 389
        phone.js("window.kg.clearHighlight(); window.kg.network.fit({animation: false})")
        page.wait_for_timeout(200)
        screenshot(page, "map-390.png")
    finally:
        phone.close()
