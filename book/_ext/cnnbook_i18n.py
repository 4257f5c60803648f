"""Sphinx extension: the Chinese edition, translated from gettext catalogs of the same sources.

The English pages are the source; ``book/locales/zh_CN/LC_MESSAGES/<page>.po`` holds the
translation of each of their paragraphs, headings, captions and exercise titles, and
``sphinx-build -D language=zh_CN`` builds the Chinese edition from them (the Makefile's
``html-zh``). Three things need help for that to work on executed MyST notebooks:

- ``{glue:text}`` in a translated paragraph. Sphinx parses each translation on its own, in a
  document that has no notebook, so MyST-NB cannot find the glued value. Such a role becomes a
  reference to the page's own glue record (``page.md::key``), which MyST-NB resolves after
  reading: both editions paste the same value from the same executed cell.
- exercise titles (sphinx-exercise's subtitles) carry no source position, so gettext skipped
  them; they are given their directive's position and become messages.
- the API page's entries are autodoc's rendering of the package's docstrings: they stay English
  and out of the catalogs (the page's own prose is translated).

Each page also links to the same page in the other edition (``language-switch.html``), and a
non-English build keeps MyST-NB's executed notebooks beside its doctrees, not inside the English
site.
"""

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

EDITIONS = {"en": ("English", ""), "zh_CN": ("中文", "zh_CN")}  # language: (name, subfolder)


def is_english(language):
    return language in (None, "", "en")


# --- glue in translated paragraphs -------------------------------------------------------------
def _translated_fragment(document):
    """True inside the small document Sphinx parses a translated message in."""
    return "nb_renderer" not in document.attributes and hasattr(document.settings, "env")


def glue_text_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{glue:text}`` that also works in a translated paragraph (see the module docstring)."""
    from myst_nb.ext.glue.roles import PasteTextRole

    document = inliner.document
    if _translated_fragment(document) and "::" not in text:
        env = document.settings.env
        key, sep, fmt = text.rpartition(":")
        if not sep:  # no format: MyST-NB reads "key" alone as the key
            key, fmt = text, "s"
        suffix = Path(env.doc2path(env.docname)).suffix
        text = f"/{env.docname}{suffix}::{key}:{fmt}"
        rawtext = f"{{{name}}}`{text}`"
    return PasteTextRole()(name, rawtext, text, lineno, inliner, options or {}, content or [])


# --- what gettext sees -------------------------------------------------------------------------
def mark_messages(document):
    """Exercise subtitles become messages; the API page's autodoc output does not."""
    from sphinx_exercise.nodes import exercise_subtitle, exercise_title, solution_title

    for title in document.findall(exercise_title):
        title["translatable"] = False  # "Exercise" + subtitle: the subtitle is the message
    for title in document.findall(solution_title):
        title["translatable"] = False  # "Solution", which sphinx-exercise translates itself
    for formula in document.findall(nodes.math_block):
        # a display formula reads the same in both editions (and Sphinx would hand its
        # translation to the MyST parser as reStructuredText literal-block markup)
        formula["translatable"] = False
    for subtitle in document.findall(exercise_subtitle):
        parent = subtitle.parent
        while parent is not None and not parent.source:
            parent = parent.parent
        if parent is not None:
            subtitle.source, subtitle.line = parent.source, parent.line
            subtitle.rawsource = subtitle.astext()
            titles = document.attributes.setdefault("cnnbook_exercise_titles", [])
            if (subtitle.rawsource, subtitle.line) not in titles:
                titles.append((subtitle.rawsource, subtitle.line))
    for node in document.findall(nodes.Element):
        if "docstring of " in (node.source or "") or isinstance(node, addnodes.desc):
            for inner in node.findall(nodes.Element):
                inner["translatable"] = False


class TranslatableExerciseTitles(SphinxTransform):
    """:func:`mark_messages` on each page as it is read, before Sphinx's Locale transform."""

    default_priority = 10  # Locale is 20

    def apply(self, **kwargs):
        mark_messages(self.document)


class ReportUntranslated(SphinxTransform):
    """In a translated edition, every message of a page without a translation is a warning
    (an error under ``-W``): a paragraph edited in English cannot ship silently untranslated.
    Formulas, code and raw output are exempt; they read the same in both editions."""

    default_priority = 25  # after Locale (20)

    def apply(self, **kwargs):
        if is_english(self.config.language):
            return
        from sphinx.util import logging
        from sphinx.util.nodes import LITERAL_TYPE_NODES, extract_messages

        logger = logging.getLogger(__name__)
        for node, msg in extract_messages(self.document):
            if node.get("translated") or isinstance(node, (*LITERAL_TYPE_NODES, nodes.image)):
                continue
            if _front_matter_or_toctree(node):
                continue
            logger.warning("no %s translation (run `make update-po`, then translate): %s",
                           self.config.language, msg[:70], location=node,
                           type="cnnbook", subtype="untranslated")


