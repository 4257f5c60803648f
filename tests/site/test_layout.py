"""The pages fit their screens: no display equation overflows at 1280 px, no page is wider than a
390 px phone, and what cannot fit (a long equation, code, a wide table) scrolls inside its own box
instead of being cut off; the API page's signatures wrap."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("ch*.md"))
PAGES = CHAPTERS + ["index", "glossary", "api", "bibliography", "genindex", "py-modindex", "search"]

# Elements of the article that reach beyond the window's right edge, unless an ancestor inside
# the article scrolls sideways (then the reader can scroll to them). An ancestor that clips
# (overflow hidden/clip) cuts them off.
_CUT_OFF_JS = """(width) => {
  const article = document.querySelector('.bd-article') || document.body;
  const cut = [];
  for (const el of article.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) { continue; }
    let reachable = false;
    for (let a = el.parentElement; a && a !== article.parentElement; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') { reachable = true; break; }
    }
    if (!reachable) {
      const parentCut = cut.length && cut[cut.length - 1].node.contains(el);
      if (!parentCut) {
        cut.push({node: el, what: el.tagName.toLowerCase() + '.' +
          String(el.className && el.className.baseVal !== undefined ? el.className.baseVal
                                                                   : el.className)
            .split(' ').slice(0, 2).join('.'),
          right: Math.round(r.right), text: (el.innerText || el.textContent || '').slice(0, 60)});
      }
    }
  }
  return cut.map(({what, right, text}) => ({what, right, text}));
}"""


def _load(page, path):
    page.goto(path.as_uri())
    if page.evaluate("() => !!document.querySelector('.math, script[src*=mathjax]')"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=60_000)
        page.evaluate("() => MathJax.startup.promise")
    page.wait_for_timeout(200)


@pytest.mark.parametrize("name", CHAPTERS + ["index"])
def test_no_display_equation_overflows_at_1280(site_page, open_page, name):
    page = open_page(1280)
    _load(page, site_page(name))
    wide = page.evaluate("""() => [...document.querySelectorAll('mjx-container[display="true"]')]
      .filter((m) => m.scrollWidth > m.clientWidth + 1)
      .map((m) => [m.scrollWidth, m.clientWidth,
                   (m.querySelector('mjx-assistive-mml') || m).textContent.slice(0, 80)])""")
    assert not wide, f"{name}: display equations wider than the column: {wide}"
    assert page.console_errors == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_code_cell_scrolls_at_1280(site_page, open_page, name):
    page = open_page(1280)
    _load(page, site_page(name))
    # open the solutions: their code cells sit in a narrower box
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.evaluate("""() => document.querySelectorAll('.toggle-hidden, .toggle-details__container')
      .forEach((el) => { el.classList.remove('toggle-hidden'); el.style.display = 'block'; })""")
    wide = page.evaluate("""() => [...document.querySelectorAll('.cell_input div.highlight pre')]
      .filter((p) => p.clientWidth > 0 && p.scrollWidth > p.clientWidth + 1)
      .map((p) => [p.scrollWidth, p.clientWidth, p.textContent.split('\\n')[0].slice(0, 60)])""")
    assert not wide, f"{name}: code cells that scroll sideways at 1280 px: {wide}"


@pytest.mark.parametrize("name", PAGES)
def test_no_page_is_wider_than_a_phone(site_page, open_page, name):
    page = open_page(390)
    _load(page, site_page(name))
    width = page.evaluate("document.documentElement.scrollWidth")
    cut = page.evaluate(_CUT_OFF_JS, 390)
    assert width <= 390, f"{name}: {width} px wide; beyond the right edge: {cut[:5]}"
    assert not cut, f"{name}: cut off at the right edge of a 390 px phone: {cut[:5]}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_long_display_equations_scroll_in_their_own_box(site_page, open_page, name):
    """At 390 px an equation that does not fit scrolls sideways by itself (and is not clipped):
    scrolled to its end, its last glyph comes into view inside the column; a shadow at the edge
    shows the reader that there is more."""
    page = open_page(390)
    _load(page, site_page(name))
    boxes = page.evaluate("""() => [...document.querySelectorAll('mjx-container[display="true"]')]
      .filter((m) => m.scrollWidth > m.clientWidth + 1).map((m) => {
        m.scrollLeft = m.scrollWidth;
        const glyphs = m.querySelectorAll('mjx-c');
        const last = glyphs.length ? glyphs[glyphs.length - 1].getBoundingClientRect() : null;
        return {scrolls: ['auto', 'scroll'].includes(getComputedStyle(m).overflowX),
                cue: getComputedStyle(m).backgroundImage.includes('radial-gradient'),
                scrolled: m.scrollLeft > 0, right: m.getBoundingClientRect().right,
                lastRight: last && last.right};
      })""")
    for box in boxes:
        assert box["scrolls"] and box["scrolled"] and box["right"] <= 391, (name, box)
        assert box["cue"], (name, "no shadow shows that the equation goes on")
        assert box["lastRight"] is None or box["lastRight"] <= box["right"] + 1, (name, box)


def test_api_signatures_wrap_on_a_phone(site_page, open_page):
    page = open_page(390)
    _load(page, site_page("api"))
    sigs = page.evaluate("""() => [...document.querySelectorAll('dl.py > dt.sig')]
      .map((d) => ({right: d.getBoundingClientRect().right, wide: d.scrollWidth > d.clientWidth + 1,
                    lines: Math.round(d.getBoundingClientRect().height
                                      / parseFloat(getComputedStyle(d).lineHeight || 20))}))""")
    assert len(sigs) > 20
    too_wide = [s for s in sigs if s["right"] > 391 or s["wide"]]
    assert not too_wide, too_wide[:3]
    assert any(s["lines"] >= 2 for s in sigs), "no signature wraps onto a second line"
