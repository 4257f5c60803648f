"""Light or dark as the reader's system asks, a switch that overrides it, and Chinese terms set in
a CJK font where the reader's system has one."""

import pytest

_LUMINANCE_JS = """(el) => {
  const [r, g, b] = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).slice(0, 3)
    .map((v) => Number(v) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_follow_the_systems_colour_scheme(site, open_page, scheme):
    page = open_page(1280, color_scheme=scheme)
    page.goto((site / "index.html").as_uri())
    assert page.evaluate("document.documentElement.dataset.mode") == "auto"
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    luminance = page.locator("body").evaluate(_LUMINANCE_JS)
    assert (luminance > 0.8) if scheme == "light" else (luminance < 0.1), luminance
    assert page.console_errors == []


def test_the_readers_choice_overrides_the_system(site, open_page):
    page = open_page(1280, color_scheme="dark")
    page.add_init_script("localStorage.setItem('mode', 'light')")
    page.goto((site / "index.html").as_uri())
    assert page.evaluate("document.documentElement.dataset.theme") == "light"


def test_chinese_terms_have_a_cjk_font_in_the_stack(site, site_page, browser_page):
    page = browser_page
    page.goto(site_page("glossary").as_uri())
    families = page.evaluate("""() => {
      const walker = document.createTreeWalker(document.querySelector('.bd-article'),
                                               NodeFilter.SHOW_TEXT);
      const out = new Set();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (/[\\u4e00-\\u9fff]/.test(n.textContent)) {
          out.add(getComputedStyle(n.parentElement).fontFamily);
        }
      }
      return [...out];
    }""")
    assert families, "no Chinese text on the glossary page"
    for family in families:
        stack = [f.strip().strip('"').casefold() for f in family.split(",")]
        cjk = [f for f in stack if any(k in f for k in ("cjk", "yahei", "pingfang", "hei", " sc"))]
        assert len(cjk) >= 3, f"no CJK fallback in {family!r}"
        # a CJK font comes before the generic family that ends the search
        assert stack.index(cjk[0]) < stack.index("sans-serif" if "sans-serif" in stack
                                                 else "monospace"), family


def test_the_site_carries_the_cjk_glyphs_its_pages_use(site):
    """For readers without a CJK font: _static/cnnbook-cjk.woff has a glyph for every Chinese
    character of every page (cut by the build from a Debian font), with its licence beside it."""
    import re

    from fontTools.ttLib import TTFont

    chars = set()
    for page in site.rglob("*.html"):  # the English edition's pages (zh_CN has its own font)
        if not {"_static", "zh_CN"} & set(page.relative_to(site).parts):
            chars.update(re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]",
                                    page.read_text(encoding="utf-8", errors="replace")))
    assert len(chars) >= 5, "the book's Chinese terms are missing"
    font = TTFont(site / "_static" / "cnnbook-cjk.woff")
    assert font.flavor == "woff"
    cmap = font.getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap)
    assert not missing, f"no glyph for {''.join(missing)}"
    empty = [c for c in chars if font["glyf"][cmap[ord(c)]].numberOfContours == 0]
    assert not empty, f"empty glyphs for {''.join(empty)}"
    assert (site / "_static" / "cnnbook-cjk.LICENSE.txt").stat().st_size > 100


def test_the_cjk_glyphs_load_from_disk(site, site_page, browser_page):
    page = browser_page
    page.goto(site_page("glossary").as_uri())
    loaded = page.evaluate("""async () => {
      const faces = await document.fonts.load('16px "cnnbook CJK"', '\u5377\u79ef');
      return faces.map((f) => f.status);
    }""")
    assert loaded == ["loaded"]
    assert page.console_errors == []
