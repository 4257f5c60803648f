"""Checks on the book's MyST sources (book/*.md) that a reader would otherwise find by eye.

- Code cells fit the content column: no line over 80 characters (the column holds about 80).
- Solutions are executed, not typed: a solution holds code only as code cells between the gated
  ``{solution-start}`` / ``{solution-end}`` directives, which MyST-NB executes with the page. A
  ```` ```python ```` fence inside a solution is shown but never run, so its numbers could be
  typed; it fails here.
- In the chapters listed in ``TIDY_CHAPTERS``: ``glue(...)`` plumbing sits in cells tagged
  ``remove-cell`` (never in a cell the reader sees), and the page's imports are shown in a cell
  tagged ``hide-input`` (collapsed, copyable), not removed.

The parser understands the fences MyST uses: backtick, tilde and colon fences, nested.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
PAGES = sorted(BOOK.glob("*.md"))
MAX_LINE = 80

# chapters whose cells follow the glue/imports rules (a chapter joins when converted)
TIDY_CHAPTERS = ["ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch10"]

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,}|:{3,})\s*(.*?)\s*$")
# fences whose content is code that a reader would run: plain or python-ish code blocks
_CODE_INFO = re.compile(
    r"^(|python3?|py|ipython3?|pycon)$"
    r"|^\{(code-block|code|sourcecode)\}\s*(python3?|py|ipython3?)?\s*$"
    r"|^\{code-cell\}"
)


@dataclass
class Block:
    """A fenced block: its info string (after the fence), first line number, body, children."""

    info: str
    line: int
    body: list
    children: list = field(default_factory=list)

    @property
    def end(self):
        """Line number of the closing fence."""
        return self.line + len(self.body) + 1

    @property
    def name(self):
        m = re.match(r"^\{([^}]+)\}", self.info)
        return m.group(1) if m else None


def parse(lines, offset=0):
    """Fenced blocks in ``lines`` (top level), each with its nested blocks parsed recursively."""
    blocks, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group(1), m.group(2)
        j = i + 1
        while j < len(lines):
            c = _FENCE.match(lines[j])
            if c and c.group(2) == "" and c.group(1)[0] == fence[0] \
                    and len(c.group(1)) >= len(fence):
                break
            j += 1
        body = lines[i + 1:j]
        block = Block(info, offset + i + 1, body)
        # directives parse their content as Markdown; code fences do not nest
        if info.startswith("{") and not info.startswith("{code-cell}"):
            block.children = parse(body, offset + i + 1)
        blocks.append(block)
        i = j + 1
    return blocks


def walk(blocks):
    for b in blocks:
        yield b
        yield from walk(b.children)


def cell_source(block):
    """(options text, source lines) of a ``{code-cell}`` block."""
    body = block.body
    if body and body[0].strip() == "---":
        end = next(k for k in range(1, len(body)) if body[k].strip() == "---")
        return "\n".join(body[1:end]), body[end + 1:]
    k = 0
    while k < len(body) and body[k].startswith(":"):
        k += 1
    return "\n".join(body[:k]), body[k:]


def code_cells(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [b for b in parse(lines) if b.name == "code-cell"]


def cell_tags(options):
    m = re.search(r"tags:\s*\[([^\]]*)\]", options)
    return {t.strip().strip("'\"") for t in m.group(1).split(",")} if m else set()


def _indented_code(lines, first, last, blocks):
    """(line, "indented") for each indented code block (4+ spaces after a blank line) in lines
    ``first``..``last`` (1-based, inclusive) outside ``blocks``."""
    covered = {n for b in blocks for n in range(b.line, b.end + 1)}
    bad, previous_blank = [], True
    for n in range(first, last + 1):
        text = lines[n - 1]
        if n in covered:
            previous_blank = False
            continue
        if previous_blank and text.startswith("    ") and text.strip():
            bad.append((n, "indented"))
        previous_blank = not text.strip()
    return bad


def solution_code(path):
    """(line, info) of every code block inside a solution that MyST-NB will not execute.

    ``info`` is the fence's info string, or ``"indented"`` for an indented code block.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    top = parse(lines)
    bad = []
    for b in walk(top):  # plain {solution} directives: nothing inside them executes
        if b.name == "solution":
            bad += [(c.line, c.info) for c in walk(b.children) if _CODE_INFO.match(c.info)]
            bad += _indented_code(lines, b.line + 1, b.end - 1, b.children)
    start = None  # gated solutions: code cells at top level execute, nothing else does
    for b in top:
        if b.name == "solution-start":
            start = b
        elif b.name == "solution-end" and start is not None:
            inner = [c for c in top if start.end < c.line < b.line]
            bad += _indented_code(lines, start.end + 1, b.line - 1, inner)
            start = None
        elif start is not None and b.name != "code-cell":
            bad += [(c.line, c.info) for c in walk([b]) if _CODE_INFO.match(c.info)]
    return sorted(bad)


