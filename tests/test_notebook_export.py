"""The notebook a reader downloads: MyST markup rewritten as Jupyter Markdown (book/_ext)."""

import base64
import copy
import sys
from pathlib import Path

import nbformat
import pytest
from myst_nb.core.variables import format_plain_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from notebook_markdown import (  # noqa: E402
    Context,
    count_images,
    export_notebook,
    leftover_myst,
    myst_to_markdown,
    translate_myst,
)

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(40)).decode("ascii")


@pytest.fixture
def ctx(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(
        "import os\n\n\ndef first(x):\n    return x + 1\n\n\ndef second():\n    pass\n")
    (tmp_path / "book").mkdir()
    return Context(
        docname="ch02",
        glue={"p": {"data": {"text/plain": "0.08333333333333333"}},
              "shape": {"data": {"text/plain": "'(4, 3)'"}},
              "fig-a": {"data": {"text/plain": "<BookFigure>", "image/png": PNG},
                        "metadata": {"image/png": {"width": 300}}}},
        labels={"fig-ch02-a": ("ch02", ""), "sec-pad": ("ch03", "Padding"),
                "ex-ch02-1": ("ch02", "")},
        numbers={"fig-ch02-a": "Fig. 2.1", "ex-ch02-1": "Exercise 2.1"},
        docs={"ch03": "Padding, stride, dilation"},
        citations={"gatys2015": ("Gatys et al.", "2015", "L. Gatys. (2015). *Texture*."),
                   "lin2014": ("Lin and Yan", "2014", "M. Lin, S. Yan. (2014). *NIN*.")},
        srcdir=tmp_path / "book", format_text=format_plain_text)


def test_glued_values_are_written_in_as_formatted_on_the_page(ctx):
    md = myst_to_markdown("P = {glue:text}`p:.4f`, shape {glue:text}`shape`.", ctx)
    assert md == "P = 0.0833, shape (4, 3)."


def test_glued_figure_is_attached_with_its_number_and_caption(ctx):
    attachments = {}
    md = myst_to_markdown("```{glue:figure} fig-a\n:name: fig-ch02-a\n\nThe dice, "
                          "see {numref}`fig-ch02-a`.\n```", ctx, attachments)
    assert attachments == {"fig-a.png": {"image/png": PNG}}
    assert md == ('<a id="fig-ch02-a"></a>\n\n![The dice, see Fig. 2.1.](attachment:fig-a.png)'
                  "\n\n*Fig. 2.1* The dice, see [Fig. 2.1](#fig-ch02-a).")  # same page: anchor


def test_exercise_and_gated_solution_become_headed_paragraphs(ctx):
    md = myst_to_markdown("```{exercise} Three dice\n:label: ex-ch02-1\n\nSum of *three*.\n```"
                          "\n\n```{solution-start} ex-ch02-1\n:class: dropdown\n```\n\nConvolve."
                          "\n\n```{solution-end}\n```", ctx)
    assert md == ('<a id="ex-ch02-1"></a>\n\n**Exercise 2.1** (Three dice)\n\nSum of *three*.'
                  "\n\n**Solution to Exercise 2.1**\n\nConvolve.")


def test_nested_solution_keeps_its_code_block(ctx):
    md = myst_to_markdown("````{solution} ex-ch02-1\n:class: dropdown\n\n```python\n"
                          "x = {1: 2}\n```\n````", ctx)
    assert md == "**Solution to Exercise 2.1**\n\n```python\nx = {1: 2}\n```"


def test_citations_terms_and_references_become_text_and_links(ctx):
    md = myst_to_markdown(
        "{cite:t}`gatys2015` and {cite}`gatys2015,lin2014`; a {term}`kernel <convolution "
        "kernel>`, a {term}`stride`; {doc}`ch03`, {ref}`sec-pad`, {ref}`the padding <sec-pad>`"
        ", {doc}`this one <ch03>`.", ctx)
    assert md == ("Gatys et al. (2015) and (Gatys et al., 2015; Lin and Yan, 2014); a kernel, a "
                  "stride; [Padding, stride, dilation](ch03.ipynb), [Padding](ch03.ipynb#sec-pad)"
                  ", [the padding](ch03.ipynb#sec-pad), [this one](ch03.ipynb).")
    assert ctx.cited == ["gatys2015", "lin2014"]


def test_admonition_literalinclude_raw_targets_and_equation_labels(ctx):
    md = myst_to_markdown(
        "(sec-x)=\n# Title\n\n% a MyST comment\n```{note}\nRead {term}`this`.\n```\n\n"
        "```{literalinclude} ../pkg/mod.py\n:pyobject: first\n```\n\n"
        "```{raw} html\n<div id='x'></div>\n```\n\n$$\nx = 1\n$$ (eq-one)", ctx)
    assert md == ('<a id="sec-x"></a>\n# Title\n\n> **Note**\n>\n> Read this.\n\n'
                  "```python\ndef first(x):\n    return x + 1\n```\n\n"
                  "*(Interactive content: open this chapter in the HTML book to use it.)*\n\n"
                  "$$\nx = 1\n$$")


def test_code_blocks_and_code_spans_are_left_alone(ctx):
    text = "```python\nprint('{term}`x`')\n```\n\nWrite ``{glue:text}`key` `` in MyST."
    assert myst_to_markdown("```python\nprint('{term}`x`')\n```", ctx) == (
        "```python\nprint('{term}`x`')\n```")
    assert leftover_myst(text) == []


def test_leftover_myst_finds_roles_directives_and_targets():
    text = "A {glue:text}`p` and {cite}`x`.\n\n```{exercise}\nbody\n```\n(sec-a)=\n"
    assert leftover_myst(text) == ["```{exercise}", "(sec-a)=", "{glue:text}`p`", "{cite}`x`"]
    assert leftover_myst("a {term}`feature\nmap` b") == ["{term}`feature\nmap`"]


def test_a_role_broken_across_lines_is_rewritten(ctx):
    assert myst_to_markdown("a {term}`feature\nmap` and {cite:t}`gatys2015`", ctx) == (
        "a feature\nmap and Gatys et al. (2015)")


def test_unknown_markup_is_reported_not_dropped(ctx):
    md = myst_to_markdown("{frobnicate}`x` and\n```{mystery} arg\nbody text\n```", ctx)
    assert md == "x and\nbody text"
    assert ctx.problems == ["unknown role {frobnicate}", "unknown directive {mystery}"]


def test_missing_glue_is_reported(ctx):
    myst_to_markdown("{glue:text}`nothing`", ctx)
    assert ctx.problems == ["no glued value 'nothing'"]


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["jupytext"] = {"text_representation": {"format_name": "myst"}}
    nb.metadata["source_map"] = [1, 2, 3]
    nb.cells = [
        nbformat.v4.new_code_cell("from myst_nb import glue", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("See {cite:t}`gatys2015`: P = {glue:text}`p:.2f`."),
        nbformat.v4.new_code_cell("fig = plot()", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]),
        nbformat.v4.new_code_cell("hidden()", metadata={"tags": ["remove-output"]},
                                  outputs=[nbformat.v4.new_output("stream", text="noise")]),
        nbformat.v4.new_markdown_cell("```{glue:figure} fig-a\n:name: fig-ch02-a\n\nCap.\n```"),
    ]
    return nb


def test_export_notebook_rewrites_markdown_and_hides_what_the_page_hides(ctx):
    nb = _notebook()
    out = export_notebook(nb, ctx)
    assert nb.cells[1].source.startswith("See {cite:t}")  # the input is not modified
    md = [c for c in out.cells if c.cell_type == "markdown"]
    assert md[0].source == "See Gatys et al. (2015): P = 0.08."
    assert md[1].attachments == {"fig-a.png": {"image/png": PNG}}
    assert md[-1].source == "## References\n\n- L. Gatys. (2015). *Texture*."
    assert out.cells[0].metadata["jupyter"]["source_hidden"] is True
    assert out.cells[3].outputs == []
    assert "jupytext" not in out.metadata and "source_map" not in out.metadata
    assert all(leftover_myst(c.source) == [] for c in md)
    assert count_images(out) == 2  # the cell's figure and the attached glued one
    nbformat.validate(out)


def test_count_images_counts_html_img_tags():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("anim", outputs=[nbformat.v4.new_output(
        "execute_result", data={"text/html": '<div><img alt="frame" src="data:x"/></div>'},
        execution_count=1)])]
    assert count_images(nb) == 1


