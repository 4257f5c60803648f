"""The ``.ipynb`` a reader downloads, rewritten to show what the page shows (no Sphinx needed).

MyST-NB executes each chapter into ``jupyter_execute/<page>.ipynb``, but its Markdown cells
still hold MyST markup that Jupyter cannot render (``{glue:text}`` roles, ``{exercise}``
directives, citations, cross-references) and the figures glued with ``display=False`` are in
no cell. :func:`export_notebook` rewrites such a notebook into plain Jupyter Markdown:

- glued values are written in (formatted as on the page), glued figures become images attached
  to the Markdown cell that shows them, with their number and caption;
- exercises and solutions become headed paragraphs, admonitions block quotes, included source
  fenced code; ``{cite}``, ``{term}``, ``{ref}``, ``{numref}`` and ``{doc}`` become text or links
  (to the sibling notebooks), and the cited works are listed at the end;
- cells hidden on the page (``remove-cell``, ``remove-input``, ``hide-input``) are collapsed,
  and outputs the page removes are dropped.

:func:`leftover_myst` finds any MyST role or directive left in Markdown; the build warns (and
so fails under ``-W``) if a notebook still has one. The Sphinx side, :mod:`cnnbook_notebooks`,
gathers the :class:`Context` of a page and writes the rewritten notebook where the page's
download button points (``_sources/<page>.ipynb``).
"""

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["Context", "count_images", "export_notebook", "leftover_myst", "myst_to_markdown",
           "translate_myst"]

ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:+.-]*)\}`(?P<content>[^`]*)`")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*(?P<rest>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}\s*(?P<arg>.*)$")
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
EQ_LABEL = re.compile(r"^(?P<close>\s*\$\$)\s*\([^()\s]+\)\s*$")
_ROLE_OR_CODE = re.compile(ROLE.pattern + r"|``.*?``|`[^`]*`")  # roles, and code spans to skip
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)

ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important",
    "warning": "Warning", "caution": "Caution", "attention": "Attention", "danger": "Danger",
    "error": "Error", "seealso": "See also",
}
CONTAINERS = {"dropdown", "toggle", "container", "div", "card", "margin", "sidebar", "epigraph",
              "rubric", "topic"}
HTML_ONLY = {"raw", "eval-rst", "toctree", "bibliography", "glossary", "only", "tableofcontents"}
HIDDEN_INPUT = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
REMOVED_OUTPUT = {"remove-cell", "remove-output"}


WORDS = {  # what the rewriting writes itself, in English; a translated edition passes its own
    "Exercise": "Exercise",
    "Solution to {}": "Solution to {}",
    "the exercise": "the exercise",
    "References": "References",
    "interactive": "*(Interactive content: open this chapter in the HTML book to use it.)*",
}


@dataclass
class Context:
    """What the rewriting needs from the build, for one page.

    Attributes
    ----------
    docname : str
        The page (e.g. ``"ch02_convolution"``).
    glue : dict
        Glue key -> the glued output (``{"data": {mime: content}, "metadata": ...}``).
    labels : dict
        Label -> ``(docname, title)``: sections, figures, exercises, equations.
    numbers : dict
        Label -> its number as the page shows it (``"Fig. 2.1"``, ``"Exercise 2.3"``).
    docs : dict
        Page name -> its title.
    citations : dict
        BibTeX key -> ``(authors, year, reference)``: ``"Gatys et al."``, ``"2015"`` and the
        full reference as one line of Markdown.
    srcdir : pathlib.Path
        Source directory of the book (``literalinclude`` paths are relative to the page).
    format_text : callable
        ``format_text(text_plain, spec)`` as MyST-NB formats ``{glue:text}`key:spec```.
    words : dict
        The notebook's own words (``"Exercise"``, ``"Solution to"``, ...) in its language.
    """

    docname: str
    glue: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    numbers: dict = field(default_factory=dict)
    docs: dict = field(default_factory=dict)
    citations: dict = field(default_factory=dict)
    srcdir: Path = Path(".")
    format_text: object = None
    words: dict = field(default_factory=lambda: dict(WORDS))
    cited: list = field(default_factory=list)
    problems: list = field(default_factory=list)


