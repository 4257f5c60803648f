"""Sphinx configuration of cnnbook (source dir ``book/``, built with ``-c .``)."""

import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK / "_ext"))  # the book's own Sphinx extensions

project = "cnnbook: convolutional neural networks, executed"
author = "The cnnbook authors"
copyright = "2026, the cnnbook authors"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",  # numpydoc-style docstrings on the API page
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "sphinx_exercise",
    "sphinx_togglebutton",  # collapses the solutions (`:class: dropdown`)
    "cnnbook_figures",  # book/_ext: a text alternative for every image; a click opens it
    "cnnbook_notebooks",  # book/_ext: the .ipynb download in plain Jupyter Markdown
    "cnnbook_search",  # book/_ext: search excerpts for a book opened from disk
    "cnnbook_i18n",  # book/_ext: the Chinese edition from gettext catalogs; language links
]

# --- sources ---------------------------------------------------------------------------------
exclude_patterns = ["_build", "_glossary", "**.ipynb_checkpoints"]
# CNNBOOK_ONLY="ch02,ch03" builds only those chapters (plus the front and back matter):
# for writing a chapter without executing the others.
_only = [p.strip() for p in os.environ.get("CNNBOOK_ONLY", "").split(",") if p.strip()]
if _only:
    exclude_patterns += [
        p.name for p in BOOK.glob("ch*.md") if not any(p.name.startswith(o) for o in _only)
    ]
# links into the excluded chapters cannot resolve in such a partial build
suppress_warnings = ["toc.excluded", "toc.empty_glob", "ref.ref", "ref.doc"] if _only else []
# a translated {term} role shows the Chinese term: Sphinx calls that an inconsistent reference;
# tests/test_translations.py checks instead that every role keeps its target
suppress_warnings.append("i18n.inconsistent_references")

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
numfig = True
numfig_secnum_depth = 1  # "Fig. 5.2": figures, tables and exercises numbered per chapter

# --- editions: English (the source) and Chinese, translated through gettext catalogs -----------
# `make gettext` extracts the messages, `make update-po` merges them into
# book/locales/zh_CN/LC_MESSAGES/<page>.po, `make html-zh` builds _build/html/zh_CN.
language = "en"
locale_dirs = ["locales/"]  # relative to book/
gettext_compact = False  # one catalog per page
gettext_location = False  # no line numbers in the catalogs: moving a paragraph is not a change
gettext_uuid = False
gettext_allow_fuzzy_translations = False  # a fuzzy message shows in English, and a test fails
templates_path = ["book/_templates"]

# --- execution -------------------------------------------------------------------------------
nb_execution_mode = "cache"
_default_cache = str(ROOT / "_build" / ".jupyter_cache")  # the Makefile creates it before -j
nb_execution_cache_path = os.environ.get("CNNBOOK_NB_CACHE", _default_cache)
nb_execution_timeout = 900  # per cell, seconds; training cells take a minute or two on a CPU
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True
nb_merge_streams = True
nb_ipywidgets_js = {}  # no widget JS from a CDN: the book uses none

# --- citations, exercises --------------------------------------------------------------------
bibtex_bibfiles = sorted(f"book/{p.name}" for p in BOOK.glob("*.bib"))  # relative to conf.py
# One author-year style: the bibliography's label of an entry ("Gatys et al., 2015a") is what the
# text cites, "[Gatys et al., 2015a]" or "Gatys et al. [2015a]", linked as a whole.
bibtex_reference_style = "cnnbook_author_year"
bibtex_default_style = "cnnbook_author_year"


