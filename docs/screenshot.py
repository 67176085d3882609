"""Save a screenshot of a built map (default: outputs/graph.html -> docs/screenshot.png).

Needs Debian's chromium and the playwright package (no browser download):
    .venv/bin/python docs/screenshot.py [HTML] [PNG]
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

html = Path(sys.argv[1] if len(sys.argv) > 1 else "outputs/graph.html").resolve()
png = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshot.png")
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    page = browser.new_page(viewport={"width": 1400, "height": 860})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(html.as_uri())
    page.wait_for_function("() => window.kg && window.kg.ready")
    page.wait_for_timeout(500)
    page.screenshot(path=str(png))
    browser.close()
print(png)