# --- roles -----------------------------------------------------------------------------------
def _split_explicit(content):
    m = EXPLICIT.match(content)
    return (m["text"], m["target"]) if m else (None, content)


def _link(ctx, text, docname, anchor=None):
    if docname == ctx.docname:
        return f"[{text}](#{anchor})" if anchor else text
    href = f"{docname}.ipynb" + (f"#{anchor}" if anchor else "")
    return f"[{text}]({href})"


def _glue_text(ctx, content, *, markdown=False):
    key, _, spec = content.partition(":")
    out = ctx.glue.get(key)
    if out is None:
        ctx.problems.append(f"no glued value {key!r}")
        return key
    data = out.get("data", {})
    if markdown and "text/markdown" in data:
        return data["text/markdown"]
    text = data.get("text/plain", "")
    if ctx.format_text is None:
        return text
    try:
        return ctx.format_text(text, spec)
    except ValueError as err:  # e.g. a numpy scalar's repr, np.float64(0.5), under a float spec
        ctx.problems.append(f"glued value {key!r} cannot be formatted as {spec!r}: {err}")
        return text


def _cite(ctx, name, content):
    keys = [k.strip() for k in content.split(",") if k.strip()]
    parts = []
    for key in keys:
        if key not in ctx.cited:
            ctx.cited.append(key)
        authors, year, _ = ctx.citations.get(key, (key, "", ""))
        parts.append((authors, year))
    if name.endswith((":t", ":ts")):
        return "; ".join(f"{a} ({y})" if y else a for a, y in parts)
    if name.endswith((":author", ":authors")):
        return "; ".join(a for a, _ in parts)
    if name.endswith(":year"):
        return "; ".join(y for _, y in parts)
    inner = "; ".join(f"{a}, {y}" if y else a for a, y in parts)
    return inner if name.endswith((":alp", ":alps")) else f"({inner})"


def _role(ctx, name, content):
    """Markdown for one MyST role."""
    if name in ("glue", "glue:", "glue:text", "glue:any"):
        return _glue_text(ctx, content)
    if name == "glue:md":
        return _glue_text(ctx, content.rsplit(":", 1)[0], markdown=True)
    if name == "term":
        text, target = _split_explicit(content)
        return text or target
    if name == "ref":
        text, target = _split_explicit(content)
        doc, title = ctx.labels.get(target, (None, None))
        if doc is None:
            return text or target
        return _link(ctx, text or title or target, doc, target)
    if name == "numref":
        text, target = _split_explicit(content)
        doc, title = ctx.labels.get(target, (None, None))
        number = ctx.numbers.get(target, "")
        if text:
            shown = text.replace("%s", number.split()[-1] if number else "").replace(
                "{number}", number.split()[-1] if number else "").replace("{name}", title or "")
        else:
            shown = number or title or target
        return _link(ctx, shown, doc, target) if doc else shown
    if name == "doc":
        text, target = _split_explicit(content)
        doc = target.lstrip("/").removesuffix(".md").removesuffix(".ipynb")
        return _link(ctx, text or ctx.docs.get(doc, doc), doc)
    if name == "eq":
        return ctx.numbers.get(content, f"({content})")
    if name.startswith(("cite", "footcite")):
        return _cite(ctx, name.removeprefix("foot"), content)
    if name == "math":
        return f"${content}$"
    if name in ("code", "literal", "samp", "file", "command", "kbd"):
        return f"`{content}`"
    if name in ("abbr", "sub", "sup", "download", "guilabel", "menuselection", "dfn", "strong",
                "emphasis"):
        text, target = _split_explicit(content)
        return text or target
    ctx.problems.append(f"unknown role {{{name}}}")
    text, target = _split_explicit(content)
    return text or target


def _roles(ctx, line):
    return ROLE.sub(lambda m: _role(ctx, m["name"], m["content"]), line)


