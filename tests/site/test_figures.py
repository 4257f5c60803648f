"""Figures as a reader sees them at 1280 px: sharp on 2x screens, a text alternative, a click
opens the full-size image, and the animations as wide as the column."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("ch*.md"))

# every image in the article, with what the tests need to know about it
_IMAGES_JS = """() => [...document.querySelectorAll('article.bd-article img')].map(img => ({
  src: img.getAttribute('src'), alt: img.getAttribute('alt') || '',
  natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
  link: img.closest('a') ? img.closest('a').getAttribute('href') : null,
  anim: !!img.closest('.ops-anim'), inFigure: !!img.closest('figure')}))"""
_COLUMN_JS = """() => { const a = document.querySelector('article.bd-article');
  const s = getComputedStyle(a);
  return a.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"""


def _open(site, browser_page, name, width=1280):
    page = site / f"{name}.html"
    if not page.exists():
        pytest.skip(f"{name} is not in this build")
    browser_page.set_viewport_size({"width": width, "height": 900})
    browser_page.goto(page.as_uri())
    browser_page.wait_for_load_state("load")
    return browser_page.evaluate(_IMAGES_JS)


def _is_file_name(alt, src):
    return (not alt.strip() or alt == src or "_images/" in alt
            or re.fullmatch(r"[\w./-]+\.(png|jpe?g|svg|gif)", alt.strip()) is not None)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_image_has_a_text_alternative_not_its_file_name(site, browser_page, name):
    images = _open(site, browser_page, name)
    for img in images:
        assert not _is_file_name(img["alt"], img["src"]), img
        assert len(img["alt"]) >= 12, img


@pytest.mark.parametrize("name", CHAPTERS)
def test_figures_have_two_image_pixels_per_css_pixel(site, browser_page, name):
    images = _open(site, browser_page, name)
    for img in images:
        if img["src"].lower().endswith(".svg") or img["shown"] == 0:
            continue
        assert img["natural"] >= 2 * img["shown"] - 1, img


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_click_on_a_figure_opens_the_full_size_image(site, browser_page, name):
    images = [img for img in _open(site, browser_page, name) if not img["anim"]]
    for img in images:
        assert img["link"] == img["src"], img  # wrapped in a link to the image file itself
    if not images:
        return
    first = browser_page.locator("article.bd-article a.image-reference img").first
    first.click()
    browser_page.wait_for_load_state("load")
    assert browser_page.url.endswith(images[0]["src"].split("/")[-1])


def test_chapter_figures_are_not_shrunk_below_their_size(site, browser_page):
    """A figure is drawn at most as wide as the column (672 CSS px at 1280 px): shown at 1:1,
    its text keeps the size it was drawn at (9 pt = 12 CSS px or more)."""
    checked = 0
    for name in CHAPTERS:
        if not (site / f"{name}.html").exists():
            continue
        images = _open(site, browser_page, name)
        column = browser_page.evaluate(_COLUMN_JS)
        for img in images:
            if img["inFigure"]:
                assert img["natural"] / 2 <= column + 1, (name, img, column)
                assert img["shown"] >= img["natural"] / 2 - 1, (name, img)
                checked += 1
    assert checked, "no figures in the built chapters"


def test_animation_frames_fill_the_column(site, browser_page):
    name = "ch03_padding_stride"
    images = _open(site, browser_page, name)
    column = browser_page.evaluate(_COLUMN_JS)
    frames = [img for img in images if img["anim"]]
    assert len(frames) >= 4
    for img in frames:
        assert img["shown"] >= 0.8 * column, (img["shown"], column)
        assert "window" in img["alt"]
    # the slider is no wider than the frame above it
    widths = browser_page.evaluate("""() => [...document.querySelectorAll('.ops-anim')].map(
        p => [p.querySelector('img').getBoundingClientRect().width,
              p.querySelector('input').getBoundingClientRect().right
              - p.querySelector('img').getBoundingClientRect().left])""")
    for frame, controls in widths:
        assert controls <= frame + 1
