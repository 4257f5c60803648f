"""The two editions: the Chinese one (``_build/html/zh_CN``) is the English one translated.

Same code, same executed outputs, same glued numbers and figures on every page; each page links
to its counterpart; the Chinese pages are Chinese, drawn with a CJK font in Chromium, and the
Chinese search finds Chinese words.
"""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "book").glob("*.md"))
CHAPTERS = [p for p in PAGES if p.startswith("ch")]
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


@pytest.fixture(scope="session")
def zh_site(site):
    path = site / "zh_CN"
    if not (path / "index.html").exists():
        pytest.fail(f"no Chinese edition at {path}: run `make html-zh`")
    return path


def _soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _pair(site_page, zh_site, name):
    """The English and Chinese pages `name`, parsed. A missing English page fails the test
    (skips it only in a partial build named by ``$CNNBOOK_SITE``: see ``site_page``)."""
    en, zh = site_page(name), zh_site / f"{name}.html"
    assert zh.exists(), f"{name}.html has no Chinese page"
    return _soup(en), _soup(zh)


def _article(soup):
    return soup.select_one("article.bd-article")


@pytest.mark.parametrize("name", PAGES)
def test_each_page_links_to_the_same_page_in_the_other_edition(site, site_page, zh_site, name):
    en, zh = _pair(site_page, zh_site, name)
    to_zh = en.select_one("a.cnnbook-language[hreflang=zh-CN]")
    to_en = zh.select_one("a.cnnbook-language[hreflang=en]")
    assert to_zh is not None and to_en is not None
    assert (site / to_zh["href"]).resolve() == (zh_site / f"{name}.html").resolve()
    assert (zh_site / to_en["href"]).resolve() == (site / f"{name}.html").resolve()
    assert en.html["lang"] == "en" and zh.html["lang"] == "zh-CN"


@pytest.mark.parametrize("name", CHAPTERS + ["index"])
def test_glued_numbers_code_outputs_and_figures_are_the_same(site_page, zh_site, name):
    en, zh = _pair(site_page, zh_site, name)

    def pasted(soup):
        """The glued numbers of the page (a sentence's order may differ between languages;
        verdict words, glued in each language, are compared by their count only)."""
        values = [s.get_text() for s in _article(soup).select("span.pasted-text")]
        return len(values), sorted(v for v in values if re.search(r"\d", v))

    def cells(soup, part):
        return [c.get_text() for c in _article(soup).select(f"div.cell {part}")]

    def images(soup):
        return [Path(i["src"]).name for i in _article(soup).select("img")]

    assert pasted(zh) == pasted(en)
    if name != "index":
        assert pasted(en)[1], "a chapter without glued numbers?"
    assert cells(zh, "div.cell_input") == cells(en, "div.cell_input")
    assert cells(zh, "div.cell_output") == cells(en, "div.cell_output")
    assert images(zh) == images(en)


@pytest.mark.parametrize("name", [p for p in PAGES if p not in ("api", "bibliography")])
def test_the_chinese_pages_are_in_chinese(site_page, zh_site, name):
    """The prose, headings, captions, exercises and solutions are Chinese; what stays in Latin
    script is code, names and terms in brackets."""
    _, zh = _pair(site_page, zh_site, name)
    article = _article(zh)
    for tag in article.select("div.cell_input, div.cell_output, pre, code, .pasted-text, "
                              "span.bibtex-citation, .math, mjx-container, .headerlink"):
        tag.decompose()
    blocks = article.select("p, li, h1, h2, h3, figcaption, dt, .admonition-title")
    texts = [" ".join(b.get_text(" ").split()) for b in blocks]
    english = [t for t in texts if not HAN.search(t) and len(LATIN_WORD.findall(t)) >= 4]
    assert not english, f"{len(english)} English blocks, e.g. {english[:3]}"
    han = sum(len(HAN.findall(t)) for t in texts)
    assert han > 200, f"only {han} Chinese characters"
    title = " ".join(article.select_one("h1").get_text().split())
    assert HAN.search(title), title