# --- directives ------------------------------------------------------------------------------
def _parse_block(lines):
    """Split a directive body into ``(options, body_lines)``."""
    options, i = {}, 0
    if lines and lines[0].strip() == "---":  # a YAML block of options
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if end is not None:
            for line in lines[1:end]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip()
            i = end + 1
    while i < len(lines):
        m = re.match(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$", lines[i])
        if not m:
            break
        options[m["key"]] = m["value"]
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    return options, lines[i:]


def _attach(ctx, key, attachments):
    out = ctx.glue.get(key)
    data = {} if out is None else out.get("data", {})
    for mime, ext in (("image/png", "png"), ("image/jpeg", "jpg"), ("image/svg+xml", "svg"),
                      ("image/gif", "gif")):
        if mime in data:
            name = f"{key}.{ext}"
            attachments[name] = {mime: data[mime]}
            return name
    ctx.problems.append(f"no glued image {key!r}")
    return None


def _exercise_heading(ctx, label, title):
    number = ctx.numbers.get(label, ctx.words["Exercise"])
    return f"**{number}**" + (f" ({title})" if title else "")


def _literalinclude(ctx, arg, options):
    path = (ctx.srcdir / Path(ctx.docname).parent / arg).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        ctx.problems.append(f"literalinclude: cannot read {arg}")
        return f"(source: `{arg}`)"
    lines = text.splitlines()
    if "pyobject" in options:
        from sphinx.pycode import ModuleAnalyzer

        tags = ModuleAnalyzer.for_string(text, "").find_tags()
        if options["pyobject"] in tags:
            _, start, end = tags[options["pyobject"]]
            lines = lines[start - 1:end]
            while lines and not lines[-1].strip():
                lines.pop()
    if "lines" in options:
        keep = []
        for part in options["lines"].split(","):
            a, dash, b = part.strip().partition("-")
            lo = int(a) - 1
            hi = (int(b) if b else len(lines)) if dash else lo + 1
            keep += lines[lo:hi]
        lines = keep
    lang = options.get("language", "python" if arg.endswith(".py") else "")
    return "\n".join([f"```{lang}", *lines, "```"])


def _directive(ctx, name, arg, block, attachments):
    """Markdown for one MyST directive (``block`` = its lines between the fences)."""
    options, body = _parse_block(block)
    text = lambda lines: _convert(ctx, lines, attachments)  # noqa: E731
    if name in ("glue:figure", "glue:"):
        image = _attach(ctx, arg, attachments)
        caption = text(body).strip()
        label = options.get("name")
        number = ctx.numbers.get(label, "") if label else ""
        alt = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", options.get("alt", caption) or arg)
        alt = " ".join(re.sub(r"[\[\]]", " ", alt).split())
        parts = [f'<a id="{label}"></a>'] if label else []
        if image:
            parts.append(f"![{alt}](attachment:{image})")
        if caption or number:
            parts.append(f"*{number}* {caption}".strip() if number else caption)
        return "\n\n".join(parts)
    if name == "glue:math":
        return f"$$\n{_glue_text(ctx, arg)}\n$$"
    if name == "glue:md":
        return _glue_text(ctx, arg, markdown=True)
    if name in ("exercise", "exercise-start"):
        label = options.get("label", "")
        anchor = [f'<a id="{label}"></a>'] if label else []
        return "\n\n".join([*anchor, _exercise_heading(ctx, label, _roles(ctx, arg.strip())),
                            text(body)]).rstrip()
    if name == "exercise-end":
        return ""
    if name in ("solution", "solution-start"):
        label = arg.strip()
        number = ctx.numbers.get(label, ctx.words["the exercise"])
        heading = ctx.words["Solution to {}"].format(number)
        return "\n\n".join([f"**{heading}**", text(body)]).rstrip()
    if name == "solution-end":
        return ""
    if name in ADMONITIONS or name == "admonition":
        title = _roles(ctx, arg.strip()) if name == "admonition" else ADMONITIONS[name]
        inner = text(body).splitlines()
        quoted = [f"> **{title}**", ">"] + [f"> {line}" if line else ">" for line in inner]
        return "\n".join(quoted)
    if name in ("literalinclude",):
        return _literalinclude(ctx, arg.strip(), options)
    if name in ("code-block", "code", "sourcecode", "code-cell"):
        return "\n".join([f"```{arg.strip()}", *body, "```"])
    if name in ("math",):
        return "\n".join(["$$", *body, "$$"])
    if name in ("figure", "image"):
        caption = text(body).strip()
        return f"![{options.get('alt', caption)}]({arg.strip()})\n\n{caption}".strip()
    if name in CONTAINERS:
        return text(body)
    if name in HTML_ONLY:
        return ctx.words["interactive"] if name == "raw" else ""
    ctx.problems.append(f"unknown directive {{{name}}}")
    return text(body)


def _convert(ctx, lines, attachments):
    out, prose, i = [], [], 0

    def flush():  # roles are rewritten paragraph-wise: one may be broken across two lines
        if prose:
            out.append(_roles(ctx, "\n".join(prose)))
            prose.clear()

    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m:
            flush()
            fence = m["fence"]
            close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            block = [ln[len(m["indent"]):] if ln.startswith(m["indent"]) else ln
                     for ln in lines[i + 1:j]]
            d = DIRECTIVE.match(m["rest"])
            if d:
                out.append(_directive(ctx, d["name"], d["arg"], block, attachments))
            elif fence[0] == "`":  # a plain code block: untouched
                out.extend(lines[i:j + 1])
            else:
                out.append(_convert(ctx, block, attachments))
            i = j + 1
            continue
        t = TARGET.match(line)
        if t:
            prose.append(f'<a id="{t["label"]}"></a>')
        elif not line.startswith("%"):  # a MyST comment is dropped
            e = EQ_LABEL.match(line)
            prose.append(e["close"] if e else line)
        i += 1
    flush()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def myst_to_markdown(text, ctx, attachments=None):
    """Rewrite MyST Markdown ``text`` as Jupyter Markdown; images go into ``attachments``."""
    attachments = {} if attachments is None else attachments
    return _convert(ctx, text.splitlines(), attachments).strip("\n")


def leftover_myst(text):
    """MyST roles and directives left in Markdown ``text`` (outside code blocks and spans)."""
    found, in_code, prose = [], None, []
    for line in text.splitlines():
        m = FENCE.match(line)
        if in_code is None and not m:
            prose.append(line)
        if in_code is not None:
            if m and m["fence"][0] == in_code[0] and len(m["fence"]) >= len(in_code) \
                    and not m["rest"].strip():
                in_code = None
            continue
        if m:
            if DIRECTIVE.match(m["rest"]):
                found.append(line.strip())
            in_code = m["fence"]  # skip to the block's end
            continue
        if TARGET.match(line):
            found.append(line.strip())
    joined = "\n".join(prose)  # a role broken across two lines is found too
    found += [m.group(0) for m in _ROLE_OR_CODE.finditer(joined) if m["name"]]
    return found


# --- a translated edition ----------------------------------------------------------------------
UNTRANSLATED = {"code-cell", "code-block", "code", "sourcecode", "math", "eval-rst", "raw",
                "literalinclude", "toctree", "bibliography", "glossary", "glue:math", "glue:md"}
_LIST_ITEM = re.compile(r"^(?P<mark>\s*(?:[-*+]|\d+[.)])\s+)(?P<text>.*)$")
_HEADING = re.compile(r"^(?P<mark>#{1,6}\s+)(?P<text>.*?)\s*$")


def _key(text):
    return " ".join(text.split())


def _translate_paragraph(lines, lookup):
    """A paragraph's lines, translated where ``lookup`` knows the text."""
    joined = lookup(_key(" ".join(lines)))
    if joined is not None:
        return [joined]
    if all(line.lstrip().startswith(">") for line in lines):  # a block quote
        quoted = lookup(_key(" ".join(line.lstrip()[1:] for line in lines)))
        if quoted is not None:
            return [f"> {quoted}"]
    out, item = [], None
    for line in lines + [None]:
        m = None if line is None else (_LIST_ITEM.match(line) or _HEADING.match(line))
        if line is None or m or item is None:
            if item is not None:
                text = lookup(_key(" ".join(item[1])))
                out.append(item[0] + text if text is not None else item[2])
                item = None
            if line is None:
                break
            if m:
                item = [m["mark"], [m["text"]], line]
            elif line.lstrip().startswith("|") and line.rstrip().endswith("|"):
                cells = line.strip().strip("|").split("|")
                out.append("|" + "|".join(
                    f" {lookup(_key(c)) or c.strip()} " if c.strip() else c
                    for c in cells) + "|")
            elif line.lstrip().startswith(">"):
                quote = line.lstrip()[1:].strip()
                text = lookup(_key(quote))
                out.append(f"> {text}" if text is not None else line)
            else:
                text = lookup(_key(line))
                out.append(text if text is not None else line)
        else:  # the continuation of a list item
            item[1].append(line.strip())
            item[2] += "\n" + line
    return out


def translate_myst(text, lookup):
    """MyST Markdown ``text`` with each paragraph, heading, list item, table cell, exercise
    title and figure caption replaced by its translation, ``lookup(message)`` (None: kept);
    code, formulas and directive options are kept as they are.

    ``lookup`` takes a message as Sphinx's gettext builder extracts it, with its whitespace
    collapsed, so that a page's catalog translates the page's own notebook.
    """
    lines, out, prose, i = text.splitlines(), [], [], 0

    def flush():
        if prose:
            out.extend(_translate_paragraph(prose, lookup))
            prose.clear()

    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m or line.strip() == "$$" or (line.startswith("$$") and not line.rstrip().endswith(
                "$$", 2)):
            flush()
            if m:
                fence = m["fence"]
                close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            else:
                close = re.compile(r"^.*\$\$\s*(\([^()\s]+\))?\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            d = DIRECTIVE.match(m["rest"]) if m else None
            if d is None or d["name"] in UNTRANSLATED:
                out.extend(lines[i:j + 1])
            else:
                arg = d["arg"].strip()
                title = lookup(_key(arg)) if arg and d["name"] in ("exercise",
                                                                   "exercise-start") else None
                out.append(line if title is None else line.replace(arg, title, 1))
                block = lines[i + 1:j]
                options, body = _parse_block(block)
                head = block[:len(block) - len(body)]
                out.extend(head)
                out.extend(translate_myst("\n".join(body), lookup).splitlines())
                if j < len(lines):
                    out.append(lines[j])
            i = j + 1
            continue
        if not line.strip() or TARGET.match(line) or line.startswith("%"):
            flush()
            out.append(line)
        else:
            prose.append(line)
        i += 1
    flush()
    return "\n".join(out)


# --- notebooks -------------------------------------------------------------------------------
def _references(ctx):
    if not ctx.cited:
        return None
    lines = [f"## {ctx.words['References']}", ""]
    for key in ctx.cited:
        _, _, reference = ctx.citations.get(key, ("", "", key))
        lines.append(f"- {reference or key}")
    return nbformat.v4.new_markdown_cell("\n".join(lines))


def export_notebook(nb, ctx):
    """Return a copy of the executed notebook ``nb`` readable in Jupyter (see the module)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type == "markdown":
            attachments = dict(cell.get("attachments", {}))
            cell.source = myst_to_markdown(cell.source, ctx, attachments)
            if attachments:
                cell["attachments"] = attachments
        elif cell.cell_type == "code":
            if tags & HIDDEN_INPUT:
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            if tags & REMOVED_OUTPUT:
                cell.outputs = []
                cell.metadata.setdefault("jupyter", {})["outputs_hidden"] = True
    references = _references(ctx)
    if references is not None:
        nb.cells.append(references)
    for key in ("source_map", "wordcount"):
        nb.metadata.pop(key, None)
    nb.metadata.pop("jupytext", None)  # it is a plain notebook now, not paired with the .md
    return nb


def count_images(nb):
    """Images a reader sees in ``nb``: attachments of Markdown cells, image outputs and
    ``<img>`` tags of HTML outputs (e.g. an animation's player)."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            n += len(re.findall(r"attachment:", cell.source))
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if any(k.startswith("image/") for k in data):
                n += 1
            elif "text/html" in data:
                html = data["text/html"]
                n += len(re.findall(r"<img\b", "".join(html) if isinstance(html, list) else html))
    return n
