"""The site for people (issue 21), first step: `/`, the organisation on a day in English,
server-rendered, with no script and nothing from another origin; cached like the API's
answers; JSON clients asking `/` get an index of links. (The browser, keyboard and
accessibility checks are in tests/test_browser.py.)"""

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from app.api.languages import Lang
from app.site.render import PAGE_CSP
from app.site.speech import tongue
from app.writes.importing import import_file
from tests.conftest import REVALIDATE, OpenClient, engine_independent
from tests.test_seed import copy_seed, correct_astana_city

pytestmark = pytest.mark.anyio
DAY = "2022-03-17"  # the day the seed articles were published
BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "div", "blockquote", "summary", "br", "td"}


class Page(HTMLParser):
    """What the tests read of a page: its text, its links, its scripts and resources."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.loads: list[str] = []  # what the page makes a browser fetch
        self.scripts = 0
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.tags.append((tag, named))
        if tag in BLOCKS:
            self.text.append(" ")
        if tag == "script":
            self.scripts += 1
        if tag == "a" and named.get("href"):
            self.links.append(named["href"] or "")
        source = named.get("href") or named.get("src")
        if tag in ("link", "img") and source and named.get("rel") != "alternate":
            self.loads.append(source)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.text.append(" ")  # as a browser lays blocks apart

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


async def page(client: httpx.AsyncClient, path: str) -> tuple[httpx.Response, Page]:
    response = await client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    return response, Page(response.text)


async def test_the_day_page_shows_the_organisation_on_that_day(client: httpx.AsyncClient) -> None:
    response, found = await page(client, f"/?as_of={DAY}")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    words = found.words
    assert "The Shanghai Cooperation Organisation on 17 March 2022" in words
    assert "Member states (8)" in words
    for state in ("China", "India", "Kazakhstan", "Kyrgyzstan", "Pakistan", "Russia"):
        assert state in words
    assert "Observer states (4)" in words  # Afghanistan, Belarus, Iran, Mongolia
    assert "Zhang Ming (China)" in words  # the Secretary-General
    assert "Uzbekistan 18 September 2021 \u2013 16 September 2022" in words  # the chair
    assert "since 15 June 2001" in words  # a founder's membership, to the day
    # Each fact's sources and their quotes, folded away until asked for.
    details = [tag for tag, _ in found.tags if tag == "details"]
    assert len(details) > 20
    assert "On June 15, 2001, the Shanghai Cooperation Organization (SCO) was established" in words
    # A plain GET form for the day; links to the same data as JSON.
    forms = [attrs for tag, attrs in found.tags if tag == "form"]
    assert forms == [{"class": "day", "method": "get", "action": "/"}]
    assert f"/v1/snapshot?as_of={DAY}" in found.links


DATES = (("2010", "year"), ("2010-04", "month"), ("2001-06-15", "day"))


async def test_dates_keep_the_precision_of_their_sources(client: httpx.AsyncClient) -> None:
    """Belarus was a dialogue partner from a memorandum known only to the year (2010): on a
    day in 2010 its period holds only possibly, and the page says so."""
    _, found = await page(client, "/?as_of=2010-06-01")
    words = found.words
    assert "Belarus 2010 \u2013 9 July 2015 possibly that day" in words
    written = {
        lang: [tongue(lang).when(d, p) for d, p in DATES] for lang in (Lang.en, Lang.ru, Lang.zh)
    }
    assert written == {
        Lang.en: ["2010", "April 2010", "15 June 2001"],
        Lang.ru: ["2010", "апрель 2010\u202fг.", "15 июня 2001\u202fг."],  # a narrow space
        Lang.zh: ["2010年", "2010年4月", "2001年6月15日"],
    }


async def test_past_the_edge_of_coverage_the_page_says_so(client: httpx.AsyncClient) -> None:
    _, found = await page(client, "/?as_of=2026-12-01")
    assert "The record does not reach this day for membership" in found.words
    _, covered = await page(client, f"/?as_of={DAY}")
    assert "The record does not reach this day" not in covered.words


async def test_the_page_loads_nothing_but_the_stylesheet_and_runs_no_script(
    client: httpx.AsyncClient,
) -> None:
    response, found = await page(client, f"/?as_of={DAY}")
    assert found.scripts == 0
    assert found.loads == ["/site.css", "/favicon.svg"]
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "script-src" not in PAGE_CSP
    assert all(not link.startswith(("http:", "https:", "//")) for link in found.links)
    css = await client.get("/site.css")
    assert css.status_code == 200
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    again = await client.get("/site.css", headers={"If-None-Match": css.headers["etag"]})
    assert again.status_code == 304


async def test_pages_are_cached_like_answers(client: httpx.AsyncClient) -> None:
    first = await client.get(f"/?as_of={DAY}", headers={"Accept": "text/html"})
    assert first.headers["cache-control"] == REVALIDATE
    assert first.headers["dataset-version"]
    again = await client.get(
        f"/?as_of={DAY}",
        headers={"Accept": "text/html", "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    pinned = await client.get(f"/?as_of={DAY}&version=1", headers={"Accept": "text/html"})
    assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"


@engine_independent
async def test_a_json_client_asking_for_the_root_gets_an_index(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {
        "api": "/v1",
        "docs": "/docs",
        "redoc": "/redoc",
        "openapi": "/openapi.json",
        "site": "/",
    }
    browser = await client.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert browser.headers["content-type"].startswith("text/html")


@engine_independent
async def test_the_docs_link_to_the_site(client: httpx.AsyncClient) -> None:
    described = (await client.get("/openapi.json")).json()["info"]["description"]
    assert "[the SCO on a day](/)" in described


async def test_a_day_before_the_founding_or_not_a_day_is_refused(
    client: httpx.AsyncClient,
) -> None:
    before = await client.get("/?as_of=2000-01-01", headers={"Accept": "text/html"})
    assert before.status_code == 422
    junk = await client.get("/?as_of=yesterday", headers={"Accept": "text/html"})
    assert junk.status_code == 422


# --- The pages of things (step 2) ------------------------------------------------------


async def test_a_state_page_shows_its_status_history_with_quotes(
    client: httpx.AsyncClient,
) -> None:
    _, found = await page(client, f"/states/IN?as_of={DAY}")
    words = found.words
    assert "India" in words
    assert "ISO 3166-1 IN, IND, 356" in words
    assert "On 17 March 2022: member state." in words
    assert "Observer state 5 July 2005 \u2013 8 June 2017" in words
    assert "Member state since 9 June 2017" in words
    assert "Decided 10 July 2015." in words
    assert "/v1/states/IN" in found.links  # the same data as JSON
    assert ("dd", {"lang": "ru"}) in found.tags  # its Russian name, marked as Russian
    alike = await client.get(f"/states/ind?as_of={DAY}", headers={"Accept": "text/html"})
    assert alike.status_code == 200  # any code the API takes
    missing = await client.get("/states/XX", headers={"Accept": "text/html"})
    assert missing.status_code == 404


async def test_a_person_page_shows_every_term(client: httpx.AsyncClient) -> None:
    _, found = await page(client, "/people/zhang-ming")
    words = found.words
    assert "Zhang Ming" in words
    assert "In Chinese 张明" in words
    assert "Secretary-General 1 January 2022 \u2013 December 2024" in words
    assert "/states/CN" in found.links  # nationality, a page of its own


async def test_a_source_page_shows_what_it_supports_and_its_claims(
    client: httpx.AsyncClient,
) -> None:
    _, found = await page(client, "/sources/newsaz-2024-belarus-member")
    words = found.words
    assert "Belarus officially becomes SCO member" in words
    assert "The facts it is cited for (4)" in words
    assert "Belarus was officially accepted as a full member of the organization" in words
    assert "/v1/sources/newsaz-2024-belarus-member" in found.links


async def test_links_keep_the_day_and_the_version(client: httpx.AsyncClient) -> None:
    _, found = await page(client, f"/?as_of={DAY}&version=1")
    inner = [link for link in found.links if link.startswith(("/states/", "/people/", "/sources/"))]
    assert inner
    kept = [link.split("#")[0] for link in inner]  # a timeline segment names its period
    assert all(link.endswith(f"?as_of={DAY}&version=1") for link in kept), kept[:5]
    _, plain = await page(client, "/states/IN")
    assert "/people/" not in " ".join(plain.links)
    assert all("?" not in link for link in plain.links if link.startswith("/sources/"))


async def test_pages_of_things_are_cached_like_answers(client: httpx.AsyncClient) -> None:
    first = await client.get("/people/zhang-ming", headers={"Accept": "text/html"})
    again = await client.get(
        "/people/zhang-ming",
        headers={"Accept": "text/html", "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304


async def test_a_body_page_shows_its_seat_head_and_meetings(client: httpx.AsyncClient) -> None:
    _, found = await page(client, f"/bodies/secretariat?as_of={DAY}")
    words = found.words
    assert "Secretariat" in words
    assert "On 17 March 2022" in words
    assert "Seat: Beijing" in words
    assert "/people/zhang-ming" in " ".join(found.links)
    _, council = await page(client, "/bodies/council-of-heads-of-state?as_of=2022-09-16")
    assert "Its meetings by 16 September 2022" in council.words
    assert any(link.startswith("/meetings/2022-samarkand") for link in council.links)


async def test_a_meeting_page_and_a_document_page(client: httpx.AsyncClient) -> None:
    _, meeting = await page(client, "/meetings/2022-samarkand")
    assert "Samarkand" in meeting.words
    assert "/states/UZ" in meeting.links
    _, charter = await page(client, f"/documents/charter?as_of={DAY}")
    words = charter.words
    assert "Signed 7 June 2002, Saint Petersburg" in words
    assert "In force from 19 September 2003; on 17 March 2022: in force" in words
    missing = await client.get("/documents/nope", headers={"Accept": "text/html"})
    assert missing.status_code == 404


@pytest.fixture
async def renamed(
    seeded_copy_url: str,
    engine_for: Callable[[str], Engine],
    client_for: OpenClient,
    tmp_path: Path,
) -> httpx.AsyncClient:
    """A client of a copy of the seed after change set 2, which renamed Astana's summit city."""
    import_file(engine_for(seeded_copy_url), copy_seed(tmp_path, correct_astana_city))
    return await client_for(seeded_copy_url)


