"""The .ipynb download of every chapter: plain Jupyter Markdown, the page's figures, and it runs
top to bottom in a fresh kernel from an empty folder."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from notebook_markdown import count_images, leftover_myst  # noqa: E402

CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("ch*.md"))


def _notebook(site, name):
    if not (site / f"{name}.html").exists():
        pytest.skip(f"{name} is not in this build")
    path = site / "_sources" / f"{name}.ipynb"
    assert path.exists(), f"no download {path}"
    return nbformat.read(path, as_version=4)


def _page_images(site, name):
    html = (site / f"{name}.html").read_text(encoding="utf-8")
    article = re.search(r"<article\b.*?</article>", html, re.S).group(0)
    return len(re.findall(r"<img\b", article))


@pytest.mark.parametrize("name", CHAPTERS)
def test_download_has_no_myst_markup_left(site, name):
    nb = _notebook(site, name)
    left = {i: leftover_myst(c.source) for i, c in enumerate(nb.cells)
            if c.cell_type == "markdown"}
    assert {i: x for i, x in left.items() if x} == {}
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "{glue" not in text and "{exercise}" not in text and "{cite" not in text


@pytest.mark.parametrize("name", CHAPTERS)
def test_download_carries_the_pages_images(site, name):
    nb = _notebook(site, name)
    assert count_images(nb) == _page_images(site, name)
    for cell in nb.cells:  # every attachment a Markdown image refers to is there
        for ref in re.findall(r"\(attachment:([^)]+)\)", cell.source):
            assert ref in cell.get("attachments", {}), ref


@pytest.mark.parametrize("name", CHAPTERS)
def test_download_runs_in_a_fresh_kernel_from_an_empty_folder(site, name, tmp_path):
    from nbclient import NotebookClient

    nb = _notebook(site, name)
    client = NotebookClient(nb, timeout=None, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
