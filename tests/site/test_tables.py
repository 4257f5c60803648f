"""One table style: every table a chapter's code prints is a ``cnnbook-table`` (cnnbook.tables),
with padded cells, numbers right-aligned with thousands separators, no pandas index or empty
header row, and on a phone a table wider than the screen scrolls in its own box."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("ch*.md"))
NUMBER = re.compile(r"^[-\u2212]?(\d[\d,]*)(\.\d+)?(%|e[-+\u2212]?\d+)?$")

_TABLES_JS = """() => [...document.querySelectorAll('.bd-article .cell_output table')].map((t) => {
  const cell = (c) => {
    const s = getComputedStyle(c);
    return {text: c.textContent.trim(), num: c.classList.contains('num'), align: s.textAlign,
            pad: parseFloat(s.paddingLeft) + parseFloat(s.paddingRight), th: c.tagName === 'TH'};
  };
  const r = t.getBoundingClientRect();
  return {cls: t.className, headers: [...t.querySelectorAll('thead tr')].map(
            (tr) => [...tr.children].map((c) => c.textContent.trim())),
          cells: [...t.querySelectorAll('th, td')].map(cell),
          body: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(cell)),
          right: r.right, wide: t.scrollWidth > t.clientWidth + 1,
          scrolls: ['auto', 'scroll'].includes(getComputedStyle(t).overflowX) ||
                   ['auto', 'scroll'].includes(getComputedStyle(t.parentElement).overflowX)};
})"""


def _check_table(name, table):
    where = f"{name}: table {table['headers'][:1]}"
    assert "cnnbook-table" in table["cls"].split(), f"{where} is not a cnnbook-table"
    assert "dataframe" not in table["cls"], where
    for row in table["headers"]:
        assert any(row), f"{where} has an empty header row"
        assert row[0], f"{where} starts with an unnamed (index) column"
    for c in table["cells"]:
        assert c["pad"] >= 8, f"{where}: cell {c['text']!r} has {c['pad']} px padding"
    # a column of numbers (a column of shapes such as "25×26×26" ... "1250" is text)
    for column in zip(*table["body"], strict=True):
        values = [c for c in column if c["text"]]
        if not values or not all(NUMBER.match(c["text"]) for c in values):
            continue
        for c in values:
            assert c["num"] and c["align"] in ("right", "end"), f"{where}: {c}"
            digits = NUMBER.match(c["text"]).group(1)
            if len(digits.replace(",", "")) >= 5:
                assert "," in digits, f"{where}: {c['text']!r} has no thousands separators"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_tables_have_one_style_and_fit_a_phone(site_page, open_page, name):
    page = open_page(1280)
    page.goto(site_page(name).as_uri())
    tables = page.evaluate(_TABLES_JS)
    for table in tables:
        _check_table(name, table)
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(100)
    for table in page.evaluate(_TABLES_JS):
        assert table["right"] <= 391 or table["scrolls"], f"{name}: a table is cut off: {table}"
        assert not table["wide"] or table["scrolls"], f"{name}: a wide table does not scroll"


def test_the_book_has_cnnbook_tables(site):
    count = sum((site / f"{n}.html").read_text(encoding="utf-8").count('class="cnnbook-table')
                for n in CHAPTERS if (site / f"{n}.html").exists())
    assert count >= 3, f"{count} cnnbook-table tables in the chapters"