async def test_a_change_set_page_shows_each_change_field_by_field(
    renamed: httpx.AsyncClient,
) -> None:
    client = renamed
    response, found = await page(client, "/change-sets/2")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    words = found.words
    assert "Change set 2" in words
    assert "Updated summit 2017-astana (revision 2)" in words
    rows = [tag for tag, _ in found.tags if tag == "tr"]
    assert len(rows) == 3  # the header, city, aliases
    assert 'city "Astana" "Nur-Sultan"' in words
    assert "/meetings/2017-astana" in found.links  # a summit is a meeting of its council
    assert "/change-sets/1" in found.links
    _, seed = await page(client, "/change-sets/1")
    assert "sco-api seed (seed)" in seed.words
    missing = await client.get("/change-sets/3", headers={"Accept": "text/html"})
    assert missing.status_code == 404


# --- The history at a glance (step 3) --------------------------------------------------


async def test_the_timeline_is_a_named_group_of_links_with_a_table_beside(
    client: httpx.AsyncClient,
) -> None:
    response, found = await page(client, f"/timeline?as_of={DAY}")
    assert response.headers["content-security-policy"] == PAGE_CSP
    svg = [attrs for tag, attrs in found.tags if tag == "svg" and attrs.get("role") == "group"]
    assert len(svg) == 1
    assert svg[0]["aria-labelledby"] == "tl-title tl-desc"
    ids = {attrs.get("id") for _, attrs in found.tags}
    assert {"tl-title", "tl-desc"} <= ids
    words = found.words
    assert "The SCO's history from 1996 to 17 March 2022" in words
    # Every segment is a link named in words; India's two periods among them.
    named = [
        attrs["aria-label"] for tag, attrs in found.tags if tag == "a" and attrs.get("aria-label")
    ]
    assert "India: observer state, 5 July 2005 \u2013 8 June 2017" in named
    assert "India: member state, since 9 June 2017" in named
    assert any(label.startswith("Secretary-General: Zhang Ming") for label in named)
    assert any(label.startswith("Summit in Dushanbe") for label in named)
    assert not any("Belarus: member state" in label for label in named)  # 2024: after the day
    # The table holds the same status periods as the drawing.
    periods = [
        label
        for label in named
        if ": " in label
        and label.split(": ")[1].split(",")[0]
        in ("member state", "observer state", "dialogue partner", "SCO partner")
    ]
    table_rows = [attrs for tag, attrs in found.tags if tag == "tr"]
    assert len(table_rows) == len(periods) + 1  # and its header
    assert f"/states/IN?as_of={DAY}#ind-member-2017-06-09" in found.links


