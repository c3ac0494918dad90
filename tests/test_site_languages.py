"""The site in three languages (issue 21, step 5): every message in each catalogue, pages
in Russian and Chinese with names from the data, dates as each language writes them, the
SCO's own status words, `lang` on what only English gives, and the language chosen by a
link (`lang=`, kept in every link) or by Accept-Language, cached per language."""

import re
from datetime import datetime, timedelta, timezone
from html import unescape
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.api.languages import Lang
from app.site.speech import LOCALES, TRANSLATED, tongue

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[1]
DAY = "2022-03-17"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
# One page of each kind (the day, the history, and a thing of each collection).
PAGES = (
    f"/?as_of={DAY}",
    f"/timeline?as_of={DAY}",
    f"/states/IN?as_of={DAY}",
    "/people/zhang-ming",
    f"/bodies/secretariat?as_of={DAY}",
    "/bodies/council-of-heads-of-state",
    "/meetings/2022-samarkand",
    "/documents/charter",
    "/sources/newsaz-2024-belarus-member",
    "/changes",
    "/meetings/2021-dushanbe",  # a hybrid summit
    "/bodies/council-of-national-coordinators",  # a council whose meetings are not recorded
    "/change-sets/1",
)


def extracted() -> set[str]:
    """Every message the templates and app/site mark, as `scripts/messages` extracts them
    (the same mapping file)."""
    with (ROOT / "app/site/locale/babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords={"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def catalogue(lang: Lang) -> Catalog:
    po = files("app.site").joinpath(f"locale/{lang}/LC_MESSAGES/messages.po")
    with po.open("rb") as handle:
        return read_po(handle, locale=LOCALES[lang])


def test_extraction_finds_the_pages_messages() -> None:
    """The check below is only as good as the extraction: it finds the messages of the
    templates, of the code (`N_`, `t.gettext`) and the plural ones."""
    messages = extracted()
    assert len(messages) > 150
    assert {
        "Member states",
        "SCO partner",
        "%(num)d source",
        "Summit in %(city)s, %(day)s",
    } <= messages


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_in_each_language(lang: Lang) -> None:
    """Every message exists in the catalogue, translated (no empty or fuzzy entry), with
    the same placeholders and as many plural forms as the language has; the catalogue
    holds no message the pages no longer use."""
    cat = catalogue(lang)
    messages = extracted()
    held = {m.id if isinstance(m.id, str) else m.id[0]: m for m in cat if m.id}
    assert sorted(messages - held.keys()) == [], f"not in the {lang} catalogue"
    assert sorted(held.keys() - messages) == [], f"no longer used, in the {lang} catalogue"
    for key, message in held.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{key!r} is not translated in {lang}"
        assert not message.fuzzy, f"{key!r} is fuzzy in {lang}"
        if isinstance(message.id, tuple):
            assert len(strings) == cat.num_plurals, key
        wanted = set(re.findall(r"%\((\w+)\)[sd]", key))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)[sd]", string)) == wanted, (key, string)
    assert [error for error in cat.check()] == []  # Babel's own checks (python-format)


