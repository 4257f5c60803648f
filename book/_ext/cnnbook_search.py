"""Search excerpts for a book read from disk.

Sphinx's search page shows an excerpt under each result by fetching the result's page with
``fetch()``, which a browser refuses for ``file://`` pages. After an HTML build this extension
writes ``_static/cnnbook-search-pages.js``: for every page, its article reduced to the tags and
ids Sphinx's excerpt code reads (``[role=main]``, section ids) and its text, without images,
scripts or styles. ``book/_static/search-scorer.js`` loads it only when the book is opened from
disk and answers the search page's fetches of local pages from it, so the excerpts appear with
no network and no errors; served over http the file is never loaded.
"""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["article_skeleton", "setup"]

TARGET = "_static/cnnbook-search-pages.js"
_SKIP = {"script", "style", "svg", "img", "template", "noscript", "button", "select", "iframe"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}
_NOT_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


class _Skeleton(HTMLParser):
    """Collect the ``article.bd-article`` element as tags with ids only, plus its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.depth = 0  # open tags inside the article (0: outside)
        self.skip = 0  # open tags inside an element whose content is dropped

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0:
            if tag == "article" and "bd-article" in (attrs.get("class") or "").split():
                self.depth = 1
            return
        if tag in _VOID:
            return
        self.depth += 1
        if self.skip or tag in _SKIP or "headerlink" in (attrs.get("class") or "").split():
            self.skip += 1
            return
        ident = attrs.get("id")
        self.out.append(f'<{tag} id="{html.escape(ident)}">' if ident else f"<{tag}>")

    def handle_endtag(self, tag):
        if self.depth == 0 or tag in _VOID:
            return
        self.depth -= 1
        if self.skip:
            self.skip -= 1
            return
        if self.depth > 0:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.out.append(html.escape(re.sub(r"\s+", " ", data), quote=False))


def article_skeleton(page_html):
    """The article of a built page as a small HTML document that Sphinx's excerpt code reads.

    Parameters
    ----------
    page_html : str
        A page written by sphinx-book-theme.

    Returns
    -------
    str
        ``<div role="main">...</div>`` with the article's tags (ids kept, other attributes
        dropped) and text; ``""`` for a page without an article.

    Examples
    --------
    >>> page = ('<main role="main"><article class="bd-article"><section id="a"><h1>Pad'
    ...         '<a class="headerlink">#</a></h1><img src="x.png"><p>zeros  around</p>'
    ...         '</section></article></main>')
    >>> article_skeleton(page)
    '<div role="main"><section id="a"><h1>Pad</h1><p>zeros around</p></section></div>'
    """
    if not isinstance(page_html, str):
        raise TypeError(f"`page_html` must be a str, got {type(page_html).__name__}")
    parser = _Skeleton()
    parser.feed(page_html)
    parser.close()
    return f'<div role="main">{"".join(parser.out)}</div>' if parser.out else ""


def _write_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    pages = {}
    for page in sorted(out.rglob("*.html")):
        name = page.relative_to(out).as_posix()
        if name.startswith("_") or name in _NOT_PAGES:
            continue
        skeleton = article_skeleton(page.read_text(encoding="utf-8"))
        if skeleton:
            pages[name] = skeleton
    text = json.dumps(pages, ensure_ascii=False, separators=(",", ":"))
    (out / TARGET).write_text(f"window.CNNBOOK_SEARCH_PAGES = {text};\n", encoding="utf-8")


def setup(app):
    app.connect("build-finished", _write_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
