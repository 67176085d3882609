"""examples/quickstart.ipynb run by a real Jupyter kernel (nbclient + ipykernel), then
converted to HTML (nbconvert) and opened in headless Chromium: both maps of the notebook
draw inside the page, with no network request.

What the notebook prints is checked against a build of the same corpus in this process
(deterministic, same cache), not against fixed model predictions.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import networkx as nx  # noqa: E402

import kg  # noqa: E402
from kg.nlp import DEFAULT_MODEL, MODELS_DIR  # noqa: E402
from tests.helpers import IframeCollector  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "quickstart.ipynb"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")]


def test_notebook_is_committed_without_outputs():
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.reads(NOTEBOOK.read_text(encoding="utf-8"), as_version=4))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None, "".join(cell["source"])[:60]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The notebook executed in a fresh kernel, its working folder, and the same build here."""
    work = tmp_path_factory.mktemp("notebook")
    cache = tmp_path_factory.mktemp("cache")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_CACHE_DIR", str(cache))  # the kernel inherits it: no ~/.cache/kg
        client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                         resources={"metadata": {"path": str(work)}})
        client.execute()
        here = kg.build(kg.SAMPLE_CORPUS, cache_dir=cache, jobs=1, progress=False)
    return notebook, work, here


def cell_with(notebook, text: str):
    found = [c for c in notebook.cells if c.cell_type == "code" and text in c.source]
    assert len(found) == 1, text
    return found[0]


def output_text(cell) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/html", "") or out.data.get("text/plain", ""))
    return "\n".join(parts)




def maps_in(cell) -> list[str]:
    """The pages of the kg maps a cell displayed."""
    pages = []
    for out in cell.outputs:
        if out.output_type in ("execute_result", "display_data") and "text/html" in out.data:
            parser = IframeCollector()
            parser.feed(out.data["text/html"])
            pages.extend(f["srcdoc"] for f in parser.frames if "kg-map" in f.get("class", ""))
    return pages


def test_notebook_runs_in_a_kernel_and_shows_what_kg_found(run):
    notebook, work, here = run
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count for c in notebook.cells if c.cell_type == "code")

    summary = output_text(cell_with(notebook, "s = graph.summary"))
    assert f"{here.summary.documents} documents, {here.summary.characters} characters, " \
           f"{here.summary.entities} entities" in summary

    orgs = output_text(cell_with(notebook, 'entities(type="ORG")'))
    top_orgs = here.entities(type="ORG")[:10]
    assert "<table" in orgs and top_orgs
    assert all(e.name in orgs for e in top_orgs)
    officials = output_text(cell_with(notebook, 'entities(subtype="official")'))
    assert all(e.name in officials for e in here.entities(subtype="official")[:10])
    relations = output_text(cell_with(notebook, "graph.relations()"))
    assert all(r.head in relations and r.tail in relations for r in here.relations()[:8])

    city = here.find("大连")
    assert city is not None
    around = output_text(cell_with(notebook, 'graph.find("大连")'))
    assert around.startswith(f"{city.name} {city.type} {city.subtype}")
    part = here.subgraph(around=city.name)
    assert repr(part) in around

    # the map twice: the whole graph, then the city's part, each a page of its own
    whole, = maps_in(cell_with(notebook, "graph = kg.build("))
    dalian, = maps_in(cell_with(notebook, "dalian.show("))
    assert whole == here.to_html() and dalian == part.to_html()
    assert "height: 500px" in output_text(cell_with(notebook, "dalian.show("))

    graphml = work / "dalian" / "graph.graphml"
    written = nx.read_graphml(graphml)
    assert set(written) == set(part.graph) and city.id in written
    assert f"{written.number_of_nodes()} nodes, {written.number_of_edges()} edges" in output_text(
        cell_with(notebook, "nx.read_graphml"))


PAINTED = """() => {
  const canvas = document.querySelector('#kg-network canvas');
  if (!canvas) return null;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 16) if (pixels[i] > 0) painted++;
  return {width: canvas.width, height: canvas.height, painted, nodes: window.kg.data.nodes.length};
}"""


def test_notebook_as_html_draws_both_maps_offline_in_chromium(run, tmp_path, browser):
    from nbconvert import HTMLExporter

    notebook, _, here = run
    # nbconvert's own page loads require.js and MathJax from a CDN; pointed at empty data: URLs
    # here, so that any request left is one a kg map made
    exporter = HTMLExporter(template_name="lab", require_js_url="data:text/javascript,",
                            mathjax_url="data:text/javascript,")
    body, _ = exporter.from_notebook_node(notebook)
    page_file = tmp_path / "quickstart.html"
    page_file.write_text(body, encoding="utf-8")

    remote, frame_errors = [], []
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    def route(r):
        if r.request.url.startswith(("file://", "data:", "about:")):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: frame_errors.append(m.text)
            if m.type == "error" and m.location.get("url", "").startswith("about:srcdoc") else None)
    page.on("pageerror", lambda exc: frame_errors.append(str(exc)) if "kg" in str(exc) else None)
    page.goto(page_file.resolve().as_uri())

    frames = page.locator("iframe.kg-map")
    assert frames.count() == 2
    drawn = []
    for i in range(2):
        frames.nth(i).scroll_into_view_if_needed()  # off-screen frames may be throttled, as in a real page
        frame = frames.nth(i).element_handle().content_frame()
        frame.wait_for_function("() => window.kg && window.kg.ready", timeout=60_000)
        drawn.append(frame.evaluate(PAINTED))
    for state in drawn:
        assert state and state["width"] > 200 and state["height"] > 200
        assert state["painted"] > 500, state  # nodes and edges on the canvas, not a blank map
    part = here.subgraph(around=here.find("大连").name)
    assert drawn[0]["nodes"] == min(len(here), here.options.max_html_nodes)
    assert drawn[1]["nodes"] == len(part) < drawn[0]["nodes"]
    assert remote == [], f"requests left the page: {remote}"
    assert frame_errors == []
    page.close()

