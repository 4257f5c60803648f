"""Chapter 3's interactive parts work in a headless browser with the network blocked: the
convolution explorer computes the output size that `cnnbook.conv_output_size` computes, and the
sliding-window animations carry their frames and play them."""

import pytest

import cnnbook

PAGE = "ch03_padding_stride.html"


@pytest.fixture
def ch03(site, browser_page):
    path = site / PAGE
    if not path.exists():
        pytest.fail(f"{PAGE} is missing from the built site at {site}")
    browser_page.goto(path.as_uri())
    browser_page.wait_for_selector("#conv-explorer-output-size")
    return browser_page


def _size(page):
    return page.inner_text("#conv-explorer-output-size").strip()


@pytest.mark.parametrize("settings", [
    {"n": "9", "k": "3", "s": "2", "p": "1", "d": "2"},
    {"n": "12", "k": "5", "s": "3", "p": "0", "d": "1"},
    {"n": "7", "k": "4", "s": "1", "p": "2", "d": "1"},
])
def test_explorer_output_size_matches_conv_output_size(ch03, settings):
    for key, value in settings.items():
        ch03.select_option(f"#conv-explorer-{key}", value)
    n, k, s, p, d = (int(settings[key]) for key in "nkspd")
    assert _size(ch03) == str(cnnbook.conv_output_size(n, k, stride=s, padding=p, dilation=d))
    # one output cell per window position: the SVG's output grid has o*o cells, one current
    o = cnnbook.conv_output_size(n, k, stride=s, padding=p, dilation=d)
    cells = sum(ch03.locator(f".conv-explorer .{c}").count() for c in ("cx-now", "cx-done",
                                                                       "cx-todo"))
    assert cells == o * o
    assert ch03.locator(".conv-explorer .cx-now").count() == 1
    assert ch03.console_errors == []
    assert ch03.blocked_requests == []


def test_explorer_steps_through_every_window(ch03):
    ch03.select_option("#conv-explorer-n", "4")
    ch03.select_option("#conv-explorer-k", "3")
    ch03.select_option("#conv-explorer-s", "1")
    ch03.select_option("#conv-explorer-p", "0")
    ch03.select_option("#conv-explorer-d", "1")
    assert _size(ch03) == "2"
    texts = set()
    for _ in range(4):
        texts.add(ch03.inner_text(".conv-explorer-sum").split("=")[0])
        ch03.click(".conv-explorer-next")
    assert len(texts) == 4  # four distinct output positions, then back to the first
    assert ch03.console_errors == []


def test_explorer_reports_a_kernel_that_does_not_fit(ch03):
    ch03.select_option("#conv-explorer-n", "2")
    ch03.select_option("#conv-explorer-p", "0")
    ch03.select_option("#conv-explorer-k", "5")
    assert _size(ch03) == "none"
    with pytest.raises(ValueError):
        cnnbook.conv_output_size(2, 5, dilation=int(ch03.input_value("#conv-explorer-d")))


def test_animations_have_frames_and_play_offline(ch03):
    anims = ch03.locator(".ops-anim")
    assert anims.count() >= 4
    first = anims.first
    n_frames = int(first.get_attribute("data-nframes"))
    assert n_frames > 1
    src0 = first.locator("img").get_attribute("src")
    assert src0.startswith("data:image/png;base64,")
    first.locator(".ops-anim-next").click()
    assert first.locator("img").get_attribute("src") != src0
    assert first.locator(".ops-anim-count").inner_text() == f"2 / {n_frames}"
    assert ch03.console_errors == []
    assert ch03.blocked_requests == []


LARGEST = {"n": "12", "k": "1", "s": "1", "p": "4", "d": "1"}  # a 20x20 input and output

# WCAG 2 contrast ratio of two CSS colours, and the colour behind an element
_COLOURS_JS = """
(() => {
  const rgb = (css) => (css.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = (css) => {
    const [r, g, b] = rgb(css).slice(0, 3).map((v) => v / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (node) => {
    for (; node && node.nodeType === 1; node = node.parentNode) {
      const c = getComputedStyle(node).backgroundColor;
      const parts = rgb(c);
      if (parts.length === 3 || (parts.length === 4 && parts[3] > 0)) { return c; }
    }
    return "rgb(255, 255, 255)";
  };
  window.cxColours = { rgb, lum, contrast, background };
})();
"""


