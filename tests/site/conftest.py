"""Fixtures for tests of the built book (run after `make html`)."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site():
    """Path of the built HTML site (``_build/html``, or ``$CNNBOOK_SITE``)."""
    path = Path(os.environ.get("CNNBOOK_SITE", ROOT / "_build" / "html")).resolve()
    if not (path / "index.html").exists():
        pytest.fail(f"no built site at {path}: run `make html` first")
    return path


@pytest.fixture(scope="session")
def site_page(site):
    """``site_page("ch03_padding_stride")``: the path of a built page.

    A missing page fails the test, except in a partial build named by ``$CNNBOOK_SITE``
    (``CNNBOOK_ONLY=ch03 ...``), where the tests of the chapters left out are skipped.
    """

    def find(name):
        path = site / f"{name}.html"
        if not path.exists():
            if os.environ.get("CNNBOOK_SITE"):
                pytest.skip(f"{name}.html is not in the partial build at {site}")
            pytest.fail(f"{name}.html is missing from the built site at {site}")
        return path

    return find


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watched_page(context):
    """A page of ``context`` whose requests that are not ``file://`` are aborted."""
    page = context.new_page()
    page.console_errors = []
    page.blocked_requests = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            page.blocked_requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


@pytest.fixture
def browser_page(chromium):
    """A fresh page with every request that is not ``file://`` aborted.

    ``page.console_errors`` collects console errors and uncaught exceptions;
    ``page.blocked_requests`` the URLs of requests that tried to leave the site.
    """
    context = chromium.new_context()
    yield _watched_page(context)
    context.close()


@pytest.fixture
def open_page(chromium):
    """``open_page(width, color_scheme="light")``: a fresh page like ``browser_page`` in a
    window ``width`` CSS pixels wide (900 high) whose system asks for ``color_scheme``."""
    contexts = []

    def make(width, color_scheme="light"):
        context = chromium.new_context(viewport={"width": width, "height": 900},
                                       color_scheme=color_scheme)
        contexts.append(context)
        return _watched_page(context)

    yield make
    for context in contexts:
        context.close()


def run_search(page, site, query):
    """Search the book at ``site`` (English or Chinese) from disk for ``query``; the result
    links, once the search page says it has finished."""
    page.goto((site / "search.html").as_uri() + f"?q={query}")
    page.wait_for_function(
        "() => /finished|did not match|完成|没有任何/.test("
        "document.querySelector('#search-results')?.innerText || '')",
        timeout=60_000,
    )
    page.wait_for_timeout(300)  # late errors of the result list's excerpt loading
    return [a.get_attribute("href") for a in page.locator("#search-results li > a").all()]


@pytest.fixture
def search():
    """``search(page, site, query)``: see :func:`run_search`."""
    return run_search