class Own(HTMLParser):
    """A page's text in its own language: what no element with another `lang` holds (nor
    a `<code>`: ids are no language's words)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.page_lang = ""
        self.own: list[str] = []
        self.other: list[tuple[str, str]] = []  # (lang, text) of the text marked otherwise
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        if tag == "html":
            self.page_lang = lang or ""
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(tag == "code" for tag, _ in self.stack):
            return  # an id or a code: no language's words
        langs = [lang for _, lang in self.stack if lang]
        lang = langs[-1] if langs else self.page_lang
        if lang == self.page_lang:
            self.own.append(data)
        elif data.strip():
            self.other.append((lang, data))

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.own))


async def _page(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    response = await client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, response.text
    return response


async def test_the_day_in_russian(client: httpx.AsyncClient) -> None:
    response = await _page(client, f"/?as_of={DAY}&lang=ru")
    assert response.headers["content-language"] == "ru"
    found = Own(response.text)
    assert found.page_lang == "ru"
    shown = [
        "Шанхайская организация сотрудничества на 17 марта 2022 г.",
        "Государства-члены (8)",
        "Государства-наблюдатели (4)",
        "Партнеры по диалогу (6)",
        "Партнеры ШОС (0)",
        "Индия с 9 июня 2017 г.",  # the name from the data, the date in Russian
        "Генеральный секретарь Чжан Мин (Китай)",
    ]
    assert [text for text in shown if text not in found.words] == []
    # An inference exists only in English: marked so, not counted as Russian text.
    assert any(lang == "en" and text.startswith("from the") for lang, text in found.other)


async def test_the_day_in_chinese_with_the_sco_status_words(client: httpx.AsyncClient) -> None:
    response = await _page(client, "/?as_of=2025-09-05&lang=zh")
    words = Own(response.text).words
    assert "2025年9月5日的上海合作组织" in words
    assert "上合组织伙伴 (" in words  # the statuses merged into "SCO partner" at Tianjin
    assert "观察员国 (0)" in words
    assert "成员国 (10)" in words


async def test_quotes_carry_their_sources_language(client: httpx.AsyncClient) -> None:
    response = await _page(client, f"/?as_of={DAY}&lang=zh")
    quotes = re.findall(r'<blockquote lang="([a-z]+)">', response.text)
    assert {"en", "ru", "zh"} <= set(quotes)
    found = Own(response.text)
    assert any(lang == "ru" for lang, _ in found.other)  # a Russian quote on a Chinese page


@pytest.mark.parametrize("lang", TRANSLATED)
async def test_no_english_message_is_left_on_a_page(client: httpx.AsyncClient, lang: Lang) -> None:
    """Every page kind in Russian and Chinese: no message of the catalogue is left in
    English in the page's own text (a placeholder matches any text; a message of one
    word is left out, as names, codes and addresses may hold it); English there is data,
    marked as such."""
    cat = catalogue(lang)
    english = {
        m.id: _pattern(m.id)
        for m in cat
        if isinstance(m.id, str) and m.string != m.id and _telling(m.id)
    }
    assert len(english) > 100
    for path in PAGES:
        join = "&" if "?" in path else "?"
        response = await _page(client, f"{path}{join}lang={lang}")
        words = Own(response.text).words
        left = [message for message, pattern in english.items() if pattern.search(words)]
        assert left == [], f"{path} in {lang}"


def _telling(message: str) -> bool:
    """Whether a message left in English would be told from data: two English words or
    more, or a word of four letters or more beside a placeholder ("since %(start)s")."""
    words = re.findall(r"[A-Za-z]+", re.sub(r"%\(\w+\)[sd]", "", message))
    return len(words) >= 2 or ("%(" in message and len(words) == 1 and len(words[0]) >= 4)


def _pattern(message: str) -> re.Pattern[str]:
    """A message as it would read on a page: its placeholders any text."""
    parts = [re.escape(part) for part in re.split(r"%\(\w+\)[sd]", message)]
    return re.compile(r"\S.{0,200}?".join(parts))


async def test_accept_language_chooses_and_lang_wins(client: httpx.AsyncClient) -> None:
    chosen = await _page(client, "/states/IN", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert chosen.headers["content-language"] == "zh"
    assert '<html lang="zh">' in chosen.text
    assert "<h1>印度</h1>" in chosen.text
    assert "accept-language" in chosen.headers["vary"].lower()
    english = await _page(client, "/states/IN", **{"Accept-Language": "fr, de;q=0.5"})
    assert english.headers["content-language"] == "en"
    given = await _page(client, "/states/IN?lang=ru", **{"Accept-Language": "zh"})
    assert given.headers["content-language"] == "ru"
    assert "<h1>Индия</h1>" in given.text
    # Each language is its own representation: its own ETag, each revalidated on its own.
    assert len({chosen.headers["etag"], english.headers["etag"], given.headers["etag"]}) == 3
    # Asked again in Chinese with its ETag, a 304; asked in Russian with it, a 200.
    for asked, status in (("zh-CN,zh;q=0.9,en;q=0.5", 304), ("ru", 200)):
        again = await client.get(
            "/states/IN",
            headers={
                "Accept": "text/html",
                "Accept-Language": asked,
                "If-None-Match": chosen.headers["etag"],
            },
        )
        assert again.status_code == status, asked


async def test_every_page_links_its_languages_and_keeps_the_chosen_one(
    client: httpx.AsyncClient,
) -> None:
    kept = 0
    for path in PAGES:
        join = "&" if "?" in path else "?"
        response = await _page(client, f"{path}{join}lang=ru")
        html = response.text
        alternates = dict(
            re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html)
        )
        assert set(alternates) == {"en", "ru", "zh", "x-default"}, path
        assert alternates["zh"].endswith("lang=zh")
        assert "lang=" not in alternates["x-default"]
        # The language links, each named in its own language, the page's own marked current.
        assert re.search(r'hreflang="zh" lang="zh"[^>]*>中文</a>', html), path
        assert re.search(r'hreflang="ru" lang="ru" aria-current="page">Русский</a>', html), path
        inner = re.findall(
            r'<a href="(/(?:states|people|bodies|meetings|sources|change-sets)/[^"]*)"'
            r"(?! hreflang)",
            html,
        )
        assert all("lang=ru" in link for link in inner), path
        kept += len(inner)
        # The site's own links too: the day, the history, the change log.
        site = re.findall(r'<a href="(/(?:timeline|changes)?(?:\?[^"]*)?)"(?! hreflang)', html)
        assert len(site) >= 3, path
        assert all("lang=ru" in link for link in site), (path, site)
        if path.startswith("/?"):  # the day form sends the language with the day
            assert '<input type="hidden" name="lang" value="ru">' in html
    assert kept > 100


async def test_the_json_and_csv_of_a_page_keep_its_version_and_language(
    client: httpx.AsyncClient,
) -> None:
    """A page shown as recorded at a version, in Russian, links to its JSON and CSV at the
    same version (and in Russian where the API names things): each answers."""
    for path in PAGES:
        join = "&" if "?" in path else "?"
        html = (await _page(client, f"{path}{join}version=1&lang=ru")).text
        links = re.findall(
            r'<link rel="alternate" type="(?:application/json|text/csv)" href="([^"]+)"', html
        )
        assert links, path
        for link in (unescape(link) for link in links):
            assert "version=1" in link, link
            assert ("lang=ru" in link) != link.startswith("/v1/change"), link
            answer = await client.get(link)
            assert answer.status_code == 200, (link, answer.text[:300])


async def test_a_month_after_since_is_written_as_russian_writes_it(
    client: httpx.AsyncClient,
) -> None:
    """The SCO's standing in the UN General Assembly is known to the month (December
    2004): "с декабря 2004 г." after "since", not "с декабрь"."""
    words = Own((await _page(client, f"/?as_of={DAY}&lang=ru")).text).words
    assert "с декабря 2004 г." in words
    assert "с декабрь" not in words


async def test_the_change_log_pages_take_a_language(client: httpx.AsyncClient) -> None:
    changes = await _page(client, "/changes?lang=zh")
    assert "变更记录" in Own(changes.text).words
    change_set = await _page(client, "/change-sets/1?lang=ru")
    assert "Набор изменений 1" in Own(change_set.text).words


async def test_a_language_not_offered_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/?lang=fr", headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert "lang" in response.text


async def test_a_refusal_in_the_readers_language(client: httpx.AsyncClient) -> None:
    """A page that does not exist, asked in Russian: the page's words in Russian, the
    API's problem in English, marked so."""
    response = await client.get("/states/XX?lang=ru", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-language"] == "ru"
    found = Own(response.text)
    assert found.page_lang == "ru"
    assert "ШОС сегодня" in found.words
    assert any(lang == "en" and "XX" in text for lang, text in found.other)


def test_commit_times_are_written_in_utc_whatever_zone_they_come_in() -> None:
    """PostgreSQL hands a timestamptz back in the session's zone: the page says UTC and
    means it."""
    moscow = datetime(2026, 12, 7, 23, 0, 5, tzinfo=timezone(timedelta(hours=3)))
    assert tongue(Lang.en).moment(moscow) == "7 Dec 2026, 20:00:05 UTC"
    assert tongue(Lang.zh).moment(moscow.replace(tzinfo=None)) == "2026年12月7日 23:00:05 UTC"
