"""The search page works from disk (file://) without page errors, shows an excerpt under each
result as it does when served, and lists a chapter first for the words of its own title."""

from pathlib import Path

import pytest


@pytest.mark.parametrize("query, chapter", [
    ("padding", "ch03_padding_stride"),
    ("stride", "ch03_padding_stride"),
    ("pooling", "ch04_pooling"),
])
def test_search_from_disk_lists_the_chapter_first_without_errors(site, site_page, browser_page,
                                                                search, query, chapter):
    site_page(chapter)  # skipped in a partial build without it
    hrefs = search(browser_page, site, query)
    assert len(hrefs) >= 2, hrefs
    assert hrefs[0].split("#")[0] == f"{chapter}.html", hrefs[:5]
    assert browser_page.console_errors == [], browser_page.console_errors[:3]
    assert browser_page.blocked_requests == []
    # the excerpt under the chapter (a page result, not an API object) quotes its text
    first = browser_page.locator("#search-results li").first
    first.locator("p.context").wait_for(timeout=10_000)
    assert query in first.locator("p.context").inner_text().casefold()
    excerpts = browser_page.locator("#search-results li p.context").count()
    pages = browser_page.locator("#search-results li:not(.kind-object)").count()
    assert excerpts == pages, f"{excerpts} excerpts for {pages} page results"


def test_search_without_results_says_so(site, browser_page, search):
    assert search(browser_page, site, "zzqqxxnothing") == []
    assert "did not match" in browser_page.inner_text("#search-results")
    assert browser_page.console_errors == []


def test_search_page_texts_match_the_pages(site, site_page):
    """The texts the search page reads from disk are the articles' texts (checked with
    BeautifulSoup) and keep every section id an excerpt may be anchored at."""
    import json
    import re
    import sys

    from bs4 import BeautifulSoup

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
    from cnnbook_search import TARGET

    js = (site / TARGET).read_text(encoding="utf-8")
    pages = json.loads(js[js.index("=") + 1:].strip().rstrip(";"))
    path = site_page("ch03_padding_stride")
    article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one(
        "article.bd-article")
    ids = [s["id"] for s in article.select("section[id]")]
    for el in article.select("script, style, svg, img, template, noscript, button, select, "
                             "iframe, .headerlink"):
        el.decompose()
    stored = BeautifulSoup(pages[path.name], "html.parser")

    def words(text):
        return re.sub(r"\s+", " ", text).strip()

    assert words(stored.get_text()) == words(article.get_text())
    assert ids and all(stored.find(id=i) is not None for i in ids)
    assert stored.find(attrs={"role": "main"}) is not None
