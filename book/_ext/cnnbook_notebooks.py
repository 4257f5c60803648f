"""Sphinx extension: the ``.ipynb`` download of each chapter in plain Jupyter Markdown.

conf.py's download hook copies MyST-NB's executed notebook into ``_sources``; this extension
then rewrites it with :func:`notebook_markdown.export_notebook`, from what the build knows:
glued values (``jupyter_execute/<page>.glue.json``), labels and their numbers, page titles and
the BibTeX entries. Anything it cannot rewrite is a warning (an error under ``-W``).
"""

import json
import re
from pathlib import Path

import nbformat
from cnnbook_i18n import executed_notebooks
from notebook_markdown import WORDS, Context, export_notebook, leftover_myst, translate_myst


def _plain(text):
    try:
        import codecs

        import latexcodec  # noqa: F401  (registers the "ulatex" codec; pybtex depends on it)

        text = codecs.decode(text, "ulatex")
    except Exception:  # noqa: BLE001  a string the codec cannot read stays as written
        pass
    return re.sub(r"[{}]", "", text).replace("~", " ").replace("--", "–").strip()


def _citations(app):
    try:
        entries = app.env.get_domain("cite").bibdata.data.entries
    except Exception:  # noqa: BLE001  no sphinxcontrib-bibtex: keys stay as written
        return {}
    out = {}
    for key, entry in entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [_plain(" ".join(p.last_names)) for p in people]
        if len(last) >= 3:
            authors = f"{last[0]} et al."
        elif last:
            authors = " and ".join(last)
        else:
            authors = key
        year = entry.fields.get("year", "")
        names = ", ".join(_plain(" ".join(p.first_names + p.middle_names + p.last_names))
                          for p in people)
        title = _plain(entry.fields.get("title", ""))
        venue = _plain(entry.fields.get("journal") or entry.fields.get("booktitle")
                       or entry.fields.get("publisher") or "")
        link = entry.fields.get("url") or (f"https://doi.org/{entry.fields['doi']}"
                                           if "doi" in entry.fields else "")
        reference = ". ".join(p for p in (names, f"({year})" if year else "", f"*{title}*",
                                          venue) if p)
        if link:
            reference += f". <{link}>"
        out[key] = (authors, year, reference)
    return out


# the notebook's own words in the Chinese edition (the English ones: notebook_markdown.WORDS)
WORDS_ZH = {
    "Exercise": "练习",
    "Solution to {}": "{}的解答",
    "the exercise": "该练习",
    "References": "参考文献",
    "interactive": "*（交互内容：请在本书的 HTML 版中打开本章使用。）*",
}


def _words(app):
    return WORDS_ZH if app.config.language == "zh_CN" else WORDS


def _catalog(app, docname):
    """``lookup(message)`` from the page's catalog in a translated edition (None elsewhere)."""
    from cnnbook_i18n import is_english

    if is_english(app.config.language):
        return None
    from babel.messages.pofile import read_po

    path = (Path(app.srcdir) / app.config.locale_dirs[0] / app.config.language / "LC_MESSAGES"
            / f"{docname}.po")
    if not path.exists():
        return None
    with open(path, "rb") as f:
        messages = {" ".join(m.id.split()): m.string for m in read_po(f)
                    if m.id and m.string and not m.fuzzy}
    return messages.get


def _numbers(app):
    env, fmt = app.env, app.config.numfig_format
    std = env.get_domain("std")
    numbers = {}
    for label, (doc, node_id, _title) in std.labels.items():
        for figtype, ids in env.toc_fignumbers.get(doc, {}).items():
            if node_id in ids:
                number = ".".join(map(str, ids[node_id]))
                template = fmt.get(figtype, figtype.capitalize() + " %s")
                numbers[label] = template.replace("%s", number).strip()
    for figs in env.toc_fignumbers.values():  # exercises are labelled by their node id
        for node_id, number in figs.get("exercise", {}).items():
            numbers.setdefault(node_id, f"{_words(app)['Exercise']} {'.'.join(map(str, number))}")
    return numbers


def build_context(app, docname):
    """The :class:`Context` of ``docname`` from the Sphinx environment and MyST-NB's glue."""
    from myst_nb.core.variables import format_plain_text

    env = app.env
    glue_path = executed_notebooks(app) / f"{docname}.glue.json"
    glue = json.loads(glue_path.read_text(encoding="utf-8")) if glue_path.exists() else {}
    std = env.get_domain("std")
    labels = {label: (doc, title) for label, (doc, _id, title) in std.labels.items()}
    for label, (doc, _id) in std.anonlabels.items():
        labels.setdefault(label, (doc, label))
    docs = {doc: title.astext() for doc, title in env.titles.items()}
    return Context(docname=docname, glue=glue, labels=labels, numbers=_numbers(app), docs=docs,
                   citations=_citations(app), srcdir=Path(app.srcdir),
                   format_text=format_plain_text, words=dict(_words(app)))


_GLUE_MIME = "application/papermill.record/"


def with_outputs(nb, cache_path):
    """``nb`` with the outputs the execution cache holds for it, glued-only outputs removed.

    MyST-NB writes ``jupyter_execute/<page>.ipynb`` with outputs only when it executed the page
    in this build; when the page came from the cache, the file has none. The cache's outputs
    are merged back here, as MyST-NB does for the page, minus ``glue(..., display=False)``
    records, which show nothing.
    """
    from jupyter_cache import get_cache

    try:
        _, nb = get_cache(cache_path).merge_match_into_notebook(nb)
    except KeyError:  # not in the cache: the file's own outputs (an executing build) stand
        return nb
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not o.get("data") or not all(
                k.startswith(_GLUE_MIME) for k in o["data"])]
    return nb


def _export_page(app, pagename, templatename, context, doctree):
    """Rewrite the notebook that conf.py's download hook copied into ``_sources``."""
    if doctree is None or not context.get("ipynb_source"):
        return
    from sphinx.util import logging

    target = Path(app.outdir) / "_sources" / context["ipynb_source"]
    executed = executed_notebooks(app) / f"{pagename}.ipynb"
    if not executed.exists():
        return
    ctx = build_context(app, pagename)
    nb = nbformat.read(executed, as_version=4)
    if app.config.nb_execution_mode == "cache":
        nb = with_outputs(nb, app.config.nb_execution_cache_path)
    lookup = _catalog(app, pagename)
    if lookup is not None:  # the Chinese edition's notebook: its Markdown in Chinese
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = translate_myst(cell.source, lookup)
    nb = export_notebook(nb, ctx)
    left = [x for cell in nb.cells if cell.cell_type == "markdown"
            for x in leftover_myst(cell.source)]
    logger = logging.getLogger(__name__)
    for problem in sorted(set(ctx.problems)) + [f"MyST left in Markdown: {x}" for x in left]:
        logger.warning(f"notebook {pagename}.ipynb: {problem}", type="cnnbook", subtype="ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


def setup(app):
    app.connect("html-page-context", _export_page, priority=450)  # after conf.py's copy (400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