def test_outputs_come_back_from_the_execution_cache(tmp_path):
    """MyST-NB writes a page read from its cache without outputs; the export merges them back
    and drops the records of ``glue(..., display=False)``, which show nothing."""
    from cnnbook_notebooks import with_outputs
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    executed = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3",
                                                                 "display_name": "Python 3"}})
    executed.cells = [
        nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": PNG})]),
        nbformat.v4.new_code_cell("glue('x', 1, display=False)", outputs=[nbformat.v4.new_output(
            "display_data", data={"application/papermill.record/text/plain": "1"})]),
    ]
    cache = get_cache(tmp_path / "cache")
    cache.cache_notebook_bundle(CacheBundleIn(executed, str(tmp_path / "page.ipynb")),
                                check_validity=False)
    bare = copy.deepcopy(executed)
    for cell in bare.cells:
        cell.outputs = []
    merged = with_outputs(bare, tmp_path / "cache")
    assert [len(c.outputs) for c in merged.cells] == [1, 0]
    assert merged.cells[0].outputs[0]["data"]["image/png"] == PNG
    other = nbformat.v4.new_notebook()
    other.cells = [nbformat.v4.new_code_cell("not cached")]
    assert with_outputs(other, tmp_path / "cache") is other  # not in the cache: as it is


def test_translate_myst_translates_prose_and_keeps_code_and_formulas():
    messages = {
        "Title": "标题",
        "A paragraph over two lines with {glue:text}`n:,` in it.": "含有 {glue:text}`n:,` 的段落。",
        "first item": "第一项",
        "a second item over two lines": "第二项",
        "Count it": "数一数",
        "Count the weights.": "数一数权重。",
        "The caption.": "图注。",
        "cell": "单元格",
    }
    text = "\n".join([
        "## Title", "",
        "A paragraph over two", "lines with {glue:text}`n:,` in it.", "",
        "- first item", "- a second item", "  over two lines", "- not in the catalog", "",
        "```{exercise} Count it", ":label: ex-1", "", "Count the weights.", "```", "",
        "```{glue:figure} fig-key", ":name: fig-1", "", "The caption.", "```", "",
        "```{code-cell} ipython3", "Count it", "```", "",
        "$$", "Title", "$$", "",
        "| cell | 3 |", "",
    ])
    out = translate_myst(text, messages.get).splitlines()
    assert out[0] == "## 标题"
    assert "含有 {glue:text}`n:,` 的段落。" in out
    assert out.count("- 第一项") == 1 and "- 第二项" in out and "- not in the catalog" in out
    assert "```{exercise} 数一数" in out and ":label: ex-1" in out and "数一数权重。" in out
    assert ":name: fig-1" in out and "图注。" in out
    assert out[out.index("```{code-cell} ipython3") + 1] == "Count it"  # code is kept
    assert out[out.index("$$") + 1] == "Title"  # a formula is kept
    assert "| 单元格 | 3 |" in out
