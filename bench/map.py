"""How fast the map opens and answers a search on a large corpus, in headless Chromium.

    .venv/bin/python bench/map.py                       # 2,000 People's Daily 1998-01 articles
    .venv/bin/python bench/map.py --articles 300 --results-dir /tmp/bench-smoke

Builds the first --articles articles of ../shared/data/people_daily_1998/199801.txt (tags
stripped, one file per article, written to a work folder outside the repository) with
`kg build --max-html-nodes N` (default 2,000: every node the issue asks for on the map), then
opens graph.html in Debian's Chromium (Playwright) --repeat times:

- open: from navigation start to the first drawing with every node placed (the page's
  `window.kg.ready`; physics is off, the positions come from kg.layout), measured in the
  page with performance.now(); the median and the worst are reported. Threshold: 10 s.
- search: a name typed into the search box and Enter pressed (real key presses); the time
  from the key press to the answer in the status line, measured in the page; 20 names from
  the graph (on and off the map) per opening. Threshold: 200 ms for the worst. Also
  reported, without a threshold: the time to the end of the next frame the map draws.

Writes bench/results/map.json and map.md and prints PASS/FAIL lines.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OPEN_LIMIT_S, SEARCH_LIMIT_MS = 10.0, 200.0

# From the Enter key: to the status line's new text (the answer), and to the end of the next
# frame the map draws (the selection and its neighbourhood on screen).
SEARCH_PROBE = """() => { window.__kgProbe = new Promise(resolve => {
  const status = document.getElementById('kg-search-status');
  const got = {answer: null, frame: null};
  let t0 = null;
  const done = () => { if (got.answer !== null && got.frame !== null) resolve(got); };
  const observer = new MutationObserver(() => {
    if (t0 !== null && got.answer === null) { got.answer = performance.now() - t0; observer.disconnect(); done(); }
  });
  observer.observe(status, {childList: true, subtree: true, characterData: true});
  document.getElementById('kg-search').addEventListener('keydown', e => {
    if (e.key !== 'Enter') return;
    t0 = performance.now();
    window.kg.network.once('afterDrawing', () => { got.frame = performance.now() - t0; done(); });
    // an answer that changes nothing on the map (not found, off the map) draws no frame
    setTimeout(() => { if (got.frame === null) { got.frame = -1; done(); } }, 1500);
  }, {capture: true, once: true});
}); }"""  # stored, not returned: Playwright would wait for a returned promise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--max-html-nodes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from test_map_browser import write_articles

    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-map-"))
    if ROOT in work.resolve().parents:
        sys.exit("bench/map.py: --workdir must be outside the repository (no corpus text in it)")
    corpus, out = work / "articles", work / "out"
    written = write_articles(corpus, args.articles)
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "kg"), "build", str(corpus), "--out", str(out), "--jobs", str(args.jobs),
                    "--max-html-nodes", str(args.max_html_nodes), "--cache-dir", str(work / "cache"), "--quiet"],
                   check=True)
    build_s = time.perf_counter() - started
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    page_mb = (out / "graph.html").stat().st_size / 2**20

    opens, searches, frames = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.repeat):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
            page.goto(out.joinpath("graph.html").resolve().as_uri())
            page.wait_for_function("() => window.kg && window.kg.ready", timeout=120_000)
            opens.append(page.evaluate("window.kg.readyAt") / 1000.0)  # set at the first drawing
            names = page.evaluate("""() => {
              const all = Object.values(window.kg.entities);
              const step = Math.max(1, Math.floor(all.length / 20));
              return all.filter((e, i) => i % step === 0).slice(0, 20).map(e => e.name);
            }""")
            for name in names:
                page.fill("#kg-search", name)
                page.evaluate(SEARCH_PROBE)
                page.press("#kg-search", "Enter")
                got = page.evaluate("() => window.__kgProbe")
                searches.append(got["answer"])
                frames.append(got["frame"])
            page.close()
        browser.close()

    drawn = [f for f in frames if f >= 0]  # searches that changed the map
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}",
        "articles": written, "documents": summary["documents"], "entities": summary["entities"],
        "edges": summary["edges"], "map": summary.get("map", ""), "html_mb": round(page_mb, 1),
        "build_s": round(build_s, 1),
        "open_s": {"median": round(statistics.median(opens), 2), "max": round(max(opens), 2), "runs": [round(x, 2) for x in opens]},
        "search_ms": {"median": round(statistics.median(searches), 1), "max": round(max(searches), 1),
                      "count": len(searches)},
        "search_frame_ms": {"median": round(statistics.median(drawn), 1) if drawn else None,
                            "max": round(max(drawn), 1) if drawn else None, "count": len(drawn)},
    }
    checks = [
        (result["open_s"]["max"] < OPEN_LIMIT_S,
         f"map opens (laid out) in {result['open_s']['max']:.2f} s worst of {args.repeat} (needs < {OPEN_LIMIT_S:g} s)"),
        (result["search_ms"]["max"] < SEARCH_LIMIT_MS,
         f"search answers in {result['search_ms']['max']:.0f} ms worst of {len(searches)} (needs < {SEARCH_LIMIT_MS:g} ms)"),
    ]
    result["checks"] = [("PASS: " if ok else "FAIL: ") + text for ok, text in checks]
    table = ("| articles | entities | edges | map | page MB | open s (median / worst) | search ms (median / worst) "
             "| search + next frame ms (median / worst) |\n"
             "|---:|---:|---:|---|---:|---:|---:|---:|\n"
             f"| {written:,} | {result['entities']:,} | {result['edges']:,} | {result['map']} | {result['html_mb']} | "
             f"{result['open_s']['median']} / {result['open_s']['max']} | "
             f"{result['search_ms']['median']} / {result['search_ms']['max']} | "
             f"{result['search_frame_ms']['median']} / {result['search_frame_ms']['max']} |\n")
    text = f"{result['when']}, {result['machine']}, headless Chromium, 1400x900\n\n{table}\n" + "\n".join(
        f"- {line}" for line in result["checks"]) + "\n"
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / "map.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.results_dir / "map.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
