"""The chapter list (primary sidebar) and the page contents open and close, on a desktop and on
a phone, by the buttons a reader sees."""

import pytest

PAGE = "ch03_padding_stride"
CHAPTER_LIST = "nav.bd-links"  # the book's table of contents in the primary sidebar


def _visible_button(page, kind):
    buttons = page.locator(f"button.{kind}-toggle")
    visible = [buttons.nth(i) for i in range(buttons.count()) if buttons.nth(i).is_visible()]
    assert len(visible) == 1, f"{len(visible)} visible {kind} toggles"
    return visible[0]


@pytest.mark.parametrize("name", ["index", PAGE])
def test_chapter_list_closes_and_opens_on_a_desktop(site_page, open_page, name):
    page = open_page(1280)
    page.goto(site_page(name).as_uri())
    chapters = page.locator(CHAPTER_LIST)
    assert chapters.is_visible()
    toggle = _visible_button(page, "primary")
    toggle.click()
    chapters.wait_for(state="hidden", timeout=5_000)
    assert page.locator("#pst-primary-sidebar-modal[open]").count() == 0, "opened as a dialog"
    toggle.click()
    chapters.wait_for(state="visible", timeout=5_000)
    assert page.console_errors == []


@pytest.mark.parametrize("name, close", [("index", "Escape"), (PAGE, "Escape"), (PAGE, "backdrop")])
def test_chapter_list_opens_and_closes_on_a_phone(site_page, open_page, name, close):
    page = open_page(390)
    page.goto(site_page(name).as_uri())
    chapters = page.locator(CHAPTER_LIST)
    assert not chapters.is_visible()
    _visible_button(page, "primary").click()
    chapters.wait_for(state="visible", timeout=5_000)
    links = chapters.locator("a.reference.internal")
    assert links.count() >= 3
    box = links.first.bounding_box()
    assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390, box
    if close == "Escape":
        page.keyboard.press("Escape")
    else:  # a tap on the dimmed page beside the dialog
        page.mouse.click(385, 450)
    chapters.wait_for(state="hidden", timeout=5_000)
    # and it opens again
    _visible_button(page, "primary").click()
    chapters.wait_for(state="visible", timeout=5_000)
    assert page.console_errors == []


def test_page_contents_open_on_a_phone(site_page, open_page):
    page = open_page(390)
    page.goto(site_page(PAGE).as_uri())
    contents = page.locator(".bd-toc-nav, nav#bd-toc-nav, .page-toc").first
    assert not contents.is_visible()
    _visible_button(page, "secondary").click()
    contents.wait_for(state="visible", timeout=5_000)
    page.keyboard.press("Escape")
    contents.wait_for(state="hidden", timeout=5_000)
    assert page.console_errors == []
