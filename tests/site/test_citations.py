"""One author-year citation style: the bibliography's labels are "Author, Year" (never numbers),
every citation in the text shows the label of the entry it links to, a narrative citation links
the authors and the year together, and capitals that the BibTeX files protect survive."""

import html as htmllib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("ch*.md"))

LABEL = re.compile(r"^(?P<who>\S.*?), (?P<year>(?:\d{4}|n\.d\.)[a-z]?)$")
ENTRY = re.compile(
    r'<div class="citation" id="(?P<id>[^"]+)"[^>]*>\s*<span class="label">'
    r'<span class="fn-bracket">\[</span>(?P<label>.*?)<span class="fn-bracket">\]</span>'
    r"</span>\s*<p>(?P<text>.*?)</p>", re.S)
CITATION = re.compile(r'<span class="bibtex-citation"[^>]*>(?P<body>.*?)</span>', re.S)
LINK = re.compile(r'<a class="reference internal" href="bibliography\.html#(?P<id>[^"]+)"[^>]*>'
                  r"(?P<text>.*?)</a>", re.S)


def _text(fragment):
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


@pytest.fixture(scope="module")
def entries(site):
    page = (site / "bibliography.html").read_text(encoding="utf-8")
    found = {m["id"]: (_text(m["label"]), _text(m["text"])) for m in ENTRY.finditer(page)}
    assert found, "no entries found in bibliography.html"
    return found


def test_bibliography_labels_are_author_year_and_unique(entries):
    labels = [label for label, _ in entries.values()]
    for label in labels:
        assert LABEL.match(label), f"not an author-year label: {label!r}"
    assert len(set(labels)) == len(labels), "two entries share a label"


def test_bibliography_is_sorted_by_first_author(entries):
    first = [re.split(r" and | et al\.|, ", label)[0].casefold()
             for label, _ in entries.values()]
    assert first == sorted(first), first


@pytest.mark.parametrize("name", CHAPTERS + ["index"])
def test_citations_in_the_text_show_their_entrys_label(site_page, entries, name):
    page = site_page(name).read_text(encoding="utf-8")
    for citation in CITATION.finditer(page):
        body = citation["body"]
        links = list(LINK.finditer(body))
        assert links, f"{name}: a citation without a link: {_text(body)!r}"
        for link in links:
            label = entries[link["id"]][0]
            shown = _text(link["text"])
            who, year = LABEL.match(label).group("who", "year")
            # parenthetical "[Who, Year]" or narrative "Who [Year]", linked as a whole
            assert shown in (label, f"{who} [{year}]"), f"{name}: {shown!r} for {label!r}"


def test_capitals_protected_in_the_bibtex_files_are_kept(entries):
    """A title's {Braced} words keep their capitals ("ImageNet", not "Imagenet")."""
    checked = []
    for bib in sorted((ROOT / "book").glob("*.bib")):
        titles = re.findall(r"^\s*title\s*=\s*\{(.*?)\},?\s*$", bib.read_text(), re.M | re.S)
        for title in titles:
            words = re.findall(r"\{([^{}]*[A-Z][^{}]*)\}", title)
            plain = " ".join(re.sub(r"[{}]", "", title).split()).casefold()
            shown = [body for _, body in entries.values()
                     if plain in " ".join(body.split()).casefold()]
            if words and shown:  # an entry the book cites
                checked += words
                assert all(word in shown[0] for word in words), (words, shown[0])
    assert checked, "no cited entry has protected capitals"