def test_exercises_and_solutions_are_translated(site_page, zh_site):
    _, zh = _pair(site_page, zh_site, "ch02_convolution")
    exercises = zh.select("div.exercise")
    solutions = zh.select("div.solution")
    assert exercises and solutions
    for box in exercises + solutions:
        title = box.select_one(".admonition-title").get_text()
        assert "练习" in title, title
        body = " ".join(p.get_text() for p in box.select("p")[1:])
        assert not body or HAN.search(body), body[:80]


def test_chinese_text_is_drawn_with_a_cjk_font(site_page, zh_site, browser_page):
    """Chromium draws the Chinese characters of a page with a CJK font (Debian's
    fonts-noto-cjk here, else the glyphs the build serves), not as empty boxes."""
    _pair(site_page, zh_site, "ch03_padding_stride")
    page = browser_page
    page.goto((zh_site / "ch03_padding_stride.html").as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("article.bd-article h1", "article.bd-article section > p"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        cjk = [f for f in fonts if re.search(r"CJK|Han Sans|WenQuanYi|cnnbook", f["familyName"])]
        assert cjk and sum(f["glyphCount"] for f in cjk) > 3, (selector, fonts)
    assert page.console_errors == [] and page.blocked_requests == []


def test_the_chinese_edition_carries_its_cjk_glyphs(zh_site):
    from fontTools.ttLib import TTFont

    chars = set()
    for page in zh_site.glob("*.html"):
        chars.update(HAN.findall(page.read_text(encoding="utf-8")))
    cmap = TTFont(zh_site / "_static" / "cnnbook-cjk.woff").getBestCmap()
    assert len(chars) > 500
    assert not [c for c in chars if ord(c) not in cmap]




@pytest.mark.parametrize("query, chapter", [
    ("感受野", "ch06_receptive_fields"),  # a glossary term: one word of the index
    ("池化", "ch04_pooling"),
    ("填充和步幅", "ch03_padding_stride"),  # no spaces: cut into the index's words
])
def test_the_chinese_search_finds_chinese_words(site_page, zh_site, browser_page, search, query,
                                                chapter):
    _pair(site_page, zh_site, chapter)
    hrefs = search(browser_page, zh_site, query)
    assert hrefs, f"nothing found for {query}"
    assert chapter in [h.split("#")[0].removesuffix(".html") for h in hrefs[:3]], hrefs[:5]
    assert browser_page.console_errors == [], browser_page.console_errors[:3]


@pytest.mark.parametrize("name", CHAPTERS)
def test_the_chinese_download_is_the_notebook_in_chinese(site, site_page, zh_site, name):
    """The zh page's .ipynb: the same code and images as the English download, its Markdown in
    Chinese (translated by the page's catalog) and free of MyST markup."""
    import sys

    import nbformat

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from notebook_markdown import count_images, leftover_myst

    _pair(site_page, zh_site, name)
    en = nbformat.read(site / "_sources" / f"{name}.ipynb", as_version=4)
    zh = nbformat.read(zh_site / "_sources" / f"{name}.ipynb", as_version=4)
    code = [[c.source for c in nb.cells if c.cell_type == "code"] for nb in (en, zh)]
    assert code[0] == code[1]
    assert count_images(zh) == count_images(en)
    prose = [c.source for c in zh.cells if c.cell_type == "markdown"]
    assert not [x for p in prose for x in leftover_myst(p)]
    assert prose[-1].startswith("## 参考文献") or name == "ch10_summary"  # works cited
    text = "\n\n".join(prose[:-1])
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)  # code blocks stay as they are
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text)]
    paragraphs = [p for p in paragraphs  # indented code is code
                  if not p.startswith("    ") and not p.lstrip().startswith(("<a ", "![", "$$"))]
    english = [p[:80] for p in paragraphs
               if not HAN.search(p) and len(LATIN_WORD.findall(p)) >= 6]
    assert not english, f"{len(english)} English paragraphs, e.g. {english[:3]}"