async def test_imprecise_boundaries_are_drawn_as_such(client: httpx.AsyncClient) -> None:
    """Belarus's dialogue partnership began in "2010": its first year is a dashed span."""
    response = await client.get("/timeline", headers={"Accept": "text/html"})
    belarus = 'aria-label="Belarus: dialogue partner, 2010 \u2013 9 July 2015"'
    segment = response.text.split(belarus)[1].split("</a>")[0]
    assert 'class="fuzzy"' in segment
    india = 'aria-label="India: member state, since 9 June 2017"'
    assert 'class="fuzzy"' not in response.text.split(india)[1].split("</a>")[0]


# --- What the record said (step 4) -----------------------------------------------------


async def test_a_page_as_recorded_says_so_with_what_changed_since(
    renamed: httpx.AsyncClient,
) -> None:
    response, found = await page(renamed, f"/meetings/2017-astana?version=1&as_of={DAY}")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    words = found.words
    assert "Shown as the record stood at version 1" in words
    assert "not as it stands now (version 2)" in words
    assert "/changes?since=1" in found.links
    assert "Astana" in found.words
    _, now = await page(renamed, "/meetings/2017-astana")
    assert "Shown as the record stood" not in now.words
    assert "Nur-Sultan" in now.words
    _, day = await page(renamed, "/?as_of=2022-03-17&version=1")
    assert "Shown as the record stood at version 1" in day.words