def _front_matter_or_toctree(node):
    """The page's front matter (jupytext's header: a field list Sphinx takes as the page's
    metadata, never shown) and toctree captions (Sphinx translates them without marking them)."""
    while node is not None:
        if isinstance(node, addnodes.toctree) or (
                isinstance(node, nodes.field_list) and isinstance(node.parent, nodes.document)):
            return True
        node = node.parent
    return False


class TranslatedExercises(SphinxTransform):
    """sphinx-exercise titles a solution with its exercise's title, taken from the copy of the
    exercise it registered while parsing, before the translation: register the translated one."""

    default_priority = 21  # after Locale (20)

    def apply(self, **kwargs):
        if is_english(self.config.language):
            return
        from sphinx_exercise.nodes import is_exercise_node

        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in self.document.findall(is_exercise_node):
            entry = registry.get(node.get("label"))
            if entry is not None and entry.get("docname") == self.env.docname:
                entry["node"] = node.deepcopy()


def _extract_exercise_titles(app, doctree, docname):
    """The gettext builder extracts from resolved doctrees, where sphinx-exercise has already
    folded each subtitle into a plain title: add the titles read from the page."""
    if app.builder.name != "gettext":
        return
    from sphinx.util.i18n import docname_to_domain

    catalog = app.builder.catalogs[docname_to_domain(docname, app.config.gettext_compact)]
    for text, line in doctree.attributes.get("cnnbook_exercise_titles", []):
        origin = nodes.Element()
        origin.source, origin.line, origin.uid = str(app.env.doc2path(docname)), line, ""
        catalog.add(text, origin)


# --- the same page in the other edition --------------------------------------------------------
def _language_links(app, pagename, templatename, context, doctree):
    language = app.config.language or "en"
    here = "en" if is_english(language) else language
    to_root = "../" * pagename.count("/")
    up = "" if here == "en" else "../"  # from an edition's subfolder to the English site
    links = []
    for code, (label, folder) in EDITIONS.items():
        if code == here:
            continue
        url = f"{to_root}{up}{folder + '/' if folder else ''}{pagename}.html"
        links.append({"code": code, "hreflang": code.replace("_", "-"), "label": label,
                      "url": url})
    context["cnnbook_editions"] = links
    context["cnnbook_language"] = here.replace("_", "-")


def _code_prompts(app, config):
    """MyST-NB's "Show code cell source" buttons, in the edition's language."""
    if config.language == "zh_CN":
        config.nb_code_prompt_show = "显示代码单元"
        config.nb_code_prompt_hide = "隐藏代码单元"


def _chinese_search():
    """Sphinx's Chinese search (jieba-split words, English stemming of Latin words), with its
    script fixed: Sphinx 9.0's language_data.js for Chinese ends ``window.Stemmer =
    ChineseStemmer``, a name it never defines (the stemmer it ships is EnglishStemmer), and the
    search page stops with "ChineseStemmer is not defined"."""
    from sphinx.search import _MINIFIED_JS_PATH
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        js_stemmer_rawcode = ""
        js_stemmer_code = "\n".join((
            (_MINIFIED_JS_PATH / "base-stemmer.js").read_text(encoding="utf-8"),
            (_MINIFIED_JS_PATH / "english-stemmer.js").read_text(encoding="utf-8"),
            "window.Stemmer = EnglishStemmer;",
        ))

    return ChineseSearch


def _output_folder(app):
    """A translated edition keeps MyST-NB's executed notebooks beside its own doctrees."""
    if is_english(app.config.language) or not hasattr(app.env, "mystnb_config"):
        return
    folder = Path(app.doctreedir).parent / "jupyter_execute"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder.resolve()))


def executed_notebooks(app):
    """The folder of the executed notebooks of this build (MyST-NB's ``output_folder``)."""
    config = getattr(app.env, "mystnb_config", None)
    if config is not None and config.output_folder:
        return Path(config.output_folder)
    return Path(app.outdir).parent / "jupyter_execute"


def setup(app):
    app.add_role_to_domain("glue", "text", glue_text_role, override=True)
    app.add_search_language(_chinese_search())
    app.connect("config-inited", _code_prompts)
    app.add_transform(TranslatableExerciseTitles)
    app.add_transform(TranslatedExercises)
    app.add_transform(ReportUntranslated)
    app.connect("doctree-resolved", _extract_exercise_titles)
    app.connect("builder-inited", _output_folder, priority=600)  # after MyST-NB's (500)
    app.connect("html-page-context", _language_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
