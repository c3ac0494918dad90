"""In a real browser (Debian's headless Chromium, driven by Playwright): a page on another
origin reads the API and revalidates it through CORS, and the docs render their
operations under the security headers. Any console error, failed request or blank page
fails the test."""

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, engine_independent, running_service

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Outside CI a machine without Chromium skips these tests; in CI (which installs it) they
# then fail instead.
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)",
    ),
    engine_independent,  # the browser sees HTTP, whatever the engine behind it
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>app</title></head><body>
<script>
async function revalidate(api) {
  const url = api + "/v1/member-states?as_of=2017-06-09";
  const first = await fetch(url, {cache: "no-store"});
  const body = await first.json();
  const etag = first.headers.get("ETag");
  const second = await fetch(url, {cache: "no-store", headers: {"If-None-Match": etag}});
  return {first: first.status, total: body.total, etag: etag,
          version: first.headers.get("Dataset-Version"),
          second: second.status, secondEtag: second.headers.get("ETag")};
}
</script></body></html>
"""


@pytest.fixture
def other_origin() -> Iterator[str]:
    """A page served from another origin (another port) than the API's."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module's tests (each opens pages of its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Watched:
    """A page whose console errors, uncaught exceptions and failed requests are kept."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on(
            "requestfailed",
            lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"),
        )


@pytest.fixture(scope="module")
def api(seeded_url: str) -> Iterator[str]:
    """The service over the shared seeded database, for the tests that only read."""
    with running_service(seeded_url) as (base, _):
        yield base


def test_a_page_on_another_origin_reads_and_revalidates(
    browser: Any, other_origin: str, api: str
) -> None:
    watched = Watched(browser)
    watched.page.goto(other_origin)
    result = watched.page.evaluate("api => revalidate(api)", api)
    assert watched.errors == []
    assert result["first"] == 200
    assert result["total"] == 8
    assert result["etag"], "ETag must be exposed to the page"
    assert result["version"], "Dataset-Version must be exposed to the page"
    assert result["second"] == 304
    assert result["secondEtag"] == result["etag"]


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/docs", ".opblock-summary-path"),
        ("/redoc", "[data-section-id^='tag/states/operation/']"),
    ],
)
def test_the_docs_render_their_operations(
    browser: Any, api: str, path: str, operation: str
) -> None:
    watched = Watched(browser)
    response = watched.page.goto(api + path)
    assert response is not None
    assert "content-security-policy" in response.headers
    watched.page.wait_for_selector(operation, timeout=20_000)
    count = watched.page.locator(operation).count()
    text = watched.page.inner_text("body")
    assert count >= 5, f"{path}: only {count} operations rendered"
    assert "member-states" in text or "Member" in text
    assert watched.errors == [], watched.errors


def test_swagger_ui_authorizes_with_a_key(browser: Any, seeded_copy_url: str) -> None:
    """A curator pastes a key into Swagger UI's "Authorize" dialog; the audit, which needs
    it, then answers 200 to "Try it out" in the page (and 401 before)."""
    from app.core.db import make_engine
    from app.storage import keys

    engine = make_engine(seeded_copy_url)
    secret = keys.create(engine, "browser", ["audit:read"])
    engine.dispose()
    with running_service(seeded_copy_url) as (api, _):
        watched = Watched(browser)
        page = watched.page
        page.goto(api + "/docs")
        page.wait_for_selector(".btn.authorize", timeout=20_000)

        def audit_status() -> str:
            block = page.locator("#operations-changes-getAudit")
            if not block.locator(".try-out__btn").is_visible():
                block.locator(".opblock-summary").click()
            if block.locator(".try-out__btn.cancel").count() == 0:
                block.locator(".try-out__btn").click()
            block.locator(".execute").click()
            status = block.locator(".live-responses-table tr.response .response-col_status").first
            status.wait_for(timeout=20_000)
            text: str = status.inner_text().strip()
            block.locator(".btn-clear").click()
            return text

        assert audit_status().startswith("401")
        page.locator(".btn.authorize").first.click()
        page.locator(".modal-ux input").first.fill(secret)
        page.locator(".modal-ux .auth-btn-wrapper .btn.modal-btn.auth.authorize").click()
        page.locator(".modal-ux .btn-done").click()
        assert audit_status().startswith("200")
        # The 401 the page saw first is a console error of the browser's own; nothing else.
        assert [e for e in watched.errors if "401" not in e] == []


# --- The site (issue 21) ----------------------------------------------------------------

AXE_VERSION = "4.14.1"
AXE = ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe() -> Path:
    """axe-core (npm), installed into .tools/axe on first use, as Spectral is."""
    if not AXE.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
                str(ROOT / ".tools" / "axe"),
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
        )
    return AXE


def test_the_day_page_renders_alone_and_passes_an_accessibility_audit(
    browser: Any, api: str, axe: Path
) -> None:
    """`/` in Chromium: no console error (a blocked script or style would be one), no
    request to another origin, every section there; axe-core finds no violation (injected
    into a context that bypasses the page's policy, which allows no script)."""
    watched = Watched(browser)
    requested: list[str] = []
    watched.page.on("request", lambda r: requested.append(r.url))
    response = watched.page.goto(f"{api}/?as_of=2022-03-17")
    assert response is not None
    assert response.status == 200
    assert watched.errors == []
    assert requested
    assert all(url.startswith(api + "/") for url in requested), requested
    heading = watched.page.inner_text("h1")
    assert heading == "The Shanghai Cooperation Organisation on 17 March 2022"
    for section in ("States", "Who led it", "Bodies and their seats", "Languages and standing"):
        assert watched.page.get_by_role("heading", name=section, exact=True).count() == 1
    # Sources are folded away until asked for; opened, their quotes show.
    first = watched.page.locator("details.sources").first
    assert not first.locator("blockquote").first.is_visible()
    first.locator("summary").click()
    assert first.locator("blockquote").first.is_visible()

    assert audit(browser, f"{api}/?as_of=2022-03-17", axe) == []


def audit(browser: Any, url: str, axe: Path) -> list[dict[str, Any]]:
    """axe-core's violations on the page at `url` (injected into a context that bypasses
    the page's policy, which allows no script)."""
    context = browser.new_context(bypass_csp=True)
    try:
        audited = context.new_page()
        audited.goto(url)
        audited.add_script_tag(path=str(axe))
        violations: list[dict[str, Any]] = audited.evaluate(
            "async () => (await axe.run()).violations.map("
            "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}))"
        )
    finally:
        context.close()
    return violations


@pytest.mark.parametrize(
    "path",
    [
        "/states/IN?as_of=2022-03-17",
        "/people/zhang-ming",
        "/sources/newsaz-2024-belarus-member",
        "/bodies/secretariat?as_of=2022-03-17",
        "/meetings/2022-samarkand",
        "/documents/charter",
        "/change-sets/1",
        "/changes",
        "/states/IN?version=1",
        "/?as_of=2022-03-17&lang=zh",
        "/states/IN?lang=ru",
        "/people/zhang-ming?lang=zh",
        "/timeline?as_of=2022-03-17&lang=ru",
    ],
)
def test_the_pages_of_things_render_alone_and_pass_an_accessibility_audit(
    browser: Any, api: str, axe: Path, path: str
) -> None:
    watched = Watched(browser)
    requested: list[str] = []
    watched.page.on("request", lambda r: requested.append(r.url))
    response = watched.page.goto(api + path)
    assert response is not None
    assert response.status == 200
    assert watched.page.locator("h1").count() == 1
    assert watched.errors == []
    assert all(url.startswith(api + "/") for url in requested), requested
    assert audit(browser, api + path, axe) == []


def shots(tmp_path: Path) -> Path:
    """Where the screenshots go: SCO_SCREENSHOTS to keep them (they are not committed),
    else the test's temporary folder."""
    folder = Path(os.environ.get("SCO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(
    ("path", "name", "heading", "text"),
    [
        ("/states/IN?as_of=2022-03-17", "state", "India", "Member state since 9 June 2017"),
        ("/people/zhang-ming", "person", "Zhang Ming", "Terms of office"),
        ("/states/IN?as_of=2022-03-17&lang=ru", "state-ru", "Индия", "Государство-член с 9 июня"),
        ("/people/zhang-ming?lang=zh", "person-zh", "张明", "任期"),
        ("/?as_of=2022-03-17&lang=zh", "day-zh", "2022年3月17日的上海合作组织", "成员国 (8)"),
    ],
)
def test_pages_at_a_desktops_and_a_phones_width(
    browser: Any, api: str, tmp_path: Path, path: str, name: str, heading: str, text: str
) -> None:
    """A state and a person page (and pages in Russian and Chinese) at 1280 and 390 px:
    the heading and the expected text are shown, and nothing is wider than a phone."""
    watched = Watched(browser)
    page = watched.page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(api + path)
    assert page.inner_text("h1") == heading
    assert text in page.inner_text("main").replace("\u202f", " ")
    page.screenshot(path=str(shots(tmp_path) / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("h1").is_visible()
    page.screenshot(path=str(shots(tmp_path) / f"{name}-phone.png"))
    assert watched.errors == []


def test_the_day_page_by_keyboard_and_at_a_phones_width(
    browser: Any, api: str, tmp_path: Path
) -> None:
    """A keyboard user skips to the content, reaches the day field, types a day and sends
    the form (no script: a plain GET); at a phone's width nothing is wider than the screen."""
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{api}/?as_of=2022-03-17")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    for _ in range(20):  # the site's links and the language links come first
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "as_of":
            break
    assert page.evaluate("document.activeElement.id") == "as_of"
    page.fill("#as_of", "2017-06-09")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{api}/?as_of=2017-06-09")
    assert page.inner_text("h1") == "The Shanghai Cooperation Organisation on 9 June 2017"
    assert "Member states (8)" in page.inner_text("main")
    page.screenshot(path=str(shots(tmp_path) / "day-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("h1").is_visible()
    page.screenshot(path=str(shots(tmp_path) / "day-phone.png"))
    assert watched.errors == []


def test_the_timeline_by_keyboard_and_audit(
    browser: Any, api: str, axe: Path, tmp_path: Path
) -> None:
    """Every link in the drawing is reached with Tab, in order, each with a name; axe-core
    finds no violation; at a phone's width the drawing shrinks to the screen."""
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{api}/timeline?as_of=2022-03-17")
    links = page.evaluate("document.querySelectorAll('svg.timeline a').length")
    assert links > 60
    reached: set[str] = set()
    for _ in range(links + 40):  # the skip link, the site's links, then the drawing's
        page.keyboard.press("Tab")
        name = page.evaluate(
            "(() => { const a = document.activeElement;"
            " return a.closest('svg.timeline') ? (a.getAttribute('aria-label') ||"
            " a.textContent.trim()) : null; })()"
        )
        if name:
            reached.add(name)
    every = page.evaluate(
        "[...document.querySelectorAll('svg.timeline a')].map("
        "a => a.getAttribute('aria-label') || a.textContent.trim())"
    )
    assert reached == set(every), set(every) - reached
    page.screenshot(path=str(shots(tmp_path) / "timeline-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    width = page.evaluate("document.querySelector('svg.timeline').getBoundingClientRect().width")
    assert width <= 390
    page.screenshot(path=str(shots(tmp_path) / "timeline-phone.png"))
    assert watched.errors == []
    assert audit(browser, f"{api}/timeline?as_of=2022-03-17", axe) == []