def _register_citation_style():
    from collections import Counter
    from dataclasses import dataclass

    from pybtex.plugin import register_plugin as register_pybtex
    from pybtex.richtext import Text
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle
    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import GroupReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
        BasicAuthorYearTextualReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.referencing.basic_label import (
        BasicLabelParentheticalReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.template import join, node, reference

    def surname(person):
        return Text.from_latex(" ".join(person.prelast_names + person.last_names)).render_as(
            "text")

    class AuthorYearLabels(BaseLabelStyle):
        """"Lee, 2020", "Lee and Kim, 2020", "Lee et al., 2020"; a, b, ... on clashes."""

        def format_labels(self, sorted_entries):
            labels = []
            for entry in sorted_entries:
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [surname(p) for p in people] or [entry.fields.get("title", entry.key)]
                who = (names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2
                       else f"{names[0]} et al.")
                labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
            count, seen = Counter(labels), Counter()
            for label in labels:
                seen[label] += 1
                yield label + ("abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
                               if count[label] > 1 else "")

    class Style(PlainStyle):  # pybtex's plain entries, sorted by author, year, title
        default_label_style = AuthorYearLabels

    @node
    def label_part(children, data, index=0):
        """Who (``index=0``) or the year (``index=1``) of the entry's label."""
        return Text(data["formatted_entry"].label.rsplit(", ", 1)[index])

    @dataclass
    class Textual(BasicAuthorYearTextualReferenceStyle):
        def inner(self, role_name):
            return reference[join(sep=" ")[
                label_part(index=0), join["[", label_part(index=1), "]"]]]

    @dataclass
    class CitationStyle(GroupReferenceStyle):
        def __post_init__(self):
            self.styles.extend([BasicLabelParentheticalReferenceStyle(), Textual()])
            super().__post_init__()

    register_pybtex("pybtex.style.formatting", "cnnbook_author_year", Style)
    register_plugin("sphinxcontrib.bibtex.style.referencing", "cnnbook_author_year",
                    CitationStyle)


_register_citation_style()

# --- API page --------------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"
# torch.autograd.Function.forward's own docstring links into torch's docs: do not inherit it
autodoc_inherit_docstrings = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# an Attributes section becomes fields of its class, not attribute entries that autodoc would
# document a second time for NamedTuples and dataclasses
napoleon_use_ivar = True

# --- HTML ------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "cnnbook"
html_static_path = ["book/_static", ".venv/share/cnnbook-static"]
html_css_files = ["cnnbook.css"]
# the visible sidebar toggles of sphinx-book-theme 1.4 with pydata-sphinx-theme 0.20 are dead
# without it: see the script's header
html_js_files = ["sidebar-toggle.js"]
# a chapter outranks API entries for its own title words; no excerpt fetches under file://
html_search_scorer = "book/_static/search-scorer.js"
html_last_updated_fmt = None
# light or dark as the reader's system asks (the figures keep a white ground); the reader can
# switch
html_context = {"default_mode": "auto"}
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": True,
    "use_repository_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # the same page in the other edition (book/_templates/language-switch.html)
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
}
# MathJax 3 served from the built site (copied from the npm package by the Makefile), never
# from a CDN: math renders with no network.
mathjax_path = "mathjax/tex-chtml-full.js"


# --- glossary: one sorted list merged from the chapters' fragments -------------------------------
_GLOSSARY_BLOCK = re.compile(r"```\{glossary\}\n(.*?)\n```", re.S)


def _glossary_entries(text):
    """Split the body of glossary blocks into ``(term, lines)`` entries."""
    entries = []
    for body in _GLOSSARY_BLOCK.findall(text):
        for line in body.splitlines():
            if line.strip() and not line[0].isspace():
                entries.append((line.strip(), []))
            elif entries:
                entries[-1][1].append(line)
    return entries


def _merge_glossary(app, docname, source):
    if docname != "glossary":
        return
    entries = []
    for fragment in sorted((BOOK / "_glossary").glob("*.md")):
        app.env.note_dependency(str(fragment))
        entries += _glossary_entries(fragment.read_text(encoding="utf-8"))
    entries.sort(key=lambda e: e[0].casefold())
    body = "\n".join("\n".join([term, *lines]).rstrip() + "\n" for term, lines in entries)
    source[0] = source[0].replace("<!-- GLOSSARY -->", "```{glossary}\n" + body + "```")


