"""Tests of the built book: pages, references, no outside loads, math in a real browser."""

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("ch*.md"))
EXTRA_PAGES = ["index", "glossary", "api", "bibliography"]

# (tag, attribute) pairs that make the browser load something
LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("source", "src"),
           ("iframe", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
           ("object", "data"), ("image", "href")}


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []  # (tag, attr, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in ("src", "href", "data") or name == "srcset"):
                self.refs.append((tag, name, value))


def _refs(page):
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs


def _is_external(url):
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https", "ftp") or url.startswith("//"))


def _built_chapters(site):
    """The chapters; in a partial build named by $CNNBOOK_SITE, those it has."""
    if os.environ.get("CNNBOOK_SITE"):
        return [name for name in CHAPTERS if (site / f"{name}.html").exists()]
    return CHAPTERS


def _pages(site):
    """The site's pages (the theme leaves unrendered Jinja templates in _static: not pages)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def test_there_are_chapters():
    assert "ch01_why_cnn" in CHAPTERS


@pytest.mark.parametrize("name", CHAPTERS + EXTRA_PAGES)
def test_page_exists_without_error_output(site_page, name):
    page = site_page(name)
    html = page.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" not in html
    for cls in ("output traceback", "output error", "output stderr"):
        assert cls not in html, f"{name}: a cell printed {cls.split()[1]} output"


def test_every_local_reference_exists(site):
    missing = []
    for page in _pages(site):
        for tag, attr, value in _refs(page):
            if attr == "srcset" or _is_external(value):
                continue
            parts = urlsplit(value)
            if parts.scheme in ("mailto", "data", "javascript") or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.exists():
                missing.append(f"{page.relative_to(site)}: <{tag} {attr}={value!r}>")
    assert not missing, "\n".join(missing[:20])


def test_no_page_loads_anything_from_outside(site):
    outside = []
    for page in _pages(site):
        for tag, attr, value in _refs(page):
            if (tag, attr) in LOADING and _is_external(value):
                outside.append(f"{page.relative_to(site)}: <{tag} {attr}={value!r}>")
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(errors="replace")):
            if _is_external(url):
                outside.append(f"{css.relative_to(site)}: url({url})")
        if re.search(r"@import\s+['\"]?(https?:)?//", css.read_text(errors="replace")):
            outside.append(f"{css.relative_to(site)}: @import from outside")
    assert not outside, "\n".join(outside[:20])


def test_mathjax_is_served_from_the_site(site):
    scripts = [v for t, a, v in _refs(site / "index.html") if t == "script" and "mathjax" in v]
    assert scripts and all(not _is_external(s) for s in scripts)
    assert (site / "_static" / "mathjax" / "tex-chtml-full.js").exists()
    assert list((site / "_static" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))


def test_every_image_on_chapter_pages_is_nonempty(site):
    for name in _built_chapters(site):
        for tag, _attr, value in _refs(site / f"{name}.html"):
            if tag == "img" and not _is_external(value) and not value.startswith("data:"):
                assert (site / unquote(urlsplit(value).path)).stat().st_size > 100, value


def test_download_buttons_point_at_existing_files(site, site_page):
    html = site_page("ch01_why_cnn").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.(?:ipynb|md))"', html)
    assert any(link.endswith(".ipynb") for link in links), "no .ipynb download"
    assert any(link.endswith(".md") for link in links), "no .md download"
    for link in links:
        assert (site / unquote(link)).exists(), link


def test_glossary_lists_chinese_names_sorted(site):
    html = (site / "glossary.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-[^"]*">(.*?)<', html)
    assert len(terms) >= 5
    assert terms == sorted(terms, key=str.casefold)
    assert "卷积神经网络" in html


@pytest.mark.parametrize("name", ["index", "ch01_why_cnn"])
def test_math_typesets_offline_in_chromium(site_page, browser_page, name):
    page = browser_page
    page.goto(site_page(name).as_uri())
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " && document.querySelectorAll('mjx-container').length > 0",
        timeout=30_000,
    )
    page.evaluate("() => MathJax.startup.promise")
    assert page.locator("mjx-container").count() > 0
    assert page.locator("mjx-merror").count() == 0, "a formula failed to typeset"
    assert page.console_errors == []
    assert page.blocked_requests == [], page.blocked_requests


def test_every_chapter_has_exercises_with_collapsed_solutions(site):
    for name in _built_chapters(site):
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        exercises = len(re.findall(r'<div class="exercise admonition', html))
        solutions = re.findall(r'<div class="solution([^"]*)"', html)
        assert exercises >= 2, f"{name}: {exercises} exercises"
        assert len(solutions) >= exercises, f"{name}: an exercise has no solution"
        assert all("dropdown" in cls for cls in solutions), f"{name}: a solution is not hidden"


def test_solutions_open_only_when_asked_in_chromium(site_page, browser_page):
    page = browser_page
    page.goto(site_page("ch01_why_cnn").as_uri())
    solution = page.locator(".solution").first
    body = solution.locator("pre").first
    assert not body.is_visible()
    solution.locator("button.toggle-button").click()
    body.wait_for(state="visible", timeout=5_000)
    assert page.console_errors == []
