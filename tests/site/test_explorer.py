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