async def test_what_changed_lists_the_change_log_with_diffs(renamed: httpx.AsyncClient) -> None:
    _, found = await page(renamed, "/changes?since=1")
    words = found.words
    assert "What changed since version 1" in words
    assert "Change set 2" in words
    assert 'city "Astana" \u2192 "Nur-Sultan"' in words
    assert "/change-sets/2" in found.links
    _, latest = await page(renamed, "/changes")  # the latest change sets
    assert "Change set 2" in latest.words
    refused = await renamed.get("/changes?as_of=2022-01-01", headers={"Accept": "text/html"})
    assert refused.status_code == 422


async def test_a_browser_is_told_of_a_refusal_by_a_page(client: httpx.AsyncClient) -> None:
    """A site path refused (404, 422) answers a browser with a page saying what the API's
    problem says; a client asking for JSON gets the problem itself."""
    missing = await client.get("/states/XX", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "text/html; charset=utf-8"
    assert missing.headers["content-security-policy"] == PAGE_CSP
    assert "Not found (404)" in Page(missing.text).words
    bad = await client.get("/?as_of=yesterday", headers={"Accept": "text/html"})
    assert bad.status_code == 422
    words = Page(bad.text).words
    assert "Invalid parameters (422)" in words
    assert "as_of: Value error, must be a date written YYYY-MM-DD" in words
    as_json = await client.get("/states/XX", headers={"Accept": "application/json"})
    assert as_json.status_code == 404
    assert as_json.headers["content-type"] == "application/problem+json"


@engine_independent
async def test_pages_are_logged_by_their_route(client: httpx.AsyncClient) -> None:
    from app.http.middleware import RouteLabels

    labels = RouteLabels()
    scope = {"app": client._transport.app, "path": "/states/IN"}  # type: ignore[attr-defined]
    assert labels(scope) == "/states/{code}"
    assert labels({**scope, "path": "/people/zhang-ming"}) == "/people/{thing_id}"
