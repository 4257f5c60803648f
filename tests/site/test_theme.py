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