def _set(page, settings):
    for key, value in settings.items():
        page.select_option(f"#conv-explorer-{key}", value)


@pytest.mark.parametrize("width", [1280, 390])
def test_explorer_output_grid_stays_in_view_at_the_largest_settings(site_page, open_page, width):
    page = open_page(width)
    page.goto(site_page(PAGE[:-5]).as_uri())
    page.wait_for_selector("#conv-explorer-output-size")
    _set(page, LARGEST)
    assert _size(page) == "20"
    explorer = page.locator(".conv-explorer").bounding_box()
    assert explorer["x"] >= 0 and explorer["x"] + explorer["width"] <= width
    for name in ("input (padded)", "kernel", "output"):
        grid = page.locator(f'.conv-explorer svg[aria-label^="{name},"]')
        box = grid.bounding_box()
        assert box["x"] >= explorer["x"], name
        assert box["x"] + box["width"] <= explorer["x"] + explorer["width"] + 0.5, name
        # scaled to fit, the cells stay large enough to read their numbers
        cells = int(grid.get_attribute("aria-label").rsplit("\u00d7", 1)[1])
        assert box["width"] / cells >= 15, (name, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_explorer_labels_readable_and_padding_not_white_in_both_modes(site_page, open_page,
                                                                      scheme):
    page = open_page(1280, color_scheme=scheme)
    page.goto(site_page(PAGE[:-5]).as_uri())
    page.wait_for_selector("#conv-explorer-output-size")
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    _set(page, {"n": "5", "k": "3", "s": "1", "p": "2", "d": "1"})
    page.evaluate(_COLOURS_JS)
    report = page.evaluate("""() => {
      const {contrast, background, lum} = window.cxColours;
      const root = document.querySelector('.conv-explorer');
      const ground = background(root);
      const fill = (el) => getComputedStyle(el).fill;
      const titles = [...root.querySelectorAll('.conv-explorer-title')]
        .map((t) => contrast(fill(t), ground));
      const labels = [...root.querySelectorAll('label')]
        .map((l) => contrast(getComputedStyle(l).color, ground));
      const pads = [...root.querySelectorAll('rect.cx-pad')];
      const padValues = [...root.querySelectorAll('text.cx-pad-value')]
        .map((t) => contrast(fill(t), fill(pads[0])));
      const inputValues = [...root.querySelectorAll('text.cx-input-value')]
        .map((t) => contrast(fill(t), fill(root.querySelector('rect.cx-input'))));
      return {ground, groundLum: lum(ground), titles, labels, padValues, inputValues,
              pads: pads.length, padFills: [...new Set(pads.map(fill))]};
    }""")
    assert report["titles"] and min(report["titles"]) >= 4.5, report
    assert report["labels"] and min(report["labels"]) >= 4.5, report
    assert report["pads"] > 0 and report["padValues"] and min(report["padValues"]) >= 4.5, report
    assert report["inputValues"] and min(report["inputValues"]) >= 4.5, report
    if scheme == "dark":
        assert report["groundLum"] < 0.2, report
        # padding cells are drawn in the page's dark tones, not as white boxes
        assert report["padFills"] != ["rgb(255, 255, 255)"], report
        assert all(page.evaluate("(c) => window.cxColours.lum(c)", c) < 0.2
                   for c in report["padFills"]), report
    assert page.console_errors == []


def test_explorer_window_colour_is_the_animations_colour(site_page, browser_page):
    """The explorer draws the window (kernel taps) in the colour the animations draw it in:
    the first animation frame has a patch of exactly the explorer's window fill."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    page = browser_page
    page.goto(site_page(PAGE[:-5]).as_uri())
    page.wait_for_selector("#conv-explorer-output-size")
    fill = page.locator(".conv-explorer rect.cx-tap").first.evaluate(
        "(r) => getComputedStyle(r).fill")
    rgb = np.array([int(v) for v in fill[fill.index("(") + 1:-1].split(",")[:3]])
    src = page.locator(".ops-anim img").first.get_attribute("src")
    frame = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB")
    pixels = np.asarray(frame).reshape(-1, 3)
    share = np.mean(np.all(pixels == rgb, axis=1))
    assert share > 0.002, f"the animation has no window coloured {fill} ({share:.4%} of pixels)"
    # and the fill is not a colour every frame is full of (white, the page)
    assert share < 0.5