# --- download buttons: the executed notebook as .ipynb beside the .md source ------------------
def _offer_ipynb(app, pagename, templatename, context, doctree):
    """Copy MyST-NB's executed notebook into ``_sources`` so the theme's download menu offers it.

    sphinx-book-theme does this only when a launch service (Binder, Colab) is configured; the
    book is read offline, so it is done here for every notebook page.
    """
    if doctree is None or not context.get("sourcename", "").endswith((".md", ".md.txt")):
        return
    from cnnbook_i18n import executed_notebooks

    executed = executed_notebooks(app) / f"{pagename}.ipynb"
    if not executed.exists():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


# --- Chinese terms: the CJK glyphs the pages use, from a Debian font, served with the site ------
# Readers whose system has a CJK font get it from cnnbook.css's font stack; for the others the
# characters would be empty boxes, so the build subsets WenQuanYi Micro Hei (Debian package
# fonts-wqy-microhei, Apache-2.0) to the characters of the built pages: _static/cnnbook-cjk.woff.
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
EDITION_FOLDERS = {"zh_CN"}  # a translated edition is built into its own subfolder of the site
CJK_CHARS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _subset_cjk_font(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset
    from sphinx.util import logging

    out = Path(app.outdir)
    chars = set()
    for page in out.rglob("*.html"):
        if page.relative_to(out).parts[0] in EDITION_FOLDERS:  # the other edition's pages
            continue
        chars.update(CJK_CHARS.findall(page.read_text(encoding="utf-8", errors="replace")))
    if not CJK_FONT.exists():
        logging.getLogger(__name__).warning(
            "%s is missing: `make html` installs the Debian package fonts-wqy-microhei", CJK_FONT)
        return
    options = subset.Options(flavor="woff", font_number=0, name_IDs=["*"], notdef_outline=True)
    options.drop_tables += ["FFTM"]  # FontForge's timestamps
    font = subset.load_font(str(CJK_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    subset.save_font(font, str(out / "_static" / "cnnbook-cjk.woff"), options)
    shutil.copyfile(CJK_FONT.parents[3] / "doc" / "fonts-wqy-microhei" / "copyright",
                    out / "_static" / "cnnbook-cjk.LICENSE.txt")


# --- Chinese search: the book's terms are words ------------------------------------------------
# Sphinx's Chinese search index splits text into words with jieba; its dictionary does not know
# 感受野 or 特征图, which would be indexed as pieces a query for the whole term cannot find. The
# glossary's Chinese names become a jieba user dictionary for the zh_CN build.
_CJK_WORD = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9 ]*[\u4e00-\u9fff]")


def glossary_chinese_terms():
    """The Chinese names of the glossary's terms (the text before each definition's first
    full stop, ``感受野. The region ...``), split at "/" and brackets."""
    terms = set()
    for fragment in sorted((BOOK / "_glossary").glob("*.md")):
        for _, lines in _glossary_entries(fragment.read_text(encoding="utf-8")):
            first = next((line.strip() for line in lines if line.strip()), "")
            for word in _CJK_WORD.findall(first.split(". ", 1)[0]):
                terms.add(word.replace(" ", ""))
    return sorted(terms)


def _search_dictionary(app):
    if app.config.language != "zh_CN" or app.builder.format != "html":
        return
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict ..." on every build
    path = Path(app.doctreedir).parent / "jieba-cnnbook-terms.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{t} 100000\n" for t in glossary_chinese_terms()), encoding="utf-8")
    app.config.html_search_options = {**app.config.html_search_options, "dict": str(path)}


def setup(app):
    app.connect("builder-inited", _search_dictionary)
    app.connect("build-finished", _subset_cjk_font)
    app.connect("source-read", _merge_glossary)
    app.connect("html-page-context", _offer_ipynb, priority=400)  # before the theme's buttons
    return {"parallel_read_safe": True, "parallel_write_safe": True}