# --- the parser itself --------------------------------------------------------------------------

SAMPLE = """\
Text.

```{code-cell} ipython3
:tags: [remove-cell]

from myst_nb import glue
glue("x", 1, display=False)
```

````{solution} ex-1
:class: dropdown

```python
typed = 3  # 3
```

    also_typed = 4
````

```{solution-start} ex-2
:class: dropdown
```

```{code-cell} ipython3
---
tags: [hide-input]
---
import numpy as np
```

:::{note}
```
also typed
```
:::

    x = 1  # typed too

```{solution-end}
```
"""


def test_parser_finds_cells_tags_and_unexecuted_solution_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(SAMPLE, encoding="utf-8")
    cells = code_cells(page)
    assert [cell_tags(cell_source(c)[0]) for c in cells] == [{"remove-cell"}, {"hide-input"}]
    assert cell_source(cells[0])[1] == ["", "from myst_nb import glue",
                                        'glue("x", 1, display=False)']
    assert cell_source(cells[1])[1] == ["import numpy as np"]
    # the ```python fence and indented code in the plain solution, the bare fence and
    # indented code in the gated one
    assert solution_code(page) == [(13, "python"), (17, "indented"), (32, ""),
                                  (37, "indented")]


def test_parser_accepts_a_gated_solution_with_only_code_cells(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(SAMPLE.split("````{solution}")[0] + "```{solution-start} ex-2\n```\n\n"
                    "```{code-cell} ipython3\nx = 1\n```\n\n```{solution-end}\n```\n",
                    encoding="utf-8")
    assert solution_code(page) == []


# --- the book -----------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_code_cell_lines_fit_the_column(page):
    long = [(c.line + 1 + k, len(s)) for c in code_cells(page)
            for k, s in enumerate(c.body) if len(s) > MAX_LINE]
    assert not long, (f"{page.name}: code-cell lines over {MAX_LINE} characters "
                      f"(line, length): {long}")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_solutions_hold_no_unexecuted_code(page):
    bad = solution_code(page)
    assert not bad, (f"{page.name}: code inside a solution that is not an executed code cell "
                     f"(line, fence info): {bad}; use {{solution-start}}/{{solution-end}} with "
                     "code-cell blocks")


def _tidy_pages():
    return [p for p in PAGES if any(p.name.startswith(c) for c in TIDY_CHAPTERS)]


@pytest.mark.parametrize("page", _tidy_pages(), ids=lambda p: p.name)
def test_glue_only_in_removed_cells(page):
    bad = [c.line for c in code_cells(page)
           if re.search(r"\bglue\(", "\n".join(cell_source(c)[1]))
           and "remove-cell" not in cell_tags(cell_source(c)[0])]
    assert not bad, f"{page.name}: cells a reader sees call glue(...) (lines): {bad}"


@pytest.mark.parametrize("page", _tidy_pages(), ids=lambda p: p.name)
def test_imports_are_shown_collapsed_not_removed(page):
    cells = [(cell_tags(o), "\n".join(s)) for o, s in map(cell_source, code_cells(page))]
    shown = [src for tags, src in cells if "hide-input" in tags
             and re.search(r"^(import|from) ", src, re.M)]
    assert shown, f"{page.name}: no import cell tagged hide-input"
    hidden = [line for tags, src in cells if "remove-cell" in tags
              for line in src.splitlines()
              if re.match(r"(import|from) ", line) and "myst_nb" not in line]
    assert not hidden, f"{page.name}: imports a reader cannot see: {hidden}"
